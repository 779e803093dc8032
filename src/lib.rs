//! mlops-console: a keyboard-driven terminal operations console for MLOps on Databricks.
//!
//! Layers (data flows one way): `api` (typed HTTP client, no UI) ← `app` (pure state machine +
//! effect runtime) ← `ui` (views of state) ; `sim` is the simulated workspace that reuses `api`
//! model types; `config` resolves profiles and settings; `tui` owns the terminal and the main loop
//! that drives `app` and draws with `ui`; `safe_text` escapes what the server said before any
//! terminal sees it.

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
