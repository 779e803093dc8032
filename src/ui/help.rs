//! The `?` popup: every key valid on the screen below, generated from the live keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::State;
use crate::app::commands;
use crate::theme::Role;

use super::widgets::{centered, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let theme = &state.theme;
    let sections = commands::help(state);
    let key_width = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|r| r.keys.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    let mut lines = Vec::new();
    for section in &sections {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::styled(section.title, theme.style(Role::Header)));
        for row in &section.rows {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<key_width$}  ", row.keys),
                    theme.style(Role::HintKey),
                ),
                Span::styled(row.label.clone(), theme.style(Role::Text)),
            ]));
        }
    }
    let height = (lines.len() as u16).saturating_add(2);
    let popup = centered(area, 76, height);
    let visible = popup.height.saturating_sub(2);
    // Scrolling stops at the last line (the state may ask for more; the view clamps).
    let scroll = scroll.min((lines.len() as u16).saturating_sub(visible));
    let block = panel(state, " Keys ", true).style(theme.style(Role::Popup));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(block).scroll((scroll, 0)),
        popup,
    );
}
