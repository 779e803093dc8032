//! Reverse lineage from a serving endpoint: the model versions it serves (with their traffic
//! share) → the feature tables each was trained with → their freshness. An endpoint that sends
//! traffic to a version depending on a stale table gets the "stale features" marker; one whose
//! tables drift or whose online tables are stale (`health`, from the monitoring facts) gets the
//! "drifting features" / "online features stale" marker — one marker, combined when several.

use serde::Serialize;

use crate::api::Client;
use crate::api::error::ApiResult;
use crate::api::models::serving::ServingEndpoint;
use crate::ops::blast_radius::endpoint_use;

use super::health::{Problem, TableHealth, marker_text};
use super::reads::{VersionDeps, distinct_capped, table_states, versions_deps};
use super::{LineageOptions, MAX_ITEMS, TableState, short_name};

/// One served entity and the feature tables its model version depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServedDeps {
    pub entity: String,
    pub model: String,
    pub version: String,
    /// Share of the endpoint's traffic, 0–100.
    pub traffic_percent: i64,
    pub tables: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// (model, version, traffic share) of each served version with traffic using a table.
pub type ServedVia = Vec<(String, String, i64)>;

/// A stale table and the served versions that depend on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleUse {
    pub table: TableState,
    /// (model, version, traffic share) of each served version using it.
    pub via: ServedVia,
}

impl StaleUse {
    /// "main.features.x (stale 52 h) via churn_model v5, 10%".
    pub fn describe(&self) -> String {
        format!("{} via {}", self.table.describe(), describe_via(&self.via))
    }
}

