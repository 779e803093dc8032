//! The serving keys through `update`: traffic changes go plan → confirm dialog → apply only on
//! the confirm key, progress lines replace each other, read-only offers nothing, and the test
//! query sends the endpoint's example (or a file) and shows the answer. Snapshots of the
//! traffic confirm dialog and the answer popup.

mod support;

use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::api::serving::QueryResult;
use mlops_console::app::{ChangeRequest, Effect, Fetch, Overlay, Payload, Prepared};
use mlops_console::ops::query::{PayloadSource, QueryOutcome};
use mlops_console::ops::traffic::TrafficRequest;
use support::*;

fn on_canary() -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('j');
    d
}

fn traffic_request(d: &Driver) -> Option<TrafficRequest> {
    d.effects.iter().find_map(|e| match e {
        Effect::Fetch {
            fetch: Fetch::Prepare(ChangeRequest::Traffic(r)),
            ..
        } => Some(r.clone()),
        _ => None,
    })
}

fn answer_traffic_plan(d: &mut Driver) {
    let req = d
        .fetch_req(|f| matches!(f, Fetch::Prepare(_)))
        .expect("a prepare fetch");
    d.answer(
        req,
        Payload::Prepared(Ok(Prepared::Traffic(Box::new(shift_plan())))),
    );
}

fn applied(d: &Driver) -> bool {
    d.effects
        .iter()
        .any(|e| matches!(e, Effect::ApplyTraffic { .. }))
}

#[test]
fn plus_plans_a_shift_of_the_selected_entity_and_only_y_applies_it() {
    let mut d = on_canary();
    d.char('+');
    assert_eq!(
        traffic_request(&d),
        Some(TrafficRequest::Shift {
            endpoint: CHURN_PROD.into(),
            entity: "churn_model-5".into(),
            points: 5,
        })
    );
    answer_traffic_plan(&mut d);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    // The trigger key and Enter do not confirm.
    d.char('+');
    assert!(!applied(&d));
    d.key(KeyCode::Enter);
    assert!(!applied(&d));
    d.char('y');
    let Some(Effect::ApplyTraffic { plan, .. }) = d
        .effects
        .iter()
        .find(|e| matches!(e, Effect::ApplyTraffic { .. }))
    else {
        panic!("y applies: {:?}", d.effects)
    };
    assert_eq!(plan.after.routes.percent("churn_model-5"), 15);
}

#[test]
fn minus_moves_away_and_esc_cancels_without_sending() {
    let mut d = on_canary();
    d.char('-');
    assert!(matches!(
        traffic_request(&d),
        Some(TrafficRequest::Shift { points: -5, .. })
    ));
    answer_traffic_plan(&mut d);
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(!applied(&d));
    assert!(
        d.state
            .toasts
            .iter()
            .any(|t| t.text.contains("nothing was sent"))
    );
}

#[test]
fn promote_canary_and_roll_back_plan_their_requests() {
    let mut d = on_canary();
    d.char('P');
    assert_eq!(
        traffic_request(&d),
        Some(TrafficRequest::Only {
            endpoint: CHURN_PROD.into(),
            entity: "churn_model-5".into(),
        })
    );
    let mut d = on_canary();
    d.char('b');
    assert_eq!(
        traffic_request(&d),
        Some(TrafficRequest::Rollback {
            endpoint: CHURN_PROD.into(),
        })
    );
}

#[test]
fn d_plans_the_removal_of_the_selected_entity() {
    // After a promotion the stable entity is left at 0%: D on it plans its removal (the plan
    // itself refuses an entity that still takes traffic).
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(0, false), 3);
    d.char('D');
    assert_eq!(
        traffic_request(&d),
        Some(TrafficRequest::Remove {
            endpoint: CHURN_PROD.into(),
            entity: "churn_model-4".into(),
        })
    );
    assert!(!applied(&d), "planning sends nothing");
}

#[test]
fn equals_asks_for_a_split_prefilled_with_the_live_one() {
    let mut d = on_canary();
    d.char('=');
    let Overlay::Prompt(p) = &d.state.overlay else {
        panic!("a prompt: {:?}", d.state.overlay)
    };
    assert_eq!(p.input.value(), "churn_model-4=90,churn_model-5=10");
    for _ in 0.."churn_model-4=90,churn_model-5=10".len() {
        d.key(KeyCode::Backspace);
    }
    d.type_text("churn_model-4=70,churn_model-5=30");
    d.key(KeyCode::Enter);
    assert_eq!(
        traffic_request(&d),
        Some(TrafficRequest::Exact {
            endpoint: CHURN_PROD.into(),
            assignment: "churn_model-4=70,churn_model-5=30".into(),
        })
    );
}

