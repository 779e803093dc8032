//! Configuration: which workspace to talk to, how to authenticate, and the console's own
//! per-profile settings.
//!
//! Auth follows the Databricks unified-auth rules (flags > `DATABRICKS_*` env > one
//! `~/.databrickscfg` profile) so that a profile means the same thing here as in the Databricks
//! CLI and SDKs. The console's own settings (read-only, production, theme, refresh) live in a
//! separate `config.toml` under [`Paths::config_dir`], keyed by the same profile names.
//!
//! Every entry point takes the environment as a lookup function ([`Env`]) rather than reading
//! the process environment, so tests never touch the real home directory or variables.

pub mod alert_rules;
pub mod alerts_settings;
pub mod app_config;
pub mod approvals;
mod auth;
pub mod bench;
pub mod databrickscfg;
pub mod drift;
pub mod error;
pub mod features;
pub mod host;
mod ini_sections;
mod layers;
pub mod monitoring;
pub mod paths;
pub mod profiles;
pub mod resolve;
pub mod retraining;

pub use app_config::{AppConfig, ProfileSettings};
pub use approvals::{ApprovalSettings, SelfApproval};
pub use databrickscfg::{DatabricksCfg, ProfileEntry};
pub use error::ConfigError;
pub use host::normalize_host;
pub use paths::Paths;
pub use profiles::{ProfileSummary, list_profiles, render_profiles_table};
pub use resolve::{Overrides, Resolved, resolve};

/// An environment lookup: `env("DATABRICKS_HOST")`.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The real process environment, for `main` (`resolve(&ov, &system_env, &paths)`).
pub fn system_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
