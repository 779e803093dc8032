//! Roll back an endpoint (`b`, `rollback --endpoint`): put back the whole config — served
//! entities and routes — that was live before the last successful change this console (or
//! another on the same journal) made to it on this workspace. The roll back is itself journaled,
//! so a second roll back undoes the first.

use crate::api::Client;
use crate::ops::change::target::{Action, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::JournalView;
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
    let (entry, warnings) = last_change(view, &Workspace::of(client).await, &target);
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
    let ObjectState::Endpoint(before) = &entry.attempt.before else {
        return Err(OpError::Invalid(format!(
            "journal entry {} does not hold an endpoint config",
            entry.attempt.id
        )));
    };
    let ep = client.get_serving_endpoint(endpoint).await.map_err(|e| {
        OpError::from_read(e, "serving", || format!("endpoint {endpoint} not found"))
    })?;
    let mut plan = TrafficPlan::config(&ep, before.clone(), Action::Rollback).with_comment(comment);
    plan.reverts = Some(entry.attempt.id.clone());
    plan.warnings = warnings;
    Ok(plan)
}
