//! Selection, scrolling and the `/` filter of one list. Indices are positions in the *filtered*
//! rows, which the owning screen computes.

use tui_input::Input;

#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub selected: usize,
    /// First row shown. The view may still scroll further to keep the selection visible; this is
    /// the hint that keeps scrolling smooth.
    pub offset: usize,
    pub filter: Input,
    /// The filter line has the keyboard.
    pub filtering: bool,
}

impl ListView {
    pub fn filter_text(&self) -> &str {
        self.filter.value()
    }

    /// The filter, lowercased for matching.
    pub fn needle(&self) -> String {
        self.filter.value().to_lowercase()
    }

    pub fn has_filter(&self) -> bool {
        !self.filter.value().is_empty()
    }

    pub fn clear_filter(&mut self) {
        self.filter.reset();
        self.filtering = false;
        self.selected = 0;
        self.offset = 0;
    }

    /// Moves by `delta` rows within `len`, keeping the selection inside a window of `page` rows.
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        let target = self.selected as isize + delta;
        self.selected = target.clamp(0, len as isize - 1) as usize;
        self.keep_visible(len, page);
    }

    pub fn select(&mut self, index: usize, len: usize, page: usize) {
        self.selected = index;
        self.keep_visible(len, page);
    }

    /// The movement keys of a list (`j/k`, pages, `g/G`); `false` for other actions.
    pub fn navigate(&mut self, action: super::action::Action, len: usize, page: usize) -> bool {
        use super::action::Action;
        match action {
            Action::MoveDown => self.move_by(1, len, page),
            Action::MoveUp => self.move_by(-1, len, page),
            Action::PageDown => self.move_by(page as isize, len, page),
            Action::PageUp => self.move_by(-(page as isize), len, page),
            Action::First => self.select(0, len, page),
            Action::Last => self.select(len.saturating_sub(1), len, page),
            _ => return false,
        }
        true
    }

    /// Clamps after the rows changed (filter typed, page loaded, refresh).
    pub fn keep_visible(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        self.selected = self.selected.min(len - 1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        // Do not leave empty space below the last row when the list shrank.
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_clamp_and_scroll_by_page() {
        let mut v = ListView::default();
        v.move_by(5, 100, 10);
        assert_eq!((v.selected, v.offset), (5, 0));
        v.move_by(10, 100, 10);
        assert_eq!((v.selected, v.offset), (15, 6));
        v.move_by(-100, 100, 10);
        assert_eq!((v.selected, v.offset), (0, 0));
        v.move_by(1_000, 100, 10);
        assert_eq!((v.selected, v.offset), (99, 90));
        v.keep_visible(3, 10);
        assert_eq!((v.selected, v.offset), (2, 0));
        v.move_by(1, 0, 10);
        assert_eq!((v.selected, v.offset), (0, 0));
    }
}
