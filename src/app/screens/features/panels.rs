//! The panels of a feature table's detail and which one has the focus (`tab` moves it). On
//! the lineage panel `j/k`, pages and `g/G` move the cursor over model versions and endpoints
//! (the panel scrolls to keep it in sight); on the columns, Delta versions and online tables
//! they scroll the panel, down to its last line at the top.

use crate::app::action::Action;
use crate::ops::features::FeatureDetail;

/// Lines one page moves.
pub const PAGE: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetailPanel {
    #[default]
    Lineage,
    Columns,
    Versions,
    Online,
}

impl DetailPanel {
    const ALL: [DetailPanel; 4] = [
        DetailPanel::Lineage,
        DetailPanel::Columns,
        DetailPanel::Versions,
        DetailPanel::Online,
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> DetailPanel {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    /// How many lines the panel shows for `d` (its header included).
    pub fn lines(self, d: &FeatureDetail) -> usize {
        match self {
            DetailPanel::Lineage => 0,
            DetailPanel::Columns => d.columns.len() + 1,
            DetailPanel::Versions => {
                d.versions.as_ref().map_or(1, |v| v.len() + 1) + d.trained.len() + 1
            }
            DetailPanel::Online => (d.online.len() * 2).max(1),
        }
    }
}

/// The focus and each panel's first line shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailPanels {
    pub focus: DetailPanel,
    scroll: [usize; 4],
}

impl DetailPanels {
    /// The first line shown of `panel`.
    pub fn scroll(&self, panel: DetailPanel) -> usize {
        self.scroll[panel.index()]
    }

    pub fn focus_next(&mut self) {
        self.focus = self.focus.next();
    }

    /// Scrolls the focused panel (not the lineage: its cursor moves) over `lines` lines;
    /// `false` for other actions.
    pub fn navigate(&mut self, action: Action, lines: usize) -> bool {
        let last = lines.saturating_sub(1);
        let s = &mut self.scroll[self.focus.index()];
        *s = match action {
            Action::MoveDown => s.saturating_add(1),
            Action::MoveUp => s.saturating_sub(1),
            Action::PageDown => s.saturating_add(PAGE),
            Action::PageUp => s.saturating_sub(PAGE),
            Action::First => 0,
            Action::Last => last,
            _ => return false,
        }
        .min(last);
        true
    }
}

/// The first line to show of a list of which line `selected` must stay in sight in `height`
/// rows, starting from the `hint` the cursor left.
pub fn keep_in_sight(hint: usize, selected: usize, height: usize) -> usize {
    let height = height.max(1);
    if selected < hint {
        selected
    } else if selected >= hint + height {
        selected + 1 - height
    } else {
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_cycles_and_scrolling_stops_at_the_last_line() {
        let mut p = DetailPanels::default();
        assert_eq!(p.focus, DetailPanel::Lineage);
        p.focus_next();
        assert_eq!(p.focus, DetailPanel::Columns);
        assert!(p.navigate(Action::PageDown, 14));
        assert_eq!(p.scroll(DetailPanel::Columns), 10);
        assert!(p.navigate(Action::PageDown, 14));
        assert_eq!(p.scroll(DetailPanel::Columns), 13);
        assert!(p.navigate(Action::MoveUp, 14));
        assert_eq!(p.scroll(DetailPanel::Columns), 12);
        assert!(!p.navigate(Action::Open, 14));
        assert_eq!(p.scroll(DetailPanel::Versions), 0);
        p.focus_next();
        p.focus_next();
        p.focus_next();
        assert_eq!(p.focus, DetailPanel::Lineage);
    }

    #[test]
    fn the_cursor_stays_in_sight() {
        assert_eq!(keep_in_sight(0, 3, 5), 0);
        assert_eq!(keep_in_sight(0, 7, 5), 3);
        assert_eq!(keep_in_sight(6, 2, 5), 2);
        assert_eq!(keep_in_sight(2, 4, 0), 4);
    }
}
