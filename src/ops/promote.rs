//! Promote a version (PRODUCT §4): Unity Catalog → point an alias (default `champion`) at it;
//! workspace registry → transition it to Production, archiving the version(s) there; an
//! open-source MLflow model with an explicit alias → set that alias.
//!
//! [`read_facts`] reads the current state, [`plan`] is pure, [`prepare`] does both and adds the
//! blast radius. Executing goes through [`crate::ops::execute`].

use std::collections::BTreeMap;

use crate::api::models::registry::Stage;
use crate::api::models::uc_models::UcModelVersionStatus;
use crate::api::{ApiError, Client};
use crate::config::ApprovalSettings;
use crate::ops::approvals::gate;
use crate::ops::blast_radius;
use crate::ops::change::model_ref::{ModelRef, parse_version};
use crate::ops::change::plan::{Plan, Step};
use crate::ops::change::readback::read_registry_alias;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::model_versions::list_model_versions;

/// The alias a UC promotion moves unless told otherwise.
pub const DEFAULT_ALIAS: &str = "champion";
const PRODUCTION: &str = "Production";
const ARCHIVED: &str = "Archived";

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PromoteRequest {
    pub model: String,
    /// As typed: `5` or `v5`.
    pub version: String,
    /// UC: the alias to move (default `champion`). Registry: set an MLflow alias instead of
    /// moving the stage.
    pub alias: Option<String>,
    pub comment: Option<String>,
}

/// The state a promotion starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromoteFacts {
    UcAlias {
        alias: String,
        current: Option<String>,
        /// The version's registration status when it is not READY.
        not_ready: Option<String>,
    },
    RegistryAlias {
        alias: String,
        current: Option<String>,
    },
    /// Stage of every version of the model.
    Stages { stages: BTreeMap<String, String> },
}

fn not_found(model: &str, version: &str) -> OpError {
    OpError::NotFound(format!("{model} has no version {version}"))
}

fn map_missing(e: ApiError, api: &str, model: &str, version: &str) -> OpError {
    OpError::from_read(e, api, || format!("{model} has no version {version}"))
}

/// A version that could not be read because of `e`: when it is missing, whether the model is
/// missing too (asked once more), "model M not found", else "M has no version V"; any other
/// error as [`OpError::from_read`] tells it.
pub(crate) async fn version_missing(
    client: &Client,
    e: ApiError,
    api: &str,
    model: &ModelRef,
    version: &str,
) -> OpError {
    if e.is_not_found() && !e.is_not_available() {
        return absent(client, model, version).await;
    }
    map_missing(e, api, model.name(), version)
}

/// `version` is not among the model's versions: "model M not found" when the model is not
/// there either, else "M has no version V".
async fn absent(client: &Client, model: &ModelRef, version: &str) -> OpError {
    let found = match model {
        ModelRef::Uc(name) => client.get_uc_model(name).await.map(drop),
        ModelRef::Registry(name) => client.get_registered_model(name).await.map(drop),
    };
    match found {
        Err(e) if e.is_not_found() && !e.is_not_available() => {
            OpError::NotFound(format!("model {} not found", model.name()))
        }
        _ => not_found(model.name(), version),
    }
}

/// Stage of every version of a workspace (or open-source) model.
pub async fn read_all_stages(
    client: &Client,
    model: &str,
) -> Result<BTreeMap<String, String>, OpError> {
    let versions = list_model_versions(client, model, 10_000).await?;
    Ok(versions
        .into_iter()
        .map(|v| {
            (
                v.version,
                v.current_stage.unwrap_or(Stage::None).to_string(),
            )
        })
        .collect())
}

