//! The Jobs screen through `update` and the views: the list (failing marker, paused schedule,
//! `/` filter), a job's runs (`a` active only), a run's tasks (the output of a failed task, the
//! MLflow run it logged opening Run detail), run now (form → confirm → exactly one change),
//! cancel and repair (confirm → one change; the outcome shown as the pipeline judged it), the
//! read-only refusals, the hint bar and help; snapshots at 100x30 and 80x24.

mod jobs_support;
mod support;

use std::collections::BTreeMap;

use crossterm::event::KeyCode;

use jobs_support::*;
use mlops_console::app::screens::RoomFetch;
use mlops_console::app::screens::jobs::{self, Change, ChangeDone, Fetch, Loaded};
use mlops_console::app::{Msg, Overlay, ResourceKey, ScreenRoute, Session};
use mlops_console::ops::journal::Outcome;
use support::*;

#[test]
fn the_list_marks_failing_jobs_and_paused_schedules_and_filters() {
    let d = list(session());
    let text = d.screen_text(100, 30);
    let line = |name: &str| text.lines().find(|l| l.contains(name)).unwrap().to_string();
    assert!(line("feature-refresh").contains("FAILING"), "{text}");
    assert!(line("feature-refresh").contains("PAUSED"), "{text}");
    assert!(!line("churn-batch-score").contains("FAILING"), "{text}");
    assert!(line("churn-batch-score").contains("RUNNING"), "{text}");
    assert!(text.contains("1 job(s) failing"), "{text}");

    let mut d = d;
    d.char('/');
    d.type_text("refresh");
    assert_eq!(d.state.jobs.visible().len(), 1);
    let text = d.screen_text(100, 30);
    assert!(text.contains("Jobs (1 of 2)"), "{text}");
    assert!(!text.contains("churn-batch-score"), "{text}");
    d.key(KeyCode::Enter);
    d.key(KeyCode::Esc);
    assert_eq!(d.state.jobs.visible().len(), 2, "Esc clears the filter");
}

#[test]
fn enter_opens_the_runs_and_a_toggles_active_only() {
    let mut d = job_runs(session());
    let text = d.screen_text(100, 30);
    assert!(text.contains("Runs of churn-batch-score (3)"), "{text}");
    assert!(
        text.contains("ONE_TIME") && text.contains("ml-eng@acme.com"),
        "{text}"
    );
    assert!(text.contains("output_table=main.ml.churn_scores"), "{text}");
    d.char('a');
    assert_eq!(
        d.fetch_of(key(jobs::RUNS)),
        Some(mlops_console::app::Fetch::Room(RoomFetch::Jobs(
            Fetch::Runs {
                job_id: SCORE,
                active_only: true
            }
        )))
    );
    let req = d.req(key(jobs::RUNS));
    d.answer(req, loaded(Loaded::Runs(Ok(runs(true)))));
    let text = d.screen_text(100, 30);
    assert!(
        text.contains("Active runs of churn-batch-score (1)"),
        "{text}"
    );
    assert!(
        text.contains("a all runs"),
        "the hint says what a does now: {text}"
    );
    d.char('a');
    assert!(!d.state.jobs.active_only);
}

#[test]
fn a_run_shows_its_tasks_the_failed_output_and_opens_its_mlflow_run() {
    let mut d = failed_run(session());
    let text = d.screen_text(100, 30);
    assert!(text.contains("Tasks (3)"), "{text}");
    assert!(text.contains("Output of score"), "{text}");
    assert!(text.contains("ValueError: feature drift"), "{text}");
    assert!(text.contains("Traceback"), "{text}");
    assert!(text.contains("rows_scored=48823"), "{text}");
    assert!(text.contains("a1b2c3d4"), "{text}");
    assert!(text.contains("enter MLflow run"), "{text}");
    d.key(KeyCode::Enter);
    assert_eq!(
        *d.state.route(),
        ScreenRoute::RunDetail {
            run_id: "a1b2c3d4".into()
        }
    );
    assert!(
        d.try_req(ResourceKey::RunDetail).is_some(),
        "the run is read"
    );
    d.key(KeyCode::Esc);
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id: FAILED });
}

