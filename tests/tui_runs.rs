//! Update tests of the runs screens: paging, server sort and filter, local filter, nesting,
//! marks, compare, sweep ranking, run detail and its chart. Pure `update`, no I/O.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::{
    CompareHistories, Effect, Fetch, Msg, Overlay, Payload, ResourceKey, Route, ToastLevel,
};
use support::*;

const TOP: &str = "tags.mlflow.parentRunId IS NULL";

fn names(d: &Driver) -> Vec<String> {
    (0..d.state.runs.visible_len())
        .map(|i| d.state.runs.visible_row(i).unwrap().name().to_string())
        .collect()
}

#[test]
fn enter_on_an_experiment_asks_for_its_top_level_runs_newest_first() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.key(KeyCode::Enter);
    assert_eq!(
        d.state.route().clone(),
        Route::Runs {
            experiment_id: CHURN.into()
        }
    );
    assert_eq!(
        d.runs_fetch(),
        Some(Fetch::Runs {
            experiment_id: CHURN.into(),
            filter: Some(TOP.into()),
            order_by: vec!["attributes.start_time DESC".into()],
            page_token: None,
            min_rows: 200,
        })
    );
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    assert_eq!(d.state.runs.loaded(), 7);
    assert_eq!(names(&d)[0], "xgb-nightly-retrain");
    // default columns: the most common metric and param keys
    let cols: Vec<String> = d
        .state
        .runs
        .chosen()
        .iter()
        .map(|c| c.header().to_string())
        .collect();
    assert_eq!(
        cols,
        vec![
            "loss",
            "val_auc",
            "f1",
            "model_type",
            "max_depth",
            "learning_rate"
        ]
    );
}

#[test]
fn pages_load_as_the_selection_nears_the_end() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    let many: Vec<_> = (0..200)
        .map(|i| {
            let mut r = churn_runs().remove(2);
            r.info.run_id = format!("run-{i:03}");
            r.info.run_name = Some(format!("trial-{i:03}"));
            r
        })
        .collect();
    d.answer(req, runs_page(many.clone(), Some("page-2"), false));
    assert_eq!(d.runs_fetch(), None, "nothing more until scrolled");
    d.char('G');
    let Some(Fetch::Runs {
        page_token,
        min_rows,
        filter,
        ..
    }) = d.runs_fetch()
    else {
        panic!("no next page: {:?}", d.effects)
    };
    assert_eq!((page_token.as_deref(), min_rows), (Some("page-2"), 0));
    assert_eq!(filter.as_deref(), Some(TOP), "the same query continues");
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, true));
    assert_eq!(d.state.runs.loaded(), 207);
    assert!(!d.state.runs.has_more());
    assert_eq!(d.state.runs.selected().unwrap().name(), "trial-199");
}

#[test]
fn sort_sends_order_by_and_a_second_press_flips_it() {
    let mut d = Driver::new(session());
    d.open_runs();
    // columns: Run, Status, Started, Duration, User, loss, ...
    for _ in 0..5 {
        d.char('>');
    }
    d.char('s');
    let order = |d: &Driver| match d.runs_fetch() {
        Some(Fetch::Runs { order_by, .. }) => order_by,
        other => panic!("no search: {other:?}"),
    };
    assert_eq!(order(&d), vec!["metrics.loss DESC"]);
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    d.char('s');
    assert_eq!(order(&d), vec!["metrics.loss ASC"]);
    d.char('<');
    d.char('<');
    d.char('<');
    d.char('<');
    d.char('<');
    d.char('<');
    d.char('s');
    assert_eq!(order(&d), vec!["attributes.run_name ASC"]);
    d.char('s');
    assert_eq!(order(&d), vec!["attributes.run_name DESC"]);
}

#[test]
fn the_newest_search_wins() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('>');
    d.char('s');
    let older = d.req(ResourceKey::RunList);
    d.char('s');
    let newer = d.req(ResourceKey::RunList);
    let mut rev = churn_runs();
    rev.reverse();
    d.answer(newer, runs_page(rev, None, false));
    d.answer(older, runs_page(churn_runs()[..2].to_vec(), None, false));
    assert_eq!(d.state.runs.loaded(), 7);
    assert_eq!(names(&d)[0], "logreg-baseline");
    assert!(!d.state.runs.rows.is_loading());
}

