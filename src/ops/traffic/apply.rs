//! The one path every serving change takes (PRODUCT §4):
//!
//! 1. wait until the endpoint is not updating (Databricks allows one config update at a time);
//! 2. re-read it: refuse a stale plan (someone else changed the config since it was made) and
//!    skip a change that is already there;
//! 3. journal the attempt (fsynced) before the request;
//! 4. `PUT …/config` with every served entity kept and the new routes. A 409
//!    `RESOURCE_CONFLICT` means another update started meanwhile: wait for it, re-read, and send
//!    again only if the endpoint still shows our "before" (never twice: if it already shows our
//!    "after", nothing more is sent; if it shows something else, the change stops as stale);
//! 5. wait for the update to finish and verify by reading back;
//! 6. journal the result: ok, failed (refused, or `UPDATE_FAILED`), unknown (the answer or
//!    the read-back was lost: it may have happened, and it is never re-sent blindly), or
//!    verify failed.

use crate::api::{ApiError, Client, ErrorKind};
use crate::ops::change::execute::{ChangeContext, ChangeOutcome, FailureKind};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record, ResultRecord, Via};

use super::config::EndpointConfigState;
use super::plan::TrafficPlan;
use super::wait::{Progress, WaitError, Waiter, until_idle};

/// At most this many 409 rounds before giving up (each waits for the other update to finish).
const MAX_CONFLICTS: u32 = 20;

enum Sent {
    /// Accepted (or found already applied after a conflict).
    Accepted,
    Refused(ApiError),
    /// No answer: it may have been applied.
    Lost(String),
    /// While we waited our turn, someone else changed the config to something else.
    Overtaken(EndpointConfigState),
}

async fn send(
    client: &Client,
    plan: &TrafficPlan,
    waiter: &mut Waiter<'_>,
) -> Result<Sent, WaitError> {
    let mut conflicts = 0;
    loop {
        match client
            .update_endpoint_config(&plan.endpoint, &plan.after.to_input())
            .await
        {
            Ok(_) | Err(ApiError::Decode { .. }) => return Ok(Sent::Accepted),
            Err(e @ (ApiError::Transport { .. } | ApiError::Timeout { .. })) => {
                return Ok(Sent::Lost(e.to_string()));
            }
            Err(e) if e.kind() == Some(ErrorKind::Conflict) && conflicts < MAX_CONFLICTS => {
                conflicts += 1;
                (waiter.on_progress)(&Progress::Conflict { attempt: conflicts });
                let ep = until_idle(client, &plan.endpoint, waiter).await?;
                let live = EndpointConfigState::of(&ep);
                if plan.after.satisfied_by(&live) {
                    return Ok(Sent::Accepted);
                }
                if !plan.before.satisfied_by(&live) {
                    return Ok(Sent::Overtaken(live));
                }
            }
            Err(e) => return Ok(Sent::Refused(e)),
        }
    }
}

fn journal_error(journal: &Journal, e: std::io::Error) -> OpError {
    OpError::Journal {
        path: journal.path().to_path_buf(),
        message: e.to_string(),
    }
}

