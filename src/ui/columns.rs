//! Fitting table columns to the width on screen. Every screen's table goes through here, so
//! that a cut cell always ends with the cut mark, and values that change meaning when cut
//! (traffic shares, aliases, versions, numbers) are shown whole or not at all.
//!
//! Columns share the width by priority: the most important column is shown first, and grows to
//! its widest value before less important ones grow; columns that do not fit at their minimum
//! are hidden, and columns that `yield` give their room to more important ones that are cut.

use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table};
use unicode_width::UnicodeWidthStr;

use crate::app::State;
use crate::theme::Role;

use super::cut;
use super::glyphs::glyphs;

/// One column: its header, how it may shrink, and how much it matters.
#[derive(Clone, Debug)]
pub struct Column {
    pub header: &'static str,
    /// Cut with the mark (true) or shown whole or not at all (false).
    pub cuttable: bool,
    /// Cut only between space-separated words.
    pub by_words: bool,
    /// Higher is kept and grown first.
    pub priority: u8,
    /// The narrowest a cuttable column is shown at.
    pub min: u16,
    /// The widest a cuttable column grows to before spare room is shared.
    pub max: u16,
    /// Share of the room left once every column shows its widest value.
    pub fill: u16,
    /// Hidden when a more important column is cut.
    pub yields: bool,
    /// Keeps its own colours on the selected row (a traffic bar drawn in series colours would
    /// vanish under the selection colour).
    pub own_style: bool,
}

impl Column {
    /// A column of free text, cut with the mark when narrow.
    pub const fn text(header: &'static str, priority: u8) -> Column {
        Column {
            header,
            cuttable: true,
            by_words: false,
            priority,
            min: 6,
            max: u16::MAX,
            fill: 1,
            yields: false,
            own_style: false,
        }
    }

    /// A column whose values are never cut (numbers, versions, shares, aliases).
    pub const fn whole(header: &'static str, priority: u8) -> Column {
        Column {
            header,
            cuttable: false,
            by_words: false,
            priority,
            min: 0,
            max: u16::MAX,
            fill: 0,
            yields: false,
            own_style: false,
        }
    }

    /// A list of values (aliases, served versions) cut only between them: `@champion=4 …`.
    pub const fn words(header: &'static str, priority: u8) -> Column {
        let mut c = Column::text(header, priority);
        c.by_words = true;
        c
    }

    pub const fn min(mut self, min: u16) -> Column {
        self.min = min;
        self
    }

    pub const fn max(mut self, max: u16) -> Column {
        self.max = max;
        self
    }

    pub const fn fill(mut self, fill: u16) -> Column {
        self.fill = fill;
        self
    }

    pub const fn yields(mut self) -> Column {
        self.yields = true;
        self
    }

    pub const fn own_style(mut self) -> Column {
        self.own_style = true;
        self
    }
}

/// One row's cells (one per column) and the row's style.
pub struct FitRow {
    pub cells: Vec<Line<'static>>,
    pub style: Style,
}

impl FitRow {
    pub fn new(cells: Vec<Line<'static>>) -> FitRow {
        FitRow {
            cells,
            style: Style::default(),
        }
    }

    pub fn style(mut self, style: Style) -> FitRow {
        self.style = style;
        self
    }
}

/// The width of each column (`None` when hidden) for a table `room` cells wide after the
/// highlight symbol, columns `spacing` apart.
pub fn widths(columns: &[Column], rows: &[FitRow], room: u16, spacing: u16) -> Vec<Option<u16>> {
    let content: Vec<u16> = columns
        .iter()
        .enumerate()
        .map(|(i, _)| {
            rows.iter()
                .filter_map(|r| r.cells.get(i))
                .map(|l| l.width())
                .max()
                .unwrap_or(0)
                .min(usize::from(u16::MAX)) as u16
        })
        .collect();
    let header: Vec<u16> = columns.iter().map(|c| c.header.width() as u16).collect();
    let need: Vec<u16> = columns
        .iter()
        .zip(&content)
        .map(|(c, &w)| {
            if c.cuttable {
                w.max(header_min(c)).min(c.min.max(1))
            } else {
                w.max(header_min(c))
            }
        })
        .collect();
    let want: Vec<u16> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let w = content[i].max(header[i]);
            if c.cuttable {
                w.min(c.max).max(need[i])
            } else {
                w
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(columns[i].priority));
    let mut hidden = vec![false; columns.len()];
    loop {
        let shown = allocate(columns, &order, &need, &want, &hidden, room, spacing);
        // A yielding column gives way to a more important column that did not get its want.
        let short = order
            .iter()
            .filter_map(|&i| shown[i].map(|w| (i, w)))
            .filter(|&(i, w)| w < want[i])
            .map(|(i, _)| columns[i].priority)
            .max();
        let victim = short.and_then(|p| {
            order
                .iter()
                .rev()
                .copied()
                .find(|&i| shown[i].is_some() && columns[i].yields && columns[i].priority < p)
        });
        match victim {
            Some(i) => hidden[i] = true,
            None => return shown,
        }
    }
}

