//! `[alerts]` in `config.toml`: how often the console reads the monitor-backed facts of its
//! alert rules (drift, model quality, monitor refreshes: monitor discovery and a few SQL
//! statements per monitor on a warehouse).
//!
//! ```toml
//! [alerts]
//! monitoring_interval = "5m"   # the default; 30s, 15m, 1h…
//! ```
//!
//! The endpoint, job and approval facts stay per refresh (they are cheap). Parsed strictly: an
//! unknown key or a duration that is not one is an error naming the line.

use serde::{Deserialize, Deserializer};

use crate::ops::canary::plan::parse_duration;

/// The default `monitoring_interval`.
pub const DEFAULT_MONITORING_INTERVAL_MS: i64 = 5 * 60_000;
/// The shortest `monitoring_interval` taken (shorter would run the statements on every
/// refresh anyway).
const SHORTEST_MS: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsSettings {
    /// Milliseconds between two readings of the monitor-backed facts.
    #[serde(
        default = "default_interval",
        rename = "monitoring_interval",
        deserialize_with = "interval"
    )]
    pub monitoring_interval_ms: i64,
}

impl Default for AlertsSettings {
    fn default() -> Self {
        AlertsSettings {
            monitoring_interval_ms: DEFAULT_MONITORING_INTERVAL_MS,
        }
    }
}

fn default_interval() -> i64 {
    DEFAULT_MONITORING_INTERVAL_MS
}

fn interval<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let text = String::deserialize(d)?;
    match parse_duration(&text) {
        Ok(ms) if ms >= SHORTEST_MS => Ok(ms),
        Ok(_) => Err(serde::de::Error::custom(format!(
            "alerts.monitoring_interval must be at least 10s, not {text:?}"
        ))),
        Err(e) => Err(serde::de::Error::custom(format!(
            "alerts.monitoring_interval: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::AppConfig;

    fn parse(text: &str) -> Result<AppConfig, String> {
        AppConfig::parse(Path::new("/c/config.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_interval_defaults_to_five_minutes_and_reads_durations() {
        assert_eq!(
            parse("").unwrap().alerts.monitoring_interval_ms,
            DEFAULT_MONITORING_INTERVAL_MS
        );
        let c = parse("[alerts]\nmonitoring_interval = \"15m\"\n").unwrap();
        assert_eq!(c.alerts.monitoring_interval_ms, 15 * 60_000);
        for (text, says) in [
            ("monitoring_interval = \"1s\"", "at least 10s"),
            (
                "monitoring_interval = \"soon\"",
                "alerts.monitoring_interval",
            ),
            ("monitoring_interval = 300", "string"),
            ("interval = \"5m\"", "interval"),
        ] {
            let e = parse(&format!("[alerts]\n{text}\n")).unwrap_err();
            assert!(e.starts_with("/c/config.toml:2:"), "{e}");
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
