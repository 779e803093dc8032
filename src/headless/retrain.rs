//! `mlops-console retrain MODEL [--reason TEXT] [--monitor T --window W --feature F] [--wait]
//! [--yes] [--confirm MODEL] [--json]`: runs the model's retraining job now (`ops::retrain`),
//! the headless twin of `T`. Same rules as every change: read-only refuses before anything is
//! sent, the plan is printed, `--yes` applies, production profiles also need `--confirm` with
//! the model's name; journaled as a `retrain` with its reason. With `--wait` the run is followed
//! to its end and the version it registered is printed. Progress goes to stderr.
//!
//! Exit codes: 0 when the run was started (with `--wait`: it succeeded and its version was
//! found); 1 when the run failed or could not be followed; 6 when the start (or, with `--wait`,
//! the registered version) could not be verified; 3 / 2 / 8 when no single job retrains the
//! model (none, several, a configured job that does not exist); 4 refused.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;
use serde_json::json;

use crate::api::Client;
use crate::api::models::jobs::JobRun;
use crate::config::retraining::RetrainingJobs;
use crate::ops::change::execute::ChangeContext;
use crate::ops::error::OpError;
use crate::ops::jobs::Poll;
use crate::ops::journal::Outcome;
use crate::ops::launch::idempotency_token;
use crate::ops::retrain::{
    JobSource, LookupError, RetrainEnd, RetrainError, RetrainJob, RetrainRequest, Started,
    find_job, follow, retrain,
};

use super::change::{self, ChangeProfile};
use super::change_args::ConfirmArgs;
use super::{exit, output};

#[derive(Debug, Clone, Args)]
pub struct RetrainArgs {
    /// The model to retrain (`catalog.schema.model`).
    pub model: String,
    /// Why (sent to the job as its `reason` parameter and journaled).
    #[arg(long, default_value = "manual")]
    pub reason: String,
    /// The monitored table that showed the problem (sent as `monitor`).
    #[arg(long, value_name = "TABLE")]
    pub monitor: Option<String>,
    /// The window (its start) that showed it (sent as `window`).
    #[arg(long, value_name = "START")]
    pub window: Option<String>,
    /// The feature that drifted (sent as `feature`).
    #[arg(long)]
    pub feature: Option<String>,
    /// Follow the run to its end (progress on stderr) and print the version it registered.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// What `retrain` would start.
#[derive(Debug, Clone, Serialize)]
struct RetrainPlan<'a> {
    job: &'a RetrainJob,
    request: &'a RetrainRequest,
    parameters: BTreeMap<String, String>,
}

fn plan_text(plan: &RetrainPlan<'_>, host: &str, session: &ChangeProfile) -> String {
    let job = plan.job;
    let found = match job.source {
        JobSource::Config => "[retraining] in config.toml",
        JobSource::Tag => "its mlops.retrains tag",
    };
    let params: Vec<String> = plan
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let mut text = format!(
        "retrain {} with job {} ({}, found by {found}) on {host} (profile {})\n  parameters: \
         {}\n",
        plan.request.model,
        job.name,
        job.job_id,
        session.profile,
        params.join(", ")
    );
    if session.production {
        text.push_str("  production profile\n");
    }
    text
}

fn lookup_code(e: &LookupError) -> i32 {
    match e {
        LookupError::NoJob { .. } => exit::NOT_FOUND,
        LookupError::SeveralJobs { .. } => exit::USAGE,
        LookupError::ConfiguredJobMissing { .. } => exit::CONFIG,
        LookupError::Api(e) => exit::for_api_error(e),
    }
}

/// The exit code of a retrain that did not start as intended.
pub fn code_for(e: &RetrainError) -> i32 {
    match e {
        RetrainError::Lookup(l) => lookup_code(l),
        RetrainError::Op(e) => change::code_for(e),
        RetrainError::Launch(l) => match (l.outcome, &l.error) {
            (Outcome::Failed, Some(e)) => exit::for_api_error(e),
            _ => exit::VERIFY_FAILED,
        },
    }
}

/// The exit code of a followed run: 0 succeeded with its version found.
pub fn code_for_end(end: &RetrainEnd) -> i32 {
    match (end.succeeded, &end.version) {
        (false, _) => exit::FAILURE,
        (true, Some(_)) => exit::OK,
        (true, None) => exit::VERIFY_FAILED,
    }
}

