//! The one path every change takes (PRODUCT §4), whatever it changes: registry changes, traffic
//! and canary steps, job launches. A [`Change`] says what it is and how to check, send, read
//! back and judge it; [`run`] puts those in the only order allowed:
//!
//! 1. refuse on a read-only client — below the UI, before anything is read, journaled or sent;
//! 2. the change's own checks (nothing to do, a plan gone stale): nothing journaled or sent;
//! 3. journal the attempt and sync it to disk — a journal that cannot be written stops the
//!    change before its first request;
//! 4. send, repeating a request whose answer was lost only as its [`Resend`] class allows;
//! 5. read back and judge: the read-back decides, never the status of the send alone. Without a
//!    read-back a change that may have gone through stays unknown: only a definite refusal can
//!    still be reported failed, and nothing is reported applied;
//! 6. journal the result; when that fails, the change is reported with a warning and reads as
//!    unknown in the journal (its attempt is there).

use std::future::Future;

use crate::api::{ApiResult, Client};
use crate::ops::error::OpError;
use crate::ops::journal::{Attempt, Journal, Outcome, Record, ResultRecord, Via};

use super::judge::{Sent, Verdict};
use super::outcome::{ChangeContext, ChangeOutcome};
use super::resend::Resend;
use super::target::{ChangeAction, ObjectState, Target};

/// The id and time of a change, given when its attempt is journaled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The journal id.
    pub id: String,
    /// When the attempt was journaled, in Unix milliseconds.
    pub ts_ms: i64,
}

/// What the journal's attempt says will change (the rest of the attempt — who, where, when —
/// the pipeline fills in).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub action: ChangeAction,
    pub target: Target,
    pub before: ObjectState,
    pub after: ObjectState,
    pub comment: Option<String>,
    /// The journal id of the change this one undoes.
    pub reverts: Option<String>,
    /// The requests that will be sent, in order (method and path).
    pub requests: Vec<String>,
}

/// How sending went.
#[derive(Debug)]
pub struct Sending<S> {
    /// How the last request sent ended. A definite refusal ([`Sent::Refused`]) is the only
    /// send a change may still report failed when it cannot be read back.
    pub last: Sent,
    /// Every request sent, in order (repeats and undos included).
    pub log: Vec<String>,
    /// An answer lost on the way, though reading back showed its request applied.
    pub answer_lost: Option<String>,
    /// What else the change needs from its sending to settle it (a run id, a conflict).
    pub detail: S,
}

impl<S> Sending<S> {
    /// Nothing sent yet.
    pub fn new(detail: S) -> Sending<S> {
        Sending {
            last: Sent::Done,
            log: Vec::new(),
            answer_lost: None,
            detail,
        }
    }
}

/// How a change settled: the object as read back, and the verdict on it.
#[derive(Debug)]
pub struct Settled {
    pub read: ApiResult<ObjectState>,
    pub verdict: Verdict,
}

/// One change to the workspace, as the pipeline runs it.
pub trait Change: Send {
    /// What sending leaves for the read-back besides what every change has.
    type Detail: Send;

    /// The change in words, as a refusal names it: "promote", "running job nightly".
    fn what(&self) -> String;

    /// How a request of this change whose answer was lost may be sent again.
    fn resend(&self) -> Resend;

    /// The checks made before anything is journaled or sent (nothing to do, a stale plan). An
    /// error stops the change there.
    fn prepare(&mut self, client: &Client) -> impl Future<Output = Result<(), OpError>> + Send;

    /// What the attempt will say, for the change journaled as `stamp`.
    fn entry(&self, stamp: &Stamp) -> Entry;

    /// Sends the requests (the attempt is journaled by then).
    fn send(
        &mut self,
        client: &Client,
        stamp: &Stamp,
    ) -> impl Future<Output = Sending<Self::Detail>> + Send;

    /// Reads the object back and judges how the change ended. It may send more (undoing a
    /// change cut short); what it sends goes into `sending.log`.
    fn settle(
        &mut self,
        client: &Client,
        journal: &Journal,
        stamp: &Stamp,
        sending: &mut Sending<Self::Detail>,
    ) -> impl Future<Output = Settled> + Send;
}

