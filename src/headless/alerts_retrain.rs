//! Automatic retraining in the headless `alerts` (`ops::alerts::auto`): `alerts --watch` runs
//! the guard for each alert that fires whose rule says `retrain = true`; `alerts --once` only
//! with `--retrain`, because a cron or CI gate must not start jobs unless asked to. Each outcome
//! is printed (a JSON line `{"change":"auto_retrain",…}` under `--watch`).

use serde_json::json;

use crate::api::Client;
use crate::config::alert_rules::AlertRule;
use crate::config::retraining::RetrainingJobs;
use crate::ops::ChangeContext;
use crate::ops::Workspace;
use crate::ops::alerts::auto::{AutoInputs, AutoRetrain, on_each_fired};
use crate::ops::alerts::{Alert, AlertChange};
use crate::ops::retrain::auto::AutoRetrainStore;

use super::change::{self, ChangeProfile};
use super::output;

/// What the automatic retrains of `alerts` run under.
#[derive(Debug, Clone, Copy)]
pub struct AutoRetraining<'a> {
    pub session: &'a ChangeProfile,
    /// `[retraining]` of config.toml.
    pub retraining: &'a RetrainingJobs,
}

impl AutoRetraining<'_> {
    /// The guard for each fired alert of a rule with `retrain = true`, in turn.
    pub async fn on_fired(
        &self,
        client: &Client,
        rules: &[AlertRule],
        fired: &[&Alert],
    ) -> Vec<AutoRetrain> {
        if !fired.iter().any(|a| a.retrain) {
            return Vec::new();
        }
        let store =
            AutoRetrainStore::for_workspace(&self.session.data_dir, &Workspace::of(client).await);
        let ctx = ChangeContext {
            profile: self.session.profile.clone(),
            actor: change::actor(client).await,
            production: self.session.production,
        };
        let journal = self.session.journal();
        let inputs = AutoInputs {
            rules,
            retraining: self.retraining,
            readonly: self.session.readonly,
            store: &store,
            journal: &journal,
            ctx: &ctx,
        };
        on_each_fired(client, inputs, fired.iter().copied()).await
    }
}

/// The alerts that fired among `changes`.
pub fn fired(changes: &[AlertChange]) -> Vec<&Alert> {
    changes
        .iter()
        .filter_map(|c| match c {
            AlertChange::Fired { alert, .. } => Some(alert),
            _ => None,
        })
        .collect()
}

/// `--watch`: one JSON line per outcome.
pub fn print_lines(at_ms: i64, done: &[AutoRetrain]) {
    for r in done {
        let mut line = json!({ "change": "auto_retrain", "at_ms": at_ms });
        if let (Some(obj), Ok(serde_json::Value::Object(r))) =
            (line.as_object_mut(), serde_json::to_value(r))
        {
            obj.extend(r);
        }
        output::println(&crate::safe_text::json(&line.to_string()));
    }
}

/// `--once` (text): the outcomes under the alerts.
pub fn render(done: &[AutoRetrain]) -> String {
    if done.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nautomatic retraining:\n");
    for r in done {
        out.push_str(&format!("  {}\n", r.text()));
    }
    out
}

/// `--once` without `--retrain`: the rules that would have retrained, said on stderr.
pub fn note_not_asked(fired: &[&Alert]) {
    let mut rules: Vec<&str> = fired
        .iter()
        .filter(|a| a.retrain)
        .map(|a| a.rule.as_str())
        .collect();
    rules.dedup();
    if !rules.is_empty() {
        crate::eprintln_escaped!(
            "note: rule {} fired with retrain = true; `alerts --once` retrains only with \
             --retrain (nothing was started)",
            rules.join(", ")
        );
    }
}
