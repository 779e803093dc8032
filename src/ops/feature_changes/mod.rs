//! Changes to online feature serving, each through the one change pipeline
//! (`ops::change::pipeline`): publishing a feature table to an online store ([`publish`]) and
//! starting a sync of a TRIGGERED or SNAPSHOT online table ([`sync`]). Both are POSTs without
//! an idempotency key: never sent twice; a lost answer is settled by reading the online table
//! back ([`read_online_state`], [`read_sync_update`]). Following a table until its first sync
//! or its update has ended is [`follow`].
//!
//! The online table's UC state and its sync state stay apart everywhere: UC says ACTIVE before
//! the first sync has finished, and that is not "synced".

pub mod follow;
pub mod publish;
pub mod state;
pub mod sync;

pub use follow::{FollowError, SyncPoll, follow_first_sync, follow_update};
pub use publish::{PublishPlan, PublishRequest, Published, default_online_name, plan_publish};
pub use sync::{SyncStarted, sync_online_table};

use crate::api::models::online_sync::OnlineSync;
use crate::api::models::synced_tables::SyncState;
use crate::api::{ApiResult, Client};

use super::change::target::ObjectState;
use state::OnlineTableState;

/// An online table as a journal state.
pub fn online_state(o: &OnlineSync) -> ObjectState {
    ObjectState::OnlineTable(Box::new(OnlineTableState::of(o)))
}

/// No online table of that name, as a journal state.
pub fn not_published() -> ObjectState {
    ObjectState::OnlineTable(Box::new(OnlineTableState::missing()))
}

/// The online table `name` as a journal state; not found through any API → not published.
pub async fn read_online_state(client: &Client, name: &str) -> ApiResult<ObjectState> {
    match client.read_online_table(name).await {
        Ok(o) => Ok(online_state(&o)),
        Err(e) if e.is_not_found() => Ok(not_published()),
        Err(e) => Err(e),
    }
}

/// Whether a sync of the table is on its way: its first snapshot, or an update.
pub fn sync_running(o: &OnlineSync) -> bool {
    o.sync_state.as_ref().is_some_and(|s| {
        s.is_provisioning()
            || matches!(
                s,
                SyncState::OnlineTriggeredUpdate | SyncState::OnlineUpdatingPipelineResources
            )
    })
}

/// Whether `o` shows a sync since `since_ms`: an update on its way, or one that ended since.
pub fn synced_since(o: &OnlineSync, since_ms: i64) -> bool {
    sync_running(o) || o.last_sync_end_ms().is_some_and(|end| end >= since_ms)
}

/// The syncs of online table `name` since `since_ms`, as a journal state.
pub fn sync_update_state(o: &OnlineSync, since_ms: i64) -> ObjectState {
    ObjectState::OnlineSyncUpdate {
        updated: synced_since(o, since_ms),
        sync_state: o.sync_state.as_ref().map(|s| s.as_str().to_string()),
        last_synced_version: o.last_synced_version,
    }
}

/// Reads whether online table `name` has synced since `since_ms` (what a sync's read-back and a
/// later verification look for).
pub async fn read_sync_update(
    client: &Client,
    name: &str,
    since_ms: i64,
) -> ApiResult<ObjectState> {
    Ok(sync_update_state(
        &client.read_online_table(name).await?,
        since_ms,
    ))
}

/// The UC state and the sync state in words, apart: `UC ACTIVE · sync
/// PROVISIONING_INITIAL_SNAPSHOT 40% (first sync not done)`.
pub fn states_line(o: &OnlineSync) -> String {
    let uc = o.uc_state.as_ref().map_or("?", |u| u.as_str());
    let sync = o.sync_state.as_ref().map_or("?", |s| s.as_str());
    let progress = o
        .progress
        .as_ref()
        .and_then(|p| p.sync_progress_completion)
        .map(|f| format!(" {:.0}%", f * 100.0))
        .unwrap_or_default();
    let first = if o.first_sync_done() {
        ""
    } else {
        " (first sync not done)"
    };
    format!("UC {uc} · sync {sync}{progress}{first}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::change::target::{ChangeAction, Target};

    fn table(source: &str, mode: &str) -> ObjectState {
        ObjectState::OnlineTable(Box::new(OnlineTableState {
            uc_state: Some("ACTIVE".into()),
            sync_state: Some("PROVISIONING_INITIAL_SNAPSHOT".into()),
            ..OnlineTableState::wanted(source, mode)
        }))
    }

    #[test]
    fn a_publish_is_applied_only_with_our_source_and_mode() {
        let want = ObjectState::OnlineTable(Box::new(OnlineTableState::wanted(
            "main.features.t",
            "TRIGGERED",
        )));
        assert!(want.satisfied_by(&table("MAIN.features.t", "TRIGGERED")));
        assert!(!want.satisfied_by(&table("main.features.other", "TRIGGERED")));
        assert!(!want.satisfied_by(&table("main.features.t", "SNAPSHOT")));
        assert!(!want.satisfied_by(&not_published()));
        assert!(not_published().satisfied_by(&not_published()));
        assert_eq!(not_published().describe(), "(not published)");
        assert_eq!(
            table("s", "TRIGGERED").describe(),
            "published TRIGGERED, UC ACTIVE, sync PROVISIONING_INITIAL_SNAPSHOT"
        );
        let json = serde_json::to_string(&table("s", "SNAPSHOT")).unwrap();
        assert!(
            json.starts_with(r#"{"kind":"online_table","exists":true"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<ObjectState>(&json).unwrap(),
            table("s", "SNAPSHOT")
        );
    }

    #[test]
    fn journal_kinds_round_trip() {
        let t = Target::OnlineTable {
            name: "main.features_online.t".into(),
            source: "main.features.t".into(),
            store: Some("fs-prod".into()),
        };
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Target>(&json).unwrap(), t);
        assert_eq!(t.model(), "main.features.t");
        assert_eq!(
            t.describe(),
            "online table main.features_online.t of main.features.t on fs-prod"
        );
        let s = ObjectState::OnlineSyncUpdate {
            updated: true,
            sync_state: Some("ONLINE_TRIGGERED_UPDATE".into()),
            last_synced_version: Some(4),
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<ObjectState>(&json).unwrap(), s);
        assert_eq!(s.describe(), "synced since (ONLINE_TRIGGERED_UPDATE)");
        assert_eq!(
            serde_json::to_string(&ChangeAction::PublishFeatureTable).unwrap(),
            "\"publish_feature_table\""
        );
        assert_eq!(ChangeAction::SyncOnlineTable.as_str(), "sync_online_table");
    }

    #[test]
    fn the_default_online_name_adds_online_to_the_schema() {
        assert_eq!(
            default_online_name("main.features.txn_agg_30d").unwrap(),
            "main.features_online.txn_agg_30d"
        );
        for bad in ["t", "a.b", "a..c", "a.b.c.d", ""] {
            assert!(default_online_name(bad).is_err(), "{bad}");
        }
    }
}
