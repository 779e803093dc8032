//! The canary panel on `update` alone: opening it, the plan form, the one confirm dialog
//! (start only after `y`, typed name on production, Esc cancels), read-only, pause / resume /
//! abort commands, runner steps and the FAIL toast, resuming saved plans, plan files.

mod support;

use crossterm::event::KeyCode;
use mlops_console::app::{CanaryNews, Effect, Msg, Overlay, ScreenRoute, Session, ToastLevel};
use mlops_console::ops::canary::{Canary, CanaryState, Command, Phase, SavedPlans};
use support::*;

fn panel(session: Session) -> Driver {
    let mut d = Driver::new(session);
    d.open_canary_panel();
    d
}

fn commands(d: &Driver) -> Vec<Command> {
    d.effects
        .iter()
        .filter_map(|e| match e {
            Effect::CanaryCommand { endpoint, command } if endpoint == CHURN_PROD => Some(*command),
            _ => None,
        })
        .collect()
}

/// Opens the panel and starts the default plan (n, Enter, y).
fn started() -> Driver {
    let mut d = panel(session());
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    assert!(d.started_canary().is_some());
    d
}

#[test]
fn c_on_the_endpoint_opens_its_canary_panel() {
    let d = panel(session());
    assert_eq!(
        d.state.route(),
        &ScreenRoute::Canary {
            name: CHURN_PROD.into()
        }
    );
    let text = d.screen_text(100, 30);
    assert!(text.contains("No canary plan on churn-prod."), "{text}");
    assert!(text.contains("build a plan"), "{text}");
}

#[test]
fn the_form_leads_to_the_confirm_dialog_and_only_y_starts_the_plan() {
    let mut d = panel(session());
    d.char('n');
    assert!(matches!(d.state.overlay, Overlay::CanaryForm(_)));
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    assert!(d.started_canary().is_none(), "nothing before confirming");
    for code in [KeyCode::Enter, KeyCode::Char('C'), KeyCode::Char('n')] {
        d.key(code);
        assert!(d.started_canary().is_none(), "{code:?} must not start it");
        if code == KeyCode::Char('n') {
            // `n` is the dialog's cancel key.
            assert!(matches!(d.state.overlay, Overlay::None));
        }
    }
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    let s = d.started_canary().expect("StartCanary after y");
    assert_eq!(s.plan.endpoint, CHURN_PROD);
    assert_eq!(s.plan.stable, STABLE, "the entity with the largest share");
    assert_eq!(s.plan.canary_name(), CANARY);
    // The canary serves 25% already: the proposed steps start there, nothing is cut.
    assert_eq!(s.plan.steps, vec![25, 50, 100]);
    assert_eq!(s.phase, Phase::Starting);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.state.canary.plan(CHURN_PROD).unwrap().running);
}

#[test]
fn a_first_step_below_the_canarys_share_is_shown_before_y() {
    let mut d = panel(session());
    d.char('n');
    let Overlay::CanaryForm(f) = &d.state.overlay else {
        panic!("the form is open");
    };
    assert_eq!(f.fields[2].input.value(), "25,50,100", "from its 25%");
    d.key(KeyCode::Enter);
    let screen = d.screen_text(120, 40);
    assert!(!screen.contains("cuts"), "{screen}");
    d.key(KeyCode::Esc);

    // Typed below the share: the dialog names the cut before anything is sent.
    d.char('n');
    if let Overlay::CanaryForm(f) = &mut d.state.overlay {
        f.fields[2].input = "5,25,50,100".into();
    }
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    let screen = d.screen_text(120, 40);
    assert!(
        screen.contains("the first step cuts churn_model-5 from 25% to 5% of the traffic"),
        "{screen}"
    );
    assert!(d.started_canary().is_none());
    d.char('y');
    assert_eq!(d.started_canary().unwrap().plan.steps, vec![5, 25, 50, 100]);
}

#[test]
fn esc_cancels_the_form_and_the_dialog_without_sending_anything() {
    let mut d = panel(session());
    d.char('n');
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.effects.is_empty());
    d.char('n');
    d.key(KeyCode::Enter);
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.effects.is_empty());
    assert!(d.state.canary.plan(CHURN_PROD).is_none());
    assert_eq!(
        d.state.route(),
        &ScreenRoute::Canary {
            name: CHURN_PROD.into()
        },
        "Esc closed the dialog, not the panel"
    );
}

