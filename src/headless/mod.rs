//! Headless twins of the TUI: the same reads and rules, printed as tables or JSON.

pub mod exit;
pub mod experiments;
pub mod fetch;
pub mod metrics;
pub mod output;
pub mod report;
pub mod run;
pub mod runs;
pub mod runview;
pub mod status;
pub mod system_tags;
pub mod table;
pub mod train;
