//! Experiments: the paged table with its `/` filter line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, TableState};

use crate::app::State;
use crate::app::list::ListView;
use crate::app::screens::experiments::cells;
use crate::theme::{Role, Theme};

use super::columns::{Column, FitRow, Look, table as fitted_table};
use super::glyphs::glyphs;
use super::widgets::{load_state_line, paging_stopped_line, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let ex = &state.experiments;
    let g = glyphs(state.session.ascii);
    let visible = ex.visible(state.now_ms);

    let loaded = ex.rows().len();
    let more = if ex.has_more() { "+" } else { "" };
    let title = match (&ex.list.data, ex.view.has_filter()) {
        (None, _) => " Experiments ".to_string(),
        (Some(_), false) => format!(" Experiments ({loaded}{more}) "),
        (Some(_), true) => format!(" Experiments ({} of {loaded}{more}) ", visible.len()),
    };
    let block = panel(state, title, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let show_filter = ex.view.filtering || ex.view.has_filter();
    let stopped = ex
        .list
        .data
        .as_ref()
        .and_then(|d| d.paging_stopped.as_deref());
    let status = load_state_line(state, &ex.list).or_else(|| paging_stopped_line(state, stopped));
    let [table_area, status_area, filter_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(status.is_some() && loaded > 0)),
        Constraint::Length(u16::from(show_filter)),
    ])
    .areas(inner);

    if loaded == 0 {
        let line = status
            .clone()
            .unwrap_or_else(|| Line::styled("no experiments", theme.style(Role::Muted)));
        frame.render_widget(Paragraph::new(line), table_area);
    } else if visible.is_empty() {
        let mut text = format!("nothing matches \"{}\"", ex.view.filter_text());
        if ex.has_more() {
            text.push_str(&format!(", loading more pages{}", g.ellipsis));
        }
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.style(Role::Muted))),
            table_area,
        );
    } else {
        let needle = ex.view.needle();
        let rows = visible
            .iter()
            .map(|i| {
                let [name, id, age, tags] = cells(&ex.rows()[*i], state.now_ms);
                FitRow::new(vec![
                    highlight(&name, &needle, theme),
                    Line::from(id),
                    Line::from(age),
                    Line::styled(tags, theme.style(Role::Muted)),
                ])
            })
            .collect();
        // The id stays whole: a cut id names another experiment.
        let columns = [
            Column::text("Name", 9).min(16).fill(5),
            Column::whole("ID", 8),
            Column::whole("Updated", 7),
            Column::text("Tags", 2).fill(2).yields(),
        ];
        let table = fitted_table(
            state,
            &columns,
            rows,
            table_area.width,
            Look::list(ex.view.selected),
        );
        // A local TableState: the view may not change the app state, and ratatui only uses it
        // to scroll the selection into view for this frame.
        let mut ts = TableState::default()
            .with_offset(ex.view.offset)
            .with_selected(Some(ex.view.selected));
        frame.render_stateful_widget(table, table_area, &mut ts);
    }
    if let Some(line) = status.filter(|_| loaded > 0) {
        frame.render_widget(Paragraph::new(line), status_area);
    }
    if show_filter {
        filter_line(frame, filter_area, state, &ex.view);
    }
}

/// Shows `text` with every case-insensitive occurrence of `needle` highlighted.
fn highlight(text: &str, needle: &str, theme: &Theme) -> Line<'static> {
    let lower = text.to_lowercase();
    // Lowercasing may change byte lengths outside ASCII; highlight only when offsets agree.
    if needle.is_empty() || lower.len() != text.len() {
        return Line::from(text.to_string());
    }
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(needle) {
        let start = at + found;
        let end = start + needle.len();
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            break;
        }
        spans.push(Span::raw(text[at..start].to_string()));
        spans.push(Span::styled(
            text[start..end].to_string(),
            theme.style(Role::MatchHighlight),
        ));
        at = end;
    }
    spans.push(Span::raw(text[at..].to_string()));
    Line::from(spans)
}

/// The `/` line; owns the cursor while the filter is being typed.
pub fn filter_line(frame: &mut Frame, area: Rect, state: &State, view: &ListView) {
    let theme = &state.theme;
    let width = area.width.saturating_sub(1) as usize;
    let scroll = view.filter.visual_scroll(width);
    let line = Line::from(vec![
        Span::styled("/", theme.style(Role::HintKey)),
        Span::styled(
            view.filter.value().chars().skip(scroll).collect::<String>(),
            theme.style(Role::Input),
        ),
    ]);
    frame.render_widget(Paragraph::new(Text::from(line)), area);
    if view.filtering && area.width > 0 && area.height > 0 {
        let x = (view.filter.visual_cursor().saturating_sub(scroll) + 1) as u16;
        frame.set_cursor_position(Position::new(area.x + x.min(area.width - 1), area.y));
    }
}
