//! `mlops-console feature TABLE`: one feature table — keys, columns, freshness, Delta versions,
//! online tables, the producing job. With `--max-age` it is a pipeline gate: exit 7 when the
//! last write is older, 1 when its age is unknown, 0 when fresh enough.

use serde::Serialize;

use crate::api::Client;
use crate::config::drift::DriftSettings;
use crate::config::features::FeaturesSettings;
use crate::ops::feature_monitoring::{self as fm, FeatureMonitoring};
use crate::ops::features::detail::{DetailError, DetailInputs, FeatureDetail};
use crate::ops::features::freshness::age_text;
use crate::ops::sql::Waiter;

use super::features::freshness_text;
use super::features_args::FeatureArgs;
use super::table::{render, timestamp};
use super::{exit, output};

/// What `feature --json` prints: the detail, and the gate's verdict when `--max-age` was given.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    detail: &'a FeatureDetail,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<Gate>,
    /// Per feature: null rate and drift from the table's monitor.
    monitoring: &'a FeatureMonitoring,
}

#[derive(Serialize)]
struct Gate {
    max_age_ms: i64,
    /// `None`: the age is unknown.
    passed: Option<bool>,
}

fn text(d: &FeatureDetail) -> String {
    let mut lines: Vec<(String, String)> = vec![("table".into(), d.table.clone())];
    if let Some(c) = &d.comment {
        lines.push(("comment".into(), c.clone()));
    }
    lines.push((
        "owner".into(),
        d.owner.clone().unwrap_or_else(|| "-".into()),
    ));
    lines.push(("keys".into(), d.entity_keys.join(", ")));
    if !d.timeseries_keys.is_empty() {
        lines.push(("timeseries".into(), d.timeseries_keys.join(", ")));
    }
    let f = &d.freshness;
    lines.push((
        "freshness".into(),
        format!(
            "last write {} ({}), {}",
            timestamp(f.last_write_ms),
            match f.source {
                crate::ops::features::freshness::WriteSource::UpdatedAt => "updated_at",
                crate::ops::features::freshness::WriteSource::DeltaHistory => "Delta history",
            },
            freshness_text(f)
        ),
    ));
    lines.push(("monitor".into(), d.monitor.clone()));
    let models = match d.models.models {
        None => "not read".to_string(),
        Some(0) => "none".to_string(),
        Some(_) => d
            .models
            .versions
            .iter()
            .map(|(m, v)| {
                let v: Vec<String> = v.iter().map(|n| format!("v{n}")).collect();
                format!("{m} {}", v.join(","))
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    lines.push(("models".into(), models));
    lines.push((
        "job".into(),
        match &d.producing_job {
            None => "no producing job found".into(),
            Some(j) => {
                let name = j.name.clone().unwrap_or_else(|| j.job_id.to_string());
                let last = j.last_run.as_ref().map_or("no runs".to_string(), |r| {
                    format!(
                        "last run {} {} at {}",
                        r.run_id,
                        r.state,
                        timestamp(r.start_time)
                    )
                });
                format!("{name} (by {}), {last}", j.found_by)
            }
        },
    ));
    lines.push(("tags".into(), d.tags.text()));
    for (k, v) in &d.properties {
        lines.push((format!("property {k}"), v.clone()));
    }
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out: String = lines
        .iter()
        .map(|(k, v)| format!("{k:<width$}  {v}\n"))
        .collect();
    out.push('\n');
    let cols: Vec<Vec<String>> = d
        .columns
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.type_text.clone().unwrap_or_default(),
                c.key.unwrap_or("").to_string(),
                c.comment.clone().unwrap_or_default(),
            ]
        })
        .collect();
    out.push_str(&render(&["COLUMN", "TYPE", "KEY", "COMMENT"], &cols));
    out.push('\n');
    if d.online.is_empty() {
        out.push_str("no online tables found\n");
    } else {
        let rows: Vec<Vec<String>> = d
            .online
            .iter()
            .map(|o| {
                vec![
                    o.name.clone(),
                    o.store.clone().unwrap_or_else(|| "-".into()),
                    o.uc_state.clone().unwrap_or_else(|| "-".into()),
                    o.sync_state.clone().unwrap_or_else(|| "-".into()),
                    if o.first_sync_done { "yes" } else { "no" }.into(),
                    o.mode.clone().unwrap_or_else(|| "-".into()),
                    timestamp(o.last_sync_end_ms),
                    o.lag_ms.map_or("-".into(), age_text),
                    if o.legacy { "legacy (deprecated)" } else { "" }.into(),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "ONLINE TABLE",
                "STORE",
                "UC STATE",
                "SYNC STATE",
                "SYNCED",
                "MODE",
                "LAST SYNC",
                "LAG",
                "",
            ],
            &rows,
        ));
    }
    out.push('\n');
    match &d.versions {
        None => out.push_str("Delta versions not read (see notes)\n"),
        Some(v) => {
            let rows: Vec<Vec<String>> = v
                .iter()
                .take(20)
                .map(|v| {
                    vec![
                        v.version.to_string(),
                        timestamp(v.timestamp_ms),
                        v.operation.clone(),
                        v.user.clone().unwrap_or_default(),
                        v.job_id.map_or(String::new(), |j| j.to_string()),
                        v.trained.join(", "),
                    ]
                })
                .collect();
            out.push_str(&render(
                &["VERSION", "TIME", "OPERATION", "WHO", "JOB", "TRAINED"],
                &rows,
            ));
        }
    }
    out.push_str(&trained_text(d));
    out
}

