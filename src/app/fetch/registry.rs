//! The async side of the registry screens and changes: model lists, the journal, planning a
//! change, applying it through `ops::execute`, and verifying unknown journal entries.

use crate::api::models::jobs::{RunNowRequest, RunNowResponse};
use crate::api::{ApiError, ApiResult};
use crate::ops::error::OpError;
use crate::ops::launch::launch_job;
use std::path::PathBuf;

use crate::api::Client;
use crate::config::ApprovalSettings;
use crate::ops::change::verify::verify_unknown;
use crate::ops::journal::Outcome;
use crate::ops::rollback::{self, RollbackPlan};
use crate::ops::{ChangeContext, ChangeOutcome, Journal, Plan, approvals, execute, promote};

use super::super::effect::ChangeRequest;
use super::super::msg::Prepared;

/// What the runtime knows beyond the client: where the journal lives and who is changing what.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub client: Client,
    pub data_dir: PathBuf,
    pub approvals: ApprovalSettings,
    pub profile: String,
    pub production: bool,
    pub monitoring: crate::app::context::MonitoringContext,
    /// The alerts' gatherer, kept across evaluations (it remembers endpoint scrapes).
    pub alerts: std::sync::Arc<tokio::sync::Mutex<crate::ops::alerts::Gatherer>>,
}

impl Env {
    pub fn journal(&self) -> Journal {
        Journal::in_dir(&self.data_dir)
    }
}

async fn actor(client: &Client) -> Option<String> {
    client.me().await.ok().map(|me| me.user_name)
}

pub(crate) async fn journal(env: &Env) -> Result<Box<crate::ops::journal::JournalView>, String> {
    let journal = env.journal();
    journal
        .read()
        .map(Box::new)
        .map_err(|e| format!("cannot read {}: {e}", journal.path().display()))
}

/// Reads what the change needs and plans it; nothing is sent.
pub(crate) async fn prepare(env: &Env, req: ChangeRequest) -> Result<Prepared, String> {
    let client = &env.client;
    match req {
        ChangeRequest::Promote(r) => promote::prepare(client, &r, &env.approvals)
            .await
            .map(|p| Prepared::Plan(Box::new(p)))
            .map_err(|e| e.to_string()),
        ChangeRequest::Rollback(r) => {
            let view = journal(env).await?;
            match rollback::prepare(client, &view, &r).await {
                Ok(RollbackPlan::Plan(p)) => Ok(Prepared::Plan(p)),
                Ok(RollbackPlan::Candidates(c)) => Ok(Prepared::Candidates(Box::new(c))),
                Err(e) => Err(e.to_string()),
            }
        }
        // The runtime plans traffic with progress (`serving::prepare_traffic`); this path
        // (no progress) serves callers without a message channel.
        ChangeRequest::Traffic(r) => {
            super::serving::prepare_traffic(env, &r, std::sync::Arc::new(|_| {})).await
        }
        ChangeRequest::Decide(r) => {
            let who = actor(client).await;
            approvals::prepare_decision(client, &env.approvals, who.as_deref(), &r)
                .await
                .map(|p| Prepared::Plan(Box::new(p)))
                .map_err(|e| e.to_string())
        }
    }
}

/// Journal → send → read back → journal. `Err` means nothing was sent.
pub(crate) async fn apply(env: &Env, plan: &Plan) -> Result<Box<ChangeOutcome>, String> {
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: actor(&env.client).await,
        production: env.production,
    };
    execute(&env.client, &env.journal(), &ctx, plan)
        .await
        .map(Box::new)
        .map_err(|e| e.to_string())
}

/// Starts a job run through the journal (`ops::launch`). Anything but a verified start is an
/// error whose text says what happened, with the journal id for unknown outcomes.
pub(crate) async fn launch(env: &Env, body: &RunNowRequest) -> ApiResult<RunNowResponse> {
    let ctx = ChangeContext {
        profile: env.profile.clone(),
        actor: actor(&env.client).await,
        production: env.production,
    };
    // The journal names the job; its id alone would read poorly in the Audit screen.
    let job = match env.client.get_job(body.job_id).await {
        Ok(j) => j.display_name(),
        Err(_) => body.job_id.to_string(),
    };
    let launched = match launch_job(&env.client, &env.journal(), &ctx, &job, body).await {
        Ok(l) => l,
        Err(OpError::ReadOnly(_)) => {
            return Err(ApiError::ReadOnly {
                method: "POST".into(),
                path: "/api/2.2/jobs/run-now".into(),
            });
        }
        Err(e) => {
            return Err(ApiError::Setup {
                message: e.to_string(),
            });
        }
    };
    match (launched.outcome, launched.run_id, launched.error) {
        (Outcome::Ok, Some(run_id), _) => Ok(RunNowResponse {
            run_id,
            ..Default::default()
        }),
        (Outcome::Failed, _, Some(e)) => Err(e),
        _ => Err(ApiError::Decode {
            path: format!("jobs/run-now (journal {})", launched.id),
            message: launched.message,
        }),
    }
}

/// Re-reads every unknown entry of this workspace and records what is there.
pub(crate) async fn verify(env: &Env) -> Result<String, String> {
    let done = verify_unknown(&env.client, &env.journal())
        .await
        .map_err(|e| e.to_string())?;
    if done.is_empty() {
        return Ok("nothing to verify: no unknown changes on this workspace".into());
    }
    let mut ok = 0;
    let mut not = 0;
    let mut failed = Vec::new();
    for (id, r) in &done {
        match r {
            Ok(rec) if rec.outcome == Outcome::Ok => ok += 1,
            Ok(_) => not += 1,
            Err(e) => failed.push(format!("{id}: {e}")),
        }
    }
    let mut text = format!("verified {}: {ok} in place, {not} not applied", done.len());
    if !failed.is_empty() {
        text.push_str(&format!("; could not read {}", failed.join(", ")));
    }
    Ok(text)
}
