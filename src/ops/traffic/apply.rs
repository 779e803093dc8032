//! The one path every serving change takes (PRODUCT §4):
//!
//! 1. wait until the endpoint is not updating (Databricks allows one config update at a time);
//! 2. re-read it: refuse a stale plan (someone else changed the config since it was made) and
//!    skip a change that is already there;
//! 3. journal the attempt (fsynced) before the request;
//! 4. `PUT …/config` with every served entity kept and the new routes. A 409
//!    `RESOURCE_CONFLICT` means another update started meanwhile: wait for it, re-read, and send
//!    again only if the endpoint still shows our "before" (never twice: if it already shows our
//!    "after", nothing more is sent; if it shows something else, the change stops as stale).
//!    A lost answer (reset, timeout, 5xx) is read back the same way: applied → done; still
//!    "before" after the server said it failed (500, 503) → sent once more; still "before"
//!    after no answer → unknown (it may still run); the client itself never repeats a `PUT`;
//! 5. wait for the update to finish and verify by reading back;
//! 6. journal the result: ok, failed (refused, or `UPDATE_FAILED`), unknown (the answer or
//!    the read-back was lost: it may have happened, and it is never re-sent blindly), or
//!    verify failed.

use crate::api::{ApiError, ApiResult, Client, ErrorKind};
use crate::ops::ObjectState;
use crate::ops::change::execute::{ChangeContext, ChangeOutcome, FailureKind, record_result};
use crate::ops::change::judge::{Sent, Verdict, judge};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record};

use super::config::EndpointConfigState;
use super::plan::TrafficPlan;
use super::wait::{Progress, WaitError, Waiter, until_idle};

/// At most this many 409 rounds before giving up (each waits for the other update to finish).
const MAX_CONFLICTS: u32 = 20;

enum Sending {
    /// Sent; how the last `PUT` ended.
    Sent(Sent),
    /// While we waited our turn, someone else changed the config to something else.
    Overtaken(EndpointConfigState),
}

/// Sends the `PUT`. A 409 waits for the other update and sends again only while the endpoint
/// still shows our "before". A lost answer is read back once the endpoint is idle: applied →
/// done; still "before" → sent once more; anything else stops. `log` receives every request.
async fn send(
    client: &Client,
    plan: &TrafficPlan,
    waiter: &mut Waiter<'_>,
    log: &mut Vec<String>,
    answer_lost: &mut Option<String>,
) -> Result<Sending, WaitError> {
    let mut conflicts = 0;
    let mut resent = false;
    loop {
        log.push(plan.request_line());
        let result = client
            .update_endpoint_config(&plan.endpoint, &plan.after.to_input())
            .await;
        let sent = Sent::of(&result);
        let live = match &sent {
            Sent::Done => return Ok(Sending::Sent(Sent::Done)),
            Sent::Refused(e)
                if e.kind() == Some(ErrorKind::Conflict) && conflicts < MAX_CONFLICTS =>
            {
                conflicts += 1;
                (waiter.on_progress)(&Progress::Conflict { attempt: conflicts });
                EndpointConfigState::of(&until_idle(client, &plan.endpoint, waiter).await?)
            }
            Sent::Refused(_) => return Ok(Sending::Sent(sent)),
            Sent::Lost(lost) => {
                let Ok(ep) = until_idle(client, &plan.endpoint, waiter).await else {
                    return Ok(Sending::Sent(sent));
                };
                let live = EndpointConfigState::of(&ep);
                if plan.before.satisfied_by(&live) {
                    // Not applied. Sent once more only when the server finished with it (500,
                    // 503); after a reset or timeout it may still be running.
                    if resent || !lost.answered_by_server() {
                        return Ok(Sending::Sent(sent));
                    }
                    resent = true;
                }
                live
            }
        };
        if plan.after.satisfied_by(&live) {
            if let Sent::Lost(e) = &sent {
                *answer_lost = Some(e.to_string());
            }
            return Ok(Sending::Sent(Sent::Done));
        }
        if !plan.before.satisfied_by(&live) {
            return Ok(Sending::Overtaken(live));
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
        workspace_id: client.workspace_id().await,
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

    let mut log = Vec::new();
    let mut answer_lost = None;
    let sending = send(client, plan, waiter, &mut log, &mut answer_lost).await;
    if matches!(sending, Ok(Sending::Sent(Sent::Done))) {
        (waiter.on_progress)(&Progress::Sent);
    }
    // Whatever happened, read back once the endpoint is idle again.
    let read = until_idle(client, &plan.endpoint, waiter).await;
    let verified = read.as_ref().ok().map(EndpointConfigState::of);
    let update_failed = read.as_ref().is_ok_and(|ep| {
        ep.state.as_ref().and_then(|s| s.config_update.as_ref())
            == Some(&crate::api::models::serving::ConfigUpdate::UpdateFailed)
    });
    let object = format!("endpoint {}", plan.endpoint);
    let before = plan.before_state();
    let after = plan.after_state();
    let read_state: ApiResult<ObjectState> = match &read {
        Ok(_) => Ok(ObjectState::Endpoint(verified.clone().unwrap_or_default())),
        Err(WaitError::Api(e)) => Err(e.clone()),
        Err(e) => Err(ApiError::Timeout {
            what: e.to_string(),
            secs: waiter.backoff.timeout.as_secs_f64(),
            sent: true,
        }),
    };
    let verdict = match &sending {
        Err(e) => Verdict {
            outcome: Outcome::Unknown,
            error: Some(e.to_string()),
            failure: None,
            message: format!("the outcome is unknown ({e}); verify it before acting again"),
            answer_lost: false,
        },
        Ok(Sending::Overtaken(live)) => Verdict {
            outcome: Outcome::Failed,
            error: Some("changed by someone else while waiting".to_string()),
            failure: Some(FailureKind::Conflict),
            message: format!(
                "not sent: while this change waited for another update, endpoint {} became {}",
                plan.endpoint,
                live.describe()
            ),
            answer_lost: false,
        },
        Ok(Sending::Sent(Sent::Done))
            if update_failed
                && !verified
                    .as_ref()
                    .is_some_and(|v| plan.after.satisfied_by(v)) =>
        {
            Verdict {
                outcome: Outcome::Failed,
                error: Some("the update ended UPDATE_FAILED".to_string()),
                failure: Some(FailureKind::Other),
                message: format!(
                    "the server accepted the change but the update failed (UPDATE_FAILED); \
                     endpoint {} is {}",
                    plan.endpoint,
                    verified
                        .as_ref()
                        .map_or_else(|| "?".to_string(), EndpointConfigState::describe)
                ),
                answer_lost: false,
            }
        }
        Ok(Sending::Sent(sent)) => judge(&object, &before, &after, sent, &read_state),
    };
    let verdict = verdict.with_answer_lost(answer_lost.as_deref());
    let verified_state = verified.clone().map(ObjectState::Endpoint);
    let sent_log = if log.len() == 1 { Vec::new() } else { log };
    let journal_warning =
        record_result(journal, &id, &verdict, verified_state.clone(), sent_log).await;
    let Verdict {
        outcome,
        error,
        failure,
        message,
        answer_lost,
    } = verdict;
    Ok(ChangeOutcome {
        id,
        outcome,
        error,
        failure,
        verified: verified_state,
        message,
        answer_lost,
        journal_warning,
    })
}
