//! Frame time of the Runs screen with 100,000 runs loaded, on a 200x50 `TestBackend`, and the
//! memory those rows take. Run: `cargo bench --bench runs_frame` (optimised build).
//!
//! The rows go through the real path: `update` receives `runs/search` pages of 1,000 full
//! `Run`s (as the client would decode them) and keeps them in the compact table; each page is
//! dropped once absorbed. Goals (issue 3): under 2 ms a frame, under 60 MB resident.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mlops_console::api::models::mlflow::{
    Experiment, KeyValue, Metric, Run, RunData, RunInfo, RunStatus,
};
use mlops_console::app::keymap::Keymap;
use mlops_console::app::{
    Action, Effect, ExperimentPage, Msg, Payload, ResourceKey, RunPage, ScreenId, Session, State,
    update,
};
use mlops_console::theme::Theme;

const RUNS: usize = 100_000;
const PAGE: usize = 1_000;
const FRAMES: usize = 2_000;
const NOW: i64 = 1_717_243_200_000;

/// Resident set size in bytes (`/proc/self/statm`, second field, in pages).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

/// A sweep trial as `runs/search` returns it: 6 params, 3 metrics, the usual system tags.
fn run(i: usize) -> Run {
    let start = NOW - (RUNS - i) as i64 * 60_000;
    let metric = |key: &str, value: f64| Metric {
        key: key.into(),
        value,
        timestamp: start + 240_000,
        step: 29,
    };
    let x = (i as f64 * 0.618_034).fract();
    Run {
        info: RunInfo {
            run_id: format!("{:032x}", i as u128 * 0x9E37_79B9_7F4A_7C15),
            run_uuid: None,
            run_name: Some(format!("trial-{i:06}")),
            experiment_id: "4242".into(),
            user_id: Some(format!("user{}@acme.com", i % 17)),
            status: Some(if i.is_multiple_of(50) {
                RunStatus::Failed
            } else {
                RunStatus::Finished
            }),
            start_time: Some(start),
            end_time: Some(start + 240_000 + (i % 90) as i64 * 1_000),
            artifact_uri: Some(format!(
                "dbfs:/databricks/mlflow-tracking/4242/{i}/artifacts"
            )),
            lifecycle_stage: None,
        },
        data: RunData {
            metrics: vec![
                metric("loss", 0.3 + 0.1 * x),
                metric("val_auc", 0.9 - 0.1 * x),
                metric("f1", 0.7 - 0.05 * x),
            ],
            params: vec![
                KeyValue::new("max_depth", (3 + i % 10).to_string()),
                KeyValue::new("learning_rate", format!("{:.4}", 0.005 + 0.3 * x)),
                KeyValue::new("n_estimators", (50 * (1 + i % 12)).to_string()),
                KeyValue::new("subsample", format!("{:.2}", 0.5 + x / 2.0)),
                KeyValue::new("colsample_bytree", format!("{:.2}", 1.0 - x / 2.0)),
                KeyValue::new("model_type", "xgboost"),
            ],
            tags: vec![
                KeyValue::new("mlflow.user", format!("user{}@acme.com", i % 17)),
                KeyValue::new("mlflow.runName", format!("trial-{i:06}")),
                KeyValue::new("mlflow.source.name", "/Repos/ml/churn/train"),
                KeyValue::new("mlflow.source.type", "JOB"),
                KeyValue::new("mlflow.parentRunId", "5a0c3f1e9b2d4c6a8e7f1a2b3c4d5e6f"),
            ],
        },
        ..Default::default()
    }
}

fn send(state: &mut State, msg: Msg) -> Vec<Effect> {
    update(state, msg)
}

fn req_of(fx: &[Effect], key: ResourceKey) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::Fetch { req, fetch } if fetch.key() == key => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {key:?} fetch in {fx:?}"))
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The console on the Runs screen of an experiment with `RUNS` runs, all pages loaded.
fn loaded_state() -> State {
    let session = Session {
        profile: "bench".into(),
        host: "https://dbc-1234.cloud.databricks.com".into(),
        readonly: false,
        production: false,
        refresh_secs: 0,
        traffic_step: 5,
        ascii: false,
        training_jobs: Default::default(),
        workspace_id: None,
    };
    let mut s = State::new(session, Keymap::default(), Theme::dark(), Vec::new());
    s.size = (200, 50);
    send(&mut s, Msg::Start { now_ms: NOW });
    let fx = send(&mut s, Msg::Action(Action::Goto(ScreenId::Experiments)));
    let req = req_of(&fx, ResourceKey::ExperimentList);
    let experiment = Experiment {
        experiment_id: "4242".into(),
        name: "/Shared/churn/large-sweep".into(),
        ..Default::default()
    };
    let page = ExperimentPage {
        experiments: vec![experiment],
        next_page_token: None,
        append: false,
    };
    let at_ms = NOW;
    let payload = Payload::Experiments(Ok(page));
    send(
        &mut s,
        Msg::Loaded {
            req,
            at_ms,
            payload,
        },
    );
    let mut fx = send(&mut s, key(KeyCode::Enter));
    for p in 0..RUNS / PAGE {
        let req = req_of(&fx, ResourceKey::RunList);
        let runs: Vec<Run> = (p * PAGE..(p + 1) * PAGE).map(run).collect();
        let next = (p + 1 < RUNS / PAGE).then(|| format!("page-{}", p + 1));
        let payload = Payload::Runs(Ok(RunPage {
            runs,
            next_page_token: next,
            append: p > 0,
        }));
        send(
            &mut s,
            Msg::Loaded {
                req,
                at_ms,
                payload,
            },
        );
        // Scrolling to the end asks for the next page, as a user holding G would.
        fx = send(&mut s, key(KeyCode::Char('G')));
    }
    assert_eq!(s.runs.loaded(), RUNS);
    s
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn frames(state: &State, label: &str) {
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    for _ in 0..50 {
        terminal
            .draw(|f| mlops_console::ui::render(f, state))
            .expect("draw");
    }
    let mut times = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let t = Instant::now();
        terminal
            .draw(|f| mlops_console::ui::render(f, state))
            .expect("draw");
        times.push(t.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / FRAMES as u32;
    println!(
        "frame, {label:<24} mean {:>7.3} ms   p50 {:>7.3} ms   p99 {:>7.3} ms   ({FRAMES} frames, 200x50)",
        mean.as_secs_f64() * 1e3,
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    let before = rss();
    let t = Instant::now();
    let mut state = loaded_state();
    let load = t.elapsed();
    let after = rss();
    let table = state.runs.table().map_or(0, |t| t.heap_bytes());
    println!(
        "loaded {RUNS} runs in {} pages in {:.2} s",
        RUNS / PAGE,
        load.as_secs_f64()
    );
    println!("compact table heap: {:.1} MB", mb(table as u64));
    match (before, after) {
        (Some(b), Some(a)) => println!(
            "resident: {:.1} MB before, {:.1} MB after loading (+{:.1} MB)",
            mb(b),
            mb(a),
            mb(a.saturating_sub(b))
        ),
        _ => println!("resident: /proc/self/statm not available"),
    }
    frames(&state, "selection at the end");
    send(&mut state, key(KeyCode::Char('g')));
    frames(&state, "selection at the top");
    // A local text filter over all 100k rows is computed once, not per frame.
    send(&mut state, key(KeyCode::Char('/')));
    let t = Instant::now();
    for c in "trial-0999".chars() {
        send(&mut state, key(KeyCode::Char(c)));
    }
    println!(
        "local filter, 10 keystrokes over {RUNS} rows: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    frames(&state, "local filter active");
}
