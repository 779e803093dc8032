//! The drift heatmap: one row per feature (ranked, worst first), one column per window (oldest
//! left), each cell two columns wide and drawn by its level — a glyph that reads without colour
//! (`··` ok, `░░` notice, `▒▒` warning, `██` critical, blank when the table has no row) in the
//! level's colour. The cursor cell is `[]`. When the grid is wider or taller than the area it
//! scrolls to keep the cursor in view; with no cursor move yet the newest windows show.
//!
//! Drawn straight into the buffer, one `set_string` per visible cell: 50 features × 90 windows
//! is a few thousand writes (bench: `cargo bench --bench heatmap_render`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// How a cell is drawn: the severity a drift statistic reached, or no row for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Level {
    /// The table has no value for this feature and window.
    #[default]
    Missing,
    Ok,
    /// A test is significant but the effect is under its threshold (not an alarm on its own).
    Notice,
    Warning,
    Critical,
}

/// The two-column glyph of a level, Unicode or `--ascii`.
pub fn glyph(level: Level, ascii: bool) -> &'static str {
    match (level, ascii) {
        (Level::Missing, _) => "  ",
        (Level::Ok, false) => "··",
        (Level::Notice, false) => "░░",
        (Level::Warning, false) => "▒▒",
        (Level::Critical, false) => "██",
        (Level::Ok, true) => "..",
        (Level::Notice, true) => "--",
        (Level::Warning, true) => "++",
        (Level::Critical, true) => "##",
    }
}

/// Columns a cell takes.
pub const CELL_WIDTH: u16 = 2;

/// Styles the heatmap draws with (taken from the theme by the caller).
#[derive(Debug, Clone, Copy, Default)]
pub struct HeatmapStyles {
    pub label: Style,
    pub label_selected: Style,
    pub cursor: Style,
    pub ok: Style,
    pub notice: Style,
    pub warning: Style,
    pub critical: Style,
}

impl HeatmapStyles {
    fn of(&self, level: Level) -> Style {
        match level {
            Level::Missing | Level::Ok => self.ok,
            Level::Notice => self.notice,
            Level::Warning => self.warning,
            Level::Critical => self.critical,
        }
    }
}

/// A grid of levels, row-major: `rows` labels × `columns` windows.
#[derive(Debug, Clone, Copy)]
pub struct Heatmap<'a> {
    pub rows: &'a [String],
    pub columns: usize,
    /// `rows.len() * columns` levels; a shorter slice draws the rest as missing.
    pub cells: &'a [Level],
    /// (row, column) of the cursor, if any.
    pub cursor: Option<(usize, usize)>,
    pub ascii: bool,
    pub styles: HeatmapStyles,
}

/// The first row and column shown and how many fit, for a grid drawn in `area`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub label_width: u16,
    pub first_row: usize,
    pub visible_rows: usize,
    pub first_column: usize,
    pub visible_columns: usize,
}

impl Heatmap<'_> {
    /// Widest label shown: long names are cut so the grid keeps most of the width.
    const MAX_LABEL: usize = 24;

    pub fn level(&self, row: usize, column: usize) -> Level {
        self.cells
            .get(row * self.columns + column)
            .copied()
            .unwrap_or_default()
    }

    /// Which part of the grid fits in `area`, scrolled to keep the cursor in view (the newest
    /// windows and the top rows without one).
    pub fn viewport(&self, area: Rect) -> Viewport {
        let longest = self
            .rows
            .iter()
            .map(|r| r.chars().count())
            .max()
            .unwrap_or(0);
        let label_width = (longest.min(Self::MAX_LABEL) as u16 + 1).min(area.width / 3);
        let grid_width = area.width.saturating_sub(label_width);
        let visible_columns = usize::from(grid_width / CELL_WIDTH).min(self.columns);
        let visible_rows = usize::from(area.height).min(self.rows.len());
        let (row, column) = self.cursor.unwrap_or((0, self.columns.saturating_sub(1)));
        Viewport {
            label_width,
            first_row: scrolled(row, visible_rows, self.rows.len()),
            visible_rows,
            first_column: scrolled(column, visible_columns, self.columns),
            visible_columns,
        }
    }

    /// Draws the grid into `buf` within `area`.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() || self.rows.is_empty() || self.columns == 0 {
            return;
        }
        let view = self.viewport(area);
        let width = usize::from(view.label_width.saturating_sub(1));
        for (line, row) in (view.first_row..view.first_row + view.visible_rows).enumerate() {
            let y = area.y + line as u16;
            let on_cursor_row = self.cursor.is_some_and(|(r, _)| r == row);
            let style = if on_cursor_row {
                self.styles.label_selected
            } else {
                self.styles.label
            };
            let label = super::cut::text(&self.rows[row], width, super::cut::mark(self.ascii));
            buf.set_stringn(area.x, y, &label, width, style);
            let mut x = area.x + view.label_width;
            for column in view.first_column..view.first_column + view.visible_columns {
                let level = self.level(row, column);
                if self.cursor == Some((row, column)) {
                    buf.set_string(x, y, "[]", self.styles.cursor);
                } else {
                    buf.set_string(x, y, glyph(level, self.ascii), self.styles.of(level));
                }
                x += CELL_WIDTH;
            }
        }
    }
}

