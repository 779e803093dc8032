//! Canary plans (PRODUCT §6): move traffic to a challenger step by step, judging it against the
//! stable entity every interval, and roll back on its own when a guard fails.
//!
//! * `plan` — the plan file (TOML) and its validation;
//! * `verdict` — one judgement: two-proportion test of 5xx rates, p99 guards;
//! * `state` — the persisted state, observations and actions;
//! * `machine` — the pure state machine `step(state, observation, now) -> (state, actions)`,
//!   with its transitions in `moves`;
//! * `start` — where a new plan starts when the canary already takes traffic;
//! * `store` — `<data_dir>/canaries/<workspace>/<endpoint>.json`, one directory per workspace;
//! * `runner` — drives the machine against a workspace on an injectable clock.

pub mod machine;
mod moves;
pub mod plan;
pub mod runner;
pub mod start;
pub mod state;
pub mod store;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use machine::step;
pub use plan::{Canary, CanaryPlan, Guards, PlanErrors, PlanProblem, parse_duration};
pub use runner::{RunError, RunUntil, Runner};
pub use state::{
    CanaryAction, CanaryState, ChangeKind, Command, EndpointLook, Observation, Phase, Sample,
    Severity,
};
pub use store::{CanaryStore, SavedPlans};
pub use verdict::{Check, Judgement, Side, Verdict, judge};