#[test]
fn production_needs_the_endpoint_name_typed() {
    let mut prod = session();
    prod.production = true;
    let mut d = panel(prod);
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    d.key(KeyCode::Enter);
    assert!(d.started_canary().is_none());
    d.key(KeyCode::Backspace);
    d.type_text("churn-prod");
    d.key(KeyCode::Enter);
    assert!(d.started_canary().is_some());
}

#[test]
fn a_typed_version_is_added_at_zero_percent_first() {
    let mut d = panel(session());
    d.char('n');
    d.key(KeyCode::Tab);
    for _ in 0..20 {
        d.key(KeyCode::Backspace);
    }
    d.char('6');
    d.key(KeyCode::Enter);
    let text = d.screen_text(100, 30);
    assert!(
        text.contains("adds main.ml.churn_model v6 at 0% first"),
        "{text}"
    );
    d.char('y');
    let s = d.started_canary().unwrap();
    assert_eq!(
        s.plan.canary,
        Canary::New {
            model: "main.ml.churn_model".into(),
            version: "6".into()
        }
    );
}

#[test]
fn a_bad_field_keeps_the_form_open_with_the_reason() {
    let mut d = panel(session());
    d.char('n');
    for _ in 0..2 {
        d.key(KeyCode::Tab);
    }
    for _ in 0..20 {
        d.key(KeyCode::Backspace);
    }
    d.type_text("50,25");
    d.key(KeyCode::Enter);
    let Overlay::CanaryForm(f) = &d.state.overlay else {
        panic!("form still open: {:?}", d.state.overlay);
    };
    assert!(
        f.errors.iter().any(|e| e.starts_with("steps:")),
        "{:?}",
        f.errors
    );
}

#[test]
fn read_only_offers_no_start_pause_or_abort() {
    let mut ro = session();
    ro.readonly = true;
    let mut d = panel(ro);
    d.char('n');
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(d.effects.is_empty());
    let hints: Vec<String> = mlops_console::app::commands::hints(&d.state)
        .into_iter()
        .map(|h| h.label)
        .collect();
    for hidden in ["new plan", "plan file", "pause/resume", "abort"] {
        assert!(!hints.contains(&hidden.to_string()), "{hints:?}");
    }
    let text = d.screen_text(100, 30);
    assert!(text.contains("read-only profile"), "{text}");
}

#[test]
fn space_pauses_and_resumes_the_running_plan() {
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    let hints: Vec<String> = mlops_console::app::commands::hints(&d.state)
        .into_iter()
        .map(|h| h.label)
        .collect();
    assert!(hints.contains(&"pause/resume".to_string()), "{hints:?}");
    assert!(
        !hints.contains(&"new plan".to_string()),
        "no dead key: {hints:?}"
    );
    d.char(' ');
    assert_eq!(commands(&d), vec![Command::Pause]);
    let mut paused = holding_inconclusive();
    paused.phase = Phase::Paused;
    d.canary_step(paused, vec![]);
    d.char(' ');
    assert_eq!(commands(&d), vec![Command::Resume]);
}

#[test]
fn x_asks_before_aborting() {
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    d.char('X');
    assert!(commands(&d).is_empty(), "nothing before confirming");
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    let text = d.screen_text(100, 30);
    assert!(
        text.contains("abort the canary plan on churn-prod"),
        "{text}"
    );
    d.char('y');
    assert_eq!(commands(&d), vec![Command::Abort]);
}

#[test]
fn pause_and_abort_also_work_from_the_endpoint_screen() {
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { .. }));
    d.char(' ');
    assert_eq!(commands(&d), vec![Command::Pause]);
    d.char('X');
    d.char('y');
    assert_eq!(commands(&d), vec![Command::Abort]);
}

#[test]
fn a_runner_step_updates_the_panel() {
    let mut d = started();
    let s = holding_inconclusive();
    d.canary_step(s.clone(), vec![]);
    assert_eq!(d.state.canary.plan(CHURN_PROD).unwrap().state, s);
    let text = d.screen_text(100, 30);
    assert!(text.contains("holding at 25% (step 2/4)"), "{text}");
    assert!(text.contains("INCONCLUSIVE"), "{text}");
    assert!(text.contains("more canary requests needed"), "{text}");
}

#[test]
fn a_fail_raises_one_error_toast_naming_stable() {
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    d.canary_step(rolled_back_after_fail(), vec![rollback_alert()]);
    let errors: Vec<_> = d
        .state
        .toasts
        .iter()
        .filter(|t| t.level == ToastLevel::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:?}", d.state.toasts);
    assert!(
        errors[0]
            .text
            .starts_with("canary FAILED on churn-prod: max_error_rate_delta"),
        "{}",
        errors[0].text
    );
    assert!(
        errors[0]
            .text
            .ends_with("all traffic back to churn_model-4")
    );
    // The same state again (the runner reports every step) does not toast twice.
    d.canary_step(rolled_back_after_fail(), vec![]);
    let count = d
        .state
        .toasts
        .iter()
        .filter(|t| t.level == ToastLevel::Error)
        .count();
    assert_eq!(count, 1);
}

