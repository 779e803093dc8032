//! `mlops-console traffic NAME --set …|--shift …` and `rollback --endpoint NAME`: the headless
//! twins of `+` / `-` / `=` and `b` on an endpoint. Same rules as every change (PRODUCT §4, §8):
//! read-only refuses, the plan is printed, `--yes` applies, production profiles also need
//! `--confirm NAME`; the change waits for `NOT_UPDATING`, waits its turn on 409, is verified by
//! reading back and journaled. Progress goes to stderr, the result to stdout.

use serde_json::json;

use crate::api::Client;
use crate::ops::ChangeContext;
use crate::ops::change::target::ChangeAction;
use crate::ops::journal::Outcome;
use crate::ops::traffic::{self, Split, TrafficPlan, Waiter};

use super::change::{self, ChangeProfile, Hold};
use super::change_args::{ConfirmArgs, RollbackArgs};
use super::serving_args::TrafficArgs;
use super::{exit, output};

/// Whether `--yes` / `--confirm` allow applying a change to `endpoint`; why not otherwise.
pub fn confirmed(endpoint: &str, session: &ChangeProfile, args: &ConfirmArgs) -> Result<(), Hold> {
    change::confirmation(endpoint, "endpoint", session, args)
}

/// A waiter on the real timer that tells stderr what it waits for.
pub fn progress_waiter() -> Waiter<'static> {
    Waiter::real().on_progress(|p| crate::eprintln_escaped!("{p}"))
}

/// What `--set` / `--shift` ask for, checked before the endpoint is read.
enum Wanted {
    Set(Vec<(String, u32)>),
    Shift(String, i32),
}

fn wanted(args: &TrafficArgs) -> Result<Wanted, String> {
    if let Some(set) = &args.set {
        return Split::parse_assignment(set)
            .map(Wanted::Set)
            .map_err(|e| format!("--set: {e}"));
    }
    let shift = args.shift.as_deref().unwrap_or("");
    Split::parse_shift(shift)
        .map(|(entity, delta)| Wanted::Shift(entity, delta))
        .map_err(|e| format!("--shift: {e}"))
}

/// The target split against the live one. A shift is taken in full or refused: a script asking
/// for +10 never gets +4 because the canary was already at 96%.
fn target(wanted: &Wanted, live: &Split) -> Result<Split, String> {
    match wanted {
        Wanted::Set(assignment) => live.exact(assignment),
        Wanted::Shift(entity, delta) => live.shift_exactly(entity, *delta),
    }
    .map_err(|e| e.to_string())
}

fn print_plan(
    plan: &TrafficPlan,
    client: &Client,
    session: &ChangeProfile,
    json_out: bool,
    applied: bool,
) {
    if json_out && !applied {
        output::json(&json!({ "plan": plan, "executed": false }));
    } else if !json_out {
        let mut text = format!("{}\n", plan.summary());
        for line in plan.dialog_lines(&session.profile, client.host(), session.production) {
            text.push_str(&format!("  {line}\n"));
        }
        output::print(&text);
    }
}

/// Prints `plan` and, when confirmed, applies it; the exit code.
pub async fn apply_plan(
    client: &Client,
    session: &ChangeProfile,
    args: &ConfirmArgs,
    plan: &TrafficPlan,
) -> i32 {
    if plan.is_noop() {
        print_plan(plan, client, session, args.json, false);
        crate::eprintln_escaped!(
            "nothing to do: endpoint {} is already {}",
            plan.endpoint,
            plan.after.describe()
        );
        return exit::OK;
    }
    if let Err(hold) = confirmed(&plan.endpoint, session, args) {
        print_plan(plan, client, session, args.json, false);
        return hold.report();
    }
    print_plan(plan, client, session, args.json, true);
    let ctx = ChangeContext {
        profile: session.profile.clone(),
        actor: change::actor(client).await,
        production: session.production,
    };
    let result = traffic::apply(
        client,
        &session.journal(),
        &ctx,
        plan,
        &mut progress_waiter(),
    )
    .await;
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            if args.json {
                output::json(&json!({ "plan": plan, "executed": false, "error": e.to_string() }));
            }
            crate::eprintln_escaped!("error: {e}");
            return change::code_for(&e);
        }
    };
    if args.json {
        output::json(&json!({ "plan": plan, "executed": true, "outcome": outcome }));
    } else if outcome.outcome == Outcome::Ok {
        output::println(&format!("ok: {} (journal {})", outcome.message, outcome.id));
    }
    if outcome.outcome != Outcome::Ok {
        crate::eprintln_escaped!("error: {} (journal {})", outcome.message, outcome.id);
    }
    if let Some(w) = &outcome.journal_warning {
        crate::eprintln_escaped!("warning: {w}");
    }
    change::code_for_outcome(&outcome)
}

pub async fn traffic(client: &Client, session: &ChangeProfile, args: &TrafficArgs) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "traffic") {
        return code;
    }
    if let Some(entity) = &args.remove {
        return remove(client, session, args, entity).await;
    }
    let wanted = match wanted(args) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let ep = match client.get_serving_endpoint(&args.endpoint).await {
        Ok(ep) => ep,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    let split = match target(&wanted, &Split::of_endpoint(&ep)) {
        Ok(s) => s,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::USAGE;
        }
    };
    match TrafficPlan::routes(&ep, &split, ChangeAction::Traffic) {
        Ok(plan) => {
            let plan = plan.with_comment(args.comment.clone());
            apply_plan(client, session, &args.confirm, &plan).await
        }
        Err(e) => change::report(&e),
    }
}

/// `traffic NAME --remove ENTITY`: the endpoint without an entity at 0%.
async fn remove(client: &Client, session: &ChangeProfile, args: &TrafficArgs, entity: &str) -> i32 {
    let ep = match client.get_serving_endpoint(&args.endpoint).await {
        Ok(ep) => ep,
        Err(e) => {
            crate::eprintln_escaped!("error: {e}");
            return exit::for_api_error(&e);
        }
    };
    match TrafficPlan::remove_entity(&ep, entity, ChangeAction::Traffic) {
        Ok(plan) => {
            let plan = plan.with_comment(args.comment.clone());
            apply_plan(client, session, &args.confirm, &plan).await
        }
        Err(e) => change::report(&e),
    }
}

pub async fn rollback(client: &Client, session: &ChangeProfile, args: &RollbackArgs) -> i32 {
    let Some(endpoint) = args.endpoint.as_deref() else {
        return exit::USAGE;
    };
    if let Some(code) = change::refuse_read_only(client, session, "rollback") {
        return code;
    }
    let view = match session.journal().read() {
        Ok(v) => v,
        Err(e) => {
            crate::eprintln_escaped!(
                "error: cannot read the audit journal {}: {e}",
                session.journal().path().display()
            );
            return exit::FAILURE;
        }
    };
    match traffic::plan_rollback(client, &view, endpoint, args.comment.clone()).await {
        Ok(plan) => apply_plan(client, session, &args.confirm, &plan).await,
        Err(e) => change::report(&e),
    }
}
