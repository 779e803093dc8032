//! The rules judged on the facts: a pure function, one alert per rule and object.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::alert_rules::{AlertRule, RuleKind, Severity};

use super::facts::*;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Endpoint,
    Job,
    /// A feature of a monitored table (`table.feature`).
    Feature,
    /// A model version (`model vN`, or `table vN` when the model is not known).
    ModelVersion,
    /// A monitored table.
    Monitor,
    /// A version waiting for approval.
    Approval,
    FeatureTable,
}

/// The object an alert is about, so a view can jump to it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct AlertObject {
    pub kind: ObjectKind,
    /// How people name it: `churn-prod`, `churn-retrain`, `main.ml.churn_inference.tenure_months`.
    pub name: String,
    /// The pieces a jump needs (endpoint name, job id, table, feature, model, version).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub keys: BTreeMap<String, String>,
}

impl AlertObject {
    fn new(kind: ObjectKind, name: impl Into<String>, keys: &[(&str, String)]) -> Self {
        AlertObject {
            kind,
            name: name.into(),
            keys: keys
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        }
    }

    /// The value of key `k` (`job_id`, `table`, `feature`…).
    pub fn key(&self, k: &str) -> Option<&str> {
        self.keys.get(k).map(String::as_str)
    }
}

/// One firing alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// `rule/object`: one alert per rule and object.
    pub id: String,
    pub rule: String,
    pub kind: &'static str,
    pub severity: Severity,
    pub object: AlertObject,
    /// Since when the condition holds (Unix ms), as the facts tell; else when first seen.
    pub since_ms: Option<i64>,
    pub detail: String,
    pub bell: bool,
    /// The window the condition was last seen in (its start, Unix ms): drift and quality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_ms: Option<i64>,
    /// Its rule retrains the model on its own when it fires.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub retrain: bool,
}

/// A rule that could not be judged, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownRule {
    pub rule: String,
    pub kind: &'static str,
    pub severity: Severity,
    pub reason: String,
}

/// The result of judging every enabled rule once.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    pub at_ms: i64,
    /// Most severe first, then by rule and object.
    pub firing: Vec<Alert>,
    pub unknown: Vec<UnknownRule>,
    /// Enabled rules judged (firing or not), unknown ones included.
    pub rules: usize,
}

impl Evaluation {
    pub fn any_critical(&self) -> bool {
        self.firing.iter().any(|a| a.severity == Severity::Critical)
    }
}

/// Judges every enabled rule on `facts`.
pub fn evaluate(rules: &[AlertRule], facts: &Facts) -> Evaluation {
    let mut eval = Evaluation {
        at_ms: facts.now_ms,
        ..Default::default()
    };
    for rule in rules.iter().filter(|r| r.enabled) {
        eval.rules += 1;
        match judge(rule, facts) {
            Ok(found) => eval
                .firing
                .extend(found.into_iter().map(|f| f.into_alert(rule))),
            Err(reason) => eval.unknown.push(UnknownRule {
                rule: rule.name.clone(),
                kind: rule.kind.name(),
                severity: rule.severity,
                reason,
            }),
        }
    }
    eval.firing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.object.cmp(&b.object))
    });
    eval
}

/// A condition found to hold for one object.
struct Found {
    object: AlertObject,
    since_ms: Option<i64>,
    detail: String,
    /// The latest window judged (drift, quality).
    window_ms: Option<i64>,
}

impl Found {
    fn into_alert(self, rule: &AlertRule) -> Alert {
        Alert {
            id: format!("{}/{}", rule.name, self.object.name),
            rule: rule.name.clone(),
            kind: rule.kind.name(),
            severity: rule.severity,
            object: self.object,
            since_ms: self.since_ms,
            detail: self.detail,
            bell: rule.bell,
            window_ms: self.window_ms,
            retrain: rule.retrain,
        }
    }
}

/// Whether `target` (the rule's) admits an object known by these names.
fn targets(rule: &AlertRule, names: &[&str]) -> bool {
    match &rule.target {
        None => true,
        Some(t) => names.iter().any(|n| n == t),
    }
}

fn unknown(source: &str, why: String) -> String {
    format!("{source} could not be read: {why}")
}

