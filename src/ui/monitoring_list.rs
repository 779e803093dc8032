//! Monitoring screen: the monitors found (screen 6's list) and one monitor — its kind and
//! columns, status and failure message, schedule, metric tables, refresh history — as the
//! third view of a monitored table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::api::models::monitors::{Monitor, MonitorKind, MonitorStatus, Refresh, RefreshState};
use crate::app::State;
use crate::app::format;
use crate::app::screens::monitoring::MonitoringState;
use crate::ops::monitors::{MonitorRow, Source};
use crate::theme::Role;

use super::columns::{Column, FitRow};
use super::table::{ListScreen, render as render_list};
use super::widgets::{escaped, load_state_line, panel};

fn status_role(s: Option<&MonitorStatus>) -> Role {
    match s {
        Some(MonitorStatus::Active) => Role::Ok,
        Some(MonitorStatus::Pending) => Role::Info,
        Some(MonitorStatus::Error | MonitorStatus::Failed) => Role::Error,
        _ => Role::Muted,
    }
}

fn refresh_role(s: &RefreshState) -> Role {
    match s {
        RefreshState::Success => Role::Ok,
        RefreshState::Pending | RefreshState::Running => Role::Info,
        RefreshState::Failed => Role::Error,
        _ => Role::Muted,
    }
}

fn sources(r: &MonitorRow) -> String {
    r.sources
        .iter()
        .map(|s| match s {
            Source::Config => "config".to_string(),
            Source::Endpoint { endpoint } => format!("endpoint {endpoint}"),
            Source::MetricTables => "metric tables".to_string(),
            Source::Remembered => "found before".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn schedule(m: &Monitor) -> String {
    match &m.schedule {
        None => "no schedule".to_string(),
        Some(s) => {
            let cron = s.cron.as_deref().unwrap_or("?");
            match s.pause_status.as_deref() {
                Some("PAUSED") => format!("PAUSED {cron}"),
                _ => cron.to_string(),
            }
        }
    }
}

/// Screen 6's top level.
pub fn list(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let m = &state.monitoring;
    let rows: Vec<FitRow> = m
        .visible_monitors()
        .iter()
        .map(|r| {
            let (kind, status, role, sched, tables) = match (&r.monitor, &r.error) {
                (Some(mon), _) => (
                    mon.kind.label().to_string(),
                    mon.status
                        .as_ref()
                        .map_or("?".into(), |s| s.as_str().to_string()),
                    status_role(mon.status.as_ref()),
                    schedule(mon),
                    if mon.metric_tables_ready() {
                        "ready".to_string()
                    } else {
                        "not created yet".to_string()
                    },
                ),
                (None, Some(e)) => (
                    String::new(),
                    e.clone(),
                    Role::Error,
                    String::new(),
                    String::new(),
                ),
                (None, None) if m.monitors.data.is_none() => (
                    String::new(),
                    "reading…".into(),
                    Role::Muted,
                    String::new(),
                    String::new(),
                ),
                (None, None) => (
                    String::new(),
                    "no monitor".into(),
                    Role::Muted,
                    String::new(),
                    String::new(),
                ),
            };
            FitRow::new(vec![
                Line::from(escaped(&r.table)),
                Line::from(kind),
                Line::styled(escaped(&status), t.style(role)),
                Line::from(escaped(&sched)),
                Line::from(tables),
                Line::styled(escaped(&sources(r)), t.style(Role::Muted)),
            ])
        })
        .collect();
    let notes: Vec<Line<'static>> = m
        .monitors
        .data
        .iter()
        .flat_map(|d| d.notes.iter())
        .map(|n| Line::styled(escaped(n), t.style(Role::Warn)))
        .collect();
    let total = m
        .monitors
        .data
        .as_ref()
        .map_or(m.remembered.len(), |d| d.rows.len());
    render_list(
        frame,
        area,
        state,
        ListScreen {
            title: "Monitors",
            remote: &m.monitors,
            view: &m.monitors_view,
            total,
            columns: vec![
                Column::text("Table", 9).min(16).fill(2),
                Column::text("Kind", 6).min(8).max(14),
                Column::text("Status", 8).min(8).max(40),
                Column::text("Schedule", 4).max(24),
                Column::text("Metric tables", 7).min(8).max(16),
                Column::text("Found by", 3).max(40).fill(1),
            ],
            rows,
            empty: "no monitors found: name tables in [monitoring] tables of config.toml",
            notes,
        },
    );
}

fn facts(state: &State, m: &Monitor) -> Vec<Line<'static>> {
    let t = &state.theme;
    let row = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k:<16}"), t.style(Role::Muted)),
            Span::styled(escaped(&v), t.style(Role::Text)),
        ])
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<16}", "status"), t.style(Role::Muted)),
        Span::styled(
            m.status
                .as_ref()
                .map_or("?".into(), |s| s.as_str().to_string()),
            t.style(status_role(m.status.as_ref())),
        ),
    ])];
    if let Some(f) = &m.failure_message {
        lines.push(Line::styled(escaped(f), t.style(Role::Error)));
    }
    lines.push(row("kind", m.kind.label().to_string()));
    match &m.kind {
        MonitorKind::InferenceLog {
            problem_type,
            prediction_column,
            label_column,
            model_id_column,
            timestamp_column,
            granularities,
            ..
        } => {
            let or = |c: &Option<String>| c.clone().unwrap_or_else(|| "-".into());
            lines.push(row(
                "problem type",
                problem_type
                    .as_ref()
                    .map_or("-".into(), |p| p.as_str().to_lowercase()),
            ));
            lines.push(row(
                "columns",
                format!(
                    "prediction {}, label {}, model id {}, timestamp {}",
                    or(prediction_column),
                    or(label_column),
                    or(model_id_column),
                    or(timestamp_column)
                ),
            ));
            lines.push(row("windows", granularities.join(", ")));
        }
        MonitorKind::TimeSeries {
            timestamp_column,
            granularities,
        } => {
            lines.push(row(
                "timestamp",
                timestamp_column.clone().unwrap_or_default(),
            ));
            lines.push(row("windows", granularities.join(", ")));
        }
        MonitorKind::Snapshot | MonitorKind::Unknown => {}
    }
    lines.push(row("schedule", schedule(m)));
    let table = |t: &Option<String>| t.clone().unwrap_or_else(|| "not created yet".into());
    lines.push(row("profile table", table(&m.profile_metrics_table)));
    lines.push(row("drift table", table(&m.drift_metrics_table)));
    if let Some(b) = &m.baseline_table {
        lines.push(row("baseline", b.clone()));
    }
    if !m.slicing_exprs.is_empty() {
        lines.push(row("slices", m.slicing_exprs.join(", ")));
    }
    lines.push(row("api", m.api.as_str().to_string()));
    lines
}