#[test]
fn read_only_offers_no_traffic_change() {
    let mut s = session();
    s.readonly = true;
    let mut d = Driver::new(s);
    d.open_endpoint(churn_prod(90, false), 2);
    for c in ['+', '-', 'P', 'D', 'b', '='] {
        d.char(c);
        assert!(traffic_request(&d).is_none(), "{c} planned a change");
        assert!(
            matches!(d.state.overlay, Overlay::None),
            "{c} opened a popup"
        );
    }
    let hints = mlops_console::app::commands::hints(&d.state);
    assert!(
        hints.iter().all(|h| !h.label.contains("traffic")),
        "{hints:?}"
    );
}

#[test]
fn progress_lines_replace_each_other_and_stale_ones_are_dropped() {
    let mut d = on_canary();
    d.char('+');
    answer_traffic_plan(&mut d);
    d.char('y');
    let req = d
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::ApplyTraffic { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    d.answer(
        req,
        Payload::ChangeProgress("update in progress (1 s)".into()),
    );
    d.answer(
        req,
        Payload::ChangeProgress("update in progress (2 s)".into()),
    );
    d.answer(req + 100, Payload::ChangeProgress("someone else's".into()));
    let texts: Vec<&str> = d.state.toasts.iter().map(|t| t.text.as_str()).collect();
    assert!(texts.contains(&"update in progress (2 s)"), "{texts:?}");
    assert!(!texts.contains(&"update in progress (1 s)"), "{texts:?}");
    assert!(!texts.contains(&"someone else's"), "{texts:?}");
}

fn answered() -> QueryOutcome {
    QueryOutcome {
        endpoint: CHURN_PROD.into(),
        source: PayloadSource::EndpointExample,
        request: serde_json::json!({"dataframe_split": {"columns": ["tenure_months"], "data": [[14]]}}),
        warning: None,
        result: Ok(QueryResult {
            predictions: serde_json::json!([0.59]),
            body: serde_json::json!({"predictions": [0.59]}),
            served_model_name: Some("churn_model-4".into()),
            latency: Duration::from_micros(3_200),
        }),
    }
}

fn query_sent(d: &mut Driver, file: &str) -> (u64, PayloadSource) {
    d.char('t');
    d.type_text(file);
    d.key(KeyCode::Enter);
    d.effects
        .iter()
        .find_map(|e| match e {
            Effect::TestQuery {
                req,
                endpoint,
                source,
            } if endpoint == CHURN_PROD => Some((*req, source.clone())),
            _ => None,
        })
        .expect("a test query")
}

#[test]
fn t_sends_the_example_or_a_file_and_shows_the_answer() {
    let mut d = on_canary();
    let (_, source) = query_sent(&mut d, "/tmp/payload.json");
    assert_eq!(source, PayloadSource::File("/tmp/payload.json".into()));

    let mut d = on_canary();
    let (req, source) = query_sent(&mut d, "");
    assert_eq!(source, PayloadSource::EndpointExample);
    d.answer(req, Payload::QueryAnswered(Ok(Box::new(answered()))));
    assert!(matches!(d.state.overlay, Overlay::Query(_)));
    insta::assert_snapshot!("query_answer_100x30", d.render(100, 30).backend());
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
}

#[test]
fn traffic_confirm_dialog_shows_the_split_before_and_after() {
    let mut d = on_canary();
    d.char('+');
    answer_traffic_plan(&mut d);
    insta::assert_snapshot!("traffic_confirm_110x32", d.render(110, 32).backend());
}

#[test]
fn popups_do_not_panic_at_any_size() {
    let mut confirm = on_canary();
    confirm.char('+');
    answer_traffic_plan(&mut confirm);
    let mut answer = on_canary();
    let (req, _) = query_sent(&mut answer, "");
    answer.answer(req, Payload::QueryAnswered(Ok(Box::new(answered()))));
    let mut failed = on_canary();
    let (req, _) = query_sent(&mut failed, "");
    failed.answer(req, Payload::QueryAnswered(Err("no example".into())));
    for (name, d) in [
        ("confirm", &confirm),
        ("answer", &answer),
        ("failed", &failed),
    ] {
        for (w, h) in [(1, 1), (2, 2), (10, 3), (20, 5), (80, 24), (200, 60)] {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| d.render(w, h)))
                .unwrap_or_else(|_| panic!("{name} panicked at {w}x{h}"));
        }
    }
}

#[test]
fn the_header_names_the_last_change_that_b_rolls_back() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(85, false), 2);
    let req = d
        .state
        .audit
        .journal
        .pending
        .expect("opening the endpoint reads the journal");
    d.answer(req, Payload::Journal(Ok(Box::new(endpoint_journal()))));
    let text = d.screen_text(120, 30);
    assert!(
        text.contains(
            "last change 3m ago acme-prod traffic: churn_model-4=90, churn_model-5=10 → \
             churn_model-4=85, churn_model-5=15 ok"
        ),
        "{text}"
    );
}
