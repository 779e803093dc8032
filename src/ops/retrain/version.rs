//! The model version a retraining run registered: the version of the model whose MLflow run
//! (`run_id`, or the run named in its `source`) is the one the job run logged.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::models::mlflow::lookup;
use crate::api::models::uc_models::ModelVersionInfo;
use crate::api::{ApiError, Client};
use crate::config::ApprovalSettings;
use crate::ops::job_run_view;

/// Versions asked for per page.
const PAGE: i64 = 100;
/// Pages read at most (10,000 versions) before giving up on finding it.
const MAX_PAGES: usize = 100;

/// A version a retraining run registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredVersion {
    pub model: String,
    pub version: i64,
    /// `READY`, `PENDING_REGISTRATION`, …
    pub status: Option<String>,
    /// The approval tag's value (`pending`), when the version carries one.
    pub approval: Option<String>,
    /// Whether that value is the configured "pending" one.
    pub pending_approval: bool,
    /// The MLflow run it comes from.
    pub mlflow_run_id: String,
}

impl RegisteredVersion {
    /// `registered main.ml.churn_model v6 (pending approval)`.
    pub fn describe(&self) -> String {
        let note = match (&self.approval, self.pending_approval) {
            (_, true) => " (pending approval)".to_string(),
            (Some(a), false) => format!(" (approval: {a})"),
            (None, false) => String::new(),
        };
        format!("registered {} v{}{note}", self.model, self.version)
    }
}

fn comes_from(v: &ModelVersionInfo, mlflow_run_id: &str) -> bool {
    v.run_id.as_deref() == Some(mlflow_run_id)
        || v.source
            .as_deref()
            .is_some_and(|s| s.split('/').any(|part| part == mlflow_run_id))
}

/// The MLflow run job run `run_id` logged: the one found in its experiment, else the
/// `mlflow_run_id` its task reported.
async fn mlflow_run_of(
    client: &Client,
    run_id: i64,
    training_jobs: &BTreeMap<String, i64>,
) -> Result<Option<String>, ApiError> {
    let view = job_run_view::read(client, run_id, training_jobs).await?;
    Ok(view.mlflow_run.map(|m| m.run_id).or_else(|| {
        view.tasks
            .iter()
            .find_map(|t| t.reported.get("mlflow_run_id").cloned())
    }))
}

/// The version of `model` job run `run_id` registered; `None` when the run logged no MLflow
/// run or no version comes from it.
pub async fn registered_version(
    client: &Client,
    model: &str,
    run_id: i64,
    training_jobs: &BTreeMap<String, i64>,
    approvals: &ApprovalSettings,
) -> Result<Option<RegisteredVersion>, ApiError> {
    let Some(mlflow_run_id) = mlflow_run_of(client, run_id, training_jobs).await? else {
        return Ok(None);
    };
    let mut token: Option<String> = None;
    let mut found = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .list_uc_model_versions(model, Some(PAGE), token.as_deref())
            .await?;
        found = page
            .model_versions
            .iter()
            .filter(|v| comes_from(v, &mlflow_run_id))
            .map(|v| v.version)
            .max();
        if found.is_some() {
            break;
        }
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    let Some(version) = found else {
        return Ok(None);
    };
    // The listing may leave out tags: read the version itself.
    let v = client.get_uc_model_version(model, version).await?;
    let approval = lookup(&v.tags, &approvals.tag).map(str::to_string);
    Ok(Some(RegisteredVersion {
        model: model.to_string(),
        version,
        status: v.status.as_ref().map(|s| s.to_string()),
        pending_approval: approval.as_deref() == Some(approvals.pending.as_str()),
        approval,
        mlflow_run_id,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_reads_with_its_approval() {
        let mut v = RegisteredVersion {
            model: "main.ml.churn_model".into(),
            version: 6,
            status: Some("READY".into()),
            approval: Some("pending".into()),
            pending_approval: true,
            mlflow_run_id: "abc".into(),
        };
        assert_eq!(
            v.describe(),
            "registered main.ml.churn_model v6 (pending approval)"
        );
        v.pending_approval = false;
        v.approval = Some("approved".into());
        assert_eq!(
            v.describe(),
            "registered main.ml.churn_model v6 (approval: approved)"
        );
    }

    #[test]
    fn a_version_comes_from_its_run_by_id_or_by_source() {
        let by_id = ModelVersionInfo {
            run_id: Some("r1".into()),
            ..Default::default()
        };
        let by_source = ModelVersionInfo {
            source: Some("dbfs:/databricks/mlflow-tracking/7/r1/artifacts/model".into()),
            ..Default::default()
        };
        let other = ModelVersionInfo {
            run_id: Some("r10".into()),
            source: Some("dbfs:/databricks/mlflow-tracking/7/r10/artifacts/model".into()),
            ..Default::default()
        };
        assert!(comes_from(&by_id, "r1") && comes_from(&by_source, "r1"));
        assert!(!comes_from(&other, "r1"), "r10 is not r1");
    }
}
