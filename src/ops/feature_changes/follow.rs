//! Following an online table after a change: until its first sync has finished (after a
//! publish; UC ACTIVE alone is not enough), or until the update a sync started has ended.

use crate::api::models::online_sync::OnlineSync;
use crate::api::models::synced_tables::ProvisioningState;
use crate::api::{ApiError, Client};
use crate::ops::wait::{WaitError, Waiter};

use super::sync_running;

/// How following an online table waits; its progress is every state read.
pub type SyncPoll<'a> = Waiter<'a, OnlineSync>;

/// Whether the table has failed (its UC entity or its pipeline).
pub fn failed(o: &OnlineSync) -> bool {
    o.uc_state == Some(ProvisioningState::Failed)
        || o.sync_state.as_ref().is_some_and(|s| s.is_failed())
}

/// Why following an online table stopped before the sync it waited for.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FollowError {
    /// A read failed (the client has already retried what is retryable).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The timeout passed first.
    #[error("online table {table} was still syncing after {secs} s ({last})")]
    StillSyncing {
        table: String,
        secs: u64,
        last: String,
    },
}

/// The waiter's timeout, carried out of it as a statement-shaped wait error and turned back
/// into [`FollowError::StillSyncing`] right away.
fn timed_out(o: &OnlineSync, waited: std::time::Duration) -> WaitError {
    WaitError::StatementRunning {
        statement_id: o.name.clone(),
        secs: waited.as_secs(),
        last: super::states_line(o),
    }
}

fn follow_error(e: WaitError) -> FollowError {
    match e {
        WaitError::Api(e) => FollowError::Api(e),
        WaitError::StatementRunning {
            statement_id,
            secs,
            last,
        } => FollowError::StillSyncing {
            table: statement_id,
            secs,
            last,
        },
        other => FollowError::StillSyncing {
            table: String::new(),
            secs: 0,
            last: other.to_string(),
        },
    }
}

/// Polls online table `name` until its first sync has finished (or it failed) and returns it
/// as last read.
pub async fn follow_first_sync(
    client: &Client,
    name: &str,
    poll: &mut SyncPoll<'_>,
) -> Result<OnlineSync, FollowError> {
    poll.until(
        || client.read_online_table(name),
        |o: &OnlineSync| {
            (o.first_sync_done() && !o.sync_state.as_ref().is_some_and(|s| s.is_provisioning()))
                || failed(o)
        },
        |o, _, _| Some(o.clone()),
        timed_out,
    )
    .await
    .map_err(follow_error)
}

/// Polls online table `name` until no sync is on its way and the last sync is another than
/// `before` (when the last sync ended before the change, as read then), or it failed, and
/// returns it as last read. Clocks are not compared: the console's and the workspace's may
/// differ.
pub async fn follow_update(
    client: &Client,
    name: &str,
    before: Option<&str>,
    poll: &mut SyncPoll<'_>,
) -> Result<OnlineSync, FollowError> {
    poll.until(
        || client.read_online_table(name),
        |o: &OnlineSync| {
            (!sync_running(o) && o.last_sync_end.is_some() && o.last_sync_end.as_deref() != before)
                || failed(o)
        },
        |o, _, _| Some(o.clone()),
        timed_out,
    )
    .await
    .map_err(follow_error)
}
