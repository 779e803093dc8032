//! The load test from the endpoint screen (`L`), on `update` alone: the form with its defaults,
//! the confirm dialog with the plan (rate × duration = requests) and the typed name on
//! production, the `[bench]` cap, the refusals (read-only: hidden and refused; a judging canary;
//! a test already running), the stop key, and a snapshot of the live panel from fixed figures.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::KeyCode;

use mlops_console::app::form::ConfirmAction;
use mlops_console::app::screens::RoomChange;
use mlops_console::app::screens::serving::bench::Running;
use mlops_console::app::{Effect, Overlay};
use mlops_console::ops::bench::result::{
    Bucket, Counts, EntityResult, Errors, Latency, Percentiles, Rates, SecondResult, Snapshot,
};
use mlops_console::ops::bench::{BenchPlan, Guards, Mode};
use support::*;

fn endpoint(session: mlops_console::app::Session) -> Driver {
    let mut d = Driver::new(session);
    d.open_endpoint(churn_prod(90, false), 2);
    d
}

fn sent_change(d: &Driver) -> Option<mlops_console::app::screens::serving::bench::Change> {
    d.effects.iter().find_map(|e| match e {
        Effect::RoomChange {
            change: RoomChange::Bench(c),
            ..
        } => Some(c.clone()),
        _ => None,
    })
}

#[test]
fn l_opens_the_form_then_the_plan_to_confirm_and_confirming_sends_the_load_test() {
    let mut d = endpoint(session());
    assert!(d.screen_text(120, 36).contains("load test"), "the hint bar");
    d.char('L');
    let Overlay::RoomForm(form) = &d.state.overlay else {
        panic!("the form: {:?}", d.state.overlay);
    };
    let values: Vec<String> = form.values().into_iter().map(|v| v.value).collect();
    assert_eq!(values[..3], ["rate", "100", "30s"], "the defaults");
    d.key(KeyCode::Enter);
    let Overlay::Confirm(confirm) = &d.state.overlay else {
        panic!("the confirm dialog: {:?}", d.state.overlay);
    };
    assert_eq!(confirm.type_to_confirm, None, "not a production profile");
    let ConfirmAction::Room(room) = &confirm.action else {
        panic!("a room's dialog");
    };
    let rows: BTreeMap<&str, &str> = room
        .rows
        .iter()
        .map(|(l, v)| (l.as_str(), v.as_str()))
        .collect();
    assert_eq!(rows["endpoint"], CHURN_PROD);
    assert!(
        rows["load"].contains("100 req/s") && rows["load"].contains("= 3000 requests"),
        "{rows:?}"
    );
    let text = d.screen_text(120, 36);
    assert!(
        text.contains("acme-prod") && text.contains("dbc-1234"),
        "{text}"
    );
    assert!(d.effects.is_empty(), "nothing sent before the confirm key");

    d.char('y');
    let change = sent_change(&d).expect("the load test is sent");
    assert_eq!(
        change.plan.mode,
        Mode::Open {
            rate: 100.0,
            connections: 10
        }
    );
    assert_eq!(change.plan.duration, Some(Duration::from_secs(30)));
    assert_eq!(change.data, None, "the endpoint's example");
    assert!(d.state.serving.bench.running.is_some());
    let text = d.screen_text(120, 36);
    assert!(
        text.contains("Load test") && text.contains("starting"),
        "{text}"
    );
    assert!(text.contains("stop test"), "the stop key in the hint bar");

    // A second one waits for the first.
    d.char('L');
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.state.toasts.iter().any(|t| t.text.contains("under way")));
}

#[test]
fn guards_concurrency_and_the_rate_cap() {
    let mut d = endpoint(session());
    d.state.serving.bench.caps.max_rate = Some(50);
    d.char('L');
    d.key(KeyCode::Enter);
    let Overlay::RoomForm(form) = &d.state.overlay else {
        panic!("the form stays: {:?}", d.state.overlay);
    };
    let error = form.error.clone().unwrap_or_default();
    assert!(error.contains("max_rate"), "{error}");

    // Concurrency 4 for 500 requests with both guards.
    let Overlay::RoomForm(form) = &mut d.state.overlay else {
        unreachable!()
    };
    let set = |form: &mut mlops_console::app::form::RoomForm, i: usize, v: &str| {
        form.fields[i].input = v.to_string().into();
    };
    set(form, 0, "concurrency");
    set(form, 1, "4");
    set(form, 2, "");
    set(form, 3, "500");
    set(form, 4, "100");
    set(form, 5, "0.01");
    d.key(KeyCode::Enter);
    let Overlay::Confirm(confirm) = &d.state.overlay else {
        panic!("the confirm dialog: {:?}", d.state.overlay);
    };
    let ConfirmAction::Room(room) = &confirm.action else {
        panic!("a room's dialog");
    };
    let guards = room.rows.iter().find(|(l, _)| l == "guards").unwrap();
    assert!(guards.1.contains("p99 above 100 ms"), "{guards:?}");
    d.char('y');
    let plan = sent_change(&d).unwrap().plan;
    assert_eq!(plan.mode, Mode::Closed { concurrency: 4 });
    assert_eq!((plan.duration, plan.requests), (None, Some(500)));
    assert_eq!(plan.guards.max_error_rate, Some(0.01));
}

