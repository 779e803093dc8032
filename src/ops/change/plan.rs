//! A planned change: the object, its state before → after, the requests that will make it,
//! and the words a confirm dialog (or `--yes`-less headless run) shows. Building a plan reads
//! but never writes; [`Step::send`] is the only place a registry write leaves the console.

use serde::Serialize;

use crate::api::models::mlflow::KeyValue;
use crate::api::models::registry::TransitionStageRequest;
use crate::api::models::uc_tags::TagChanges;
use crate::api::{ApiResult, Client};
use crate::ops::blast_radius::BlastRadius;

use super::target::{ChangeAction, ObjectState, Target};

/// One request of a change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Step {
    SetUcAlias {
        model: String,
        alias: String,
        version: i64,
    },
    DeleteUcAlias {
        model: String,
        alias: String,
    },
    SetRegistryAlias {
        model: String,
        alias: String,
        version: String,
    },
    DeleteRegistryAlias {
        model: String,
        alias: String,
    },
    TransitionStage {
        model: String,
        version: String,
        stage: String,
        archive_existing: bool,
        comment: Option<String>,
    },
    ApproveRequest {
        model: String,
        version: String,
        stage: String,
        archive_existing: bool,
        comment: Option<String>,
    },
    RejectRequest {
        model: String,
        version: String,
        stage: String,
        comment: Option<String>,
    },
    /// Sets these tags on a UC version (MLflow UC RPCs, or the native PATCH as fallback).
    SetUcTags {
        model: String,
        version: String,
        tags: Vec<KeyValue>,
    },
    /// Removes these tags from a UC version (undoing a change cut short).
    RemoveUcTags {
        model: String,
        version: String,
        keys: Vec<String>,
    },
}

