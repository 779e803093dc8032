//! `mlops-console drift TABLE [--window W] [--baseline] [--slice KEY=VALUE] [--model-id V]
//! [--json]`: the features of a monitored table ranked by drift in one window (default the
//! latest), each with its worst statistic and severity against the `[drift]` thresholds.
//!
//! Exit 7 when any feature crosses a threshold (warning or critical) in that window, 0 when
//! none does (or there is no drift yet), 1 when it could not run (a failed statement, no
//! running warehouse — none is started).
//!
//! The warehouse is `--warehouse ID`, else the profile's `warehouse_id`, else the first running
//! one; which one is said on stderr.

use std::path::Path;

use clap::Args;
use serde_json::json;

use crate::api::Client;
use crate::api::models::sql::Warehouse;
use crate::api::sql_fixed::TableName;
use crate::config::{AppConfig, Resolved};
use crate::ops::drift::{
    DriftCell, DriftMatrix, DriftOutcome, DriftRequest, DriftType, FeatureDrift, ModelFilter,
    SliceFilter, Statistic, load_drift,
};
use crate::ops::metric_tables::MetricTableError;
use crate::ops::sql::{SqlError, Waiter, choose_warehouse};

use super::{exit, output, table};

#[derive(Debug, Clone, Args)]
pub struct DriftArgs {
    /// The monitored table (its drift table is TABLE_drift_metrics) or the drift metrics table
    /// itself, as catalog.schema.table.
    pub table: String,
    /// The window to judge: the start of one (a prefix such as 2026-12-01), or `latest`.
    #[arg(long, default_value = "latest")]
    pub window: String,
    /// Drift against the baseline table instead of the previous window.
    #[arg(long)]
    pub baseline: bool,
    /// One slice instead of the whole table.
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_slice)]
    pub slice: Option<(String, String)>,
    /// One model version instead of all together (`*`).
    #[arg(long, value_name = "VERSION")]
    pub model_id: Option<String>,
    /// The monitor's model id column (detected when not given).
    #[arg(long, value_name = "COLUMN")]
    pub model_id_col: Option<String>,
    /// The drift metrics table, when it is not TABLE_drift_metrics.
    #[arg(long, value_name = "TABLE")]
    pub metrics_table: Option<String>,
    /// SQL warehouse id (default: the profile's warehouse_id, else the first running one).
    #[arg(long, value_name = "ID")]
    pub warehouse: Option<String>,
    #[arg(long)]
    pub json: bool,
}

fn parse_slice(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, not {s:?}")),
    }
}

/// The warehouse of a monitoring read: `flag`, else the profile's `warehouse_id`, else the first
/// running one. Never starts one. Says which on stderr; on failure prints why and gives 1.
pub(crate) async fn pick_warehouse(
    client: &Client,
    resolved: &Resolved,
    flag: Option<&str>,
) -> Result<Warehouse, i32> {
    let from_profile = || {
        let cfg = crate::config::DatabricksCfg::load(&resolved.config_file).ok()??;
        let p = cfg.select(resolved.profile.as_deref()).ok()??;
        p.other.get("warehouse_id").cloned()
    };
    let (configured, source) = match flag {
        Some(id) => (Some(id.to_string()), "--warehouse"),
        None => match from_profile() {
            Some(id) => (Some(id), "the profile's warehouse_id"),
            None => (None, "the first running one"),
        },
    };
    match choose_warehouse(client, configured.as_deref()).await {
        Ok(w) => {
            crate::eprintln_escaped!("warehouse: {} ({}), {source}", w.name, w.id);
            Ok(w)
        }
        Err(e) => {
            let hint = match e {
                SqlError::WarehouseNotRunning { .. } | SqlError::NoRunningWarehouse { .. } => {
                    "; it is not started without asking: start it, or pass --warehouse"
                }
                _ => "",
            };
            crate::eprintln_escaped!("error: {e}{hint}");
            Err(match &e {
                SqlError::Api(api) => exit::for_api_error(api),
                _ => exit::FAILURE,
            })
        }
    }
}

