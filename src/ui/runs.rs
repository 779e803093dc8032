//! Runs: the table of an experiment's runs. Only the rows in the window are formatted, so a
//! frame costs the same with 100 or 100,000 runs loaded.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use crate::app::State;
use crate::app::format;
use crate::app::screens::runs::columns::Column;
use crate::app::screens::runs::table::{RowRef, RunTable, Status};
use crate::app::screens::runs::{self, RunsState};
use crate::ops::run_filter;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, load_state_line, paging_stopped_line, panel, truncate};

/// Width of a column for the rows in the window.
fn width_of(col: &Column, rows: &[RowRef<'_>], ids: &ColumnIds) -> u16 {
    let header = col.header().chars().count() + 2;
    let w = match col {
        Column::Name => rows
            .iter()
            .map(|r| escaped(r.name()).chars().count() + if r.parent().is_some() { 2 } else { 0 })
            .max()
            .unwrap_or(0)
            .clamp(8, 32),
        Column::Status => 9,
        Column::Start => 16,
        Column::Duration => 8,
        Column::User => rows
            .iter()
            .map(|r| escaped(r.user()).chars().count())
            .max()
            .unwrap_or(0)
            .min(22),
        Column::Metric(_) => 8,
        Column::Param(k) => ids
            .param(k)
            .map(|id| {
                rows.iter()
                    .filter_map(|r| r.param(id))
                    .map(|v| escaped(v).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0)
            .min(16),
    };
    w.max(header).min(40) as u16
}

/// Interned ids of the shown metric/param columns, looked up once per frame.
struct ColumnIds<'a> {
    table: &'a RunTable,
}

impl ColumnIds<'_> {
    fn metric(&self, k: &str) -> Option<u32> {
        self.table.metric_keys.get(k)
    }
    fn param(&self, k: &str) -> Option<u32> {
        self.table.param_keys.get(k)
    }
}

fn status_role(s: Status) -> Role {
    match s {
        Status::Finished => Role::Ok,
        Status::Failed => Role::Error,
        Status::Killed => Role::Warn,
        Status::Running | Status::Scheduled => Role::Info,
        Status::Unknown => Role::Muted,
    }
}

fn cell<'a>(
    col: &Column,
    r: &RowRef<'_>,
    ids: &ColumnIds<'_>,
    state: &State,
    width: u16,
) -> Cell<'a> {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let w = usize::from(width);
    match col {
        Column::Name => {
            let child = if r.parent().is_some() {
                if state.session.ascii { "` " } else { "└ " }
            } else {
                ""
            };
            let name = if r.name().is_empty() {
                r.id()
            } else {
                r.name()
            };
            Cell::from(truncate(&format!("{child}{}", escaped(name)), w, g.cut))
        }
        Column::Status => {
            Cell::from(r.status().label()).style(theme.style(status_role(r.status())))
        }
        Column::Start => Cell::from(format::datetime_short(r.start())),
        Column::Duration => Cell::from(
            r.duration(state.now_ms)
                .map(format::duration_precise)
                .unwrap_or_else(|| "-".into()),
        ),
        Column::User => {
            Cell::from(truncate(&escaped(r.user()), w, g.cut)).style(theme.style(Role::Muted))
        }
        Column::Metric(k) => {
            let v = ids.metric(k).and_then(|id| r.metric(id));
            let text = v.map(format::metric).unwrap_or_else(|| "-".into());
            Cell::from(Text::from(Line::from(text)).alignment(Alignment::Right))
        }
        Column::Param(k) => {
            let v = ids.param(k).and_then(|id| r.param(id)).unwrap_or("-");
            Cell::from(truncate(&escaped(v), w, g.cut))
        }
    }
}

fn header_cell<'a>(col: &Column, state: &State, cursor: bool, width: u16) -> Cell<'a> {
    let theme = &state.theme;
    let sort = state.runs.sort();
    let arrow = match (sort.column == *col, sort.descending, state.session.ascii) {
        (false, _, _) => "",
        (true, true, false) => " ▼",
        (true, false, false) => " ▲",
        (true, true, true) => " v",
        (true, false, true) => " ^",
    };
    let text = truncate(
        &format!("{}{arrow}", escaped(col.header())),
        usize::from(width),
        glyphs(state.session.ascii).cut,
    );
    let mut style = theme.style(Role::Header);
    if cursor {
        style = style.add_modifier(Modifier::REVERSED);
    }
    let line = Line::styled(text, style);
    match col {
        Column::Metric(_) => Cell::from(Text::from(line.alignment(Alignment::Right))),
        _ => Cell::from(line),
    }
}

/// Which columns earn their place when not all fit: the name and the cursor's column always,
/// then status, metrics, times, params, user.
fn priority(c: &Column) -> u8 {
    match c {
        Column::Name => 0,
        Column::Status => 1,
        Column::Metric(_) => 2,
        Column::Start => 3,
        Column::Duration => 4,
        Column::Param(_) => 5,
        Column::User => 6,
    }
}

