//! The console's own settings file (`config_dir/config.toml`): per-profile safety markers
//! (`readonly`, `production`), theme and refresh interval, and which job trains into which
//! experiment (`[training_jobs]`).
//!
//! Parsing is strict: an unknown key is an error naming the key and line, because a typo such as
//! `readonyl = true` must never silently leave a production profile writable.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use super::approvals::ApprovalSettings;
use super::error::ConfigError;

/// Refresh interval when neither `[defaults]` nor the profile sets one.
pub const DEFAULT_REFRESH_SECS: u64 = 30;
/// Points `+` / `-` move an endpoint's traffic by, unless `traffic_step` says otherwise.
pub const DEFAULT_TRAFFIC_STEP: u32 = 5;

/// Effective settings for one profile, after merging `[defaults]` and `[profiles.NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSettings {
    /// Hide mutating keys and make the client refuse mutations.
    pub readonly: bool,
    /// Red banner, and confirmations require typing the object's name.
    pub production: bool,
    /// Theme name (`dark`, `light`, `high-contrast`, `monochrome`, or a user theme).
    pub theme: Option<String>,
    /// Seconds between background refreshes.
    pub refresh_secs: u64,
    /// Points `+` / `-` move an endpoint's traffic by.
    pub traffic_step: u32,
    /// Connect timeout, request timeout and answer size limit of the HTTP client.
    pub network: NetworkSettings,
}

/// How long the client waits and how much it reads (`connect_timeout_secs`,
/// `request_timeout_secs`, `max_response_mb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkSettings {
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    pub max_response_mb: u64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        use crate::api::client as c;
        NetworkSettings {
            connect_timeout_secs: c::DEFAULT_CONNECT_TIMEOUT.as_secs(),
            request_timeout_secs: c::DEFAULT_REQUEST_TIMEOUT.as_secs(),
            max_response_mb: c::DEFAULT_MAX_RESPONSE_MB,
        }
    }
}

impl Default for ProfileSettings {
    fn default() -> Self {
        ProfileSettings {
            readonly: false,
            production: false,
            theme: None,
            refresh_secs: DEFAULT_REFRESH_SECS,
            traffic_step: DEFAULT_TRAFFIC_STEP,
            network: NetworkSettings::default(),
        }
    }
}

/// One settings table; every key optional so that a profile overrides only what it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsTable {
    pub readonly: Option<bool>,
    pub production: Option<bool>,
    pub theme: Option<String>,
    #[serde(default, deserialize_with = "positive_secs")]
    pub refresh_secs: Option<u64>,
    #[serde(default, deserialize_with = "traffic_points")]
    pub traffic_step: Option<u32>,
    #[serde(default, deserialize_with = "connect_secs")]
    pub connect_timeout_secs: Option<u64>,
    #[serde(default, deserialize_with = "request_secs")]
    pub request_timeout_secs: Option<u64>,
    #[serde(default, deserialize_with = "response_mb")]
    pub max_response_mb: Option<u64>,
}