/// "churn_model v5, 10%; churn_model v4, 90%".
fn describe_via(via: &[(String, String, i64)]) -> String {
    via.iter()
        .map(|(m, v, p)| format!("{} v{v}, {p}%", short_name(m)))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointLineage {
    pub endpoint: String,
    pub served: Vec<ServedDeps>,
    /// Every table a served version depends on, once.
    pub tables: Vec<TableState>,
    /// Drift and online staleness of those tables, from the monitoring facts (only the tables
    /// with a problem; empty when the facts were not read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub health: Vec<TableHealth>,
}

impl EndpointLineage {
    /// (model, version, traffic share) of each served version with traffic that uses `table`.
    fn used_via(&self, table: &str) -> ServedVia {
        self.served
            .iter()
            .filter(|s| s.traffic_percent > 0)
            .filter(|s| s.tables.iter().any(|x| x.eq_ignore_ascii_case(table)))
            .map(|s| (s.model.clone(), s.version.clone(), s.traffic_percent))
            .collect()
    }

    /// The stale tables that served versions with traffic depend on.
    pub fn stale_uses(&self) -> Vec<StaleUse> {
        self.tables
            .iter()
            .filter(|t| t.is_stale())
            .filter_map(|t| {
                let via = self.used_via(&t.table);
                (!via.is_empty()).then(|| StaleUse {
                    table: t.clone(),
                    via,
                })
            })
            .collect()
    }

    /// The tables with drifting features or stale online tables that served versions with
    /// traffic depend on, with those versions.
    pub fn health_uses(&self) -> Vec<(&TableHealth, ServedVia)> {
        self.health
            .iter()
            .filter_map(|h| {
                let via = self.used_via(&h.table);
                (!via.is_empty()).then_some((h, via))
            })
            .collect()
    }

    /// Every feature problem the endpoint's live traffic meets, mildest first.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.is_stale() {
            out.push(Problem::Stale);
        }
        for (h, _) in self.health_uses() {
            if !h.online_stale.is_empty() {
                out.push(Problem::OnlineStale);
            }
            if !h.drifting.is_empty() {
                out.push(Problem::Drifting);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The marker's text ("stale features", "drifting features", "online features stale", or
    /// several combined: "stale/online/drifting features"), when live traffic meets a feature
    /// problem.
    pub fn marker(&self) -> Option<String> {
        marker_text(&self.problems())
    }

    /// Why the endpoint is marked, one line per table and problem: "main.features.x (stale
    /// 52 h) via churn_model v5, 10%", "main.features.y drifting: f (psi 0.41, critical) via …".
    pub fn reasons(&self) -> Vec<String> {
        let mut out: Vec<String> = self.stale_uses().iter().map(StaleUse::describe).collect();
        for (h, via) in self.health_uses() {
            let via = describe_via(&via);
            if !h.drifting.is_empty() {
                out.push(format!(
                    "{} drifting: {} via {via}",
                    h.table,
                    h.drifting.join(", ")
                ));
            }
            if !h.online_stale.is_empty() {
                out.push(format!(
                    "{} online stale: {} via {via}",
                    h.table,
                    h.online_stale.join(", ")
                ));
            }
        }
        out
    }

    /// Whether the marker applies: live traffic goes to a version using a stale table.
    pub fn is_stale(&self) -> bool {
        !self.stale_uses().is_empty()
    }

    /// Reads that failed (versions or tables), for the screens to say the lineage is partial.
    pub fn errors(&self) -> Vec<String> {
        let served = self.served.iter().filter_map(|s| {
            s.error
                .as_ref()
                .map(|e| format!("{} v{}: {e}", short_name(&s.model), s.version))
        });
        let tables = self
            .tables
            .iter()
            .filter_map(|t| t.error.as_ref().map(|e| format!("{}: {e}", t.table)));
        served.chain(tables).collect()
    }
}

/// (served entity, model, version, traffic share) of one served model version.
pub type Served = (String, String, String, i64);

/// (entity, model, version, traffic share) of every versioned model an endpoint serves
/// (external and foundation models carry no version and no feature dependencies).
pub fn served_versions(ep: &ServingEndpoint) -> Vec<Served> {
    let Some(c) = &ep.config else {
        return Vec::new();
    };
    let mut models: Vec<String> = Vec::new();
    let names = c
        .served_entities
        .iter()
        .filter_map(|e| e.entity_name.clone())
        .chain(c.served_models.iter().filter_map(|m| m.model_name.clone()));
    for m in names {
        if !models.contains(&m) {
            models.push(m);
        }
    }
    let mut out = Vec::new();
    for m in models {
        if let Some(u) = endpoint_use(ep, &m) {
            for s in u
                .served
                .into_iter()
                .filter(|s| !s.version.trim().is_empty())
            {
                out.push((s.served_entity, m.clone(), s.version, s.traffic_percent));
            }
        }
    }
    out
}

/// Assembles one endpoint's lineage from the dependencies and table states read.
pub fn assemble(
    endpoint: &str,
    served: &[Served],
    deps: &[VersionDeps],
    states: &[TableState],
) -> EndpointLineage {
    let served: Vec<ServedDeps> = served
        .iter()
        .cloned()
        .map(|(entity, model, version, traffic_percent)| {
            let d = deps
                .iter()
                .find(|d| d.model == model && d.version == version);
            ServedDeps {
                entity,
                traffic_percent,
                tables: d.map(|d| d.tables.clone()).unwrap_or_default(),
                error: match d {
                    Some(d) => d.error.clone(),
                    None => Some("not read: too many model versions".into()),
                },
                note: d.and_then(|d| d.note.clone()),
                model,
                version,
            }
        })
        .collect();
    let mut tables: Vec<TableState> = Vec::new();
    for t in served.iter().flat_map(|s| s.tables.iter()) {
        if tables.iter().any(|x| x.table.eq_ignore_ascii_case(t)) {
            continue;
        }
        let state = states
            .iter()
            .find(|s| s.table.eq_ignore_ascii_case(t))
            .cloned()
            .unwrap_or_else(|| TableState {
                table: t.clone(),
                updated_at: None,
                freshness: super::Freshness::Unknown,
                online: Vec::new(),
                error: Some("not read: too many tables".into()),
            });
        tables.push(state);
    }
    EndpointLineage {
        endpoint: endpoint.to_string(),
        served,
        tables,
        health: Vec::new(),
    }
}

/// The lineage of every endpoint given by what it serves: each model version's dependencies
/// and each table read once, a few at a time.
pub async fn of_served(
    client: &Client,
    endpoints: &[(String, Vec<Served>)],
    opts: &LineageOptions,
) -> Vec<EndpointLineage> {
    let pairs: Vec<(String, String)> = endpoints
        .iter()
        .flat_map(|(_, s)| s.iter())
        .map(|(_, m, v, _)| (m.clone(), v.clone()))
        .collect();
    let (pairs, _) = distinct_capped(&pairs, MAX_ITEMS);
    let deps = versions_deps(client, &pairs, opts).await;
    let all: Vec<String> = deps.iter().flat_map(|d| d.tables.clone()).collect();
    let (tables, _) = distinct_capped(&all, MAX_ITEMS);
    let states = table_states(client, &tables, opts).await;
    endpoints
        .iter()
        .map(|(name, served)| assemble(name, served, &deps, &states))
        .collect()
}

/// The lineage of every endpoint given (detailed, with routes).
pub async fn of_endpoints(
    client: &Client,
    endpoints: &[ServingEndpoint],
    opts: &LineageOptions,
) -> Vec<EndpointLineage> {
    let served: Vec<(String, Vec<Served>)> = endpoints
        .iter()
        .map(|e| (e.name.clone(), served_versions(e)))
        .collect();
    of_served(client, &served, opts).await
}

/// The lineage of endpoint `name` (read in detail first).
pub async fn of_endpoint(
    client: &Client,
    name: &str,
    opts: &LineageOptions,
) -> ApiResult<EndpointLineage> {
    let ep = client.get_serving_endpoint(name).await?;
    let mut all = of_endpoints(client, std::slice::from_ref(&ep), opts).await;
    Ok(all.remove(0))
}