/// The header may be cut to this much in a column whose values are narrower.
fn header_min(c: &Column) -> u16 {
    (c.header.width() as u16).min(3)
}

fn allocate(
    columns: &[Column],
    order: &[usize],
    need: &[u16],
    want: &[u16],
    hidden: &[bool],
    room: u16,
    spacing: u16,
) -> Vec<Option<u16>> {
    let mut out: Vec<Option<u16>> = vec![None; columns.len()];
    let mut used: u32 = 0;
    // Shown at their minimum, most important first, while they fit.
    for &i in order {
        if hidden[i] {
            continue;
        }
        let gap = if used == 0 { 0 } else { u32::from(spacing) };
        if used + gap + u32::from(need[i]) <= u32::from(room) {
            used += gap + u32::from(need[i]);
            out[i] = Some(need[i]);
        }
    }
    let mut spare = u32::from(room).saturating_sub(used);
    // Grown towards their widest value, most important first.
    for &i in order {
        if let Some(w) = out[i].as_mut() {
            let more = u32::from(want[i] - *w).min(spare);
            *w += more as u16;
            spare -= more;
        }
    }
    // What is left is shared by weight.
    let weights: u32 = (0..columns.len())
        .filter(|&i| out[i].is_some())
        .map(|i| u32::from(columns[i].fill))
        .sum();
    if weights > 0 && spare > 0 {
        let total = spare;
        for &i in order {
            if let Some(w) = out[i].as_mut() {
                let more = (total * u32::from(columns[i].fill) / weights).min(spare);
                *w += more as u16;
                spare -= more;
            }
        }
        if let Some(i) = order
            .iter()
            .copied()
            .find(|&i| out[i].is_some() && columns[i].fill > 0)
        {
            out[i] = out[i].map(|w| w + spare as u16);
        }
    }
    out
}

/// How a table is drawn around its fitted columns.
pub struct Look {
    pub spacing: u16,
    /// Rows can be selected: the highlight symbol takes room before the first column.
    pub selectable: bool,
    /// The selected row (an index into the rows given), drawn in the selection style.
    pub selected: Option<usize>,
}

impl Look {
    /// A list with `selected` highlighted, columns one cell apart.
    pub const fn list(selected: usize) -> Look {
        Look {
            spacing: 1,
            selectable: true,
            selected: Some(selected),
        }
    }
}

