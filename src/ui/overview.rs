//! Overview: who you are, experiment and model counts, serving health. Every panel shows its
//! own load state, so one missing API never hides the others.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::app::State;
use crate::app::msg::Count;
use crate::app::remote::Remote;
use crate::app::screens::overview::{Health, classify};
use crate::ops::inventory::EndpointHealth;
use crate::theme::Role;

use super::glyphs::glyphs;
use super::widgets::{load_state_line, panel};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let [who, panels] = Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(area);
    workspace(frame, who, state);
    let [exp, models, serving] = Layout::horizontal([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .areas(panels);
    experiments(frame, exp, state);
    models_panel(frame, models, state);
    serving_panel(frame, serving, state);
}

fn label(state: &State, text: &str, width: usize) -> Span<'static> {
    Span::styled(format!("{text:<width$}"), state.theme.style(Role::Muted))
}

fn workspace(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let me = &state.overview.me;
    let who: Line = match (&me.data, load_state_line(state, me)) {
        (Some(me), extra) => {
            let mut spans = vec![
                label(state, "You", 9),
                Span::styled(
                    me.display_name
                        .clone()
                        .unwrap_or_else(|| me.user_name.clone()),
                    theme.style(Role::Text),
                ),
            ];
            if me.display_name.is_some() && !me.user_name.is_empty() {
                spans.push(Span::styled(
                    format!(" <{}>", me.user_name),
                    theme.style(Role::Muted),
                ));
            }
            if let Some(extra) = extra {
                spans.push(Span::raw("  "));
                spans.extend(extra.spans);
            }
            Line::from(spans)
        }
        (None, Some(status)) => {
            let mut spans = vec![label(state, "You", 9)];
            spans.extend(status.spans);
            Line::from(spans)
        }
        (None, None) => Line::from(label(state, "You", 9)),
    };
    let host = Line::from(vec![
        label(state, "Profile", 9),
        Span::styled(state.session.profile.clone(), theme.style(Role::Text)),
        Span::raw("   "),
        label(state, "Host", 6),
        Span::styled(state.session.host.clone(), theme.style(Role::Text)),
    ]);
    let block = panel(state, " Workspace ", false).padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(vec![who, host]).block(block), area);
}

/// "42 experiments" (or "1000+") in accent, then the load state if any.
fn count_lines(state: &State, remote: &Remote<Count>, noun: &str) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let mut lines = Vec::new();
    if let Some(c) = &remote.data {
        lines.push(Line::from(vec![
            Span::styled(c.to_string(), theme.style(Role::Accent)),
            Span::styled(format!(" {noun}"), theme.style(Role::Text)),
        ]));
    }
    lines.extend(load_state_line(state, remote));
    lines
}

fn experiments(frame: &mut Frame, area: Rect, state: &State) {
    let lines = count_lines(state, &state.overview.experiments, "experiments");
    let block = panel(state, " Experiments ", false).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn models_panel(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let mut lines = vec![Line::styled("Unity Catalog", theme.style(Role::Header))];
    lines.extend(count_lines(state, &state.overview.uc_models, "models"));
    lines.push(Line::default());
    lines.push(Line::styled(
        "Workspace registry",
        theme.style(Role::Header),
    ));
    lines.extend(count_lines(
        state,
        &state.overview.workspace_models,
        "models",
    ));
    let block = panel(state, " Models ", false).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn serving_panel(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let remote = &state.overview.serving;
    let mut lines = Vec::new();
    if let Some(eps) = &remote.data {
        let EndpointHealth {
            ready,
            updating,
            failed,
            other,
            ..
        } = EndpointHealth::of(eps);
        let row = |mark: &str, n: usize, what: &str, role: Role| {
            Line::from(vec![
                Span::styled(format!("{mark} {n:>3} "), theme.style(role)),
                Span::styled(what.to_string(), theme.style(Role::Text)),
            ])
        };
        lines.push(row(g.ok, ready, "ready", Role::Ok));
        lines.push(row(g.updating, updating, "updating", Role::Warn));
        lines.push(row(g.failed, failed, "failed", Role::Error));
        if other > 0 {
            lines.push(row(g.other, other, "other", Role::Muted));
        }
        // Name the endpoints that need attention; healthy ones are just counted.
        let attention: Vec<_> = eps
            .iter()
            .filter(|ep| matches!(classify(ep), Health::Failed | Health::Updating))
            .collect();
        if !attention.is_empty() {
            lines.push(Line::default());
        }
        for ep in attention {
            let (mark, role) = match classify(ep) {
                Health::Failed => (g.failed, Role::Error),
                _ => (g.updating, Role::Warn),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), theme.style(role)),
                Span::styled(ep.name.clone(), theme.style(Role::Text)),
            ]));
        }
        if eps.is_empty() {
            lines.push(Line::styled("no endpoints", theme.style(Role::Muted)));
        }
    }
    lines.extend(load_state_line(state, remote));
    let block = panel(state, " Serving endpoints ", false).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
