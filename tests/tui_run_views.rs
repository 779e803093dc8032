//! Update tests of the screens behind the runs table: compare, sweep, run detail and its
//! chart (zoom, metrics picker, export), parent jumps. Pure `update`, no I/O.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::{
    CompareHistories, Effect, Fetch, Msg, Overlay, Payload, ResourceKey, ScreenRoute,
};
use support::*;

#[test]
fn compare_overlays_loss_and_toggles_differences_only() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('j');
    d.char('j');
    d.char(' ');
    d.char(' ');
    d.char('c');
    let req = d.req(ResourceKey::CompareRuns);
    let runs = churn_runs();
    d.answer(
        req,
        Payload::CompareRuns(Ok(vec![runs[2].clone(), runs[3].clone()])),
    );
    assert_eq!(d.state.compare.metric.as_deref(), Some("loss"));
    let Some(Fetch::CompareHistories { run_ids, key }) = d.fetch_of(ResourceKey::CompareHistories)
    else {
        panic!("no histories asked")
    };
    assert_eq!((run_ids.len(), key.as_str()), (2, "loss"));
    let req = d.req(ResourceKey::CompareHistories);
    d.answer(
        req,
        Payload::CompareHistories(Ok(CompareHistories {
            key: "loss".into(),
            histories: vec![history(30, 0.6, 0.34), history(7, 0.6, 0.39)],
        })),
    );
    assert!(!d.state.compare.diff_only);
    d.char('d');
    assert!(d.state.compare.diff_only);
    d.char('e');
    let (stem, series) = d.export_effect().expect("export");
    assert!(stem.starts_with("compare-20240601-120000"), "{stem}");
    assert_eq!(series, vec!["xgb-tuned-v1", "lgbm-baseline"]);
    // another metric: a single-choice picker
    d.char('m');
    assert!(matches!(d.state.overlay, Overlay::Picker(_)));
    d.char('j');
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert_eq!(
        d.fetch_of(ResourceKey::CompareHistories),
        Some(Fetch::CompareHistories {
            run_ids: vec![TUNED.into(), "f0e1d2c3b4a5968778695a4b3c2d1e0f".into()],
            key: "f1".into()
        })
    );
}

#[test]
fn sweep_ranks_trials_and_marks_the_best_finished_one() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('j');
    d.char('S');
    assert_eq!(
        d.state.route().clone(),
        ScreenRoute::Sweep {
            run_id: SWEEP_PARENT.into()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::Sweep),
        Some(Fetch::Sweep {
            run_id: SWEEP_PARENT.into()
        })
    );
    d.answer_sweep();
    let s = &d.state.sweep;
    assert_eq!(s.objective().as_deref(), Some("loss"));
    assert!(s.minimize());
    let ranked: Vec<&str> = s
        .ranked
        .iter()
        .map(|i| s.trials()[*i].name.as_str())
        .collect();
    assert_eq!(
        ranked,
        vec![
            "lucky-mole-101",
            "thoughtful-hare-657",
            "nimble-gnu-897",
            "brave-stag-514",
            "crisp-hawk-785",
            "calm-seal-911",
            "gentle-sow-675",
            "quiet-owl-222",
        ]
    );
    let best = &s.trials()[s.best.unwrap()];
    assert_eq!(
        best.name, "thoughtful-hare-657",
        "the failed trial is not the best"
    );
    // flip to maximise
    d.char('f');
    let s = &d.state.sweep;
    assert!(!s.minimize());
    assert_eq!(s.trials()[s.ranked[0]].name, "gentle-sow-675");
    // next objective: val_auc, maximised by default
    d.char('o');
    let s = &d.state.sweep;
    assert_eq!(s.objective().as_deref(), Some("val_auc"));
    assert!(!s.minimize());
    assert_eq!(s.trials()[s.best.unwrap()].name, "thoughtful-hare-657");
    // scatter param cycles; enter opens the trial
    assert_eq!(d.state.sweep.param().as_deref(), Some("learning_rate"));
    d.char('p');
    assert_eq!(d.state.sweep.param().as_deref(), Some("max_depth"));
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.route(), ScreenRoute::RunDetail { .. }));
}

