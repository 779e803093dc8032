//! The console's alert rules (`config_dir/alerts.toml`), with built-in defaults used when the
//! file is absent.
//!
//! ```toml
//! defaults = true               # keep the built-in rules (a rule of the same name replaces one)
//!
//! [[rule]]
//! name = "tenure-drift"
//! kind = "feature_drift"
//! severity = "critical"         # info | warning | critical
//! target = "main.ml.churn_inference"
//! statistic = "population_stability_index"
//! threshold = 0.25
//! windows = 3
//! bell = true
//! retrain = true                # retrain the model when it fires (drift and quality rules)
//! model = "main.ml.churn_model" # the model it retrains (else the one with a retraining job)
//! ```
//!
//! `retrain` is off by default. When on, a firing of the rule runs the model's retraining job
//! on its own (`ops::alerts::auto`): at most once per window, never on a read-only profile,
//! journaled as automatic.
//!
//! Parsing is strict, like `config.toml`: an unknown key, a parameter that does not belong to
//! the rule's kind, or a value out of range is an error naming the file and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ConfigError;
use crate::ops::canary::plan::parse_duration;

/// How loud an alert is. Ordered: `Info < Warning < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// What a rule watches, with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleKind {
    /// A drift statistic of a feature past `threshold` in each of the last `windows` windows.
    /// Statistics named `…pvalue` cross when they fall *below* the threshold.
    FeatureDrift {
        statistic: String,
        threshold: f64,
        windows: u32,
        /// One feature (column); every feature when absent.
        feature: Option<String>,
    },
    /// A model version's quality metric below `floor`, or fallen by `drop` from its best
    /// earlier window.
    ModelQuality {
        metric: String,
        floor: Option<f64>,
        drop: Option<f64>,
    },
    /// A serving endpoint's 5xx share or p99 latency over a limit (judged only with at least
    /// `min_requests` requests).
    EndpointErrors {
        max_5xx_rate: Option<f64>,
        max_p99_ms: Option<f64>,
        min_requests: u64,
    },
    /// A serving endpoint whose last config update failed.
    EndpointUpdateFailed,
    /// A job whose latest ended run failed.
    JobRunFailed,
    /// A monitor whose latest refresh failed.
    MonitorRefreshFailed,
    /// A feature table not updated for `max_age_ms` (declared; not evaluated yet).
    FeatureTableStale { max_age_ms: i64 },
    /// An approval waiting longer than `max_age_ms`.
    ApprovalPending { max_age_ms: i64 },
    /// An online table (synced or legacy) of a feature table whose sync failed (opt-in: not
    /// among the built-in rules).
    OnlineSyncFailed,
    /// An online table whose last sync ended more than `max_age_ms` before its source's last
    /// write (opt-in).
    OnlineSyncLag { max_age_ms: i64 },
}

impl RuleKind {
    /// The kind's name as written in `alerts.toml`.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::FeatureDrift { .. } => "feature_drift",
            RuleKind::ModelQuality { .. } => "model_quality",
            RuleKind::EndpointErrors { .. } => "endpoint_errors",
            RuleKind::EndpointUpdateFailed => "endpoint_update_failed",
            RuleKind::JobRunFailed => "job_run_failed",
            RuleKind::MonitorRefreshFailed => "monitor_refresh_failed",
            RuleKind::FeatureTableStale { .. } => "feature_table_stale",
            RuleKind::ApprovalPending { .. } => "approval_pending",
            RuleKind::OnlineSyncFailed => "online_sync_failed",
            RuleKind::OnlineSyncLag { .. } => "online_sync_lag",
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRule {
    pub name: String,
    pub kind: RuleKind,
    pub severity: Severity,
    pub enabled: bool,
    /// Only this object: an endpoint, a job (name or id), a table, or a model.
    pub target: Option<String>,
    /// Ring the terminal bell when it fires.
    pub bell: bool,
    /// Retrain the model on its own when it fires (feature_drift and model_quality only).
    pub retrain: bool,
    /// The model `retrain` retrains (`catalog.schema.model`); unset, it is found
    /// (`ops::alerts::auto`).
    pub retrain_model: Option<String>,
}

/// The rules in effect.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRules {
    pub rules: Vec<AlertRule>,
    /// The file they were read from; `None` when only the built-in defaults apply.
    pub file: Option<PathBuf>,
}

