//! Headless twins of the TUI: the same reads and rules, printed as tables or JSON.

pub mod exit;
pub mod experiments;
pub mod output;
pub mod status;
pub mod table;
pub mod train;
