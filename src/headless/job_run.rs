//! `mlops-console job-run RUN_ID`: one job run task by task (state, duration, attempt, error),
//! the output or error of each ended task (`runs/get-output` takes the *task* run id: the parent
//! of a multi-task run has none), what a batch-inference run wrote where its tasks report it
//! (rows scored, output table), and the MLflow run it logged.

use std::collections::BTreeMap;

use crate::api::Client;

pub use crate::ops::job_run_view::{JobRunView, MlflowRunRef, TaskView, read};

use super::jobs::parameters_text;
use super::runview::duration;
use super::{exit, output, table};

pub fn render(view: &JobRunView) -> String {
    let r = &view.run;
    let mut out = String::new();
    let mut field = |k: &str, v: String| out.push_str(&format!("{k:<11} {v}\n"));
    field("run_id", r.run_id.to_string());
    field("job_id", view.job_id.to_string());
    field("state", r.state.clone());
    if !r.message.is_empty() {
        field("message", r.message.clone());
    }
    field("start", table::timestamp(r.start_time));
    field("duration", r.duration_ms.map_or("-".into(), duration));
    field("trigger", r.trigger.clone().unwrap_or_else(|| "-".into()));
    field("run_by", r.run_by.clone().unwrap_or_else(|| "-".into()));
    if !r.parameters.is_empty() {
        field("parameters", parameters_text(&r.parameters));
    }
    if !view.wrote.is_empty() {
        let w: Vec<String> = view.wrote.iter().map(|(k, v)| format!("{k}={v}")).collect();
        field("wrote", w.join(" "));
    }
    if let Some(m) = &view.mlflow_run {
        let name = m.run_name.as_deref().unwrap_or("");
        let status = m.status.as_deref().unwrap_or("-");
        field(
            "mlflow_run",
            format!("{} ({name}) {status} in {}", m.run_id, m.experiment),
        );
    }
    if let Some(url) = &r.run_page_url {
        field("url", url.clone());
    }
    let rows: Vec<Vec<String>> = view
        .tasks
        .iter()
        .map(|t| {
            vec![
                t.task_key.clone(),
                t.run_id.to_string(),
                t.state.clone(),
                t.duration_ms.map_or("-".into(), duration),
                t.attempt.map_or("-".into(), |a| a.to_string()),
                t.error.clone().unwrap_or_else(|| t.message.clone()),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&table::render(
            &[
                "TASK",
                "TASK_RUN_ID",
                "STATE",
                "DURATION",
                "ATTEMPT",
                "ERROR",
            ],
            &rows,
        ));
    }
    for t in view.tasks.iter().filter(|t| t.error_trace.is_some()) {
        out.push_str(&format!("\n{} failed:\n", t.task_key));
        for line in t.error_trace.as_deref().unwrap_or("").lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// `job-run RUN_ID [--json]`; exit 0 whatever state the run is in.
pub async fn show(
    client: &Client,
    run_id: i64,
    json: bool,
    training_jobs: &BTreeMap<String, i64>,
) -> i32 {
    match read(client, run_id, training_jobs).await {
        Ok(view) => {
            if json {
                output::json(&view);
            } else {
                output::print(&render(&view));
            }
            exit::OK
        }
        Err(e) if e.is_not_found() => {
            crate::eprintln_escaped!("error: job run {run_id} not found ({e})");
            exit::NOT_FOUND
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            exit::for_api_error(&e)
        }
    }
}
