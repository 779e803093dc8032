//! Domain logic with no UI: inventory counts, run filters, sweeps, comparisons, downsampling; promote, rollback, approvals, canary analysis
//! and the audit journal in later rooms.

pub mod compare;
pub mod downsample;
pub mod inventory;
pub mod run_filter;
pub mod sweep;
