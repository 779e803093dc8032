//! The canary state machine, pure: `step(state, observation, now) -> (state, actions)`.
//!
//! ```text
//! Starting ──(canary not served: add it at 0% with the stable's workload)──▶ AddingCanary
//!    │                                                                         │ done
//!    └──────────────────────────────▶ Shifting(step i) ◀───────────────────────┘
//!                                        │ done
//!                                        ▼
//!        ┌──────────── PASS, hold elapsed, not last ── Holding(step i) ── INCONCLUSIVE/PASS early: stay
//!        ▼                                              │       │
//!   Shifting(i+1)             last step passed (or 100% reached) → Completed
//!                                                       │ FAIL / abort
//!                                                       ▼
//!                              RollingBack (canary 0%, retried until it lands) → RolledBack / Aborted
//! ```
//!
//! Any phase may become Paused: by the user, or when the endpoint's routes are not what the plan
//! last set (someone changed them outside the console), or when a step's change failed. Resume
//! puts the plan's split for the current step back if needed and restarts the step's hold.
//! Changes are requested as [`CanaryAction::Apply`] and reported back as
//! [`Observation::ChangeDone`]; a change in flight is part of the persisted state, so after a
//! restart the first look tells whether it landed.

use super::moves::{
    Actions, alert, begin, complete, finish_rollback, hold, pause, request, shift_to,
    start_rollback,
};
use super::state::{
    CanaryState, ChangeKind, Command, EndpointLook, Observation, Phase, Sample, Severity,
};

/// Advances `state` by one observation at `now`.
pub fn step(mut s: CanaryState, obs: Observation, now: i64) -> (CanaryState, Actions) {
    let mut actions = Vec::new();
    if s.is_finished() {
        return (s, actions);
    }
    s.updated_ms = now;
    match obs {
        Observation::Command { command } => on_command(&mut s, command, now, &mut actions),
        Observation::ReadFailed { message } => {
            s.log(now, format!("could not read the endpoint: {message}"));
        }
        Observation::ChangeDone {
            ok,
            message,
            endpoint,
            metrics,
        } => on_change_done(&mut s, ok, &message, endpoint, metrics, now, &mut actions),
        Observation::Look { endpoint, metrics } => {
            on_look(&mut s, endpoint, metrics, now, &mut actions)
        }
    }
    (s, actions)
}

fn on_command(s: &mut CanaryState, command: Command, now: i64, a: &mut Actions) {
    match command {
        Command::Pause if matches!(s.phase, Phase::Paused | Phase::RollingBack) => {}
        Command::Pause => pause(s, true, "paused by the user".to_string(), now, a),
        Command::Resume if s.phase == Phase::Paused => {
            s.pause = None;
            s.log(now, "resumed by the user");
            if s.step_started_ms.is_none() && s.expected.is_none() {
                s.phase = Phase::Starting;
            } else {
                s.phase = Phase::Holding;
                s.resync = true;
            }
        }
        Command::Resume => {}
        Command::Abort => {
            s.aborted = true;
            let nothing_sent = s.expected.is_none() && s.pending.is_none();
            match s.endpoint.clone() {
                Some(live) if !nothing_sent => {
                    start_rollback(s, "aborted by the user".into(), &live, now, a)
                }
                _ => {
                    s.phase = Phase::Aborted;
                    s.rollback_reason = Some("aborted by the user before any change".into());
                    s.log(now, "aborted before any change");
                }
            }
        }
    }
}

fn on_look(
    s: &mut CanaryState,
    look: EndpointLook,
    metrics: Option<Sample>,
    now: i64,
    a: &mut Actions,
) {
    s.endpoint = Some(look.config.clone());
    if let Some(p) = s.pending.clone() {
        // Only after a restart: a change was in flight when the last run stopped.
        if look.updating {
            s.log(now, "waiting for the update in flight to finish");
        } else if p.after.satisfied_by(&look.config) {
            on_change_done(s, true, "found applied", Some(look), metrics, now, a);
        } else if s
            .expected
            .clone()
            .is_none_or(|e| e.same_as(&look.config.routes))
        {
            s.log(now, "the change in flight did not land; sending it again");
            let comment = format!("canary on {}: retry after restart", s.plan.endpoint);
            request(s, p.kind, p.after, comment, a);
        } else {
            s.pending = None;
            let msg = format!(
                "the change in flight did not land and the routes are now {}",
                look.config.routes.describe()
            );
            pause(s, false, msg, now, a);
        }
        return;
    }
    match s.phase {
        Phase::Starting | Phase::AddingCanary => begin(s, &look, now, a),
        Phase::Holding => hold(s, &look, metrics, now, a),
        Phase::Shifting => {
            s.phase = Phase::Holding;
            s.resync = true;
            hold(s, &look, metrics, now, a);
        }
        Phase::RollingBack => {
            let reason = s.rollback_reason.clone().unwrap_or_default();
            start_rollback(s, reason, &look.config, now, a);
        }
        Phase::Paused | Phase::Completed | Phase::RolledBack | Phase::Aborted => {}
    }
}

fn on_change_done(
    s: &mut CanaryState,
    ok: bool,
    message: &str,
    look: Option<EndpointLook>,
    metrics: Option<Sample>,
    now: i64,
    a: &mut Actions,
) {
    let Some(p) = s.pending.take() else {
        s.log(
            now,
            format!("a change ended that the plan did not ask for: {message}"),
        );
        return;
    };
    if let Some(l) = &look {
        s.endpoint = Some(l.config.clone());
    }
    if !ok {
        match p.kind {
            ChangeKind::Rollback => {
                s.log(now, format!("roll back failed: {message}; retrying"));
                alert(
                    a,
                    Severity::Critical,
                    format!(
                        "canary roll back on {} failed: {message}; retrying",
                        s.plan.endpoint
                    ),
                );
            }
            kind => pause(
                s,
                false,
                format!("{} failed: {message}", kind.describe()),
                now,
                a,
            ),
        }
        return;
    }
    match p.kind {
        ChangeKind::AddCanary => {
            s.log(now, format!("{} added at 0%", s.plan.canary_name()));
            match look {
                Some(l) if !l.updating => shift_to(s, &l.config, 0, now, a),
                _ => s.phase = Phase::Starting,
            }
        }
        ChangeKind::Step { index, percent } => {
            s.expected = Some(p.after.routes.clone());
            s.step = index;
            s.step_started_ms = Some(now);
            s.baseline = metrics;
            s.phase = Phase::Holding;
            s.log(
                now,
                format!("at {percent}% (step {}/{})", index + 1, s.plan.steps.len()),
            );
            if percent == 100 && s.plan.is_last(index) {
                complete(s, now, a);
            }
        }
        ChangeKind::Rollback => {
            let live = look.map(|l| l.config).unwrap_or(p.after);
            finish_rollback(s, &live, now, a);
        }
    }
}
