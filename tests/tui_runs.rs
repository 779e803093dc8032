//! Update tests of the runs table: paging, server sort, server vs local filter, rejected
//! filters, quoting, nesting, marks, columns, refresh. Pure `update`, no I/O.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::{Fetch, Msg, Overlay, Payload, ResourceKey, ScreenRoute, ToastLevel};
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
        ScreenRoute::Runs {
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
        ScreenRoute::Runs {
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
    assert!(matches!(d.state.route(), ScreenRoute::Runs { .. }));
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
        ScreenRoute::Compare {
            run_ids: run_ids.clone()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::CompareRuns),
        Some(Fetch::CompareRuns { run_ids })
    );
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
