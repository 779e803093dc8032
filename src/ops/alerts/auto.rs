//! Automatic retraining when an alert fires: what both evaluation loops (headless `alerts` and
//! the console's) do for a fired alert whose rule says `retrain = true`. The guard itself
//! ([`crate::ops::retrain::auto`]) decides: never on a read-only profile, at most once per window
//! per rule; the retrain goes through the one change pipeline, journaled as automatic.
//!
//! Which model: the rule's `model`; else the model the alert names (a quality alert on a known
//! model) or the rule's target, when `[retraining]` names a job for it; else the one model that
//! has a retraining job (`[retraining]`, else the jobs' `mlops.retrains` tags). When none can be
//! told, nothing is sent and the outcome says why ("automatic retraining skipped: …"), never
//! silently.

use serde::Serialize;

use crate::api::Client;
use crate::config::alert_rules::AlertRule;
use crate::config::retraining::{RetrainingJobs, is_full_name};
use crate::ops::change::execute::ChangeContext;
use crate::ops::journal::Journal;
use crate::ops::launch::idempotency_token;
use crate::ops::retrain::auto::{
    AutoDecision, AutoError, AutoOutcome, AutoRetrainStore, AutoTrigger, auto_retrain,
};
use crate::ops::retrain::{RetrainError, RetrainRequest, find_job, sole_model};

use super::evaluate::Alert;

/// Automatic retrains run one at a time in this process, so two evaluations (or two alerts of
/// one evaluation) never both read "not yet retrained for this window" and both start a run.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What an automatic retrain did for one fired alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AutoResult {
    /// The run was started and read back (journaled as automatic).
    Started {
        run_id: i64,
        journal_id: String,
        job: String,
    },
    /// Nothing was sent, for this reason.
    Skipped { why: String },
    /// Something went wrong; the text says whether anything was sent (and the journal id).
    Failed { error: String },
}

/// The report of one fired alert's automatic retrain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoRetrain {
    pub rule: String,
    /// The alert's id (`rule/object`).
    pub alert: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The window (its start) the alert fired for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    #[serde(flatten)]
    pub result: AutoResult,
}

impl AutoRetrain {
    /// One sentence: `automatic retraining of M (alert A): run 7 started (journal J)`.
    pub fn text(&self) -> String {
        let of = self
            .model
            .as_deref()
            .map(|m| format!(" of {m}"))
            .unwrap_or_default();
        match &self.result {
            AutoResult::Started {
                run_id, journal_id, ..
            } => format!(
                "automatic retraining{of} (alert {}): run {run_id} started (journal {journal_id})",
                self.alert
            ),
            AutoResult::Skipped { why } => {
                format!("automatic retraining skipped (alert {}): {why}", self.alert)
            }
            AutoResult::Failed { error } => {
                format!("automatic retraining{of} (alert {}): {error}", self.alert)
            }
        }
    }

    pub fn started(&self) -> bool {
        matches!(self.result, AutoResult::Started { .. })
    }
}

/// What the automatic retrains need beside the client.
#[derive(Debug, Clone, Copy)]
pub struct AutoInputs<'a> {
    pub rules: &'a [AlertRule],
    /// `[retraining]` of config.toml.
    pub retraining: &'a RetrainingJobs,
    /// The profile is read-only (the client's own flag counts too).
    pub readonly: bool,
    pub store: &'a AutoRetrainStore,
    pub journal: &'a Journal,
    pub ctx: &'a ChangeContext,
}

/// A window start as the job's `window` parameter and the guard's key.
pub fn window_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// The model the rule retrains for `alert` (see the module comment); `Err` says why it cannot
/// be told.
pub async fn model_for(
    client: &Client,
    rule: &AlertRule,
    alert: &Alert,
    retraining: &RetrainingJobs,
) -> Result<String, String> {
    if let Some(m) = &rule.retrain_model {
        return Ok(m.clone());
    }
    if let Some(m) = alert.object.key("model").filter(|m| is_full_name(m)) {
        return Ok(m.to_string());
    }
    if let Some(t) = rule.target.as_deref()
        && retraining.job_for(t).is_some()
    {
        return Ok(t.trim().to_string());
    }
    sole_model(client, retraining).await.map_err(|why| {
        format!(
            "cannot tell which model to retrain: {why}; set model = \"catalog.schema.model\" on \
             rule {:?} in alerts.toml",
            rule.name
        )
    })
}