/// Reads what promoting `version` of `model` starts from.
pub async fn read_facts(
    client: &Client,
    model: &ModelRef,
    version: &str,
    alias: Option<&str>,
) -> Result<PromoteFacts, OpError> {
    match model {
        ModelRef::Uc(name) => {
            let alias = alias.unwrap_or(DEFAULT_ALIAS).to_string();
            let number: i64 = version.parse().map_err(|_| not_found(name, version))?;
            let v = match client.get_uc_model_version(name, number).await {
                Ok(v) => v,
                Err(e) => {
                    return Err(version_missing(client, e, "Unity Catalog", model, version).await);
                }
            };
            let info = client.get_uc_model(name).await?;
            let not_ready = v
                .status
                .filter(|s| *s != UcModelVersionStatus::Ready)
                .map(|s| s.to_string());
            Ok(PromoteFacts::UcAlias {
                current: info.alias_version(&alias).map(|v| v.to_string()),
                alias,
                not_ready,
            })
        }
        ModelRef::Registry(name) => match alias {
            Some(alias) => {
                if let Err(e) = client.get_model_version(name, version).await {
                    let api = "the model registry";
                    return Err(version_missing(client, e, api, model, version).await);
                }
                Ok(PromoteFacts::RegistryAlias {
                    alias: alias.to_string(),
                    current: read_registry_alias(client, name, alias).await?,
                })
            }
            None => {
                let stages = read_all_stages(client, name).await?;
                if !stages.contains_key(version) {
                    return Err(absent(client, model, version).await);
                }
                Ok(PromoteFacts::Stages { stages })
            }
        },
    }
}

/// The plan of moving `version` to where a promotion puts it. `action` is `Promote`, or
/// `Rollback` when a roll back picks a version by hand. Pure.
pub fn plan(
    model: &str,
    version: &str,
    comment: Option<&str>,
    facts: &PromoteFacts,
    action: ChangeAction,
) -> Plan {
    let comment = comment.map(str::to_string);
    let mut plan = match facts {
        PromoteFacts::UcAlias {
            alias,
            current,
            not_ready,
        } => {
            let mut p = Plan::new(
                action,
                Target::UcAlias {
                    model: model.to_string(),
                    alias: alias.clone(),
                },
                ObjectState::Alias {
                    version: current.clone(),
                },
                ObjectState::Alias {
                    version: Some(version.to_string()),
                },
            );
            if current.as_deref() != Some(version) {
                p.steps.push(Step::SetUcAlias {
                    model: model.to_string(),
                    alias: alias.clone(),
                    version: version.parse().unwrap_or_default(),
                });
            }
            if let Some(status) = not_ready {
                p.warnings.push(format!(
                    "version {version} is {status}: it cannot be loaded or served until READY"
                ));
            }
            p
        }
        PromoteFacts::RegistryAlias { alias, current } => {
            let mut p = Plan::new(
                action,
                Target::RegistryAlias {
                    model: model.to_string(),
                    alias: alias.clone(),
                },
                ObjectState::Alias {
                    version: current.clone(),
                },
                ObjectState::Alias {
                    version: Some(version.to_string()),
                },
            );
            if current.as_deref() != Some(version) {
                p.steps.push(Step::SetRegistryAlias {
                    model: model.to_string(),
                    alias: alias.clone(),
                    version: version.to_string(),
                });
            }
            p
        }
        PromoteFacts::Stages { stages } => {
            let mut before = BTreeMap::new();
            let mut after = BTreeMap::new();
            let current = stages
                .get(version)
                .cloned()
                .unwrap_or_else(|| "None".into());
            before.insert(version.to_string(), current.clone());
            after.insert(version.to_string(), PRODUCTION.to_string());
            for (v, s) in stages {
                if v != version && s.eq_ignore_ascii_case(PRODUCTION) {
                    before.insert(v.clone(), s.clone());
                    after.insert(v.clone(), ARCHIVED.to_string());
                }
            }
            let mut p = Plan::new(
                action,
                Target::Stages {
                    model: model.to_string(),
                },
                ObjectState::Stages { stages: before },
                ObjectState::Stages { stages: after },
            );
            if p.before != p.after {
                p.steps.push(Step::TransitionStage {
                    model: model.to_string(),
                    version: version.to_string(),
                    stage: PRODUCTION.to_string(),
                    archive_existing: true,
                    comment: comment.clone(),
                });
            }
            if current.eq_ignore_ascii_case(ARCHIVED) {
                p.warnings.push(format!(
                    "version {version} is Archived: it comes back to Production"
                ));
            }
            p
        }
    };
    plan.comment = comment;
    plan
}