fn judge(rule: &AlertRule, facts: &Facts) -> Result<Vec<Found>, String> {
    match &rule.kind {
        RuleKind::EndpointUpdateFailed => {
            let eps = facts
                .endpoints
                .facts()
                .map_err(|e| unknown("endpoints", e))?;
            Ok(eps
                .iter()
                .filter(|e| e.update_failed && targets(rule, &[&e.name]))
                .map(|e| Found {
                    object: endpoint(&e.name),
                    since_ms: e.updated_ms,
                    window_ms: None,
                    detail: match &e.update_message {
                        Some(m) => format!("config update failed: {m}"),
                        None => "config update failed".to_string(),
                    },
                })
                .collect())
        }
        RuleKind::EndpointErrors {
            max_5xx_rate,
            max_p99_ms,
            min_requests,
        } => {
            let eps = facts
                .endpoints
                .facts()
                .map_err(|e| unknown("endpoints", e))?;
            let mut out = Vec::new();
            let mut failed = Vec::new();
            for e in eps.iter().filter(|e| targets(rule, &[&e.name])) {
                let t = match &e.traffic {
                    Source::Read(t) => t,
                    Source::Failed(why) => {
                        failed.push(format!("{}: {why}", e.name));
                        continue;
                    }
                    Source::NotWired => continue,
                };
                if t.requests < *min_requests as f64 {
                    continue;
                }
                let mut over = Vec::new();
                if let Some(limit) = max_5xx_rate
                    && t.ratio_5xx() > *limit
                {
                    over.push(format!(
                        "5xx {:.1}% > {:.1}% of {:.0} requests",
                        t.ratio_5xx() * 100.0,
                        limit * 100.0,
                        t.requests
                    ));
                }
                if let (Some(limit), Some(p99)) = (max_p99_ms, t.p99_ms)
                    && p99 > *limit
                {
                    over.push(format!("p99 {p99:.0} ms > {limit:.0} ms"));
                }
                if !over.is_empty() {
                    out.push(Found {
                        object: endpoint(&e.name),
                        since_ms: None,
                        window_ms: None,
                        detail: over.join("; "),
                    });
                }
            }
            // Some endpoints judged and others not: the firing ones stand, but the rule cannot
            // say the rest are fine.
            if !failed.is_empty() && out.is_empty() {
                return Err(unknown("endpoint metrics", failed.join("; ")));
            }
            Ok(out)
        }
        RuleKind::JobRunFailed => {
            let jobs = facts.jobs.facts().map_err(|e| unknown("job runs", e))?;
            Ok(jobs
                .iter()
                .filter(|j| targets(rule, &[&j.job, &j.job_id.to_string()]))
                .map(|j| Found {
                    object: AlertObject::new(
                        ObjectKind::Job,
                        j.job.clone(),
                        &[
                            ("job_id", j.job_id.to_string()),
                            ("run_id", j.run_id.to_string()),
                        ],
                    ),
                    since_ms: j.end_ms.or(j.start_ms),
                    window_ms: None,
                    detail: format!("run {} {}: {}", j.run_id, j.state, first_line(&j.message)),
                })
                .collect())
        }
        RuleKind::ApprovalPending { max_age_ms } => {
            let waits = facts
                .approvals
                .facts()
                .map_err(|e| unknown("approvals", e))?;
            Ok(waits
                .iter()
                .filter(|w| targets(rule, &[&w.model]))
                .filter_map(|w| {
                    let since = w.since_ms?;
                    let age = facts.now_ms - since;
                    (age > *max_age_ms).then(|| Found {
                        object: AlertObject::new(
                            ObjectKind::Approval,
                            format!("{} v{}", w.model, w.version),
                            &[("model", w.model.clone()), ("version", w.version.clone())],
                        ),
                        since_ms: Some(since),
                        window_ms: None,
                        detail: format!(
                            "waiting for approval for {} (limit {})",
                            age_text(age),
                            age_text(*max_age_ms)
                        ),
                    })
                })
                .collect())
        }
        RuleKind::MonitorRefreshFailed => {
            let monitors = facts.monitors.facts().map_err(|e| unknown("monitors", e))?;
            Ok(monitors
                .iter()
                .filter(|m| targets(rule, &[&m.table]))
                .filter_map(|m| {
                    let r = m.latest.as_ref().filter(|r| r.failed())?;
                    Some(Found {
                        object: AlertObject::new(
                            ObjectKind::Monitor,
                            m.table.clone(),
                            &[
                                ("table", m.table.clone()),
                                ("refresh_id", r.refresh_id.clone()),
                            ],
                        ),
                        since_ms: r.end_ms.or(r.start_ms),
                        window_ms: None,
                        detail: match &r.message {
                            Some(msg) => format!("refresh {} {}: {msg}", r.refresh_id, r.state),
                            None => format!("refresh {} {}", r.refresh_id, r.state),
                        },
                    })
                })
                .collect())
        }
        RuleKind::FeatureTableStale { max_age_ms } => {
            let tables = facts
                .features
                .facts()
                .map_err(|e| unknown("feature tables", e))?;
            Ok(tables
                .iter()
                .filter(|t| targets(rule, &[&t.table]))
                .filter_map(|t| {
                    let written = t.last_write_ms?;
                    let age = facts.now_ms - written;
                    (age > *max_age_ms).then(|| Found {
                        object: AlertObject::new(
                            ObjectKind::FeatureTable,
                            t.table.clone(),
                            &[("table", t.table.clone())],
                        ),
                        since_ms: Some(written + max_age_ms),
                        window_ms: None,
                        detail: format!(
                            "last written {} ago (limit {})",
                            age_text(age),
                            age_text(*max_age_ms)
                        ),
                    })
                })
                .collect())
        }
        RuleKind::OnlineSyncFailed | RuleKind::OnlineSyncLag { .. } => {
            let tables = facts
                .features
                .facts()
                .map_err(|e| unknown("feature tables", e))?;
            let lag_limit = match &rule.kind {
                RuleKind::OnlineSyncLag { max_age_ms } => Some(*max_age_ms),
                _ => None,
            };
            let mut out = Vec::new();
            for t in tables {
                for o in t
                    .online
                    .iter()
                    .filter(|o| targets(rule, &[&o.name, &t.table]))
                {
                    let detail = match lag_limit {
                        None if o.sync_failed => format!(
                            "sync {}{}",
                            o.sync_state.as_deref().unwrap_or("failed"),
                            o.message
                                .as_deref()
                                .map(|m| format!(": {}", first_line(m)))
                                .unwrap_or_default()
                        ),
                        Some(limit) => match o.lag_ms.filter(|l| *l > limit) {
                            Some(lag) => format!(
                                "{} behind {} (limit {})",
                                age_text(lag),
                                t.table,
                                age_text(limit)
                            ),
                            None => continue,
                        },
                        None => continue,
                    };
                    out.push(Found {
                        object: AlertObject::new(
                            ObjectKind::FeatureTable,
                            o.name.clone(),
                            &[("table", t.table.clone()), ("online_table", o.name.clone())],
                        ),
                        since_ms: None,
                        window_ms: None,
                        detail,
                    });
                }
            }
            Ok(out)
        }
        RuleKind::FeatureDrift {
            statistic,
            threshold,
            windows,
            feature,
        } => {
            let tables = facts
                .drift
                .facts()
                .map_err(|e| unknown("drift metrics", e))?;
            let mut out = Vec::new();
            for t in tables.iter().filter(|t| targets(rule, &[&t.table])) {
                for f in &t.features {
                    if feature.as_ref().is_some_and(|want| *want != f.feature) {
                        continue;
                    }
                    if let Some(found) = drifting(t, f, statistic, *threshold, *windows) {
                        out.push(found);
                    }
                }
            }
            Ok(out)
        }
        RuleKind::ModelQuality {
            metric,
            floor,
            drop,
        } => {
            let tables = facts
                .quality
                .facts()
                .map_err(|e| unknown("model quality", e))?;
            let mut out = Vec::new();
            for t in tables {
                let model = t.model.as_deref().unwrap_or("");
                if !targets(rule, &[&t.table, model]) {
                    continue;
                }
                for v in &t.versions {
                    if let Some(found) = quality_low(t, v, metric, *floor, *drop) {
                        out.push(found);
                    }
                }
            }
            Ok(out)
        }
    }
}