/// The drift statistic rules use unless they say otherwise.
pub const DEFAULT_DRIFT_STATISTIC: &str = "population_stability_index";

/// The drift threshold rules use unless they say otherwise: the warning level `[drift]` gives
/// PSI (and JS) by default. Held over several consecutive windows it is a lasting shift, not
/// one noisy window (0.25, the critical level, is rarely held window after window).
pub const DEFAULT_DRIFT_THRESHOLD: f64 = 0.1;

fn rule(name: &str, kind: RuleKind, severity: Severity) -> AlertRule {
    AlertRule {
        name: name.to_string(),
        kind,
        severity,
        enabled: true,
        target: None,
        bell: false,
        retrain: false,
        retrain_model: None,
    }
}

/// The built-in rules.
pub fn default_rules() -> Vec<AlertRule> {
    use RuleKind::*;
    vec![
        rule(
            "feature-drift",
            FeatureDrift {
                statistic: DEFAULT_DRIFT_STATISTIC.to_string(),
                threshold: DEFAULT_DRIFT_THRESHOLD,
                windows: 3,
                feature: None,
            },
            Severity::Critical,
        ),
        rule(
            "model-quality",
            ModelQuality {
                metric: "accuracy_score".to_string(),
                floor: None,
                drop: Some(0.05),
            },
            Severity::Warning,
        ),
        rule(
            "endpoint-errors",
            EndpointErrors {
                max_5xx_rate: Some(0.05),
                max_p99_ms: Some(1000.0),
                min_requests: 100,
            },
            Severity::Critical,
        ),
        rule(
            "endpoint-update-failed",
            EndpointUpdateFailed,
            Severity::Critical,
        ),
        rule("job-run-failed", JobRunFailed, Severity::Warning),
        rule(
            "monitor-refresh-failed",
            MonitorRefreshFailed,
            Severity::Warning,
        ),
        rule(
            "feature-table-stale",
            FeatureTableStale {
                max_age_ms: 24 * 3_600_000,
            },
            Severity::Warning,
        ),
        rule(
            "approval-pending",
            ApprovalPending {
                max_age_ms: 72 * 3_600_000,
            },
            Severity::Info,
        ),
    ]
}

/// One `[[rule]]` table as written: every parameter optional, checked against the kind after.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    kind: String,
    severity: Option<Severity>,
    enabled: Option<bool>,
    target: Option<String>,
    bell: Option<bool>,
    statistic: Option<String>,
    threshold: Option<f64>,
    windows: Option<i64>,
    feature: Option<String>,
    metric: Option<String>,
    floor: Option<f64>,
    drop: Option<f64>,
    max_5xx_rate: Option<f64>,
    max_p99_ms: Option<f64>,
    min_requests: Option<i64>,
    max_age: Option<String>,
    retrain: Option<bool>,
    model: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    defaults: Option<bool>,
    #[serde(default)]
    rule: Vec<toml::Spanned<RawRule>>,
}

impl AlertRules {
    /// The built-in rules alone.
    pub fn defaults() -> AlertRules {
        AlertRules {
            rules: default_rules(),
            file: None,
        }
    }