fn refresh_line(state: &State, r: &Refresh, selected: bool) -> Line<'static> {
    let t = &state.theme;
    let mut spans = vec![
        Span::styled(
            format!("{:<8}", r.refresh_id),
            t.style(if selected { Role::Selected } else { Role::Text }),
        ),
        Span::styled(
            format!("{:<10}", r.state.as_str()),
            t.style(refresh_role(&r.state)),
        ),
        Span::styled(
            format!(
                "{:<10}",
                r.trigger
                    .as_ref()
                    .map_or("-".into(), |t| t.as_str().to_lowercase())
            ),
            t.style(Role::Muted),
        ),
        Span::styled(
            format!(
                "{:<18}{:<18}",
                format::datetime_short(r.start_time_ms),
                format::datetime_short(r.end_time_ms)
            ),
            t.style(Role::Text),
        ),
    ];
    if let Some(msg) = &r.message {
        spans.push(Span::styled(escaped(msg), t.style(Role::Muted)));
    }
    Line::from(spans)
}

/// The third view of a monitored table: the monitor and its refreshes.
pub fn monitor_tab(frame: &mut Frame, area: Rect, state: &State, m: &MonitoringState) {
    let t = &state.theme;
    let Some(detail) = m.monitor() else {
        let line = match &m.detail.data {
            Some(None) => Line::styled("this table has no monitor", t.style(Role::Muted)),
            _ => load_state_line(state, &m.detail)
                .unwrap_or_else(|| Line::styled("reading the monitor…", t.style(Role::Muted))),
        };
        let block = panel(state, " Monitor ", false);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(line), inner);
        return;
    };
    let mut lines = facts(state, &detail.monitor);
    if let Some(done) = &m.last {
        let role = if done.outcome == Some(crate::ops::journal::Outcome::Ok) {
            Role::Ok
        } else {
            Role::Error
        };
        lines.push(Line::styled(
            format!(
                "last change: {} — {}",
                done.change.what(),
                escaped(&done.message)
            ),
            t.style(role),
        ));
    }
    let [top, bottom] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(area);
    let block = panel(
        state,
        format!(" Monitor of {} ", escaped(&detail.monitor.table)),
        false,
    );
    let inner = block.inner(top);
    frame.render_widget(block, top);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    let block = panel(state, " Refreshes, newest first ", true);
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    let mut rows = vec![Line::styled(
        format!(
            "{:<8}{:<10}{:<10}{:<18}{:<18}message",
            "id", "state", "trigger", "start", "end"
        ),
        t.style(Role::Header),
    )];
    let view = &m.refreshes_view;
    rows.extend(
        detail
            .refreshes
            .iter()
            .enumerate()
            .skip(view.offset)
            .map(|(i, r)| refresh_line(state, r, i == view.selected)),
    );
    if let Some(e) = &detail.refreshes_error {
        rows.push(Line::styled(
            format!("refreshes: {}", escaped(e)),
            t.style(Role::Error),
        ));
    }
    frame.render_widget(Paragraph::new(rows), inner);
}