fn endpoint(name: &str) -> AlertObject {
    AlertObject::new(
        ObjectKind::Endpoint,
        name,
        &[("endpoint", name.to_string())],
    )
}

/// Whether a statistic's value crosses the threshold: p-values cross below it, distances above.
pub fn crosses(statistic: &str, value: f64, threshold: f64) -> bool {
    if statistic.ends_with("pvalue") {
        value < threshold
    } else {
        value > threshold
    }
}

/// The feature drifts when each of its last `n` windows crosses the threshold.
fn drifting(
    table: &DriftTable,
    f: &FeatureDrift,
    statistic: &str,
    threshold: f64,
    n: u32,
) -> Option<Found> {
    let n = n as usize;
    if f.windows.len() < n || n == 0 {
        return None;
    }
    let mut windows: Vec<&DriftWindow> = f.windows.iter().collect();
    windows.sort_by_key(|w| (w.end_ms, w.start_ms));
    let last = &windows[windows.len() - n..];
    let values: Vec<f64> = last
        .iter()
        .map(|w| w.statistics.get(statistic).copied())
        .collect::<Option<Vec<f64>>>()?;
    if !values.iter().all(|v| crosses(statistic, *v, threshold)) {
        return None;
    }
    // Since the start of the run of crossing windows, however long it is.
    let mut since = last[0].start_ms;
    for w in windows[..windows.len() - n].iter().rev() {
        match w.statistics.get(statistic) {
            Some(v) if crosses(statistic, *v, threshold) => since = w.start_ms,
            _ => break,
        }
    }
    let latest = values[values.len() - 1];
    let cmp = if statistic.ends_with("pvalue") {
        "<"
    } else {
        ">"
    };
    Some(Found {
        object: AlertObject::new(
            ObjectKind::Feature,
            format!("{}.{}", table.table, f.feature),
            &[
                ("table", table.table.clone()),
                ("feature", f.feature.clone()),
            ],
        ),
        since_ms: Some(since),
        window_ms: Some(last[n - 1].start_ms),
        detail: format!(
            "{statistic} {latest:.3} {cmp} {threshold} in the last {n} window{}",
            if n == 1 { "" } else { "s" }
        ),
    })
}

