//! Following an online table after a change is bounded (screen 7, real runtime against the
//! simulator on 127.0.0.1, the console's clock moved by the test's ticks): one that is never
//! found is re-read for two minutes, then no longer followed — the detail says "not found after
//! 2m; stopped following — r to re-read" — and nothing new is journaled (the change's outcome
//! stays as it was).

mod support;

use std::time::Duration;

use mlops_console::app::Msg;
use mlops_console::app::screens::features::follow::FOLLOW_GIVE_UP_MS;
use support::NOW;
use support::features::FeatureSim;

const TXN: &str = "main.features.txn_agg_30d";
const GHOST: &str = "main.features_online.txn_agg_30d_never";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_online_table_never_found_stops_being_followed_after_two_minutes() {
    let mut d = FeatureSim::start().await;
    d.open_table(TXN).await;

    // A change answered for an online table the workspace never shows.
    d.state.features.following = Some(GHOST.into());
    let mut now = NOW;
    let mut reads = 0;
    while d.state.features.following.is_some() {
        reads += 1;
        assert!(reads <= 100, "still following after {reads} reads");
        now += 2_000;
        d.sim.clock.advance(Duration::from_secs(2));
        d.send(Msg::Tick { now_ms: now });
        d.char('r');
        d.pump(|d| d.state.features.detail.is_settled()).await;
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
    assert_eq!(d.journaled(), 0);
    assert!(d.state.features.last.is_none());

    // `r` re-reads the table once; it is not followed again.
    d.send(Msg::Tick {
        now_ms: now + 10_000,
    });
    d.char('r');
    d.pump(|d| d.state.features.detail.is_settled()).await;
    assert!(d.state.features.following.is_none());
    assert!(d.state.features.follow_gave_up.is_some());
}