/// Reads the current state, the version's approval and the blast radius, and plans the
/// promotion. A version whose approval is pending or rejected is marked `unapproved`.
pub async fn prepare(
    client: &Client,
    req: &PromoteRequest,
    approvals: &ApprovalSettings,
) -> Result<Plan, OpError> {
    let version = parse_version(&req.version).map_err(OpError::Invalid)?;
    let model = ModelRef::parse(&req.model);
    let facts = read_facts(client, &model, &version, req.alias.as_deref()).await?;
    let mut p = plan(
        model.name(),
        &version,
        req.comment.as_deref(),
        &facts,
        ChangeAction::Promote,
    );
    if !p.is_noop() {
        match gate::read_unapproved(client, &model, &version, approvals).await {
            Ok(state) => p.unapproved = state,
            Err(why) => p.warnings.push(why),
        }
    }
    p.blast_radius = Some(blast_radius::read(client, model.name()).await);
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn uc_promotion_moves_the_alias() {
        let facts = PromoteFacts::UcAlias {
            alias: "champion".into(),
            current: Some("4".into()),
            not_ready: None,
        };
        let p = plan(
            "main.ml.churn_model",
            "5",
            None,
            &facts,
            ChangeAction::Promote,
        );
        assert_eq!(p.summary(), "promote main.ml.churn_model@champion: v4 → v5");
        assert_eq!(
            p.steps,
            vec![Step::SetUcAlias {
                model: "main.ml.churn_model".into(),
                alias: "champion".into(),
                version: 5
            }]
        );
        assert_eq!(p.confirm_name, "main.ml.churn_model");
        let same = plan(
            "main.ml.churn_model",
            "4",
            None,
            &facts,
            ChangeAction::Promote,
        );
        assert!(same.is_noop());
    }

    #[test]
    fn workspace_promotion_archives_what_is_in_production() {
        let facts = PromoteFacts::Stages {
            stages: stages(&[
                ("2", "Archived"),
                ("3", "Production"),
                ("4", "Staging"),
                ("5", "None"),
            ]),
        };
        let p = plan(
            "fraud_model",
            "4",
            Some("ship"),
            &facts,
            ChangeAction::Promote,
        );
        assert_eq!(p.before.describe(), "v3 Production, v4 Staging");
        assert_eq!(p.after.describe(), "v3 Archived, v4 Production");
        assert_eq!(
            p.steps,
            vec![Step::TransitionStage {
                model: "fraud_model".into(),
                version: "4".into(),
                stage: "Production".into(),
                archive_existing: true,
                comment: Some("ship".into()),
            }]
        );
        assert_eq!(p.comment.as_deref(), Some("ship"));
        let already = plan("fraud_model", "3", None, &facts, ChangeAction::Promote);
        assert!(already.is_noop());
        let archived = plan("fraud_model", "2", None, &facts, ChangeAction::Promote);
        assert_eq!(archived.warnings.len(), 1);
    }

    #[test]
    fn pending_versions_are_flagged() {
        let facts = PromoteFacts::UcAlias {
            alias: "shadow".into(),
            current: None,
            not_ready: Some("PENDING_REGISTRATION".into()),
        };
        let p = plan("main.ml.m", "2", None, &facts, ChangeAction::Promote);
        assert_eq!(p.before.describe(), "(not set)");
        assert!(p.warnings[0].contains("PENDING_REGISTRATION"));
    }
}