impl Step {
    /// Method and path, as the journal records it.
    pub fn describe(&self) -> String {
        const UC: &str = "/api/2.1/unity-catalog/models";
        const ML: &str = "/api/2.0/mlflow";
        match self {
            Step::SetUcAlias {
                model,
                alias,
                version,
            } => {
                format!("PUT {UC}/{model}/aliases/{alias} (version_num {version})")
            }
            Step::DeleteUcAlias { model, alias } => format!("DELETE {UC}/{model}/aliases/{alias}"),
            Step::SetRegistryAlias {
                model,
                alias,
                version,
            } => {
                format!("POST {ML}/registered-models/alias ({model}@{alias} → v{version})")
            }
            Step::DeleteRegistryAlias { model, alias } => {
                format!("DELETE {ML}/registered-models/alias ({model}@{alias})")
            }
            Step::TransitionStage {
                model,
                version,
                stage,
                archive_existing,
                ..
            } => format!(
                "POST {ML}/databricks/model-versions/transition-stage ({model} v{version} → \
                 {stage}{})",
                if *archive_existing {
                    ", archive existing"
                } else {
                    ""
                }
            ),
            Step::ApproveRequest {
                model,
                version,
                stage,
                archive_existing,
                ..
            } => format!(
                "POST {ML}/transition-requests/approve ({model} v{version} → {stage}{})",
                if *archive_existing {
                    ", archive existing"
                } else {
                    ""
                }
            ),
            Step::RejectRequest {
                model,
                version,
                stage,
                ..
            } => {
                format!("POST {ML}/transition-requests/reject ({model} v{version} → {stage})")
            }
            Step::SetUcTags {
                model,
                version,
                tags,
            } => format!(
                "POST {ML}/unity-catalog/model-versions/set-tag ({model} v{version}: {})",
                tags.iter()
                    .map(|t| t.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Step::RemoveUcTags {
                model,
                version,
                keys,
            } => format!(
                "POST {ML}/unity-catalog/model-versions/delete-tag ({model} v{version}: {})",
                keys.join(", ")
            ),
        }
    }

    /// Whether `state` (read back in the plan's shape) shows this request's effect; `None`
    /// when the state cannot tell (another kind). Used after a lost answer: applied → go on,
    /// not applied → send it once more.
    pub fn applied_in(&self, state: &ObjectState) -> Option<bool> {
        let stage_is = |stages: &std::collections::BTreeMap<String, String>, v: &str, s: &str| {
            stages.get(v).is_some_and(|got| got.eq_ignore_ascii_case(s))
        };
        match (self, state) {
            (Step::SetUcAlias { version, .. }, ObjectState::Alias { version: got }) => {
                Some(got.as_deref() == Some(version.to_string().as_str()))
            }
            (Step::SetRegistryAlias { version, .. }, ObjectState::Alias { version: got }) => {
                Some(got.as_deref() == Some(version.as_str()))
            }
            (
                Step::DeleteUcAlias { .. } | Step::DeleteRegistryAlias { .. },
                ObjectState::Alias { version: got },
            ) => Some(got.is_none()),
            (Step::TransitionStage { version, stage, .. }, _) => {
                state.stages().map(|st| stage_is(st, version, stage))
            }
            (
                Step::ApproveRequest { version, stage, .. },
                ObjectState::Request { open, stages, .. },
            ) => Some(!open && stage_is(stages, version, stage)),
            (Step::RejectRequest { .. }, ObjectState::Request { open, .. }) => Some(!open),
            (Step::SetUcTags { tags, .. }, ObjectState::Tags { tags: got }) => Some(
                tags.iter()
                    .all(|t| got.get(&t.key).cloned().flatten().as_deref() == Some(&t.value)),
            ),
            (Step::RemoveUcTags { keys, .. }, ObjectState::Tags { tags: got }) => {
                Some(keys.iter().all(|k| got.get(k).cloned().flatten().is_none()))
            }
            _ => None,
        }
    }

    /// The request that puts back what this one changed, given the object's state before the
    /// change; `None` when it cannot be undone on its own.
    pub fn undo(&self, before: &ObjectState) -> Option<Step> {
        let (
            Step::SetUcTags {
                model,
                version,
                tags,
            },
            ObjectState::Tags { tags: was },
        ) = (self, before)
        else {
            return None;
        };
        let mut restore = Vec::new();
        let mut remove = Vec::new();
        for t in tags {
            match was.get(&t.key).cloned().flatten() {
                Some(old) => restore.push(KeyValue::new(&t.key, &old)),
                None => remove.push(t.key.clone()),
            }
        }
        Some(if remove.is_empty() {
            Step::SetUcTags {
                model: model.clone(),
                version: version.clone(),
                tags: restore,
            }
        } else if restore.is_empty() {
            Step::RemoveUcTags {
                model: model.clone(),
                version: version.clone(),
                keys: remove,
            }
        } else {
            // One tag per request is how plans are built; mixed restores do not occur.
            return None;
        })
    }

    /// Sends the request.
    pub async fn send(&self, client: &Client) -> ApiResult<()> {
        match self {
            Step::SetUcAlias {
                model,
                alias,
                version,
            } => client.set_uc_alias(model, alias, *version).await.map(drop),
            Step::DeleteUcAlias { model, alias } => client.delete_uc_alias(model, alias).await,
            Step::SetRegistryAlias {
                model,
                alias,
                version,
            } => client.set_registry_alias(model, alias, version).await,
            Step::DeleteRegistryAlias { model, alias } => {
                client.delete_registry_alias(model, alias).await
            }
            Step::TransitionStage {
                model,
                version,
                stage,
                archive_existing,
                comment,
            } => {
                let req = TransitionStageRequest {
                    name: model.clone(),
                    version: version.clone(),
                    stage: stage.clone(),
                    archive_existing_versions: *archive_existing,
                    comment: comment.clone(),
                };
                client.transition_stage(&req).await.map(drop)
            }
            Step::ApproveRequest {
                model,
                version,
                stage,
                archive_existing,
                comment,
            } => client
                .approve_transition_request(
                    model,
                    version,
                    stage,
                    *archive_existing,
                    comment.as_deref(),
                )
                .await
                .map(drop),
            Step::RejectRequest {
                model,
                version,
                stage,
                comment,
            } => client
                .reject_transition_request(model, version, stage, comment.as_deref())
                .await
                .map(drop),
            Step::SetUcTags {
                model,
                version,
                tags,
            } => {
                let changes = TagChanges {
                    add_tags: tags.clone(),
                    remove: Vec::new(),
                };
                client
                    .update_uc_version_tags(model, version, &changes)
                    .await
                    .map(drop)
            }
            Step::RemoveUcTags {
                model,
                version,
                keys,
            } => {
                let changes = TagChanges {
                    add_tags: Vec::new(),
                    remove: keys.clone(),
                };
                client
                    .update_uc_version_tags(model, version, &changes)
                    .await
                    .map(drop)
            }
        }
    }
}

/// A change ready to be confirmed and executed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub action: ChangeAction,
    pub target: Target,
    /// The object as it is now.
    pub before: ObjectState,
    /// The object as it will be.
    pub after: ObjectState,
    /// Requests in order; empty when the object is already as asked (see [`Plan::is_noop`]).
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The journal id of the change a roll back undoes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    /// What a production profile makes the user type to confirm: the model's name.
    pub confirm_name: String,
    /// Things to read before confirming (drift since the last change, unusual states).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Serving endpoints that use this model, when the change can affect what they serve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blast_radius: Option<BlastRadius>,
    /// The version's approval is pending or rejected (in words): production profiles need an
    /// explicit override to apply the plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unapproved: Option<String>,
}

impl Plan {
    /// A plan with no requests yet; builders fill in the rest.
    pub fn new(
        action: ChangeAction,
        target: Target,
        before: ObjectState,
        after: ObjectState,
    ) -> Plan {
        Plan {
            confirm_name: target.model().to_string(),
            action,
            target,
            before,
            after,
            steps: Vec::new(),
            comment: None,
            reverts: None,
            warnings: Vec::new(),
            blast_radius: None,
            unapproved: None,
        }
    }

