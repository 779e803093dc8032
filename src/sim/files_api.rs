//! The Files API's directory calls for run artifacts (`HEAD` and `GET
//! /api/2.0/fs/directories/{path}`). MLflow's client with tracking URI `databricks` lists a run's
//! artifacts there first (`/WorkspaceInternal/Mlflow/Artifacts/{experiment}/Runs/{run}/artifacts`,
//! see `databricks_run_artifact_repo.py`): a directory that does not exist means "no artifacts" to
//! it, so the simulator must answer these for the run's files (`artifacts`) to be seen at all.
//! Other paths are directories that do not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::models::mlflow::FileInfo;

use super::artifacts::{PAGE_SIZE, list_dir};
use super::errors::{ApiError, ApiResult};
use super::paging;
use super::params::Params;
use super::state::AppState;

/// A run's artifact directory named by a Files API path: `(run_id, dir within the artifacts)`.
fn run_dir(path: &str) -> Option<(String, String, String)> {
    let rest = path
        .trim_matches('/')
        .strip_prefix("WorkspaceInternal/Mlflow/Artifacts/")?;
    let mut parts = rest.splitn(4, '/');
    let experiment = parts.next()?;
    if parts.next()? != "Runs" {
        return None;
    }
    let run = parts.next()?;
    let tail = parts.next()?;
    let dir = match tail.split_once('/') {
        Some(("artifacts", dir)) => dir.trim_matches('/'),
        None if tail == "artifacts" => "",
        _ => return None,
    };
    Some((experiment.to_string(), run.to_string(), dir.to_string()))
}

fn missing_dir() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The directory being accessed is not found.",
    )
}

/// The run's entries directly under the directory, with the time they were last written.
fn entries(st: &AppState, path: &str) -> ApiResult<(Vec<FileInfo>, i64)> {
    let (experiment, run_id, dir) = run_dir(path).ok_or_else(missing_dir)?;
    let world = st.world();
    let record = world.find_run(&run_id).ok_or_else(missing_dir)?;
    let info = &record.run.info;
    if info.experiment_id != experiment {
        return Err(missing_dir());
    }
    let written = info.end_time.or(info.start_time).unwrap_or_default();
    let listed = list_dir(&run_id, &dir);
    if listed.is_empty() {
        return Err(missing_dir());
    }
    Ok((listed, written))
}

/// `HEAD`: 200 when the directory exists, 404 otherwise; never a body.
pub(crate) async fn directory_metadata(
    State(st): State<AppState>,
    Path(path): Path<String>,
) -> ApiResult<StatusCode> {
    entries(&st, &path).map(|_| StatusCode::OK)
}

/// `GET`: one page of the directory's entries, each named by its full path.
pub(crate) async fn list_directory(
    State(st): State<AppState>,
    Path(path): Path<String>,
    p: Params,
) -> ApiResult<Json<Value>> {
    let size = match p.i64("page_size")? {
        None | Some(0) => PAGE_SIZE,
        Some(n) if n > 0 => n as usize,
        Some(n) => {
            return Err(ApiError::invalid(format!(
                "Invalid value {n} for parameter 'page_size': it must be positive."
            )));
        }
    };
    let offset = paging::offset(p.str("page_token")?.as_deref())?;
    let (listed, written) = entries(&st, &path)?;
    let (experiment, run_id, _) = run_dir(&path).ok_or_else(missing_dir)?;
    let root = format!("/WorkspaceInternal/Mlflow/Artifacts/{experiment}/Runs/{run_id}/artifacts");
    let (page, next) = paging::page(&listed, offset, size);
    let contents: Vec<Value> = page
        .iter()
        .map(|f| {
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let mut entry = json!({
                "path": format!("{root}/{}", f.path),
                "name": name,
                "is_directory": f.is_dir,
            });
            if !f.is_dir {
                entry["file_size"] = json!(f.file_size.unwrap_or_default());
                entry["last_modified"] = json!(written);
            }
            entry
        })
        .collect();
    let mut body = json!({ "contents": contents });
    if let Some(token) = next {
        body["next_page_token"] = json!(token);
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::run_dir;

    #[test]
    fn run_artifact_paths_are_recognised() {
        let base = "/WorkspaceInternal/Mlflow/Artifacts/42/Runs/abc/artifacts";
        assert_eq!(
            run_dir(base),
            Some(("42".into(), "abc".into(), String::new()))
        );
        assert_eq!(
            run_dir(&format!("{base}/model/")),
            Some(("42".into(), "abc".into(), "model".into()))
        );
        assert_eq!(run_dir("/Volumes/main/x"), None);
        assert_eq!(
            run_dir("/WorkspaceInternal/Mlflow/Artifacts/42/Runs/abc"),
            None
        );
        assert_eq!(
            run_dir("/WorkspaceInternal/Mlflow/Artifacts/42/LoggedModels/m/artifacts"),
            None
        );
    }
}
