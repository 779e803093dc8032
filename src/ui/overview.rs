//! Overview (PRODUCT §3, screen 1): who you are, model counts, jobs needing attention,
//! experiments and serving health on top; canary plans in progress beside pending approvals below them; the console's
//! latest changes along the bottom. The number keys jump to the screen behind each panel (the
//! hint bar names them). Every panel shows its own load state, so one missing API never hides
//! the others. Under 26 rows the panels give up space in order of use: the workspace keeps one
//! line, recent actions keep three, the experiment list loses its heading, serving counts share
//! a line; what still does not fit is cut at the panel's edge.

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
use super::overview_activity as activity;
use super::overview_alerts as alerts;
use super::overview_jobs as jobs;
use super::widgets::{escaped, load_state_line, panel};

/// Below this many rows the panels take their compact forms.
const COMPACT_HEIGHT: u16 = 26;
/// The approvals / canaries row never takes more rows than this (borders included).
const MIDDLE_MAX: usize = 8;
const MIDDLE_MAX_COMPACT: usize = 5;
/// Recent actions shown when the screen is short.
const ACTIONS_COMPACT: usize = 3;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let compact = area.height < COMPACT_HEIGHT;
    let who_height = if compact { 3 } else { 4 };
    let [left_width, right_width] = split_widths(area.width);
    let middle_lines =
        activity::approval_lines(state).max(activity::canary_lines(state, right_width));
    let middle_max = if compact {
        MIDDLE_MAX_COMPACT
    } else {
        MIDDLE_MAX
    };
    let middle_height = (middle_lines + 2).min(middle_max);
    let action_lines = activity::action_lines(state);
    let action_lines = if compact {
        action_lines.min(ACTIONS_COMPACT)
    } else {
        action_lines
    };
    let [who, top, middle, bottom] = Layout::vertical([
        Constraint::Length(who_height),
        Constraint::Min(0),
        Constraint::Length(middle_height as u16),
        Constraint::Length(action_lines as u16 + 2),
    ])
    .areas(area);
    workspace(frame, who, state, compact);
    // Serving gets the wide column: one line per endpoint with what it serves.
    let columns = [
        Constraint::Length(left_width),
        Constraint::Length(right_width),
    ];
    let [left, serving] = Layout::horizontal(columns).areas(top);
    let model_lines = models_lines(state, compact);
    let models_height = model_lines.len() as u16 + 2;
    let job_lines = jobs::lines(state, compact);
    let jobs_height = job_lines.len() as u16 + 2;
    let [models, jobs_area, exp] = Layout::vertical([
        Constraint::Length(models_height),
        Constraint::Length(jobs_height),
        Constraint::Min(0),
    ])
    .areas(left);
    // The alerts under serving, whose list seldom fills the column.
    let alert_lines = alerts::lines(state, compact);
    let alerts_height = alert_lines.len() as u16 + 2;
    let [serving, alerts_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(alerts_height)]).areas(serving);
    experiments(frame, exp, state);
    models_panel(frame, models, model_lines, state);
    jobs::render(frame, jobs_area, state, job_lines);
    alerts::render(frame, alerts_area, state, alert_lines);
    serving_panel(frame, serving, state);
    let [approvals, canaries] = Layout::horizontal(columns).areas(middle);
    activity::approvals_panel(frame, approvals, state);
    activity::canaries_panel(frame, canaries, state);
    activity::actions_panel(frame, bottom, state);
}

/// The two columns: 45% on the left, the rest (serving, canaries) on the right.
fn split_widths(width: u16) -> [u16; 2] {
    let left = (u32::from(width) * 45 / 100) as u16;
    [left, width - left]
}

fn label(state: &State, text: &str, width: usize) -> Span<'static> {
    Span::styled(format!("{text:<width$}"), state.theme.style(Role::Muted))
}

