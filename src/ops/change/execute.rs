//! Executing a registry plan through the change pipeline ([`super::pipeline`]): journal the
//! attempt (fsynced) → send → read back → journal the result.
//!
//! The rules of PRODUCT §4: a change is recorded before it is sent; a refusal by the server
//! (e.g. `403 PERMISSION_DENIED`) is recorded as failed with the server's message, never as
//! done; a timeout or lost connection after sending is "unknown" (it may have happened); an
//! accepted change whose read-back does not show it is "verify failed".

use crate::api::{ApiResult, Client};
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};

use super::judge::{Sent, Verdict, judge};
use super::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use super::plan::{Plan, Step};
use super::readback::read_state;
use super::resend::{AfterLost, Resend};
use super::target::ObjectState;

pub use super::outcome::{ChangeContext, ChangeOutcome, FailureKind};
pub use super::pipeline::record_result;

/// How sending a plan's requests went, besides what every change has.
pub struct Steps {
    /// Requests that went through (or were read back as applied), from the first.
    applied: usize,
}

/// A registry plan on its way through the pipeline.
struct RegistryChange<'p> {
    plan: &'p Plan,
    /// The object as read just before the attempt.
    now: Option<ObjectState>,
}

impl RegistryChange<'_> {
    /// Sends the plan's requests in order. After a lost answer the object is read back: a
    /// request that shows as applied counts as done; one that shows as not applied is sent
    /// again only as the resend class allows; otherwise sending stops. A request is never
    /// repeated blindly.
    async fn send_all(&self, client: &Client) -> Sending<Steps> {
        let plan = self.plan;
        let mut sending = Sending::new(Steps { applied: 0 });
        for step in &plan.steps {
            let mut resent = false;
            loop {
                sending.log.push(if resent {
                    format!(
                        "{} (again: reading back showed it not applied)",
                        step.describe()
                    )
                } else {
                    step.describe()
                });
                let sent = Sent::of(&step.send(client).await);
                let Sent::Lost(lost) = &sent else {
                    sending.last = sent;
                    break;
                };
                let seen = read_state(client, &plan.target, &plan.after)
                    .await
                    .ok()
                    .and_then(|now| step.applied_in(&now));
                match self.resend().after_lost(lost, seen, resent) {
                    AfterLost::Applied => {
                        sending.answer_lost = Some(lost.to_string());
                        sending.last = Sent::Done;
                        break;
                    }
                    AfterLost::SendAgain => resent = true,
                    AfterLost::Stop => {
                        sending.last = sent;
                        break;
                    }
                }
            }
            if !matches!(sending.last, Sent::Done) {
                break;
            }
            sending.detail.applied += 1;
        }
        sending
    }
}

impl Change for RegistryChange<'_> {
    type Detail = Steps;

    fn what(&self) -> String {
        self.plan.action.to_string()
    }

    fn resend(&self) -> Resend {
        Resend::WhenNotApplied
    }

    /// Refuses a no-op plan or an object that no longer is as planned.
    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let plan = self.plan;
        if plan.is_noop() {
            return Err(OpError::NothingToDo(format!(
                "{} is already {}",
                plan.target.describe(),
                plan.after.describe()
            )));
        }
        // A dialog may have stayed open while someone else changed the object: act only on
        // the state that was shown.
        let now = read_state(client, &plan.target, &plan.before).await?;
        if !plan.before.satisfied_by(&now) {
            return Err(OpError::Stale(format!(
                "{} is now {}, not {} as planned",
                plan.target.describe(),
                now.describe(),
                plan.before.describe()
            )));
        }
        self.now = Some(now);
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        let plan = self.plan;
        Entry {
            action: plan.action,
            target: plan.target.clone(),
            before: match &self.now {
                Some(now) => plan.before.identified_by(now),
                None => plan.before.clone(),
            },
            after: plan.after.clone(),
            comment: plan.comment.clone(),
            reverts: plan.reverts.clone(),
            requests: plan.steps.iter().map(|s| s.describe()).collect(),
        }
    }

    async fn send(&mut self, client: &Client, _: &Stamp) -> Sending<Steps> {
        self.send_all(client).await
    }

    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<Steps>,
    ) -> Settled {
        let plan = self.plan;
        let object = plan.target.describe();
        let applied = sending.detail.applied;
        let mut read = read_state(client, &plan.target, &plan.after).await;
        let partial = applied > 0
            && applied < plan.steps.len()
            && !read.as_ref().is_ok_and(|now| plan.after.satisfied_by(now));
        let verdict = if partial {
            // Stopped half-way: put back what was applied, so the object is either as before
            // or as after, never something in between that nobody asked for.
            let undone = undo_applied(client, plan, applied, &mut sending.log).await;
            read = read_state(client, &plan.target, &plan.after).await;
            partial_verdict(&object, plan, &sending.last, undone, &read)
        } else {
            judge(&object, &plan.before, &plan.after, &sending.last, &read)
        };
        Settled { read, verdict }
    }
}

