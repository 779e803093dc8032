//! `…/served-models/{served}/logs` (recent model-server lines) and `…/build-logs` (the
//! container build), as `{"logs": "…"}`. Lines are a pure function of the seed, the entity and
//! the clock: the server log shows the gunicorn start-up and then the last minute of requests,
//! with tracebacks and worker timeouts when the entity is failing.

use std::fmt::Write;

use axum::Json;
use axum::extract::{Path, State};

use crate::api::models::serving::{DeploymentState, ServedEntity};
use crate::api::models::serving_config::LogsResponse;
use crate::sim::errors::{ApiError, ApiResult};
use crate::sim::state::AppState;

use super::build::Build;
use super::profile::{Rng, name_hash, profile};

/// The entity, its share, what it is, the seed and now.
type Found = (ServedEntity, f64, Build, u64, i64);

fn find(st: &AppState, endpoint: &str, served: &str) -> ApiResult<Found> {
    let world = st.world();
    let ep = world.endpoint(endpoint).ok_or_else(|| {
        ApiError::not_found(format!("Endpoint with name '{endpoint}' does not exist."))
    })?;
    let live = ep.config.iter();
    let pending = ep.pending_config.iter();
    let entity = live
        .chain(pending)
        .flat_map(|c| c.served_entities.iter())
        .find(|e| e.name == served)
        .cloned()
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Served model '{served}' does not exist in endpoint '{endpoint}'."
            ))
        })?;
    let share = crate::ops::traffic::Split::of_endpoint(ep).percent(served) as f64 / 100.0;
    let build = Build::of(
        &world,
        entity.entity_name.as_deref().unwrap_or_default(),
        entity.entity_version.as_deref().unwrap_or_default(),
    );
    Ok((entity, share, build, world.seed, st.clock().now_ms()))
}

fn stamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn deployment(e: &ServedEntity) -> Option<DeploymentState> {
    e.state.as_ref().and_then(|s| s.deployment.clone())
}

pub(crate) async fn server_logs(
    State(st): State<AppState>,
    Path((endpoint, served)): Path<(String, String)>,
) -> ApiResult<Json<LogsResponse>> {
    let (e, share, build, seed, now) = find(&st, &endpoint, &served)?;
    let mut out = String::new();
    let replica: String = format!("{:05x}", name_hash(&e.name) & 0xFFFFF);
    if matches!(
        deployment(&e),
        Some(DeploymentState::Failed | DeploymentState::Creating)
    ) {
        return Ok(Json(LogsResponse { logs: out }));
    }
    let entity_name = e.entity_name.clone().unwrap_or_default();
    let version = e.entity_version.clone().unwrap_or_default();
    let started = e.creation_timestamp.unwrap_or(now).min(now);
    let boot = [
        "[INFO] Starting gunicorn 22.0.0",
        "[INFO] Listening at: http://0.0.0.0:8080 (1)",
        "[INFO] Using worker: sync",
        "[INFO] Booting worker with pid: 7",
        "[INFO] Booting worker with pid: 8",
    ];
    for (i, line) in boot.iter().enumerate() {
        let pid = if i < 3 { 1 } else { 4 + i };
        let _ = writeln!(
            out,
            "[{replica}] [{}] [{pid}] {line}",
            stamp(started + i as i64 * 400)
        );
    }
    let _ = writeln!(
        out,
        "[{replica}] {} INFO mlflow.pyfunc.scoring_server: Loaded model {entity_name} version \
         {version} (flavor sklearn)",
        iso(started + 2_600)
    );
    let p = profile(&entity_name, &version, build, share);
    if share == 0.0 {
        return Ok(Json(LogsResponse { logs: out }));
    }
    // The last minute of requests, one line every two seconds.
    let start = (now - 60_000).max(started + 3_000) / 2_000 * 2_000;
    let mut t = start;
    while t <= now {
        let mut rng = Rng::new(seed ^ name_hash(&e.name) ^ (t as u64));
        let latency = p.sample_ms(&mut rng);
        let ip = format!("10.0.{}.{}", rng.next_u64() % 8, 2 + rng.next_u64() % 200);
        // Errors are shown a little more often than they happen, so a failing entity's log
        // shows its failure within a minute.
        let failed = rng.uniform() < (p.p5xx * 4.0).min(0.5);
        let pid = 7 + rng.next_u64() % 2;
        if failed && p.p5xx > 0.01 {
            let _ = writeln!(
                out,
                "[{replica}] [{}] [1] [CRITICAL] WORKER TIMEOUT (pid:{pid})",
                stamp(t)
            );
            let _ = writeln!(
                out,
                "[{replica}] {} ERROR mlflow.pyfunc.scoring_server: Exception on /invocations \
                 [POST]\nTraceback (most recent call last):\n  File \"/opt/conda/lib/python3.11/\
                 site-packages/mlflow/pyfunc/scoring_server/__init__.py\", line 361, in \
                 transformation\n    raw_predictions = model.predict(data, params=params)\n\
                 TimeoutError: prediction did not finish within 30 s (queue depth 48)",
                iso(t + 1)
            );
        } else {
            let status = if failed { 500 } else { 200 };
            let _ = writeln!(
                out,
                "[{replica}] {} INFO {ip} - \"POST /invocations HTTP/1.1\" {status} {latency:.1}ms",
                iso(t)
            );
        }
        t += 2_000;
    }
    Ok(Json(LogsResponse { logs: out }))
}