#[test]
fn production_needs_the_endpoint_typed() {
    let mut d = endpoint(mlops_console::app::Session {
        production: true,
        ..session()
    });
    d.char('L');
    d.key(KeyCode::Enter);
    let Overlay::Confirm(confirm) = &d.state.overlay else {
        panic!("the confirm dialog: {:?}", d.state.overlay);
    };
    assert_eq!(confirm.type_to_confirm.as_deref(), Some(CHURN_PROD));
    d.char('y');
    assert!(sent_change(&d).is_none(), "y alone is not enough");
    d.key(KeyCode::Backspace);
    d.type_text(CHURN_PROD);
    d.key(KeyCode::Enter);
    assert!(sent_change(&d).is_some());
}

#[test]
fn a_read_only_profile_has_no_load_test() {
    let mut d = endpoint(mlops_console::app::Session {
        readonly: true,
        ..session()
    });
    assert!(!d.screen_text(160, 36).contains("load test"), "hidden");
    d.char('L');
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.effects.is_empty());
    assert!(d.state.toasts.iter().any(|t| t.text.contains("read-only")));
}

#[test]
fn a_judging_canary_refuses_the_load_test() {
    let mut d = endpoint(session());
    d.canary_step(holding_inconclusive(), Vec::new());
    d.char('L');
    assert!(matches!(d.state.overlay, Overlay::None));
    let toast = d.state.toasts.last().map(|t| t.text.clone()).unwrap();
    assert!(toast.contains("judging"), "{toast}");
}

fn percentiles(scale: f64) -> Percentiles {
    Percentiles {
        p50: 14.2 * scale,
        p90: 21.7 * scale,
        p99: 38.4 * scale,
        p99_9: 61.0 * scale,
        max: 88.3 * scale,
        mean: 15.9 * scale,
    }
}

fn fixed_snapshot() -> Snapshot {
    let entity = |name: &str, requests: u64, errors: u64, share: f64, scale: f64| EntityResult {
        name: name.into(),
        requests,
        errors,
        share,
        latency_ms: percentiles(scale),
    };
    Snapshot {
        warming_up: false,
        measured_secs: 12.0,
        requests: Counts {
            completed: 1196,
            ok: 1193,
            errors: 3,
        },
        rps: Rates {
            achieved: 99.7,
            target: Some(100.0),
        },
        latency_ms: Latency {
            corrected: percentiles(1.0),
            raw: percentiles(0.9),
        },
        errors: Errors {
            rate: 3.0 / 1196.0,
            by_status: BTreeMap::from([("503".to_string(), 2)]),
            by_kind: BTreeMap::from([("timeout".to_string(), 1)]),
        },
        entities: vec![
            entity("churn_model-4", 1076, 2, 0.9, 1.0),
            entity("churn_model-5", 120, 1, 0.1, 1.3),
        ],
        series: (0..12)
            .map(|i| SecondResult {
                second: i,
                requests: 95 + (i as u64 % 4) * 2,
                errors: u64::from(i == 7),
                mean_ms: 14.0 + (i % 3) as f64,
                max_ms: 60.0 + i as f64,
            })
            .collect(),
        histogram: vec![
            Bucket {
                upto_ms: Some(10.0),
                count: 180,
            },
            Bucket {
                upto_ms: Some(20.0),
                count: 850,
            },
            Bucket {
                upto_ms: Some(50.0),
                count: 150,
            },
            Bucket {
                upto_ms: Some(100.0),
                count: 16,
            },
        ],
    }
}

#[test]
fn the_live_panel_snapshot() {
    let mut d = endpoint(session());
    d.state.serving.bench.running = Some(Running {
        req: 1,
        plan: BenchPlan {
            endpoint: CHURN_PROD.into(),
            mode: Mode::Open {
                rate: 100.0,
                connections: 10,
            },
            duration: Some(Duration::from_secs(30)),
            requests: None,
            warmup: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            guards: Guards {
                slo_p99_ms: Some(100.0),
                max_error_rate: None,
                min_sample: 200,
            },
        },
        monitor: None,
        snapshot: Some(fixed_snapshot()),
        stopping: false,
    });
    let text = d.screen_text(120, 44);
    assert!(text.contains("99.7 of 100 target"), "{text}");
    insta::assert_snapshot!("bench_panel_120x44", d.render(120, 44).backend());
    // Any size renders without a panic, in ASCII too.
    for ascii in [false, true] {
        d.state.session.ascii = ascii;
        for (w, h) in [(1, 1), (20, 8), (60, 20), (80, 30), (200, 60)] {
            d.render(w, h);
        }
    }
}

