//! mlops-console: a keyboard-driven terminal operations console for MLOps on Databricks.
//!
//! Layers (data flows one way): `api` (typed HTTP client, no UI) ← `app` (pure state machine +
//! effect runtime) ← `ui` (views of state) ; `sim` is the simulated workspace that reuses `api`
//! model types; `config` resolves profiles and settings; `tui` owns the terminal and the main loop
//! that drives `app` and draws with `ui`; `export` writes charts and screens to files (it owns
//! the chart spec that `app` builds and `ui` draws); `headless` holds the commands without a
//! terminal, each with its arguments, which `cli` gathers; `connect` builds a client from settings
//! or starts the demo workspace; `safe_text` escapes what the server said before any terminal
//! sees it. Imports follow these arrows only: no module imports one that imports it.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod connect;
pub mod export;
pub mod headless;
pub mod ops;
pub mod safe_text;
pub mod sim;
pub mod theme;
pub mod tui;
pub mod ui;