/// The columns shown in `width`, in table order: the cursor's column, then by priority while
/// they fit.
fn fitting(cols: &[Column], widths: &[u16], cursor: usize, width: u16) -> Vec<usize> {
    // The highlight symbol and the mark column come first.
    let budget = i32::from(width) - 4;
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| (i != cursor, priority(&cols[i]), i));
    let mut used = 0;
    let mut shown = Vec::new();
    for i in order {
        let w = i32::from(widths[i]) + 1;
        if used + w <= budget || shown.is_empty() {
            used += w;
            shown.push(i);
        }
    }
    shown.sort_unstable();
    shown
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, experiment_id: &str) {
    let theme = &state.theme;
    let runs = &state.runs;
    let g = glyphs(state.session.ascii);
    let name = state
        .experiments
        .find(experiment_id)
        .map_or(experiment_id, |e| e.name.as_str());
    let name = escaped(name);
    let loaded = runs.loaded();
    let shown = runs.visible_len();
    let more = if runs.has_more() { "+" } else { "" };
    let count = match (runs.rows.data.is_some(), shown == loaded) {
        (false, _) => String::new(),
        (true, true) => format!(" ({loaded}{more})"),
        (true, false) => format!(" ({shown} of {loaded}{more})"),
    };
    let nesting = if runs.wanted.top_level_only {
        "top-level"
    } else {
        "all runs"
    };
    let marks = if runs.marks.is_empty() {
        String::new()
    } else {
        format!(" {} {} marked", g.sep.trim(), runs.marks.len())
    };
    let title = format!(
        " Runs {} {name}{count} {} {nesting}{marks} ",
        g.sep.trim(),
        g.sep.trim()
    );
    let block = panel(state, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let text = runs.view.filter_text().trim();
    let show_filter = runs.view.filtering || runs.view.has_filter();
    let stopped = runs
        .rows
        .data
        .as_ref()
        .and_then(|d| d.paging_stopped.as_deref());
    let status = load_state_line(state, &runs.rows).or_else(|| paging_stopped_line(state, stopped));
    let [table_area, status_area, filter_area, error_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(status.is_some() && loaded > 0)),
        Constraint::Length(u16::from(show_filter)),
        Constraint::Length(u16::from(show_filter && runs.filter_error.is_some())),
    ])
    .areas(inner);

    if loaded == 0 || shown == 0 {
        empty(frame, table_area, state, status.clone(), text);
    } else {
        table(frame, table_area, state, runs);
    }
    if let Some(line) = status.filter(|_| loaded > 0) {
        frame.render_widget(Paragraph::new(line), status_area);
    }
    if show_filter {
        let [input, kind] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(40)]).areas(filter_area);
        super::experiments::filter_line(frame, input, state, &runs.view);
        let note = if run_filter::is_filter(text) {
            if runs.filter_error.is_some() {
                "rejected by the server"
            } else if runs.filter_unsent() {
                "MLflow filter: enter searches the server"
            } else {
                "MLflow filter (server)"
            }
        } else if text.is_empty() {
            ""
        } else {
            "text filter (loaded rows)"
        };
        frame.render_widget(
            Paragraph::new(Line::styled(note, theme.style(Role::Muted)))
                .alignment(Alignment::Right),
            kind,
        );
    }
    if let Some(e) = runs.filter_error.as_ref().filter(|_| show_filter) {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!("{} ", g.failed), theme.style(Role::Error)),
                Span::styled(escaped(e), theme.style(Role::Error)),
            ])),
            error_area,
        );
    }
}

fn empty(frame: &mut Frame, area: Rect, state: &State, status: Option<Line<'static>>, text: &str) {
    let runs = &state.runs;
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let line = if runs.loaded() == 0 {
        status.unwrap_or_else(|| {
            let what = match &runs.rows.data {
                Some(d) if d.query.filter.is_some() => "no runs match the filter",
                _ => "no runs",
            };
            Line::styled(what, theme.style(Role::Muted))
        })
    } else {
        let mut t = format!(
            "nothing matches \"{text}\" in {} loaded runs",
            runs.loaded()
        );
        if runs::auto_paging_stopped(runs) {
            t.push_str(" (more on the server: search it with an MLflow filter, e.g. attributes.run_name LIKE '%x%')");
        } else if runs.has_more() {
            t.push_str(&format!(", loading more{}", g.ellipsis));
        }
        Line::styled(t, theme.style(Role::Muted))
    };
    frame.render_widget(
        Paragraph::new(line).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

fn table(frame: &mut Frame, area: Rect, state: &State, runs: &RunsState) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let Some(data) = runs.table() else { return };
    let ids = ColumnIds { table: data };
    // The window: header takes one line.
    let height = usize::from(area.height.saturating_sub(1)).max(1);
    let selected = runs.view.selected;
    let mut offset = runs.view.offset.min(selected);
    if selected >= offset + height {
        offset = selected + 1 - height;
    }
    let window: Vec<RowRef<'_>> = (offset..(offset + height).min(runs.visible_len()))
        .filter_map(|i| runs.visible_row(i))
        .collect();
    let cols = runs.columns();
    let widths: Vec<u16> = cols.iter().map(|c| width_of(c, &window, &ids)).collect();
    let shown = fitting(
        &cols,
        &widths,
        runs.col_cursor,
        area.width.saturating_sub(2),
    );

    let mut header = vec![Cell::from("")];
    header.extend(
        shown
            .iter()
            .map(|&i| header_cell(&cols[i], state, i == runs.col_cursor, widths[i])),
    );
    let rows = window.iter().map(|r| {
        let mark = if runs.is_marked(r.id()) { g.ok } else { " " };
        let mut cells = vec![Cell::from(mark).style(theme.style(Role::Accent))];
        cells.extend(
            shown
                .iter()
                .map(|&i| cell(&cols[i], r, &ids, state, widths[i])),
        );
        Row::new(cells)
    });
    let mut constraints = vec![Constraint::Length(1)];
    constraints.extend(shown.iter().map(|&i| Constraint::Length(widths[i])));
    let table = Table::new(rows, constraints)
        .header(Row::new(header))
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected))
        .highlight_symbol(g.selected);
    let mut ts = TableState::default().with_selected(Some(selected - offset));
    frame.render_stateful_widget(table, area, &mut ts);
}
