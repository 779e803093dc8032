//! Wire models shared by the client and the simulator, so the shapes cannot drift.

pub mod error_body;
pub mod job_runs;
pub mod jobs;
pub mod mlflow;
pub mod registry;
pub mod scim;
pub mod serving;
pub mod uc_models;
