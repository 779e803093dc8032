//! Launch training on `update`: trigger → form → confirm → `Effect::RunJob`, Esc cancelling at
//! every step, production requiring the typed job name, read-only hiding the key, then the job
//! run polled to its end and its MLflow run opened. No I/O.

mod support;

use std::collections::BTreeMap;

use crossterm::event::KeyCode;

use mlops_console::api::models::job_runs::{RunLifeCycleState, RunResultState};
use mlops_console::app::commands;
use mlops_console::app::{Effect, Fetch, Msg, Overlay, Payload, ResourceKey, ScreenRoute};
use support::*;

fn run_job(d: &Driver) -> Option<(u64, i64, BTreeMap<String, String>, String)> {
    d.effects.iter().find_map(|e| match e {
        Effect::RunJob {
            req,
            job_id,
            job_parameters,
            idempotency_token,
        } => Some((
            *req,
            *job_id,
            job_parameters.clone(),
            idempotency_token.clone(),
        )),
        _ => None,
    })
}

fn hint_keys(d: &Driver) -> Vec<String> {
    commands::hints(&d.state)
        .into_iter()
        .map(|h| format!("{} {}", h.keys, h.label))
        .collect()
}

#[test]
fn t_opens_the_form_prefilled_from_the_jobs_parameters() {
    let mut d = Driver::new(session());
    d.open_linked_runs();
    assert!(hint_keys(&d).contains(&"T train".to_string()));
    d.char('T');
    assert_eq!(
        d.fetch_of(ResourceKey::TrainingJob),
        Some(Fetch::TrainingJob { job_id: JOB_ID })
    );
    let Overlay::TrainingForm(form) = &d.state.overlay else {
        panic!("no form")
    };
    assert!(form.job_name.is_none(), "loading");
    let req = d.req(ResourceKey::TrainingJob);
    d.answer(req, Payload::TrainingJob(Ok(Box::new(job()))));
    let Overlay::TrainingForm(form) = &d.state.overlay else {
        panic!("no form")
    };
    assert_eq!(form.job_name.as_deref(), Some("churn-retrain"));
    let values: Vec<(&str, &str)> = form
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.input.value()))
        .collect();
    assert_eq!(
        values,
        vec![
            ("max_depth", "6"),
            ("learning_rate", "0.06"),
            ("training_table", "main.features.customer_features"),
        ]
    );
}

#[test]
fn form_then_confirm_key_produces_the_run_job_effect() {
    let mut d = Driver::new(session());
    d.open_linked_runs();
    d.open_launch_form();
    d.key(KeyCode::Backspace);
    d.type_text("8");
    d.key(KeyCode::Tab);
    d.key(KeyCode::End);
    d.type_text("5");
    // q and y are typed into the field, not quit / confirm
    d.key(KeyCode::Down);
    d.type_text("qy");
    assert!(!d.state.quit);
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Enter);
    let Overlay::Confirm(c) = &d.state.overlay else {
        panic!("no confirm dialog: {:?}", d.state.overlay)
    };
    assert!(c.type_to_confirm.is_none());
    assert!(d.effects.is_empty(), "nothing is sent before confirming");
    // Enter alone and the trigger key do not confirm
    d.key(KeyCode::Enter);
    d.char('T');
    assert!(run_job(&d).is_none());
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    assert_eq!(
        hint_keys(&d),
        vec!["y run it".to_string(), "esc cancel".to_string()]
    );
    d.char('y');
    let (req, job_id, params, token) = run_job(&d).expect("run-now effect");
    assert_eq!(job_id, JOB_ID);
    assert_eq!(
        params,
        BTreeMap::from([
            ("max_depth".to_string(), "8".to_string()),
            ("learning_rate".to_string(), "0.065".to_string()),
        ]),
        "only the changed parameters"
    );
    assert_eq!(token, format!("mlops-console-{JOB_ID}-{NOW}"));
    assert!(token.len() <= 64);
    assert_eq!(
        d.state.route().clone(),
        ScreenRoute::Training {
            experiment_id: CHURN.into()
        }
    );
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.state.training.started.is_loading());
    assert!(req > 0);
}

#[test]
fn esc_cancels_at_every_step() {
    let mut d = Driver::new(session());
    d.open_linked_runs();
    d.char('T');
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("nothing was started")
    );
    d.open_launch_form();
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    d.open_launch_form();
    d.key(KeyCode::Enter);
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    d.open_launch_form();
    d.key(KeyCode::Enter);
    d.char('n');
    assert!(
        matches!(d.state.overlay, Overlay::None),
        "n is a cancel key too"
    );
    assert!(run_job(&d).is_none());
    assert!(matches!(d.state.route(), ScreenRoute::Runs { .. }));
}

