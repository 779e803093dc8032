//! Roll back an endpoint (`b`, `rollback --endpoint`): put back the whole config — served
//! entities and routes — that was live before the last successful change this console (or
//! another on the same journal) made to it on this workspace. The roll back is itself journaled,
//! so a second roll back undoes the first.
//!
//! When that last change was a canary plan's (completed, rolled back or aborted), the roll back
//! goes back to before the plan: the config its first change started from, not only the step
//! before the last.

use crate::api::Client;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Entry, JournalView, Standing};
use crate::ops::rollback::last_change;
use crate::ops::workspace::Workspace;

use super::plan::TrafficPlan;

/// The roll back plan of `endpoint`, from `view` (the journal as read).
pub async fn plan_rollback(
    client: &Client,
    view: &JournalView,
    endpoint: &str,
    comment: Option<String>,
) -> Result<TrafficPlan, OpError> {
    let target = Target::Endpoint {
        name: endpoint.to_string(),
    };
    let ws = Workspace::of(client).await;
    let (entry, mut warnings) = last_change(view, &ws, &target);
    let entry = entry.ok_or_else(|| {
        OpError::NotFound(format!(
            "the audit journal has no successful change of endpoint {endpoint} on {} to roll \
             back{}",
            client.host(),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(" ({})", warnings.join("; "))
            }
        ))
    })?;
    let last = entry;
    let entry = plan_start(view, &ws, entry);
    if entry.attempt.id != last.attempt.id {
        warnings.push(format!(
            "puts back the config from before the canary plan (journal entries {} to {})",
            entry.attempt.id, last.attempt.id
        ));
    }
    let ObjectState::Endpoint(before) = &entry.attempt.before else {
        return Err(OpError::Invalid(format!(
            "journal entry {} does not hold an endpoint config",
            entry.attempt.id
        )));
    };
    let ep = client.get_serving_endpoint(endpoint).await.map_err(|e| {
        OpError::from_read(e, "serving", || format!("endpoint {endpoint} not found"))
    })?;
    let mut plan =
        TrafficPlan::config(&ep, before.clone(), ChangeAction::Rollback).with_comment(comment);
    plan.reverts = Some(entry.attempt.id.clone());
    plan.warnings = warnings;
    Ok(plan)
}

/// A canary change's comment: `canary NAME on ENDPOINT: …` (see `canary::moves`).
fn canary_comment(e: &Entry) -> &str {
    e.attempt.comment.as_deref().unwrap_or_default()
}

/// The first change of the canary plan `last` belongs to, or `last` when it is no plan's. Walks
/// back over this endpoint's verified canary changes on this workspace, stopping at the change
/// that added the canary at 0% or moved it to the plan's first step (with the addition just
/// before it, when there was one).
pub fn plan_start<'v>(view: &'v JournalView, ws: &Workspace, last: &'v Entry) -> &'v Entry {
    let is_added = |e: &Entry| canary_comment(e).ends_with(": added at 0%");
    let is_first_step = |e: &Entry| canary_comment(e).contains(": step 1/");
    if last.attempt.action != ChangeAction::Canary {
        return last;
    }
    let earlier = view
        .entries
        .iter()
        .rev()
        .skip_while(|e| e.attempt.id != last.attempt.id)
        .skip(1)
        .filter(|e| {
            ws.made(&e.attempt)
                && e.attempt.target == last.attempt.target
                && e.standing() == Standing::Ok
        });
    let mut first = last;
    for e in earlier {
        let joins = e.attempt.action == ChangeAction::Canary
            && !is_added(first)
            && (!is_first_step(first) || is_added(e));
        if !joins {
            break;
        }
        first = e;
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::journal::{Attempt, Outcome, Record, ResultRecord, Via, parse};

    const HOST: &str = "https://dbc-1.cloud.databricks.com";

    /// A journal of verified changes of `churn-prod`: (id, action, comment) each.
    fn journal(changes: &[(&str, ChangeAction, &str)]) -> JournalView {
        let mut text = String::new();
        for (i, (id, action, comment)) in changes.iter().enumerate() {
            let attempt = Record::Attempt(Box::new(Attempt {
                id: id.to_string(),
                time: "2026-01-01T00:00:00Z".into(),
                ts_ms: i as i64 * 1_000,
                profile: "dev".into(),
                host: HOST.into(),
                workspace_id: None,
                actor: None,
                action: *action,
                target: Target::Endpoint {
                    name: "churn-prod".into(),
                },
                before: ObjectState::Alias { version: None },
                after: ObjectState::Alias { version: None },
                comment: Some(comment.to_string()),
                reverts: None,
                requests: vec![],
            }));
            let result = Record::Result(ResultRecord {
                id: id.to_string(),
                time: "2026-01-01T00:00:01Z".into(),
                ts_ms: i as i64 * 1_000 + 500,
                outcome: Outcome::Ok,
                error: None,
                verified: None,
                via: Via::Execute,
                answer_lost: false,
                sent: Vec::new(),
            });
            for r in [attempt, result] {
                text.push_str(&serde_json::to_string(&r).unwrap());
                text.push('\n');
            }
        }
        parse(text.as_bytes())
    }

    fn start_of(view: &JournalView) -> String {
        let ws = Workspace::new(HOST, None);
        let last = view.entries.last().unwrap();
        plan_start(view, &ws, last).attempt.id.clone()
    }

    #[test]
    fn a_finished_plan_rolls_back_to_before_its_first_change() {
        let c = "canary churn_model-5 on churn-prod";
        let view = journal(&[
            ("t0", ChangeAction::Traffic, "by hand"),
            ("a", ChangeAction::Canary, &format!("{c}: step 1/2 at 5%")),
            (
                "b",
                ChangeAction::Canary,
                &format!("{c}: back to churn_model-4"),
            ),
            (
                "add",
                ChangeAction::Canary,
                "canary churn_model-6 on churn-prod: added at 0%",
            ),
            (
                "s1",
                ChangeAction::Canary,
                "canary churn_model-6 on churn-prod: step 1/3 at 5%",
            ),
            (
                "s2",
                ChangeAction::Canary,
                "canary churn_model-6 on churn-prod: step 2/3 at 50%",
            ),
            (
                "s3",
                ChangeAction::Canary,
                "canary churn_model-6 on churn-prod: step 3/3 at 100%",
            ),
        ]);
        assert_eq!(start_of(&view), "add", "the addition at 0% starts the plan");
        let aborted = journal(&[
            ("t0", ChangeAction::Traffic, "by hand"),
            ("s1", ChangeAction::Canary, &format!("{c}: step 1/3 at 5%")),
            ("s2", ChangeAction::Canary, &format!("{c}: step 2/3 at 25%")),
            (
                "back",
                ChangeAction::Canary,
                &format!("{c}: back to churn_model-4"),
            ),
        ]);
        assert_eq!(
            start_of(&aborted),
            "s1",
            "not into the change before the plan"
        );
        let by_hand = journal(&[
            (
                "s1",
                ChangeAction::Canary,
                &format!("{c}: step 1/1 at 100%"),
            ),
            ("t1", ChangeAction::Traffic, "by hand"),
        ]);
        assert_eq!(start_of(&by_hand), "t1", "a change by hand is its own");
    }
}
