//! The alerts in the console through `update`: evaluated with the Overview (and on `r`), a
//! fired alert toasts once (an error toast when critical) and rings the bell when its rule
//! asks, a resolved one says so once, one still firing says nothing; the Overview's panel and
//! the Alerts list (`!`), whose Enter jumps to the alert's object.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::screens::RoomFetch;
use mlops_console::app::screens::alerts::{self, EVALUATE};
use mlops_console::app::state::ToastLevel;
use mlops_console::app::{Effect, Fetch, Msg, ResourceKey, ScreenId, ScreenRoute};
use mlops_console::ops::alerts::Alert;
use support::*;

fn quiet_session() -> mlops_console::app::Session {
    let mut s = session();
    s.refresh_secs = 0;
    s
}

/// The Overview answered, nothing firing yet.
fn overview() -> Driver {
    let mut d = Driver::new(quiet_session());
    d.answer_overview(false);
    d
}

/// Evaluates again (`r`) and answers with these alerts firing.
fn evaluate(d: &mut Driver, firing: Vec<Alert>) {
    d.char('r');
    let req = d.req(ResourceKey::Room(EVALUATE));
    d.answer(req, evaluated(alerts_read(firing)));
}

fn toasts(d: &Driver) -> Vec<(ToastLevel, String)> {
    d.state
        .toasts
        .iter()
        .map(|t| (t.level, t.text.clone()))
        .collect()
}

/// Lets every toast expire.
fn later(d: &mut Driver) {
    d.send(Msg::Tick {
        now_ms: d.state.now_ms + 60_000,
    });
}

#[test]
fn the_overview_evaluates_the_alerts_on_start_and_on_r() {
    let mut d = Driver::new(quiet_session());
    assert!(matches!(
        d.fetch_of(ResourceKey::Room(EVALUATE)),
        Some(Fetch::Room(RoomFetch::Alerts(_)))
    ));
    d.answer_overview(false);
    assert!(d.state.alerts.read.is_settled());
    d.char('r');
    assert!(d.try_req(ResourceKey::Room(EVALUATE)).is_some());
}

#[test]
fn a_fired_alert_toasts_once_and_a_resolved_one_once_more() {
    let mut d = overview();
    assert!(toasts(&d).is_empty(), "nothing firing: {:?}", toasts(&d));
    evaluate(&mut d, vec![drift_alert(), job_alert()]);
    let t = toasts(&d);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(
        t.iter().any(|(l, s)| *l == ToastLevel::Error
            && s.contains("feature-drift")
            && s.contains("tenure_months")),
        "critical: an error toast {t:?}"
    );
    assert!(
        t.iter()
            .any(|(l, s)| *l == ToastLevel::Info && s.contains("job-run-failed")),
        "{t:?}"
    );
    assert!(!d.effects.contains(&Effect::Bell), "no rule asked for it");

    // Still firing: nothing new.
    later(&mut d);
    evaluate(&mut d, vec![drift_alert(), job_alert()]);
    assert!(toasts(&d).is_empty(), "{:?}", toasts(&d));

    // The job alert resolved: one info toast.
    evaluate(&mut d, vec![drift_alert()]);
    let t = toasts(&d);
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0].0, ToastLevel::Info);
    assert!(t[0].1.contains("resolved") && t[0].1.contains("feature-refresh"));
    later(&mut d);
    evaluate(&mut d, vec![drift_alert()]);
    assert!(toasts(&d).is_empty());
}

#[test]
fn a_rule_with_bell_rings_once_when_its_alert_fires() {
    let mut d = overview();
    let mut loud = drift_alert();
    loud.bell = true;
    evaluate(&mut d, vec![loud.clone()]);
    let bells = d.effects.iter().filter(|e| **e == Effect::Bell).count();
    assert_eq!(bells, 1);
    evaluate(&mut d, vec![loud]);
    assert!(!d.effects.contains(&Effect::Bell), "still firing: silent");
}

#[test]
fn a_failed_evaluation_keeps_the_alerts_and_fires_nothing() {
    let mut d = overview();
    evaluate(&mut d, vec![drift_alert()]);
    later(&mut d);
    d.char('r');
    let req = d.req(ResourceKey::Room(EVALUATE));
    d.answer(
        req,
        mlops_console::app::Payload::Room(mlops_console::app::screens::RoomLoaded::Alerts(
            mlops_console::app::screens::alerts::Loaded::Evaluated(Err(server_error().into())),
        )),
    );
    assert_eq!(d.state.alerts.firing().len(), 1);
    assert!(!toasts(&d).iter().any(|(_, s)| s.contains("resolved")));
}

#[test]
fn the_overview_panel_counts_by_severity_and_names_the_rules_not_judged() {
    let mut d = overview();
    let text = d.screen_text(100, 30);
    assert!(text.contains("no alert firing"), "{text}");
    assert!(text.contains("1 rule not judged"), "{text}");
    evaluate(&mut d, vec![drift_alert(), job_alert()]);
    later(&mut d);
    let text = d.screen_text(120, 36);
    assert!(text.contains("1 critical"), "{text}");
    assert!(text.contains("1 warning"), "{text}");
    assert!(text.contains("tenure_months"), "{text}");
    insta::assert_snapshot!("overview_alerts_120x36", d.render(120, 36).backend());
    insta::assert_snapshot!("overview_alerts_80x24", d.render(80, 24).backend());
}

