//! The load test (PRODUCT §7, issue 15): a bounded benchmark of one serving endpoint.
//!
//! * `plan` — what will run (closed loop at a concurrency, or open loop at a rate), its bounds,
//!   warm-up and guards; checked before anything is sent.
//! * `payload` — the request bodies, prebuilt once (a file, a file of many, or the endpoint's
//!   example) and shared by every request.
//! * `engine` — [`start`] spawns the connections and returns a [`BenchHandle`]: a live
//!   [`Snapshot`] while it runs, `stop()`, and the [`BenchResult`] at the end. `workers` holds
//!   the closed and open loops, `send` one request, `recorder` the per-shard histograms.
//! * `verdict` — the guards (`--slo-p99`, `--max-error-rate`) and the verdict.
//! * `change` — the load test as a change: refusals, confirm lines, journal.
//!
//! Knows nothing of the terminal: the headless command and the TUI panel both drive it.

pub mod change;
pub mod engine;
pub mod payload;
pub mod plan;
pub mod recorder;
pub mod result;
mod send;
pub mod verdict;
mod workers;

#[cfg(test)]
mod tests;

pub use engine::{BenchHandle, BenchMonitor, start};
pub use plan::{BenchPlan, Guards, Mode};
pub use result::{BenchResult, Snapshot};
pub use verdict::{Status, StopReason};
