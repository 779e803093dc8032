//! The async side of the runs screens: run searches page by page, metric histories following
//! `next_page_token`, sweeps and comparisons.

use futures::future::try_join_all;

use crate::api::models::mlflow::{FileInfo, Run, SearchRunsRequest};
use crate::api::paging::PageGuard;
use crate::api::{ApiResult, Client};
use crate::ops::run_filter;
use crate::ops::sweep::Trial;

use super::super::chart::{HistPoint, History};
use super::super::msg::{CompareHistories, RunPage, SweepData};
use super::super::screens::runs::PAGE_SIZE;

/// Points per `get-history` page.
pub const HISTORY_PAGE: i64 = 1000;
/// A history stops loading here (and says so): a chart needs far fewer points.
pub const MAX_HISTORY_POINTS: usize = 100_000;
/// Children of one parent read at most (pages of 1000).
pub const MAX_TRIALS: usize = 5_000;

/// One page after `page_token`, or pages from the start until `min_rows` are loaded.
pub(super) async fn runs(
    client: &Client,
    experiment_id: String,
    filter: Option<String>,
    order_by: Vec<String>,
    page_token: Option<String>,
    min_rows: usize,
) -> ApiResult<RunPage> {
    let append = page_token.is_some();
    let mut out = Vec::new();
    let mut token = page_token;
    let mut guard = PageGuard::new("runs/search");
    loop {
        let req = SearchRunsRequest {
            experiment_ids: vec![experiment_id.clone()],
            filter: filter.clone(),
            max_results: Some(PAGE_SIZE as i64),
            order_by: order_by.clone(),
            page_token: token.take(),
            ..Default::default()
        };
        let r = client.search_runs(&req).await?;
        out.extend(r.runs);
        token = guard.next(r.next_page_token)?;
        if append || out.len() >= min_rows || token.is_none() {
            break;
        }
    }
    Ok(RunPage {
        runs: out,
        next_page_token: token,
        append,
    })
}

/// Every page of one metric's history, up to [`MAX_HISTORY_POINTS`], ordered by step.
pub(crate) async fn history(client: &Client, run_id: &str, key: &str) -> ApiResult<History> {
    let mut h = History::default();
    let mut token: Option<String> = None;
    let mut guard = PageGuard::new("metrics/get-history");
    loop {
        let page = client
            .get_metric_history(run_id, key, Some(HISTORY_PAGE), token.as_deref())
            .await?;
        h.points.extend(page.metrics.iter().map(|m| HistPoint {
            step: m.step,
            timestamp: m.timestamp,
            value: m.value,
        }));
        token = guard.next(page.next_page_token)?;
        if token.is_none() {
            break;
        }
        if h.points.len() >= MAX_HISTORY_POINTS {
            h.truncated = true;
            break;
        }
    }
    h.points.sort_by_key(|p| (p.step, p.timestamp));
    Ok(h)
}

/// Several metrics of one run, concurrently.
pub(super) async fn histories(
    client: &Client,
    run_id: &str,
    keys: Vec<String>,
) -> ApiResult<Vec<(String, History)>> {
    let loads = keys.iter().map(|k| history(client, run_id, k));
    let hs = try_join_all(loads).await?;
    Ok(keys.into_iter().zip(hs).collect())
}

/// Directories of a run's artifact root listed one level down, at most this many.
const ARTIFACT_DIRS: usize = 8;

/// The artifact root's entries, each directory followed by its own entries (one level).
pub(super) async fn artifacts(client: &Client, run_id: &str) -> ApiResult<Vec<FileInfo>> {
    let root = client.list_all_artifacts(run_id, None).await?;
    let dirs: Vec<&FileInfo> = root
        .iter()
        .filter(|f| f.is_dir)
        .take(ARTIFACT_DIRS)
        .collect();
    let inside = try_join_all(
        dirs.iter()
            .map(|d| client.list_all_artifacts(run_id, Some(&d.path))),
    )
    .await?;
    let mut out = Vec::new();
    for entry in &root {
        out.push(entry.clone());
        if let Some(i) = dirs.iter().position(|d| d.path == entry.path) {
            out.extend(inside[i].iter().cloned());
        }
    }
    Ok(out)
}

/// Runs by id, concurrently, in the order asked.
pub(super) async fn runs_by_id(client: &Client, run_ids: &[String]) -> ApiResult<Vec<Run>> {
    try_join_all(run_ids.iter().map(|id| client.get_run(id))).await
}

/// One metric's history for each run (an empty history where a run never logged it).
pub(super) async fn compare_histories(
    client: &Client,
    run_ids: &[String],
    key: String,
) -> ApiResult<CompareHistories> {
    let histories = try_join_all(run_ids.iter().map(|id| history(client, id, &key))).await?;
    Ok(CompareHistories { key, histories })
}

/// The parent run, then its children by the `mlflow.parentRunId` tag.
pub(super) async fn sweep(client: &Client, run_id: &str) -> ApiResult<SweepData> {
    let parent = client.get_run(run_id).await?;
    let filter = format!(
        "{} = {}",
        run_filter::qualified("tags", "mlflow.parentRunId"),
        run_filter::literal(run_id)
    );
    let mut trials = Vec::new();
    let mut token: Option<String> = None;
    let mut guard = PageGuard::new("runs/search");
    let truncated = loop {
        let req = SearchRunsRequest {
            experiment_ids: vec![parent.info.experiment_id.clone()],
            filter: Some(filter.clone()),
            max_results: Some(1000),
            page_token: token.take(),
            ..Default::default()
        };
        let r = client.search_runs(&req).await?;
        trials.extend(r.runs.iter().map(Trial::from_run));
        token = guard.next(r.next_page_token)?;
        if token.is_none() {
            break false;
        }
        if trials.len() >= MAX_TRIALS {
            break true;
        }
    };
    Ok(SweepData {
        parent,
        trials,
        truncated,
    })
}