#[test]
fn production_requires_typing_the_job_name() {
    let mut s = session();
    s.production = true;
    let mut d = Driver::new(s);
    d.open_linked_runs();
    d.open_launch_form();
    d.key(KeyCode::Enter);
    let Overlay::Confirm(c) = &d.state.overlay else {
        panic!("no confirm dialog")
    };
    assert_eq!(c.type_to_confirm.as_deref(), Some("churn-retrain"));
    // y is typed, Enter with the wrong name refuses
    d.char('y');
    d.key(KeyCode::Enter);
    assert!(run_job(&d).is_none());
    let Overlay::Confirm(c) = &d.state.overlay else {
        panic!("dialog closed")
    };
    assert!(c.mismatch);
    d.key(KeyCode::Backspace);
    d.type_text("churn-retrai");
    d.key(KeyCode::Enter);
    assert!(run_job(&d).is_none(), "a prefix is not the name");
    d.type_text("n");
    d.key(KeyCode::Enter);
    let (_, job_id, params, _) = run_job(&d).expect("confirmed by the typed name");
    assert_eq!(job_id, JOB_ID);
    assert!(params.is_empty(), "defaults are not sent");
}

#[test]
fn read_only_hides_the_key_and_refuses_it() {
    let mut s = session();
    s.readonly = true;
    let mut d = Driver::new(s);
    d.open_linked_runs();
    assert!(!hint_keys(&d).iter().any(|h| h.ends_with("train")));
    let help = commands::help(&d.state);
    assert!(
        !help
            .iter()
            .flat_map(|s| s.rows.iter())
            .any(|r| r.label.contains("training job")),
        "not in the help either"
    );
    d.char('T');
    assert!(d.effects.is_empty());
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.state.toasts.last().unwrap().text.contains("read-only"));
}

#[test]
fn an_unlinked_experiment_says_how_to_link_it_and_config_wins_over_the_tag() {
    let mut d = Driver::new(session());
    d.open_runs();
    d.char('T');
    assert!(d.effects.is_empty());
    let toast = d.state.toasts.last().unwrap().text.clone();
    assert!(toast.contains("mlops.training_job_id"), "{toast}");
    assert!(toast.contains("[training_jobs]"), "{toast}");

    let mut s = session();
    s.training_jobs.insert("/Shared/churn/training".into(), 42);
    let mut d = Driver::new(s);
    d.open_linked_runs();
    d.char('T');
    assert_eq!(
        d.fetch_of(ResourceKey::TrainingJob),
        Some(Fetch::TrainingJob { job_id: 42 })
    );
}

#[test]
fn the_job_run_is_polled_to_its_end_then_its_mlflow_run_opens() {
    let mut d = Driver::new(session());
    d.open_linked_runs();
    d.open_launch_form();
    d.key(KeyCode::Enter);
    d.char('y');
    let (req, ..) = run_job(&d).unwrap();
    d.answer_run_now(req);
    assert_eq!(
        d.fetch_of(ResourceKey::JobRun),
        Some(Fetch::JobRun { run_id: JOB_RUN_ID })
    );
    let req = d.req(ResourceKey::JobRun);
    d.answer(
        req,
        Payload::JobRun(Ok(Box::new(job_run(RunLifeCycleState::Pending, None)))),
    );
    // polled on the clock, every 2 s
    d.send(Msg::Tick {
        now_ms: NOW + 1_000,
    });
    assert!(d.fetch_of(ResourceKey::JobRun).is_none());
    d.send(Msg::Tick {
        now_ms: NOW + 2_000,
    });
    let req = d.req(ResourceKey::JobRun);
    d.answer(
        req,
        Payload::JobRun(Ok(Box::new(job_run(RunLifeCycleState::Running, None)))),
    );
    d.send(Msg::Tick {
        now_ms: NOW + 4_000,
    });
    let req = d.req(ResourceKey::JobRun);
    d.answer(
        req,
        Payload::JobRun(Ok(Box::new(job_run(
            RunLifeCycleState::Terminated,
            Some(RunResultState::Success),
        )))),
    );
    assert_eq!(
        d.fetch_of(ResourceKey::ProducedRun),
        Some(Fetch::ProducedRun {
            experiment_id: CHURN.into(),
            job_run_id: JOB_RUN_ID
        })
    );
    // not logged yet: asked again on the clock
    let req = d.req(ResourceKey::ProducedRun);
    d.answer(req, Payload::ProducedRun(Ok(None)));
    assert!(matches!(d.state.route(), ScreenRoute::Training { .. }));
    d.send(Msg::Tick {
        now_ms: NOW + 6_000,
    });
    assert!(
        d.fetch_of(ResourceKey::JobRun).is_none(),
        "the run has ended"
    );
    let req = d.req(ResourceKey::ProducedRun);
    d.answer(req, Payload::ProducedRun(Ok(Some("new-run".into()))));
    assert_eq!(
        d.state.route().clone(),
        ScreenRoute::RunDetail {
            run_id: "new-run".into()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::RunDetail),
        Some(Fetch::Run {
            run_id: "new-run".into()
        })
    );
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("TERMINATED SUCCESS")
    );
    // Esc goes back to the runs, not to the finished watch
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Runs { .. }));
}

#[test]
fn a_failed_run_now_is_shown_and_nothing_is_polled() {
    let mut d = Driver::new(session());
    d.open_linked_runs();
    d.open_launch_form();
    d.key(KeyCode::Enter);
    d.char('y');
    let (req, ..) = run_job(&d).unwrap();
    d.answer(req, Payload::JobStarted(Err(server_error())));
    assert!(d.state.training.started.error.is_some());
    assert!(d.state.toasts.last().unwrap().text.starts_with("run-now: "));
    d.send(Msg::Tick {
        now_ms: NOW + 10_000,
    });
    assert!(d.fetch_of(ResourceKey::JobRun).is_none());
}
