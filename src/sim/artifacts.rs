//! `GET /api/2.0/mlflow/artifacts/list` (reference §3.2): every run has a logged model
//! (`model/` with `MLmodel`, `conda.yaml`, `model.pkl`, `requirements.txt`) and `plots/` of PNGs.
//!
//! Listings are of one directory, entries named by their full path from the run's root (listing
//! `model` answers `model/MLmodel`, ...), directories without a size, as the OSS server answers.
//! File sizes are a stable function of run and path. Pages hold [`PAGE_SIZE`] entries, few
//! enough that `plots/` takes two pages: clients must follow `next_page_token`, as they must on
//! Databricks, where DBFS listings are paged.

use axum::Json;
use axum::extract::State;

use crate::api::models::mlflow::{FileInfo, ListArtifactsResponse};

use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::state::AppState;

pub(crate) const PAGE_SIZE: usize = 5;

/// Every file a run has, with the range its size is drawn from (bytes).
const FILES: &[(&str, u64, u64)] = &[
    ("model/MLmodel", 450, 900),
    ("model/conda.yaml", 200, 320),
    ("model/model.pkl", 150_000, 900_000),
    ("model/requirements.txt", 80, 160),
    ("plots/calibration.png", 20_000, 60_000),
    ("plots/confusion_matrix.png", 15_000, 40_000),
    ("plots/feature_importance.png", 30_000, 90_000),
    ("plots/pr_curve.png", 20_000, 60_000),
    ("plots/roc_curve.png", 20_000, 60_000),
    ("plots/shap_summary.png", 60_000, 160_000),
];

/// FNV-1a: a stable hash of (run, path) for file sizes.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The entries directly under `dir` ("" is the root), sorted by path.
pub(crate) fn list_dir(run_id: &str, dir: &str) -> Vec<FileInfo> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut out: Vec<FileInfo> = Vec::new();
    for &(path, lo, hi) in FILES {
        let Some(rest) = path.strip_prefix(&prefix) else {
            continue;
        };
        match rest.split_once('/') {
            // A subdirectory: listed once.
            Some((sub, _)) => {
                let sub_path = format!("{prefix}{sub}");
                if !out.iter().any(|f| f.path == sub_path) {
                    out.push(FileInfo {
                        path: sub_path,
                        is_dir: true,
                        file_size: None,
                    });
                }
            }
            None => out.push(FileInfo {
                path: path.to_string(),
                is_dir: false,
                file_size: Some((lo + fnv(&[run_id, path]) % (hi - lo)) as i64),
            }),
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

pub(crate) async fn list(
    State(st): State<AppState>,
    p: Params,
) -> ApiResult<Json<ListArtifactsResponse>> {
    let run_id = p.required_str_any(&["run_id", "run_uuid"])?;
    let dir = p.str("path")?.unwrap_or_default();
    let dir = dir.trim_matches('/');
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let root_uri = {
        let world = st.world();
        let record = world
            .find_run(&run_id)
            .ok_or_else(|| ApiError::not_found(format!("Run with id={run_id} not found")))?;
        record.run.info.artifact_uri.clone()
    };
    // A path that is a file or does not exist lists nothing, as on the OSS server.
    let entries = list_dir(&run_id, dir);
    let (files, next_page_token) = paging::page(&entries, offset, PAGE_SIZE);
    Ok(Json(ListArtifactsResponse {
        root_uri,
        files,
        next_page_token,
    }))
}
