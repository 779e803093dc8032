//! Domain logic with no UI: inventory counts, run filters, sweeps, comparisons, downsampling,
//! following job runs (one waiter, `wait`) and launching or cancelling them, the registry
//! changes (promote, roll back, approve, reject) with their blast radius and the audit journal,
//! and serving (metrics, statistics, traffic changes, canary plans). Every change goes through
//! the one pipeline of `change::pipeline`. The TUI and the headless twins call these; nothing
//! else changes the workspace.

pub mod alerts;
pub mod approvals;
pub mod bench;
pub mod blast_radius;
pub mod canary;
pub mod change;
pub mod compare;
pub mod downsample;
pub mod drift;
pub mod error;
pub mod feature_changes;
pub mod feature_lineage;
pub mod feature_monitoring;
pub mod features;
pub mod inventory;
pub mod job_attention;
pub mod job_list;
pub mod job_repair;
pub mod job_run_view;
pub mod jobs;
pub mod journal;
pub mod launch;
pub mod metric_tables;
pub mod model_versions;
pub mod models;
pub mod monitors;
pub mod prometheus;
pub mod promote;
pub mod quality;
pub mod query;
pub mod read_failure;
pub mod retrain;
pub mod rollback;
pub mod run_filter;
pub mod serving_metrics;
pub mod sql;
pub mod stats;
pub mod sweep;
pub mod traffic;
pub mod training;
pub mod wait;
pub mod workspace;

pub use change::execute::{ChangeContext, ChangeOutcome, execute};
pub use change::plan::{Plan, Step};
pub use change::target::{ChangeAction, ObjectState, Target};
pub use error::OpError;
pub use journal::Journal;
pub use workspace::Workspace;
