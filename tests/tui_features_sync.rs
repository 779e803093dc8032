//! `S` on a feature table (screen 7) on the real runtime against the simulator (127.0.0.1):
//! the TRIGGERED online table of txn_agg_30d is synced through the confirm dialog (profile,
//! host, online table, mode), the change pipeline (journaled) and the read-back (followed until
//! the update has ended, its last sync moved). Refusals send nothing: while the first snapshot
//! still runs ("already running", not journaled) and on a read-only profile (no dialog).

mod support;

use std::time::Duration;

use mlops_console::app::Overlay;
use mlops_console::app::form::ConfirmAction;
use mlops_console::ops::ChangeAction;
use mlops_console::ops::features::OnlineStatus;
use mlops_console::ops::journal::{Journal, Outcome};
use mlops_console::sim::SimHandle;
use support::Driver;
use support::features::FeatureSim;

const TXN: &str = "main.features.txn_agg_30d";
const TXN_ONLINE: &str = "main.features_online.txn_agg_30d";

fn updates_sent(sim: &SimHandle) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/updates"))
        .count()
}

fn online(d: &Driver) -> OnlineStatus {
    let detail = d
        .state
        .features
        .detail
        .data
        .as_ref()
        .expect("the table is read");
    detail
        .online
        .iter()
        .find(|o| o.name == TXN_ONLINE)
        .cloned()
        .unwrap_or_else(|| panic!("{TXN_ONLINE} in {:?}", detail.online))
}

fn confirm_rows(d: &Driver) -> Vec<(String, String)> {
    let Overlay::Confirm(confirm) = &d.state.overlay else {
        panic!("a confirm dialog: {:?}", d.state.overlay);
    };
    let ConfirmAction::Room(room) = &confirm.action else {
        panic!("a room change");
    };
    room.rows.clone()
}

fn row(rows: &[(String, String)], k: &str) -> String {
    rows.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("{k} in {rows:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_goes_through_confirm_journal_and_read_back() {
    let mut d = FeatureSim::start().await;
    // Its first snapshot (published a few minutes before) is over.
    d.sim.clock.advance(Duration::from_secs(10 * 60));
    d.open_table(TXN).await;
    let before = online(&d);
    assert!(before.first_sync_done, "{before:?}");
    assert_eq!(before.mode.as_deref(), Some("TRIGGERED"));

    d.char('S');
    let rows = confirm_rows(&d);
    // Where it goes is the dialog's own Profile and Workspace lines.
    let shown = d.screen_text(160, 40);
    assert!(shown.contains(&d.state.session.profile), "{shown}");
    assert!(shown.contains(&d.state.session.host), "{shown}");
    assert_eq!(row(&rows, "table"), TXN);
    assert_eq!(row(&rows, "online table"), TXN_ONLINE);
    assert_eq!(row(&rows, "mode"), "TRIGGERED");
    // Nothing is sent before the confirmation.
    assert_eq!(updates_sent(&d.sim), 0);
    assert_eq!(d.journaled(), 0);

    d.char('y');
    d.pump(|d| d.state.features.last.is_some()).await;
    let done = d.state.features.last.clone().unwrap();
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    assert_eq!(updates_sent(&d.sim), 1);
    let entries = Journal::in_dir(d.dir.path()).read().unwrap().entries;
    let entry = entries.last().expect("the sync is journaled");
    assert_eq!(entry.attempt.action, ChangeAction::SyncOnlineTable);
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    // Followed: re-read until the update has ended (the test moves the workspace's clock).
    assert_eq!(d.state.features.following.as_deref(), Some(TXN_ONLINE));
    let mut reads = 0;
    while d.state.features.following.is_some() {
        reads += 1;
        assert!(reads < 60, "the update ends: {:?}", online(&d));
        d.sim.clock.advance(Duration::from_secs(30));
        d.char('r');
        d.pump(|d| d.state.features.detail.is_settled()).await;
    }
    assert!(reads > 1, "the update took a while to end ({reads} reads)");
    let after = online(&d);
    assert!(after.progress.is_none() && !after.sync_failed, "{after:?}");
    assert!(
        after.last_sync_end_ms > before.last_sync_end_ms,
        "the last sync moved: {before:?} → {after:?}"
    );
    // Sent once, journaled once.
    assert_eq!(updates_sent(&d.sim), 1);
    assert_eq!(d.journaled(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_is_refused_while_the_first_snapshot_runs_and_on_a_read_only_profile() {
    let mut d = FeatureSim::start().await;
    d.open_table(TXN).await;
    assert!(!online(&d).first_sync_done, "{:?}", online(&d));

    // The first snapshot is a sync already on its way: nothing is sent nor journaled.
    d.char('S');
    confirm_rows(&d);
    d.char('y');
    d.pump(|d| d.state.features.last.is_some()).await;
    let done = d.state.features.last.clone().unwrap();
    assert_eq!(done.outcome, None, "not sent: {}", done.message);
    assert!(done.message.contains("already running"), "{}", done.message);
    assert!(d.state.features.following.is_none());
    assert_eq!(updates_sent(&d.sim), 0);
    assert_eq!(d.journaled(), 0);

    // A read-only profile: no dialog, a toast saying why.
    d.state.session.readonly = true;
    d.char('S');
    assert!(
        matches!(d.state.overlay, Overlay::None),
        "{:?}",
        d.state.overlay
    );
    assert!(
        d.state.toasts.iter().any(|t| t.text.contains("read-only")),
        "{:?}",
        d.state.toasts
    );
    assert!(d.effects.is_empty(), "{:?}", d.effects);
    assert_eq!(updates_sent(&d.sim), 0);
    assert_eq!(d.journaled(), 0);
}
