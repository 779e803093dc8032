//! Starting a sync of a TRIGGERED (or SNAPSHOT) online table: an update of its pipeline, whose
//! id is read from the synced table's status. A change through the one pipeline: refused
//! read-only and for a CONTINUOUS table (it follows its source on its own); nothing to do while
//! a sync is already on its way (the first snapshot or an update). The server's 409 (an update
//! started meanwhile) reads "a sync is already running", the workspace's state rather than an
//! error of the console. Never sent twice: a lost answer is settled by reading the table back —
//! an update on its way, or one ended since the attempt, shows it applied.

use serde::Serialize;

use crate::api::models::feature_store::PublishMode;
use crate::api::models::online_sync::OnlineSync;
use crate::api::{Client, ErrorKind};
use crate::ops::change::judge::{Sent, Verdict, judge};
use crate::ops::change::outcome::{ChangeContext, ChangeOutcome, FailureKind};
use crate::ops::change::pipeline::{self, Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::Resend;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};

use super::{read_sync_update, states_line, sync_running};

const UPDATED: ObjectState = ObjectState::OnlineSyncUpdate {
    updated: true,
    sync_state: None,
    last_synced_version: None,
};

/// A sync on its way through the pipeline.
struct StartSync<'a> {
    name: &'a str,
    /// The table as read just before (its pipeline id, mode and state).
    table: Option<OnlineSync>,
}

/// What sending leaves for the read-back.
#[derive(Debug)]
pub struct SyncSent {
    pub update_id: Option<String>,
    /// When the attempt was journaled.
    pub since_ms: i64,
}

impl StartSync<'_> {
    fn pipeline_id(&self) -> &str {
        self.table
            .as_ref()
            .and_then(|t| t.pipeline_id.as_deref())
            .unwrap_or("")
    }

    fn request_line(&self) -> String {
        format!("POST /api/2.0/pipelines/{}/updates", self.pipeline_id())
    }

    fn before(&self) -> ObjectState {
        ObjectState::OnlineSyncUpdate {
            updated: false,
            sync_state: self
                .table
                .as_ref()
                .and_then(|t| t.sync_state.as_ref())
                .map(|s| s.as_str().to_string()),
            last_synced_version: self.table.as_ref().and_then(|t| t.last_synced_version),
        }
    }
}

impl Change for StartSync<'_> {
    type Detail = SyncSent;

    fn what(&self) -> String {
        format!("syncing online table {}", self.name)
    }

    /// No idempotency key: a lost answer is read back, never sent again.
    fn resend(&self) -> Resend {
        Resend::Never
    }

    async fn prepare(&mut self, client: &Client) -> Result<(), OpError> {
        let t = client.read_online_table(self.name).await.map_err(|e| {
            OpError::from_read(e, "online tables", || {
                format!("online table '{}' not found", self.name)
            })
        })?;
        if t.mode == Some(PublishMode::Continuous) {
            return Err(OpError::Refused(format!(
                "{} is published CONTINUOUS: it follows its source on its own, there is no sync \
                 to start",
                self.name
            )));
        }
        if sync_running(&t) {
            return Err(OpError::NothingToDo(format!(
                "a sync of {} is already running ({})",
                self.name,
                states_line(&t)
            )));
        }
        if t.pipeline_id.as_deref().is_none_or(|p| p.trim().is_empty()) {
            return Err(OpError::Refused(format!(
                "the status of {} names no pipeline: a sync cannot be started from here",
                self.name
            )));
        }
        self.table = Some(t);
        Ok(())
    }

    fn entry(&self, stamp: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::SyncOnlineTable,
            target: Target::OnlineTableSync {
                name: self.name.to_string(),
                pipeline_id: self.pipeline_id().to_string(),
                since_ms: stamp.ts_ms,
            },
            before: self.before(),
            after: UPDATED,
            comment: None,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, client: &Client, stamp: &Stamp) -> Sending<SyncSent> {
        let mut sending = Sending::new(SyncSent {
            update_id: None,
            since_ms: stamp.ts_ms,
        });
        sending.log.push(self.request_line());
        let answer = client
            .start_pipeline_update(self.pipeline_id(), false)
            .await;
        sending.last = Sent::of(&answer);
        sending.detail.update_id = answer.ok().and_then(|r| r.update_id);
        sending
    }

    async fn settle(
        &mut self,
        client: &Client,
        _: &Journal,
        stamp: &Stamp,
        sending: &mut Sending<SyncSent>,
    ) -> Settled {
        let read = read_sync_update(client, self.name, stamp.ts_ms).await;
        let object = format!("online table {}", self.name);
        let verdict = match &sending.last {
            // A definite refusal started nothing of ours, whatever the table shows: an update
            // on its way then is someone else's (that is what a 409 says).
            Sent::Refused(e) => Verdict {
                outcome: Outcome::Failed,
                error: Some(e.to_string()),
                failure: Some(FailureKind::of(e)),
                message: if e.kind() == Some(ErrorKind::Conflict) {
                    format!(
                        "not started: a sync of {} is already running (the workspace answered: \
                         {e})",
                        self.name
                    )
                } else {
                    format!("the sync of {} was refused: {e}", self.name)
                },
                answer_lost: false,
            },
            last => judge(&object, &self.before(), &UPDATED, last, &read),
        };
        Settled { read, verdict }
    }
}

/// How a sync start ended: the change, the update id the answer named, and when the attempt
/// was made (what following the update waits past).
#[derive(Debug, Clone, Serialize)]
pub struct SyncStarted {
    #[serde(flatten)]
    pub change: ChangeOutcome,
    pub update_id: Option<String>,
    pub pipeline_id: Option<String>,
    pub since_ms: i64,
    /// When the last sync before this one ended, as read just before (what following the
    /// update waits past).
    pub last_sync_before: Option<String>,
}

impl SyncStarted {
    /// The server refused because a sync was already running (409): not the console's error.
    pub fn already_running(&self) -> bool {
        self.change.outcome == Outcome::Failed && self.change.failure == Some(FailureKind::Conflict)
    }
}

/// Starts a sync of online table `name` through the change pipeline. Errors mean nothing was
/// sent (read-only, CONTINUOUS, a sync already running, no pipeline id, the journal not
/// writable).
pub async fn sync_online_table(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    name: &str,
) -> Result<SyncStarted, OpError> {
    let mut change = StartSync { name, table: None };
    let done = pipeline::run(client, journal, ctx, &mut change).await?;
    let pipeline_id = change.table.as_ref().and_then(|t| t.pipeline_id.clone());
    let last_sync_before = change.table.as_ref().and_then(|t| t.last_sync_end.clone());
    let pipeline::Finished {
        id,
        verdict,
        read,
        last,
        detail: SyncSent {
            update_id,
            since_ms,
        },
        journal_warning,
    } = done;
    Ok(SyncStarted {
        change: ChangeOutcome::from(pipeline::Finished {
            id,
            verdict,
            read,
            last,
            detail: (),
            journal_warning,
        }),
        update_id,
        pipeline_id,
        since_ms,
        last_sync_before,
    })
}
