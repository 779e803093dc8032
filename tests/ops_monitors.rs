//! Monitors through the library against the simulator: discovery from the config, the
//! endpoints' inference tables and the metric tables' siblings (a table without a monitor
//! listed only when the config names it), remembered per workspace; the fallback to the legacy
//! API when the Data Quality API is not enabled (and an HTML 404 page); a refresh as a
//! journaled, verified change, refused while another runs, never sent twice when its answer is
//! lost; a cancel followed until the refresh has ended. Only 127.0.0.1 is contacted.

mod ops_support;

use std::time::Duration;

use mlops_console::api::models::monitors::{MonitorApi, RefreshState};
use mlops_console::api::monitors::MonitorLookup;
use mlops_console::config::monitoring::MonitoringSettings;
use mlops_console::ops::journal::Outcome;
use mlops_console::ops::monitors::{
    self, MonitorMemory, RefreshPoll, Source, cancel_refresh, follow_refresh, run_refresh,
};
use mlops_console::ops::{ChangeAction, Journal, ObjectState, OpError, Target, Workspace};
use mlops_console::sim::{self, ScriptedFault, SimClock, SimHandle, SimOptions};

use ops_support::{client_with, ctx};

const CHURN: &str = "main.ml.churn_inference";
const PAYLOAD: &str = "main.ml.churn_prod_payload";
const FEATURES: &str = "main.features.customer_features";

async fn sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        sql_latency: Duration::ZERO,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A journal whose clock is the simulator's, so "since the attempt" means the same to both.
fn journal(sim: &SimHandle) -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let clock = sim.clock.clone();
    let j = Journal::in_dir(dir.path()).with_clock(move || clock.now_ms());
    (dir, j)
}

/// A poll whose sleeps move the simulator's clock.
fn simulated(sim: &SimHandle) -> RefreshPoll<'static> {
    let clock = sim.clock.clone();
    RefreshPoll::real().with_sleep(Box::new(move |d: Duration| {
        clock.advance(d);
        Box::pin(async {})
    }))
}

fn requests(sim: &SimHandle, method: &str, tail: &str) -> usize {
    sim.request_log()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(tail))
        .count()
}

fn settings(tables: &[&str]) -> MonitoringSettings {
    MonitoringSettings {
        tables: tables.iter().map(|t| t.to_string()).collect(),
        ..MonitoringSettings::default()
    }
}

#[tokio::test]
async fn discovery_finds_monitors_from_three_sources_and_remembers_them() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let memory = MonitorMemory::for_workspace(dir.path(), &Workspace::of(&c).await);
    let cfg = settings(&["main.ml.churn_baseline", "main.ml.nope"]);
    let found = monitors::discover(&c, &cfg, Some(&memory)).await;
    assert!(found.notes.is_empty(), "{:?}", found.notes);
    let tables: Vec<&str> = found.rows.iter().map(|r| r.table.as_str()).collect();
    assert_eq!(
        tables,
        [
            "main.ml.churn_baseline",
            "main.ml.nope",
            PAYLOAD,
            FEATURES,
            CHURN
        ],
        "config first, then endpoints, then metric tables"
    );
    let row = |t: &str| found.rows.iter().find(|r| r.table == t).unwrap();
    // Named in the config without a monitor: listed as such; a missing table: its error.
    assert!(row("main.ml.churn_baseline").monitor.is_none());
    assert!(row("main.ml.churn_baseline").error.is_none());
    assert!(
        row("main.ml.nope")
            .error
            .as_deref()
            .unwrap()
            .contains("not found")
    );
    // churn-prod's AI Gateway inference table; fraud-scoring's has no monitor and is left out.
    assert_eq!(
        row(PAYLOAD).sources,
        [Source::Endpoint {
            endpoint: "churn-prod".into()
        }]
    );
    assert!(!row(PAYLOAD).monitor.as_ref().unwrap().metric_tables_ready());
    assert!(!tables.iter().any(|t| t.contains("fraud")));
    assert_eq!(row(CHURN).sources, [Source::MetricTables]);
    assert_eq!(found.api, Some(MonitorApi::DataQuality));
    let saved = memory.load().unwrap();
    assert_eq!(saved.tables, [PAYLOAD, FEATURES, CHURN]);

    // Next start: what was found before is a candidate even when no source names it now.
    let again = monitors::discover(&c, &settings(&[]), Some(&memory)).await;
    assert!(
        again
            .rows
            .iter()
            .any(|r| r.table == CHURN && r.sources.contains(&Source::Remembered))
    );
    assert!(
        !again
            .rows
            .iter()
            .any(|r| r.table == "main.ml.churn_baseline")
    );
}