fn report_error(e: &RetrainError, json_out: bool) -> i32 {
    if json_out {
        output::json(&json!({ "executed": false, "error": e.to_string() }));
    }
    match e {
        RetrainError::Op(OpError::ReadOnly(_)) => crate::eprintln_escaped!(
            "error: read-only profile: `retrain` starts a job run (POST /api/2.2/jobs/run-now) \
             and was refused before anything was sent"
        ),
        other => crate::eprintln_escaped!("error: {other}"),
    }
    code_for(e)
}

/// A poll that tells stderr each new state of the run.
fn logged_poll() -> Poll<'static> {
    let mut last = String::new();
    Poll::real().on_update(move |run: &JobRun| {
        let label = run.state_label();
        if label != last {
            crate::eprintln_escaped!("run {}: {label}", run.run_id);
            last = label;
        }
    })
}

fn render_end(started: &Started, end: &RetrainEnd) -> String {
    let mut text = format!("run_id     {}\nstate      {}\n", end.run_id, end.state);
    if !end.message.is_empty() {
        text.push_str(&format!("message    {}\n", end.message));
    }
    if let Some(v) = &end.version {
        text.push_str(&format!("{}\n", v.describe()));
    }
    text.push_str(&format!("journal    {}\n", started.journal_id));
    text
}

/// `retrain MODEL …` (see the module comment). `retraining` is `[retraining]` of config.toml.
pub async fn run(
    client: &Client,
    session: &ChangeProfile,
    retraining: &RetrainingJobs,
    args: &RetrainArgs,
) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "retrain") {
        return code;
    }
    let json_out = args.confirm.json;
    let request = RetrainRequest {
        monitor: args.monitor.clone(),
        window: args.window.clone(),
        feature: args.feature.clone(),
        ..RetrainRequest::new(&args.model, &args.reason)
    };
    if request.reason.is_empty() {
        crate::eprintln_escaped!("error: --reason must not be empty");
        return exit::USAGE;
    }
    let job = match find_job(client, retraining, &request.model).await {
        Ok(j) => j,
        Err(e) => return report_error(&RetrainError::Lookup(e), json_out),
    };
    let plan = RetrainPlan {
        job: &job,
        request: &request,
        parameters: request.parameters(),
    };
    let held = change::confirmation(&request.model, "model", session, &args.confirm);
    if json_out {
        if held.is_err() {
            output::json(&json!({ "plan": plan, "executed": false }));
        }
    } else {
        output::print(&plan_text(&plan, client.host(), session));
    }
    if let Err(hold) = held {
        return hold.report();
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let token = idempotency_token("retrain");
    let started = match retrain(client, &session.journal(), &ctx, &job, &request, token).await {
        Ok(s) => s,
        Err(e) => return report_error(&e, json_out),
    };
    if let Some(w) = &started.launch.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    crate::eprintln_escaped!(
        "Started run {} of {} (journal {})",
        started.run_id,
        job.name,
        started.journal_id
    );
    if !args.wait {
        if json_out {
            output::json(&json!({
                "plan": plan, "executed": true,
                "journal_id": started.journal_id, "run_id": started.run_id,
            }));
        } else {
            output::print(&format!(
                "run_id     {}\njournal    {}\n",
                started.run_id, started.journal_id
            ));
        }
        return exit::OK;
    }
    let end = follow(
        client,
        started.run_id,
        &request.model,
        logged_poll(),
        &session.training_jobs,
        &session.approvals,
    )
    .await;
    let end = match end {
        Ok(end) => end,
        Err(e) => {
            crate::eprintln_escaped!(
                "error: run {} was started, but it could not be followed to its end: {e}; see \
                 `mlops-console job-run {}`",
                started.run_id,
                started.run_id
            );
            return exit::FAILURE;
        }
    };
    if json_out {
        output::json(&json!({
            "plan": plan, "executed": true, "journal_id": started.journal_id, "outcome": end,
        }));
    } else {
        output::print(&render_end(&started, &end));
    }
    if !end.succeeded {
        crate::eprintln_escaped!(
            "error: run {} ended {}{}",
            end.run_id,
            end.state,
            if end.message.is_empty() {
                String::new()
            } else {
                format!(": {}", end.message)
            }
        );
    } else if let Some(why) = &end.version_missing {
        crate::eprintln_escaped!("error: {why}");
    }
    code_for_end(&end)
}
