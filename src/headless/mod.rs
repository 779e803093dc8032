//! Headless twins of the TUI: the same reads and rules, printed as tables or JSON.

pub mod approve;
pub mod audit;
pub mod canary;
pub mod change;
pub mod change_args;
pub mod endpoints;
pub mod exit;
pub mod experiments;
pub mod fetch;
pub mod json_array;
pub mod metrics;
pub mod output;
pub mod promote;
pub mod query;
pub mod report;
pub mod run;
pub mod run_nesting;
pub mod run_stream;
pub mod runs;
pub mod runview;
pub mod serving_args;
pub mod serving_change;
pub mod status;
pub mod system_tags;
pub mod table;
pub mod train;