#[test]
fn run_now_goes_form_then_confirm_then_exactly_one_change() {
    let mut d = form(session());
    // The second field, changed from its default.
    d.key(KeyCode::Tab);
    d.key(KeyCode::End);
    d.type_text("_v2");
    d.key(KeyCode::Enter);
    let Overlay::Confirm(c) = &d.state.overlay else {
        panic!("no confirm dialog: {:?}", d.state.overlay)
    };
    assert!(c.type_to_confirm.is_none(), "not a production profile");
    assert!(room_changes(&d).is_empty(), "nothing before confirming");
    let text = d.screen_text(100, 30);
    assert!(
        text.contains("Confirm: run churn-batch-score now"),
        "{text}"
    );
    assert!(
        text.contains("main.ml.churn_scores_v2  (default main.ml.churn_scores)"),
        "{text}"
    );
    assert!(text.contains("1 parameter(s) differ"), "{text}");
    // Enter alone does not confirm.
    d.key(KeyCode::Enter);
    assert!(room_changes(&d).is_empty());
    d.char('y');
    let changes = room_changes(&d);
    assert_eq!(
        changes.iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        vec![Change::RunNow {
            job_id: SCORE,
            job_name: "churn-batch-score".into(),
            overrides: BTreeMap::from([(
                "output_table".to_string(),
                "main.ml.churn_scores_v2".to_string()
            )]),
        }]
    );
    assert!(matches!(d.state.overlay, Overlay::None));

    // Verified start: the new run opens and is read.
    let (req, change) = changes[0].clone();
    d.answer(
        req,
        loaded(Loaded::Changed(Box::new(ChangeDone {
            change,
            outcome: Some(Outcome::Ok),
            run_id: Some(4242),
            message: "started and verified: run 4242 (PENDING)".into(),
            journal_id: Some("j-1".into()),
        }))),
    );
    assert_eq!(*d.state.route(), ScreenRoute::JobRun { run_id: 4242 });
    assert!(d.try_req(key(jobs::RUN)).is_some());
    let toast = &d.state.toasts.last().unwrap().text;
    assert!(toast.contains("run churn-batch-score now: ok"), "{toast}");
}

#[test]
fn esc_on_the_form_or_the_confirm_sends_nothing() {
    let mut d = form(session());
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(room_changes(&d).is_empty());
    let mut d = form(session());
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(room_changes(&d).is_empty());
    assert!(d.state.jobs.applying.is_none());
    let toast = &d.state.toasts.last().unwrap().text;
    assert!(toast.contains("nothing was sent"), "{toast}");
}

#[test]
fn a_production_profile_types_the_job_name() {
    let mut d = form(Session {
        production: true,
        ..session()
    });
    d.key(KeyCode::Enter);
    let Overlay::Confirm(c) = &d.state.overlay else {
        panic!("no confirm dialog")
    };
    assert_eq!(c.type_to_confirm.as_deref(), Some("churn-batch-score"));
    d.char('y');
    assert!(room_changes(&d).is_empty(), "y is typed, not a confirm");
    d.key(KeyCode::Backspace);
    d.type_text("churn-batch-score");
    d.key(KeyCode::Enter);
    assert_eq!(room_changes(&d).len(), 1);
}

#[test]
fn a_read_only_profile_refuses_and_hides_the_changes() {
    let ro = Session {
        readonly: true,
        ..session()
    };
    let mut d = list(ro.clone());
    let text = d.screen_text(100, 30);
    assert!(
        !text.contains("run now") && !text.contains("cancel run"),
        "{text}"
    );
    d.char('n');
    assert!(d.try_req(key(jobs::JOB)).is_none(), "no form is opened");
    assert!(matches!(d.state.overlay, Overlay::None));
    let toast = &d.state.toasts.last().unwrap().text;
    assert!(toast.contains("read-only"), "{toast}");
    let mut d = job_runs(ro);
    d.char('X');
    d.char('R');
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(room_changes(&d).is_empty());
}

