//! View snapshots of the launch flow: the form, the confirm dialog (and its production
//! variant), the job run watched live; no-panic renders at every size; ASCII-only frames.

mod support;

use crossterm::event::KeyCode;

use mlops_console::api::models::job_runs::RunLifeCycleState;
use mlops_console::app::{Effect, Msg, Payload, ResourceKey, Session};
use support::*;

fn runs(s: Session) -> Driver {
    let mut d = Driver::new(s);
    d.answer_overview(false);
    d.open_linked_runs();
    d.send(Msg::Tick {
        now_ms: NOW + 5_000,
    });
    d
}

fn form(s: Session) -> Driver {
    let mut d = runs(s);
    d.open_launch_form();
    d.key(KeyCode::Backspace);
    d.type_text("8");
    d
}

fn confirm(s: Session) -> Driver {
    let mut d = form(s);
    d.key(KeyCode::Enter);
    d
}

fn training(s: Session) -> Driver {
    let mut d = confirm(s);
    d.char('y');
    let req = d
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::RunJob { req, .. } => Some(*req),
            _ => None,
        })
        .expect("run-now");
    d.answer_run_now(req);
    let req = d.req(ResourceKey::JobRun);
    d.answer(
        req,
        Payload::JobRun(Ok(Box::new(job_run(RunLifeCycleState::Running, None)))),
    );
    d
}

#[test]
fn launch_form() {
    let d = form(session());
    insta::assert_snapshot!("launch_form_100x30", d.render(100, 30).backend());
}

#[test]
fn launch_confirm_dialog() {
    let d = confirm(session());
    insta::assert_snapshot!("launch_confirm_100x30", d.render(100, 30).backend());
}

#[test]
fn launch_confirm_dialog_on_production() {
    let mut s = session();
    s.production = true;
    let mut d = confirm(s);
    d.type_text("churn");
    insta::assert_snapshot!(
        "launch_confirm_production_100x30",
        d.render(100, 30).backend()
    );
}

#[test]
fn training_run_watched() {
    let d = training(session());
    insta::assert_snapshot!("training_running_100x30", d.render(100, 30).backend());
}

#[test]
fn no_panic_at_any_size() {
    let mut prod = session();
    prod.production = true;
    let states = [
        ("form", form(session())),
        ("confirm", confirm(session())),
        ("confirm prod", confirm(prod)),
        ("training", training(session())),
    ];
    for (name, d) in &states {
        for w in [1, 2, 5, 10, 20, 40, 80, 120, 200] {
            for h in [1, 2, 3, 5, 10, 24, 60] {
                let t = d.render(w, h);
                assert_eq!(t.backend().buffer().area.width, w, "{name} at {w}x{h}");
            }
        }
    }
}

#[test]
fn ascii_mode_draws_only_ascii() {
    let mut s = session();
    s.ascii = true;
    let mut p = s.clone();
    p.production = true;
    for d in [form(s.clone()), confirm(s.clone()), confirm(p), training(s)] {
        let screen = d.render(100, 30).backend().to_string();
        let bad: String = screen.chars().filter(|c| !c.is_ascii()).collect();
        assert!(bad.is_empty(), "{bad:?}:\n{screen}");
    }
}
