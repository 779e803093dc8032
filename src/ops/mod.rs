//! Domain logic with no UI: inventory counts now; promote, rollback, approvals, canary analysis
//! and the audit journal in later rooms.

pub mod inventory;
