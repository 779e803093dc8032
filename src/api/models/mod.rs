//! Wire models shared by the client and the simulator, so the shapes cannot drift.

pub mod entity_tags;
pub mod error_body;
pub mod feature_store;
pub mod inference_tables;
pub mod job_output;
pub mod job_runs;
pub mod jobs;
pub mod mlflow;
pub mod monitors;
pub mod online_sync;
pub mod registry;
mod run_status;
pub mod scim;
pub mod serving;
pub mod serving_config;
pub mod sql;
pub mod sql_alerts;
pub mod synced_tables;
pub mod transition_requests;
pub mod uc_models;
pub mod uc_tables;
pub mod uc_tags;
