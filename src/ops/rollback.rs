//! Roll back (PRODUCT §4): put an alias or the stages back where they were before the last
//! change, taken from the audit journal. A roll back is itself journaled, so rolling back twice
//! undoes the roll back. When the journal has nothing, the candidates come from the version
//! history, with the reason: Unity Catalog (and MLflow) keep no alias history, and the
//! workspace registry's stage history is not readable through its API.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::Client;
use crate::api::paging::{Page, collect_pages};
use crate::ops::blast_radius;
use crate::ops::change::model_ref::{ModelRef, parse_version};
use crate::ops::change::plan::{Plan, Step};
use crate::ops::change::readback::read_state;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Entry, JournalView, Standing};
use crate::ops::model_versions::list_model_versions;
use crate::ops::promote::{self, DEFAULT_ALIAS};
use crate::ops::workspace::Workspace;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RollbackRequest {
    pub model: String,
    /// UC: which alias (default `champion`). Registry: an MLflow alias instead of the stages.
    pub alias: Option<String>,
    /// Roll back to this version by hand (when the journal has nothing, or to skip further).
    pub to: Option<String>,
    pub comment: Option<String>,
}

/// A version offered when the journal cannot say where to go back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub version: String,
    /// Stage (registry) or registration status (UC).
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidates {
    pub target: Target,
    pub current: ObjectState,
    /// Newest first.
    pub versions: Vec<Candidate>,
    /// Why there is no plan.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RollbackPlan {
    Plan(Box<Plan>),
    Candidates(Candidates),
}

/// The object a roll back of `model` acts on.
pub fn target_for(model: &ModelRef, alias: Option<&str>) -> Target {
    match (model, alias) {
        (ModelRef::Uc(m), a) => Target::UcAlias {
            model: m.clone(),
            alias: a.unwrap_or(DEFAULT_ALIAS).to_string(),
        },
        (ModelRef::Registry(m), Some(a)) => Target::RegistryAlias {
            model: m.clone(),
            alias: a.to_string(),
        },
        (ModelRef::Registry(m), None) => Target::Stages { model: m.clone() },
    }
}

/// Whether a journal entry changed `target`: the same alias, or any change that moved stages
/// of the same model (promotions, approvals, roll backs).
fn changed(entry: &Entry, target: &Target) -> bool {
    let a = &entry.attempt;
    match target {
        Target::Stages { model } => {
            a.target.model() == model
                && matches!(
                    a.target,
                    Target::Stages { .. } | Target::TransitionRequest { .. }
                )
                && a.before.stages().is_some()
                && a.before.stages() != a.after.stages()
        }
        other => a.target == *other,
    }
}

/// The newest successful change of `target` made on workspace `ws` (never one of another
/// workspace with the same names), and warnings about newer changes whose outcome is unknown.
pub fn last_change<'v>(
    view: &'v JournalView,
    ws: &Workspace,
    target: &Target,
) -> (Option<&'v Entry>, Vec<String>) {
    let mut warnings = Vec::new();
    for entry in view.entries.iter().rev() {
        if !ws.made(&entry.attempt) || !changed(entry, target) {
            continue;
        }
        match entry.standing() {
            Standing::Ok => return (Some(entry), warnings),
            s if s.needs_verify() => warnings.push(format!(
                "a later change ({}, {}) has an unknown outcome: verify it first \
                 (`mlops-console audit --verify`)",
                entry.attempt.id, entry.attempt.action
            )),
            _ => {}
        }
    }
    (None, warnings)
}

/// Order of stage moves in a roll back: restore Production first so that a Production version
/// always exists, then Staging, then the rest.
fn stage_rank(stage: &str) -> u8 {
    match stage.to_ascii_lowercase().as_str() {
        "production" => 0,
        "staging" => 1,
        "none" => 2,
        _ => 3,
    }
}

