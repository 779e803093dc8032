//! Traffic on a serving endpoint: split arithmetic (`split`), the journaled config state
//! (`config`), planned changes and their dialog (`plan`), waiting for an update to finish
//! (`wait`), the one path every change takes (`apply`: wait for `NOT_UPDATING`, `PUT …/config`
//! keeping the served entities, wait its turn on 409, wait for the update, verify by reading
//! back, journal attempt and result), and roll back from the journal (`rollback`).

pub mod apply;
pub mod config;
pub mod diff;
pub mod plan;
pub mod request;
pub mod rollback;
pub mod split;
pub mod wait;

pub use apply::apply;
pub use config::EndpointConfigState;
pub use plan::TrafficPlan;
pub use request::TrafficRequest;
pub use rollback::plan_rollback;
pub use split::{Share, Split, SplitError};
pub use wait::{Progress, WaitError, Waiter, until_idle};