/// Runs the guard for a fired `alert`: `None` when its rule does not retrain on its own (the
/// default), else what was done.
pub async fn on_fired(
    client: &Client,
    inputs: AutoInputs<'_>,
    alert: &Alert,
) -> Option<AutoRetrain> {
    let rule = inputs.rules.iter().find(|r| r.name == alert.rule)?;
    if !rule.retrain {
        return None;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let window = alert.window_ms.map(window_text);
    let mut report = AutoRetrain {
        rule: rule.name.clone(),
        alert: alert.id.clone(),
        model: None,
        window: window.clone(),
        result: AutoResult::Skipped { why: String::new() },
    };
    let skipped = |mut report: AutoRetrain, why: String| {
        report.result = AutoResult::Skipped { why };
        Some(report)
    };
    let Some(window) = window else {
        return skipped(report, "the alert names no window".into());
    };
    // The guard's cheap refusals first: no lookups for what will not run.
    let readonly = inputs.readonly || client.readonly();
    let last = if readonly {
        None
    } else {
        match inputs.store.last_window(&rule.name) {
            Ok(last) => last,
            Err(e) => {
                report.result = AutoResult::Failed {
                    error: format!(
                        "automatic retraining state {}: {e}; nothing was sent",
                        inputs.store.path().display()
                    ),
                };
                return Some(report);
            }
        }
    };
    let decision = crate::ops::retrain::auto::decide(true, readonly, last.as_deref(), &window);
    if let Some(why) = decision.skipped_because() {
        return skipped(report, why);
    }
    let model = match model_for(client, rule, alert, inputs.retraining).await {
        Ok(m) => m,
        Err(why) => return skipped(report, why),
    };
    report.model = Some(model.clone());
    let job = match find_job(client, inputs.retraining, &model).await {
        Ok(j) => j,
        Err(e) => return skipped(report, format!("{e}; nothing was sent")),
    };
    let mut request =
        RetrainRequest::new(&model, &format!("alert {}: {}", rule.name, alert.detail));
    request.monitor = alert.object.key("table").map(str::to_string);
    request.feature = alert.object.key("feature").map(str::to_string);
    request.window = Some(window.clone());
    let trigger = AutoTrigger {
        rule: rule.name.clone(),
        enabled: true,
        window,
    };
    let outcome = auto_retrain(
        client,
        inputs.journal,
        inputs.ctx,
        inputs.store,
        readonly,
        &trigger,
        &job,
        &request,
        idempotency_token("retrain"),
    )
    .await;
    report.result = match outcome {
        Ok(AutoOutcome::Started(s)) => AutoResult::Started {
            run_id: s.run_id,
            journal_id: s.journal_id,
            job: job.name,
        },
        Ok(AutoOutcome::Skipped(d)) => AutoResult::Skipped {
            why: d.skipped_because().unwrap_or_else(|| format!("{d:?}")),
        },
        Err(AutoError::Retrain(RetrainError::Launch(l))) => AutoResult::Failed {
            error: format!(
                "{}: {} (journal {}; see the Audit screen)",
                l.outcome.as_str(),
                l.message,
                l.id
            ),
        },
        Err(e) => AutoResult::Failed {
            error: e.to_string(),
        },
    };
    Some(report)
}

/// [`on_fired`] for each alert in turn (one at a time: the first of a rule's window starts
/// the run, the others of that window say it was done).
pub async fn on_each_fired<'a>(
    client: &Client,
    inputs: AutoInputs<'_>,
    fired: impl IntoIterator<Item = &'a Alert>,
) -> Vec<AutoRetrain> {
    let mut out = Vec::new();
    for alert in fired {
        if let Some(r) = on_fired(client, inputs, alert).await {
            out.push(r);
        }
    }
    out
}

/// What a read-only console says without asking the runtime.
pub fn read_only_skip(alert: &Alert) -> AutoRetrain {
    AutoRetrain {
        rule: alert.rule.clone(),
        alert: alert.id.clone(),
        model: None,
        window: alert.window_ms.map(window_text),
        result: AutoResult::Skipped {
            why: AutoDecision::ReadOnly.skipped_because().unwrap_or_default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_as_utc_timestamps_and_reports_say_what_happened() {
        assert_eq!(window_text(1_793_491_200_000), "2026-11-01T00:00:00Z");
        let r = AutoRetrain {
            rule: "drift".into(),
            alert: "drift/t.f".into(),
            model: Some("main.ml.m".into()),
            window: Some("w".into()),
            result: AutoResult::Started {
                run_id: 7,
                journal_id: "j1".into(),
                job: "retrain".into(),
            },
        };
        assert_eq!(
            r.text(),
            "automatic retraining of main.ml.m (alert drift/t.f): run 7 started (journal j1)"
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["outcome"], "started");
        assert_eq!(v["run_id"], 7);
        let skipped = AutoRetrain {
            result: AutoResult::Skipped {
                why: "read-only".into(),
            },
            ..r
        };
        assert!(skipped.text().starts_with("automatic retraining skipped"));
        assert_eq!(serde_json::to_value(&skipped).unwrap()["why"], "read-only");
    }
}
