//! `mlops-console quality TABLE [--json]`: the model quality metrics of a monitored table per
//! model version: the latest value of each metric and its change against the version's first
//! windows. The metrics are the ones the profile metrics table has (`ops::quality`). Each
//! version is linked to its registered model version and the served entity serving it with its
//! traffic share (`ops::monitors::link`), or the output says why nothing links the table.

use std::path::Path;

use clap::Args;

use crate::api::Client;
use crate::api::sql_fixed::TableName;
use crate::config::{AppConfig, Resolved};
use crate::ops::monitors::link::{TableLinks, UNLINKED, link_table};
use crate::ops::quality::{QualityReport, QualityRequest, load_quality};
use crate::ops::sql::Waiter;

use super::drift::{failed, pick_warehouse};
use super::{exit, output, table};

#[derive(Debug, Clone, Args)]
pub struct QualityArgs {
    /// The monitored table (its profile table is TABLE_profile_metrics) or the profile metrics
    /// table itself, as catalog.schema.table.
    pub table: String,
    /// The profile metrics table, when it is not TABLE_profile_metrics.
    #[arg(long, value_name = "TABLE")]
    pub metrics_table: Option<String>,
    /// The monitor's model id column (detected when not given).
    #[arg(long, value_name = "COLUMN")]
    pub model_id_col: Option<String>,
    /// Also the all-versions rows (`*`).
    #[arg(long)]
    pub all: bool,
    /// SQL warehouse id (default: the profile's warehouse_id, else the first running one).
    #[arg(long, value_name = "ID")]
    pub warehouse: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn request(args: &QualityArgs) -> Result<QualityRequest, String> {
    let t = TableName::parse(&args.table).map_err(|e| e.to_string())?;
    let mut req = match &args.metrics_table {
        Some(m) => QualityRequest::new(TableName::parse(m).map_err(|e| e.to_string())?),
        None if t.table.as_str().ends_with("_profile_metrics") => QualityRequest::new(t),
        None => QualityRequest::for_monitored(&t).map_err(|e| e.to_string())?,
    };
    req.model_id_col = args.model_id_col.clone();
    req.include_all = args.all;
    Ok(req)
}

/// The monitored table the versions are linked through: TABLE, or the table a profile
/// metrics table given alone belongs to.
fn monitored(args: &QualityArgs) -> String {
    let t = args.table.trim();
    match (&args.metrics_table, t.strip_suffix("_profile_metrics")) {
        (None, Some(base)) if !base.ends_with('.') => base.to_string(),
        _ => t.to_string(),
    }
}

pub async fn run(client: &Client, resolved: &Resolved, config: &Path, args: &QualityArgs) -> i32 {
    let req = match request(args) {
        Ok(r) => r,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::USAGE;
        }
    };
    let settings = match AppConfig::load(config) {
        Ok(c) => c.monitoring,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::CONFIG;
        }
    };
    let warehouse = match pick_warehouse(client, resolved, args.warehouse.as_deref()).await {
        Ok(w) => w,
        Err(code) => return code,
    };
    let report = match load_quality(client, &warehouse, &req, &mut Waiter::real()).await {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    let links = link_table(client, &settings, &monitored(args)).await;
    if args.json {
        output::json(&json(&report, &links));
    } else {
        output::listing("model versions", report.versions.len(), || {
            text(&report, &links)
        });
        if !links.is_linked() {
            output::eprint_line(&format!("note: {UNLINKED}"));
        }
    }
    for n in &links.notes {
        output::eprint_line(&format!("note: {n}"));
    }
    exit::OK
}

/// The report, each version with its `link` (model, version, endpoint, entity, traffic), and
/// the table's linked endpoints (`unlinked` says why there are none).
fn json(r: &QualityReport, links: &TableLinks) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    if let Some(versions) = v.get_mut("versions").and_then(|x| x.as_array_mut()) {
        for (out, q) in versions.iter_mut().zip(&r.versions) {
            if let Some(o) = out.as_object_mut() {
                let link = serde_json::to_value(links.version(&q.version)).unwrap_or_default();
                o.insert("link".into(), link);
            }
        }
    }
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "endpoints".into(),
            serde_json::to_value(&links.endpoints).unwrap_or_default(),
        );
        if !links.is_linked() {
            o.insert("unlinked".into(), UNLINKED.into());
        }
    }
    v
}

fn text(r: &QualityReport, links: &TableLinks) -> String {
    let mut header = vec![
        "VERSION",
        "MODEL · SERVED BY",
        "WINDOWS",
        "LAST WINDOW",
        "COUNT",
    ];
    header.extend(r.metrics.iter().map(|m| m.name.as_str()));
    let rows: Vec<Vec<String>> = r
        .versions
        .iter()
        .map(|v| {
            let last = v.points.last();
            let mut row = vec![
                v.version.clone(),
                links.version(&v.version).label(),
                v.points.len().to_string(),
                last.map_or("-".into(), |p| r.windows[p.window].label()),
                last.and_then(|p| p.count)
                    .map_or("-".into(), |c| c.to_string()),
            ];
            for (latest, change) in v.latest.iter().zip(&v.change) {
                row.push(match (latest, change) {
                    (Some(l), Some(c)) => format!("{l:.3} ({c:+.3})"),
                    (Some(l), None) => format!("{l:.3}"),
                    _ => "-".into(),
                });
            }
            row
        })
        .collect();
    format!(
        "{}: latest value per version (change against its first windows)\n{}",
        r.table,
        table::render(&header, &rows)
    )
}
