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
//! `1m30s`; `hold` is at most 7 days and `interval` from 1 s to 1 hour. Every problem is
//! reported at once, each naming its key and, when the key is there, its line and column.

use serde::{Deserialize, Serialize};
use toml::Spanned;

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

    /// Whether a plan from elsewhere than a plan file (saved state) keeps the rules
    /// [`CanaryPlan::parse`] enforces; the first broken one otherwise.
    pub fn check(&self) -> Result<(), String> {
        let g = &self.guards;
        let positive = |x: Option<f64>| x.is_none_or(|x| x.is_finite() && x > 0.0);
        // Written as what holds, so a NaN anywhere fails it.
        let guards_hold = g.min_requests >= 1
            && (0.0..=1.0).contains(&g.max_error_rate_delta)
            && g.confidence > 0.5
            && g.confidence < 1.0
            && positive(g.max_p99_ms)
            && positive(g.max_p99_ratio);
        let problem = if self.endpoint.trim().is_empty() || self.stable.trim().is_empty() {
            "endpoint and stable are required"
        } else if self.steps.is_empty()
            || self.steps.iter().any(|p| !(1..=100).contains(p))
            || self.steps.windows(2).any(|w| w[1] <= w[0])
        {
            "steps must be percentages from 1 to 100, increasing strictly"
        } else if !(0..=MAX_HOLD_MS).contains(&self.hold_ms) {
            "hold is out of range"
        } else if !(1_000..=MAX_INTERVAL_MS).contains(&self.interval_ms) {
            "interval is out of range"
        } else if !guards_hold {
            "a guard is out of range"
        } else {
            return Ok(());
        };
        Err(format!("plan: {problem}"))
    }

    /// Parses and validates a plan file's text.
    pub fn parse(text: &str) -> Result<CanaryPlan, PlanErrors> {
        let file: PlanFile = toml::from_str(text).map_err(|e| {
            PlanErrors(vec![PlanProblem {
                line: e.span().map(|s| position(text, s.start)),
                message: e.message().trim().replace('\n', " "),
            }])
        })?;
        file.validate(text)
    }
}

/// One problem of a plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanProblem {
    /// Line and column (1-based, in characters) of the value at fault; none for a missing key.
    pub line: Option<(usize, usize)>,
    pub message: String,
}

impl std::fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some((line, column)) => write!(f, "line {line}:{column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Every problem of a plan, one line each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid canary plan:\n  {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
pub struct PlanErrors(pub Vec<PlanProblem>);

impl PlanErrors {
    /// The messages without positions (for a plan the user did not write as a file).
    pub fn messages(&self) -> Vec<String> {
        self.0.iter().map(|p| p.message.clone()).collect()
    }
}

/// Line and column (1-based, in characters) of byte `offset` of `text`.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    endpoint: Option<Spanned<String>>,
    stable: Option<Spanned<String>>,
    canary: Option<Spanned<String>>,
    canary_model: Option<Spanned<String>>,
    canary_version: Option<Spanned<toml::Value>>,
    steps: Option<Spanned<Vec<i64>>>,
    hold: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    #[serde(default)]
    guards: GuardsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardsFile {
    min_requests: Option<Spanned<i64>>,
    max_error_rate_delta: Option<Spanned<f64>>,
    max_p99_ms: Option<Spanned<f64>>,
    max_p99_ratio: Option<Spanned<f64>>,
    confidence: Option<Spanned<f64>>,
}

/// The longest duration [`parse_duration`] reads (a year): anything longer is a typo, and
/// every later sum of timestamps and durations stays far from overflow.
pub const MAX_DURATION_MS: i64 = 365 * 24 * 3_600_000;
/// The longest `hold`: a week.
pub const MAX_HOLD_MS: i64 = 7 * 24 * 3_600_000;
/// The longest `interval`: an hour.
pub const MAX_INTERVAL_MS: i64 = 3_600_000;

/// `500ms`, `15s`, `2m`, `1h`, `1m30s` → milliseconds; at most [`MAX_DURATION_MS`].
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration".to_string());
    }
    let not_a_duration = || format!("{text:?} is not a duration (e.g. 15s, 2m, 1m30s)");
    let too_long = || format!("{text:?} is too long (a duration is at most a year)");
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(not_a_duration());
        }
        let number: f64 = rest[..digits].parse().map_err(|_| not_a_duration())?;
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
        total += number * factor;
        // Checked on every part, so a long sum cannot run to infinity first.
        if !total.is_finite() || total > MAX_DURATION_MS as f64 {
            return Err(too_long());
        }
    }
    Ok(total.round() as i64)
}

