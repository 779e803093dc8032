//! Endpoint metrics outlive the endpoint screen: what was scraped shows again at once when the
//! endpoint is opened again (after another endpoint, in every chart window), a time nobody
//! scraped is a hole in the charts rather than a line across it, and an endpoint whose canary
//! plan runs here is scraped on any screen — beside the endpoint on screen, never in its way.

mod support;

use crossterm::event::KeyCode;

use mlops_console::api::models::serving::ServingEndpoint;
use mlops_console::app::{CanaryNews, Effect, Fetch, Msg, Payload};
use mlops_console::ops::canary::Phase;
use support::*;

const STABLE: &str = "churn_model-4";

/// The endpoints whose metrics the last message asked for, in order.
fn scraped(d: &Driver) -> Vec<String> {
    d.effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch {
                fetch: Fetch::EndpointMetrics { name },
                ..
            } => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The request of the last message's scrape of `name`.
fn scrape_req(d: &Driver, name: &str) -> u64 {
    d.fetch_req(|f| matches!(f, Fetch::EndpointMetrics { name: n } if n == name))
        .unwrap_or_else(|| panic!("no scrape of {name} in {:?}", d.effects))
}

/// Answers the last message's scrape of `name` with the fixture scrape `i`, or `Err`.
fn answer_scrape(d: &mut Driver, name: &str, i: i64, ok: bool) {
    let req = scrape_req(d, name);
    answer_req(d, req, name, i, ok);
}

fn answer_req(d: &mut Driver, req: u64, name: &str, i: i64, ok: bool) {
    let result = if ok {
        Ok(Box::new(scrape(i)))
    } else {
        Err(server_error())
    };
    d.answer(req, Payload::EndpointMetrics(name.to_string(), result));
}

/// Answers the last message's read of the endpoint with `ep`, and its scrape (if it asked for
/// one) with the fixture scrape `i`.
fn answer_opened(d: &mut Driver, ep: &ServingEndpoint, i: i64) {
    let scrape_req = d.fetch_req(|f| matches!(f, Fetch::EndpointMetrics { .. }));
    if let Some(req) = d.fetch_req(|f| matches!(f, Fetch::Endpoint { .. })) {
        d.answer(req, Payload::Endpoint(Ok(Box::new(ep.clone()))));
    }
    if let Some(req) = scrape_req {
        let name = ep.name.clone();
        d.answer(req, Payload::EndpointMetrics(name, Ok(Box::new(scrape(i)))));
    }
}

fn tick(d: &mut Driver, i: i64) {
    d.send(Msg::Tick {
        now_ms: NOW + i * SCRAPE_MS,
    });
}

/// The x (seconds before the newest scrape) of every drawn requests/s point of the stable
/// entity, in the window on screen.
fn stable_xs(d: &Driver) -> Vec<f64> {
    d.state.serving.live.derived[STABLE]
        .requests_per_s
        .iter()
        .filter(|p| p.0.is_finite())
        .map(|p| p.0)
        .collect()
}

/// The second endpoint of the list (no config: nothing to chart).
fn fraud_scoring() -> ServingEndpoint {
    endpoints()[1].clone()
}

/// From churn-prod's screen to fraud-scoring's, answered.
fn open_fraud_scoring(d: &mut Driver, i: i64) {
    d.key(KeyCode::Esc);
    d.char('j');
    d.key(KeyCode::Enter);
    assert_eq!(scraped(d), ["fraud-scoring"]);
    answer_opened(d, &fraud_scoring(), i);
}

#[test]
fn an_endpoint_opened_again_shows_its_earlier_metrics_at_once_and_goes_on_scraping() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 10);
    assert_eq!(d.state.endpoint_history().snapshots.len(), 10);
    // Kept for this workspace (one per console).
    assert_eq!(
        d.state.endpoint_metrics.workspace(),
        &d.state.session.workspace()
    );
    open_fraud_scoring(&mut d, 0);

    // Back to churn-prod: its ten scrapes are there before anything is answered.
    d.key(KeyCode::Esc);
    d.char('k');
    d.key(KeyCode::Enter);
    assert_eq!(d.state.serving.name, CHURN_PROD);
    assert_eq!(d.state.endpoint_history().snapshots.len(), 10);
    assert_eq!(stable_xs(&d).len(), 9, "the charts' series are there too");
    // Scraped two seconds ago: not due yet.
    assert!(scraped(&d).is_empty());
    // Once the endpoint itself is read, the charts draw the earlier data: no waiting.
    answer_opened(&mut d, &churn_prod(90, false), 0);
    let screen = d.screen_text(100, 30);
    assert!(!screen.contains("waiting for two scrapes"), "{screen}");
    assert!(!screen.contains("metrics: loading"), "{screen}");
    assert!(screen.contains("requests/s"), "{screen}");

    // And it goes on: the next scrape is due and joins the same history.
    tick(&mut d, 11);
    assert_eq!(scraped(&d), [CHURN_PROD]);
    answer_scrape(&mut d, CHURN_PROD, 11, true);
    assert_eq!(d.state.endpoint_history().snapshots.len(), 11);
}

