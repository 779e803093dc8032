//! The Overview's activity panels through `update`: it asks for pending approvals and the audit
//! journal when they are due (sharing them with the Approvals and Audit screens), lists the
//! canary plans worth a line, and its hint bar names the jumps.

mod support;

use mlops_console::app::commands::hints;
use mlops_console::app::screens::overview::{RECENT_ACTIONS, canaries, recent_actions};
use mlops_console::app::{Msg, Payload, ResourceKey, ScreenId, ScreenRoute};
use support::*;

fn tick(d: &mut Driver, at: i64) {
    d.send(Msg::Tick { now_ms: at });
}

fn asked(d: &Driver) -> (bool, bool) {
    (
        d.try_req(ResourceKey::Approvals).is_some(),
        d.try_req(ResourceKey::Journal).is_some(),
    )
}

#[test]
fn approvals_and_journal_are_asked_when_due_and_not_before_the_refresh() {
    let mut d = Driver::new(session());
    assert_eq!(asked(&d), (true, true), "asked on start");
    d.answer_overview_with(false, pending(), journal_view());
    assert_eq!(d.state.approvals.list.data, Some(pending()));
    assert_eq!(recent_actions(&d.state).len(), 3);

    // The session refreshes every 10 s, counted from the answer (at NOW).
    tick(&mut d, NOW + 5_000);
    assert_eq!(asked(&d), (false, false));
    tick(&mut d, NOW + 9_999);
    assert_eq!(asked(&d), (false, false));
    tick(&mut d, NOW + 10_000);
    assert_eq!(asked(&d), (true, true), "due after the refresh interval");
    // In flight: not asked again.
    tick(&mut d, NOW + 25_000);
    assert_eq!(asked(&d), (false, false));

    // `r` asks at once.
    let mut d = Driver::new(session());
    d.answer_overview(false);
    d.char('r');
    assert_eq!(asked(&d), (true, true));
}

#[test]
fn without_a_refresh_interval_they_are_asked_once() {
    let mut s = session();
    s.refresh_secs = 0;
    let mut d = Driver::new(s);
    d.answer_overview(false);
    tick(&mut d, NOW + 3_600_000);
    assert_eq!(asked(&d), (false, false));
}

#[test]
fn the_approvals_screen_takes_the_answer_the_overview_asked_for() {
    let mut d = Driver::new(session());
    let overview_req = d.req(ResourceKey::Approvals);
    // Opened while the Overview's request is in flight: no second request.
    d.char('4');
    assert_eq!(route_of(&d), ScreenRoute::Screen(ScreenId::Approvals));
    assert!(d.try_req(ResourceKey::Approvals).is_none());
    d.answer(overview_req, Payload::Approvals(Box::new(pending())));
    assert_eq!(d.state.approvals.visible().len(), 2);
    assert!(d.state.approvals.list.is_settled());

    // The screen's own refresh still runs, and the Overview shows its answer.
    tick(&mut d, NOW + 10_000);
    let req = d.req(ResourceKey::Approvals);
    let mut fewer = pending();
    fewer.items.truncate(1);
    d.answer(req, Payload::Approvals(Box::new(fewer)));
    d.char('1');
    let screen = d.render(100, 30).backend().to_string();
    assert!(screen.contains("1 waiting for a decision"), "{screen}");
}

#[test]
fn the_audit_screen_shows_the_journal_the_overview_read() {
    let mut d = Driver::new(session());
    d.answer_overview_with(false, pending(), journal_view());
    d.char('9');
    assert_eq!(route_of(&d), ScreenRoute::Screen(ScreenId::Audit));
    assert!(d.try_req(ResourceKey::Journal).is_none(), "already read");
    assert_eq!(d.state.audit.visible().len(), 3);
}

#[test]
fn recent_actions_are_the_newest_few() {
    let mut d = Driver::new(session());
    d.answer_overview_with(false, pending(), journal_view());
    let ids: Vec<&str> = recent_actions(&d.state)
        .iter()
        .map(|e| e.attempt.id.as_str())
        .collect();
    assert_eq!(ids, ["a3", "a2", "a1"], "newest first");
    assert!(RECENT_ACTIONS >= ids.len());
}

#[test]
fn canaries_list_unfinished_plans_then_those_ended_within_the_hour() {
    let mut d = Driver::new(session());
    d.canary_step_on(
        "search-ranker",
        completed_on("search-ranker", NOW - 61 * MIN),
    );
    d.canary_step_on(
        "fraud-scoring",
        completed_on("fraud-scoring", NOW - 20 * MIN),
    );
    d.canary_step(holding_inconclusive(), vec![]);
    let shown: Vec<&str> = canaries(&d.state)
        .iter()
        .map(|p| p.state.plan.endpoint.as_str())
        .collect();
    assert_eq!(shown, ["churn-prod", "fraud-scoring"]);

    let screen = d.render(120, 36).backend().to_string();
    assert!(screen.contains("25% holding INCONCLUSIVE"), "{screen}");
    assert!(screen.contains("completed 20m ago"), "{screen}");

    // A FAIL rolls the plan back: it stays listed with how it ended.
    d.canary_step(rolled_back_after_fail(), vec![rollback_alert()]);
    let screen = d.render(120, 36).backend().to_string();
    assert!(screen.contains("churn-prod  rolled back"), "{screen}");
}

#[test]
fn no_plan_reads_none_running() {
    let mut d = Driver::new(session());
    d.answer_overview(false);
    assert!(canaries(&d.state).is_empty());
    let screen = d.render(80, 24).backend().to_string();
    assert!(screen.contains("none running"), "{screen}");
}

#[test]
fn the_hint_bar_names_the_jumps_and_fits_80_columns() {
    let mut d = Driver::new(session());
    d.answer_overview(false);
    let labels: Vec<String> = hints(&d.state).into_iter().map(|h| h.label).collect();
    for jump in ["serving", "approvals", "audit"] {
        assert!(labels.iter().any(|l| l == jump), "{labels:?}");
    }
    let t = d.render(80, 24);
    let last = t.backend().to_string().lines().last().unwrap().to_string();
    for shown in ["5 serving", "4 approvals", "9 audit", "q quit"] {
        assert!(last.contains(shown), "{last}");
    }
    for (key, screen) in [
        ('5', ScreenId::Serving),
        ('4', ScreenId::Approvals),
        ('9', ScreenId::Audit),
    ] {
        d.char('1');
        d.char(key);
        assert_eq!(route_of(&d), ScreenRoute::Screen(screen));
    }
}

fn route_of(d: &Driver) -> ScreenRoute {
    d.state.route().clone()
}

#[test]
fn the_jobs_panel_names_failing_jobs_and_running_runs_and_j_opens_the_first() {
    let mut d = Driver::new(session());
    d.answer_overview(false);
    let screen = d.screen_text(120, 36);
    for shown in [
        "1 failing",
        "1 running",
        "feature-refresh",
        "churn-batch-score",
    ] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    d.char('J');
    assert_eq!(
        *d.state.route(),
        mlops_console::app::ScreenRoute::JobRun { run_id: 9001 },
        "the newest failure first"
    );
}

#[test]
fn without_a_jobs_api_the_panel_says_so_and_j_is_not_offered() {
    let mut d = Driver::new(session());
    d.answer_overview(true);
    let labels: Vec<String> = hints(&d.state).into_iter().map(|h| h.label).collect();
    assert!(!labels.iter().any(|l| l == "job run"), "{labels:?}");
    d.char('J');
    assert_eq!(
        *d.state.route(),
        mlops_console::app::ScreenRoute::Screen(ScreenId::Overview)
    );
}
