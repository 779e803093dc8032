//! One serving endpoint: state and config version, the traffic bar, the served entities with
//! their live numbers, `pending_config` against `config` while an update runs, and the live
//! charts (requests/s of every entity; latency and errors of the selected one).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, TableState};

use crate::api::models::serving::{DeploymentState, ServingEndpoint};
use crate::app::State;
use crate::app::format;
use crate::app::screens::serving::charts::endpoint_charts;
use crate::app::screens::serving::live_series;
use crate::ops::Target;
use crate::ops::traffic::Split;
use crate::ops::traffic::diff::{Mark, config_diff};
use crate::theme::Role;

use super::chart;
use super::columns::{Column, FitRow, Look, table as fitted_table};
use super::glyphs::glyphs;
use super::serving::{shares_text, state_label, traffic_bar};
use super::widgets::{escaped, load_state_line, panel};

/// The span the table's numbers cover.
const TABLE_WINDOW_MS: i64 = 10_000;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let s = &state.serving;
    let block = panel(state, format!(" {} ", escaped(&s.name)), true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(ep) = s.current() else {
        let line = load_state_line(state, &s.endpoint).unwrap_or_else(|| {
            let g = glyphs(state.session.ascii);
            Line::styled(
                format!("loading{}", g.ellipsis),
                state.theme.style(Role::Muted),
            )
        });
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    let names = s.entity_names();
    let diff = match (&ep.config, &ep.pending_config) {
        (Some(live), Some(pending)) => config_diff(live, pending),
        _ => Vec::new(),
    };
    let diff_rows = if diff.is_empty() {
        0
    } else {
        diff.len() as u16 + 1
    };
    let strip = super::canary::strip(state, &s.name);
    let mut problems = deployment_problems(state, ep);
    problems.extend(super::feature_marks::endpoint_lines(state, &ep.name));
    let last = last_change(state, ep);
    let [head, canary, table, why, pending, charts] = Layout::vertical([
        Constraint::Length(2 + u16::from(last.is_some())),
        Constraint::Length(u16::from(strip.is_some())),
        Constraint::Length(names.len() as u16 + 1),
        Constraint::Length(problems.len() as u16),
        Constraint::Length(diff_rows),
        Constraint::Min(0),
    ])
    .areas(inner);
    header(frame, head, state, ep, &names, last);
    frame.render_widget(Paragraph::new(strip.unwrap_or_default()), canary);
    entities(frame, table, state, ep, &names);
    frame.render_widget(Paragraph::new(problems), why);
    if !diff.is_empty() {
        pending_diff(frame, pending, state, ep, &diff);
    }
    match super::bench_panel::view_of(&s.bench, &s.name) {
        Some(view) => {
            let h = super::bench_panel::HEIGHT.min(charts.height);
            let [bench, rest] =
                Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(charts);
            super::bench_panel::render(frame, bench, state, &view);
            live_charts(frame, rest, state);
        }
        None => live_charts(frame, charts, state),
    }
}

/// The endpoint's last change in the journal on this workspace: what `b` rolls back.
fn last_change(state: &State, ep: &ServingEndpoint) -> Option<Line<'static>> {
    let theme = &state.theme;
    let journal = state.audit.journal.data.as_ref()?;
    let target = Target::Endpoint {
        name: ep.name.clone(),
    };
    let here = state.session.workspace();
    let e = journal
        .entries
        .iter()
        .filter(|e| e.attempt.target == target && here.made(&e.attempt))
        .max_by_key(|e| e.attempt.ts_ms)?;
    let at = &e.attempt;
    let standing = e.standing();
    let arrow = if state.session.ascii { "->" } else { "→" };
    Some(Line::from(vec![
        Span::styled("last change ", theme.style(Role::Muted)),
        Span::styled(
            escaped(&format!(
                "{} {} {}: {} {arrow} {} ",
                format::ago(state.now_ms, Some(at.ts_ms)),
                at.profile,
                at.action.as_str(),
                at.before.describe(),
                at.after.describe()
            )),
            theme.style(Role::Text),
        ),
        Span::styled(
            standing.label().to_string(),
            theme.style(super::registry::standing_role(standing)),
        ),
    ]))
}

