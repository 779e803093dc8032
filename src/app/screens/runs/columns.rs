//! Columns of the runs table and how each sorts: on the server (`order_by`) where MLflow can,
//! locally (over the loaded rows) where it cannot (duration).

use crate::ops::run_filter;

use super::super::super::picker::{PickItem, PickValue};
use super::table::RunTable;

/// Metric and param columns shown by default (the most common keys of the loaded runs).
pub const DEFAULT_METRIC_COLUMNS: usize = 3;
pub const DEFAULT_PARAM_COLUMNS: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Status,
    Start,
    Duration,
    User,
    Metric(String),
    Param(String),
}

/// The columns every runs table starts with, in order.
pub const FIXED: [Column; 5] = [
    Column::Name,
    Column::Status,
    Column::Start,
    Column::Duration,
    Column::User,
];

impl Column {
    pub fn header(&self) -> &str {
        match self {
            Column::Name => "Run",
            Column::Status => "Status",
            Column::Start => "Started (UTC)",
            Column::Duration => "Duration",
            Column::User => "User",
            Column::Metric(k) | Column::Param(k) => k,
        }
    }

    /// The `order_by` field, or `None` when the server cannot sort by it.
    pub fn order_by_field(&self) -> Option<String> {
        Some(match self {
            Column::Name => "attributes.run_name".to_string(),
            Column::Status => "attributes.status".to_string(),
            Column::Start => "attributes.start_time".to_string(),
            Column::User => "attributes.user_id".to_string(),
            Column::Metric(k) => run_filter::qualified("metrics", k),
            Column::Param(k) => run_filter::qualified("params", k),
            Column::Duration => return None,
        })
    }

    /// Times and metrics sort newest / highest first on the first press; text A to Z.
    pub fn default_descending(&self) -> bool {
        matches!(self, Column::Start | Column::Duration | Column::Metric(_))
    }
}

/// A sort: the column and its direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortSpec {
    pub column: Column,
    pub descending: bool,
}

impl Default for SortSpec {
    /// MLflow's natural order: newest first.
    fn default() -> Self {
        SortSpec {
            column: Column::Start,
            descending: true,
        }
    }
}

impl SortSpec {
    /// `s` on `column`: the same column flips, another starts in its natural direction.
    pub fn pressed(&self, column: &Column) -> SortSpec {
        if *column == self.column {
            SortSpec {
                column: column.clone(),
                descending: !self.descending,
            }
        } else {
            SortSpec {
                column: column.clone(),
                descending: column.default_descending(),
            }
        }
    }

    pub fn order_by(&self) -> Vec<String> {
        match self.column.order_by_field() {
            Some(f) => vec![format!(
                "{f} {}",
                if self.descending { "DESC" } else { "ASC" }
            )],
            None => Vec::new(),
        }
    }

    /// Sorted on the client over the loaded rows only.
    pub fn is_local(&self) -> bool {
        self.column.order_by_field().is_none()
    }
}

/// The default metric and param columns for a freshly loaded table.
pub fn defaults(table: &RunTable) -> Vec<Column> {
    table
        .common_metrics(DEFAULT_METRIC_COLUMNS)
        .into_iter()
        .map(Column::Metric)
        .chain(
            table
                .common_params(DEFAULT_PARAM_COLUMNS)
                .into_iter()
                .map(Column::Param),
        )
        .collect()
}

/// Fixed columns, then the chosen metric and param columns.
pub fn all(chosen: &[Column]) -> Vec<Column> {
    FIXED
        .iter()
        .cloned()
        .chain(chosen.iter().cloned())
        .collect()
}

/// Picker items: every metric then every param key of the loaded rows (and any chosen key no
/// longer present), checked when shown.
pub fn picker_items(table: &RunTable, shown: &[Column]) -> Vec<PickItem> {
    let mut metrics = table.present_metric_keys();
    let mut params = table.present_param_keys();
    for c in shown {
        match c {
            Column::Metric(k) if !metrics.contains(k) => metrics.push(k.clone()),
            Column::Param(k) if !params.contains(k) => params.push(k.clone()),
            _ => {}
        }
    }
    let metric_items = metrics.into_iter().map(|k| PickItem {
        checked: shown.contains(&Column::Metric(k.clone())),
        value: PickValue::Metric(k),
    });
    let param_items = params.into_iter().map(|k| PickItem {
        checked: shown.contains(&Column::Param(k.clone())),
        value: PickValue::Param(k),
    });
    metric_items.chain(param_items).collect()
}

/// The columns a picker's answer stands for (metrics first, as listed).
pub fn from_picked(values: Vec<PickValue>) -> Vec<Column> {
    values
        .into_iter()
        .map(|v| match v {
            PickValue::Metric(k) => Column::Metric(k),
            PickValue::Param(k) => Column::Param(k),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_presses_flip_and_map_to_order_by() {
        let s = SortSpec::default();
        assert_eq!(s.order_by(), vec!["attributes.start_time DESC"]);
        let auc = Column::Metric("val auc".into());
        let s = s.pressed(&auc);
        assert_eq!(s.order_by(), vec!["metrics.`val auc` DESC"]);
        let s = s.pressed(&auc);
        assert_eq!(s.order_by(), vec!["metrics.`val auc` ASC"]);
        let s = s.pressed(&Column::Param("max_depth".into()));
        assert_eq!(s.order_by(), vec!["params.max_depth ASC"]);
        let s = s.pressed(&Column::Name);
        assert_eq!(s.order_by(), vec!["attributes.run_name ASC"]);
        let s = s.pressed(&Column::Duration);
        assert!(s.is_local() && s.order_by().is_empty() && s.descending);
    }
}