/// The first index shown of `len` items when `visible` fit and `at` must be among them: as
/// little scrolling as possible from the start, keeping `at` on the last visible place.
fn scrolled(at: usize, visible: usize, len: usize) -> usize {
    if visible == 0 {
        return 0;
    }
    let at = at.min(len.saturating_sub(1));
    (at + 1)
        .saturating_sub(visible)
        .min(len.saturating_sub(visible))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("feature_{i}")).collect()
    }

    fn text(buf: &Buffer) -> Vec<String> {
        let a = buf.area;
        (a.y..a.y + a.height)
            .map(|y| {
                (a.x..a.x + a.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn each_level_draws_its_own_glyph_and_the_cursor_shows() {
        let rows = vec!["psi".to_string(), "age".to_string()];
        let cells = [
            Level::Ok,
            Level::Notice,
            Level::Warning,
            Level::Critical,
            Level::Missing,
            Level::Ok,
        ];
        let map = Heatmap {
            rows: &rows,
            columns: 3,
            cells: &cells,
            cursor: Some((1, 2)),
            ascii: true,
            styles: HeatmapStyles::default(),
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 2));
        map.render(buf.area, &mut buf);
        assert_eq!(text(&buf), vec!["psi ..--++", "age ##  []"]);
    }

    #[test]
    fn a_wide_grid_shows_the_newest_windows_and_follows_the_cursor() {
        let rows = rows(1);
        let cells: Vec<Level> = (0..40)
            .map(|c| if c < 20 { Level::Ok } else { Level::Critical })
            .collect();
        let mut map = Heatmap {
            rows: &rows,
            columns: 40,
            cells: &cells,
            cursor: None,
            ascii: true,
            styles: HeatmapStyles::default(),
        };
        let area = Rect::new(0, 0, 30, 1);
        let v = map.viewport(area);
        assert_eq!(v.label_width, 10);
        assert_eq!(v.visible_columns, 10);
        assert_eq!(v.first_column, 30, "newest windows without a cursor");
        map.cursor = Some((0, 3));
        assert_eq!(map.viewport(area).first_column, 0);
        map.cursor = Some((0, 25));
        assert_eq!(
            map.viewport(area).first_column,
            16,
            "cursor on the last place"
        );
    }

    #[test]
    fn tall_grids_scroll_rows_and_tiny_areas_do_not_panic() {
        let rows = rows(50);
        let cells = vec![Level::Ok; 50 * 90];
        let map = Heatmap {
            rows: &rows,
            columns: 90,
            cells: &cells,
            cursor: Some((49, 0)),
            ascii: false,
            styles: HeatmapStyles::default(),
        };
        let v = map.viewport(Rect::new(0, 0, 80, 10));
        assert_eq!((v.first_row, v.visible_rows), (40, 10));
        for (w, h) in [(1, 1), (0, 0), (3, 1), (2, 5)] {
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            map.render(buf.area, &mut buf);
        }
        // Fewer cells than the grid: the rest is missing, not a panic.
        let short = Heatmap {
            cells: &cells[..10],
            ..map
        };
        assert_eq!(short.level(49, 89), Level::Missing);
    }

    #[test]
    fn long_labels_are_cut_with_a_mark() {
        let rows = vec!["tenure_months".to_string()];
        let map = Heatmap {
            rows: &rows,
            columns: 1,
            cells: &[Level::Critical],
            cursor: None,
            ascii: true,
            styles: HeatmapStyles::default(),
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 9, 1));
        map.render(buf.area, &mut buf);
        assert_eq!(text(&buf), vec!["t~ ##"]);
    }
}
