//! `mlops-console endpoints` and `endpoint NAME`: the serving list and one endpoint's detail
//! (entities, routes, a pending update against the live config, and per-entity numbers since
//! each entity started), as tables or JSON.

use serde_json::json;

use crate::api::models::serving::{ConfigUpdate, EndpointReady, ServingEndpoint};
use crate::api::{ApiResult, Client};
use crate::ops::prometheus;
use crate::ops::serving_metrics::{EntityWindow, Snapshot, window};
use crate::ops::traffic::{EndpointConfigState, Split};
use crate::safe_text::{number, percent};

use super::{exit, output, table};

/// Reads every endpoint in detail (the list answer has no routes).
pub async fn read_all(client: &Client) -> ApiResult<Vec<ServingEndpoint>> {
    crate::ops::inventory::endpoints_detailed(client).await
}

/// `READY`, `READY, updating`, `NOT_READY, update failed`…
pub fn state_text(ep: &ServingEndpoint) -> String {
    let state = ep.state.clone().unwrap_or_default();
    let ready = match state.ready {
        Some(EndpointReady::Ready) => "READY".to_string(),
        Some(other) => other.to_string(),
        None => "-".to_string(),
    };
    match state.config_update {
        Some(ConfigUpdate::NotUpdating) | None => ready,
        Some(ConfigUpdate::InProgress) => format!("{ready}, updating"),
        Some(ConfigUpdate::UpdateFailed) => format!("{ready}, update failed"),
        Some(ConfigUpdate::UpdateCanceled) => format!("{ready}, update canceled"),
        Some(ConfigUpdate::Other(o)) => format!("{ready}, {o}"),
    }
}

fn serves(ep: &ServingEndpoint) -> String {
    let Some(c) = &ep.config else {
        return "-".to_string();
    };
    c.served_entities
        .iter()
        .map(|e| {
            let model = e.entity_name.as_deref().unwrap_or(&e.name);
            let short = model.rsplit('.').next().unwrap_or(model);
            let zero = if e.scale_to_zero_enabled == Some(true) {
                ", scale-to-zero"
            } else {
                ""
            };
            format!(
                "{short} v{} ({}{zero})",
                e.entity_version.as_deref().unwrap_or("?"),
                e.workload_size.as_deref().unwrap_or("?")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The list table.
pub fn render_list(eps: &[ServingEndpoint]) -> String {
    let rows: Vec<Vec<String>> = eps
        .iter()
        .map(|e| {
            vec![
                e.name.clone(),
                state_text(e),
                Split::of_endpoint(e).describe(),
                serves(e),
                e.creator.clone().unwrap_or_default(),
                table::timestamp(e.last_updated_timestamp),
            ]
        })
        .collect();
    table::render(
        &["NAME", "STATE", "TRAFFIC", "SERVES", "CREATOR", "UPDATED"],
        &rows,
    )
}

pub async fn list(client: &Client, json_out: bool) -> i32 {
    match read_all(client).await {
        Ok(eps) => {
            if json_out {
                output::json(&eps);
            } else {
                output::listing("serving endpoints", eps.len(), || render_list(&eps));
            }
            exit::OK
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}

/// Per-entity numbers since each entity started (one scrape: counters are cumulative).
pub fn since_start(text: &str) -> Vec<EntityWindow> {
    let (exposition, _) = prometheus::parse_lenient(text);
    Snapshot::from_exposition(&exposition, 0)
        .entities
        .iter()
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, c)| window(name, None, c, 0.0))
        .collect()
}

/// The detail text of one endpoint.
pub fn render_detail(ep: &ServingEndpoint, numbers: &[EntityWindow]) -> String {
    let live = EndpointConfigState::of(ep);
    let mut s = format!(
        "endpoint  {}\nstate     {}\nconfig    version {}, updated {}\ncreator   {}\ntraffic   {}\n",
        ep.name,
        state_text(ep),
        live.config_version
            .map_or_else(|| "-".to_string(), |v| v.to_string()),
        table::timestamp(ep.last_updated_timestamp),
        ep.creator.as_deref().unwrap_or("-"),
        live.describe(),
    );
    if let Some(p) = &ep.pending_config {
        let pending = Split::from_routes(
            p.traffic_config
                .as_ref()
                .map(|t| t.routes.as_slice())
                .unwrap_or(&[]),
        );
        s.push_str(&format!(
            "pending   version {} since {}: {} → {}\n",
            p.config_version
                .map_or_else(|| "?".into(), |v| v.to_string()),
            table::timestamp(p.start_time),
            live.describe(),
            pending.describe()
        ));
        for e in &p.served_entities {
            if live.entity(&e.name).is_none() {
                s.push_str(&format!(
                    "          + {} ({} v{}) {}\n",
                    e.name,
                    e.entity_name.as_deref().unwrap_or("?"),
                    e.entity_version.as_deref().unwrap_or("?"),
                    e.state
                        .as_ref()
                        .and_then(|st| st.deployment.as_ref())
                        .map_or_else(String::new, |d| d.to_string())
                ));
            }
        }
        for name in live.entity_names() {
            if !p.served_entities.iter().any(|e| e.name == name) {
                s.push_str(&format!("          - {name}\n"));
            }
        }
    }
    let split = Split::of_endpoint(ep);
    let rows: Vec<Vec<String>> = ep
        .config
        .iter()
        .flat_map(|c| c.served_entities.iter())
        .map(|e| {
            let n = numbers.iter().find(|w| w.entity == e.name);
            vec![
                e.name.clone(),
                e.entity_name.clone().unwrap_or_default(),
                e.entity_version.clone().unwrap_or_default(),
                e.workload_size.clone().unwrap_or_default(),
                if e.scale_to_zero_enabled == Some(true) {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                e.state
                    .as_ref()
                    .and_then(|st| st.deployment.as_ref())
                    .map_or_else(|| "-".to_string(), |d| d.to_string()),
                format!("{}%", split.percent(&e.name)),
                n.map_or_else(|| "-".into(), |w| number(w.requests, |r| format!("{r:.0}"))),
                n.map_or_else(|| "-".into(), |w| percent(w.ratio_5xx, 2)),
                n.and_then(|w| w.latency).map_or_else(
                    || "-".into(),
                    |l| {
                        let ms = |v: f64| number(v, |v| format!("{v:.0}"));
                        format!("{}/{} ms", ms(l.p50), ms(l.p99))
                    },
                ),
            ]
        })
        .collect();
    s.push('\n');
    s.push_str(&table::render(
        &[
            "ENTITY", "MODEL", "VERSION", "SIZE", "TO ZERO", "STATE", "TRAFFIC", "REQUESTS", "5XX",
            "P50/P99",
        ],
        &rows,
    ));
    s
}

pub async fn show(client: &Client, name: &str, json_out: bool) -> i32 {
    let ep = match client.get_serving_endpoint(name).await {
        Ok(ep) => ep,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    // The numbers are a bonus: an endpoint whose metrics cannot be read is still shown.
    let numbers = match client.endpoint_metrics(name).await {
        Ok(text) => since_start(&text),
        Err(e) => {
            crate::eprintln_escaped!("warning: metrics of {name}: {e}");
            Vec::new()
        }
    };
    if json_out {
        output::json(&json!({ "endpoint": ep, "since_start": numbers }));
    } else {
        output::print(&render_detail(&ep, &numbers));
    }
    exit::OK
}
