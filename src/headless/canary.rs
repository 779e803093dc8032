//! `mlops-console canary NAME --plan FILE [--wait] [--json] --yes`: the headless twin of the
//! canary panel. The plan's state is saved per workspace in
//! `<data_dir>/canaries/<workspace>/NAME.json`, so a plan started here (or in the TUI) can be
//! followed later on the same workspace (`canary NAME --wait`), inspected
//! (`--status`) or aborted (`--abort --yes`). Exit codes: OK when promoted / completed (or the
//! first step is live, without `--wait`), GATE_FAILED when a guard failed and traffic went back
//! to stable, CONFLICT_OR_PERMISSION when the plan paused (an outside change), CONFIG for a plan
//! file that cannot be read or is invalid (each problem as `FILE:LINE:COLUMN: message`), USAGE
//! for a plan naming another endpoint or a refused `--confirm`. Without `--yes` the plan is
//! shown and nothing starts: OK, as for every change.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::api::Client;
use crate::ops::canary::start::{first_step_cut, rollback_note, scaling_notes};
use crate::ops::canary::{
    CanaryAction, CanaryPlan, CanaryState, CanaryStore, Command, Phase, RunError, RunUntil, Runner,
};
use crate::ops::traffic::Split;
use crate::ops::{ChangeContext, Workspace};

use super::change::{self, ChangeProfile};
use super::serving_args::CanaryArgs;
use super::serving_change::{confirmed, progress_waiter};
use super::{exit, output, report};

fn plan_lines(plan: &CanaryPlan) -> String {
    let g = &plan.guards;
    let mut guards = vec![
        format!("min_requests {}", g.min_requests),
        format!("max_error_rate_delta {}", g.max_error_rate_delta),
        format!("confidence {}", g.confidence),
    ];
    if let Some(x) = g.max_p99_ms {
        guards.push(format!("max_p99_ms {x}"));
    }
    if let Some(x) = g.max_p99_ratio {
        guards.push(format!("max_p99_ratio {x}"));
    }
    let steps: Vec<String> = plan.steps.iter().map(|s| format!("{s}%")).collect();
    format!(
        "canary on endpoint {}: {} → {}{}\n  steps {}, hold {} s, judged every {} s\n  guards: {}\n",
        plan.endpoint,
        plan.stable,
        plan.canary_name(),
        match &plan.canary {
            crate::ops::canary::Canary::New { .. } => " (added at 0% first)",
            crate::ops::canary::Canary::Served { .. } => "",
        },
        steps.join(" → "),
        plan.hold_ms / 1000,
        plan.interval_ms / 1000,
        guards.join(", ")
    )
}

fn show(state: &CanaryState, json_out: bool) {
    if json_out {
        output::json(state);
        return;
    }
    let mut s = format!("{}\n", state.describe());
    if let Some(j) = &state.last_judgement {
        s.push_str(&format!("  last judgement: {}\n", j.summary));
    }
    for e in state.history.iter().rev().take(8).rev() {
        s.push_str(&format!(
            "  {} {}\n",
            super::table::timestamp(Some(e.at_ms)),
            e.message
        ));
    }
    output::print(&s);
}

/// The exit code for where a run stopped.
pub fn code_for(state: &CanaryState) -> i32 {
    match state.phase {
        Phase::RolledBack => exit::GATE_FAILED,
        Phase::Paused => exit::CONFLICT_OR_PERMISSION,
        _ => exit::OK,
    }
}

fn load_plan(args: &CanaryArgs) -> Result<Option<CanaryPlan>, i32> {
    let Some(path) = &args.plan else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::eprintln_escaped!("error: cannot read the canary plan {}: {e}", path.display());
        exit::CONFIG
    })?;
    let plan = CanaryPlan::parse(&text).map_err(|e| {
        let file = path.display();
        crate::eprintln_escaped!("error: invalid canary plan {file}:");
        for p in &e.0 {
            match p.line {
                Some((line, column)) => {
                    crate::eprintln_escaped!("  {file}:{line}:{column}: {}", p.message)
                }
                None => crate::eprintln_escaped!("  {file}: {}", p.message),
            }
        }
        exit::CONFIG
    })?;
    if plan.endpoint != args.endpoint {
        crate::eprintln_escaped!(
            "error: the plan is for endpoint {}, not {}",
            plan.endpoint,
            args.endpoint
        );
        return Err(exit::USAGE);
    }
    Ok(Some(plan))
}

/// What a new plan does besides moving stable and canary, in words (see `canary::start`): a
/// first step below what the canary serves now, as a warning, then the other entities scaled
/// down with stable and what a roll back restores.
async fn start_notes_now(client: &Client, plan: &CanaryPlan) -> (Option<String>, Vec<String>) {
    let Ok(ep) = client.get_serving_endpoint(&plan.endpoint).await else {
        return (None, Vec::new());
    };
    let split = Split::of_endpoint(&ep);
    let current = split.percent(&plan.canary_name());
    let mut notes = scaling_notes(plan, &split);
    notes.extend(rollback_note(plan, &split));
    (first_step_cut(plan, current), notes)
}

