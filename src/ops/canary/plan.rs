//! Canary plan files (PRODUCT §6), TOML:
//!
//! ```toml
//! endpoint = "churn-prod"
//! stable   = "churn_model-4"          # served entity name on the endpoint
//! canary   = "churn_model-5"          # or canary_model = "main.ml.churn_model" + canary_version = "6"
//! steps    = [5, 25, 50, 100]         # canary traffic percentages, in order
//! hold     = "2m"                     # minimum time at each step before it may advance
//! interval = "15s"                    # how often metrics are read and judged
//! [guards]
//! min_requests         = 200
//! max_error_rate_delta = 0.01
//! max_p99_ms           = 100
//! max_p99_ratio        = 1.2
//! confidence           = 0.95
//! ```
//!
//! Unknown keys are errors (a typo in a guard must not silently disable it). Guards left out
//! take defaults: `min_requests = 200`, `max_error_rate_delta = 0.01`, `confidence = 0.95`; the
//! latency guards are off unless given. Durations are `500ms`, `15s`, `2m`, `1h` or sums such as
//! `1m30s`. Every problem is reported at once, each naming its key.

use serde::{Deserialize, Serialize};

use crate::api::models::serving_config::ServedEntityInput;

/// The canary: an entity the endpoint serves, or a model version to add at 0% first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Canary {
    Served { name: String },
    New { model: String, version: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guards {
    /// Requests each entity needs in a judgement before it can pass.
    pub min_requests: u64,
    /// Largest allowed canary − stable error (5xx) rate, judged on the confidence interval.
    pub max_error_rate_delta: f64,
    pub max_p99_ms: Option<f64>,
    /// Largest allowed canary p99 / stable p99.
    pub max_p99_ratio: Option<f64>,
    /// Confidence level of the intervals (e.g. 0.95).
    pub confidence: f64,
}

impl Default for Guards {
    fn default() -> Self {
        Guards {
            min_requests: 200,
            max_error_rate_delta: 0.01,
            max_p99_ms: None,
            max_p99_ratio: None,
            confidence: 0.95,
        }
    }
}

/// A validated plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanaryPlan {
    pub endpoint: String,
    pub stable: String,
    pub canary: Canary,
    /// Canary percentages, strictly increasing, each 1–100.
    pub steps: Vec<u32>,
    pub hold_ms: i64,
    pub interval_ms: i64,
    pub guards: Guards,
}

impl CanaryPlan {
    /// The canary's served-entity name (a new one gets the server's default name).
    pub fn canary_name(&self) -> String {
        match &self.canary {
            Canary::Served { name } => name.clone(),
            Canary::New { model, version } => ServedEntityInput {
                entity_name: Some(model.clone()),
                entity_version: Some(version.clone()),
                ..Default::default()
            }
            .effective_name(),
        }
    }

    /// The percentage of step `i`.
    pub fn percent(&self, i: usize) -> u32 {
        self.steps.get(i).copied().unwrap_or(0)
    }

    pub fn is_last(&self, i: usize) -> bool {
        i + 1 >= self.steps.len()
    }

    /// Parses and validates a plan file's text.
    pub fn parse(text: &str) -> Result<CanaryPlan, PlanErrors> {
        let file: PlanFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().replace('\n', " ");
            PlanErrors(vec![match line {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            }])
        })?;
        file.validate()
    }
}

/// Every problem of a plan, one line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid canary plan:\n  {}", .0.join("\n  "))]
pub struct PlanErrors(pub Vec<String>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    endpoint: Option<String>,
    stable: Option<String>,
    canary: Option<String>,
    canary_model: Option<String>,
    canary_version: Option<toml::Value>,
    steps: Option<Vec<i64>>,
    hold: Option<String>,
    interval: Option<String>,
    #[serde(default)]
    guards: GuardsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardsFile {
    min_requests: Option<i64>,
    max_error_rate_delta: Option<f64>,
    max_p99_ms: Option<f64>,
    max_p99_ratio: Option<f64>,
    confidence: Option<f64>,
}

/// `500ms`, `15s`, `2m`, `1h`, `1m30s` → milliseconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration".to_string());
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!("{text:?} is not a duration (e.g. 15s, 2m, 1m30s)"));
        }
        let number: f64 = rest[..digits]
            .parse()
            .map_err(|_| format!("{text:?} is not a duration (e.g. 15s, 2m, 1m30s)"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "" => return Err(format!("{text:?} needs a unit (ms, s, m or h)")),
            other => return Err(format!("{text:?}: unknown unit {other:?} (ms, s, m or h)")),
        };
        rest = &rest[unit_len..];
        total = total.saturating_add((number * factor).round() as i64);
    }
    Ok(total)
}

