//! `mlops-console monitors` and `monitor TABLE`: the monitors found without a list call
//! (`ops::monitors::discover`) and one monitor in full with its refresh history. Reads only.

use std::path::Path;

use serde_json::json;

use crate::api::Client;
use crate::api::models::monitors::{Monitor, MonitorKind, Refresh};
use crate::config::monitoring::MonitoringSettings;
use crate::ops::Workspace;
use crate::ops::monitors::{self, MonitorDetail, MonitorMemory, MonitorRow, Source};

use super::table::{render, timestamp};
use super::{exit, output};

/// The memory of the workspace `client` talks to.
pub async fn memory(client: &Client, data_dir: &Path) -> MonitorMemory {
    MonitorMemory::for_workspace(data_dir, &Workspace::of(client).await)
}

fn sources(s: &[Source]) -> String {
    s.iter()
        .map(|s| match s {
            Source::Config => "config".to_string(),
            Source::Endpoint { endpoint } => format!("endpoint {endpoint}"),
            Source::MetricTables => "metric tables".to_string(),
            Source::Remembered => "remembered".to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `0 0 6 * * ? (UTC)`, `(paused)` added when paused, or `no schedule`.
pub fn schedule(m: &Monitor) -> String {
    match &m.schedule {
        None => "no schedule".to_string(),
        Some(s) => {
            let mut text = s.cron.clone().unwrap_or_else(|| "?".into());
            if let Some(tz) = &s.timezone {
                text.push_str(&format!(" ({tz})"));
            }
            if s.pause_status.as_deref() == Some("PAUSED") {
                text.push_str(" paused");
            }
            text
        }
    }
}

/// The metric tables, or that they are not created yet.
pub fn metric_tables(m: &Monitor) -> String {
    if m.profile_metrics_table.is_none() && m.drift_metrics_table.is_none() {
        return "metric tables not created yet".to_string();
    }
    let t = |n: &Option<String>| n.clone().unwrap_or_else(|| "(not created yet)".into());
    format!(
        "{}, {}",
        t(&m.profile_metrics_table),
        t(&m.drift_metrics_table)
    )
}

fn status(m: &Monitor) -> String {
    m.status
        .as_ref()
        .map_or_else(|| "-".to_string(), |s| s.to_string())
}

fn row(r: &MonitorRow) -> Vec<String> {
    match (&r.monitor, &r.error) {
        (Some(m), _) => vec![
            r.table.clone(),
            m.kind.label().to_string(),
            status(m),
            schedule(m),
            metric_tables(m),
            m.api.as_str().to_string(),
            sources(&r.sources),
        ],
        (None, Some(e)) => vec![
            r.table.clone(),
            "-".into(),
            format!("error: {e}"),
            "-".into(),
            "-".into(),
            "-".into(),
            sources(&r.sources),
        ],
        (None, None) => vec![
            r.table.clone(),
            "-".into(),
            "no monitor".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            sources(&r.sources),
        ],
    }
}

/// `monitors [--json]`.
pub async fn list(
    client: &Client,
    settings: &MonitoringSettings,
    data_dir: &Path,
    json_out: bool,
) -> i32 {
    let memory = memory(client, data_dir).await;
    let found = monitors::discover(client, settings, Some(&memory)).await;
    if json_out {
        output::json(&found);
    } else {
        let rows: Vec<Vec<String>> = found.rows.iter().map(row).collect();
        output::listing("monitors", rows.len(), || {
            render(
                &[
                    "TABLE", "KIND", "STATUS", "SCHEDULE", "METRICS", "API", "FOUND BY",
                ],
                &rows,
            )
        });
    }
    for n in &found.notes {
        output::eprint_line(&format!("note: {n}"));
    }
    exit::OK
}

fn kind_lines(k: &MonitorKind) -> Vec<(String, String)> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    match k {
        MonitorKind::InferenceLog {
            problem_type,
            prediction_column,
            label_column,
            model_id_column,
            timestamp_column,
            prediction_proba_column,
            granularities,
        } => {
            let mut v = vec![
                (
                    "problem".into(),
                    problem_type
                        .as_ref()
                        .map_or("-".into(), |p| p.to_string().to_lowercase()),
                ),
                ("prediction".into(), opt(prediction_column)),
                ("label".into(), opt(label_column)),
                ("model id".into(), opt(model_id_column)),
                ("timestamp".into(), opt(timestamp_column)),
            ];
            if prediction_proba_column.is_some() {
                v.push(("proba".into(), opt(prediction_proba_column)));
            }
            v.push(("windows".into(), granularities.join(", ")));
            v
        }
        MonitorKind::TimeSeries {
            timestamp_column,
            granularities,
        } => vec![
            ("timestamp".into(), opt(timestamp_column)),
            ("windows".into(), granularities.join(", ")),
        ],
        MonitorKind::Snapshot | MonitorKind::Unknown => Vec::new(),
    }
}

fn refresh_row(r: &Refresh) -> Vec<String> {
    let duration = match (r.start_time_ms, r.end_time_ms) {
        (Some(s), Some(e)) if e >= s => super::runview::duration(e - s),
        _ => "-".into(),
    };
    vec![
        r.refresh_id.to_string(),
        r.state.to_string(),
        r.trigger
            .as_ref()
            .map_or_else(|| "-".into(), |t| t.to_string()),
        timestamp(r.start_time_ms),
        timestamp(r.end_time_ms),
        duration,
        r.message.clone().unwrap_or_default(),
    ]
}

/// The detail as text.
pub fn render_detail(d: &MonitorDetail) -> String {
    let m = &d.monitor;
    let mut lines: Vec<(String, String)> = vec![
        ("table".into(), m.table.clone()),
        ("kind".into(), m.kind.label().into()),
    ];
    lines.extend(kind_lines(&m.kind));
    lines.push(("status".into(), status(m)));
    if let Some(f) = &m.failure_message {
        lines.push(("failure".into(), f.clone()));
    }
    lines.push(("schedule".into(), schedule(m)));
    lines.push(("metrics".into(), metric_tables(m)));
    if let Some(b) = &m.baseline_table {
        lines.push(("baseline".into(), b.clone()));
    }
    if !m.slicing_exprs.is_empty() {
        lines.push(("slices".into(), m.slicing_exprs.join(", ")));
    }
    lines.push(("api".into(), m.api.as_str().into()));
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut text: String = lines
        .iter()
        .map(|(k, v)| format!("{k:<width$}  {v}\n"))
        .collect();
    text.push('\n');
    if let Some(e) = &d.refreshes_error {
        text.push_str(&format!("refreshes could not be read: {e}\n"));
    } else if d.refreshes.is_empty() {
        text.push_str("no refreshes yet\n");
    } else {
        let rows: Vec<Vec<String>> = d.refreshes.iter().map(refresh_row).collect();
        text.push_str(&render(
            &[
                "REFRESH", "STATE", "TRIGGER", "START", "END", "DURATION", "MESSAGE",
            ],
            &rows,
        ));
    }
    text
}

/// `monitor TABLE [--json]`: exit 3 when the table does not exist or has no monitor.
pub async fn show(client: &Client, data_dir: &Path, table: &str, json_out: bool) -> i32 {
    let prefer = memory(client, data_dir)
        .await
        .load()
        .ok()
        .and_then(|r| r.api);
    match monitors::read_detail(client, table, prefer).await {
        Ok(Some(d)) => {
            if json_out {
                output::json(&d);
            } else {
                output::print(&render_detail(&d));
            }
            exit::OK
        }
        Ok(None) => {
            if json_out {
                output::json(&json!({ "table": table, "monitor": null }));
            }
            crate::eprintln_escaped!("error: {table} has no monitor");
            exit::NOT_FOUND
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}
