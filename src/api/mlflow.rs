//! MLflow tracking calls (reference §3).

use super::client::Client;
use super::error::ApiResult;
use super::http::JsonBody;
use super::models::mlflow::*;
use super::paging::{Page, collect_pages};
use super::present::present;

impl Client {
    /// One page of `experiments/search`.
    pub async fn search_experiments(
        &self,
        req: &SearchExperimentsRequest,
    ) -> ApiResult<SearchExperimentsResponse> {
        self.post_json("/api/2.0/mlflow/experiments/search", req)
            .await
    }

    pub async fn get_experiment(&self, experiment_id: &str) -> ApiResult<Experiment> {
        const PATH: &str = "/api/2.0/mlflow/experiments/get";
        let r: ExperimentResponse = self
            .get_json(PATH, &[("experiment_id", experiment_id.to_string())])
            .await?;
        let id = r.experiment.experiment_id.clone();
        present(r.experiment, &id, PATH, "experiment")
    }

    pub async fn get_experiment_by_name(&self, name: &str) -> ApiResult<Experiment> {
        const PATH: &str = "/api/2.0/mlflow/experiments/get-by-name";
        let r: ExperimentResponse = self
            .get_json(PATH, &[("experiment_name", name.to_string())])
            .await?;
        let id = r.experiment.experiment_id.clone();
        present(r.experiment, &id, PATH, "experiment")
    }

    /// One page of `runs/search`.
    pub async fn search_runs(&self, req: &SearchRunsRequest) -> ApiResult<SearchRunsResponse> {
        self.post_json("/api/2.0/mlflow/runs/search", req).await
    }

    /// One page of `runs/search`, undecoded: for a listing that reads each run as it decodes
    /// it (see `headless::run_page`).
    pub async fn search_runs_body(&self, req: &SearchRunsRequest) -> ApiResult<JsonBody> {
        self.post_json_body("/api/2.0/mlflow/runs/search", req)
            .await
    }

    pub async fn get_run(&self, run_id: &str) -> ApiResult<Run> {
        const PATH: &str = "/api/2.0/mlflow/runs/get";
        let r: RunResponse = self
            .get_json(PATH, &[("run_id", run_id.to_string())])
            .await?;
        // Older servers name a run by `run_uuid` only.
        let id = format!(
            "{}{}",
            r.run.info.run_id,
            r.run.info.run_uuid.as_deref().unwrap_or("")
        );
        present(r.run, &id, PATH, "run")
    }

    /// One page of `metrics/get-history`.
    pub async fn get_metric_history(
        &self,
        run_id: &str,
        metric_key: &str,
        max_results: Option<i64>,
        page_token: Option<&str>,
    ) -> ApiResult<MetricHistoryResponse> {
        let mut q = vec![
            ("run_id", run_id.to_string()),
            ("metric_key", metric_key.to_string()),
        ];
        if let Some(m) = max_results {
            q.push(("max_results", m.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json("/api/2.0/mlflow/metrics/get-history", &q)
            .await
    }

    /// One page of `artifacts/list` for `run_id`, under `path` (the root when `None`).
    pub async fn list_artifacts(
        &self,
        run_id: &str,
        path: Option<&str>,
        page_token: Option<&str>,
    ) -> ApiResult<ListArtifactsResponse> {
        let mut q = vec![("run_id", run_id.to_string())];
        if let Some(p) = path.filter(|p| !p.is_empty()) {
            q.push(("path", p.to_string()));
        }
        if let Some(t) = page_token {
            q.push(("page_token", t.to_string()));
        }
        self.get_json("/api/2.0/mlflow/artifacts/list", &q).await
    }

    /// Every entry directly under `path`, following page tokens.
    pub async fn list_all_artifacts(
        &self,
        run_id: &str,
        path: Option<&str>,
    ) -> ApiResult<Vec<FileInfo>> {
        collect_pages(
            "artifacts/list",
            |token| async move {
                let r = self.list_artifacts(run_id, path, token.as_deref()).await?;
                Ok(Page {
                    items: r.files,
                    next_page_token: r.next_page_token,
                })
            },
            None,
        )
        .await
    }
}