#[test]
fn saved_plans_resume_at_start_and_not_on_read_only() {
    let mut d = Driver::new(session());
    d.send(Msg::Canary(Box::new(CanaryNews::ResumeSaved)));
    assert_eq!(d.effects, vec![Effect::LoadCanaries]);
    let mut done = holding_inconclusive();
    done.plan.endpoint = "fraud-scoring".into();
    done.phase = Phase::Completed;
    d.send(Msg::Canary(Box::new(CanaryNews::Saved(SavedPlans {
        plans: vec![holding_inconclusive(), done],
        unreadable: Vec::new(),
        legacy: Vec::new(),
    }))));
    let started: Vec<&CanaryState> = d
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::StartCanary { state, .. } => Some(&**state),
            _ => None,
        })
        .collect();
    assert_eq!(started.len(), 1, "only the unfinished plan runs again");
    assert_eq!(started[0].plan.endpoint, CHURN_PROD);
    let toast = d.state.toasts.last().unwrap();
    assert_eq!(
        toast.text,
        "resumed canary plan on churn-prod at step 2 (25%)"
    );
    assert!(!d.state.canary.plan("fraud-scoring").unwrap().running);

    let mut ro = session();
    ro.readonly = true;
    let mut d = Driver::new(ro);
    d.send(Msg::Canary(Box::new(CanaryNews::Saved(SavedPlans {
        plans: vec![holding_inconclusive()],
        unreadable: Vec::new(),
        legacy: Vec::new(),
    }))));
    assert!(d.effects.is_empty());
    let view = d.state.canary.plan(CHURN_PROD).unwrap();
    assert!(!view.running && view.not_running.is_some());
}

#[test]
fn an_unreadable_saved_plan_is_named_in_a_toast_and_the_others_resume() {
    let mut d = Driver::new(session());
    let broken = "/data/canaries/fraud-scoring.json: not a canary state (not UTF-8 text at \
                  byte 14)";
    d.send(Msg::Canary(Box::new(CanaryNews::Saved(SavedPlans {
        plans: vec![holding_inconclusive()],
        unreadable: vec![broken.to_string()],
        legacy: Vec::new(),
    }))));
    assert!(
        d.effects
            .iter()
            .any(|e| matches!(e, Effect::StartCanary { .. })),
        "the readable plan resumes"
    );
    let error = d
        .state
        .toasts
        .iter()
        .find(|t| t.level == ToastLevel::Error)
        .expect("an error toast");
    assert!(
        error.text.contains("fraud-scoring.json") && error.text.contains("skipped"),
        "{}",
        error.text
    );
}

#[test]
fn a_plan_file_is_read_then_reviewed_or_its_errors_listed() {
    let mut d = panel(session());
    d.char('o');
    d.type_text("plans/churn.toml");
    d.key(KeyCode::Enter);
    assert_eq!(
        d.effects,
        vec![Effect::ReadPlanFile {
            path: "plans/churn.toml".into()
        }]
    );
    d.send(Msg::Canary(Box::new(CanaryNews::PlanFile {
        path: "plans/churn.toml".into(),
        result: Ok("endpoint = \"churn-prod\"\nsteps = [50, 5]\n".into()),
    })));
    let Overlay::CanaryForm(f) = &d.state.overlay else {
        panic!("the form stays open");
    };
    let all = f.errors.join("\n");
    for key in [
        "stable: required",
        "canary: required",
        "steps: must increase",
        "hold: required",
    ] {
        assert!(all.contains(key), "{key} in {all}");
    }
    d.key(KeyCode::Enter);
    let text = r#"
endpoint = "churn-prod"
stable = "churn_model-4"
canary = "churn_model-5"
steps = [10, 100]
hold = "1m"
interval = "10s"
"#;
    d.send(Msg::Canary(Box::new(CanaryNews::PlanFile {
        path: "plans/churn.toml".into(),
        result: Ok(text.into()),
    })));
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.char('y');
    assert_eq!(d.started_canary().unwrap().plan.steps, vec![10, 100]);
}

