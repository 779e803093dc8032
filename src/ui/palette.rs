//! The `:` palette popup: the input line and its completions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::State;
use crate::app::palette::Palette;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{panel, truncate};

/// Completions shown at once.
const SHOWN: usize = 8;

pub fn render(frame: &mut Frame, area: Rect, state: &State, palette: &Palette) {
    let theme = &state.theme;
    let shown = palette.candidates.len().min(SHOWN) as u16;
    let width = area.width.saturating_sub(4).min(72);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.min(2),
        width,
        height: (3 + shown).min(area.height.saturating_sub(area.height.min(2))),
    };
    let block = panel(state, " Command ", true).style(theme.style(Role::Popup));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let [input_area, list_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);

    let input_width = input_area.width.saturating_sub(1) as usize;
    let scroll = palette.input.visual_scroll(input_width);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(":", theme.style(Role::HintKey)),
            Span::styled(
                palette
                    .input
                    .value()
                    .chars()
                    .skip(scroll)
                    .collect::<String>(),
                theme.style(Role::Input),
            ),
        ])),
        input_area,
    );
    if input_area.width > 0 && input_area.height > 0 {
        let x = (palette.input.visual_cursor().saturating_sub(scroll) + 1) as u16;
        frame.set_cursor_position(Position::new(
            input_area.x + x.min(input_area.width - 1),
            input_area.y,
        ));
    }

    // Keep the chosen candidate in the window.
    let first = palette
        .chosen
        .map(|c| c.saturating_sub(SHOWN - 1))
        .unwrap_or(0);
    let ellipsis = glyphs(state.session.ascii).cut;
    let lines: Vec<Line> = palette
        .candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(SHOWN)
        .map(|(i, c)| {
            let text = truncate(c, list_area.width as usize, ellipsis);
            if Some(i) == palette.chosen {
                Line::styled(text, theme.style(Role::Selected))
            } else {
                Line::styled(text, theme.style(Role::Muted))
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
}