/// The version's latest value under the floor, or fallen by `drop` from its best earlier one.
fn quality_low(
    table: &QualityTable,
    v: &VersionQuality,
    metric: &str,
    floor: Option<f64>,
    drop: Option<f64>,
) -> Option<Found> {
    let mut points: Vec<(&QualityWindow, f64)> = v
        .windows
        .iter()
        .filter_map(|w| w.metrics.get(metric).map(|x| (w, *x)))
        .filter(|(_, x)| x.is_finite())
        .collect();
    points.sort_by_key(|(w, _)| (w.end_ms, w.start_ms));
    let (latest_w, latest) = *points.last()?;
    let mut why = Vec::new();
    if let Some(floor) = floor
        && latest < floor
    {
        why.push(format!("{metric} {latest:.3} < floor {floor}"));
    }
    if let Some(drop) = drop {
        let best = points[..points.len() - 1]
            .iter()
            .map(|(_, x)| *x)
            .fold(f64::NEG_INFINITY, f64::max);
        if best.is_finite() && best - latest > drop {
            why.push(format!(
                "{metric} fell {:.3} (from {best:.3} to {latest:.3}; limit {drop})",
                best - latest
            ));
        }
    }
    if why.is_empty() {
        return None;
    }
    let owner = table.model.clone().unwrap_or_else(|| table.table.clone());
    Some(Found {
        object: AlertObject::new(
            ObjectKind::ModelVersion,
            format!("{owner} v{}", v.version),
            &[
                ("table", table.table.clone()),
                ("model", table.model.clone().unwrap_or_default()),
                ("version", v.version.clone()),
            ],
        ),
        since_ms: Some(latest_w.start_ms),
        window_ms: Some(latest_w.start_ms),
        detail: why.join("; "),
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// `3d 4h`, `5h`, `12m`.
pub fn age_text(ms: i64) -> String {
    let m = ms.max(0) / 60_000;
    let (d, h, m) = (m / 1440, (m / 60) % 24, m % 60);
    match (d, h) {
        (0, 0) => format!("{m}m"),
        (0, h) => format!("{h}h {m}m"),
        (d, h) => format!("{d}d {h}h"),
    }
}
