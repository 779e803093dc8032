//! What a traffic key asks for, and its plan made against the endpoint as it is once no
//! update is running: a change asked for while another update is in flight waits its turn and
//! is planned from the routes that update leaves, so two quick `+` presses move 10 points, not
//! a stale 5 twice.

use crate::api::Client;
use crate::ops::change::target::ChangeAction;
use crate::ops::error::OpError;
use crate::ops::journal::Journal;

use super::plan::TrafficPlan;
use super::rollback::plan_rollback;
use super::split::Split;
use super::wait::{WaitError, Waiter, until_idle};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrafficRequest {
    /// `+` / `-`: move `entity`'s share by `points` (negative: away from it).
    Shift {
        endpoint: String,
        entity: String,
        points: i32,
    },
    /// `=`: a typed split (`a=90,b=10`).
    Exact {
        endpoint: String,
        assignment: String,
    },
    /// Every point to `entity` (promote the canary).
    Only { endpoint: String, entity: String },
    /// `b`: the whole config before the last change, from the journal.
    Rollback { endpoint: String },
    /// `D`: remove an entity that takes 0% (what a canary promotion leaves behind).
    Remove { endpoint: String, entity: String },
}

impl TrafficRequest {
    pub fn endpoint(&self) -> &str {
        match self {
            TrafficRequest::Shift { endpoint, .. }
            | TrafficRequest::Exact { endpoint, .. }
            | TrafficRequest::Only { endpoint, .. }
            | TrafficRequest::Remove { endpoint, .. }
            | TrafficRequest::Rollback { endpoint } => endpoint,
        }
    }
}

fn invalid(e: impl ToString) -> OpError {
    OpError::Invalid(e.to_string())
}

/// Waits for the endpoint to be idle, then plans `req` against it. Nothing is sent.
pub async fn prepare(
    client: &Client,
    journal: &Journal,
    req: &TrafficRequest,
    waiter: &mut Waiter<'_>,
) -> Result<TrafficPlan, OpError> {
    let name = req.endpoint();
    let ep = until_idle(client, name, waiter)
        .await
        .map_err(|e| match e {
            WaitError::Api(e) => {
                OpError::from_read(e, "serving", || format!("endpoint {name} not found"))
            }
            other => OpError::Stale(other.to_string()),
        })?;
    let live = Split::of_endpoint(&ep);
    let target = match req {
        TrafficRequest::Shift { entity, points, .. } => {
            live.shift(entity, *points).map_err(invalid)?
        }
        TrafficRequest::Exact { assignment, .. } => {
            let pairs = Split::parse_assignment(assignment).map_err(invalid)?;
            live.exact(&pairs).map_err(invalid)?
        }
        TrafficRequest::Only { entity, .. } => {
            live.exact(&[(entity.clone(), 100)]).map_err(invalid)?
        }
        TrafficRequest::Remove { entity, .. } => {
            return TrafficPlan::remove_entity(&ep, entity, ChangeAction::Traffic);
        }
        TrafficRequest::Rollback { .. } => {
            let view = journal.read().map_err(|e| OpError::Journal {
                path: journal.path().to_path_buf(),
                message: e.to_string(),
            })?;
            return plan_rollback(client, &view, name, None).await;
        }
    };
    TrafficPlan::routes(&ep, &target, ChangeAction::Traffic)
}