impl SettingsTable {
    fn apply_to(&self, s: &mut ProfileSettings) {
        if let Some(v) = self.readonly {
            s.readonly = v;
        }
        if let Some(v) = self.production {
            s.production = v;
        }
        if let Some(v) = &self.theme {
            s.theme = Some(v.clone());
        }
        if let Some(v) = self.refresh_secs {
            s.refresh_secs = v;
        }
        if let Some(v) = self.traffic_step {
            s.traffic_step = v;
        }
        if let Some(v) = self.connect_timeout_secs {
            s.network.connect_timeout_secs = v;
        }
        if let Some(v) = self.request_timeout_secs {
            s.network.request_timeout_secs = v;
        }
        if let Some(v) = self.max_response_mb {
            s.network.max_response_mb = v;
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    #[serde(default)]
    pub defaults: SettingsTable,
    /// Keyed by `.databrickscfg` profile name.
    #[serde(default)]
    pub profiles: BTreeMap<String, SettingsTable>,
    /// Experiment name → id of the job that trains into it (`"/Shared/churn/training" = 123`);
    /// wins over the experiment's `mlops.training_job_id` tag.
    #[serde(default)]
    pub training_jobs: BTreeMap<String, i64>,
    /// How Unity Catalog versions carry approvals (tag names and values).
    #[serde(default)]
    pub approvals: ApprovalSettings,
    /// Drift thresholds, per monitor table and feature.
    #[serde(default)]
    pub drift: super::drift::DriftSettings,
    /// Model full name → id of the job that retrains it (`"main.ml.churn_model" = 123`).
    #[serde(default)]
    pub retraining: super::retraining::RetrainingJobs,
    /// `[monitoring]`: tables always listed, and the warehouse for monitoring queries.
    #[serde(default)]
    pub monitoring: super::monitoring::MonitoringSettings,
    /// `[alerts]`: how often the console reads the monitor-backed facts of its alert rules.
    #[serde(default)]
    pub alerts: super::alerts_settings::AlertsSettings,
    /// `[features]`: schemas searched for feature tables, freshness SLAs, bounds.
    #[serde(default)]
    pub features: super::features::FeaturesSettings,
    /// `[bench]`: caps on a load test's rate and concurrency.
    #[serde(default)]
    pub bench: super::bench::BenchSettings,
}

impl AppConfig {
    /// Reads `path`; a missing file means all defaults.
    pub fn load(path: &Path) -> Result<AppConfig, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(AppConfig::default()),
            Err(source) => Err(ConfigError::Io {
                file: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses TOML text; `path` is only used in error messages.
    pub fn parse(path: &Path, text: &str) -> Result<AppConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::InvalidToml {
            file: path.to_path_buf(),
            line: e.span().map(|span| line_of(text, span.start)),
            message: one_line(e.message()),
        })
    }

    /// Built-in defaults, then `[defaults]`, then `[profiles.NAME]` when a profile is in use.
    pub fn settings_for(&self, profile: Option<&str>) -> ProfileSettings {
        let mut s = ProfileSettings::default();
        self.defaults.apply_to(&mut s);
        if let Some(table) = profile.and_then(|p| self.profiles.get(p)) {
            table.apply_to(&mut s);
        }
        s
    }
}

/// Settings for `profile` from the file at `path`.
pub fn load_settings(path: &Path, profile: Option<&str>) -> Result<ProfileSettings, ConfigError> {
    Ok(AppConfig::load(path)?.settings_for(profile))
}

/// Rejects `refresh_secs = 0`, which would make the console hammer the workspace.
fn positive_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let secs = u64::deserialize(d)?;
    if secs == 0 {
        return Err(serde::de::Error::custom("refresh_secs must be at least 1"));
    }
    Ok(Some(secs))
}

fn traffic_points<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let points = i64::deserialize(d)?;
    if !(1..=50).contains(&points) {
        return Err(serde::de::Error::custom(format!(
            "traffic_step must be a whole number of points from 1 to 50, not {points}"
        )));
    }
    Ok(Some(points as u32))
}

/// A whole number in `range`, named in the error.
fn bounded<'de, D: Deserializer<'de>>(
    d: D,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<u64>, D::Error> {
    let n = i64::deserialize(d)?;
    match u64::try_from(n) {
        Ok(v) if range.contains(&v) => Ok(Some(v)),
        _ => Err(serde::de::Error::custom(format!(
            "{key} must be a whole number from {} to {}, not {n}",
            range.start(),
            range.end()
        ))),
    }
}

fn connect_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, "connect_timeout_secs", 1..=300)
}

fn request_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, "request_timeout_secs", 1..=3600)
}

