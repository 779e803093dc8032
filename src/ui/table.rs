//! A titled list screen: the table, its load state, and the `/` filter line. Shared by the
//! registry screens (models, approvals, audit).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, TableState, Wrap};

use crate::app::State;
use crate::app::list::ListView;
use crate::app::remote::Remote;
use crate::theme::Role;

use super::columns::{Column, FitRow, Look, table};
use super::cut;
use super::experiments::filter_line;
use super::widgets::{load_state_line, panel};

/// What a list screen shows.
pub struct ListScreen<'a, T> {
    pub title: &'a str,
    pub remote: &'a Remote<T>,
    pub view: &'a ListView,
    /// Rows before the filter.
    pub total: usize,
    pub columns: Vec<Column>,
    pub rows: Vec<FitRow>,
    /// Said when there are no rows at all.
    pub empty: &'a str,
    /// Lines under the table (notes of the load).
    pub notes: Vec<Line<'static>>,
}

pub fn render<T>(frame: &mut Frame, area: Rect, state: &State, s: ListScreen<'_, T>) {
    let theme = &state.theme;
    let mark = cut::mark(state.session.ascii);
    let shown = s.rows.len();
    let title = match (&s.remote.data, s.view.has_filter()) {
        (None, _) => format!(" {} ", s.title),
        (Some(_), false) => format!(" {} ({}) ", s.title, s.total),
        (Some(_), true) => format!(" {} ({shown} of {}) ", s.title, s.total),
    };
    let block = panel(state, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let show_filter = s.view.filtering || s.view.has_filter();
    let status = load_state_line(state, s.remote);
    let status_rows = u16::from(status.is_some() && s.total > 0);
    let [table_area, notes_area, status_area, filter_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(s.notes.len().min(3) as u16),
        Constraint::Length(status_rows),
        Constraint::Length(u16::from(show_filter)),
    ])
    .areas(inner);
    if s.total == 0 {
        let line = status
            .clone()
            .unwrap_or_else(|| Line::styled(s.empty.to_string(), theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: false }), table_area);
    } else if shown == 0 {
        let text = format!("nothing matches \"{}\"", s.view.filter_text());
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style(Role::Muted))).wrap(Wrap { trim: false }),
            table_area,
        );
    } else {
        let table = table(
            state,
            &s.columns,
            s.rows,
            table_area.width,
            Look::list(s.view.selected),
        );
        let mut ts = TableState::default()
            .with_offset(s.view.offset)
            .with_selected(Some(s.view.selected));
        frame.render_stateful_widget(table, table_area, &mut ts);
    }
    frame.render_widget(
        Paragraph::new(cut::lines(s.notes, notes_area.width, mark)),
        notes_area,
    );
    if let Some(line) = status.filter(|_| s.total > 0) {
        let line = cut::line(line, usize::from(status_area.width), mark);
        frame.render_widget(Paragraph::new(line), status_area);
    }
    if show_filter {
        filter_line(frame, filter_area, state, s.view);
    }
}