/// Prints a read failure (the warehouse's message for a failed statement); 1, or the API's code.
pub(crate) fn failed(e: &MetricTableError) -> i32 {
    crate::eprintln_escaped!("error: {e}");
    match e {
        MetricTableError::Sql(SqlError::Api(api)) => exit::for_api_error(api),
        _ => exit::FAILURE,
    }
}

fn usage(message: &str) -> i32 {
    crate::eprintln_escaped!("error: {message}");
    exit::USAGE
}

/// The request for `args`: TABLE is the drift table when it ends in `_drift_metrics` or
/// `--metrics-table` names another.
fn request(args: &DriftArgs) -> Result<DriftRequest, String> {
    let t = TableName::parse(&args.table).map_err(|e| e.to_string())?;
    let mut req = match &args.metrics_table {
        Some(m) => {
            let mut r = DriftRequest::new(TableName::parse(m).map_err(|e| e.to_string())?);
            r.monitored = Some(t);
            r
        }
        None if t.table.as_str().ends_with("_drift_metrics") => DriftRequest::new(t),
        None => DriftRequest::for_monitored(t).map_err(|e| e.to_string())?,
    };
    req.drift_type = if args.baseline {
        DriftType::Baseline
    } else {
        DriftType::Consecutive
    };
    if let Some((key, value)) = &args.slice {
        req.slice = SliceFilter::Slice {
            key: key.clone(),
            value: value.clone(),
        };
    }
    if let Some(v) = args.model_id.as_deref().filter(|v| *v != "*") {
        req.model = ModelFilter::Version(v.to_string());
    }
    req.model_id_col = args.model_id_col.clone();
    Ok(req)
}

/// The index of the window `spec` names in `m`.
fn window_index(m: &DriftMatrix, spec: &str) -> Result<usize, String> {
    let spec = spec.trim();
    if spec.eq_ignore_ascii_case("latest") {
        return m
            .windows
            .len()
            .checked_sub(1)
            .ok_or_else(|| "no windows for this slice, model and drift type".to_string());
    }
    let hits: Vec<usize> = (0..m.windows.len())
        .filter(|i| m.windows[*i].start.starts_with(spec))
        .collect();
    match hits.as_slice() {
        [i] => Ok(*i),
        [] => Err(format!("no window starts with {spec:?}")),
        _ => Err(format!("{} windows start with {spec:?}", hits.len())),
    }
}

pub async fn run(client: &Client, resolved: &Resolved, config: &Path, args: &DriftArgs) -> i32 {
    let req = match request(args) {
        Ok(r) => r,
        Err(e) => return usage(&e),
    };
    let settings = match AppConfig::load(config) {
        Ok(c) => c.drift,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::CONFIG;
        }
    };
    let warehouse = match pick_warehouse(client, resolved, args.warehouse.as_deref()).await {
        Ok(w) => w,
        Err(code) => return code,
    };
    let outcome = match load_drift(client, &warehouse, &req, &settings, &mut Waiter::real()).await {
        Ok(o) => o,
        Err(e) => return failed(&e),
    };
    let m = match outcome {
        DriftOutcome::Matrix(m) => m,
        DriftOutcome::NoDriftYet { table, warehouse } => {
            if args.json {
                output::json(&json!({
                    "state": "no_drift_yet",
                    "table": table,
                    "warehouse": warehouse,
                    "message": DriftOutcome::NO_DRIFT_YET,
                    "crossed": false,
                }));
            } else {
                crate::eprintln_escaped!("{table}: {}", DriftOutcome::NO_DRIFT_YET);
            }
            return exit::OK;
        }
    };
    let i = match window_index(&m, &args.window) {
        Ok(i) => i,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::FAILURE;
        }
    };
    let ranked = m.ranked_at(i);
    let crossed = ranked.iter().any(|(_, c)| c.judgement.severity.crossed());
    if args.json {
        output::json(&json_report(&m, i, &ranked, crossed));
    } else {
        output::print(&text_report(&m, i, &ranked));
    }
    if crossed { exit::GATE_FAILED } else { exit::OK }
}

