//! What an approver reads before deciding (`Enter` on the Approvals screen): the request in
//! full (who asked, when, every comment the API gives), the source run's metrics beside the
//! current champion's, and where each version comes from (run, parent run, experiment).
//!
//! Never fails: what could not be read is in `notes`.

use serde::Serialize;

use crate::api::Client;
use crate::api::models::mlflow::{Run, lookup};
use crate::config::ApprovalSettings;
use crate::ops::promote::{DEFAULT_ALIAS, read_all_stages};

use super::{ApprovalSource, PendingApproval};

/// Where a version comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Lineage {
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment_id: Option<String>,
    /// The sweep (or other parent) run the source run is a child of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_run_id: Option<String>,
}

/// One metric of the two source runs (latest values).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricPair {
    pub key: String,
    pub candidate: Option<f64>,
    pub champion: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalDetail {
    pub item: PendingApproval,
    /// Every comment the API gives: the request's, the version's description, the approval
    /// comment tag (UC).
    pub comments: Vec<String>,
    /// What the version would replace: the champion alias (UC) or the Production version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub champion: Option<String>,
    pub metrics: Vec<MetricPair>,
    /// The version's, then the champion's.
    pub lineage: Vec<Lineage>,
    pub notes: Vec<String>,
}

/// A version as the registry tells it: its lineage (run not yet read) and description.
struct VersionFacts {
    lineage: Lineage,
    description: Option<String>,
    approval_comment: Option<String>,
}

async fn version_facts(
    client: &Client,
    item: &PendingApproval,
    version: &str,
    settings: &ApprovalSettings,
) -> Result<VersionFacts, String> {
    let model = &item.model;
    match item.source {
        ApprovalSource::UnityCatalog => {
            let number: i64 = version.parse().map_err(|_| format!("v{version}?"))?;
            let v = client
                .get_uc_model_version(model, number)
                .await
                .map_err(|e| format!("{model} v{version}: {e}"))?;
            let tags = client
                .get_uc_version_tags(model, version)
                .await
                .unwrap_or_default();
            Ok(VersionFacts {
                lineage: Lineage {
                    version: version.to_string(),
                    registered_by: v.created_by,
                    registered_ms: v.created_at,
                    run_id: v.run_id,
                    ..Lineage::default()
                },
                description: v.comment,
                approval_comment: lookup(&tags, &settings.comment_tag).map(str::to_string),
            })
        }
        ApprovalSource::Workspace => {
            let v = client
                .get_model_version(model, version)
                .await
                .map_err(|e| format!("{model} v{version}: {e}"))?;
            Ok(VersionFacts {
                lineage: Lineage {
                    version: version.to_string(),
                    registered_by: v.user_id,
                    registered_ms: v.creation_timestamp,
                    run_id: v.run_id,
                    ..Lineage::default()
                },
                description: v.description,
                approval_comment: None,
            })
        }
    }
}

/// The champion's version: the alias (UC) or the version in Production (workspace).
async fn champion_of(client: &Client, item: &PendingApproval) -> Result<Option<String>, String> {
    match item.source {
        ApprovalSource::UnityCatalog => client
            .get_uc_model(&item.model)
            .await
            .map(|m| m.alias_version(DEFAULT_ALIAS).map(|v| v.to_string()))
            .map_err(|e| e.to_string()),
        ApprovalSource::Workspace => read_all_stages(client, &item.model)
            .await
            .map(|stages| {
                stages
                    .into_iter()
                    .find(|(_, s)| s.eq_ignore_ascii_case("Production"))
                    .map(|(v, _)| v)
            })
            .map_err(|e| e.to_string()),
    }
}

/// Fills the run's name, experiment and parent into `l`; the run, when it could be read.
async fn read_run(client: &Client, l: &mut Lineage, notes: &mut Vec<String>) -> Option<Run> {
    let id = l.run_id.clone()?;
    match client.get_run(&id).await {
        Ok(run) => {
            l.run_name = run.info.run_name.clone();
            l.experiment_id = Some(run.info.experiment_id.clone());
            l.parent_run_id = run.parent_run_id().map(str::to_string);
            Some(run)
        }
        Err(e) => {
            notes.push(format!("run {id} of v{} could not be read: {e}", l.version));
            None
        }
    }
}

/// The two runs' latest metrics side by side, by name. Pure.
pub fn pair_metrics(candidate: Option<&Run>, champion: Option<&Run>) -> Vec<MetricPair> {
    let value = |run: Option<&Run>, key: &str| {
        run.and_then(|r| r.data.metrics.iter().find(|m| m.key == key))
            .map(|m| m.value)
    };
    let mut keys: Vec<String> = [candidate, champion]
        .into_iter()
        .flatten()
        .flat_map(|r| r.data.metrics.iter().map(|m| m.key.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| MetricPair {
            candidate: value(candidate, &key),
            champion: value(champion, &key),
            key,
        })
        .collect()
}

/// Reads everything the detail shows about `item`.
pub async fn read_detail(
    client: &Client,
    settings: &ApprovalSettings,
    item: &PendingApproval,
) -> ApprovalDetail {
    let mut notes = Vec::new();
    let mut comments: Vec<String> = item.comment.iter().cloned().collect();
    let mut lineage = Vec::new();
    let mut runs = Vec::new();
    match version_facts(client, item, &item.version, settings).await {
        Ok(mut f) => {
            comments.extend(f.description.filter(|d| !comments.contains(d)));
            comments.extend(f.approval_comment);
            runs.push(read_run(client, &mut f.lineage, &mut notes).await);
            lineage.push(f.lineage);
        }
        Err(e) => notes.push(e),
    }
    let champion = match champion_of(client, item).await {
        Ok(c) => c,
        Err(e) => {
            notes.push(format!("the champion could not be read: {e}"));
            None
        }
    };
    match champion.as_deref().filter(|c| *c != item.version) {
        Some(c) => match version_facts(client, item, c, settings).await {
            Ok(mut f) => {
                runs.push(read_run(client, &mut f.lineage, &mut notes).await);
                lineage.push(f.lineage);
            }
            Err(e) => notes.push(e),
        },
        None if champion.is_none() => notes.push("the model has no champion yet".into()),
        None => {}
    }
    let candidate_run = runs.first().and_then(Option::as_ref);
    let champion_run = runs.get(1).and_then(Option::as_ref);
    ApprovalDetail {
        item: item.clone(),
        comments,
        champion,
        metrics: pair_metrics(candidate_run, champion_run),
        lineage,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::mlflow::Metric;

    fn run(metrics: &[(&str, f64)]) -> Run {
        let mut r = Run::default();
        r.data.metrics = metrics
            .iter()
            .map(|(k, v)| Metric {
                key: k.to_string(),
                value: *v,
                timestamp: 0,
                step: 0,
            })
            .collect();
        r
    }

    #[test]
    fn metrics_pair_up_by_name() {
        let a = run(&[("auc", 0.91), ("f1", 0.7)]);
        let b = run(&[("auc", 0.89), ("logloss", 0.3)]);
        let pairs = pair_metrics(Some(&a), Some(&b));
        let keys: Vec<&str> = pairs.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["auc", "f1", "logloss"]);
        assert_eq!(
            (pairs[0].candidate, pairs[0].champion),
            (Some(0.91), Some(0.89))
        );
        assert_eq!((pairs[1].candidate, pairs[1].champion), (Some(0.7), None));
        assert!(pair_metrics(None, None).is_empty());
    }
}