#[tokio::test]
async fn the_legacy_api_answers_where_the_new_one_is_not_enabled_and_is_remembered() {
    let sim = sim().await;
    sim.set_data_quality_enabled(false);
    let c = client_with(&sim, &sim.token, |_| {});
    let dir = tempfile::tempdir().unwrap();
    let memory = MonitorMemory::for_workspace(dir.path(), &Workspace::of(&c).await);
    let found = monitors::discover(&c, &settings(&[]), Some(&memory)).await;
    let churn = found.rows.iter().find(|r| r.table == CHURN).unwrap();
    assert_eq!(churn.monitor.as_ref().unwrap().api, MonitorApi::Legacy);
    assert_eq!(memory.load().unwrap().api, Some(MonitorApi::Legacy));
    // Remembered: the next reads go to the legacy API straight away.
    let before = requests(&sim, "GET", "");
    let dq_before = sim
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/api/data-quality"))
        .count();
    let detail = monitors::read_detail(&c, CHURN, memory.load().unwrap().api)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.refreshes.len(), 5);
    let dq_after = sim
        .request_log()
        .iter()
        .filter(|r| r.path.starts_with("/api/data-quality"))
        .count();
    assert_eq!(dq_after, dq_before, "the new API is not asked again");
    assert!(requests(&sim, "GET", "") > before);
}

#[tokio::test]
async fn an_html_404_page_falls_back_and_other_errors_do_not() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    // The UC table read passes; the new API's answer is a proxy's HTML 404 page.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::Html { status: 404 },
    ]);
    match c.read_monitor(CHURN, None).await.unwrap() {
        MonitorLookup::Found(m) => assert_eq!(m.api, MonitorApi::Legacy),
        other => panic!("{other:?}"),
    }
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::Html { status: 403 },
    ]);
    let e = c.read_monitor(CHURN, None).await.unwrap_err();
    assert!(e.to_string().contains("403"), "{e}");
}

#[tokio::test]
async fn a_refresh_is_journaled_verified_and_followed_and_one_at_a_time() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = journal(&sim);
    let m = match c.read_monitor(CHURN, None).await.unwrap() {
        MonitorLookup::Found(m) => m.reference(),
        other => panic!("{other:?}"),
    };
    let started = run_refresh(&c, &journal, &ctx(), &m).await.unwrap();
    assert_eq!(
        started.change.outcome,
        Outcome::Ok,
        "{}",
        started.change.message
    );
    let id = started.refresh_id.unwrap();
    assert!(matches!(
        started.change.verified,
        Some(ObjectState::MonitorRefresh { started: true, refresh_id: Some(r), .. }) if r == id
    ));
    let view = journal.read().unwrap();
    let entry = view.entry(&started.change.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::RefreshMonitor);
    assert!(
        matches!(&entry.attempt.target, Target::MonitorRefreshes { table, .. } if table == CHURN)
    );
    assert_eq!(entry.latest().unwrap().outcome, Outcome::Ok);

    // While it runs, a second is refused before anything is journaled or sent.
    let posts = requests(&sim, "POST", "/refreshes");
    let e = run_refresh(&c, &journal, &ctx(), &m).await.unwrap_err();
    assert!(
        matches!(&e, OpError::Refused(why) if why.contains("wait for it")),
        "{e}"
    );
    assert_eq!(requests(&sim, "POST", "/refreshes"), posts);
    assert_eq!(journal.read().unwrap().entries.len(), 1);

    let ended = follow_refresh(&c, &m, id, &mut simulated(&sim))
        .await
        .unwrap();
    assert_eq!(ended.state, RefreshState::Success);

    // Read-only: refused below the UI.
    let ro = client_with(&sim, &sim.token, |o| o.readonly = true);
    assert!(matches!(
        run_refresh(&ro, &journal, &ctx(), &m).await,
        Err(OpError::ReadOnly(_))
    ));
}

