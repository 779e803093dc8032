//! Headless twins of the TUI: the same reads and rules, printed as tables or JSON.

pub mod approve;
pub mod audit;
pub mod change;
pub mod change_args;
pub mod exit;
pub mod experiments;
pub mod output;
pub mod promote;
pub mod status;
pub mod table;