#[test]
fn duration_sorts_the_loaded_rows_locally() {
    let mut d = Driver::new(session());
    d.open_runs();
    for _ in 0..3 {
        d.char('>');
    }
    d.char('s');
    let Some(Fetch::Runs { order_by, .. }) = d.runs_fetch() else {
        panic!("no search")
    };
    assert!(order_by.is_empty(), "the server cannot sort by duration");
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    assert_eq!(
        names(&d),
        vec![
            "xgb-hyperopt-sweep",
            "xgb-nightly-retrain",
            "random-forest-baseline",
            "xgb-tuned-v1",
            "xgb-default",
            "logreg-baseline",
            "lgbm-baseline",
        ]
    );
}

#[test]
fn an_mlflow_filter_goes_to_the_server_verbatim_on_enter() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('/');
    let f = "metrics.auc > 0.8 AND params.max_depth = '6'";
    d.type_text(f);
    assert_eq!(d.runs_fetch(), None, "nothing is sent while typing");
    assert_eq!(d.state.runs.visible_len(), 7, "and nothing filters locally");
    d.key(KeyCode::Enter);
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no search")
    };
    assert_eq!(filter, Some(format!("{f} AND {TOP}")));
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs()[2..3].to_vec(), None, false));
    // nested runs too: the user's filter alone
    d.char('n');
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no search")
    };
    assert_eq!(filter.as_deref(), Some(f));
}

#[test]
fn filters_with_quotes_and_backticks_pass_through_intact() {
    for f in [
        "tags.`user-name` = 'x'",
        "params.\"max depth\" = '6'",
        "attributes.run_name LIKE '%it''s%'",
    ] {
        let mut d = Driver::new(session());
        d.open_runs();
        d.char('n');
        let req = d.req(ResourceKey::RunList);
        d.answer(req, runs_page(churn_runs(), None, false));
        d.char('/');
        d.type_text(f);
        d.key(KeyCode::Enter);
        let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
            panic!("{f} was not sent")
        };
        assert_eq!(filter.as_deref(), Some(f));
    }
}

#[test]
fn a_rejected_filter_shows_the_servers_message_and_keeps_the_rows() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('/');
    d.type_text("metrics.auc >> 1");
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    let message = "Invalid clause(s) in filter string: 'metrics.auc >> 1'";
    d.answer(req, Payload::Runs(Err(bad_filter(message))));
    assert_eq!(d.state.runs.filter_error.as_deref(), Some(message));
    assert_eq!(d.state.runs.loaded(), 7, "stale rows stay");
    assert!(d.state.toasts.is_empty(), "shown inline, not as a toast");
    assert_eq!(d.state.runs.rows.error, None, "the rows are not in error");
    assert_eq!(
        d.state.runs.wanted.filter, None,
        "sorting reuses the shown query"
    );
    // fixing it clears the message when the answer arrives
    d.char('/');
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Backspace);
    d.type_text("> 1");
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(vec![], None, false));
    assert_eq!(d.state.runs.filter_error, None);
    assert_eq!(d.state.runs.loaded(), 0);
}

#[test]
fn plain_text_filters_the_loaded_rows_and_esc_restores_them() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('/');
    d.type_text("XGB");
    assert_eq!(d.runs_fetch(), None, "local: no request");
    assert_eq!(
        names(&d),
        vec![
            "xgb-nightly-retrain",
            "xgb-hyperopt-sweep",
            "xgb-tuned-v1",
            "xgb-default"
        ]
    );
    d.key(KeyCode::Enter);
    assert_eq!(d.runs_fetch(), None, "enter keeps a local filter local");
    d.char('/');
    d.key(KeyCode::Esc);
    assert_eq!(d.state.runs.visible_len(), 7);
    // a param value matches too
    d.char('/');
    d.type_text("lightgbm");
    assert_eq!(names(&d), vec!["lgbm-baseline"]);
}

#[test]
fn clearing_a_server_filter_reloads_without_it() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('/');
    d.type_text("status = 'FAILED'");
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs()[3..4].to_vec(), None, false));
    d.key(KeyCode::Esc);
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no reload")
    };
    assert_eq!(filter.as_deref(), Some(TOP));
    assert_eq!(
        d.state.route().clone(),
        Route::Runs {
            experiment_id: CHURN.into()
        },
        "esc cleared the filter first"
    );
}

#[test]
fn nested_toggle_asks_for_all_runs_and_back() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('n');
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no search")
    };
    assert_eq!(filter, None);
    d.char('n');
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no search")
    };
    assert_eq!(filter.as_deref(), Some(TOP));
}