#[test]
fn a_time_nobody_scraped_is_a_hole_in_the_charts_not_a_line_across_it() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 10);
    assert_eq!(stable_xs(&d).len(), 9);
    // Twenty seconds on the Overview: nothing scrapes churn-prod.
    d.char('1');
    for i in 10..20 {
        tick(&mut d, i);
        assert!(scraped(&d).is_empty(), "{:?}", d.effects);
    }
    d.char('5');
    d.key(KeyCode::Enter);
    answer_scrape(&mut d, CHURN_PROD, 20, true);
    // The table's live numbers wait for a second scrape rather than average over the hole.
    let h = d.state.endpoint_history();
    assert!(
        h.window(STABLE, 10_000).is_none(),
        "{:?}",
        h.window(STABLE, 10_000)
    );
    tick(&mut d, 21);
    answer_scrape(&mut d, CHURN_PROD, 21, true);
    // Scrape 9 is 24 s before the newest (21). The interval from 9 to 20 spans the time away:
    // no point stands for it, so none is drawn between -24 s and the newest point.
    let xs = stable_xs(&d);
    assert!(xs.iter().all(|x| *x <= -24.0 || *x == 0.0), "{xs:?}");
    assert_eq!(xs.len(), 10, "nine before, one after: {xs:?}");
    let rps = &d.state.serving.live.derived[STABLE].requests_per_s;
    assert!(
        rps.iter().any(|p| !p.0.is_finite()),
        "the line breaks at the hole: {rps:?}"
    );
}

#[test]
fn the_hour_window_shows_what_was_scraped_before_the_endpoint_was_left() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 10);
    // Ten minutes on another endpoint.
    open_fraud_scoring(&mut d, 9);
    for i in (10..310).step_by(15) {
        tick(&mut d, i);
        assert_eq!(scraped(&d), ["fraud-scoring"]);
        answer_scrape(&mut d, "fraud-scoring", i, true);
    }
    d.key(KeyCode::Esc);
    d.char('k');
    d.key(KeyCode::Enter);
    answer_opened(&mut d, &churn_prod(90, false), 310);
    for i in 311..313 {
        tick(&mut d, i);
        answer_scrape(&mut d, CHURN_PROD, i, true);
    }
    // The minute window holds only what came since.
    assert!(stable_xs(&d).iter().all(|x| *x > -60.0));
    for _ in 0..3 {
        d.char('w');
    }
    assert_eq!(d.state.serving.window_ms(), 3_600_000);
    let xs = stable_xs(&d);
    let earlier = xs.iter().filter(|x| **x < -590.0).count();
    assert_eq!(earlier, 9, "the nine points from before: {xs:?}");
    assert!(d.screen_text(100, 30).contains("1h"));
}