#[test]
fn cancel_confirms_then_sends_one_change_and_shows_an_unknown_outcome_as_unknown() {
    let mut d = job_runs(session());
    // The first run is RUNNING.
    d.char('X');
    let Overlay::Confirm(_) = &d.state.overlay else {
        panic!("no confirm dialog: {:?}", d.state.overlay)
    };
    let text = d.screen_text(100, 30);
    assert!(
        text.contains(&format!("Confirm: cancel run {RUNNING}")),
        "{text}"
    );
    d.char('y');
    let changes = room_changes(&d);
    assert_eq!(changes.len(), 1);
    let (req, change) = changes[0].clone();
    assert_eq!(
        change,
        Change::Cancel {
            run_id: RUNNING,
            job_name: "churn-batch-score".into()
        }
    );
    // A second change while this one is under way is refused.
    d.char('X');
    assert!(matches!(d.state.overlay, Overlay::None));
    d.answer(
        req,
        loaded(Loaded::Changed(Box::new(ChangeDone {
            change,
            outcome: Some(Outcome::Unknown),
            run_id: Some(RUNNING),
            message: "sent, but it could not be read back (timeout); verify it later".into(),
            journal_id: Some("j-2".into()),
        }))),
    );
    let toast = &d.state.toasts.last().unwrap().text;
    assert!(
        toast.contains("unknown") && !toast.contains(": ok"),
        "{toast}"
    );
    assert!(toast.contains("Audit"), "{toast}");
    let text = d.screen_text(100, 30);
    assert!(
        text.contains(&format!("cancel run {RUNNING}: unknown")),
        "{text}"
    );
    assert!(
        d.try_req(key(jobs::RUNS)).is_some(),
        "the runs are read again"
    );
    assert!(
        d.try_req(ResourceKey::Journal).is_some(),
        "the journal is read again for the Audit screen"
    );

    // An ended run is not cancelled.
    d.char('G');
    d.char('X');
    assert!(matches!(d.state.overlay, Overlay::None));
}

#[test]
fn repair_of_a_failed_run_confirms_then_sends_one_change() {
    let mut d = failed_run(session());
    d.char('R');
    let text = d.screen_text(100, 30);
    assert!(
        text.contains(&format!("Confirm: repair run {FAILED}")),
        "{text}"
    );
    assert!(text.contains("score, write_predictions"), "{text}");
    d.char('y');
    assert_eq!(
        room_changes(&d)
            .into_iter()
            .map(|(_, c)| c)
            .collect::<Vec<_>>(),
        vec![Change::Repair {
            run_id: FAILED,
            job_name: "churn-batch-score".into()
        }]
    );
}

#[test]
fn repair_from_the_runs_list_names_every_failed_task() {
    let mut d = job_runs(session());
    d.char('R');
    assert!(matches!(d.state.overlay, Overlay::None), "a running run");
    d.char('G');
    d.char('R');
    let text = d.screen_text(100, 30);
    assert!(text.contains("every failed task"), "{text}");
}

#[test]
fn a_task_that_dies_leaves_the_change_unknown() {
    let mut d = job_runs(session());
    d.char('X');
    d.char('y');
    let (req, _) = room_changes(&d)[0].clone();
    d.send(Msg::TaskFailed {
        key: key(jobs::CHANGE),
        req,
        at_ms: NOW,
        message: "panicked".into(),
    });
    assert!(d.state.jobs.applying.is_none());
    assert_eq!(d.state.jobs.last.as_ref().unwrap().label(), "unknown");
    let toast = d.state.toasts.last().unwrap();
    assert_eq!(
        toast.text,
        format!(
            "cancel run {RUNNING}: unknown — outcome unknown after an internal error (panicked): \
             check the Audit screen and verify (see the Audit screen)"
        )
    );
    assert_eq!(toast.level, mlops_console::app::state::ToastLevel::Error);
}