/// Runs `plan` (see the module comment). Errors mean nothing was sent.
pub async fn apply(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &TrafficPlan,
    waiter: &mut Waiter<'_>,
) -> Result<ChangeOutcome, OpError> {
    if client.readonly() {
        return Err(OpError::ReadOnly(plan.action.to_string()));
    }
    let ep = until_idle(client, &plan.endpoint, waiter)
        .await
        .map_err(|e| match e {
            WaitError::Api(e) => OpError::from_read(e, "serving", || {
                format!("endpoint {} not found", plan.endpoint)
            }),
            other => OpError::Stale(other.to_string()),
        })?;
    let live = EndpointConfigState::of(&ep);
    if plan.after.satisfied_by(&live) {
        return Err(OpError::NothingToDo(format!(
            "endpoint {} is already {}",
            plan.endpoint,
            live.describe()
        )));
    }
    if !plan.before.satisfied_by(&live) {
        return Err(OpError::Stale(format!(
            "endpoint {} changed since the plan was made: it is now {}, not {}",
            plan.endpoint,
            live.describe(),
            plan.before.describe()
        )));
    }

    let id = journal.new_id();
    let (ts_ms, time) = journal.now();
    let attempt = Attempt {
        id: id.clone(),
        time,
        ts_ms,
        profile: ctx.profile.clone(),
        host: client.host().to_string(),
        actor: ctx.actor.clone(),
        action: plan.action,
        target: plan.target(),
        before: plan.before_state(),
        after: plan.after_state(),
        comment: plan.comment.clone(),
        reverts: plan.reverts.clone(),
        requests: vec![plan.request_line()],
    };
    journal
        .append_async(Record::Attempt(Box::new(attempt)))
        .await
        .map_err(|e| journal_error(journal, e))?;

    let sent = send(client, plan, waiter).await;
    if matches!(sent, Ok(Sent::Accepted)) {
        (waiter.on_progress)(&Progress::Sent);
    }
    // Whatever happened, read back once the endpoint is idle again.
    let read = until_idle(client, &plan.endpoint, waiter).await;
    let verified = read.as_ref().ok().map(EndpointConfigState::of);
    let shows = |s: &EndpointConfigState| verified.as_ref().is_some_and(|v| s.satisfied_by(v));
    let now = || {
        verified
            .as_ref()
            .map_or_else(|| "?".to_string(), EndpointConfigState::describe)
    };
    let update_failed = read.as_ref().is_ok_and(|ep| {
        ep.state.as_ref().and_then(|s| s.config_update.as_ref())
            == Some(&crate::api::models::serving::ConfigUpdate::UpdateFailed)
    });
    let (outcome, error, failure, message) = match (&sent, &read) {
        (Err(e), _) => (
            Outcome::Unknown,
            Some(e.to_string()),
            None,
            format!("the outcome is unknown ({e}); verify it before acting again"),
        ),
        (Ok(Sent::Accepted), Ok(_)) if shows(&plan.after) => (
            Outcome::Ok,
            None,
            None,
            format!("done and verified: endpoint {} is {}", plan.endpoint, now()),
        ),
        (Ok(Sent::Accepted), Ok(_)) if update_failed => (
            Outcome::Failed,
            Some("the update ended UPDATE_FAILED".to_string()),
            Some(FailureKind::Other),
            format!(
                "the server accepted the change but the update failed (UPDATE_FAILED); \
                 endpoint {} is {}",
                plan.endpoint,
                now()
            ),
        ),
        (Ok(Sent::Accepted), Ok(_)) => (
            Outcome::VerifyFailed,
            None,
            None,
            format!(
                "the update finished but reading it back shows {}, not {}",
                now(),
                plan.after.describe()
            ),
        ),
        (Ok(Sent::Accepted), Err(e)) => (
            Outcome::Unknown,
            Some(format!("read-back failed: {e}")),
            None,
            format!("sent, but it could not be read back ({e}); verify it later"),
        ),
        (Ok(Sent::Refused(e)), _) => {
            let state = if shows(&plan.before) {
                "nothing changed".to_string()
            } else {
                format!("it now reads {}", now())
            };
            (
                Outcome::Failed,
                Some(e.to_string()),
                Some(FailureKind::of(e)),
                format!("failed: {e} ({state})"),
            )
        }
        (Ok(Sent::Overtaken(live)), _) => (
            Outcome::Failed,
            Some("changed by someone else while waiting".to_string()),
            Some(FailureKind::Conflict),
            format!(
                "not sent: while this change waited for another update, endpoint {} became {}",
                plan.endpoint,
                live.describe()
            ),
        ),
        (Ok(Sent::Lost(e)), _) if shows(&plan.after) => (
            Outcome::Ok,
            None,
            None,
            format!(
                "the answer was lost ({e}) but reading back shows it done: endpoint {} is {}",
                plan.endpoint,
                now()
            ),
        ),
        (Ok(Sent::Lost(e)), _) => (
            Outcome::Unknown,
            Some(e.clone()),
            None,
            format!("the outcome is unknown ({e}); verify it before acting again"),
        ),
    };

    let (ts_ms, time) = journal.now();
    let verified_state = verified.clone().map(crate::ops::ObjectState::Endpoint);
    let result = ResultRecord {
        id: id.clone(),
        time,
        ts_ms,
        outcome,
        error: error.clone(),
        verified: verified_state.clone(),
        via: Via::Execute,
    };
    let journal_warning = journal
        .append_async(Record::Result(result))
        .await
        .err()
        .map(|e| {
            format!(
                "the result could not be written to {} ({e}); the change shows as unknown there",
                journal.path().display()
            )
        });
    Ok(ChangeOutcome {
        id,
        outcome,
        error,
        failure,
        verified: verified_state,
        message,
        journal_warning,
    })
}
