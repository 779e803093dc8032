//! Server text in the TUI's views reaches the frame as visible escapes, never as terminal
//! control: run names, params, tags and metric keys; endpoint log lines (searchable as shown);
//! endpoint creators and deployment messages; toasts. Numbers that are no numbers show n/a.
//! Frames are read from `TestBackend`.

mod support;

use crossterm::event::KeyCode;
use mlops_console::api::models::mlflow::{KeyValue, RunStatus};
use mlops_console::api::models::serving::ServingEndpoint;
use mlops_console::app::ToastLevel;
use mlops_console::app::screens::logs::match_position;
use support::logs::build_log;
use support::*;

/// Sets the terminal title, clears the screen, and reverses the text after it.
const HOSTILE: &str = "ok\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}evil";
/// How the views show [`HOSTILE`].
const SHOWN: &str = r"ok\x1b]0;pwned\x07\x1b[2J\u{9b}31m\u{202e}evil";

/// Characters a terminal acts on instead of showing (line ends of the frame text aside).
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

fn assert_clean(screen: &str) {
    assert_eq!(terminal_controls(screen), Vec::<char>::new(), "{screen}");
}

/// A finished run whose name, param value, metric key and a tag carry [`HOSTILE`].
fn hostile_run() -> mlops_console::api::models::mlflow::Run {
    let mut r = run(RunFixture {
        id: TUNED,
        name: HOSTILE,
        status: RunStatus::Finished,
        started: 30,
        minutes: Some(12),
        params: &[("max_depth", HOSTILE)],
        metrics: &[("auc\x1b]0;x\x07", 0.91)],
        parent: None,
    });
    r.data.tags.push(KeyValue::new("team", HOSTILE));
    r
}

#[test]
fn the_runs_table_and_run_detail_show_names_params_tags_and_keys_escaped() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.key(KeyCode::Enter);
    let req = d.req(mlops_console::app::ResourceKey::RunList);
    d.answer(req, runs_page(vec![hostile_run()], None, false));
    let table = d.screen_text(200, 30);
    assert_clean(&table);
    assert!(table.contains(r"ok\x1b]0;pwned\x07"), "{table}");

    d.key(KeyCode::Enter);
    d.answer_run_detail(hostile_run());
    let detail = d.screen_text(200, 50);
    assert_clean(&detail);
    assert!(detail.contains(SHOWN), "run name, param or tag: {detail}");
    assert!(
        detail.contains(&format!("team = {SHOWN}")),
        "the tag: {detail}"
    );
    assert!(
        detail.contains(&format!("max_depth = {SHOWN}")),
        "the param: {detail}"
    );
    assert!(
        detail.contains(r"auc\x1b]0;x\x07 = 0.91"),
        "the metric key: {detail}"
    );
}

/// `churn-prod` with a hostile creator, and churn_model-5 failing with a hostile message.
fn hostile_endpoint() -> ServingEndpoint {
    let mut v = serde_json::to_value(churn_prod(90, false)).unwrap();
    v["creator"] = HOSTILE.into();
    v["config"]["served_entities"][1]["state"] = serde_json::json!({
        "deployment": "DEPLOYMENT_FAILED",
        "deployment_state_message": format!("image build failed: {HOSTILE}"),
    });
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_endpoint_and_serving_list_show_creators_and_state_messages_escaped() {
    let mut d = Driver::new(session());
    d.open_endpoint(hostile_endpoint(), 3);
    let screen = d.screen_text(160, 40);
    assert_clean(&screen);
    assert!(
        screen.contains(&format!("churn_model-5: image build failed: {SHOWN}")),
        "{screen}"
    );
    assert!(screen.contains(&format!("created by {SHOWN}")), "{screen}");

    d.key(KeyCode::Esc);
    let list = d.screen_text(200, 30);
    assert_clean(&list);
    assert!(list.contains(r"ok\x1b]0;pwned\x07"), "{list}");
}

#[test]
fn a_log_line_with_escape_sequences_is_shown_escaped_and_found_by_search() {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, false), 3);
    d.char('j');
    d.char('l');
    let log = format!(
        "2024-06-01T11:00:00Z INFO start\n2024-06-01T11:00:01Z INFO {HOSTILE}\tdone\n\
         2024-06-01T11:00:02Z INFO ready\n"
    );
    d.answer_logs(Ok(log), Ok(build_log()));
    let screen = d.screen_text(120, 30);
    assert_clean(&screen);
    assert!(
        screen.contains(&format!("INFO {SHOWN}    done")),
        "newlines kept, tab expanded, the rest escaped: {screen}"
    );
    assert!(screen.contains("INFO start") && screen.contains("INFO ready"));

    d.char('/');
    d.type_text(r"\x1b]0;PWNED");
    d.key(KeyCode::Enter);
    let (_, count) = match_position(&d.state.logs);
    assert_eq!(count, 1, "the escape is searchable as shown");
    let screen = d.screen_text(120, 30);
    assert_clean(&screen);
    assert!(screen.contains("match 1/1"), "{screen}");
}

#[test]
fn the_experiment_page_shows_tags_escaped() {
    let mut rows = experiments();
    rows[0].tags.push(KeyValue::new("owner\x1b[2J", HOSTILE));
    let mut d = Driver::new(session());
    d.open_experiments(rows, None);
    d.char('i');
    let screen = d.screen_text(160, 40);
    assert_clean(&screen);
    assert!(
        screen.contains(&format!(r"owner\x1b[2J = {SHOWN}")),
        "{screen}"
    );
}

#[test]
fn a_toast_with_server_words_is_shown_escaped() {
    let mut d = Driver::new(session());
    d.state
        .toast(ToastLevel::Error, format!("not applied: {HOSTILE}"));
    let screen = d.screen_text(160, 30);
    assert_clean(&screen);
    assert!(
        screen.contains(&format!("not applied: {SHOWN}")),
        "{screen}"
    );
}

#[test]
fn a_canary_judgement_with_rates_that_are_no_number_shows_n_a() {
    let mut d = Driver::new(session());
    d.open_canary_panel();
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    let mut s = holding_inconclusive();
    let j = s.last_judgement.as_mut().unwrap();
    j.canary.error_rate = f64::NAN;
    j.canary.p99_ms = Some(f64::INFINITY);
    j.stable.error_rate = f64::NEG_INFINITY;
    d.canary_step(s, vec![]);
    let screen = d.screen_text(120, 40);
    assert!(screen.contains("5xx n/a, p99 n/a"), "{screen}");
    assert!(
        !screen.contains("NaN") && !screen.contains("inf%"),
        "{screen}"
    );
}