/// Puts back the first `applied` requests of a plan that stopped half-way, newest first, in
/// up to two rounds: before each, the object is read and only requests whose effect still
/// shows are undone (undoing a tag is safe to repeat). Returns whether the last round's undo
/// requests were all answered with success.
async fn undo_applied(client: &Client, plan: &Plan, applied: usize, log: &mut Vec<String>) -> bool {
    let mut all = false;
    for _ in 0..2 {
        let now = read_state(client, &plan.target, &plan.after).await.ok();
        let pending: Vec<&Step> = plan.steps[..applied]
            .iter()
            .rev()
            .filter(|s| now.as_ref().and_then(|n| s.applied_in(n)) != Some(false))
            .collect();
        if pending.is_empty() {
            return true;
        }
        all = true;
        for step in pending {
            let Some(undo) = step.undo(&plan.before) else {
                return false;
            };
            log.push(format!("{} (undo)", undo.describe()));
            all &= matches!(Sent::of(&undo.send(client).await), Sent::Done);
        }
        if all {
            break;
        }
    }
    all
}

/// Runs `plan`: refuses on a read-only client, a no-op plan or an object that no longer is as
/// planned, then journals, sends, reads back and journals the result. Errors mean nothing was
/// sent.
pub async fn execute(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &Plan,
) -> Result<ChangeOutcome, OpError> {
    let mut change = RegistryChange { plan, now: None };
    Ok(pipeline::run(client, journal, ctx, &mut change)
        .await?
        .into())
}

/// The outcome of a change that stopped half-way and whose applied part was undone (or not).
fn partial_verdict(
    object: &str,
    plan: &Plan,
    stopped: &Sent,
    undone: bool,
    read: &ApiResult<ObjectState>,
) -> Verdict {
    let why = stopped
        .error()
        .map_or_else(|| "stopped".to_string(), ToString::to_string);
    let failure = match stopped {
        Sent::Refused(e) => Some(FailureKind::of(e)),
        _ => Some(FailureKind::Other),
    };
    match read {
        // The read-back decides: back to the state before is a clean failure, whatever the
        // undo requests answered.
        Ok(now) if plan.before.satisfied_by(now) => Verdict {
            outcome: Outcome::Failed,
            error: Some(format!(
                "{why}; the requests already applied were undone{}",
                if undone {
                    ""
                } else {
                    " (some undo answers were lost)"
                }
            )),
            failure,
            message: format!(
                "failed half-way ({why}); what was applied was undone: {object} is back to {}",
                now.describe()
            ),
            answer_lost: false,
        },
        Ok(now) if plan.after.satisfied_by(now) => {
            judge(object, &plan.before, &plan.after, &Sent::Done, read)
        }
        Ok(now) => Verdict {
            outcome: Outcome::Partial,
            error: Some(format!("{why}; stopped half-way")),
            failure,
            message: format!(
                "PARTIAL: {why}; {object} now reads {} (before {}, asked {}): finish or undo it",
                now.describe(),
                plan.before.describe(),
                plan.after.describe()
            ),
            answer_lost: false,
        },
        Err(e) => Verdict {
            outcome: Outcome::Unknown,
            error: Some(format!("{why}; stopped half-way; read-back failed: {e}")),
            failure: None,
            message: format!(
                "stopped half-way ({why}) and could not be read back ({e}); verify it"
            ),
            answer_lost: false,
        },
    }
}