pub async fn run(client: &Client, session: &ChangeProfile, args: &CanaryArgs) -> i32 {
    let ws = Workspace::of(client).await;
    let store = CanaryStore::for_workspace(&session.data_dir, &ws);
    if let Ok(view) = session.journal().read() {
        for note in store.adopt_legacy(&view) {
            crate::eprintln_escaped!("note: {note}");
        }
    }
    if let Some(note) = store.legacy_note(&args.endpoint) {
        crate::eprintln_escaped!("note: {note}");
    }
    let saved = match store.load(&args.endpoint) {
        Ok(s) => s,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            if e.kind() == std::io::ErrorKind::InvalidData {
                crate::eprintln_escaped!(
                    "move the file away to start a new plan on {}",
                    args.endpoint
                );
            }
            return exit::FAILURE;
        }
    };
    if args.status {
        return match &saved {
            Some(s) => {
                show(s, args.confirm.json);
                exit::OK
            }
            None => {
                crate::eprintln_escaped!(
                    "error: no canary plan saved for endpoint {} on {}",
                    args.endpoint,
                    client.host()
                );
                exit::NOT_FOUND
            }
        };
    }
    if let Some(code) = change::refuse_read_only(client, session, "canary") {
        return code;
    }
    let plan = match load_plan(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let running = saved.filter(|s| !s.is_finished());
    let now = chrono::Utc::now().timestamp_millis();
    let state = match (running, plan) {
        (Some(s), Some(p)) if s.plan != p => {
            crate::eprintln_escaped!(
                "error: a different plan is running on {} ({}); follow it with `canary {} \
                 --wait --yes`, or abort it with `canary {} --abort --yes`",
                args.endpoint,
                s.describe(),
                args.endpoint,
                args.endpoint
            );
            return exit::CONFLICT_OR_PERMISSION;
        }
        (Some(s), _) => s,
        (None, _) if args.abort => {
            crate::eprintln_escaped!(
                "error: no canary plan is running on endpoint {}",
                args.endpoint
            );
            return exit::NOT_FOUND;
        }
        (None, Some(p)) => CanaryState::new(p, now),
        (None, None) => {
            crate::eprintln_escaped!(
                "error: no plan is running on {}: give one with --plan FILE",
                args.endpoint
            );
            return exit::USAGE;
        }
    };
    eprint!("{}", plan_lines(&state.plan));
    if state.phase == Phase::Starting {
        let (cut, notes) = start_notes_now(client, &state.plan).await;
        if let Some(cut) = cut {
            crate::eprintln_escaped!("  warning: {cut}");
        }
        for note in notes {
            crate::eprintln_escaped!("  {note}");
        }
    }
    if state.phase != Phase::Starting {
        crate::eprintln_escaped!("  resuming: {}", state.describe());
    }
    if let Err(hold) = confirmed(&args.endpoint, session, &args.confirm) {
        return hold.report();
    }
    // One read before anything starts: what waiting will not fix (a wrong token, a missing
    // endpoint, a dead host) fails at once with its own code, instead of after the run's
    // retries of failed reads.
    if let Err(e) = client.get_serving_endpoint(&args.endpoint).await {
        return report::failed(&format!("endpoint {}", args.endpoint), &e);
    }
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let (tx, rx) = mpsc::unbounded_channel();
    if args.abort {
        let _ = tx.send(Command::Abort);
    }
    let mut runner = Runner::new(client, session.journal(), ctx);
    runner.store = Some(store);
    runner.waiter = progress_waiter();
    runner.commands = Some(rx);
    runner.until = if args.wait || args.abort {
        RunUntil::Finished
    } else {
        RunUntil::FirstStep
    };
    runner.clock = Arc::new(|| chrono::Utc::now().timestamp_millis());
    let mut last_line = String::new();
    runner.on_step = Box::new(move |state, actions| {
        let line = state
            .history
            .last()
            .map(|e| e.message.clone())
            .unwrap_or_default();
        if line != last_line {
            crate::eprintln_escaped!("{line}");
            last_line = line;
        }
        for a in actions {
            if let CanaryAction::Alert { severity, message } = a {
                crate::eprintln_escaped!("{severity:?}: {message}");
            }
        }
    });
    let result = runner.run(state).await;
    drop(tx);
    match result {
        Ok(state) => {
            show(&state, args.confirm.json);
            if state.phase == Phase::Paused {
                let why = state.history.last().map(|e| e.message.as_str());
                crate::eprintln_escaped!(
                    "error: canary on {} {}",
                    args.endpoint,
                    why.unwrap_or("paused")
                );
            }
            if state.phase == Phase::Holding && !state.is_finished() {
                crate::eprintln_escaped!(
                    "the plan is live and saved; follow it with `mlops-console canary {} --wait --yes`",
                    args.endpoint
                );
            }
            code_for(&state)
        }
        Err(e) => {
            crate::eprintln_escaped!("error: {e} (the plan's state is saved; run again to resume)");
            match &e {
                RunError::Refused { error, .. } => exit::for_api_error(error),
                _ => exit::FAILURE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_say_promoted_gate_failed_or_paused() {
        let plan = CanaryPlan::parse(
            "endpoint = \"e\"\nstable = \"a\"\ncanary = \"b\"\nsteps = [100]\nhold = \"1m\"\n\
             interval = \"15s\"\n",
        )
        .unwrap();
        let mut s = CanaryState::new(plan, 0);
        for (phase, code) in [
            (Phase::Completed, exit::OK),
            (Phase::Holding, exit::OK),
            (Phase::Aborted, exit::OK),
            (Phase::RolledBack, exit::GATE_FAILED),
            (Phase::Paused, exit::CONFLICT_OR_PERMISSION),
        ] {
            s.phase = phase;
            assert_eq!(code_for(&s), code, "{phase:?}");
        }
    }
}
