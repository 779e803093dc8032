//! Settling a change whose outcome is unknown (a crash before its result, a lost answer): read
//! the object again and append a `result` record saying what is actually there.

use crate::api::Client;
use crate::ops::error::OpError;
use crate::ops::journal::{Entry, Journal, Outcome, Record, ResultRecord, Via};

use super::readback::read_state;
use super::target::Target;

/// Re-reads `entry`'s object and records what is there: ok when it shows the change, failed
/// when it still shows the state before, verify failed when it shows something else. The
/// client must talk to the workspace the change was made on.
pub async fn verify(
    client: &Client,
    journal: &Journal,
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
    let now = read_state(client, &a.target, &a.after).await?;
    let (outcome, error) = if a.after.satisfied_by(&now) {
        (Outcome::Ok, None)
    } else if a.before.satisfied_by(&now) {
        (
            Outcome::Failed,
            Some(format!(
                "not applied: {} still reads {}",
                a.target.describe(),
                now.describe()
            )),
        )
    } else {
        (
            Outcome::VerifyFailed,
            Some(format!(
                "{} reads {}: neither the state before ({}) nor after ({})",
                a.target.describe(),
                now.describe(),
                a.before.describe(),
                a.after.describe()
            )),
        )
    };
    let (ts_ms, time) = journal.now();
    let result = ResultRecord {
        id: a.id.clone(),
        time,
        ts_ms,
        outcome,
        error,
        verified: Some(now),
        via: Via::Verify,
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
            verify(client, journal, entry).await,
        ));
    }
    Ok(done)
}