#[test]
fn a_runner_that_gives_up_is_shown_as_stopped() {
    let mut d = started();
    d.send(Msg::Canary(Box::new(CanaryNews::Ended {
        endpoint: CHURN_PROD.into(),
        result: Err("gave up after 20 failed reads".into()),
    })));
    let view = d.state.canary.plan(CHURN_PROD).unwrap();
    assert!(!view.running);
    assert_eq!(view.error.as_deref(), Some("gave up after 20 failed reads"));
    d.char(' ');
    assert!(commands(&d).is_empty(), "no runner: nothing to pause");
}

#[test]
fn a_pause_by_the_plan_shows_its_reason_in_full() {
    let mut d = started();
    let mut paused = holding_inconclusive();
    paused.phase = Phase::Paused;
    let why = "the routes were changed outside the plan: expected churn_model-4=75, \
               churn_model-5=25, found churn_model-4=90, churn_model-5=10";
    paused.pause = Some(mlops_console::ops::canary::state::Pause {
        by_user: false,
        message: why.into(),
        since_ms: NOW,
    });
    d.canary_step(paused, vec![]);
    let text = d.screen_text(100, 30);
    assert!(text.contains("paused by the plan"), "{text}");
    assert!(
        text.contains("found churn_model-4=90, churn_model-5=10"),
        "{text}"
    );
}

#[test]
fn resuming_after_an_outside_change_asks_first() {
    let mut d = started();
    let mut paused = holding_inconclusive();
    paused.phase = Phase::Paused;
    paused.pause = Some(mlops_console::ops::canary::state::Pause {
        by_user: false,
        message: "the routes were changed outside the plan".into(),
        since_ms: NOW,
    });
    d.canary_step(paused, vec![]);
    d.char(' ');
    assert!(commands(&d).is_empty(), "nothing sent before confirming");
    let text = d.screen_text(100, 30);
    assert!(text.contains("Puts back"), "{text}");
    d.key(crossterm::event::KeyCode::Enter);
    assert!(commands(&d).is_empty(), "Enter alone does not confirm");
    d.char('y');
    assert_eq!(commands(&d), vec![Command::Resume]);
}

#[test]
fn a_in_the_panel_compares_the_plans_canary_with_stable() {
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    d.char('A');
    assert!(matches!(d.state.route(), ScreenRoute::AbView { .. }));
    assert_eq!(d.state.ab.b.as_deref(), Some("churn_model-5"));
}

#[test]
fn traffic_keys_wait_for_a_running_plan_to_be_paused() {
    use mlops_console::app::{ChangeRequest, Fetch};
    let planned = |d: &Driver| {
        d.effects.iter().any(|e| {
            matches!(
                e,
                Effect::Fetch {
                    fetch: Fetch::Prepare(ChangeRequest::Traffic(_)),
                    ..
                }
            )
        })
    };
    let mut d = started();
    d.canary_step(holding_inconclusive(), vec![]);
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { .. }));
    d.char('+');
    assert!(!planned(&d), "+ while the plan runs: {:?}", d.effects);
    let toast = &d.state.toasts.last().unwrap().text;
    assert!(toast.contains("canary plan is running"), "{toast}");
    let mut paused = holding_inconclusive();
    paused.phase = Phase::Paused;
    d.canary_step(paused, vec![]);
    d.char('+');
    assert!(planned(&d), "+ on a paused plan plans the change");
}

#[test]
fn only_steps_around_a_change_make_journal_views_read_again() {
    use mlops_console::ops::canary::CanaryAction;
    use mlops_console::ops::canary::state::{ChangeKind, Pending};
    let mut d = started();
    d.state.audit.journal.answered_at = Some(NOW);
    d.canary_step(holding_inconclusive(), vec![]);
    assert_eq!(
        d.state.audit.journal.answered_at,
        Some(NOW),
        "a judgement alone changes nothing on disk"
    );
    let after = holding_inconclusive().endpoint.clone().unwrap_or_default();
    let kind = ChangeKind::Step {
        index: 1,
        percent: 25,
    };
    let mut moving = holding_inconclusive();
    moving.pending = Some(Pending {
        kind: kind.clone(),
        after: after.clone(),
    });
    let apply = CanaryAction::Apply {
        change: kind,
        after,
        comment: "step 2".into(),
    };
    d.canary_step(moving, vec![apply]);
    assert_eq!(
        d.state.audit.journal.answered_at, None,
        "the change is journaled"
    );
    d.state.audit.journal.answered_at = Some(NOW);
    // The step that reports the change done (the previous state had it in flight).
    d.canary_step(holding_inconclusive(), vec![]);
    assert_eq!(d.state.audit.journal.answered_at, None);
}
