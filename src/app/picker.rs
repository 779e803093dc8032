//! A choice popup: a list of items with check marks (several) or one choice. Pure; what the
//! choice applies to is decided by `purpose` when it is submitted.

/// What an item stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickValue {
    Metric(String),
    Param(String),
}

impl PickValue {
    pub fn key(&self) -> &str {
        match self {
            PickValue::Metric(k) | PickValue::Param(k) => k,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    pub value: PickValue,
    pub checked: bool,
}

/// Where the choice goes when submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerPurpose {
    /// Metric and param columns of the runs table.
    RunColumns,
    /// Metrics charted in run detail.
    ChartMetrics,
    /// The metric overlaid in the compare chart (one).
    CompareMetric,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub purpose: PickerPurpose,
    pub items: Vec<PickItem>,
    pub cursor: usize,
    /// Several items may be checked; otherwise checking one unchecks the rest.
    pub multi: bool,
}

impl Picker {
    pub fn new(
        title: impl Into<String>,
        purpose: PickerPurpose,
        items: Vec<PickItem>,
        multi: bool,
    ) -> Picker {
        let cursor = items.iter().position(|i| i.checked).unwrap_or(0);
        Picker {
            title: title.into(),
            purpose,
            items,
            cursor,
            multi,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.items.len();
        if n == 0 {
            return;
        }
        self.cursor = (self.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
    }

    /// Space: checks or unchecks the item under the cursor.
    pub fn toggle(&mut self) {
        let multi = self.multi;
        let cursor = self.cursor;
        for (i, item) in self.items.iter_mut().enumerate() {
            if i == cursor {
                item.checked = !item.checked || !multi;
            } else if !multi {
                item.checked = false;
            }
        }
    }

    /// The checked values in list order; for a single choice, the item under the cursor
    /// (Enter on a row picks it).
    pub fn chosen(&self) -> Vec<PickValue> {
        if !self.multi {
            return self
                .items
                .get(self.cursor)
                .map(|i| vec![i.value.clone()])
                .unwrap_or_default();
        }
        self.items
            .iter()
            .filter(|i| i.checked)
            .map(|i| i.value.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<PickItem> {
        (0..n)
            .map(|i| PickItem {
                value: PickValue::Metric(format!("m{i}")),
                checked: i == 1,
            })
            .collect()
    }

    #[test]
    fn multi_toggles_each_and_single_keeps_one() {
        let mut p = Picker::new("t", PickerPurpose::ChartMetrics, items(3), true);
        assert_eq!(p.cursor, 1);
        p.move_by(1);
        p.toggle();
        assert_eq!(p.chosen().len(), 2);
        p.toggle();
        assert_eq!(p.chosen(), vec![PickValue::Metric("m1".into())]);
        p.move_by(-5);
        assert_eq!(p.cursor, 0);

        let mut p = Picker::new("t", PickerPurpose::CompareMetric, items(3), false);
        p.move_by(1);
        p.toggle();
        assert_eq!(p.chosen(), vec![PickValue::Metric("m2".into())]);
        p.toggle();
        assert_eq!(
            p.chosen(),
            vec![PickValue::Metric("m2".into())],
            "stays chosen"
        );
    }
}
