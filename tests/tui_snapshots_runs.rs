//! View snapshots of the runs screens (runs table, run detail with chart, sweep, compare, the
//! column picker) at a fixed clock with fixture data, plus no-panic renders at every size and
//! ASCII-only frames with `--ascii`.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::{CompareHistories, Msg, Payload, ResourceKey, Session};
use support::*;

fn runs_screen(s: Session) -> Driver {
    let mut d = Driver::new(s);
    d.answer_overview(false);
    d.open_runs();
    d.send(Msg::Tick {
        now_ms: NOW + 5_000,
    });
    d
}

fn run_detail(s: Session) -> Driver {
    let mut d = runs_screen(s);
    d.char('j');
    d.char('j');
    d.key(KeyCode::Enter);
    d.answer_run_detail(churn_runs().remove(2));
    d
}

fn sweep(s: Session) -> Driver {
    let mut d = runs_screen(s);
    d.char('j');
    d.char('S');
    d.answer_sweep();
    d
}

fn compare(s: Session) -> Driver {
    let mut d = runs_screen(s);
    d.char('j');
    d.char('j');
    d.char(' ');
    d.char(' ');
    d.char(' ');
    d.char('c');
    let req = d.req(ResourceKey::CompareRuns);
    let runs = churn_runs();
    d.answer(
        req,
        Payload::CompareRuns(Ok(vec![runs[2].clone(), runs[3].clone(), runs[4].clone()])),
    );
    let req = d.req(ResourceKey::CompareHistories);
    d.answer(
        req,
        Payload::CompareHistories(Ok(CompareHistories {
            key: "loss".into(),
            histories: vec![
                history(30, 0.62, 0.3386),
                history(7, 0.62, 0.3936),
                history(30, 0.64, 0.3485),
            ],
        })),
    );
    d
}

#[test]
fn runs_table() {
    let d = runs_screen(session());
    insta::assert_snapshot!("runs_120x30", d.render(120, 30).backend());
    insta::assert_snapshot!("runs_80x24", d.render(80, 24).backend());
}

#[test]
fn runs_nested_sorted_marked() {
    let mut d = runs_screen(session());
    d.char('n');
    let req = d.req(ResourceKey::RunList);
    let mut all = churn_runs();
    all.extend(sweep_trials());
    d.answer(req, runs_page(all, Some("next"), false));
    for _ in 0..6 {
        d.char('>');
    }
    d.char('s');
    let req = d.req(ResourceKey::RunList);
    let mut all = churn_runs();
    all.extend(sweep_trials());
    all.sort_by(|a, b| {
        let auc = |r: &mlops_console::api::models::mlflow::Run| {
            r.data
                .metrics
                .iter()
                .find(|m| m.key == "val_auc")
                .map(|m| m.value)
        };
        auc(b).partial_cmp(&auc(a)).unwrap()
    });
    d.answer(req, runs_page(all, Some("next"), false));
    d.char(' ');
    d.char(' ');
    insta::assert_snapshot!("runs_nested_marked_120x30", d.render(120, 30).backend());
}

#[test]
fn runs_filter_rejected_keeps_rows() {
    let mut d = runs_screen(session());
    d.char('/');
    d.type_text("metrics.val_auc > 0.8 OR params.x = '1'");
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    d.answer(
        req,
        Payload::Runs(Err(bad_filter("Invalid clause(s) in filter string: 'OR'"))),
    );
    insta::assert_snapshot!("runs_filter_error_100x20", d.render(100, 20).backend());
}

#[test]
fn runs_column_picker() {
    let mut d = runs_screen(session());
    d.char('C');
    insta::assert_snapshot!("runs_columns_picker_100x30", d.render(100, 30).backend());
}

#[test]
fn run_detail_with_chart() {
    let d = run_detail(session());
    insta::assert_snapshot!("run_detail_120x36", d.render(120, 36).backend());
    insta::assert_snapshot!("run_detail_80x24", d.render(80, 24).backend());
}

#[test]
fn sweep_view() {
    let d = sweep(session());
    insta::assert_snapshot!("sweep_120x36", d.render(120, 36).backend());
}

#[test]
fn compare_view() {
    let mut d = compare(session());
    insta::assert_snapshot!("compare_130x36", d.render(130, 36).backend());
    d.char('d');
    insta::assert_snapshot!("compare_diff_only_100x30", d.render(100, 30).backend());
}

/// Every new screen and popup at sizes from 1x1 up: drawing must never panic.
#[test]
fn no_panic_at_any_size() {
    let mut states: Vec<(&str, Driver)> = vec![
        ("runs", runs_screen(session())),
        ("detail", run_detail(session())),
        ("sweep", sweep(session())),
        ("compare", compare(session())),
    ];
    let mut d = runs_screen(session());
    d.char('C');
    states.push(("picker", d));
    let mut d = run_detail(session());
    for _ in 0..12 {
        d.char('+');
    }
    states.push(("zoomed", d));
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.key(KeyCode::Enter);
    states.push(("runs loading", d));
    let mut d = runs_screen(session());
    d.key(KeyCode::Enter);
    states.push(("detail loading", d));
    for (name, d) in &states {
        for w in [1, 2, 5, 10, 20, 40, 80, 120, 200] {
            for h in [1, 2, 3, 5, 10, 24, 60] {
                let t = d.render(w, h);
                assert_eq!(t.backend().buffer().area.width, w, "{name} at {w}x{h}");
            }
        }
    }
}

/// `--ascii`: the runs screens, their charts included, draw only 7-bit ASCII.
#[test]
fn ascii_mode_draws_only_ascii() {
    let mut s = session();
    s.ascii = true;
    let mut frames = Vec::new();
    for d in [
        runs_screen(s.clone()),
        run_detail(s.clone()),
        sweep(s.clone()),
        compare(s.clone()),
    ] {
        frames.push(d.render(120, 36).backend().to_string());
        frames.push(d.render(80, 24).backend().to_string());
    }
    let mut d = runs_screen(s.clone());
    d.char('C');
    frames.push(d.render(100, 30).backend().to_string());
    for (i, screen) in frames.iter().enumerate() {
        let bad: String = screen.chars().filter(|c| !c.is_ascii()).collect();
        assert!(bad.is_empty(), "frame {i} has {bad:?}:\n{screen}");
    }
}