    /// Reads `path`; a missing file means the built-in rules.
    pub fn load(path: &Path) -> Result<AlertRules, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::defaults()),
            Err(source) => Err(ConfigError::Io {
                file: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses TOML text; `path` names the file in errors.
    pub fn parse(path: &Path, text: &str) -> Result<AlertRules, ConfigError> {
        let error = |line: Option<usize>, message: String| ConfigError::InvalidToml {
            file: path.to_path_buf(),
            line,
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            error(
                e.span().map(|s| line_of(text, s.start)),
                e.message().trim().replace('\n', "; "),
            )
        })?;
        let mut rules = Vec::new();
        let mut names = BTreeSet::new();
        for spanned in raw.rule {
            let line = Some(line_of(text, spanned.span().start));
            let r = spanned.into_inner();
            let name = r.name.trim().to_string();
            if name.is_empty() {
                return Err(error(line, "a rule needs a name".into()));
            }
            if !names.insert(name.clone()) {
                return Err(error(line, format!("rule {name:?} is defined twice")));
            }
            let rule = build(r).map_err(|m| error(line, format!("rule {name:?}: {m}")))?;
            rules.push(rule);
        }
        if raw.defaults.unwrap_or(true) {
            let mut all: Vec<AlertRule> = default_rules()
                .into_iter()
                .filter(|d| !names.contains(&d.name))
                .collect();
            all.extend(rules);
            rules = all;
        }
        Ok(AlertRules {
            rules,
            file: Some(path.to_path_buf()),
        })
    }

    /// The rule named `name`.
    pub fn get(&self, name: &str) -> Option<&AlertRule> {
        self.rules.iter().find(|r| r.name == name)
    }
}

/// The parameters `kind` takes, for the error naming one that does not belong.
fn allowed(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "feature_drift" => &[
            "statistic",
            "threshold",
            "windows",
            "feature",
            "retrain",
            "model",
        ],
        "model_quality" => &["metric", "floor", "drop", "retrain", "model"],
        "endpoint_errors" => &["max_5xx_rate", "max_p99_ms", "min_requests"],
        "endpoint_update_failed" | "job_run_failed" | "monitor_refresh_failed" => &[],
        "feature_table_stale" | "approval_pending" => &["max_age"],
        "online_sync_failed" => &[],
        "online_sync_lag" => &["max_age"],
        _ => return None,
    })
}

const KINDS: &str = "feature_drift, model_quality, endpoint_errors, endpoint_update_failed, \
                     job_run_failed, monitor_refresh_failed, feature_table_stale, \
                     approval_pending, online_sync_failed, online_sync_lag";

fn given(r: &RawRule) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |name, present: bool| {
        if present {
            out.push(name)
        }
    };
    add("statistic", r.statistic.is_some());
    add("threshold", r.threshold.is_some());
    add("windows", r.windows.is_some());
    add("feature", r.feature.is_some());
    add("metric", r.metric.is_some());
    add("floor", r.floor.is_some());
    add("drop", r.drop.is_some());
    add("max_5xx_rate", r.max_5xx_rate.is_some());
    add("max_p99_ms", r.max_p99_ms.is_some());
    add("min_requests", r.min_requests.is_some());
    add("max_age", r.max_age.is_some());
    add("retrain", r.retrain.is_some());
    add("model", r.model.is_some());
    out
}

fn finite(key: &str, v: Option<f64>) -> Result<Option<f64>, String> {
    match v {
        Some(x) if !x.is_finite() => Err(format!("{key} must be a finite number")),
        Some(x) if x < 0.0 => Err(format!("{key} must not be negative, not {x}")),
        other => Ok(other),
    }
}

fn max_age(r: &RawRule, default_ms: i64) -> Result<i64, String> {
    match &r.max_age {
        None => Ok(default_ms),
        Some(text) => match parse_duration(text) {
            Ok(ms) if ms > 0 => Ok(ms),
            Ok(_) => Err("max_age must be longer than zero".into()),
            Err(e) => Err(format!("max_age: {e}")),
        },
    }
}

