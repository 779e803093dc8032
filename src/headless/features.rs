//! `mlops-console features`: the feature tables (`ops::features::list`) as a table or JSON.
//! Reads only; exit 0 when the list was read (notes on stderr say what was not), else the
//! error's code.

use crate::api::Client;
use crate::config::features::FeaturesSettings;
use crate::ops::features::freshness::age_text;
use crate::ops::features::{self, FeatureRow};

use super::table::{render, timestamp};
use super::{exit, output};

fn keys(r: &FeatureRow) -> String {
    let ts = r.timeseries_keys.iter().map(|k| format!("{k} (time)"));
    r.entity_keys
        .iter()
        .cloned()
        .chain(ts)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `2h 5m / 24h STALE`, `? / 24h` when unknown.
pub fn freshness_text(f: &features::Freshness) -> String {
    let age = f.age_ms.map_or("?".to_string(), age_text);
    let mut t = format!("{age} / {}", age_text(f.sla_ms));
    match f.stale {
        Some(true) => t.push_str(" STALE"),
        None => t.push_str(" unknown"),
        Some(false) => {}
    }
    t
}

fn online_text(r: &FeatureRow) -> String {
    if r.online.is_empty() {
        return "-".into();
    }
    r.online
        .iter()
        .map(|o| {
            let mut t = o.name.rsplit('.').next().unwrap_or(&o.name).to_string();
            if o.legacy {
                t.push_str(" (legacy)");
            }
            if o.sync_failed {
                t.push_str(" FAILED");
            } else if !o.first_sync_done {
                t.push_str(" first sync running");
            } else if let Some(l) = o.lag_ms {
                t.push_str(&format!(" lag {}", age_text(l)));
            }
            t
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn models_text(r: &FeatureRow) -> String {
    match r.models.models {
        None => "?".into(),
        Some(n) => n.to_string(),
    }
}

fn row(r: &FeatureRow) -> Vec<String> {
    vec![
        r.table.clone(),
        keys(r),
        r.columns.to_string(),
        r.owner.clone().unwrap_or_else(|| "-".into()),
        timestamp(r.last_modified_ms),
        freshness_text(&r.freshness),
        online_text(r),
        r.monitor.clone(),
        models_text(r),
    ]
}

/// `features [--json]` as of `now_ms`.
pub async fn list(
    client: &Client,
    settings: &FeaturesSettings,
    json_out: bool,
    now_ms: i64,
) -> i32 {
    let found = match features::list(client, settings, now_ms).await {
        Ok(f) => f,
        Err(e) => {
            crate::eprintln_escaped!("error: feature tables not read: {e}");
            return exit::for_api_error(&e);
        }
    };
    if json_out {
        output::json(&found);
    } else {
        let rows: Vec<Vec<String>> = found.rows.iter().map(row).collect();
        output::listing("feature tables", rows.len(), || {
            render(
                &[
                    "TABLE",
                    "KEYS",
                    "COLS",
                    "OWNER",
                    "MODIFIED",
                    "AGE / SLA",
                    "ONLINE",
                    "MONITOR",
                    "MODELS",
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