#[test]
fn l_on_the_serving_list_opens_the_selected_endpoint_with_its_form() {
    let mut d = Driver::new(session());
    d.answer_serving(&churn_prod(90, false), 0);
    d.char('5');
    d.char('L');
    assert_eq!(
        d.state.route(),
        &mlops_console::app::ScreenRoute::Endpoint {
            name: CHURN_PROD.into()
        }
    );
    assert!(matches!(d.state.overlay, Overlay::RoomForm(_)));
}

#[test]
fn a_test_that_could_not_run_says_why_in_a_toast_and_the_panel_until_dismissed() {
    use mlops_console::app::screens::RoomLoaded;
    use mlops_console::app::screens::serving::bench::{Done, Loaded};
    use mlops_console::app::{Msg, Payload};
    let mut d = endpoint(session());
    d.char('L');
    d.key(KeyCode::Enter);
    d.char('y');
    let req = d
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::RoomChange { req, .. } => Some(*req),
            _ => None,
        })
        .unwrap();
    let done = Done {
        outcome: None,
        message: "churn-prod has no example request; nothing was sent".into(),
        journal_id: None,
        result: None,
        warnings: Vec::new(),
    };
    d.send(Msg::Loaded {
        req,
        at_ms: NOW,
        payload: Payload::Room(RoomLoaded::Bench(Loaded::Finished(Box::new(done)))),
    });
    assert!(d.state.serving.bench.running.is_none());
    let toast = d
        .state
        .toasts
        .iter()
        .find(|t| t.text.contains("could not run"));
    assert!(toast.is_some(), "{:?}", d.state.toasts);
    let text = d.screen_text(120, 44);
    assert!(
        text.contains("could not run: churn-prod has no example"),
        "{text}"
    );
    assert!(text.contains("x dismiss result"), "{text}");
    // Toasts expire; the panel keeps the verdict until x.
    d.send(Msg::Tick {
        now_ms: NOW + 60_000,
    });
    assert!(d.screen_text(120, 44).contains("could not run"));
    d.char('x');
    assert!(!d.screen_text(120, 44).contains("Load test"));
}

#[test]
fn the_verdict_panel_snapshot() {
    use mlops_console::app::screens::serving::bench::{Done, Finished};
    use mlops_console::ops::bench::recorder::{Ending, FailKind, Recorder, Sample};
    use mlops_console::ops::bench::result::{BenchResult, buckets};
    use mlops_console::ops::bench::verdict::check_guards;
    use mlops_console::ops::journal::Outcome;
    let plan = BenchPlan {
        endpoint: CHURN_PROD.into(),
        mode: Mode::Closed { concurrency: 8 },
        duration: Some(Duration::from_secs(10)),
        requests: None,
        warmup: Duration::ZERO,
        timeout: Duration::from_secs(30),
        guards: Guards {
            slo_p99_ms: Some(40.0),
            max_error_rate: None,
            min_sample: 200,
        },
    };
    let mut r = Recorder::default();
    for i in 0..400u64 {
        let ms = 8 + (i * 7) % 30 + if i % 50 == 0 { 120 } else { 0 };
        let ending = match i {
            13 | 211 => Ending::Status(503),
            300 => Ending::Failed(FailKind::Timeout),
            _ => Ending::Status(200),
        };
        r.record(Sample {
            corrected_us: ms * 1000,
            raw_us: ms * 1000,
            lag_us: 0,
            ending,
            entity: Some(if i % 10 == 0 {
                b"churn_model-5".as_slice()
            } else {
                b"churn_model-4".as_slice()
            }),
            second: (i / 100) as usize,
        });
    }
    let stop = check_guards(&plan.guards, &r);
    assert!(stop.is_some(), "the p99 crosses 40 ms");
    let result = BenchResult::build(&plan, &r, 4.0, stop);
    let mut d = endpoint(session());
    d.state.serving.bench.last = Some(Finished {
        plan,
        done: Done {
            outcome: Some(Outcome::Ok),
            message: "load test of churn-prod".into(),
            journal_id: Some("j-1".into()),
            result: Some(Box::new(result)),
            warnings: Vec::new(),
        },
        histogram: buckets(&r.corrected),
    });
    let text = d.screen_text(120, 44);
    assert!(
        text.contains("SLO FAILED") && text.contains("SLO of 40 ms"),
        "{text}"
    );
    insta::assert_snapshot!("bench_panel_verdict_120x44", d.render(120, 44).backend());
}
