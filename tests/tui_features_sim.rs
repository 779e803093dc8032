//! The Features screen (7) on the real runtime against the simulator (127.0.0.1, manual
//! clock): key 7 and `:features` open the feature tables with their keys, freshness against the
//! SLA (the stale one marked), online tables with the UC state and the sync state apart, and
//! the models using them; `/` filters the list.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::runtime::Runtime;
use mlops_console::app::{ScreenId, ScreenRoute};
use mlops_console::sim::{self, SimClock, SimOptions};
use support::sim_runtime::{pump, sim_context};
use support::{Driver, NOW, session};

const CUSTOMER: &str = "main.features.customer_features";
const TXN: &str = "main.features.txn_agg_30d";
const SUPPORT: &str = "main.features.support_interactions";

fn line_of<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} in {text}"))
}

fn listed(d: &Driver) -> bool {
    d.state.features.list.is_settled() && d.state.features.list.data.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_7_lists_the_feature_tables_with_freshness_and_online_state() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
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

    d.char('7');
    assert_eq!(*d.state.route(), ScreenRoute::Screen(ScreenId::Features));
    // Honest loading state: no rows from nothing.
    let text = d.screen_text(200, 30);
    assert!(!text.contains("not in this version"), "{text}");
    assert!(!text.contains(CUSTOMER), "{text}");
    pump(&mut d, &mut rt, &mut rx, listed).await;
    let f = &d.state.features;
    assert_eq!(f.list.error, None);
    let names: Vec<&str> = f
        .list
        .data
        .as_ref()
        .unwrap()
        .rows
        .iter()
        .map(|r| r.table.as_str())
        .collect();
    assert_eq!(names, [CUSTOMER, SUPPORT, TXN]);

    let text = d.screen_text(220, 30);
    let support = line_of(&text, SUPPORT);
    assert!(support.contains("STALE"), "{support}");
    let customer = line_of(&text, CUSTOMER);
    assert!(!customer.contains("STALE"), "{customer}");
    assert!(customer.contains("pk customer_id"), "{customer}");
    let txn = line_of(&text, TXN);
    assert!(txn.contains("ts ts"), "{txn}");
    // The UC state and the sync state are shown apart.
    assert!(text.contains("UC ACTIVE"), "{text}");
    assert!(text.contains("sync "), "{text}");

    // `/` filters; Esc clears.
    d.char('/');
    d.type_text("txn");
    let text = d.screen_text(220, 30);
    assert!(text.contains(TXN), "{text}");
    assert!(!text.contains(CUSTOMER), "{text}");
    assert_eq!(d.state.features.visible_rows().len(), 1);
    d.key(KeyCode::Esc);
    assert_eq!(d.state.features.visible_rows().len(), 3);

    // The palette opens the same screen.
    d.char('1');
    d.char(':');
    d.type_text("features");
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::Screen(ScreenId::Features));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_cannot_be_read_says_why() {
    let sim = sim::start(SimOptions {
        clock: SimClock::manual(NOW),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .expect("simulator starts");
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = sim_context(&sim, dir.path());
    ctx.monitoring.features.schemas = vec!["nosuch.schema".into()];
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut rt = Runtime::new(&ctx, tx, true);
    let mut d = Driver::new(session());
    d.char('7');
    pump(&mut d, &mut rt, &mut rx, |d| {
        d.state.features.list.is_settled()
    })
    .await;
    assert!(d.state.features.list.error.is_some());
    let text = d.screen_text(200, 30);
    assert!(text.contains("nosuch"), "{text}");
}