/// The roll back of `entry`, given the object's state now (read with the keys of the entry's
/// `after`). Pure.
pub fn plan_from_entry(entry: &Entry, current: &ObjectState, comment: Option<&str>) -> Plan {
    let a = &entry.attempt;
    let model = a.target.model().to_string();
    let mut plan = match (&a.target, &a.before) {
        (
            Target::UcAlias { alias, .. } | Target::RegistryAlias { alias, .. },
            ObjectState::Alias { version },
        ) => {
            let mut p = Plan::new(
                ChangeAction::Rollback,
                a.target.clone(),
                current.clone(),
                a.before.clone(),
            );
            let now = match current {
                ObjectState::Alias { version } => version.clone(),
                _ => None,
            };
            let uc = matches!(a.target, Target::UcAlias { .. });
            match (version, now.as_deref()) {
                (Some(v), n) if n != Some(v.as_str()) => p.steps.push(if uc {
                    Step::SetUcAlias {
                        model: model.clone(),
                        alias: alias.clone(),
                        version: v.parse().unwrap_or_default(),
                    }
                } else {
                    Step::SetRegistryAlias {
                        model: model.clone(),
                        alias: alias.clone(),
                        version: v.clone(),
                    }
                }),
                (None, Some(_)) => p.steps.push(if uc {
                    Step::DeleteUcAlias {
                        model: model.clone(),
                        alias: alias.clone(),
                    }
                } else {
                    Step::DeleteRegistryAlias {
                        model: model.clone(),
                        alias: alias.clone(),
                    }
                }),
                _ => {}
            }
            p
        }
        (_, before) => {
            let want: BTreeMap<String, String> = before.stages().cloned().unwrap_or_default();
            let now: BTreeMap<String, String> = current.stages().cloned().unwrap_or_default();
            let mut p = Plan::new(
                ChangeAction::Rollback,
                Target::Stages {
                    model: model.clone(),
                },
                ObjectState::Stages {
                    stages: now.clone(),
                },
                ObjectState::Stages {
                    stages: want.clone(),
                },
            );
            let mut moves: Vec<(&String, &String)> = want
                .iter()
                .filter(|(v, s)| !now.get(*v).is_some_and(|n| n.eq_ignore_ascii_case(s)))
                .collect();
            moves.sort_by_key(|(v, s)| (stage_rank(s), v.parse::<i64>().unwrap_or(0)));
            for (v, s) in moves {
                p.steps.push(Step::TransitionStage {
                    model: model.clone(),
                    version: v.clone(),
                    stage: s.clone(),
                    archive_existing: false,
                    comment: Some(
                        comment
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("roll back of {}", a.id)),
                    ),
                });
            }
            p
        }
    };
    // An approval's `after` also says the request closed; only its stages matter here.
    let unchanged = match (a.after.stages(), current.stages()) {
        (Some(set), Some(now)) => ObjectState::Stages {
            stages: set.clone(),
        }
        .satisfied_by(&ObjectState::Stages {
            stages: now.clone(),
        }),
        _ => a.after.satisfied_by(current),
    };
    if !unchanged && !plan.is_noop() {
        plan.warnings.push(format!(
            "{} changed after {} set it to {}: it now reads {}",
            a.target.describe(),
            a.id,
            a.after.describe(),
            current.describe()
        ));
    }
    plan.reverts = Some(a.id.clone());
    plan.comment = comment.map(str::to_string);
    plan
}

