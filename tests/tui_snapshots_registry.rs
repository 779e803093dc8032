//! Snapshots of the registry screens (fixed clock, fixture data): models, a model's versions,
//! approvals, the confirm dialog with its blast radius, the candidates, audit. Plus no-panic
//! renders of each at sizes from 1x1 to 200x60.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::Msg;
use support::*;

fn settle(d: &mut Driver) {
    // Before the 10 s refresh is due, so nothing is in flight.
    d.send(Msg::Tick {
        now_ms: NOW + 5_000,
    });
}

fn models() -> Driver {
    let mut d = Driver::new(session());
    d.open_models();
    settle(&mut d);
    d
}

fn churn() -> Driver {
    let mut d = Driver::new(session());
    d.open_churn();
    settle(&mut d);
    d
}

fn approvals() -> Driver {
    let mut d = Driver::new(session());
    d.open_approvals();
    settle(&mut d);
    d
}

fn audit() -> Driver {
    let mut d = Driver::new(session());
    d.open_audit();
    settle(&mut d);
    d
}

fn promote_confirm(production: bool) -> Driver {
    let mut s = session();
    s.production = production;
    let mut d = Driver::new(s);
    d.open_churn();
    d.char('p');
    d.key(KeyCode::Enter);
    d.answer_plan(promote_plan());
    settle(&mut d);
    d
}

#[test]
fn models_list() {
    insta::assert_snapshot!("models_100x30", models().render(100, 30).backend());
}

#[test]
fn model_versions() {
    insta::assert_snapshot!("model_versions_120x36", churn().render(120, 36).backend());
}

#[test]
fn approvals_list_and_comment_prompt() {
    insta::assert_snapshot!("approvals_100x30", approvals().render(100, 30).backend());
    let mut d = approvals();
    d.char('a');
    d.type_text("ship it");
    insta::assert_snapshot!("approve_prompt_100x30", d.render(100, 30).backend());
}

#[test]
fn promote_confirm_with_blast_radius() {
    let d = promote_confirm(false);
    insta::assert_snapshot!("promote_confirm_120x36", d.render(120, 36).backend());
    let d = promote_confirm(true);
    insta::assert_snapshot!(
        "promote_confirm_production_120x36",
        d.render(120, 36).backend()
    );
}

#[test]
fn audit_journal() {
    insta::assert_snapshot!("audit_120x30", audit().render(120, 30).backend());
}

#[test]
fn no_panic_at_any_size() {
    let sizes = [(1, 1), (2, 2), (10, 3), (20, 5), (80, 24), (200, 60)];
    let mut states = vec![
        ("models", models()),
        ("churn", churn()),
        ("approvals", approvals()),
        ("audit", audit()),
        ("confirm", promote_confirm(false)),
        ("confirm prod", promote_confirm(true)),
    ];
    let mut d = approvals();
    d.char('a');
    states.push(("prompt", d));
    let mut d = Driver::new(session());
    d.char('3');
    states.push(("models loading", d));
    for (name, d) in &states {
        for (w, h) in sizes {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| d.render(w, h)))
                .unwrap_or_else(|_| panic!("{name} panicked at {w}x{h}"));
        }
    }
}