fn response_mb<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    bounded(d, "max_response_mb", 1..=4096)
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn one_line(message: &str) -> String {
    message.trim().replace('\n', "; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[defaults]
refresh_secs = 30
theme = "dark"

[profiles.prod]
readonly = false
production = true
theme = "high-contrast"
refresh_secs = 15

[profiles.audit]
readonly = true
"#;

    fn parse(text: &str) -> Result<AppConfig, ConfigError> {
        AppConfig::parse(Path::new("/c/config.toml"), text)
    }

    #[test]
    fn merges_defaults_then_profile() {
        let cfg = parse(SAMPLE).unwrap();
        let prod = cfg.settings_for(Some("prod"));
        assert_eq!(
            prod,
            ProfileSettings {
                readonly: false,
                production: true,
                theme: Some("high-contrast".into()),
                refresh_secs: 15,
                traffic_step: DEFAULT_TRAFFIC_STEP,
                network: NetworkSettings::default(),
            }
        );
        let audit = cfg.settings_for(Some("audit"));
        assert!(audit.readonly && !audit.production);
        assert_eq!(audit.theme.as_deref(), Some("dark"));
        assert_eq!(cfg.settings_for(Some("unlisted")), cfg.settings_for(None));
    }

    #[test]
    fn network_limits_are_read_per_profile_and_bounded() {
        let cfg = parse(
            "[defaults]\nrequest_timeout_secs = 10\n[profiles.slow]\nconnect_timeout_secs = 20\n\
             max_response_mb = 256\n",
        )
        .unwrap();
        let slow = cfg.settings_for(Some("slow")).network;
        assert_eq!(
            (
                slow.connect_timeout_secs,
                slow.request_timeout_secs,
                slow.max_response_mb
            ),
            (20, 10, 256)
        );
        for bad in [
            "[defaults]\nrequest_timeout_secs = 0\n",
            "[defaults]\nconnect_timeout_secs = -1\n",
            "[defaults]\nmax_response_mb = 99999999\n",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains("must be a whole number from"), "{e}");
        }
    }

    #[test]
    fn empty_and_missing_files_give_defaults() {
        assert_eq!(
            parse("").unwrap().settings_for(Some("x")),
            ProfileSettings::default()
        );
        let missing = AppConfig::load(Path::new("/nonexistent/mlops-console/config.toml"));
        assert_eq!(missing.unwrap(), AppConfig::default());
    }

    #[test]
    fn unknown_keys_are_named_with_line() {
        let err = parse("[profiles.prod]\nproduction = true\nreadonyl = true\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("readonyl"), "{msg}");
        assert!(msg.starts_with("/c/config.toml:3:"), "{msg}");
        let err = parse("[default]\ntheme = \"dark\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`default`"), "{err}");
    }

    #[test]
    fn traffic_step_is_per_profile_and_bounded() {
        let cfg =
            parse("[defaults]\ntraffic_step = 10\n[profiles.prod]\ntraffic_step = 2\n").unwrap();
        assert_eq!(cfg.settings_for(None).traffic_step, 10);
        assert_eq!(cfg.settings_for(Some("prod")).traffic_step, 2);
        assert_eq!(parse("").unwrap().settings_for(None).traffic_step, 5);
        for bad in ["0", "51", "-1"] {
            let err = parse(&format!("[defaults]\ntraffic_step = {bad}\n")).unwrap_err();
            assert!(err.to_string().contains("traffic_step"), "{bad}: {err}");
        }
    }

    #[test]
    fn training_jobs_map_experiments_to_job_ids() {
        let cfg = parse(
            "[defaults]\ntheme = \"dark\"\n\n[training_jobs]\n\"/Shared/churn/training\" = 907245117743512\n",
        )
        .unwrap();
        assert_eq!(
            cfg.training_jobs.get("/Shared/churn/training"),
            Some(&907_245_117_743_512)
        );
        assert!(parse("").unwrap().training_jobs.is_empty());
        // A job id is a number; a name there is a mistake worth stopping for.
        let msg = parse("[training_jobs]\n\"/Shared/x\" = \"churn-retrain\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("/c/config.toml:2:"), "{msg}");
        let msg = parse("[training_job]\n\"/Shared/x\" = 1\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("training_job"), "{msg}");
    }

    #[test]
    fn approvals_default_and_override_strictly() {
        let cfg = parse("").unwrap();
        assert_eq!(cfg.approvals, ApprovalSettings::default());
        assert_eq!(cfg.approvals.tag, "approval");
        let cfg = parse("[approvals]\ntag = \"review\"\napproved = \"ok\"\n").unwrap();
        assert_eq!(
            (cfg.approvals.tag.as_str(), cfg.approvals.approved.as_str()),
            ("review", "ok")
        );
        assert_eq!(cfg.approvals.pending, "pending");
        let msg = parse("[approvals]\ntag = \"a\"\npendng = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("pendng"), "{msg}");
        let msg = parse("[approvals]\napproved = \"pending\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("must differ"), "{msg}");
        let msg = parse("[approvals]\ntag = \" \"\n").unwrap_err().to_string();
        assert!(msg.contains("approvals.tag"), "{msg}");
    }

    #[test]
    fn broken_toml_and_bad_values_name_file_and_line() {
        let msg = parse("[defaults]\ntheme = \"dark\nx = 1\n")
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("/c/config.toml:2:"), "{msg}");
        assert!(!msg.contains('\n'));
        let msg = parse("[defaults]\n\nrefresh_secs = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            msg.starts_with("/c/config.toml:3:") && msg.contains("at least 1"),
            "{msg}"
        );
        let msg = parse("[defaults]\nreadonly = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("/c/config.toml:2:"), "{msg}");
    }
}
