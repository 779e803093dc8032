//! View snapshots: state built by feeding `update` fixture messages at a fixed clock, drawn on a
//! `TestBackend`. Plus no-panic renders of every screen and popup at tiny and huge sizes.

mod support;

use crossterm::event::KeyCode;
use ratatui::style::Color;

use mlops_console::app::{Msg, Payload, ResourceKey};
use support::*;

fn overview(session: mlops_console::app::Session, oss: bool) -> Driver {
    let mut d = Driver::new(session);
    d.answer_overview(oss);
    // Before the 10 s refresh is due, so nothing is in flight.
    d.send(Msg::Tick {
        now_ms: NOW + 8_000,
    });
    d
}

fn experiments_screen() -> Driver {
    let mut d = overview(session(), false);
    d.open_experiments(experiments(), None);
    d.send(Msg::Tick {
        now_ms: NOW + 10_000,
    });
    d
}

#[test]
fn overview_loaded() {
    let d = overview(session(), false);
    insta::assert_snapshot!("overview_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("overview_80x24", d.render(80, 24).backend());
}

/// The Overview's activity: a canary holding at 25% on churn-prod, one that completed 20
/// minutes ago on fraud-scoring (and one that ended two hours ago, no longer shown), two pending
/// approvals and the journal's three changes.
fn overview_busy() -> Driver {
    let mut d = Driver::new(session());
    d.answer_overview_with(false, pending(), journal_view());
    d.canary_step(holding_inconclusive(), vec![]);
    d.canary_step_on(
        "fraud-scoring",
        completed_on("fraud-scoring", NOW - 20 * MIN),
    );
    d.canary_step_on(
        "search-ranker",
        completed_on("search-ranker", NOW - 120 * MIN),
    );
    d.send(Msg::Tick {
        now_ms: NOW + 8_000,
    });
    d
}

#[test]
fn overview_with_canaries_approvals_and_actions() {
    let d = overview_busy();
    insta::assert_snapshot!("overview_busy_120x36", d.render(120, 36).backend());
    insta::assert_snapshot!("overview_busy_80x24", d.render(80, 24).backend());
}

#[test]
fn overview_on_open_source_mlflow() {
    let mut s = session();
    s.profile = "local".into();
    s.host = "http://127.0.0.1:5000".into();
    let d = overview(s, true);
    insta::assert_snapshot!("overview_oss_80x24", d.render(80, 24).backend());
}

#[test]
fn overview_loading() {
    let d = Driver::new(session());
    insta::assert_snapshot!("overview_loading_80x24", d.render(80, 24).backend());
}

#[test]
fn overview_production_readonly_ascii() {
    let mut s = session();
    s.production = true;
    s.readonly = true;
    s.ascii = true;
    let d = overview(s, false);
    let t = d.render(100, 30);
    insta::assert_snapshot!("overview_production_ascii_100x30", t.backend());
    // The banner is red in the default theme (text snapshots cannot show colour).
    let cell = &t.backend().buffer()[(0, 0)];
    assert_eq!(cell.bg, Color::Red);
    let text = t.backend().to_string();
    assert!(text.is_ascii(), "--ascii must draw only ASCII");
}

#[test]
fn experiments_loaded() {
    let d = experiments_screen();
    insta::assert_snapshot!("experiments_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("experiments_80x24", d.render(80, 24).backend());
}

#[test]
fn experiments_loading_empty_and_failed() {
    let mut d = overview(session(), false);
    d.char('2');
    insta::assert_snapshot!("experiments_loading_60x8", d.render(60, 8).backend());
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, Payload::Experiments(Err(server_error())));
    insta::assert_snapshot!("experiments_failed_60x8", d.render(60, 8).backend());
    d.char('r');
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, experiments_page(vec![], None, false));
    insta::assert_snapshot!("experiments_empty_60x8", d.render(60, 8).backend());
}

#[test]
fn experiments_filtered() {
    let mut d = experiments_screen();
    d.char('/');
    d.type_text("churn");
    insta::assert_snapshot!("experiments_filtering_80x24", d.render(80, 24).backend());
}

#[test]
fn experiments_error_keeps_stale_rows() {
    let mut d = experiments_screen();
    d.char('r');
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, Payload::Experiments(Err(server_error())));
    insta::assert_snapshot!(
        "experiments_error_stale_100x30",
        d.render(100, 30).backend()
    );
}

#[test]
fn experiments_help_open() {
    let mut d = experiments_screen();
    d.char('?');
    insta::assert_snapshot!("experiments_help_100x30", d.render(100, 30).backend());
}

#[test]
fn palette_with_completions() {
    let mut d = experiments_screen();
    d.char(':');
    d.type_text("exp /shared");
    d.key(KeyCode::Tab);
    insta::assert_snapshot!("palette_80x24", d.render(80, 24).backend());
}

#[test]
fn experiment_detail() {
    let mut d = experiments_screen();
    d.char('i');
    insta::assert_snapshot!("experiment_detail_80x24", d.render(80, 24).backend());
}

/// Every screen and popup at sizes from 1x1 up: drawing must never panic.
#[test]
fn no_panic_at_any_size() {
    let sizes = [(1, 1), (2, 2), (10, 3), (20, 5), (80, 24), (200, 60)];
    let mut states: Vec<(&str, Driver)> = Vec::new();
    states.push(("overview loading", Driver::new(session())));
    states.push(("overview", overview(session(), false)));
    states.push(("overview busy", overview_busy()));
    let mut s = session();
    s.production = true;
    s.readonly = true;
    states.push(("overview prod", overview(s, true)));
    states.push(("experiments", experiments_screen()));
    let mut d = experiments_screen();
    d.char('/');
    d.type_text("a very long filter that does not fit anywhere at all");
    states.push(("filter", d));
    let mut d = experiments_screen();
    d.char('i');
    states.push(("detail", d));
    let mut d = experiments_screen();
    d.char('?');
    states.push(("help", d));
    let mut d = experiments_screen();
    d.char(':');
    d.type_text("exp ");
    states.push(("palette", d));
    let mut d = experiments_screen();
    d.char('3');
    states.push(("toast", d));
    for (name, d) in &states {
        for (w, h) in sizes {
            let t = d.render(w, h);
            assert_eq!(t.backend().buffer().area.width, w, "{name} at {w}x{h}");
        }
    }
}

/// `--ascii`: every screen and popup draws only 7-bit ASCII (no box drawing, no symbols).
#[test]
fn ascii_mode_draws_only_ascii() {
    let mut s = session();
    s.ascii = true;
    let mut d = Driver::new(s);
    d.answer_overview(false);
    let mut seen = vec![d.render(80, 24).backend().to_string()];
    d.open_experiments(experiments(), Some("more"));
    seen.push(d.render(80, 24).backend().to_string());
    d.char('/');
    d.type_text("zzz");
    seen.push(d.render(80, 24).backend().to_string());
    d.key(KeyCode::Esc);
    d.char('i');
    seen.push(d.render(80, 24).backend().to_string());
    d.char('?');
    seen.push(d.render(80, 24).backend().to_string());
    d.char('?');
    d.char(':');
    seen.push(d.render(80, 24).backend().to_string());
    d.key(KeyCode::Esc);
    d.char('r');
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, Payload::Experiments(Err(server_error())));
    seen.push(d.render(80, 24).backend().to_string());
    for (i, screen) in seen.iter().enumerate() {
        let bad: String = screen.chars().filter(|c| !c.is_ascii()).collect();
        assert!(bad.is_empty(), "frame {i} has {bad:?}:\n{screen}");
    }
}
