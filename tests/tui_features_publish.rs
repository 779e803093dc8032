//! Publish and sync from a feature table (screen 7) on the real runtime against the simulator
//! (127.0.0.1): `P` opens the form (store, mode, name), the plan is read, the confirm dialog
//! names the profile, host, table, store and mode; confirming sends the publish through the
//! change pipeline (journaled, read back) and the new online table is followed until its first
//! sync. `S` on a table without a TRIGGERED or SNAPSHOT online table says why, and nothing is
//! sent.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::Overlay;
use mlops_console::app::form::ConfirmAction;
use mlops_console::ops::journal::{Journal, Outcome};
use support::NOW;
use support::features::FeatureSim;

const TXN: &str = "main.features.txn_agg_30d";
const COPY: &str = "main.features_online.txn_agg_30d_tui";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_goes_through_confirm_journal_and_read_back() {
    let mut d = FeatureSim::start().await;
    d.open_table(TXN).await;
    assert_eq!(d.journaled(), 0);

    d.char('P');
    let Overlay::RoomForm(form) = &d.state.overlay else {
        panic!("a form: {:?}", d.state.overlay);
    };
    // The store is prefilled when an online table of the table names one.
    let mut store = form.values()[0].value.clone();
    if store.is_empty() {
        store = "fs-prod".into();
        d.type_text(&store);
    }
    // To the name field; type the online table's name.
    d.key(KeyCode::Down);
    d.key(KeyCode::Down);
    d.type_text(COPY);
    d.key(KeyCode::Enter);
    d.pump(|d| d.state.features.plan.is_settled()).await;
    assert_eq!(d.state.features.plan.error, None);
    let Overlay::Confirm(confirm) = &d.state.overlay else {
        panic!("a confirm dialog: {:?}", d.state.overlay);
    };
    let ConfirmAction::Room(room) = &confirm.action else {
        panic!("a room change");
    };
    let row = |k: &str| {
        room.rows
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{k} in {:?}", room.rows))
    };
    // The dialog names where the change goes (its own Profile and Workspace lines, not rows
    // of the room's).
    let shown = d.screen_text(160, 40);
    assert!(shown.contains(&d.state.session.profile), "{shown}");
    assert!(shown.contains(&d.state.session.host), "{shown}");
    assert!(!room.rows.iter().any(|(n, _)| n == "profile" || n == "host"));
    assert_eq!(row("table"), TXN);
    assert!(row("store").starts_with(&store));
    assert_eq!(row("mode"), "TRIGGERED");
    assert_eq!(row("online table"), COPY);
    // Nothing is sent before the confirmation.
    assert_eq!(d.journaled(), 0);

    d.char('y');
    d.pump(|d| d.state.features.last.is_some()).await;
    let done = d.state.features.last.clone().unwrap();
    assert_eq!(done.outcome, Some(Outcome::Ok), "{}", done.message);
    let entries = Journal::in_dir(d.dir.path()).read().unwrap().entries;
    let entry = entries.last().expect("the publish is journaled");
    assert!(
        entry.attempt.action.as_str().contains("publish"),
        "{:?}",
        entry.attempt.action
    );
    // Followed: the online table is re-read until its first sync has ended.
    assert_eq!(d.state.features.following.as_deref(), Some(COPY));
    let mut now = NOW;
    while d.state.features.following.is_some() {
        now += mlops_console::app::screens::features::FOLLOW_MS;
        // The workspace moves on 30 s between two reads; the test reads again itself (the 2 s
        // follow runs on the runtime's clock, not this test's).
        d.sim.clock.advance(Duration::from_secs(30));
        d.char('r');
        d.pump(|d| d.state.features.detail.is_settled()).await;
        assert!(
            now < NOW + 3_600_000,
            "the first sync ends within an hour: {:?}",
            d.state.features.detail.data.as_ref().map(|x| &x.online)
        );
    }
    let online = d
        .state
        .features
        .detail
        .data
        .as_ref()
        .unwrap()
        .online
        .clone();
    let copy = online
        .iter()
        .find(|o| o.name == COPY)
        .unwrap_or_else(|| panic!("{COPY} read back: {online:?}"));
    assert!(copy.first_sync_done || copy.sync_failed, "{copy:?}");
}