/// Problems found so far, placed in the file's text.
struct Problems<'a> {
    text: &'a str,
    list: Vec<PlanProblem>,
}

impl Problems<'_> {
    /// A problem with a value (its position is the value's).
    fn at<T>(&mut self, value: &Spanned<T>, message: String) {
        self.list.push(PlanProblem {
            line: Some(position(self.text, value.span().start)),
            message,
        });
    }

    /// A problem with no place in the file (a missing key, a contradiction).
    fn add(&mut self, message: String) {
        self.list.push(PlanProblem {
            line: None,
            message,
        });
    }
}

impl PlanFile {
    fn validate(self, text: &str) -> Result<CanaryPlan, PlanErrors> {
        let mut errors = Problems {
            text,
            list: Vec::new(),
        };
        let required = |v: Option<Spanned<String>>, key: &str, errors: &mut Problems| match v {
            Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().trim().to_string(),
            Some(s) => {
                errors.at(&s, format!("{key}: must not be empty"));
                String::new()
            }
            None => {
                errors.add(format!("{key}: required"));
                String::new()
            }
        };
        let endpoint = required(self.endpoint, "endpoint", &mut errors);
        let stable = required(self.stable, "stable", &mut errors);
        let version = match &self.canary_version {
            None => None,
            Some(v) => match v.get_ref() {
                toml::Value::Integer(i) if *i > 0 => Some(i.to_string()),
                toml::Value::String(s) if s.trim().parse::<u64>().is_ok_and(|v| v > 0) => {
                    Some(s.trim().to_string())
                }
                other => {
                    errors.at(
                        v,
                        format!("canary_version: a model version number is expected, got {other}"),
                    );
                    None
                }
            },
        };
        let canary_model = self.canary_model.map(Spanned::into_inner);
        let canary = match (self.canary, canary_model, version) {
            (Some(c), None, None) if !c.get_ref().trim().is_empty() => Some(Canary::Served {
                name: c.get_ref().trim().to_string(),
            }),
            (None, Some(m), Some(v)) if !m.trim().is_empty() => Some(Canary::New {
                model: m.trim().to_string(),
                version: v,
            }),
            (None, Some(_), None) if self.canary_version.is_none() => {
                errors.add("canary_version: required with canary_model".to_string());
                None
            }
            (None, None, Some(_)) => {
                errors.add("canary_model: required with canary_version".to_string());
                None
            }
            (None, None, None) if self.canary_version.is_none() => {
                errors.add(
                    "canary: required (or canary_model and canary_version for a version the \
                     endpoint does not serve yet)"
                        .to_string(),
                );
                None
            }
            (None, Some(_), Some(_)) => {
                errors.add("canary_model: must not be empty".to_string());
                None
            }
            // A bad canary_version is reported above.
            (None, _, None) => None,
            (Some(c), None, None) => {
                errors.at(&c, "canary: must not be empty".to_string());
                None
            }
            _ => {
                errors.add(
                    "canary: give either canary, or canary_model and canary_version, not both"
                        .to_string(),
                );
                None
            }
        };
        let steps: Vec<u32> = match self.steps {
            None => {
                errors.add("steps: required, e.g. [5, 25, 50, 100]".to_string());
                Vec::new()
            }
            Some(s) if s.get_ref().is_empty() => {
                errors.at(&s, "steps: at least one step".to_string());
                Vec::new()
            }
            Some(s) => {
                let list = s.get_ref();
                if let Some(bad) = list.iter().find(|p| !(1..=100).contains(*p)) {
                    errors.at(
                        &s,
                        format!("steps: {bad} is not a percentage from 1 to 100"),
                    );
                }
                if list.windows(2).any(|w| w[1] <= w[0]) {
                    errors.at(&s, format!("steps: must increase strictly, got {list:?}"));
                }
                list.iter().map(|p| (*p).clamp(0, 100) as u32).collect()
            }
        };
        let mut duration = |v: Option<Spanned<String>>, key: &str, min: i64, max: (i64, &str)| {
            let Some(v) = v else {
                errors.add(format!("{key}: required, e.g. \"2m\" or \"15s\""));
                return 0;
            };
            let text = v.get_ref();
            let problem = match parse_duration(text) {
                Ok(ms) if ms < min => format!("{key}: must be at least {min} ms, got {text:?}"),
                Ok(ms) if ms > max.0 => format!("{key}: at most {}, got {text:?}", max.1),
                Ok(ms) => return ms,
                Err(e) => format!("{key}: {e}"),
            };
            errors.at(&v, problem);
            0
        };
        let hold_ms = duration(self.hold, "hold", 0, (MAX_HOLD_MS, "7 days"));
        let interval_ms = duration(
            self.interval,
            "interval",
            1_000,
            (MAX_INTERVAL_MS, "1 hour"),
        );
        let guards = self.guards.validate(&mut errors);
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
                errors.add(format!("canary: the same entity as stable ({stable})"));
            }
        }
        match (errors.list.is_empty(), canary) {
            (true, Some(canary)) => Ok(CanaryPlan {
                endpoint,
                stable,
                canary,
                steps,
                hold_ms,
                interval_ms,
                guards,
            }),
            _ => Err(PlanErrors(errors.list)),
        }
    }
}