#[test]
fn a_running_canary_keeps_its_endpoint_scraped_on_other_screens_until_it_ends() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(75, false), 3);
    d.canary_step(holding_inconclusive(), Vec::new());
    d.char('1');
    for i in 3..13 {
        let loading = d.state.loading_count();
        tick(&mut d, i);
        let others = d.effects.len() - scraped(&d).len();
        // The scrape in flight is not the Overview's loading.
        assert_eq!(d.state.loading_count(), loading + others, "{:?}", d.effects);
        assert_eq!(scraped(&d), [CHURN_PROD], "scrape {i}");
        answer_scrape(&mut d, CHURN_PROD, i, true);
    }
    let h = d.state.endpoint_metrics.history(CHURN_PROD);
    assert_eq!(h.snapshots.len(), 13);
    // Scraped all along: one point per interval, no hole.
    assert_eq!(h.points[STABLE].len(), 12);
    assert!(d.state.toasts.is_empty(), "{:?}", d.state.toasts);

    // One scrape in flight at a time.
    tick(&mut d, 13);
    let req = scrape_req(&d, CHURN_PROD);
    tick(&mut d, 14);
    assert!(scraped(&d).is_empty(), "the last one has not answered yet");
    answer_req(&mut d, req, CHURN_PROD, 14, true);

    // The plan ends: no more scrapes off screen.
    let mut done = holding_inconclusive();
    done.phase = Phase::Completed;
    d.send(Msg::Canary(Box::new(CanaryNews::Ended {
        endpoint: CHURN_PROD.into(),
        result: Ok(Box::new(done)),
    })));
    for i in 15..20 {
        tick(&mut d, i);
        assert!(scraped(&d).is_empty(), "{:?}", d.effects);
    }
    assert_eq!(
        d.state.endpoint_metrics.history(CHURN_PROD).snapshots.len(),
        14
    );
}

#[test]
fn background_scrapes_come_after_the_screen_and_leave_it_alone() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(75, false), 3);
    d.canary_step(holding_inconclusive(), Vec::new());
    // The canary panel of churn-prod: one scrape per tick, not two.
    d.char('C');
    tick(&mut d, 3);
    assert_eq!(scraped(&d), [CHURN_PROD]);
    answer_scrape(&mut d, CHURN_PROD, 3, true);

    // Another endpoint on screen: its scrape first, churn-prod's beside it.
    d.key(KeyCode::Esc);
    open_fraud_scoring(&mut d, 4);
    tick(&mut d, 5);
    assert_eq!(scraped(&d), ["fraud-scoring", CHURN_PROD]);
    let (shown, behind) = (scrape_req(&d, "fraud-scoring"), scrape_req(&d, CHURN_PROD));
    let live_before = d.state.serving.live.clone();
    let toasts = d.state.toasts.len();
    let loading = d.state.loading_count();
    // A background answer, even a failed one, changes nothing on screen.
    answer_req(&mut d, behind, CHURN_PROD, 5, false);
    assert_eq!(d.state.toasts.len(), toasts, "{:?}", d.state.toasts);
    assert_eq!(d.state.serving.live, live_before);
    assert_eq!(d.state.loading_count(), loading, "not the screen's loading");
    answer_req(&mut d, shown, "fraud-scoring", 5, true);
    assert_eq!(d.state.loading_count(), loading - 1);
    assert_eq!(d.state.endpoint_history().snapshots.len(), 2);
    // The failure waits in churn-prod's scrape state, and the next scrape is due as usual.
    assert!(d.state.endpoint_metrics.scrape(CHURN_PROD).error.is_some());
    tick(&mut d, 6);
    assert_eq!(scraped(&d), ["fraud-scoring", CHURN_PROD]);
    answer_scrape(&mut d, CHURN_PROD, 6, true);
    assert_eq!(
        d.state.endpoint_metrics.history(CHURN_PROD).snapshots.len(),
        5
    );
}

#[test]
fn the_logs_of_an_endpoint_keep_its_metrics_scraped_without_holes() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('l');
    for i in 3..8 {
        tick(&mut d, i);
        answer_scrape(&mut d, CHURN_PROD, i, true);
    }
    let h = d.state.endpoint_history();
    assert_eq!(h.snapshots.len(), 8);
    assert_eq!(h.points[STABLE].len(), 7, "one point per interval");
}