#[test]
fn bang_opens_the_alerts_list_and_enter_jumps_to_the_object() {
    let mut d = overview();
    evaluate(&mut d, vec![drift_alert(), job_alert()]);
    later(&mut d);
    d.char('!');
    assert_eq!(*d.state.route(), ScreenRoute::Alerts);
    assert_eq!(d.state.screen(), ScreenId::Monitoring);
    insta::assert_snapshot!("alerts_list_120x36", d.render(120, 36).backend());
    let text = d.screen_text(120, 36);
    assert!(text.contains("feature-table-stale"), "{text}");
    assert!(text.contains("TRIGGERED"), "{text}");

    // The drift alert (most severe first): its table, the feature to select.
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::Monitor {
            table: "main.ml.churn_inference".into()
        }
    );
    assert_eq!(
        d.state.alerts.select_feature,
        Some((
            "main.ml.churn_inference".to_string(),
            "tenure_months".to_string()
        ))
    );

    // Back, down, Enter: the failed job run.
    d.key(KeyCode::Esc);
    assert_eq!(*d.state.route(), ScreenRoute::Alerts);
    d.char('j');
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id: 9001 });
}

fn evaluate_fetch(d: &Driver) -> Option<alerts::Fetch> {
    match d.fetch_of(ResourceKey::Room(EVALUATE)) {
        Some(Fetch::Room(RoomFetch::Alerts(f))) => Some(f),
        _ => None,
    }
}

#[test]
fn the_monitor_backed_facts_are_asked_for_every_five_minutes_and_on_r() {
    // The Overview refreshes every 10 s.
    let mut d = Driver::new(session());
    let monitoring = |m| Some(alerts::Fetch::Evaluate { monitoring: m });
    assert_eq!(evaluate_fetch(&d), monitoring(true), "nothing read yet");
    d.answer_overview(false);
    let mut now = NOW;
    for _ in 0..29 {
        now += 10_000;
        d.send(Msg::Tick { now_ms: now });
        assert_eq!(
            evaluate_fetch(&d),
            monitoring(false),
            "at {}s",
            (now - NOW) / 1000
        );
        let req = d.req(ResourceKey::Room(EVALUATE));
        d.answer(req, evaluated(alerts_read(Vec::new())));
    }
    d.send(Msg::Tick {
        now_ms: NOW + 5 * MIN,
    });
    assert_eq!(evaluate_fetch(&d), monitoring(true), "five minutes on");
    let req = d.req(ResourceKey::Room(EVALUATE));
    let mut read = alerts_read(Vec::new());
    read.monitoring_at_ms = Some(NOW + 5 * MIN);
    d.answer(req, evaluated(read));
    d.char('r');
    assert_eq!(evaluate_fetch(&d), monitoring(true), "r reads everything");

    // The interval is configurable.
    let mut d = Driver::new(session());
    d.state.alerts.monitoring_every_ms = MIN;
    d.answer_overview(false);
    d.send(Msg::Tick { now_ms: NOW + MIN });
    assert_eq!(evaluate_fetch(&d), monitoring(true));
}

#[test]
fn slash_filters_the_alerts_list_and_enter_on_a_sql_alert_shows_its_detail() {
    let mut d = overview();
    evaluate(&mut d, vec![drift_alert(), job_alert()]);
    later(&mut d);
    d.char('!');
    assert_eq!(d.state.alerts.rows().len(), 4, "two firing, two SQL alerts");

    // `/`: only the rows that match, Enter still jumps.
    d.char('/');
    d.type_text("refresh");
    d.key(KeyCode::Enter);
    assert_eq!(d.state.alerts.rows().len(), 1);
    assert!(!d.screen_text(120, 36).contains("tenure_months drift"));
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id: 9001 });
    d.key(KeyCode::Esc);
    assert_eq!(*d.state.route(), ScreenRoute::Alerts);
    d.char('/');
    for _ in 0.."refresh".len() {
        d.key(KeyCode::Backspace);
    }
    d.type_text("sql");
    d.key(KeyCode::Enter);
    assert_eq!(d.state.alerts.rows().len(), 2, "the SQL alerts");

    // Enter on the TRIGGERED one: its query, condition and state below the list.
    d.key(KeyCode::Enter);
    assert_eq!(d.state.alerts.sql_open.as_deref(), Some("7a1f"));
    assert_eq!(*d.state.route(), ScreenRoute::Alerts, "no jump");
    let text = d.screen_text(120, 36);
    for want in [
        "SQL alert churn tenure_months drift (PSI)",
        "SELECT max(population_stability_index) AS max_psi",
        "FROM main.ml.churn_inference_drift_metrics",
        "condition      max_psi > 0.25",
        "last evaluated 2024-06-01T11:00:00Z",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    insta::assert_snapshot!("alerts_sql_detail_120x36", d.render(120, 36).backend());
    d.key(KeyCode::Enter);
    assert_eq!(d.state.alerts.sql_open, None, "Enter again closes it");
}

#[test]
fn colon_alerts_opens_the_alerts_list_from_anywhere() {
    let mut d = overview();
    evaluate(&mut d, vec![drift_alert()]);
    d.char('8');
    d.char(':');
    d.type_text("alerts");
    d.key(KeyCode::Enter);
    assert_eq!(*d.state.route(), ScreenRoute::Alerts);
    assert!(d.screen_text(120, 36).contains("tenure_months"));
    d.key(KeyCode::Esc);
    assert_ne!(*d.state.route(), ScreenRoute::Alerts, "Esc goes back");
}
