//! The transitions of the canary state machine (see `machine`): starting, shifting to a step,
//! holding and judging, completing, rolling back, pausing. Each takes the state and the list of
//! actions to add to; none does I/O.

use crate::api::models::serving_config::ServedEntityInput;
use crate::ops::serving_metrics::{EntityCounters, window};
use crate::ops::traffic::{EndpointConfigState, Split, SplitError};

use super::plan::Canary;
use super::state::{
    CanaryAction, CanaryState, ChangeKind, EndpointLook, Pause, Pending, Phase, Sample, Severity,
};
use super::verdict::{Verdict, judge};

pub(super) type Actions = Vec<CanaryAction>;

pub(super) fn alert(actions: &mut Actions, severity: Severity, message: String) {
    actions.push(CanaryAction::Alert { severity, message });
}

pub(super) fn request(
    s: &mut CanaryState,
    kind: ChangeKind,
    after: EndpointConfigState,
    comment: String,
    a: &mut Actions,
) {
    s.pending = Some(Pending {
        kind: kind.clone(),
        after: after.clone(),
    });
    a.push(CanaryAction::Apply {
        change: kind,
        after,
        comment,
    });
}

pub(super) fn pause(
    s: &mut CanaryState,
    by_user: bool,
    message: String,
    now: i64,
    a: &mut Actions,
) {
    s.phase = Phase::Paused;
    s.log(now, format!("paused: {message}"));
    if !by_user {
        alert(
            a,
            Severity::Warning,
            format!("canary on {} paused: {message}", s.plan.endpoint),
        );
    }
    s.pause = Some(Pause {
        by_user,
        message,
        since_ms: now,
    });
}

/// The routes of `live` with the canary at `percent`: the others scaled from the split the
/// plan started from (plans saved without it: the others keep their shares).
fn step_split(s: &CanaryState, live: &Split, percent: u32) -> Result<Split, SplitError> {
    let canary = s.plan.canary_name();
    match &s.split_at_start {
        Some(base) => live.canary_step(base, &s.plan.stable, &canary, percent),
        None => live.with_canary(&s.plan.stable, &canary, percent),
    }
}

/// The routes a roll back sets: the split the plan started from with the canary at 0% (plans
/// saved without it: the canary's share to stable).
fn rollback_split(s: &CanaryState, live: &Split) -> Result<Split, SplitError> {
    let canary = s.plan.canary_name();
    match &s.split_at_start {
        Some(base) => live.canary_rollback(base, &s.plan.stable, &canary),
        None => live.with_canary(&s.plan.stable, &canary, 0),
    }
}

/// Entities besides stable and canary that served traffic when the plan started.
fn third_entities(s: &CanaryState) -> Vec<String> {
    s.split_at_start
        .as_ref()
        .map(|b| b.third_entities(&s.plan.stable, &s.plan.canary_name()))
        .unwrap_or_default()
        .into_iter()
        .map(|(e, _)| e)
        .collect()
}

/// Traffic back where the plan started (the canary keeps its entity, at 0%), unless the canary
/// serves nothing already.
pub(super) fn start_rollback(
    s: &mut CanaryState,
    reason: String,
    live: &EndpointConfigState,
    now: i64,
    a: &mut Actions,
) {
    s.phase = Phase::RollingBack;
    s.pause = None;
    s.log(now, format!("rolling back: {reason}"));
    s.rollback_reason = Some(reason);
    let canary = s.plan.canary_name();
    if live.routes.percent(&canary) == 0 {
        finish_rollback(s, live, now, a);
        return;
    }
    match rollback_split(s, &live.routes) {
        Ok(split) => {
            let comment = format!(
                "canary {canary} on {}: back to {}",
                s.plan.endpoint,
                if third_entities(s).is_empty() {
                    s.plan.stable.clone()
                } else {
                    split.describe()
                }
            );
            request(s, ChangeKind::Rollback, live.with_routes(split), comment, a);
        }
        Err(e) => alert(a, Severity::Critical, format!("cannot roll back: {e}")),
    }
}

pub(super) fn finish_rollback(
    s: &mut CanaryState,
    live: &EndpointConfigState,
    now: i64,
    a: &mut Actions,
) {
    s.expected = Some(live.routes.clone());
    s.phase = if s.aborted {
        Phase::Aborted
    } else {
        Phase::RolledBack
    };
    let back = if third_entities(s).is_empty() {
        format!("all traffic back on {}", s.plan.stable)
    } else {
        format!(
            "traffic back to the split the plan started from ({})",
            live.routes.describe()
        )
    };
    let msg = format!(
        "canary {} on {}: {back} ({})",
        s.plan.canary_name(),
        s.plan.endpoint,
        s.rollback_reason.clone().unwrap_or_default()
    );
    s.log(now, msg.clone());
    alert(
        a,
        if s.aborted {
            Severity::Warning
        } else {
            Severity::Critical
        },
        msg,
    );
}

pub(super) fn shift_to(
    s: &mut CanaryState,
    live: &EndpointConfigState,
    index: usize,
    now: i64,
    a: &mut Actions,
) {
    let percent = s.plan.percent(index);
    let canary = s.plan.canary_name();
    match step_split(s, &live.routes, percent) {
        Ok(split) => {
            s.step = index;
            s.phase = Phase::Shifting;
            let comment = format!(
                "canary {canary} on {}: step {}/{} at {percent}%",
                s.plan.endpoint,
                index + 1,
                s.plan.steps.len()
            );
            s.log(now, format!("moving to {percent}%"));
            request(
                s,
                ChangeKind::Step { index, percent },
                live.with_routes(split),
                comment,
                a,
            );
        }
        Err(e) => pause(s, false, e.to_string(), now, a),
    }
}

