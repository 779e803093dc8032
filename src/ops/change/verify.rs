//! Settling a change whose outcome is unknown (a crash before its result, a lost answer): judge
//! it against the object's history, and append a `result` record saying what happened.
//!
//! The object as it is now says little when later changes moved it again: a change that was
//! applied and then undone by the next one reads as "not applied". So the evidence comes in
//! this order:
//! 1. the next journal entry for the same object on the same workspace: its "before" was read
//!    after this change and shows whether it was in place (a roll back of an entry is planned
//!    from the state that entry left);
//! 2. for a serving endpoint, its `config_version`: every accepted `PUT …/config` raises it by
//!    one, so a version still equal to the one this change started from means not applied;
//! 3. otherwise the object as it is now.
//!
//! Only changes whose standing is unknown are judged; a verified outcome is never overwritten.

use crate::api::Client;
use crate::ops::error::OpError;
use crate::ops::journal::{Entry, Journal, JournalView, Outcome, Record, ResultRecord, Via};

use super::readback::read_state;
use super::target::{ObjectState, Target};

/// What the evidence says about one change.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    outcome: Outcome,
    error: Option<String>,
    verified: Option<ObjectState>,
}

/// How the state `seen` (by a later change, or now) judges `entry`'s change.
fn judge_state(entry: &Entry, seen: &ObjectState, source: &str) -> Finding {
    let a = &entry.attempt;
    let (outcome, error) = if a.after.satisfied_by(seen) {
        (Outcome::Ok, None)
    } else if a.before.satisfied_by(seen) {
        (
            Outcome::Failed,
            Some(format!(
                "not applied: {} read {} {source}",
                a.target.describe(),
                seen.describe()
            )),
        )
    } else {
        (
            Outcome::VerifyFailed,
            Some(format!(
                "{} read {} {source}: neither the state before ({}) nor after ({})",
                a.target.describe(),
                seen.describe(),
                a.before.describe(),
                a.after.describe()
            )),
        )
    };
    Finding {
        outcome,
        error,
        verified: Some(seen.clone()),
    }
}

/// The first change after `entry` to the same object on the same workspace.
fn next_change<'a>(view: &'a JournalView, entry: &Entry) -> Option<&'a Entry> {
    let a = &entry.attempt;
    let at = view.entries.iter().position(|e| e.attempt.id == a.id)?;
    view.entries[at + 1..]
        .iter()
        .find(|e| e.attempt.host == a.host && e.attempt.target == a.target)
}

/// For an endpoint: the config version the change started from, and the one seen later.
fn endpoint_versions(before: &ObjectState, seen: &ObjectState) -> Option<(i64, i64)> {
    match (before, seen) {
        (ObjectState::Endpoint(b), ObjectState::Endpoint(s)) => {
            Some((b.config_version?, s.config_version?))
        }
        _ => None,
    }
}

/// Judges `entry` from the journal alone, when a later change of the same object tells.
fn from_history(view: &JournalView, entry: &Entry) -> Option<Finding> {
    let next = next_change(view, entry)?;
    let seen = &next.attempt.before;
    // The later change's "before" is what it planned from. It is evidence for this change only
    // when nothing else moved the object in between: for endpoints the config version says so
    // (one accepted PUT from ours = ours); for other objects the states decide by themselves.
    if let Some((from, later)) = endpoint_versions(&entry.attempt.before, seen) {
        if later == from {
            return Some(judge_state(
                entry,
                &entry.attempt.before,
                &format!(
                    "at config version {later} when change {} was planned",
                    next.attempt.id
                ),
            ));
        }
        if later != from + 1 {
            return None;
        }
    }
    let finding = judge_state(
        entry,
        seen,
        &format!("when change {} was planned", next.attempt.id),
    );
    (finding.outcome != Outcome::VerifyFailed).then_some(finding)
}

/// Judges `entry` from the object as the server shows it now.
async fn from_server(client: &Client, entry: &Entry) -> Result<Finding, OpError> {
    let a = &entry.attempt;
    let now = read_state(client, &a.target, &a.after).await?;
    if let Some((from, current)) = endpoint_versions(&a.before, &now)
        && current == from
    {
        // No PUT was accepted since this change was planned.
        return Ok(judge_state(
            entry,
            &a.before,
            &format!("at config version {current}"),
        ));
    }
    Ok(judge_state(entry, &now, "now"))
}

/// Judges `entry` (see the module comment) and records what it finds. The client must talk to
/// the workspace the change was made on. An entry whose outcome is already known is left as it
/// is (`Err(OpError::Invalid)`).
pub async fn verify(
    client: &Client,
    journal: &Journal,
    view: &JournalView,
    entry: &Entry,
) -> Result<ResultRecord, OpError> {
    let a = &entry.attempt;
    if a.host != client.host() {
        return Err(OpError::Invalid(format!(
            "change {} was made on {}; connect to that workspace to verify it (this is {})",
            a.id,
            a.host,
            client.host()
        )));
    }
    if a.target == Target::Unknown {
        return Err(OpError::Invalid(format!(
            "change {} was written by a newer mlops-console; verify it with that version",
            a.id
        )));
    }
    if !entry.standing().needs_verify() {
        return Err(OpError::Invalid(format!(
            "change {} is already settled ({}); a known outcome is never rewritten",
            a.id,
            entry.standing().label()
        )));
    }
    let finding = match from_history(view, entry) {
        Some(f) => f,
        None => from_server(client, entry).await?,
    };
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: a.id.clone(),
        time,
        ts_ms,
        outcome: finding.outcome,
        error: finding.error,
        verified: finding.verified,
        via: Via::Verify,
        answer_lost: false,
        sent: Vec::new(),
    };
    journal
        .append_async(Record::Result(result.clone()))
        .await
        .map_err(|e| OpError::Journal {
            path: journal.path().to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(result)
}

/// Verifies every change of this workspace whose outcome is unknown, oldest first. Changes
/// made on other workspaces are left alone.
pub async fn verify_unknown(
    client: &Client,
    journal: &Journal,
) -> Result<Vec<(String, Result<ResultRecord, OpError>)>, OpError> {
    let view = journal.read().map_err(|e| OpError::Journal {
        path: journal.path().to_path_buf(),
        message: e.to_string(),
    })?;
    let mut done = Vec::new();
    for entry in view.needing_verify() {
        if entry.attempt.host != client.host() {
            continue;
        }
        done.push((
            entry.attempt.id.clone(),
            verify(client, journal, &view, entry).await,
        ));
    }
    Ok(done)
}