fn json_report(
    m: &DriftMatrix,
    i: usize,
    ranked: &[(&FeatureDrift, &DriftCell)],
    crossed: bool,
) -> serde_json::Value {
    let features: Vec<serde_json::Value> = ranked
        .iter()
        .map(|(f, c)| {
            json!({
                "name": f.name,
                "data_type": f.data_type,
                "severity": c.judgement.severity,
                "statistic": c.judgement.statistic,
                "value": c.judgement.value,
                "count": c.count,
                "stats": c.stats,
                "thresholds": f.thresholds,
                "recent": f.recent,
            })
        })
        .collect();
    json!({
        "state": "matrix",
        "table": m.table,
        "warehouse": m.warehouse,
        "drift_type": m.drift_type,
        "model": m.model,
        "slice": m.slice,
        "model_column": m.model_column,
        "window": m.windows[i],
        "windows": m.windows.len(),
        "counts": m.counts,
        "missing": m.missing,
        "crossed": crossed,
        "features": features,
    })
}

fn num(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| {
        if v != 0.0 && v.abs() < 0.001 {
            format!("{v:.1e}")
        } else {
            format!("{v:.3}")
        }
    })
}

fn text_report(m: &DriftMatrix, i: usize, ranked: &[(&FeatureDrift, &DriftCell)]) -> String {
    let kind = match m.drift_type {
        DriftType::Consecutive => "consecutive",
        DriftType::Baseline => "baseline",
    };
    let mut out = format!(
        "{}: {kind} drift, window {} ({} of {})\n",
        m.table,
        m.windows[i].label(),
        i + 1,
        m.windows.len()
    );
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|(f, c)| {
            let worst = c.judgement.statistic.map_or("-", Statistic::as_str);
            vec![
                f.name.clone(),
                f.data_type.clone().unwrap_or_else(|| "-".into()),
                c.judgement.severity.as_str().to_string(),
                format!("{worst} {}", num(c.judgement.value)),
                num(c.stats.psi),
                num(c.stats.js),
                num(c.stats.wasserstein),
                num(c.stats.ks_pvalue.or(c.stats.chi2_pvalue)),
                c.count
                    .or(c.stats.count_delta)
                    .map_or("-".into(), |n| n.to_string()),
            ]
        })
        .collect();
    let count = match m.counts {
        crate::ops::drift::CountSource::ProfileCount => "COUNT",
        crate::ops::drift::CountSource::CountDelta => "COUNT_DELTA",
    };
    out.push_str(&table::render(
        &[
            "FEATURE",
            "TYPE",
            "SEVERITY",
            "WORST",
            "PSI",
            "JS",
            "WASSERSTEIN",
            "P",
            count,
        ],
        &rows,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(table: &str) -> DriftArgs {
        DriftArgs {
            table: table.into(),
            window: "latest".into(),
            baseline: false,
            slice: None,
            model_id: None,
            model_id_col: None,
            metrics_table: None,
            warehouse: None,
            json: false,
        }
    }

    #[test]
    fn the_drift_table_is_derived_or_given() {
        let r = request(&args("main.ml.churn_inference")).unwrap();
        assert_eq!(r.table.to_string(), "main.ml.churn_inference_drift_metrics");
        let r = request(&args("main.ml.churn_inference_drift_metrics")).unwrap();
        assert_eq!(r.table.to_string(), "main.ml.churn_inference_drift_metrics");
        let mut a = args("main.ml.t");
        a.metrics_table = Some("o.s.d".into());
        a.model_id = Some("4".into());
        a.baseline = true;
        let r = request(&a).unwrap();
        assert_eq!(r.table.to_string(), "o.s.d");
        assert_eq!(r.model, ModelFilter::Version("4".into()));
        assert_eq!(r.drift_type, DriftType::Baseline);
        assert!(request(&args("main.ml.t; DROP TABLE x")).is_err());
        assert!(parse_slice("a=b=c").unwrap().1 == "b=c" && parse_slice("=x").is_err());
    }
}