/// Who you are, then profile and host; in compact form one line (the status bar names the host).
fn workspace(frame: &mut Frame, area: Rect, state: &State, compact: bool) {
    let theme = &state.theme;
    let me = &state.overview.me;
    let who: Line = match (&me.data, load_state_line(state, me)) {
        (Some(me), extra) => {
            let mut spans = vec![
                label(state, "You", 9),
                Span::styled(
                    escaped(me.display_name.as_deref().unwrap_or(&me.user_name)),
                    theme.style(Role::Text),
                ),
            ];
            if me.display_name.is_some() && !me.user_name.is_empty() {
                spans.push(Span::styled(
                    format!(" <{}>", escaped(&me.user_name)),
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
    let lines = if compact {
        let mut spans = who.spans;
        spans.push(Span::raw("   "));
        spans.push(label(state, "Profile", 8));
        spans.push(Span::styled(
            state.session.profile.clone(),
            theme.style(Role::Text),
        ));
        vec![Line::from(spans)]
    } else {
        vec![who, host]
    };
    let block = panel(state, " Workspace ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
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
        // The heading only when the whole list fits under it.
        let inner = usize::from(area.height.saturating_sub(2));
        if !summary.recent.is_empty() && inner >= summary.recent.len() + 3 {
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
                Span::styled(escaped(&e.name), theme.style(Role::Text)),
            ]));
        }
    }
    lines.extend(load_state_line(state, remote));
    let block = panel(state, " Experiments ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One registry: its heading over its count; in compact form "Unity Catalog  12 models" on one
/// line when there is a count and nothing to say about its loading.
fn registry_lines(
    state: &State,
    remote: &Remote<Count>,
    title: &str,
    compact: bool,
) -> Vec<Line<'static>> {
    let theme = &state.theme;
    if compact && let (Some(c), None) = (&remote.data, load_state_line(state, remote)) {
        return vec![Line::from(vec![
            label(state, title, 20),
            Span::styled(c.to_string(), theme.style(Role::Accent)),
            Span::styled(" models", theme.style(Role::Text)),
        ])];
    }
    let mut lines = vec![Line::styled(title.to_string(), theme.style(Role::Header))];
    lines.extend(count_lines(state, remote, "models"));
    lines
}

fn models_lines(state: &State, compact: bool) -> Vec<Line<'static>> {
    let mut lines = registry_lines(state, &state.overview.uc_models, "Unity Catalog", compact);
    if !compact {
        lines.push(Line::default());
    }
    lines.extend(registry_lines(
        state,
        &state.overview.workspace_models,
        "Workspace registry",
        compact,
    ));
    lines
}

fn models_panel(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>, state: &State) {
    let block = panel(state, " Models ", false).padding(Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

fn serving_panel(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let g = glyphs(state.session.ascii);
    let remote = &state.serving.endpoints;
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
        let mut counts = vec![
            (g.ok, ready, "ready", Role::Ok),
            (g.updating, updating, "updating", Role::Warn),
            (g.failed, failed, "failed", Role::Error),
        ];
        if other > 0 {
            counts.push((g.other, other, "other", Role::Muted));
        }
        // A count per line, a blank, a line per endpoint; the counts share one line when that
        // does not fit.
        let inner = usize::from(area.height.saturating_sub(2));
        if inner >= counts.len() + 1 + eps.len() {
            for (mark, n, what, role) in counts {
                lines.push(row(mark, n, what, role));
            }
            if !eps.is_empty() {
                lines.push(Line::default());
            }
        } else {
            let mut spans = Vec::new();
            for (mark, n, what, role) in counts {
                if !spans.is_empty() {
                    spans.push(Span::raw("  "));
                }
                spans.push(Span::styled(format!("{mark} {n} "), theme.style(role)));
                spans.push(Span::styled(what.to_string(), theme.style(Role::Text)));
            }
            lines.push(Line::from(spans));
        }
        // Every endpoint by name, those that need attention first, with what it serves.
        let mut listed: Vec<_> = eps.iter().collect();
        listed.sort_by_key(|ep| (attention_rank(classify(ep)), ep.name.clone()));
        for ep in listed {
            let (mark, role) = match classify(ep) {
                Health::Ready => (g.ok, Role::Ok),
                Health::Updating => (g.updating, Role::Warn),
                Health::Failed => (g.failed, Role::Error),
                Health::Other => (g.other, Role::Muted),
            };
            let mut line = vec![
                Span::styled(format!("{mark} "), theme.style(role)),
                Span::styled(escaped(&ep.name), theme.style(Role::Text)),
                Span::styled(
                    format!("  {}", escaped(&served_summary(ep))),
                    theme.style(Role::Muted),
                ),
            ];
            if let Some(m) = super::feature_marks::endpoint_marker(state, &ep.name) {
                line.extend([Span::raw("  "), m]);
            }
            lines.push(Line::from(line));
        }
        if eps.is_empty() {
            lines.push(Line::styled("no endpoints", theme.style(Role::Muted)));
        }
    }
    lines.extend(load_state_line(state, remote));
    let block = panel(state, " Serving endpoints ", false).padding(Padding::horizontal(1));
    let lines = super::cut::lines(
        lines,
        block.inner(area).width,
        super::cut::mark(state.session.ascii),
    );
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
