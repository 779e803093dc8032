//! Frame time of the drift heatmap with 50 features × 90 windows (budget: ≤ 1 ms per frame):
//! the heatmap widget alone in a 200x60 buffer, then the whole Monitoring screen (heatmap, the
//! cursor's cell with every statistic, its two charts, chrome) on a 200x60 `TestBackend`; the
//! cursor moves each frame so no frame repeats the previous one.
//! Run: `cargo bench --bench heatmap_render`.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use mlops_console::app::keymap::Keymap;
use mlops_console::app::screens::monitoring::Fetch as MonitoringFetch;
use mlops_console::app::screens::monitoring::{DriftRead, Loaded};
use mlops_console::app::screens::{RoomFetch, RoomLoaded};
use mlops_console::app::{Effect, Fetch, Msg, Payload, ScreenRoute, Session, State, update};
use mlops_console::config::drift::Thresholds;
use mlops_console::ops::drift::{
    CountSource, DriftCell, DriftMatrix, DriftOutcome, DriftStats, DriftType, FeatureDrift,
    ModelFilter, Severity, SliceFilter, judge,
};
use mlops_console::ops::metric_tables::{WarehouseUsed, Window};
use mlops_console::theme::{Role, Theme};
use mlops_console::ui::heatmap::{Heatmap, HeatmapStyles, Level};

const NOW: i64 = 1_767_225_600_000;

const FEATURES: usize = 50;
const WINDOWS: usize = 90;
const FRAMES: usize = 5_000;

fn matrix() -> DriftMatrix {
    let windows: Vec<Window> = (0..WINDOWS)
        .map(|w| Window {
            start: format!("2026-{:02}-{:02}T00:00:00Z", 1 + w / 28, 1 + w % 28),
            end: format!(
                "2026-{:02}-{:02}T00:00:00Z",
                1 + (w + 1) / 28,
                1 + (w + 1) % 28
            ),
        })
        .collect();
    let t = Thresholds::default();
    let features = (0..FEATURES)
        .map(|f| {
            let cells = (0..WINDOWS)
                .map(|w| {
                    let psi = ((f * 31 + w * 17) % 40) as f64 / 100.0;
                    let stats = DriftStats {
                        psi: Some(psi),
                        js: Some(psi / 2.0),
                        wasserstein: Some(psi / 3.0),
                        ks_statistic: Some(psi / 4.0),
                        ks_pvalue: Some(0.5 / (1.0 + 100.0 * psi)),
                        count_delta: Some(0),
                        ..DriftStats::default()
                    };
                    let judgement = judge(&stats, &t);
                    Some(DriftCell {
                        stats,
                        count: Some(600),
                        judgement,
                    })
                })
                .collect();
            FeatureDrift {
                name: format!("feature_{f:02}"),
                data_type: Some("double".into()),
                cells,
                thresholds: t,
                recent: Severity::Warning,
            }
        })
        .collect();
    DriftMatrix {
        table: "main.bench.wide_drift_metrics".into(),
        warehouse: WarehouseUsed {
            id: "bench".into(),
            name: "bench".into(),
        },
        drift_type: DriftType::Consecutive,
        model: ModelFilter::All,
        slice: SliceFilter::Total,
        model_column: Some("model_id".into()),
        windows,
        features,
        counts: CountSource::ProfileCount,
        missing: Vec::new(),
    }
}

/// The Monitoring screen with a 50 x 90 drift matrix loaded.
fn screen_state() -> State {
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
    s.size = (200, 60);
    update(&mut s, Msg::Start { now_ms: NOW });
    let fx = update(
        &mut s,
        Msg::Open(ScreenRoute::Monitor {
            table: "main.bench.wide".into(),
        }),
    );
    for e in fx {
        let Effect::Fetch { req, fetch } = e else {
            continue;
        };
        if matches!(
            fetch,
            Fetch::Room(RoomFetch::Monitoring(MonitoringFetch::Drift { .. }))
        ) {
            let loaded = Loaded::Drift(Ok(Box::new(DriftRead::Outcome(DriftOutcome::Matrix(
                matrix(),
            )))));
            update(
                &mut s,
                Msg::Loaded {
                    req,
                    at_ms: NOW,
                    payload: Payload::Room(RoomLoaded::Monitoring(loaded)),
                },
            );
        }
    }
    assert!(s.monitoring.matrix().is_some(), "the matrix is loaded");
    s
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let n = times.len();
    let mean = times.iter().sum::<Duration>() / n as u32;
    let p = |q: f64| times[((n as f64 - 1.0) * q) as usize];
    println!(
        "{what}: mean {:.3} ms  p50 {:.3} ms  p99 {:.3} ms  ({n} frames)",
        mean.as_secs_f64() * 1e3,
        p(0.5).as_secs_f64() * 1e3,
        p(0.99).as_secs_f64() * 1e3,
    );
}

fn whole_screen() {
    let mut state = screen_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    let mut times = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES {
        let key = if frame % 90 < 45 { 'h' } else { 'l' };
        update(
            &mut state,
            Msg::Key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE)),
        );
        let t = Instant::now();
        terminal
            .draw(|f| mlops_console::ui::render(f, &state))
            .expect("draw");
        times.push(t.elapsed());
    }
    report(
        &format!("Monitoring screen {FEATURES}x{WINDOWS} on 200x60 (heatmap, cell, two charts)"),
        times,
    );
}

fn main() {
    widget();
    whole_screen();
}

fn widget() {
    let theme = Theme::dark();
    let styles = HeatmapStyles {
        label: theme.style(Role::Text),
        label_selected: theme.style(Role::Selected),
        cursor: theme.style(Role::Selected),
        ok: theme.style(Role::Muted),
        notice: theme.style(Role::Info),
        warning: theme.style(Role::Warn),
        critical: theme.style(Role::Error),
    };
    let rows: Vec<String> = (0..FEATURES).map(|i| format!("feature_{i:02}")).collect();
    let levels = [
        Level::Ok,
        Level::Notice,
        Level::Warning,
        Level::Critical,
        Level::Missing,
    ];
    let cells: Vec<Level> = (0..FEATURES * WINDOWS)
        .map(|i| levels[(i * 7 + i / 13) % levels.len()])
        .collect();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    let mut times = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES {
        let map = Heatmap {
            rows: &rows,
            columns: WINDOWS,
            cells: &cells,
            cursor: Some((frame % FEATURES, frame % WINDOWS)),
            ascii: false,
            styles,
        };
        let t = Instant::now();
        buf.reset();
        map.render(area, &mut buf);
        times.push(t.elapsed());
    }
    report(
        &format!("heatmap widget {FEATURES}x{WINDOWS} on 200x60"),
        times,
    );
}