#[test]
fn run_detail_charts_loss_first_zooms_and_exports() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('j');
    d.char('j');
    d.key(KeyCode::Enter);
    assert_eq!(
        d.fetch_of(ResourceKey::RunDetail),
        Some(Fetch::Run {
            run_id: TUNED.into()
        })
    );
    let req = d.req(ResourceKey::RunDetail);
    d.answer(req, Payload::Run(Ok(Box::new(churn_runs().remove(2)))));
    assert_eq!(
        d.state.run_detail.charted(),
        &["loss".to_string(), "val_auc".to_string()]
    );
    assert_eq!(
        d.fetch_of(ResourceKey::MetricHistories),
        Some(Fetch::MetricHistories {
            run_id: TUNED.into(),
            keys: vec!["loss".into(), "val_auc".into()]
        })
    );
    d.answer_histories();
    assert!(d.state.run_detail.history("loss").is_some());

    d.char('+');
    assert_eq!(d.state.run_detail.chart.window, (0.25, 0.75));
    d.char('+');
    d.char('l');
    assert_eq!(d.state.run_detail.chart.window, (0.4375, 0.6875));
    d.char('-');
    assert_eq!(d.state.run_detail.chart.window, (0.3125, 0.8125));
    d.char('0');
    assert_eq!(d.state.run_detail.chart.window, (0.0, 1.0));
    d.char('x');
    assert_eq!(
        d.state.run_detail.chart.x_axis,
        mlops_console::app::chart::XAxis::WallTime
    );

    d.char('e');
    let (stem, series) = d.export_effect().expect("export effect");
    assert_eq!(stem, "run-c1d2e3f4-20240601-120000");
    assert_eq!(series, vec!["loss", "val_auc"]);
    d.send(Msg::ChartExported {
        result: Ok(vec![
            "/data/charts/run-c1d2e3f4-20240601-120000.png".into(),
            "/data/charts/run-c1d2e3f4-20240601-120000.svg".into(),
        ]),
    });
    assert_eq!(
        d.state.toasts.last().unwrap().text,
        "chart saved: /data/charts/run-c1d2e3f4-20240601-120000.png (+ .svg)"
    );
}

#[test]
fn chart_metrics_picker_loads_only_the_missing_histories() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('j');
    d.char('j');
    d.key(KeyCode::Enter);
    d.answer_run_detail(churn_runs().remove(2));
    d.char('m');
    let Overlay::Picker(p) = &d.state.overlay else {
        panic!("no picker")
    };
    let keys: Vec<&str> = p.items.iter().map(|i| i.value.key()).collect();
    assert_eq!(keys, vec!["f1", "loss", "val_auc"]);
    // the cursor starts on the first charted metric (loss): f1 on, val_auc off
    d.char('k');
    d.char(' ');
    d.char('j');
    d.char('j');
    d.char(' ');
    d.key(KeyCode::Enter);
    assert_eq!(
        d.state.run_detail.charted(),
        &["f1".to_string(), "loss".to_string()]
    );
    assert_eq!(
        d.fetch_of(ResourceKey::MetricHistories),
        Some(Fetch::MetricHistories {
            run_id: TUNED.into(),
            keys: vec!["f1".into()]
        })
    );
}

#[test]
fn parent_key_opens_the_parent_run() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('n');
    let req = d.req(ResourceKey::RunList);
    let mut all = churn_runs();
    all.extend(sweep_trials());
    d.answer(req, runs_page(all, None, false));
    d.char('G');
    d.key(KeyCode::Enter);
    let trial = sweep_trials().pop().unwrap();
    d.answer_run_detail(trial);
    d.char('P');
    assert_eq!(
        d.state.route().clone(),
        ScreenRoute::RunDetail {
            run_id: SWEEP_PARENT.into()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::RunDetail),
        Some(Fetch::Run {
            run_id: SWEEP_PARENT.into()
        })
    );
    d.answer_run_detail(churn_runs().remove(1));
    d.char('P');
    assert!(d.state.toasts.last().unwrap().text.contains("no parent"));
    // back to the trial: its detail is loaded again
    d.key(KeyCode::Esc);
    assert!(d.fetch_of(ResourceKey::RunDetail).is_some());
}

#[test]
fn export_without_data_says_so() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.key(KeyCode::Enter);
    d.char('e');
    assert!(d.export_effect().is_none());
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("no chart data")
    );
    let _ = Effect::Fetch {
        req: 0,
        fetch: Fetch::Me,
    };
}

#[test]
fn detail_scrolling_stops_near_the_end() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('j');
    d.char('j');
    d.key(KeyCode::Enter);
    d.answer_run_detail(churn_runs().remove(2));
    for _ in 0..500 {
        d.char('j');
    }
    let far = d.state.run_detail.scroll;
    assert!(far < 60, "{far}");
    for _ in 0..far {
        d.char('k');
    }
    assert_eq!(d.state.run_detail.scroll, 0);
}