fn header(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    ep: &ServingEndpoint,
    names: &[String],
    last: Option<Line<'static>>,
) {
    let theme = &state.theme;
    let (word, role) = state_label(ep);
    let version = ep
        .config
        .as_ref()
        .and_then(|c| c.config_version)
        .map_or_else(|| "-".to_string(), |v| format!("v{v}"));
    let mut first = vec![
        Span::styled(word.to_string(), theme.style(role)),
        Span::styled(format!("  config {version}"), theme.style(Role::Text)),
        Span::styled(
            format!(
                "  updated {}{}",
                format::ago(state.now_ms, ep.last_updated_timestamp),
                ep.creator
                    .as_ref()
                    .map_or_else(String::new, |c| format!(" · created by {}", escaped(c)))
            ),
            theme.style(Role::Muted),
        ),
    ];
    if let Some(line) = load_state_line(state, state.endpoint_scrape()) {
        first.push(Span::raw("  "));
        first.extend(line.spans.into_iter().map(|sp| {
            let text = format!("metrics: {}", sp.content);
            Span::styled(text, sp.style)
        }));
    }
    let split = Split::of_endpoint(ep);
    let width = usize::from(area.width).saturating_sub(40).clamp(10, 60);
    let mut second = vec![Span::styled("traffic ", theme.style(Role::Muted))];
    second.extend(traffic_bar(state, &split, names, width));
    // The shares first: on a narrow terminal the names may be cut, the shares never.
    if names.len() > 1 {
        second.push(Span::styled(
            format!(" {}", shares_text(&split, names)),
            theme.style(Role::Text),
        ));
    }
    second.push(Span::styled(
        format!("  {}", escaped(&split.describe())),
        theme.style(Role::Muted),
    ));
    let mut lines = vec![Line::from(first), Line::from(second)];
    lines.extend(last);
    let mark = super::cut::mark(state.session.ascii);
    frame.render_widget(
        Paragraph::new(super::cut::lines(lines, area.width, mark)),
        area,
    );
}

/// Optional server text for a cell, escaped; empty when absent.
fn text(v: Option<&str>) -> String {
    v.map(escaped).unwrap_or_default()
}

/// A live number with as many decimals as its size deserves: 1234, 48.9, 5.08.
fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() && x.abs() >= 100.0 => format!("{x:.0}"),
        Some(x) if x.is_finite() && x.abs() >= 10.0 => format!("{x:.1}"),
        Some(x) if x.is_finite() => format!("{x:.2}"),
        _ => "-".to_string(),
    }
}

