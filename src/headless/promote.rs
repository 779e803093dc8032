//! `mlops-console promote` and `rollback`: the headless twins of the `p` and `b` keys.

use serde_json::json;

use crate::api::Client;
use crate::ops::promote::{PromoteRequest, prepare};
use crate::ops::rollback::{self, Candidates, RollbackPlan, RollbackRequest};

use super::change::{self, ChangeProfile};
use super::change_args::{PromoteArgs, RollbackArgs};
use super::{exit, output, table};

pub async fn promote(client: &Client, session: &ChangeProfile, args: &PromoteArgs) -> i32 {
    if let Some(code) = change::refuse_read_only(client, session, "promote") {
        return code;
    }
    let req = PromoteRequest {
        model: args.model.clone(),
        version: args.version.clone(),
        alias: args.alias.clone(),
        comment: args.comment.clone(),
    };
    let actor = change::actor(client).await;
    let plan = match prepare(client, &req, &session.approvals).await {
        Ok(plan) => plan,
        Err(e) => return change::report(&e),
    };
    if let Some(state) = &plan.unapproved
        && session.production
        && !args.allow_unapproved
        && !plan.is_noop()
        && args.confirm.yes
    {
        // The usual confirmation problems first, then the approval. Without `--yes` the plan
        // (which names the approval state) is printed as for any change.
        let mut why =
            match change::confirmation(&plan.confirm_name, "model", session, &args.confirm) {
                Err(change::Hold::Refused(w)) => format!("error: {w}\n"),
                _ => String::new(),
            };
        why.push_str(&format!(
            "error: v{} is not approved ({state}); profile '{}' is a production profile: \
             add --allow-unapproved to promote it anyway; nothing was sent",
            plan_version(&args.version),
            session.profile
        ));
        return change::hold(client, session, &args.confirm, &plan, &why, exit::USAGE);
    }
    change::apply(client, session, &args.confirm, actor, &plan).await
}

fn plan_version(typed: &str) -> &str {
    typed.trim().trim_start_matches(['v', 'V'])
}

pub async fn rollback(client: &Client, session: &ChangeProfile, args: &RollbackArgs) -> i32 {
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
    let req = RollbackRequest {
        model: args.model.clone().unwrap_or_default(),
        alias: args.alias.clone(),
        to: args.to.clone(),
        comment: args.comment.clone(),
    };
    let actor = change::actor(client).await;
    match rollback::prepare(client, &view, &req).await {
        Ok(RollbackPlan::Plan(plan)) => {
            change::apply(client, session, &args.confirm, actor, &plan).await
        }
        Ok(RollbackPlan::Candidates(c)) => {
            print_candidates(&c, args);
            exit::NOT_FOUND
        }
        Err(e) => change::report(&e),
    }
}

fn print_candidates(c: &Candidates, args: &RollbackArgs) {
    if args.confirm.json {
        output::json(&json!({ "candidates": c, "executed": false }));
    } else {
        let rows: Vec<Vec<String>> = c
            .versions
            .iter()
            .map(|v| {
                vec![
                    v.version.clone(),
                    v.state.clone(),
                    table::timestamp(v.created_at),
                    v.created_by.clone().unwrap_or_default(),
                    v.comment.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::print(&format!(
            "{} is now {}\n{}",
            c.target.describe(),
            c.current.describe(),
            table::render(&["VERSION", "STATE", "CREATED", "BY", "COMMENT"], &rows)
        ));
    }
    let mut hint = format!("rollback {}", args.model.as_deref().unwrap_or_default());
    if let Some(a) = &args.alias {
        hint.push_str(&format!(" --alias {a}"));
    }
    crate::eprintln_escaped!("error: {}; choose one with `{hint} --to VERSION`", c.note);
}
