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

use crate::api::models::serving::ConfigUpdate;
use crate::api::{ApiError, ApiResult, Client, ErrorKind};
use crate::ops::ObjectState;
use crate::ops::change::execute::{ChangeContext, ChangeOutcome, FailureKind};
use crate::ops::change::judge::{Sent, Verdict, judge};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::{AfterLost, Resend};
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};

use super::config::EndpointConfigState;
use super::plan::TrafficPlan;
use super::wait::{Progress, WaitError, Waiter, until_idle};

/// At most this many 409 rounds before giving up (each waits for the other update to finish).
const MAX_CONFLICTS: u32 = 20;

/// How the `PUT` ended, besides the answer to the last one.
pub enum Turn {
    /// Sent; [`Sending::last`] says how.
    Sent,
    /// While we waited our turn, someone else changed the config to something else.
    Overtaken(EndpointConfigState),
    /// Our answer was lost and the endpoint then read as neither before nor after: the change
    /// may have applied and been overwritten, or not applied at all.
    LostThenChanged(EndpointConfigState),
    /// Waiting for the other update to finish failed.
    WaitFailed(WaitError),
}

/// A traffic plan on its way through the pipeline, with the waiter it waits with.
struct TrafficChange<'p, 'w, 'a> {
    plan: &'p TrafficPlan,
    waiter: &'w mut Waiter<'a>,
}

impl TrafficChange<'_, '_, '_> {
    /// Sends the `PUT`. A 409 waits for the other update and sends again only while the
    /// endpoint still shows our "before". A lost answer is read back once the endpoint is idle:
    /// applied → done; still "before" → sent again as the resend class allows; anything else
    /// stops. `sending.log` receives every request.
    async fn put(
        &mut self,
        client: &Client,
        sending: &mut Sending<Turn>,
    ) -> Result<Turn, WaitError> {
        let plan = self.plan;
        let mut conflicts = 0;
        let mut resent = false;
        loop {
            sending.log.push(plan.request_line());
            let result = client
                .update_endpoint_config(&plan.endpoint, &plan.after.to_input())
                .await;
            let sent = Sent::of(&result);
            sending.last = sent.clone();
            let live = match &sent {
                Sent::Done => return Ok(Turn::Sent),
                Sent::Refused(e)
                    if e.kind() == Some(ErrorKind::Conflict) && conflicts < MAX_CONFLICTS =>
                {
                    conflicts += 1;
                    self.waiter
                        .report(&Progress::Conflict { attempt: conflicts });
                    EndpointConfigState::of(&until_idle(client, &plan.endpoint, self.waiter).await?)
                }
                Sent::Refused(_) => return Ok(Turn::Sent),
                Sent::Lost(lost) => {
                    let Ok(ep) = until_idle(client, &plan.endpoint, self.waiter).await else {
                        return Ok(Turn::Sent);
                    };
                    let live = EndpointConfigState::of(&ep);
                    let seen = if plan.before.satisfied_by(&live) {
                        Some(false)
                    } else if plan.after.satisfied_by(&live) {
                        Some(true)
                    } else {
                        sending.answer_lost = Some(lost.to_string());
                        return Ok(Turn::LostThenChanged(live));
                    };
                    match Resend::WhenNotApplied.after_lost(lost, seen, resent) {
                        AfterLost::Applied => {
                            sending.answer_lost = Some(lost.to_string());
                            sending.last = Sent::Done;
                            return Ok(Turn::Sent);
                        }
                        AfterLost::SendAgain => resent = true,
                        AfterLost::Stop => return Ok(Turn::Sent),
                    }
                    live
                }
            };
            if plan.after.satisfied_by(&live) {
                sending.last = Sent::Done;
                return Ok(Turn::Sent);
            }
            if !plan.before.satisfied_by(&live) {
                return Ok(Turn::Overtaken(live));
            }
        }
    }
}

impl Change for TrafficChange<'_, '_, '_> {
    type Detail = Turn;

    fn what(&self) -> String {
        self.plan.action.to_string()
    }

    fn resend(&self) -> Resend {
        Resend::WhenNotApplied
    }

    /// Waits until no update runs, then refuses a change already there or a stale plan.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let plan = self.plan;
        let ep = until_idle(client, &plan.endpoint, self.waiter)
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
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        let plan = self.plan;
        Entry {
            action: plan.action,
            target: plan.target(),
            before: plan.before_state(),
            after: plan.after_state(),
            comment: plan.comment.clone(),
            reverts: plan.reverts.clone(),
            requests: vec![plan.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Turn> {
        let mut sending = Sending::new(Turn::Sent);
        sending.detail = match self.put(client, &mut sending).await {
            Ok(turn) => turn,
            Err(e) => Turn::WaitFailed(e),
        };
        if matches!((&sending.detail, &sending.last), (Turn::Sent, Sent::Done)) {
            self.waiter.report(&Progress::Sent);
        }
        sending
    }

    /// Whatever happened, reads back once the endpoint is idle again.
    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<Turn>,
    ) -> Settled {
        let plan = self.plan;
        let read = until_idle(client, &plan.endpoint, self.waiter).await;
        let verified = read.as_ref().ok().map(EndpointConfigState::of);
        let update_failed = read.as_ref().is_ok_and(|ep| {
            ep.state.as_ref().and_then(|s| s.config_update.as_ref())
                == Some(&ConfigUpdate::UpdateFailed)
        });
        let object = format!("endpoint {}", plan.endpoint);
        let read: ApiResult<ObjectState> = match read {
            Ok(_) => Ok(ObjectState::Endpoint(verified.clone().unwrap_or_default())),
            Err(WaitError::Api(e)) => Err(e),
            Err(e) => Err(ApiError::Timeout {
                what: e.to_string(),
                secs: self.waiter.backoff.timeout.as_secs_f64(),
                sent: true,
            }),
        };
        let verdict = match &sending.detail {
            Turn::WaitFailed(e) => Verdict {
                outcome: Outcome::Unknown,
                error: Some(e.to_string()),
                failure: None,
                message: format!("the outcome is unknown ({e}); verify it before acting again"),
                answer_lost: false,
            },
            Turn::LostThenChanged(live) => Verdict {
                outcome: Outcome::Unknown,
                error: Some(
                    "answer lost; the endpoint then read as neither before nor after".into(),
                ),
                failure: None,
                message: format!(
                    "the outcome is unknown: the answer was lost and endpoint {} now reads {} \
                     (changed by someone else, with or after this change); verify it before \
                     acting again",
                    plan.endpoint,
                    live.describe()
                ),
                answer_lost: true,
            },
            Turn::Overtaken(live) => Verdict {
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
            Turn::Sent
                if matches!(sending.last, Sent::Done)
                    && update_failed
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
            Turn::Sent => judge(
                &object,
                &plan.before_state(),
                &plan.after_state(),
                &sending.last,
                &read,
            ),
        };
        Settled { read, verdict }
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
    let mut change = TrafficChange { plan, waiter };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}