#[tokio::test]
async fn a_refresh_whose_answer_is_lost_is_found_by_reading_back_never_sent_twice() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = journal(&sim);
    for (api, lost) in [
        (None, ScriptedFault::Reset),
        (
            Some(MonitorApi::Legacy),
            ScriptedFault::Html { status: 504 },
        ),
        (None, ScriptedFault::Status(500)),
    ] {
        let m = match c.read_monitor(CHURN, api).await.unwrap() {
            MonitorLookup::Found(m) => m.reference(),
            other => panic!("{other:?}"),
        };
        let posts = requests(&sim, "POST", "/refreshes");
        // The list before the POST passes; the POST is applied and its answer lost.
        sim.script_faults(vec![
            ScriptedFault::Pass,
            ScriptedFault::AfterApply(Box::new(lost.clone())),
        ]);
        let started = run_refresh(&c, &journal, &ctx(), &m).await.unwrap();
        assert_eq!(
            started.change.outcome,
            Outcome::Ok,
            "{lost:?}: {}",
            started.change.message
        );
        assert!(started.change.answer_lost, "{lost:?}");
        assert_eq!(
            requests(&sim, "POST", "/refreshes"),
            posts + 1,
            "{lost:?}: sent once"
        );
        let id = started.refresh_id.expect("found by reading back");
        let ended = follow_refresh(&c, &m, id, &mut simulated(&sim))
            .await
            .unwrap();
        assert_eq!(ended.state, RefreshState::Success);
    }
    // Each lost answer was matched to its own refresh.
    let view = journal.read().unwrap();
    let mut ids: Vec<i64> = view
        .entries
        .iter()
        .filter_map(|e| match &e.latest()?.verified {
            Some(ObjectState::MonitorRefresh { refresh_id, .. }) => *refresh_id,
            _ => None,
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
}

#[tokio::test]
async fn a_cancel_is_journaled_and_followed_until_the_refresh_has_ended() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = journal(&sim);
    let m = match c.read_monitor(CHURN, None).await.unwrap() {
        MonitorLookup::Found(m) => m.reference(),
        other => panic!("{other:?}"),
    };
    let id = run_refresh(&c, &journal, &ctx(), &m)
        .await
        .unwrap()
        .refresh_id
        .unwrap();
    let out = cancel_refresh(&c, &journal, &ctx(), &m, id, simulated(&sim))
        .await
        .unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{}", out.message);
    assert!(matches!(
        out.verified,
        Some(ObjectState::RefreshLife {
            ended: true,
            cancelled: Some(true),
            ..
        })
    ));
    let view = journal.read().unwrap();
    let entry = view.entry(&out.id).unwrap();
    assert_eq!(entry.attempt.action, ChangeAction::CancelMonitorRefresh);
    // An ended refresh: nothing to do, nothing sent.
    let e = cancel_refresh(&c, &journal, &ctx(), &m, id, simulated(&sim))
        .await
        .unwrap_err();
    assert!(matches!(e, OpError::NothingToDo(_)), "{e}");
    assert_eq!(requests(&sim, "POST", "/cancel"), 1);
}

#[tokio::test]
async fn a_refresh_that_could_not_be_read_back_is_unknown_until_verified() {
    let sim = sim().await;
    let c = client_with(&sim, &sim.token, |_| {});
    let (_dir, journal) = journal(&sim);
    let m = match c.read_monitor(CHURN, None).await.unwrap() {
        MonitorLookup::Found(m) => m.reference(),
        other => panic!("{other:?}"),
    };
    // The list before the POST passes; the POST is applied and its answer lost; reading the
    // refreshes back is refused.
    sim.script_faults(vec![
        ScriptedFault::Pass,
        ScriptedFault::AfterApply(Box::new(ScriptedFault::Reset)),
        ScriptedFault::Status(403),
    ]);
    let started = run_refresh(&c, &journal, &ctx(), &m).await.unwrap();
    assert_eq!(
        started.change.outcome,
        Outcome::Unknown,
        "{}",
        started.change.message
    );
    assert_eq!(started.refresh_id, None);
    let settled = mlops_console::ops::change::verify::verify_unknown(&c, &journal)
        .await
        .unwrap();
    assert_eq!(settled.len(), 1);
    let result = settled[0].1.as_ref().unwrap();
    assert_eq!(result.outcome, Outcome::Ok);
    assert!(matches!(
        result.verified,
        Some(ObjectState::MonitorRefresh {
            started: true,
            refresh_id: Some(_),
            ..
        })
    ));
    assert_eq!(
        requests(&sim, "POST", "/refreshes"),
        1,
        "verifying sends nothing"
    );
}