/// One line per model version using the table: the Delta version it was trained on and how
/// that is known (`≈`: inferred, the version current when its training run started).
fn trained_text(d: &FeatureDetail) -> String {
    use crate::ops::features::trained::TrainedHow;
    let mut out = String::new();
    for t in &d.trained {
        let what = match (t.how, t.delta_version) {
            (TrainedHow::Logged, Some(v)) => format!("version {v} (logged by its training run)"),
            (TrainedHow::Inferred, Some(v)) => {
                format!("≈ version {v} (inferred: latest at the training run's start)")
            }
            _ => format!("unknown ({})", t.why.as_deref().unwrap_or("-")),
        };
        out.push_str(&format!(
            "trained: {} v{} on {what}\n",
            crate::ops::feature_lineage::short_name(&t.model),
            t.version
        ));
    }
    out
}

/// `feature TABLE [--json] [--max-age AGE]` as of `now_ms`; `drift` judges the monitor's drift.
pub async fn show(
    client: &Client,
    settings: &FeaturesSettings,
    monitoring_warehouse: Option<&str>,
    drift: &DriftSettings,
    a: &FeatureArgs,
    now_ms: i64,
) -> i32 {
    let inputs = DetailInputs {
        settings,
        monitoring_warehouse,
        now_ms,
    };
    let d = match crate::ops::features::read_detail(client, inputs, &a.table, &mut Waiter::real())
        .await
    {
        Ok(d) => d,
        Err(DetailError::NotAFeatureTable(t)) => {
            crate::eprintln_escaped!("error: {t} has no primary key: it is not a feature table");
            return exit::NOT_FOUND;
        }
        Err(DetailError::Api(e)) => {
            crate::eprintln_escaped!("error: {}: {e}", a.table);
            return exit::for_api_error(&e);
        }
    };
    let keys: Vec<String> = d
        .entity_keys
        .iter()
        .chain(&d.timeseries_keys)
        .cloned()
        .collect();
    let inputs = fm::MonitoringInputs {
        warehouse_id: monitoring_warehouse,
        drift,
    };
    let monitoring = fm::read(client, inputs, &d.table, &keys, &Waiter::real).await;
    let gate = a.max_age.map(|max_age_ms| Gate {
        max_age_ms,
        passed: d.freshness.older_than(max_age_ms).map(|old| !old),
    });
    let code = match gate.as_ref().map(|g| g.passed) {
        None | Some(Some(true)) => exit::OK,
        Some(Some(false)) => exit::GATE_FAILED,
        Some(None) => exit::FAILURE,
    };
    if a.json {
        output::json(&Shown {
            detail: &d,
            gate,
            monitoring: &monitoring,
        });
    } else {
        let mut t = text(&d);
        t.push('\n');
        t.push_str(&super::feature_monitoring::text(&monitoring, now_ms));
        output::print(&t);
    }
    for n in &d.notes {
        output::eprint_line(&format!("note: {n}"));
    }
    match (code, a.max_age) {
        (exit::GATE_FAILED, Some(m)) => crate::eprintln_escaped!(
            "gate: {} last written {} ago, older than {}",
            d.table,
            d.freshness.age_ms.map_or("?".into(), age_text),
            age_text(m)
        ),
        (exit::FAILURE, Some(_)) => {
            crate::eprintln_escaped!("gate: the age of {}'s last write is unknown", d.table)
        }
        _ => {}
    }
    code
}
