//! `mlops-console lineage MODEL VERSION | --endpoint NAME | --table TABLE [--json]`: feature
//! lineage both ways (`ops::feature_lineage`). Reads only; exit 0 even when a table is stale
//! (the answer names it), 3 when the model version, endpoint or table does not exist, 1 when
//! it cannot be read. Items that could not be read are listed with their error.

use crate::api::Client;
use crate::ops::feature_lineage::online::OnlineTableState;
use crate::ops::feature_lineage::{
    EndpointLineage, LineageOptions, TableLineage, TableState, VersionLineage, endpoint, table,
    version,
};

use super::lineage_args::LineageArgs;
use super::table::{render, timestamp};
use super::{exit, output};

fn options(args: &LineageArgs) -> LineageOptions {
    LineageOptions {
        sla_ms: i64::from(args.sla_hours) * 3_600_000,
        ..LineageOptions::at(chrono::Utc::now().timestamp_millis())
    }
}

/// Runs the command; the exit code.
pub async fn run(client: &Client, args: &LineageArgs) -> i32 {
    let opts = options(args);
    if let Some(name) = &args.endpoint {
        return match endpoint::of_endpoint(client, name, &opts).await {
            Ok(l) => {
                show(args.json, &l, || endpoint_text(&l));
                exit::OK
            }
            Err(e) => failed(&format!("endpoint {name}"), &e),
        };
    }
    if let Some(t) = &args.table {
        return match table::of_table(client, t, &opts).await {
            Ok(l) => {
                show(args.json, &l, || table_text(&l));
                exit::OK
            }
            Err(e) => failed(&format!("table {t}"), &e),
        };
    }
    let (Some(model), Some(v)) = (&args.model, &args.version) else {
        output::eprint_line("error: give MODEL VERSION, --endpoint NAME or --table TABLE");
        return exit::USAGE;
    };
    // The version must exist: a missing one is exit 3, not an empty answer.
    if let Ok(n) = v.trim().parse::<i64>()
        && model.split('.').count() == 3
        && let Err(e) = client.get_uc_model_version(model, n).await
    {
        return failed(&format!("{model} version {v}"), &e);
    }
    let l = version::of_version(client, model, v, &opts).await;
    show(args.json, &l, || version_text(&l));
    if l.error.is_some() {
        exit::FAILURE
    } else {
        exit::OK
    }
}

fn failed(what: &str, e: &crate::api::ApiError) -> i32 {
    output::eprint_line(&format!("error: {what}: {e}"));
    exit::for_api_error(e)
}

fn show<T: serde::Serialize>(json: bool, value: &T, text: impl FnOnce() -> String) {
    if json {
        output::json(value);
    } else {
        output::print(&text());
    }
}

fn online_text(o: &[OnlineTableState]) -> String {
    if o.is_empty() {
        return "-".into();
    }
    o.iter()
        .map(OnlineTableState::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

fn tables_text(tables: &[TableState]) -> String {
    let rows: Vec<Vec<String>> = tables
        .iter()
        .map(|t| {
            vec![
                t.table.clone(),
                match &t.error {
                    Some(e) => format!("unreadable: {e}"),
                    None => t.freshness.label(),
                },
                timestamp(t.updated_at),
                online_text(&t.online),
            ]
        })
        .collect();
    render(&["TABLE", "FRESHNESS", "LAST WRITE", "ONLINE"], &rows)
}

pub fn version_text(l: &VersionLineage) -> String {
    let mut out = format!("{} v{}\n", l.model, l.version);
    if let Some(e) = &l.error {
        out.push_str(&format!("dependencies unreadable: {e}\n"));
        return out;
    }
    if l.tables.is_empty() {
        out.push_str(&format!(
            "no feature tables ({})\n",
            l.note.as_deref().unwrap_or("none recorded")
        ));
        return out;
    }
    if !l.functions.is_empty() {
        out.push_str(&format!("functions: {}\n", l.functions.join(", ")));
    }
    out.push_str(&tables_text(&l.tables));
    out
}

pub fn endpoint_text(l: &EndpointLineage) -> String {
    let rows: Vec<Vec<String>> = l
        .served
        .iter()
        .map(|s| {
            vec![
                s.entity.clone(),
                format!("{} v{}", s.model, s.version),
                format!("{}%", s.traffic_percent),
                match (&s.error, &s.note) {
                    (Some(e), _) => format!("unreadable: {e}"),
                    (None, _) if !s.tables.is_empty() => s.tables.join(", "),
                    (None, Some(n)) => n.clone(),
                    (None, None) => "-".into(),
                },
            ]
        })
        .collect();
    let mut out = format!("{}\n", l.endpoint);
    out.push_str(&render(
        &["SERVED", "MODEL", "TRAFFIC", "FEATURE TABLES"],
        &rows,
    ));
    if !l.tables.is_empty() {
        out.push('\n');
        out.push_str(&tables_text(&l.tables));
    }
    for u in l.stale_uses() {
        out.push_str(&format!("stale: {}\n", u.describe()));
    }
    out
}

pub fn table_text(l: &TableLineage) -> String {
    let t = &l.table;
    let mut out = format!(
        "{}: {} (last write {})\nonline: {}\n",
        t.table,
        t.freshness.label(),
        timestamp(t.updated_at),
        online_text(&t.online)
    );
    let rows: Vec<Vec<String>> = l
        .features
        .iter()
        .map(|f| {
            let models = match &f.error {
                Some(e) => format!("lineage unreadable: {e}"),
                None if f.models.is_empty() => "-".into(),
                None => f
                    .models
                    .iter()
                    .map(|m| m.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            vec![f.feature.clone(), models]
        })
        .collect();
    out.push_str(&render(&["FEATURE", "MODELS"], &rows));
    out.push('\n');
    if l.endpoints.is_empty() {
        out.push_str("no serving endpoint serves a version using it\n");
    } else {
        let rows: Vec<Vec<String>> = l
            .endpoints
            .iter()
            .map(|e| {
                let served = e
                    .served
                    .iter()
                    .map(|s| format!("{} v{} {}%", s.model, s.version, s.traffic_percent))
                    .collect::<Vec<_>>()
                    .join(", ");
                vec![
                    e.endpoint.clone(),
                    format!("{}%", e.traffic_percent),
                    served,
                ]
            })
            .collect();
        out.push_str(&render(&["ENDPOINT", "TRAFFIC", "SERVED VERSIONS"], &rows));
    }
    for n in &l.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}
