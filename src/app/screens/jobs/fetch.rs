//! The runtime side of the Jobs room: its reads (the readers of `ops::job_list` and
//! `ops::job_run_view`, shared with the headless `jobs` / `job` / `job-run`) and its changes,
//! each through the one change pipeline (journaled, judged from a read-back): `run-now` with a
//! fresh idempotency token (`ops::launch`), cancel (`ops::jobs`) and repair (`ops::job_repair`).

use crate::api::models::jobs::RunNowRequest;
use crate::ops::ChangeContext;
use crate::ops::job_repair::repair_run;
use crate::ops::jobs::{Poll, cancel_run};
use crate::ops::launch::{idempotency_token, launch_job};

use super::super::super::fetch::Env;
use super::{Change, ChangeDone, Fetch, Loaded, MAX_RUNS};

/// Runs one read of the room.
pub(crate) async fn run(env: &Env, fetch: Fetch) -> Loaded {
    let client = &env.client;
    match fetch {
        Fetch::List => Loaded::List(
            crate::ops::job_list::read_jobs(client)
                .await
                .map_err(Into::into),
        ),
        Fetch::Runs {
            job_id,
            active_only,
        } => {
            let read = async {
                let job = client.get_job(job_id).await?;
                crate::ops::job_list::read_job_runs(client, &job, active_only, MAX_RUNS).await
            };
            Loaded::Runs(read.await.map_err(Into::into))
        }
        Fetch::Run {
            run_id,
            training_jobs,
            known,
        } => Loaded::Run(
            crate::ops::job_run_view::read_known(client, run_id, &training_jobs, &known)
                .await
                .map(Box::new)
                .map_err(Into::into),
        ),
        Fetch::Attention => Loaded::Attention(
            crate::ops::job_attention::read(client)
                .await
                .map(Box::new)
                .map_err(Into::into),
        ),
        Fetch::Job { job_id } => Loaded::Job(
            client
                .get_job(job_id)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string()),
        ),
    }
}

async fn context(env: &Env) -> ChangeContext {
    ChangeContext {
        profile: env.profile.clone(),
        actor: env.client.me().await.ok().map(|me| me.user_name),
        production: env.production,
    }
}

/// Runs one confirmed change through the pipeline. An error before sending is "not sent".
pub(crate) async fn apply(env: &Env, change: Change) -> Loaded {
    let ctx = context(env).await;
    let journal = env.journal();
    let not_sent = |change: Change, message: String| ChangeDone {
        change,
        outcome: None,
        run_id: None,
        message,
        journal_id: None,
    };
    let done = match &change {
        Change::RunNow {
            job_id,
            job_name,
            overrides,
        } => {
            // One token per confirmed run: the pipeline's resend of a lost answer reuses it,
            // so the server never starts a second run.
            let body = RunNowRequest {
                job_id: *job_id,
                job_parameters: overrides.clone(),
                idempotency_token: Some(idempotency_token("jobs")),
                ..Default::default()
            };
            match launch_job(&env.client, &journal, &ctx, job_name, &body).await {
                Ok(l) => ChangeDone {
                    change: change.clone(),
                    outcome: Some(l.outcome),
                    run_id: l.run_id,
                    message: l.message,
                    journal_id: Some(l.id),
                },
                Err(e) => not_sent(change.clone(), e.to_string()),
            }
        }
        Change::Cancel { run_id, .. } => {
            match cancel_run(&env.client, &journal, &ctx, *run_id, Poll::real()).await {
                Ok(o) => ChangeDone {
                    change: change.clone(),
                    outcome: Some(o.outcome),
                    run_id: Some(*run_id),
                    message: o.message,
                    journal_id: Some(o.id),
                },
                Err(e) => not_sent(change.clone(), e.to_string()),
            }
        }
        Change::Repair { run_id, .. } => {
            match repair_run(&env.client, &journal, &ctx, *run_id).await {
                Ok(o) => ChangeDone {
                    change: change.clone(),
                    outcome: Some(o.outcome),
                    run_id: Some(*run_id),
                    message: o.message,
                    journal_id: Some(o.id),
                },
                Err(e) => not_sent(change.clone(), e.to_string()),
            }
        }
    };
    Loaded::Changed(Box::new(done))
}