fn entities(frame: &mut Frame, area: Rect, state: &State, ep: &ServingEndpoint, names: &[String]) {
    let theme = &state.theme;
    let s = &state.serving;
    let history = state.endpoint_history();
    let split = Split::of_endpoint(ep);
    let config = ep.config.as_ref();
    let rows: Vec<FitRow> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let e = config.and_then(|c| c.served_entities.iter().find(|e| &e.name == name));
            let w = history.window(name, TABLE_WINDOW_MS);
            let deployment = e
                .and_then(|e| e.state.as_ref())
                .and_then(|st| st.deployment.as_ref())
                .map(|d| d.as_str().trim_start_matches("DEPLOYMENT_").to_lowercase())
                .unwrap_or_default();
            let pct = |x: f64| crate::safe_text::percent(x, 1);
            FitRow::new(vec![
                Line::styled(
                    escaped(name),
                    ratatui::style::Style::default().fg(theme.series(i)),
                ),
                Line::from(text(e.and_then(|e| e.entity_name.as_deref()))),
                Line::from(text(e.and_then(|e| e.entity_version.as_deref()))),
                Line::from(text(e.and_then(|e| e.workload_size.as_deref()))),
                Line::from(match e.and_then(|e| e.scale_to_zero_enabled) {
                    Some(true) => "yes",
                    _ => "no",
                }),
                Line::from(deployment),
                Line::from(format!("{}%", split.percent(name))),
                Line::from(num(w.as_ref().map(|w| w.requests_per_s))),
                Line::from(num(w.as_ref().and_then(|w| w.latency.map(|l| l.p50)))),
                Line::from(num(w.as_ref().and_then(|w| w.latency.map(|l| l.p99)))),
                Line::from(w.as_ref().map_or("-".into(), |w| pct(w.ratio_4xx))),
                Line::from(w.as_ref().map_or("-".into(), |w| pct(w.ratio_5xx))),
            ])
        })
        .collect();
    // The entity name tells the routes apart: it keeps its width first. Numbers, versions and
    // shares are never cut; the least telling columns give way on narrow terminals.
    let columns = [
        Column::text("Entity", 10).min(16).fill(3),
        Column::text("Model", 2).fill(3).yields(),
        Column::whole("Ver", 9),
        Column::text("Size", 3).max(8),
        Column::whole("s2z", 1),
        Column::text("State", 7).max(10),
        Column::whole("Traffic", 9),
        Column::whole("req/s", 8),
        Column::whole("p50ms", 5),
        Column::whole("p99ms", 6),
        Column::whole("4xx", 4),
        Column::whole("5xx", 5),
    ];
    let table = fitted_table(
        state,
        &columns,
        rows,
        area.width,
        Look::list(s.entities.selected),
    );
    let mut ts = TableState::default().with_selected(Some(s.entities.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

/// Why a served entity is not ready, as the server says it (`deployment_state_message`).
fn deployment_problems(state: &State, ep: &ServingEndpoint) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let Some(config) = &ep.config else {
        return Vec::new();
    };
    config
        .served_entities
        .iter()
        .filter_map(|e| {
            let st = e.state.as_ref()?;
            let role = match st.deployment.as_ref()? {
                DeploymentState::Ready => return None,
                DeploymentState::Failed | DeploymentState::Aborted => Role::Error,
                _ => Role::Warn,
            };
            let message = st.deployment_state_message.as_deref()?.trim();
            (!message.is_empty()).then(|| {
                let line = format!("{}: {}", escaped(&e.name), escaped(message));
                Line::styled(line, theme.style(role))
            })
        })
        .collect()
}

fn pending_diff(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    ep: &ServingEndpoint,
    diff: &[crate::ops::traffic::diff::DiffLine],
) {
    let theme = &state.theme;
    let pending = ep.pending_config.as_ref();
    let version = pending
        .and_then(|p| p.config_version)
        .map_or_else(String::new, |v| format!(" v{v}"));
    let since = pending
        .and_then(|p| p.start_time)
        .map_or_else(String::new, |t| {
            format!(", started {}", format::ago(state.now_ms, Some(t)))
        });
    let mut lines = vec![Line::styled(
        format!("update in progress: pending config{version}{since}"),
        theme.style(Role::Warn),
    )];
    for d in diff {
        let (mark, role) = match d.mark {
            Mark::Same => ("  ", Role::Muted),
            Mark::Removed => ("- ", Role::Error),
            Mark::Added => ("+ ", Role::Ok),
        };
        lines.push(Line::styled(
            format!("{mark}{}", escaped(&d.text)),
            theme.style(role),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn live_charts(frame: &mut Frame, area: Rect, state: &State) {
    if area.height < 4 {
        return;
    }
    let [a, b, c] = Layout::horizontal([Constraint::Fill(1); 3]).areas(area);
    let buckets = live_series::buckets_for(a.width);
    let specs = endpoint_charts(
        &state.serving,
        state.endpoint_history(),
        &state.theme,
        buckets,
    );
    let window = format::duration(state.serving.window_ms());
    for (spec, r) in specs.iter().zip([a, b, c]) {
        let title = super::cut::text(
            &format!(" {} · {window} ", escaped(&spec.title)),
            usize::from(r.width.saturating_sub(2)),
            super::cut::mark(state.session.ascii),
        );
        let block = panel(state, title, false);
        let inner = block.inner(r);
        frame.render_widget(block, r);
        chart::render(frame, inner, state, Some(spec), "waiting for two scrapes…");
    }
}