impl GuardsFile {
    fn validate(self, errors: &mut Problems) -> Guards {
        let d = Guards::default();
        let positive = |v: Option<Spanned<f64>>, key: &str, errors: &mut Problems| match v {
            Some(x) if !x.get_ref().is_finite() || *x.get_ref() <= 0.0 => {
                errors.at(
                    &x,
                    format!("guards.{key}: a positive number, got {}", x.get_ref()),
                );
                None
            }
            other => other.map(Spanned::into_inner),
        };
        Guards {
            min_requests: match self.min_requests {
                None => d.min_requests,
                Some(n) if *n.get_ref() >= 1 => *n.get_ref() as u64,
                Some(n) => {
                    errors.at(
                        &n,
                        format!("guards.min_requests: at least 1, got {}", n.get_ref()),
                    );
                    d.min_requests
                }
            },
            max_error_rate_delta: match self.max_error_rate_delta {
                None => d.max_error_rate_delta,
                Some(x) if (0.0..=1.0).contains(x.get_ref()) => x.into_inner(),
                Some(x) => {
                    errors.at(
                        &x,
                        format!(
                            "guards.max_error_rate_delta: a rate from 0 to 1 (0.01 = one point), \
                             got {}",
                            x.get_ref()
                        ),
                    );
                    d.max_error_rate_delta
                }
            },
            max_p99_ms: positive(self.max_p99_ms, "max_p99_ms", errors),
            max_p99_ratio: positive(self.max_p99_ratio, "max_p99_ratio", errors),
            confidence: match self.confidence {
                None => d.confidence,
                Some(c) if *c.get_ref() > 0.5 && *c.get_ref() < 1.0 => c.into_inner(),
                Some(c) => {
                    errors.at(
                        &c,
                        format!(
                            "guards.confidence: between 0.5 and 1 (e.g. 0.95), got {}",
                            c.get_ref()
                        ),
                    );
                    d.confidence
                }
            },
        }
    }
}