#[test]
fn help_lists_the_jobs_verbs() {
    let mut d = job_runs(session());
    d.char('?');
    let text = d.screen_text(100, 40);
    for want in [
        "n            Run the job now",
        "X            Cancel the run",
        "R            Rerun the failed tasks",
        "a            Only the runs that have not ended",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn snapshots() {
    let mut d = list(session());
    settle(&mut d);
    insta::assert_snapshot!("jobs_100x30", d.render(100, 30).backend());
    insta::assert_snapshot!("jobs_80x24", d.render(80, 24).backend());
    let mut d = job_runs(session());
    settle(&mut d);
    insta::assert_snapshot!("job_runs_100x30", d.render(100, 30).backend());
    let mut d = failed_run(session());
    settle(&mut d);
    insta::assert_snapshot!("job_run_tasks_100x30", d.render(100, 30).backend());
    let mut d = form(session());
    settle(&mut d);
    insta::assert_snapshot!("job_run_now_form_100x30", d.render(100, 30).backend());
    d.key(KeyCode::Enter);
    insta::assert_snapshot!("job_run_now_confirm_100x30", d.render(100, 30).backend());
}

#[test]
fn every_size_renders_without_panic() {
    for d in [list(session()), job_runs(session()), failed_run(session())] {
        for (w, h) in [(1, 1), (20, 5), (60, 8), (80, 24), (200, 60)] {
            d.render(w, h);
        }
    }
}

/// Following a run that has not ended: each poll hands over what cannot change (ended tasks'
/// outputs, the MLflow run), so only the run itself is read again; `r` reads everything.
#[test]
fn following_a_run_keeps_its_ended_tasks_outputs_and_r_reads_them_again() {
    let mut d = job_runs(session());
    d.char('G');
    d.key(KeyCode::Enter);
    let mut view = failed_run_view();
    view.run = jobs_support::run(FAILED, "RUNNING", false, false, 3);
    view.tasks[1] = task("score", "RUNNING", false, false);
    view.tasks.truncate(2);
    let req = d.req(key(jobs::RUN));
    d.answer(req, loaded(Loaded::Run(Ok(Box::new(view.clone())))));
    let known = |d: &Driver| match d.fetch_of(key(jobs::RUN)) {
        Some(mlops_console::app::Fetch::Room(RoomFetch::Jobs(Fetch::Run { known, .. }))) => *known,
        other => panic!("no run read: {other:?}"),
    };
    d.send(Msg::Tick {
        now_ms: NOW + jobs::FOLLOW_MS + 1,
    });
    let k = known(&d);
    let kept: Vec<&str> = k.outputs.iter().map(|t| t.task_key.as_str()).collect();
    assert_eq!(kept, ["load_features"], "only the ended task");
    assert_eq!(k.mlflow_run, view.mlflow_run);
    d.char('r');
    assert_eq!(known(&d), Default::default(), "r reads everything again");
}

/// A state the server sends with a control character shows it escaped on the list and the runs,
/// never dropped silently nor passed to the terminal.
#[test]
fn server_states_are_shown_escaped() {
    let mut d = Driver::new(session());
    d.char('8');
    let req = d.req(key(jobs::LIST));
    let mut odd = rows();
    odd[0].last_run.as_mut().unwrap().state = "RUNNING\u{1b}[2J".into();
    d.answer(req, loaded(Loaded::List(Ok(odd))));
    let screen = d.screen_text(160, 30);
    let shown = mlops_console::safe_text::line("RUNNING\u{1b}[2J").into_owned();
    assert_ne!(shown, "RUNNING[2J");
    assert!(screen.contains(&shown), "{screen}");
    assert!(!screen.contains('\u{1b}'));
}
