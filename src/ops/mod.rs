//! Domain logic with no UI: inventory counts, following job runs and launching training; promote,
//! rollback, approvals, canary analysis and the audit journal in later rooms.

pub mod inventory;
pub mod jobs;
pub mod training;