#[test]
fn marks_toggle_and_compare_needs_two() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('c');
    assert_eq!(d.state.toasts.last().unwrap().level, ToastLevel::Info);
    assert!(matches!(d.state.route(), Route::Runs { .. }));
    d.char('j');
    d.char('j');
    d.char(' ');
    assert_eq!(d.state.runs.marks, vec![TUNED.to_string()]);
    assert_eq!(d.state.runs.view.selected, 3, "marking moves down");
    d.char('k');
    d.char(' ');
    assert!(d.state.runs.marks.is_empty(), "space again unmarks");
    d.char('k');
    d.char(' ');
    d.char('j');
    d.char(' ');
    assert_eq!(
        d.state.runs.marks,
        vec![TUNED.to_string(), DEFAULT_XGB.to_string()]
    );
    d.char('c');
    let run_ids = vec![TUNED.to_string(), DEFAULT_XGB.to_string()];
    assert_eq!(
        d.state.route().clone(),
        Route::Compare {
            run_ids: run_ids.clone()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::CompareRuns),
        Some(Fetch::CompareRuns { run_ids })
    );
}

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
        Route::Sweep {
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
    assert!(matches!(d.state.route(), Route::RunDetail { .. }));
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
        Route::RunDetail {
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
fn column_picker_chooses_columns_for_the_session() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('C');
    let Overlay::Picker(p) = &d.state.overlay else {
        panic!("no picker")
    };
    let first: Vec<(String, bool)> = p
        .items
        .iter()
        .take(4)
        .map(|i| (i.value.key().to_string(), i.checked))
        .collect();
    assert_eq!(
        first,
        vec![
            ("loss".into(), true),
            ("val_auc".into(), true),
            ("f1".into(), true),
            ("model_type".into(), true),
        ]
    );
    // uncheck loss
    d.char(' ');
    d.key(KeyCode::Enter);
    let headers: Vec<String> = d
        .state
        .runs
        .chosen()
        .iter()
        .map(|c| c.header().to_string())
        .collect();
    assert_eq!(headers[0], "val_auc");
    // another experiment starts with its own defaults; coming back keeps the choice
    d.key(KeyCode::Esc);
    d.char('j');
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    assert_eq!(d.state.runs.chosen()[0].header(), "loss");
    d.key(KeyCode::Esc);
    d.char('k');
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    assert_eq!(d.state.runs.chosen()[0].header(), "val_auc");
    // Esc in the picker changes nothing
    d.char('C');
    d.char(' ');
    d.key(KeyCode::Esc);
    assert_eq!(d.state.runs.chosen()[0].header(), "val_auc");
}

#[test]
fn running_runs_refresh_and_finished_ones_do_not() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.send(Msg::Tick {
        now_ms: NOW + 11_000,
    });
    assert!(d.runs_fetch().is_some(), "the table refreshes periodically");
    let req = d.req(ResourceKey::RunList);
    d.answer(req, runs_page(churn_runs(), None, false));
    d.key(KeyCode::Enter);
    d.answer_run_detail(churn_runs().remove(0));
    d.send(Msg::Tick {
        now_ms: NOW + 30_000,
    });
    assert!(
        d.fetch_of(ResourceKey::RunDetail).is_some(),
        "a running run refreshes"
    );
    let req = d.req(ResourceKey::RunDetail);
    d.answer(req, Payload::Run(Ok(Box::new(churn_runs().remove(0)))));
    assert!(
        d.fetch_of(ResourceKey::MetricHistories).is_some(),
        "and so do its histories"
    );
    d.key(KeyCode::Esc);
    d.char('j');
    d.char('j');
    d.key(KeyCode::Enter);
    d.answer_run_detail(churn_runs().remove(2));
    d.send(Msg::Tick {
        now_ms: NOW + 120_000,
    });
    assert!(
        d.fetch_of(ResourceKey::RunDetail).is_none(),
        "a finished run does not"
    );
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
fn a_server_without_is_null_falls_back_to_all_runs() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.key(KeyCode::Enter);
    let req = d.req(ResourceKey::RunList);
    let e = bad_filter("Invalid clause(s) in filter string: 'IS NULL'");
    d.answer(req, Payload::Runs(Err(e)));
    let Some(Fetch::Runs { filter, .. }) = d.runs_fetch() else {
        panic!("no retry")
    };
    assert_eq!(filter, None);
    assert!(!d.state.runs.wanted.top_level_only);
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("showing all runs")
    );
    assert_eq!(d.state.runs.filter_error, None);
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