/// How a change ran to its end.
#[derive(Debug)]
pub struct Finished<S> {
    /// The journal id of the change.
    pub id: String,
    pub verdict: Verdict,
    /// The object as read back.
    pub read: ApiResult<ObjectState>,
    /// How the last request sent ended.
    pub last: Sent,
    pub detail: S,
    /// Set when the result could not be journaled (the attempt was; it will read as unknown).
    pub journal_warning: Option<String>,
}

impl<S> From<Finished<S>> for ChangeOutcome {
    fn from(f: Finished<S>) -> ChangeOutcome {
        let Verdict {
            outcome,
            error,
            failure,
            message,
            answer_lost,
        } = f.verdict;
        ChangeOutcome {
            id: f.id,
            outcome,
            error,
            failure,
            verified: f.read.ok(),
            message,
            answer_lost,
            journal_warning: f.journal_warning,
        }
    }
}

/// Runs `change` (see the module comment). Errors mean nothing was sent.
pub async fn run<C: Change>(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    change: &mut C,
) -> Result<Finished<C::Detail>, OpError> {
    if client.readonly() {
        return Err(OpError::ReadOnly(change.what()));
    }
    change.prepare(client).await?;

    let id = journal.new_id();
    let (ts_ms, time) = journal.now();
    let stamp = Stamp {
        id: id.clone(),
        ts_ms,
    };
    let entry = change.entry(&stamp);
    let planned = entry.requests.clone();
    let attempt = Attempt {
        id: id.clone(),
        time,
        ts_ms,
        profile: ctx.profile.clone(),
        host: client.host().to_string(),
        workspace_id: client.workspace_id().await,
        actor: ctx.actor.clone(),
        action: entry.action,
        target: entry.target,
        before: entry.before,
        after: entry.after,
        comment: entry.comment,
        reverts: entry.reverts,
        requests: entry.requests,
    };
    journal
        .append_async(Record::Attempt(Box::new(attempt)))
        .await
        .map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })?;

    let mut sending = change.send(client, &stamp).await;
    let Settled { read, verdict } = change.settle(client, journal, &stamp, &mut sending).await;
    let Sending {
        last,
        log,
        answer_lost,
        detail,
    } = sending;
    let verdict =
        unknown_without_read_back(verdict, &read, &last).with_answer_lost(answer_lost.as_deref());
    let sent = if log == planned { Vec::new() } else { log };
    let journal_warning =
        record_result(journal, &id, &verdict, read.as_ref().ok().cloned(), sent).await;
    Ok(Finished {
        id,
        verdict,
        read,
        last,
        detail,
        journal_warning,
    })
}

/// A verdict that a failed read-back cannot support becomes unknown: without reading the object
/// back, nothing is known to be applied, and a request that may have gone through is not known
/// to have failed. Only a definite refusal (the last request refused) stays failed.
pub fn unknown_without_read_back(
    verdict: Verdict,
    read: &ApiResult<ObjectState>,
    last: &Sent,
) -> Verdict {
    let Err(e) = read else { return verdict };
    let supported = match verdict.outcome {
        Outcome::Unknown => true,
        Outcome::Failed => matches!(last, Sent::Refused(_)),
        Outcome::Ok | Outcome::VerifyFailed | Outcome::Partial => false,
    };
    if supported {
        return verdict;
    }
    Verdict {
        outcome: Outcome::Unknown,
        error: Some(match last.error() {
            Some(sent) => format!("{sent}; read-back failed: {e}"),
            None => format!("read-back failed: {e}"),
        }),
        failure: None,
        message: format!(
            "the outcome is unknown: it could not be read back ({e}); verify it before acting \
             again"
        ),
        answer_lost: false,
    }
}

/// Writes the result record of change `id`; the warning to show when that failed.
pub async fn record_result(
    journal: &Journal,
    id: &str,
    verdict: &Verdict,
    verified: Option<ObjectState>,
    sent: Vec<String>,
) -> Option<String> {
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: id.to_string(),
        time,
        ts_ms,
        outcome: verdict.outcome,
        error: verdict.error.clone(),
        verified,
        via: Via::Execute,
        answer_lost: verdict.answer_lost,
        sent,
    };
    journal
        .append_async(Record::Result(result))
        .await
        .err()
        .map(|e| {
            format!(
                "the result could not be written to {} ({e}); the change shows as unknown there",
                journal.path().display()
            )
        })
}
