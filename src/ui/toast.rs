//! Toasts: the newest messages, bottom right, above the status bar. They cover the screen
//! briefly and never replace its data.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Paragraph};

use crate::app::{State, ToastLevel};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, truncate};

pub fn render(frame: &mut Frame, body: Rect, state: &State) {
    let ellipsis = glyphs(state.session.ascii).ellipsis;
    let max_width = body.width.saturating_sub(2).min(90);
    let mut bottom = body.y + body.height;
    for toast in state.toasts.iter().rev() {
        if bottom <= body.y || max_width < 4 {
            break;
        }
        // A toast often carries the server's words (an error, a name): escaped here, once.
        let text = escaped(&toast.text);
        let text = truncate(&text, max_width.saturating_sub(2) as usize, ellipsis);
        let width = (text.chars().count() as u16 + 2).min(max_width);
        bottom -= 1;
        let area = Rect {
            x: body.x + body.width.saturating_sub(width + 1),
            y: bottom,
            width,
            height: 1,
        };
        let role = match toast.level {
            ToastLevel::Error => Role::ToastError,
            ToastLevel::Info => Role::ToastInfo,
        };
        frame.render_widget(Clear, area);
        frame.render_widget(
            Paragraph::new(format!(" {text} ")).style(state.theme.style(role)),
            area,
        );
    }
}
