//! One serving endpoint: state and config version, the traffic bar, the served entities with
//! their live numbers, `pending_config` against `config` while an update runs, and the live
//! charts (requests/s of every entity; latency and errors of the selected one).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

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
        let line = load_state_line(state, &s.endpoint)
            .unwrap_or_else(|| Line::styled("loading…", state.theme.style(Role::Muted)));
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
    let problems = deployment_problems(state, ep);
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
    live_charts(frame, charts, state);
}

/// The endpoint's last change in the journal on this workspace: what `b` rolls back.
fn last_change(state: &State, ep: &ServingEndpoint) -> Option<Line<'static>> {
    let theme = &state.theme;
    let journal = state.audit.journal.data.as_ref()?;
    let target = Target::Endpoint {
        name: ep.name.clone(),
    };
    let e = journal
        .entries
        .iter()
        .filter(|e| e.attempt.target == target && e.attempt.host == state.session.host)
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
    let s = &state.serving;
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
    if let Some(line) = load_state_line(state, &s.metrics) {
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
    second.push(Span::styled(
        format!(" {}", escaped(&split.describe())),
        theme.style(Role::Text),
    ));
    if names.len() > 1 {
        second.push(Span::styled(
            format!(" ({})", shares_text(&split, names)),
            theme.style(Role::Muted),
        ));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    lines.extend(last);
    frame.render_widget(Paragraph::new(lines), area);
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
    let g = glyphs(state.session.ascii);
    let s = &state.serving;
    let split = Split::of_endpoint(ep);
    let config = ep.config.as_ref();
    let rows: Vec<Row> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let e = config.and_then(|c| c.served_entities.iter().find(|e| &e.name == name));
            let w = s.history.window(name, TABLE_WINDOW_MS);
            let deployment = e
                .and_then(|e| e.state.as_ref())
                .and_then(|st| st.deployment.as_ref())
                .map(|d| d.as_str().trim_start_matches("DEPLOYMENT_").to_lowercase())
                .unwrap_or_default();
            let pct = |x: f64| crate::safe_text::percent(x, 1);
            Row::new(vec![
                Cell::from(Span::styled(
                    escaped(name),
                    ratatui::style::Style::default().fg(theme.series(i)),
                )),
                Cell::from(text(e.and_then(|e| e.entity_name.as_deref()))),
                Cell::from(text(e.and_then(|e| e.entity_version.as_deref()))),
                Cell::from(text(e.and_then(|e| e.workload_size.as_deref()))),
                Cell::from(match e.and_then(|e| e.scale_to_zero_enabled) {
                    Some(true) => "yes",
                    _ => "no",
                }),
                Cell::from(deployment),
                Cell::from(format!("{}%", split.percent(name))),
                Cell::from(num(w.as_ref().map(|w| w.requests_per_s))),
                Cell::from(num(w.as_ref().and_then(|w| w.latency.map(|l| l.p50)))),
                Cell::from(num(w.as_ref().and_then(|w| w.latency.map(|l| l.p99)))),
                Cell::from(w.as_ref().map_or("-".into(), |w| pct(w.ratio_4xx))),
                Cell::from(w.as_ref().map_or("-".into(), |w| pct(w.ratio_5xx))),
            ])
        })
        .collect();
    let header = Row::new(vec![
        "Entity", "Model", "Ver", "Size", "s2z", "State", "Traffic", "req/s", "p50ms", "p99ms",
        "4xx", "5xx",
    ])
    .style(theme.style(Role::Header));
    let widths = [
        Constraint::Fill(3),
        Constraint::Fill(3),
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(3),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(6),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.style(Role::Selected))
        .highlight_symbol(g.selected);
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
    let specs = endpoint_charts(&state.serving, &state.theme, buckets);
    let window = format::duration(state.serving.window_ms());
    for (spec, r) in specs.iter().zip([a, b, c]) {
        let block = panel(
            state,
            format!(" {} · {window} ", escaped(&spec.title)),
            false,
        );
        let inner = block.inner(r);
        frame.render_widget(block, r);
        chart::render(frame, inner, state, Some(spec), "waiting for two scrapes…");
    }
}