fn build(r: RawRule) -> Result<AlertRule, String> {
    let allowed =
        allowed(&r.kind).ok_or_else(|| format!("unknown kind {:?} (one of: {KINDS})", r.kind))?;
    if let Some(bad) = given(&r).into_iter().find(|k| !allowed.contains(k)) {
        return Err(format!(
            "{bad} is not a parameter of kind {} (it takes: {})",
            r.kind,
            if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            }
        ));
    }
    let defaults = default_rules();
    let default_of = |kind: &str| {
        defaults
            .iter()
            .find(|d| d.kind.name() == kind)
            .map(|d| d.severity)
            .unwrap_or(Severity::Warning)
    };
    let kind = match r.kind.as_str() {
        "feature_drift" => {
            let windows = r.windows.unwrap_or(3);
            if !(1..=365).contains(&windows) {
                return Err(format!("windows must be from 1 to 365, not {windows}"));
            }
            let statistic = r
                .statistic
                .clone()
                .unwrap_or_else(|| DEFAULT_DRIFT_STATISTIC.to_string());
            if statistic.trim().is_empty() {
                return Err("statistic must not be empty".into());
            }
            RuleKind::FeatureDrift {
                statistic,
                threshold: finite("threshold", r.threshold)?.unwrap_or(DEFAULT_DRIFT_THRESHOLD),
                windows: windows as u32,
                feature: r.feature.clone(),
            }
        }
        "model_quality" => {
            let floor = finite("floor", r.floor)?;
            let drop = finite("drop", r.drop)?;
            if floor.is_none() && drop.is_none() {
                return Err("model_quality needs floor, drop or both".into());
            }
            RuleKind::ModelQuality {
                metric: r.metric.clone().unwrap_or_else(|| "accuracy_score".into()),
                floor,
                drop,
            }
        }
        "endpoint_errors" => {
            let max_5xx_rate = finite("max_5xx_rate", r.max_5xx_rate)?;
            if max_5xx_rate.is_some_and(|x| x > 1.0) {
                return Err("max_5xx_rate is a fraction from 0 to 1".into());
            }
            let max_p99_ms = finite("max_p99_ms", r.max_p99_ms)?;
            if max_5xx_rate.is_none() && max_p99_ms.is_none() {
                return Err("endpoint_errors needs max_5xx_rate, max_p99_ms or both".into());
            }
            let min_requests = r.min_requests.unwrap_or(100);
            if min_requests < 0 {
                return Err("min_requests must not be negative".into());
            }
            RuleKind::EndpointErrors {
                max_5xx_rate,
                max_p99_ms,
                min_requests: min_requests as u64,
            }
        }
        "endpoint_update_failed" => RuleKind::EndpointUpdateFailed,
        "job_run_failed" => RuleKind::JobRunFailed,
        "monitor_refresh_failed" => RuleKind::MonitorRefreshFailed,
        "feature_table_stale" => RuleKind::FeatureTableStale {
            max_age_ms: max_age(&r, 24 * 3_600_000)?,
        },
        "approval_pending" => RuleKind::ApprovalPending {
            max_age_ms: max_age(&r, 72 * 3_600_000)?,
        },
        "online_sync_failed" => RuleKind::OnlineSyncFailed,
        "online_sync_lag" => RuleKind::OnlineSyncLag {
            max_age_ms: max_age(&r, 3_600_000)?,
        },
        other => return Err(format!("unknown kind {other:?}")),
    };
    let retrain = r.retrain.unwrap_or(false);
    let retrain_model = match r.model.as_deref().map(str::trim) {
        None => None,
        Some(_) if !retrain => {
            return Err(
                "model names the model retrain = true retrains: add retrain = true or remove it"
                    .into(),
            );
        }
        Some(m) if !super::retraining::is_full_name(m) => {
            return Err(format!(
                "model '{m}' is not a model full name (catalog.schema.model)"
            ));
        }
        Some(m) => Some(m.to_string()),
    };
    Ok(AlertRule {
        name: r.name.trim().to_string(),
        severity: r.severity.unwrap_or_else(|| default_of(&r.kind)),
        kind,
        enabled: r.enabled.unwrap_or(true),
        target: r.target.clone().filter(|t| !t.trim().is_empty()),
        bell: r.bell.unwrap_or(false),
        retrain,
        retrain_model,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
#[path = "alert_rules_tests.rs"]
mod tests;
