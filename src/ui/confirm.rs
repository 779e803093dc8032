//! The confirm dialog every change goes through: what is about to happen (each flow supplies the
//! body), on which profile, and the key that confirms it or, on production, the name to type.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Padding, Paragraph};

use crate::app::State;
use crate::app::action::Action;
use crate::app::form::{Confirm, ConfirmAction, RoomConfirm};
use crate::app::keymap::Context;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{centered, escaped, panel};

fn key_of(state: &State, ctx: Context, action: Action) -> String {
    state
        .keymap
        .keys_for(&[ctx], action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_else(|| "?".into())
}

/// The body of a room's dialog: where it goes, then the room's rows and warnings.
fn room_lines(state: &State, c: &RoomConfirm) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let profile = if state.session.production {
        format!("{} (PRODUCTION)", state.session.profile)
    } else {
        state.session.profile.clone()
    };
    let mut rows = vec![
        ("Profile".to_string(), profile),
        ("Workspace".to_string(), state.session.host.clone()),
    ];
    rows.extend(c.rows.iter().cloned());
    let width = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line<'static>> = rows
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(
                    format!("{:<width$}  ", escaped(&label)),
                    theme.style(Role::Muted),
                ),
                Span::styled(escaped(&value), theme.style(Role::Text)),
            ])
        })
        .collect();
    for w in &c.warnings {
        lines.push(Line::styled(escaped(w), theme.style(Role::Warn)));
    }
    lines
}

pub fn render_confirm(frame: &mut Frame, area: Rect, state: &State, confirm: &Confirm) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let production = state.session.production;
    let (mut lines, what, verb) = match &confirm.action {
        ConfirmAction::RunJob { .. } => (
            super::training::run_job_lines(state, confirm),
            "start a training run".to_string(),
            " run it   ".to_string(),
        ),
        ConfirmAction::Change { plan } => (
            super::change::plan_lines(state, plan),
            format!("{} {}", plan.action, plan.target.describe()),
            " confirm   ".to_string(),
        ),
        ConfirmAction::Traffic { plan } => (
            super::query::traffic_plan_lines(state, plan),
            format!("{} on endpoint {}", plan.action, plan.endpoint),
            " confirm   ".to_string(),
        ),
        ConfirmAction::Canary { plan } => (
            super::canary_dialog::start_lines(state, plan),
            format!("start a canary plan on {}", plan.endpoint),
            " start it   ".to_string(),
        ),
        ConfirmAction::CanaryResume { state: s } => (
            super::canary_dialog::resume_lines(state, s),
            format!("resume the canary plan on {}", s.plan.endpoint),
            " resume it   ".to_string(),
        ),
        ConfirmAction::CanaryAbort { state: s } => (
            super::canary_dialog::abort_lines(state, s),
            format!("abort the canary plan on {}", s.plan.endpoint),
            " abort it   ".to_string(),
        ),
        ConfirmAction::Room(c) => (
            room_lines(state, c),
            escaped(&c.what),
            format!(" {}   ", c.verb),
        ),
    };
    let prompt_row = lines.len() as u16;
    match &confirm.type_to_confirm {
        Some(name) => {
            lines.push(Line::from(vec![
                Span::styled(format!("Type {name} to confirm: "), theme.style(Role::Warn)),
                Span::styled(confirm.typed.value().to_string(), theme.style(Role::Input)),
            ]));
            if confirm.mismatch {
                lines.push(Line::styled(
                    format!("{} that is not {name}", g.failed),
                    theme.style(Role::Error),
                ));
            }
        }
        None => lines.push(Line::from(vec![
            Span::styled(
                key_of(state, Context::Confirm, Action::Confirm),
                theme.style(Role::HintKey),
            ),
            Span::styled(verb, theme.style(Role::Text)),
            Span::styled(
                key_of(state, Context::Confirm, Action::Cancel),
                theme.style(Role::HintKey),
            ),
            Span::styled(" cancel", theme.style(Role::Text)),
        ])),
    }
    let height = lines.len() as u16 + 2;
    let width = if matches!(confirm.action, ConfirmAction::RunJob { .. }) {
        72
    } else {
        96
    };
    let popup = centered(area, width, height);
    let title = if production {
        format!(" Confirm on PRODUCTION: {what} ")
    } else {
        format!(" Confirm: {what} ")
    };
    let role = if production {
        Role::Error
    } else {
        Role::BorderFocused
    };
    let block = panel(state, title, true)
        .border_style(theme.style(role))
        .style(theme.style(Role::Popup))
        .padding(Padding::horizontal(1));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(name) = &confirm.type_to_confirm {
        let x = (format!("Type {name} to confirm: ").chars().count()
            + confirm.typed.visual_cursor()) as u16;
        if x < inner.width && prompt_row < inner.height {
            frame.set_cursor_position(Position::new(inner.x + x, inner.y + prompt_row));
        }
    }
}