impl PlanFile {
    fn validate(self) -> Result<CanaryPlan, PlanErrors> {
        let mut errors = Vec::new();
        let required = |v: Option<String>, key: &str, errors: &mut Vec<String>| match v {
            Some(s) if !s.trim().is_empty() => s.trim().to_string(),
            _ => {
                errors.push(format!("{key}: required"));
                String::new()
            }
        };
        let endpoint = required(self.endpoint, "endpoint", &mut errors);
        let stable = required(self.stable, "stable", &mut errors);
        let version = match self.canary_version {
            None => None,
            Some(toml::Value::Integer(i)) if i > 0 => Some(i.to_string()),
            Some(toml::Value::String(s)) if s.trim().parse::<u64>().is_ok_and(|v| v > 0) => {
                Some(s.trim().to_string())
            }
            Some(other) => {
                errors.push(format!(
                    "canary_version: a model version number is expected, got {other}"
                ));
                None
            }
        };
        let canary = match (self.canary, self.canary_model, version) {
            (Some(c), None, None) if !c.trim().is_empty() => Some(Canary::Served {
                name: c.trim().to_string(),
            }),
            (None, Some(m), Some(v)) if !m.trim().is_empty() => Some(Canary::New {
                model: m.trim().to_string(),
                version: v,
            }),
            (None, Some(_), None) => {
                errors.push("canary_version: required with canary_model".to_string());
                None
            }
            (None, None, Some(_)) => {
                errors.push("canary_model: required with canary_version".to_string());
                None
            }
            (None, None, None) => {
                errors.push(
                    "canary: required (or canary_model and canary_version for a version the \
                     endpoint does not serve yet)"
                        .to_string(),
                );
                None
            }
            _ => {
                errors.push(
                    "canary: give either canary, or canary_model and canary_version, not both"
                        .to_string(),
                );
                None
            }
        };
        let steps: Vec<u32> = match self.steps {
            None => {
                errors.push("steps: required, e.g. [5, 25, 50, 100]".to_string());
                Vec::new()
            }
            Some(s) if s.is_empty() => {
                errors.push("steps: at least one step".to_string());
                Vec::new()
            }
            Some(s) => {
                if let Some(bad) = s.iter().find(|p| !(1..=100).contains(*p)) {
                    errors.push(format!("steps: {bad} is not a percentage from 1 to 100"));
                }
                if s.windows(2).any(|w| w[1] <= w[0]) {
                    errors.push(format!("steps: must increase strictly, got {s:?}"));
                }
                s.iter().map(|p| (*p).clamp(0, 100) as u32).collect()
            }
        };
        let mut duration = |v: Option<String>, key: &str, min: i64| match v {
            None => {
                errors.push(format!("{key}: required, e.g. \"2m\" or \"15s\""));
                0
            }
            Some(text) => match parse_duration(&text) {
                Ok(ms) if ms >= min => ms,
                Ok(_) => {
                    errors.push(format!("{key}: must be at least {min} ms, got {text:?}"));
                    0
                }
                Err(e) => {
                    errors.push(format!("{key}: {e}"));
                    0
                }
            },
        };
        let hold_ms = duration(self.hold, "hold", 0);
        let interval_ms = duration(self.interval, "interval", 1_000);
        let g = self.guards;
        let d = Guards::default();
        let guards = Guards {
            min_requests: match g.min_requests {
                None => d.min_requests,
                Some(n) if n >= 1 => n as u64,
                Some(n) => {
                    errors.push(format!("guards.min_requests: at least 1, got {n}"));
                    d.min_requests
                }
            },
            max_error_rate_delta: match g.max_error_rate_delta {
                None => d.max_error_rate_delta,
                Some(x) if (0.0..=1.0).contains(&x) => x,
                Some(x) => {
                    errors.push(format!(
                        "guards.max_error_rate_delta: a rate from 0 to 1 (0.01 = one point), got {x}"
                    ));
                    d.max_error_rate_delta
                }
            },
            max_p99_ms: match g.max_p99_ms {
                Some(x) if x.is_nan() || x <= 0.0 => {
                    errors.push(format!("guards.max_p99_ms: must be positive, got {x}"));
                    None
                }
                other => other,
            },
            max_p99_ratio: match g.max_p99_ratio {
                Some(x) if x.is_nan() || x <= 0.0 => {
                    errors.push(format!("guards.max_p99_ratio: must be positive, got {x}"));
                    None
                }
                other => other,
            },
            confidence: match g.confidence {
                None => d.confidence,
                Some(c) if c > 0.5 && c < 1.0 => c,
                Some(c) => {
                    errors.push(format!(
                        "guards.confidence: between 0.5 and 1 (e.g. 0.95), got {c}"
                    ));
                    d.confidence
                }
            },
        };
        if let Some(c) = &canary {
            let plan_stub = CanaryPlan {
                endpoint: String::new(),
                stable: stable.clone(),
                canary: c.clone(),
                steps: Vec::new(),
                hold_ms: 0,
                interval_ms: 0,
                guards: Guards::default(),
            };
            if !stable.is_empty() && plan_stub.canary_name() == stable {
                errors.push(format!("canary: the same entity as stable ({stable})"));
            }
        }
        match (errors.is_empty(), canary) {
            (true, Some(canary)) => Ok(CanaryPlan {
                endpoint,
                stable,
                canary,
                steps,
                hold_ms,
                interval_ms,
                guards,
            }),
            _ => Err(PlanErrors(errors)),
        }
    }
}
