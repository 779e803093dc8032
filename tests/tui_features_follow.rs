//! Following an online table after a change is bounded (screen 7, real runtime against the
//! simulator on 127.0.0.1, the console's clock moved by the test's ticks): one that is never
//! found is re-read for two minutes, then no longer followed — the detail says "not found after
//! 2m; stopped following — r to re-read" — and nothing new is journaled (the change's outcome
//! stays as it was).

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::Msg;
use mlops_console::app::runtime::Runtime;
use mlops_console::app::screens::features::follow::FOLLOW_GIVE_UP_MS;
use mlops_console::ops::journal::Journal;
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

const TXN: &str = "main.features.txn_agg_30d";
const GHOST: &str = "main.features_online.txn_agg_30d_never";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_online_table_never_found_stops_being_followed_after_two_minutes() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = sim_context(&sim, dir.path());
    ctx.monitoring.features.schemas = vec!["main.features".into()];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text(&format!("ft {TXN}"));
    d.key(KeyCode::Enter);
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled() && d.state.features.lineage.is_settled()
    })
    .await;

    // A change answered for an online table the workspace never shows.
    d.state.features.following = Some(GHOST.into());
    let mut now = NOW;
    let mut reads = 0;
    while d.state.features.following.is_some() {
        reads += 1;
        assert!(reads <= 100, "still following after {reads} reads");
        now += 2_000;
        sim.clock.advance(Duration::from_secs(2));
        d.send(Msg::Tick { now_ms: now });
        d.char('r');
        pump(&mut d, &mut rt, &mut rx, |d| {
            d.state.features.detail.is_settled()
        })
        .await;
        if now - NOW < FOLLOW_GIVE_UP_MS {
            assert_eq!(d.state.features.following.as_deref(), Some(GHOST));
        }
    }
    // Two minutes of reads (one every 2 s) counted from the first read without it.
    assert_eq!(reads as i64, FOLLOW_GIVE_UP_MS / 2_000 + 1);
    let gave_up = d.state.features.follow_gave_up.clone().expect("a note");
    assert_eq!(gave_up.name, GHOST);
    let text = d.screen_text(160, 50);
    assert!(
        text.contains("not found after 2m; stopped following — r to re-read"),
        "{text}"
    );
    assert!(
        !text.contains(&format!("following {GHOST} until")),
        "{text}"
    );
    // Nothing was journaled, and no change verdict was made up.
    assert!(
        Journal::in_dir(dir.path())
            .read()
            .unwrap()
            .entries
            .is_empty()
    );
    assert!(d.state.features.last.is_none());

    // `r` re-reads the table once; it is not followed again.
    d.send(Msg::Tick {
        now_ms: now + 10_000,
    });
    d.char('r');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.detail.is_settled()
    })
    .await;
    assert!(d.state.features.following.is_none());
    assert!(d.state.features.follow_gave_up.is_some());
}
