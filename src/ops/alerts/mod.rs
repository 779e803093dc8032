//! The console's alerts (PRODUCT §3 screen 6, §9): rules from `alerts.toml`
//! ([`crate::config::alert_rules`]) judged on facts read from the workspace.
//!
//! * [`facts`]: what rules are judged on, each source read, failed or not wired;
//! * [`gather`]: reads the facts the console can read itself; drift, quality and monitor facts
//!   are supplied by their modules ([`gather::Supplied`]);
//! * [`evaluate`]: a pure function from rules and facts to the firing alerts (one per rule and
//!   object) and the rules that could not be judged;
//! * [`state`]: compares with the previous evaluation and yields changes only;
//! * [`auto`]: automatic retraining when a rule with `retrain = true` fires (the guard of
//!   `ops::retrain::auto`, the model found, the outcome reported);
//! * [`sql_alert`]: a drift rule as a Databricks SQL alert (fixed SQL over the drift metrics
//!   table), saved through the change pipeline.

pub mod auto;
pub mod evaluate;
pub mod facts;
pub mod gather;
pub mod monitoring;
pub mod sql_alert;
pub mod state;
pub mod supply;

pub use evaluate::{Alert, AlertObject, Evaluation, ObjectKind, UnknownRule, evaluate};
pub use facts::*;
pub use gather::{Gatherer, Supplied};
pub use state::{AlertChange, AlertState};

#[cfg(test)]
mod tests;
