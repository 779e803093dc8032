//! The canary plan form: every field of a plan prefilled from the endpoint, or the path of a
//! plan file; the problems of the last submit listed in full underneath.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::screens::canary::form::FIELDS;
use crate::app::screens::canary::{CanaryForm, FormMode};
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{popup, truncate};

const NAME: usize = 21;
const BOX: usize = 16;

pub fn render(frame: &mut Frame, area: Rect, state: &State, form: &CanaryForm) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let served: Vec<String> = form
        .entities
        .iter()
        .map(|e| format!("{} {}%", e.name, e.percent))
        .collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:<NAME$}", "endpoint"), theme.style(Role::Muted)),
            Span::styled(form.endpoint.clone(), theme.style(Role::Text)),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<NAME$}", "served"), theme.style(Role::Muted)),
            Span::styled(served.join(", "), theme.style(Role::Text)),
        ]),
        Line::default(),
    ];
    let first_row = lines.len() as u16;
    let box_width = match form.mode {
        FormMode::Build => BOX,
        FormMode::File => 48,
    };
    let mut cursor = None;
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let scroll = f.input.visual_scroll(box_width);
        let text: String = f
            .input
            .value()
            .chars()
            .skip(scroll)
            .take(box_width)
            .collect();
        if focused {
            let at = f.input.visual_cursor().saturating_sub(scroll);
            cursor = Some(((NAME + at) as u16, first_row + i as u16));
        }
        let style = if focused {
            theme
                .style(Role::Input)
                .add_modifier(ratatui::style::Modifier::UNDERLINED)
        } else {
            theme.style(Role::Text)
        };
        let hint = FIELDS
            .iter()
            .find(|(n, _)| *n == f.name)
            .map_or("", |(_, h)| *h);
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<NAME$}", truncate(&f.name, NAME - 1, g.cut)),
                theme.style(if focused { Role::Accent } else { Role::Muted }),
            ),
            Span::styled(format!("{text:<box_width$}"), style),
            Span::styled(format!("  {hint}"), theme.style(Role::Muted)),
        ]));
    }
    if form.mode == FormMode::File {
        lines.push(Line::styled(
            format!(
                "a TOML plan (PRODUCT §6 format) for endpoint {}",
                form.endpoint
            ),
            theme.style(Role::Muted),
        ));
    }
    if form.reading {
        lines.push(Line::styled(
            format!("reading the plan file{}", g.ellipsis),
            theme.style(Role::Muted),
        ));
    }
    let width = usize::from(area.width.min(96)).saturating_sub(6);
    for e in &form.errors {
        for (i, part) in super::canary::wrap(e, width).into_iter().enumerate() {
            let mark = if i == 0 { g.failed } else { " " };
            lines.push(Line::styled(
                format!("{mark} {part}"),
                theme.style(Role::Error),
            ));
        }
    }
    let title = match form.mode {
        FormMode::Build => " Build a canary plan ",
        FormMode::File => " Load a canary plan file ",
    };
    let inner = popup(frame, area, state, title, 96, lines.len() as u16 + 2);
    if inner.is_empty() {
        return;
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((x, y)) = cursor
        && x < inner.width
        && y < inner.height
    {
        frame.set_cursor_position(Position::new(inner.x + x, inner.y + y));
    }
}