/// Versions to offer when the journal has nothing, newest first.
async fn candidates(
    client: &Client,
    target: &Target,
    current: &ObjectState,
) -> Result<Vec<Candidate>, OpError> {
    let model = target.model();
    let in_use = match current {
        ObjectState::Alias { version } => version.clone(),
        _ => None,
    };
    let mut out = if let Target::UcAlias { .. } = target {
        let versions = collect_pages(
            "unity-catalog/models/versions",
            |token| async move {
                let r = client
                    .list_uc_model_versions(model, Some(100), token.as_deref())
                    .await?;
                Ok(Page {
                    items: r.model_versions,
                    next_page_token: r.next_page_token,
                })
            },
            Some(200),
        )
        .await?;
        versions
            .into_iter()
            .map(|v| Candidate {
                version: v.version.to_string(),
                state: v.status.map_or_else(String::new, |s| s.to_string()),
                created_at: v.created_at,
                created_by: v.created_by,
                comment: v.comment,
            })
            .collect::<Vec<_>>()
    } else {
        let versions = list_model_versions(client, model, 1000).await?;
        let registry_alias = matches!(target, Target::RegistryAlias { .. });
        versions
            .into_iter()
            .filter(|v| {
                registry_alias
                    || v.current_stage
                        .as_ref()
                        .is_none_or(|s| s.as_str() != "Production")
            })
            .map(|v| Candidate {
                version: v.version,
                state: v.current_stage.map_or_else(String::new, |s| s.to_string()),
                created_at: v.creation_timestamp,
                created_by: v.user_id,
                comment: v.description.filter(|d| !d.is_empty()),
            })
            .collect()
    };
    out.retain(|c| Some(&c.version) != in_use.as_ref());
    out.sort_by_key(|c| std::cmp::Reverse(c.version.parse::<i64>().unwrap_or(0)));
    Ok(out)
}

fn no_history_note(target: &Target) -> String {
    match target {
        Target::UcAlias { .. } => format!(
            "Unity Catalog keeps no alias history, and the audit journal has no earlier change \
             of {} from this workspace: pick the version to roll back to",
            target.describe()
        ),
        Target::RegistryAlias { .. } => format!(
            "MLflow keeps no alias history, and the audit journal has no earlier change of {}: \
             pick the version to roll back to",
            target.describe()
        ),
        _ => format!(
            "the audit journal has no earlier stage change of {} from this workspace, and the \
             registry's stage history is not readable through its API: pick the version to put \
             back in Production",
            target.model()
        ),
    }
}

/// Plans the roll back from the journal, or by hand with `to`, or returns the candidates.
pub async fn prepare(
    client: &Client,
    view: &JournalView,
    req: &RollbackRequest,
) -> Result<RollbackPlan, OpError> {
    let model = ModelRef::parse(&req.model);
    let target = target_for(&model, req.alias.as_deref());
    if let Some(to) = &req.to {
        let version = parse_version(to).map_err(OpError::Invalid)?;
        let facts = promote::read_facts(client, &model, &version, req.alias.as_deref()).await?;
        let mut p = promote::plan(
            model.name(),
            &version,
            req.comment.as_deref(),
            &facts,
            ChangeAction::Rollback,
        );
        p.blast_radius = Some(blast_radius::read(client, model.name()).await);
        return Ok(RollbackPlan::Plan(Box::new(p)));
    }
    let (entry, warnings) = last_change(view, &Workspace::of(client).await, &target);
    let Some(entry) = entry else {
        let shape = match &target {
            Target::Stages { .. } => ObjectState::Stages {
                stages: BTreeMap::new(),
            },
            _ => ObjectState::Alias { version: None },
        };
        let current = read_state(client, &target, &shape).await?;
        return Ok(RollbackPlan::Candidates(Candidates {
            versions: candidates(client, &target, &current).await?,
            note: no_history_note(&target),
            target,
            current,
        }));
    };
    let read_target = match &target {
        Target::Stages { .. } => Target::Stages {
            model: model.name().to_string(),
        },
        other => other.clone(),
    };
    let current = read_state(client, &read_target, &entry.attempt.before).await?;
    let mut p = plan_from_entry(entry, &current, req.comment.as_deref());
    p.warnings.extend(warnings);
    p.blast_radius = Some(blast_radius::read(client, model.name()).await);
    Ok(RollbackPlan::Plan(Box::new(p)))
}

#[cfg(test)]
mod tests;
