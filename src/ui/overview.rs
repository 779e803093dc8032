//! Overview: who you are, experiment and model counts, serving health. Every panel shows its
//! own load state, so one missing API never hides the others.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use crate::api::models::serving::ServingEndpoint;
use crate::app::State;
use crate::app::format;
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
    // Serving gets the wide column: one line per endpoint with what it serves.
    let [left, serving] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(panels);
    let [models, exp] = Layout::vertical([Constraint::Length(7), Constraint::Min(0)]).areas(left);
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
    let theme = &state.theme;
    let remote = &state.overview.experiments;
    let mut lines = Vec::new();
    if let Some(summary) = &remote.data {
        lines.push(Line::from(vec![
            Span::styled(summary.count.to_string(), theme.style(Role::Accent)),
            Span::styled(" experiments", theme.style(Role::Text)),
        ]));
        if !summary.recent.is_empty() {
            lines.push(Line::default());
            lines.push(Line::styled("Recently updated", theme.style(Role::Header)));
        }
        for e in &summary.recent {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "{:>4} ",
                        format::ago_short(state.now_ms, e.last_update_time)
                    ),
                    theme.style(Role::Muted),
                ),
                Span::styled(e.name.clone(), theme.style(Role::Text)),
            ]));
        }
    }
    lines.extend(load_state_line(state, remote));
    let block = panel(state, " Experiments ", false).padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), area);
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
        // Every endpoint by name, those that need attention first, with what it serves.
        if !eps.is_empty() {
            lines.push(Line::default());
        }
        let mut listed: Vec<_> = eps.iter().collect();
        listed.sort_by_key(|ep| (attention_rank(classify(ep)), ep.name.clone()));
        for ep in listed {
            let (mark, role) = match classify(ep) {
                Health::Ready => (g.ok, Role::Ok),
                Health::Updating => (g.updating, Role::Warn),
                Health::Failed => (g.failed, Role::Error),
                Health::Other => (g.other, Role::Muted),
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} "), theme.style(role)),
                Span::styled(ep.name.clone(), theme.style(Role::Text)),
                Span::styled(
                    format!("  {}", served_summary(ep)),
                    theme.style(Role::Muted),
                ),
            ]));
        }
        if eps.is_empty() {
            lines.push(Line::styled("no endpoints", theme.style(Role::Muted)));
        }
    }
    lines.extend(load_state_line(state, remote));
    let block = panel(state, " Serving endpoints ", false).padding(Padding::horizontal(1));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// Failed first, then updating, then the rest.
fn attention_rank(h: Health) -> u8 {
    match h {
        Health::Failed => 0,
        Health::Updating => 1,
        Health::Other => 2,
        Health::Ready => 3,
    }
}

/// "churn_model v4, v5": the model versions an endpoint serves (from the list summary).
fn served_summary(ep: &ServingEndpoint) -> String {
    let Some(config) = &ep.config else {
        return String::new();
    };
    let mut by_model: Vec<(String, Vec<String>)> = Vec::new();
    for e in &config.served_entities {
        let model = e.entity_name.clone().unwrap_or_default();
        let short = model.rsplit('.').next().unwrap_or(&model).to_string();
        let version = e.entity_version.clone().unwrap_or_default();
        match by_model.iter_mut().find(|(m, _)| *m == short) {
            Some((_, vs)) => vs.push(format!("v{version}")),
            None => by_model.push((short, vec![format!("v{version}")])),
        }
    }
    by_model
        .into_iter()
        .map(|(m, vs)| format!("{m} {}", vs.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}
