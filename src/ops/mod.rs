//! Domain logic with no UI: inventory counts, run filters, sweeps, comparisons, downsampling,
//! following job runs and launching training; promote, rollback, approvals, canary analysis and
//! the audit journal in later rooms.

pub mod compare;
pub mod downsample;
pub mod inventory;
pub mod jobs;
pub mod run_filter;
pub mod sweep;
pub mod training;
