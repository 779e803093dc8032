//! Forward lineage from a feature table: its features → the model versions that use them →
//! the serving endpoints serving those versions, with their traffic share.
//!
//! A model version uses the table when the feature lineage API names it for one of the
//! table's features, or when its `model_version_dependencies` name the table (read for every
//! version an endpoint serves, so an endpoint is found even when the lineage API is silent or
//! fails for a feature).

use futures::StreamExt;
use serde::Serialize;

use crate::api::Client;
use crate::api::error::ApiResult;
use crate::ops::inventory::endpoints_detailed;

use super::endpoint::served_versions;
use super::reads::{distinct_capped, state_of, versions_deps};
use super::{LineageOptions, MAX_FEATURES, MAX_ITEMS, TableState, short_name};

/// One feature of the table and what its lineage says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureUse {
    pub feature: String,
    /// `model vVERSION` (or the bare model when the API gives no version).
    pub models: Vec<ModelRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub online_tables: Vec<String>,
    /// Why this feature's lineage could not be read (the others are unaffected).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ModelRef {
    pub model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl ModelRef {
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{} v{v}", self.model),
            None => self.model.clone(),
        }
    }
}

/// A served entity whose version uses the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServedHit {
    pub entity: String,
    pub model: String,
    pub version: String,
    pub traffic_percent: i64,
}

/// An endpoint serving a version that uses the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointHit {
    pub endpoint: String,
    pub served: Vec<ServedHit>,
    /// Share of the endpoint's traffic going to those versions.
    pub traffic_percent: i64,
}

impl EndpointHit {
    /// "churn-prod: churn_model v5 10% (churn_model-5)".
    pub fn describe(&self) -> String {
        let served: Vec<String> = self
            .served
            .iter()
            .map(|s| {
                format!(
                    "{} v{} {}% ({})",
                    short_name(&s.model),
                    s.version,
                    s.traffic_percent,
                    s.entity
                )
            })
            .collect();
        format!("{}: {}", self.endpoint, served.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableLineage {
    pub table: TableState,
    pub features: Vec<FeatureUse>,
    /// Every model version found to use the table.
    pub models: Vec<ModelRef>,
    pub endpoints: Vec<EndpointHit>,
    /// What is partial (features left out, endpoints unreadable, versions unreadable).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The features of a table: its columns outside the primary key.
fn features_of(info: &crate::api::models::uc_tables::TableInfo) -> Vec<String> {
    let keys = info
        .primary_key()
        .map(|k| k.child_columns.clone())
        .unwrap_or_default();
    info.columns
        .iter()
        .map(|c| c.name.clone())
        .filter(|c| !keys.contains(c))
        .collect()
}

async fn feature_use(client: &Client, table: &str, feature: String) -> FeatureUse {
    match client.get_feature_lineage(table, &feature).await {
        Ok(l) => FeatureUse {
            models: l
                .models
                .into_iter()
                .map(|m| ModelRef {
                    model: m.name,
                    version: m.version.map(|v| v.to_string()),
                })
                .collect(),
            online_tables: l
                .online_features
                .into_iter()
                .map(|o| o.table_name)
                .collect(),
            error: None,
            feature,
        },
        Err(e) => FeatureUse {
            feature,
            models: Vec::new(),
            online_tables: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}

/// The forward lineage of `table`. Fails only when the table itself cannot be read.
pub async fn of_table(
    client: &Client,
    table: &str,
    opts: &LineageOptions,
) -> ApiResult<TableLineage> {
    let info = client.get_table_info(table).await?;
    let full = info.full_name();
    let state = state_of(client, &info, opts).await;
    let mut notes = Vec::new();
    let mut features = features_of(&info);
    if features.len() > MAX_FEATURES {
        notes.push(format!(
            "lineage of the first {MAX_FEATURES} of {} features only",
            features.len()
        ));
        features.truncate(MAX_FEATURES);
    }
    let full_ref = full.as_str();
    let features: Vec<FeatureUse> = futures::stream::iter(features)
        .map(|f| feature_use(client, full_ref, f))
        .buffered(opts.width())
        .collect()
        .await;
    let mut models: Vec<ModelRef> = features.iter().flat_map(|f| f.models.clone()).collect();

    let mut endpoints = Vec::new();
    match endpoints_detailed(client).await {
        Ok(eps) => {
            let pairs: Vec<(String, String)> = eps
                .iter()
                .flat_map(served_versions)
                .map(|(_, m, v, _)| (m, v))
                .collect();
            let (pairs, left) = distinct_capped(&pairs, MAX_ITEMS);
            if left > 0 {
                notes.push(format!("{left} served model versions not read"));
            }
            for d in versions_deps(client, &pairs, opts).await {
                if let Some(e) = &d.error {
                    notes.push(format!("{} v{}: {e}", d.model, d.version));
                }
                if d.tables.iter().any(|t| t.eq_ignore_ascii_case(&full)) {
                    models.push(ModelRef {
                        model: d.model,
                        version: Some(d.version),
                    });
                }
            }
            let uses = |m: &str, v: &str| {
                models.iter().any(|r| {
                    r.model.eq_ignore_ascii_case(m) && r.version.as_deref().is_none_or(|x| x == v)
                })
            };
            for ep in &eps {
                let served: Vec<ServedHit> = served_versions(ep)
                    .into_iter()
                    .filter(|(_, m, v, _)| uses(m, v))
                    .map(|(entity, model, version, traffic_percent)| ServedHit {
                        entity,
                        model,
                        version,
                        traffic_percent,
                    })
                    .collect();
                if !served.is_empty() {
                    endpoints.push(EndpointHit {
                        endpoint: ep.name.clone(),
                        traffic_percent: served.iter().map(|s| s.traffic_percent).sum(),
                        served,
                    });
                }
            }
        }
        Err(e) if e.is_not_available() => {
            notes.push("serving endpoints are not available on this server".into())
        }
        Err(e) => notes.push(format!("serving endpoints could not be listed: {e}")),
    }
    models.sort();
    models.dedup();
    Ok(TableLineage {
        table: state,
        features,
        models,
        endpoints,
        notes,
    })
}