/// Checks that both entities are served; pauses with the reason otherwise.
pub(super) fn entities_present(
    s: &mut CanaryState,
    live: &EndpointConfigState,
    now: i64,
    a: &mut Actions,
) -> bool {
    let names = live.entity_names();
    for who in [s.plan.stable.clone(), s.plan.canary_name()] {
        if !names.contains(&who) {
            let msg = format!(
                "{who} is not served by {} (it serves {})",
                s.plan.endpoint,
                names.join(", ")
            );
            pause(s, false, msg, now, a);
            return false;
        }
    }
    true
}

pub(super) fn begin(s: &mut CanaryState, look: &EndpointLook, now: i64, a: &mut Actions) {
    if look.updating {
        s.log(
            now,
            "waiting for the endpoint's update to finish before starting",
        );
        return;
    }
    let live = &look.config;
    // Nothing has moved yet: this is the split the steps scale from and a roll back restores.
    s.split_at_start = Some(live.routes.clone());
    let canary = s.plan.canary_name();
    let Some(stable) = live.entity(&s.plan.stable).cloned() else {
        let msg = format!(
            "stable entity {} is not served by {}",
            s.plan.stable, s.plan.endpoint
        );
        pause(s, false, msg, now, a);
        return;
    };
    if live.entity(&canary).is_none()
        && let Canary::New { model, version } = s.plan.canary.clone()
    {
        let entity = ServedEntityInput::like(&stable, &model, &version);
        let mut after = live.clone();
        after.served_entities.push(entity);
        after.routes.shares.push(crate::ops::traffic::Share {
            entity: canary.clone(),
            percent: 0,
        });
        s.phase = Phase::AddingCanary;
        s.log(
            now,
            format!(
                "adding {canary} at 0% with {}'s workload settings",
                s.plan.stable
            ),
        );
        let comment = format!("canary {canary} on {}: added at 0%", s.plan.endpoint);
        request(s, ChangeKind::AddCanary, after, comment, a);
        return;
    }
    if entities_present(s, live, now, a) {
        shift_to(s, live, 0, now, a);
    }
}

pub(super) fn counters(c: &Option<EntityCounters>) -> EntityCounters {
    c.clone().unwrap_or_default()
}

pub(super) fn hold(
    s: &mut CanaryState,
    look: &EndpointLook,
    metrics: Option<Sample>,
    now: i64,
    a: &mut Actions,
) {
    if look.updating {
        s.log(
            now,
            "the endpoint is updating outside the plan; not judging until it finishes",
        );
        return;
    }
    let live = &look.config;
    if !entities_present(s, live, now, a) {
        return;
    }
    if s.resync {
        s.resync = false;
        let wanted = s.expected.clone().unwrap_or_default();
        if !wanted.same_as(&live.routes) {
            shift_to(s, live, s.step, now, a);
        } else {
            s.step_started_ms = Some(now);
            s.baseline = metrics;
            s.log(now, format!("holding at {}% again", s.percent()));
        }
        return;
    }
    if let Some(expected) = s.expected.clone()
        && !expected.same_as(&live.routes)
    {
        let msg = format!(
            "the routes were changed outside the plan: expected {}, found {}; resume to put the \
             plan's split back, or abort",
            expected.describe(),
            live.routes.describe()
        );
        pause(s, false, msg, now, a);
        return;
    }
    let Some(m) = metrics else {
        return;
    };
    let Some(base) = s.baseline.clone() else {
        s.baseline = Some(m);
        return;
    };
    let secs = ((m.at_ms - base.at_ms) as f64 / 1000.0).max(0.0);
    let stable_w = window(
        &s.plan.stable,
        base.stable.as_ref(),
        &counters(&m.stable),
        secs,
    );
    let canary_w = window(
        &s.plan.canary_name(),
        base.canary.as_ref(),
        &counters(&m.canary),
        secs,
    );
    let j = judge(&stable_w, &canary_w, &s.plan.guards, now);
    s.judgements += 1;
    let changed = s.last_judgement.as_ref().map(|l| l.verdict) != Some(j.verdict);
    if changed || j.verdict == Verdict::Fail {
        s.log(now, j.summary.clone());
    }
    let verdict = j.verdict;
    let summary = j.summary.clone();
    s.last_judgement = Some(j);
    let held = now - s.step_started_ms.unwrap_or(now) >= s.plan.hold_ms;
    match verdict {
        Verdict::Fail => start_rollback(s, summary, live, now, a),
        Verdict::Pass if held && s.plan.is_last(s.step) => complete(s, now, a),
        Verdict::Pass if held => shift_to(s, live, s.step + 1, now, a),
        Verdict::Pass | Verdict::Inconclusive => {}
    }
}

pub(super) fn complete(s: &mut CanaryState, now: i64, a: &mut Actions) {
    s.phase = Phase::Completed;
    let msg = if s.percent() == 100 {
        // The other entities stay served at 0%: say how to remove them (nothing does it
        // unasked).
        let mut left = vec![s.plan.stable.clone()];
        left.extend(third_entities(s));
        let (names, verb) = match left.as_slice() {
            [one] => (one.clone(), "is"),
            [init @ .., last] => (format!("{} and {last}", init.join(", ")), "are"),
            [] => (String::new(), "is"),
        };
        format!(
            "canary {} on {} promoted: it takes 100% of the traffic; {names} {verb} left at \
             0% and can be removed (D on the endpoint, or `traffic {} --remove {}`)",
            s.plan.canary_name(),
            s.plan.endpoint,
            s.plan.endpoint,
            s.plan.stable
        )
    } else {
        format!(
            "canary {} on {} completed at {}%",
            s.plan.canary_name(),
            s.plan.endpoint,
            s.percent()
        )
    };
    s.log(now, msg.clone());
    alert(a, Severity::Info, msg);
}