    /// True when the object is already as asked: nothing will be sent or journaled.
    pub fn is_noop(&self) -> bool {
        self.steps.is_empty()
    }

    /// E.g. `promote main.ml.churn_model@champion: v4 → v5`.
    pub fn summary(&self) -> String {
        format!(
            "{} {}: {} → {}",
            self.action,
            self.target.describe(),
            self.before.describe(),
            self.after.describe()
        )
    }

    /// The text of a confirm dialog, one line per entry: where, what, before → after, the
    /// blast radius, warnings and the requests that will be sent.
    pub fn dialog_lines(&self, profile: &str, host: &str, production: bool) -> Vec<String> {
        let mut lines = vec![
            format!(
                "Profile:  {profile}{}",
                if production { " (PRODUCTION)" } else { "" }
            ),
            format!("Host:     {host}"),
            format!("Action:   {}", self.action),
            format!("Object:   {}", self.target.describe()),
            format!("Before:   {}", self.before.describe()),
            format!("After:    {}", self.after.describe()),
        ];
        if let Some(c) = &self.comment {
            lines.push(format!("Comment:  {c}"));
        }
        if let Some(r) = &self.reverts {
            lines.push(format!("Reverts:  journal entry {r}"));
        }
        if let Some(u) = &self.unapproved {
            lines.push(format!("Approval: NOT APPROVED: {u}"));
        }
        if let Some(b) = &self.blast_radius {
            lines.push("Blast radius:".to_string());
            lines.extend(b.lines().into_iter().map(|l| format!("  {l}")));
        }
        for w in &self.warnings {
            lines.push(format!("Warning:  {w}"));
        }
        if self.is_noop() {
            lines.push("Nothing to send: the object is already in this state.".to_string());
        }
        for s in &self.steps {
            lines.push(format!("Sends:    {}", s.describe()));
        }
        if production {
            lines.push(format!("Type '{}' to confirm.", self.confirm_name));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_reads_well_in_a_dialog() {
        let mut plan = Plan::new(
            ChangeAction::Promote,
            Target::UcAlias {
                model: "main.ml.churn_model".into(),
                alias: "champion".into(),
            },
            ObjectState::Alias {
                version: Some("4".into()),
            },
            ObjectState::Alias {
                version: Some("5".into()),
            },
        );
        plan.steps.push(Step::SetUcAlias {
            model: "main.ml.churn_model".into(),
            alias: "champion".into(),
            version: 5,
        });
        assert_eq!(
            plan.summary(),
            "promote main.ml.churn_model@champion: v4 → v5"
        );
        let lines = plan.dialog_lines("prod", "https://dbc-1.cloud.databricks.com", true);
        assert_eq!(lines[0], "Profile:  prod (PRODUCTION)");
        assert!(lines.contains(&"Before:   v4".to_string()));
        assert!(lines.iter().any(|l| l.starts_with(
            "Sends:    PUT /api/2.1/unity-catalog/models/main.ml.churn_model/aliases/champion"
        )));
        assert_eq!(
            lines.last().unwrap(),
            "Type 'main.ml.churn_model' to confirm."
        );
        assert!(!plan.is_noop());
    }
}