/// A table `width` cells wide: hidden columns left out, every cell cut to its column with the
/// session's cut mark, header in the header style.
pub fn table(
    state: &State,
    columns: &[Column],
    rows: Vec<FitRow>,
    width: u16,
    look: Look,
) -> Table<'static> {
    let g = glyphs(state.session.ascii);
    let mark = cut::mark(state.session.ascii);
    let selection = if look.selectable {
        g.selected.width() as u16
    } else {
        0
    };
    let room = width.saturating_sub(selection);
    let fitted = widths(columns, &rows, room, look.spacing);
    let shown: Vec<(usize, u16)> = fitted
        .iter()
        .enumerate()
        .filter_map(|(i, w)| w.map(|w| (i, w)))
        .collect();
    let header = Row::new(
        shown
            .iter()
            .map(|&(i, w)| Cell::from(cut::text(columns[i].header, usize::from(w), mark)))
            .collect::<Vec<_>>(),
    )
    .style(state.theme.style(Role::Header));
    let selected_style = state.theme.style(Role::Selected);
    let base = state.theme.style(Role::Base);
    // The usual background, stated: a style without one would let the selection's show.
    let base = base.bg(base.bg.unwrap_or(ratatui::style::Color::Reset));
    let body: Vec<Row<'static>> = rows
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let selected = look.selected == Some(n);
            let style = if selected { selected_style } else { r.style };
            let mut cells: Vec<Option<Line<'static>>> = r.cells.into_iter().map(Some).collect();
            Row::new(
                shown
                    .iter()
                    .map(|&(i, w)| {
                        let line = cells.get_mut(i).and_then(Option::take).unwrap_or_default();
                        let line = match (selected, columns[i].own_style) {
                            (false, _) => line,
                            // The selection colours the row; this column keeps its own
                            // colours on the usual background.
                            (true, true) => restyle(line, |s| base.patch(s)),
                            (true, false) => restyle(line, |_| Style::default()),
                        };
                        Cell::from(fit_cell(&columns[i], line, w, mark))
                    })
                    .collect::<Vec<_>>(),
            )
            .style(style)
        })
        .collect();
    let constraints: Vec<Constraint> = shown.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    let mut t = Table::new(body, constraints).column_spacing(look.spacing);
    if columns.iter().any(|c| !c.header.is_empty()) {
        t = t.header(header);
    }
    if look.selectable {
        t = t.highlight_symbol(g.selected);
    }
    t
}

/// `line` with every span's style (and the line's) passed through `f`.
fn restyle(line: Line<'static>, f: impl Fn(Style) -> Style) -> Line<'static> {
    let style = f(line.style);
    let spans: Vec<_> = line
        .spans
        .into_iter()
        .map(|s| {
            let st = f(s.style);
            s.style(st)
        })
        .collect();
    Line::from(spans).style(style)
}

/// One cell cut to its column's width, the way the column is cut.
fn fit_cell(column: &Column, line: Line<'static>, width: u16, mark: &str) -> Line<'static> {
    let width = usize::from(width);
    if column.by_words && line.width() > width {
        let style = line
            .spans
            .first()
            .map_or(line.style, |s| line.style.patch(s.style));
        return Line::styled(cut::words(&line.to_string(), width, mark), style);
    }
    cut::line(line, width, mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<FitRow> {
        cells
            .iter()
            .map(|r| FitRow::new(r.iter().map(|c| Line::from(c.to_string())).collect()))
            .collect()
    }

    #[test]
    fn important_columns_keep_their_width_and_whole_columns_hide_rather_than_cut() {
        let cols = [
            Column::text("Entity", 9).min(16),
            Column::text("Model", 2),
            Column::whole("Ver", 8),
            Column::whole("p99ms", 1),
        ];
        let r = rows(&[&["churn_model-4", "main.ml.churn_model", "4", "105"]]);
        // Room for everything: the spare is shared, the widest values fit.
        let w = widths(&cols, &r, 60, 1);
        assert_eq!(w.iter().flatten().sum::<u16>() + 3, 60);
        assert!(w[0].unwrap() >= 13 && w[1].unwrap() >= 19);
        // Tight: the entity name stays whole, the version too; the model is cut.
        let w = widths(&cols, &r, 30, 1);
        assert_eq!(w[0], Some(13));
        assert_eq!(w[2], Some(3));
        assert!(w[1].unwrap() < 19);
        // Very tight: the least important whole column is hidden, never cut.
        let w = widths(&cols, &r, 20, 1);
        assert!(w[0] >= Some(13));
        assert_eq!(w[2], Some(3));
        assert_eq!(w[3], None);
        // The result never exceeds the room.
        for room in 0..70 {
            let w = widths(&cols, &r, room, 1);
            let n = w.iter().flatten().count() as u16;
            assert!(w.iter().flatten().sum::<u16>() + n.saturating_sub(1) <= room);
        }
    }

    #[test]
    fn a_yielding_column_gives_way_to_a_cut_one() {
        let cols = [
            Column::text("Served", 9),
            Column::text("Creator", 1).yields(),
        ];
        let r = rows(&[&[
            "churn_model v4 Small · v5 Small",
            "priya.natarajan@acme.com",
        ]]);
        let w = widths(&cols, &r, 34, 1);
        assert_eq!(w, vec![Some(34), None]);
        let w = widths(&cols, &r, 80, 1);
        assert_eq!(w[0].unwrap() + w[1].unwrap() + 1, 80);
    }
}
