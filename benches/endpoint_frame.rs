//! Frame time of the endpoint screen with a full metrics history (one hour of 2 s scrapes of
//! three served entities, 1,800 snapshots) on a 200x50 `TestBackend`, for each chart window.
//! The charts' series are derived as scrapes arrive (`serving::live_series`), one min/max pair
//! per chart cell; a frame picks them, computes the table's 10 s numbers and draws. What grows
//! with the window is the drawing: a longer window packs more scrapes into each cell, so the
//! noisy series paint taller min-to-max strokes. Run: `cargo bench --bench endpoint_frame`.
//!
//! Measured on the 2-core development machine while other builds ran (load 2-4; three runs,
//! middle figures): mean 0.53 ms (1m window), 0.72 ms (1h, p50 0.66 ms). Before the series were
//! derived on arrival, the same runs gave 0.51-0.57 ms (1m) and 1.05 ms (1h, p50 1.00 ms).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mlops_console::api::models::serving::ServingEndpoint;
use mlops_console::app::keymap::Keymap;
use mlops_console::app::{Effect, Fetch, Msg, Payload, ScreenRoute, Session, State, update};
use mlops_console::ops::serving_metrics::{Bucket, EntityCounters, Snapshot};
use mlops_console::theme::Theme;

const NOW: i64 = 1_717_243_200_000;
const SCRAPES: i64 = 1_800;
const FRAMES: usize = 1_000;
const ENTITIES: [(&str, f64); 3] = [
    ("churn_model-4", 40.0),
    ("churn_model-5", 8.0),
    ("churn_model-6", 2.0),
];

fn endpoint() -> ServingEndpoint {
    let entities: Vec<_> = ENTITIES
        .iter()
        .enumerate()
        .map(|(i, (n, _))| {
            serde_json::json!({"name": n, "entity_name": "main.ml.churn_model",
                "entity_version": (4 + i).to_string(), "workload_size": "Small",
                "scale_to_zero_enabled": false, "state": {"deployment": "DEPLOYMENT_READY"}})
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "name": "churn-prod",
        "state": {"ready": "READY", "config_update": "NOT_UPDATING"},
        "config": {"config_version": 9, "served_entities": entities,
            "traffic_config": {"routes": [
                {"served_entity_name": "churn_model-4", "traffic_percentage": 80},
                {"served_entity_name": "churn_model-5", "traffic_percentage": 16},
                {"served_entity_name": "churn_model-6", "traffic_percentage": 4}]}}
    }))
    .expect("endpoint")
}

fn scrape(i: i64) -> Snapshot {
    let secs = (i * 2) as f64;
    let entities = ENTITIES
        .iter()
        .map(|(n, rps)| {
            let total = (secs * rps + 5.0 * (i as f64 * 0.3).sin()).max(0.0).round();
            let bounds = [
                5.0,
                10.0,
                25.0,
                50.0,
                100.0,
                250.0,
                500.0,
                1000.0,
                f64::INFINITY,
            ];
            let shape = [0.05, 0.3, 0.7, 0.9, 0.97, 0.99, 0.997, 0.999, 1.0];
            let c = EntityCounters {
                requests: total,
                errors_4xx: (total * 0.01).round(),
                errors_5xx: (total * 0.002).round(),
                latency_buckets: bounds
                    .iter()
                    .zip(shape)
                    .map(|(le, f)| Bucket {
                        le: *le,
                        count: (total * f).round(),
                    })
                    .collect(),
                latency_sum: total * 20.0,
                latency_count: total,
                ..EntityCounters::default()
            };
            (n.to_string(), c)
        })
        .collect();
    Snapshot {
        at_ms: NOW + i * 2_000,
        entities,
    }
}

fn answer(s: &mut State, fx: &[Effect], i: i64) -> Vec<Effect> {
    let mut out = Vec::new();
    for e in fx {
        let Effect::Fetch { req, fetch } = e else {
            continue;
        };
        let payload = match fetch {
            Fetch::Endpoint { .. } => Payload::Endpoint(Ok(Box::new(endpoint()))),
            Fetch::EndpointMetrics { name } => {
                Payload::EndpointMetrics(name.clone(), Ok(Box::new(scrape(i))))
            }
            _ => continue,
        };
        out.extend(update(
            s,
            Msg::Loaded {
                req: *req,
                at_ms: NOW + i * 2_000,
                payload,
            },
        ));
    }
    out
}

fn loaded_state() -> State {
    let session = Session {
        profile: "bench".into(),
        host: "https://dbc-1234.cloud.databricks.com".into(),
        readonly: false,
        production: false,
        refresh_secs: 10,
        traffic_step: 5,
        ascii: false,
        training_jobs: Default::default(),
        workspace_id: None,
    };
    let mut s = State::new(session, Keymap::default(), Theme::dark(), Vec::new());
    s.size = (200, 50);
    update(&mut s, Msg::Start { now_ms: NOW });
    let fx = update(
        &mut s,
        Msg::Open(ScreenRoute::Endpoint {
            name: "churn-prod".into(),
        }),
    );
    answer(&mut s, &fx, 0);
    for i in 1..SCRAPES {
        let fx = update(
            &mut s,
            Msg::Tick {
                now_ms: NOW + i * 2_000,
            },
        );
        answer(&mut s, &fx, i);
    }
    assert_eq!(s.endpoint_history().snapshots.len(), SCRAPES as usize);
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let mut state = loaded_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    for window in ["1m", "5m", "15m", "1h"] {
        for _ in 0..20 {
            terminal
                .draw(|f| mlops_console::ui::render(f, &state))
                .expect("draw");
        }
        let mut times = Vec::with_capacity(FRAMES);
        for _ in 0..FRAMES {
            let t = Instant::now();
            terminal
                .draw(|f| mlops_console::ui::render(f, &state))
                .expect("draw");
            times.push(t.elapsed());
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / FRAMES as u32;
        println!(
            "endpoint frame, window {window:<3}  mean {:>6.3} ms   p50 {:>6.3} ms   p99 {:>6.3} ms   ({FRAMES} frames, 200x50, {SCRAPES} scrapes x {} entities)",
            mean.as_secs_f64() * 1e3,
            percentile(&times, 0.50).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            ENTITIES.len()
        );
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::NONE)),
        );
    }
}
