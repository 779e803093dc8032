//! The console is connected to one workspace: journal entries of another (staging, prod, a
//! demo of an earlier start), which share model and endpoint names, never show as this one's
//! recent actions or an endpoint's last change. The Audit screen lists every workspace with the
//! host in a column, and `w` keeps this workspace's changes only.

mod support;

use mlops_console::app::commands::hints;
use mlops_console::app::screens::overview::recent_actions;
use mlops_console::app::{Payload, Session};
use mlops_console::ops::journal::{Entry, JournalView};
use support::*;

const STAGING: &str = "https://dbc-5678.cloud.databricks.com";

/// `view`'s entries, then a copy of its last one made on `host` (workspace `id`) as `new_id`,
/// a minute later.
fn with_copy(mut view: JournalView, new_id: &str, host: &str, id: Option<&str>) -> JournalView {
    let mut e: Entry = view.entries.last().unwrap().clone();
    e.attempt.id = new_id.into();
    e.attempt.host = host.into();
    e.attempt.workspace_id = id.map(str::to_string);
    e.attempt.ts_ms += MIN;
    view.entries.push(e);
    view
}

fn with_id(id: &str) -> Session {
    Session {
        workspace_id: Some(id.into()),
        ..session()
    }
}

fn ids(entries: &[&Entry]) -> Vec<String> {
    entries.iter().map(|e| e.attempt.id.clone()).collect()
}

#[test]
fn recent_actions_are_this_workspaces_only() {
    let view = with_copy(journal_view(), "staging", STAGING, None);
    let view = with_copy(view, "same-url-other-id", &session().host, Some("99"));
    let view = with_copy(
        view,
        "spelled",
        "HTTPS://DBC-1234.cloud.databricks.com/",
        Some("7"),
    );
    let mut d = Driver::new(with_id("7"));
    d.answer_overview_with(false, Default::default(), view);
    assert_eq!(
        ids(&recent_actions(&d.state)),
        ["spelled", "a3", "a2", "a1"]
    );
}

#[test]
fn the_endpoint_header_names_no_change_of_another_workspace() {
    for (host, id, shown) in [
        (STAGING, None, false),
        ("https://dbc-1234.cloud.databricks.com", Some("99"), false),
        ("HTTPS://DBC-1234.cloud.databricks.com/", Some("7"), true),
    ] {
        let mut d = Driver::new(with_id("7"));
        d.open_endpoint(churn_prod(85, false), 2);
        let req = d.state.audit.journal.pending.expect("journal read");
        let mut view = endpoint_journal();
        for e in &mut view.entries {
            e.attempt.host = host.into();
            e.attempt.workspace_id = id.map(str::to_string);
        }
        d.answer(req, Payload::Journal(Ok(Box::new(view))));
        let text = d.screen_text(120, 30);
        assert_eq!(text.contains("last change"), shown, "{host} {id:?}\n{text}");
    }
}

#[test]
fn audit_shows_every_workspace_with_its_host_and_w_keeps_this_ones() {
    let mut d = Driver::new(session());
    d.open_audit();
    let req = d.state.audit.journal.pending;
    assert!(req.is_none(), "answered by open_audit");
    d.char('r');
    let req = d
        .state
        .audit
        .journal
        .pending
        .expect("refresh reads the journal");
    let view = with_copy(journal_view(), "staging", STAGING, None);
    d.answer(req, Payload::Journal(Ok(Box::new(view))));
    assert_eq!(ids(&d.state.audit.visible()), ["staging", "a3", "a2", "a1"]);
    let text = d.screen_text(160, 30);
    assert!(text.contains("Host"), "{text}");
    assert!(text.contains("dbc-5678 "), "{text}");
    assert!(text.contains("dbc-1234 "), "{text}");
    let labels: Vec<String> = hints(&d.state).into_iter().map(|h| h.label).collect();
    assert!(labels.iter().any(|l| l == "this workspace"), "{labels:?}");

    d.char('w');
    assert_eq!(ids(&d.state.audit.visible()), ["a3", "a2", "a1"]);
    let text = d.screen_text(160, 30);
    assert!(text.contains("this workspace only"), "{text}");
    assert!(!text.contains("dbc-5678"), "{text}");
    d.char('w');
    assert_eq!(d.state.audit.visible().len(), 4);
}
