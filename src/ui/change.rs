//! The popups of a registry change: the plan in the confirm dialog (with its blast radius), the
//! comment / alias prompt, and the roll-back candidates.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::State;
use crate::app::format;
use crate::app::prompt::Prompt;
use crate::app::screens::change::CandidatePick;
use crate::ops::Plan;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{escaped, popup};

/// The plan as the dialog shows it: `Plan::dialog_lines`, with the blast radius and warnings
/// stressed. (The production "type the name" line is drawn by the dialog itself.)
pub fn plan_lines(state: &State, plan: &Plan) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let s = &state.session;
    let mut out = Vec::new();
    let mut in_blast = false;
    for line in plan.dialog_lines(&s.profile, &s.host, false) {
        let role = if line.starts_with("Blast radius") {
            in_blast = true;
            Role::Accent
        } else if line.starts_with("Warning") || line.starts_with("Approval") {
            in_blast = false;
            Role::Warn
        } else if line.starts_with("  ") && in_blast {
            Role::Text
        } else if line.starts_with("After") {
            in_blast = false;
            Role::Warn
        } else {
            in_blast = false;
            Role::Text
        };
        out.push(Line::styled(escaped(&line), theme.style(role)));
    }
    out.push(Line::default());
    out
}

pub fn render_prompt(frame: &mut Frame, area: Rect, state: &State, p: &Prompt) {
    let theme = &state.theme;
    let mut lines = vec![Line::default()];
    let label = format!("{}: ", p.label());
    let row = lines.len() as u16;
    lines.push(Line::from(vec![
        Span::styled(label.clone(), theme.style(Role::Muted)),
        Span::styled(p.input.value().to_string(), theme.style(Role::Input)),
    ]));
    if p.missing {
        lines.push(Line::styled(
            format!("{} is needed", p.label()),
            theme.style(Role::Error),
        ));
    }
    if p.offers_archive() {
        let mark = if p.archive_existing { "[x]" } else { "[ ]" };
        lines.push(Line::styled(
            format!("{mark} archive the versions already in the target stage (tab)"),
            theme.style(Role::Text),
        ));
    }
    lines.push(Line::default());
    let footer = match p.purpose {
        crate::app::prompt::PromptPurpose::Query { .. } => "enter: send the request   esc: cancel",
        _ => "enter: review the change (nothing is sent yet)   esc: cancel",
    };
    lines.push(Line::styled(footer, theme.style(Role::Muted)));
    let inner = popup(
        frame,
        area,
        state,
        format!(" {} ", p.title()),
        72,
        lines.len() as u16 + 2,
    );
    frame.render_widget(Paragraph::new(lines), inner);
    let x = (label.chars().count() + p.input.visual_cursor()) as u16;
    if x < inner.width && row < inner.height {
        frame.set_cursor_position(Position::new(inner.x + x, inner.y + row));
    }
}

pub fn render_candidates(frame: &mut Frame, area: Rect, state: &State, pick: &CandidatePick) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let c = &pick.candidates;
    let mut lines = vec![
        Line::styled(
            escaped(&format!(
                "{} is now {}",
                c.target.describe(),
                c.current.describe()
            )),
            theme.style(Role::Text),
        ),
        Line::styled(escaped(&c.note), theme.style(Role::Warn)),
        Line::default(),
    ];
    for (i, v) in c.versions.iter().enumerate() {
        let text = format!(
            "v{:<4} {:<12} {:<16} {:<14} {}",
            escaped(&v.version),
            escaped(&v.state),
            format::datetime_short(v.created_at),
            escaped(v.created_by.as_deref().unwrap_or_default()),
            escaped(v.comment.as_deref().unwrap_or_default())
        );
        let (mark, role) = if i == pick.selected {
            (g.selected, Role::Selected)
        } else {
            ("  ", Role::Text)
        };
        lines.push(Line::styled(format!("{mark}{text}"), theme.style(role)));
    }
    if c.versions.is_empty() {
        lines.push(Line::styled("no other version", theme.style(Role::Muted)));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "enter: roll back to this version (a confirm follows)   esc: cancel",
        theme.style(Role::Muted),
    ));
    let inner = popup(
        frame,
        area,
        state,
        " Roll back: choose the version ",
        90,
        lines.len() as u16 + 3,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