pub(crate) async fn build_logs(
    State(st): State<AppState>,
    Path((endpoint, served)): Path<(String, String)>,
) -> ApiResult<Json<LogsResponse>> {
    let (e, _, _, _, now) = find(&st, &endpoint, &served)?;
    let entity_name = e.entity_name.clone().unwrap_or_default();
    let version = e.entity_version.clone().unwrap_or_default();
    let created = e.creation_timestamp.unwrap_or(now).min(now);
    let state = deployment(&e);
    let steps: Vec<String> = vec![
        format!("Container image build started for {entity_name} version {version}."),
        format!("Downloading model artifacts from models:/{entity_name}/{version}"),
        "Base image: databricks/model-serving:cpu-py311 (sha256:9c41e7b2)".to_string(),
        "Creating conda environment from conda.yaml (python=3.11.9)".to_string(),
        "Installing dependencies from requirements.txt".to_string(),
        "Collecting mlflow==2.19.0".to_string(),
        "Collecting scikit-learn==1.5.2".to_string(),
        "Collecting pandas==2.2.3".to_string(),
    ];
    let mut out = String::new();
    let mut t = created;
    let mut line = |text: &str, t: &mut i64| {
        let _ = writeln!(out, "{} {text}", iso(*t));
        *t += 7_000;
    };
    for s in &steps {
        if state == Some(DeploymentState::Creating) && t > now {
            break;
        }
        line(s, &mut t);
    }
    match state {
        Some(DeploymentState::Failed) => {
            for s in [
                "Collecting lightgbm==4.9.0",
                "ERROR: Could not find a version that satisfies the requirement lightgbm==4.9.0 \
                 (from versions: 3.3.5, 4.0.0, 4.1.0, 4.2.0, 4.3.0, 4.4.0, 4.5.0, 4.6.0)",
                "ERROR: ResolutionImpossible: No matching distribution found for lightgbm==4.9.0",
                "Container image build failed: pip install exited with code 1.",
            ] {
                line(s, &mut t);
            }
        }
        Some(DeploymentState::Creating) => {
            if t <= now {
                line("Building wheels for collected packages ...", &mut t);
            }
        }
        _ => {
            for s in [
                "Successfully installed mlflow-2.19.0 pandas-2.2.3 scikit-learn-1.5.2",
                "Exporting layers ...",
                "Container image build succeeded.",
            ] {
                line(s, &mut t);
            }
        }
    }
    Ok(Json(LogsResponse { logs: out }))
}
