//! Waiting for an endpoint to finish its config update, as the SDK's
//! `wait_get_serving_endpoint_not_updating` does: poll `GET` with a linear backoff (1 s, 2 s, …
//! capped at 10 s) until `config_update` is no longer `IN_PROGRESS` — the one waiter of
//! [`crate::ops::wait`]. How to sleep is injected, so tests (and the canary integration test)
//! move a manual clock instead of waiting.

use std::time::Duration;

use crate::api::Client;
use crate::api::models::serving::{ConfigUpdate, ServingEndpoint};
pub use crate::ops::wait::WaitError;

use super::split::Split;

/// What a serving change is doing, for progress lines and the TUI.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// An update is running on the endpoint: waiting for `NOT_UPDATING`. `pending` is the
    /// split it is moving to, `waited` the time spent waiting so far.
    UpdateInProgress {
        pending: Option<Split>,
        waited: Duration,
    },
    /// Our `PUT` met another update (409 `RESOURCE_CONFLICT`): it waits its turn and re-checks
    /// before sending again.
    Conflict { attempt: u32 },
    /// The `PUT` was accepted; the update runs.
    Sent,
}

impl std::fmt::Display for Progress {
    /// The progress line a person reads: "update in progress (to a=80, b=20) — waiting …".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::UpdateInProgress { pending, waited } => write!(
                f,
                "update in progress{} — waiting for NOT_UPDATING ({} s so far)",
                pending
                    .as_ref()
                    .map_or_else(String::new, |s| format!(" (to {})", s.describe())),
                waited.as_secs()
            ),
            Progress::Conflict { attempt } => write!(
                f,
                "another update started first (409 RESOURCE_CONFLICT, #{attempt}): waiting its turn"
            ),
            Progress::Sent => f.write_str("sent; waiting for the update to finish"),
        }
    }
}

/// How a serving change waits: the one waiter, reporting [`Progress`].
pub type Waiter<'a> = crate::ops::wait::Waiter<'a, Progress>;

pub fn is_updating(ep: &ServingEndpoint) -> bool {
    ep.state.as_ref().and_then(|s| s.config_update.as_ref()) == Some(&ConfigUpdate::InProgress)
}

/// Reads the endpoint until no update is in progress; the last read.
pub async fn until_idle(
    client: &Client,
    name: &str,
    waiter: &mut Waiter<'_>,
) -> Result<ServingEndpoint, WaitError> {
    waiter
        .until(
            || client.get_serving_endpoint(name),
            |ep| !is_updating(ep),
            |ep, idle, waited| {
                (!idle).then(|| Progress::UpdateInProgress {
                    pending: ep.pending_config.as_ref().map(|p| {
                        Split::from_routes(
                            p.traffic_config
                                .as_ref()
                                .map(|t| t.routes.as_slice())
                                .unwrap_or(&[]),
                        )
                    }),
                    waited,
                })
            },
            |_, waited| WaitError::StillUpdating {
                endpoint: name.to_string(),
                secs: waited.as_secs(),
            },
        )
        .await
}
