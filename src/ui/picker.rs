//! The choice popup (columns, charted metrics): check marks, a cursor, kinds in a side column.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::State;
use crate::app::picker::{PickValue, Picker};
use crate::theme::Role;

use super::widgets::{centered, panel, truncate};

pub fn render(frame: &mut Frame, area: Rect, state: &State, picker: &Picker) {
    let theme = &state.theme;
    let ascii = state.session.ascii;
    let rows = picker.items.len().max(1) as u16;
    let popup = centered(area, 48, rows.saturating_add(2).min(24));
    let block = panel(state, format!(" {} ", picker.title), true).style(theme.style(Role::Popup));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if inner.is_empty() {
        return;
    }
    let shown = usize::from(inner.height);
    let first = picker.cursor.saturating_sub(shown.saturating_sub(1));
    let width = usize::from(inner.width);
    let lines: Vec<Line> = if picker.items.is_empty() {
        vec![Line::styled(
            "nothing to choose yet",
            theme.style(Role::Muted),
        )]
    } else {
        picker
            .items
            .iter()
            .enumerate()
            .skip(first)
            .take(shown)
            .map(|(i, item)| {
                let mark = match (item.checked, picker.multi, ascii) {
                    (true, true, false) => "[✓] ",
                    (true, true, true) => "[x] ",
                    (false, true, _) => "[ ] ",
                    (true, false, _) => "(*) ",
                    (false, false, _) => "( ) ",
                };
                let kind = match item.value {
                    PickValue::Metric(_) => "metric",
                    PickValue::Param(_) => "param",
                };
                let name_width = width.saturating_sub(mark.chars().count() + kind.len() + 1);
                let name = truncate(item.value.key(), name_width, super::cut::mark(ascii));
                let pad = name_width.saturating_sub(name.chars().count());
                let style = if i == picker.cursor {
                    theme.style(Role::Selected)
                } else {
                    theme.style(Role::Text)
                };
                Line::from(vec![
                    Span::styled(format!("{mark}{name}{}", " ".repeat(pad)), style),
                    Span::styled(format!(" {kind}"), theme.style(Role::Muted)),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}
