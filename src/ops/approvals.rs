//! Approvals (PRODUCT §3 screen 4, §4): every open workspace transition request and every UC
//! version whose approval tag is pending; approve or reject with a comment.
//!
//! Workspace registry: approving or rejecting the transition request (approving moves the
//! version, archiving what is in the target stage when asked). Unity Catalog has no requests:
//! the decision is the approval tag (names and values from `[approvals]`), with the comment and
//! the approver in two more tags.

pub mod detail;
pub mod gate;

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};
use serde::Serialize;

use crate::api::models::mlflow::{KeyValue, lookup};
use crate::api::paging::{Page, collect_pages};
use crate::api::{ApiError, Client};
use crate::config::ApprovalSettings;
use crate::ops::blast_radius;
use crate::ops::change::model_ref::{ModelRef, parse_version};
use crate::ops::change::plan::{Plan, Step};
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::promote::{read_all_stages, version_missing};
use crate::ops::read_failure::{ReadFailure, keep_first};

/// Versions read at most when looking for pending approvals (each costs one request).
pub const MAX_VERSIONS_CHECKED: usize = 1000;
/// Requests in flight at once while looking.
const CONCURRENCY: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalSource {
    Workspace,
    UnityCatalog,
}

/// One thing waiting for a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingApproval {
    pub source: ApprovalSource,
    pub model: String,
    pub version: String,
    /// The stage a workspace request asks for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_stage: Option<String>,
    /// The requester (workspace) or the version's creator (UC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    /// Since when it waits (request time, or UC version registration), Unix ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PendingList {
    /// Oldest first.
    pub items: Vec<PendingApproval>,
    /// What could not be looked at (not available, capped, unreadable).
    pub notes: Vec<String>,
    /// The first read that failed, when one did: the list is then incomplete.
    #[serde(skip)]
    pub incomplete: Option<ReadFailure>,
}

/// What could not be looked at while listing.
#[derive(Default)]
struct Gaps {
    notes: Vec<String>,
    failure: Option<ReadFailure>,
}

impl Gaps {
    fn failed(&mut self, note: String, e: &ApiError) {
        self.notes.push(note);
        keep_first(&mut self.failure, e);
    }
}

/// Runs `f` over `items` with bounded concurrency, keeping input order.
async fn bounded<T, R, F, Fut>(items: Vec<T>, f: F) -> Vec<R>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = R>,
{
    stream::iter(items)
        .map(f)
        .buffered(CONCURRENCY)
        .collect()
        .await
}

async fn workspace_pending(client: &Client, gaps: &mut Gaps) -> Vec<PendingApproval> {
    let versions = collect_pages(
        "model-versions/search",
        |token| async move {
            let r = client
                .search_model_versions(None, Some(1000), token.as_deref())
                .await?;
            Ok(Page {
                items: r.model_versions,
                next_page_token: r.next_page_token,
            })
        },
        Some(MAX_VERSIONS_CHECKED + 1),
    )
    .await;
    let mut versions = match versions {
        Ok(v) => v,
        Err(e) if e.is_not_available() => return Vec::new(),
        Err(e) => {
            gaps.failed(
                format!("workspace registry versions could not be listed: {e}"),
                &e,
            );
            return Vec::new();
        }
    };
    if versions.len() > MAX_VERSIONS_CHECKED {
        versions.truncate(MAX_VERSIONS_CHECKED);
        gaps.notes.push(format!(
            "only the first {MAX_VERSIONS_CHECKED} workspace versions were checked for requests"
        ));
    }
    let keys: Vec<(String, String)> = versions.into_iter().map(|v| (v.name, v.version)).collect();
    let answers = bounded(keys, |(name, version)| async move {
        let r = client.list_transition_requests(&name, &version).await;
        (name, version, r)
    })
    .await;
    let mut items = Vec::new();
    let mut failed = 0;
    let mut first = None;
    for (name, version, r) in answers {
        match r {
            Ok(requests) => items.extend(requests.into_iter().map(|a| PendingApproval {
                source: ApprovalSource::Workspace,
                model: name.clone(),
                version: version.clone(),
                to_stage: a.to_stage,
                requested_by: a.user_id,
                since_ms: a.creation_timestamp,
                comment: a.comment,
            })),
            Err(e) if e.is_not_available() => {
                gaps.notes
                    .push("transition requests are not available on this server".into());
                return Vec::new();
            }
            Err(e) => {
                failed += 1;
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first {
        gaps.failed(
            format!("{failed} workspace versions could not be checked for requests ({e})"),
            &e,
        );
    }
    items
}

async fn uc_pending(
    client: &Client,
    settings: &ApprovalSettings,
    gaps: &mut Gaps,
) -> Vec<PendingApproval> {
    let models = collect_pages(
        "unity-catalog/models",
        |token| async move {
            let r = client
                .list_uc_models(None, Some(1000), token.as_deref())
                .await?;
            Ok(Page {
                items: r.registered_models,
                next_page_token: r.next_page_token,
            })
        },
        Some(MAX_VERSIONS_CHECKED),
    )
    .await;
    let models = match models {
        Ok(m) => m,
        Err(e) if e.is_not_available() => return Vec::new(),
        Err(e) => {
            gaps.failed(format!("Unity Catalog models could not be listed: {e}"), &e);
            return Vec::new();
        }
    };
    let lists = bounded(models, |m| async move {
        let name = m.full_name;
        let r = client.list_uc_model_versions(&name, Some(1000), None).await;
        (name, r)
    })
    .await;
    let mut versions = Vec::new();
    for (name, r) in lists {
        match r {
            Ok(page) => versions.extend(page.model_versions.into_iter().map(|v| (name.clone(), v))),
            Err(e) => gaps.failed(format!("{name}: versions could not be listed ({e})"), &e),
        }
    }
    if versions.len() > MAX_VERSIONS_CHECKED {
        versions.truncate(MAX_VERSIONS_CHECKED);
        gaps.notes.push(format!(
            "only the first {MAX_VERSIONS_CHECKED} Unity Catalog versions were checked for approval tags"
        ));
    }
    let tagged = bounded(versions, |(name, v)| async move {
        // List items usually carry no tags; read them when they are missing.
        let tags: Result<Vec<KeyValue>, ApiError> = if v.tags.is_empty() {
            client
                .get_uc_version_tags(&name, &v.version.to_string())
                .await
        } else {
            Ok(v.tags.clone())
        };
        (name, v, tags)
    })
    .await;
    let mut items = Vec::new();
    let mut failed = 0;
    let mut first = None;
    for (name, v, tags) in tagged {
        match tags {
            Ok(tags) if lookup(&tags, &settings.tag) == Some(settings.pending.as_str()) => items
                .push(PendingApproval {
                    source: ApprovalSource::UnityCatalog,
                    model: name,
                    version: v.version.to_string(),
                    to_stage: None,
                    requested_by: v.created_by,
                    since_ms: v.created_at,
                    comment: v.comment,
                }),
            Ok(_) => {}
            Err(e) => {
                failed += 1;
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first {
        gaps.failed(
            format!("{failed} Unity Catalog versions' tags could not be read ({e})"),
            &e,
        );
    }
    items
}

/// Every open workspace request and every UC version whose approval tag is pending, oldest
/// first. What could not be looked at is in `notes`; a failed read also in `incomplete`.
pub async fn list_pending(client: &Client, settings: &ApprovalSettings) -> PendingList {
    let mut gaps = Gaps::default();
    let mut items = workspace_pending(client, &mut gaps).await;
    items.extend(uc_pending(client, settings, &mut gaps).await);
    items.sort_by_key(|i| {
        (
            i.since_ms.is_none(),
            i.since_ms,
            i.model.clone(),
            i.version.clone(),
        )
    });
    PendingList {
        items,
        notes: gaps.notes,
        incomplete: gaps.failure,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    pub model: String,
    pub version: String,
    pub decision: Decision,
    pub comment: Option<String>,
    /// Workspace: which open request, when the version has several.
    pub stage: Option<String>,
    /// Workspace approve: archive the versions already in the target stage.
    pub archive_existing: bool,
}

/// The decision on a UC version as tags. `actor` becomes the approver tag. Pure.
pub fn plan_uc_decision(
    model: &str,
    version: &str,
    req: &DecisionRequest,
    settings: &ApprovalSettings,
    actor: Option<&str>,
    current: &[KeyValue],
) -> Plan {
    let value = match req.decision {
        Decision::Approve => &settings.approved,
        Decision::Reject => &settings.rejected,
    };
    // The decision tag goes last: should the change stop half-way, a version never reads as
    // approved without the comment and approver that go with it.
    let mut set = Vec::new();
    if let Some(c) = &req.comment {
        set.push(KeyValue::new(&settings.comment_tag, c));
    }
    if let Some(a) = actor {
        set.push(KeyValue::new(&settings.approver_tag, a));
    }
    set.push(KeyValue::new(&settings.tag, value));
    let before: BTreeMap<String, Option<String>> = set
        .iter()
        .map(|t| (t.key.clone(), lookup(current, &t.key).map(str::to_string)))
        .collect();
    let after = set
        .iter()
        .map(|t| (t.key.clone(), Some(t.value.clone())))
        .collect();
    let action = match req.decision {
        Decision::Approve => ChangeAction::Approve,
        Decision::Reject => ChangeAction::Reject,
    };
    let mut plan = Plan::new(
        action,
        Target::UcApproval {
            model: model.to_string(),
            version: version.to_string(),
        },
        ObjectState::Tags { tags: before },
        ObjectState::Tags { tags: after },
    );
    match lookup(current, &settings.tag) {
        Some(v) if v == settings.pending => {}
        Some(v) => plan.warnings.push(format!(
            "v{version}'s {} tag is '{v}', not '{}'",
            settings.tag, settings.pending
        )),
        None => plan
            .warnings
            .push(format!("v{version} has no {} tag yet", settings.tag)),
    }
    if actor.is_none() {
        plan.warnings.push(format!(
            "the current user is unknown: the {} tag is not set",
            settings.approver_tag
        ));
    }
    if plan.before != plan.after {
        // One request per tag, so a change cut short shows exactly which tags it set.
        // A tag that already holds its value is not sent.
        let unchanged =
            |t: &KeyValue| lookup(current, &t.key).is_some_and(|v| v == t.value.as_str());
        plan.steps.extend(
            set.into_iter()
                .filter(|t| !unchanged(t))
                .map(|tag| Step::SetUcTags {
                    model: model.to_string(),
                    version: version.to_string(),
                    tags: vec![tag],
                }),
        );
    }
    plan.comment = req.comment.clone();
    plan
}

/// The decision on a workspace version's open request to `stage`, given the stage of every
/// version of the model. Pure.
pub fn plan_ws_decision(
    model: &str,
    version: &str,
    stage: &str,
    req: &DecisionRequest,
    stages: &BTreeMap<String, String>,
) -> Plan {
    let current = stages
        .get(version)
        .cloned()
        .unwrap_or_else(|| "None".into());
    let mut before = BTreeMap::from([(version.to_string(), current.clone())]);
    let mut after = before.clone();
    let approve = req.decision == Decision::Approve;
    if approve {
        after.insert(version.to_string(), stage.to_string());
        if req.archive_existing {
            for (v, s) in stages {
                if v != version && s.eq_ignore_ascii_case(stage) {
                    before.insert(v.clone(), s.clone());
                    after.insert(v.clone(), "Archived".to_string());
                }
            }
        }
    }
    let target = Target::TransitionRequest {
        model: model.to_string(),
        version: version.to_string(),
        stage: stage.to_string(),
    };
    let mut plan = Plan::new(
        if approve {
            ChangeAction::Approve
        } else {
            ChangeAction::Reject
        },
        target,
        ObjectState::Request {
            open: true,
            stages: before,
            opened: None,
        },
        ObjectState::Request {
            open: false,
            stages: after,
            opened: None,
        },
    );
    plan.steps.push(if approve {
        Step::ApproveRequest {
            model: model.to_string(),
            version: version.to_string(),
            stage: stage.to_string(),
            archive_existing: req.archive_existing,
            comment: req.comment.clone(),
        }
    } else {
        Step::RejectRequest {
            model: model.to_string(),
            version: version.to_string(),
            stage: stage.to_string(),
            comment: req.comment.clone(),
        }
    });
    plan.comment = req.comment.clone();
    plan
}

/// An approval by the one who asked for it (or created the UC version): a warning to show, or
/// (under `self_approval = "refuse"`) the refusal. Rejecting one's own request is not flagged.
fn self_approval_flag(
    settings: &ApprovalSettings,
    req: &DecisionRequest,
    actor: Option<&str>,
    requested_by: Option<&str>,
) -> Result<Option<String>, OpError> {
    if req.decision != Decision::Approve {
        return Ok(None);
    }
    gate::apply_policy(settings.self_approval, actor, requested_by).map_err(OpError::Refused)
}

/// Reads what the decision needs and plans it. `actor` is the current user (the UC approver).
pub async fn prepare_decision(
    client: &Client,
    settings: &ApprovalSettings,
    actor: Option<&str>,
    req: &DecisionRequest,
) -> Result<Plan, OpError> {
    let version = parse_version(&req.version).map_err(OpError::Invalid)?;
    let model = ModelRef::parse(&req.model);
    match &model {
        ModelRef::Uc(name) => {
            let number: i64 = version.parse().unwrap_or_default();
            let v = match client.get_uc_model_version(name, number).await {
                Ok(v) => v,
                Err(e) => {
                    let api = "Unity Catalog";
                    return Err(version_missing(client, e, api, &model, &version).await);
                }
            };
            let flag = self_approval_flag(settings, req, actor, v.created_by.as_deref())?;
            let tags = client.get_uc_version_tags(name, &version).await?;
            let mut plan = plan_uc_decision(name, &version, req, settings, actor, &tags);
            plan.warnings.extend(flag);
            Ok(plan)
        }
        ModelRef::Registry(name) => {
            let open = match client.list_transition_requests(name, &version).await {
                Ok(open) => open,
                Err(e) => {
                    let api = "transition requests (a Databricks workspace-registry feature)";
                    return Err(version_missing(client, e, api, &model, &version).await);
                }
            };
            let mut stages_asked: Vec<String> = open
                .iter()
                .filter_map(|a| a.to_stage.clone())
                .filter(|s| {
                    req.stage
                        .as_deref()
                        .is_none_or(|want| s.eq_ignore_ascii_case(want))
                })
                .collect();
            stages_asked.dedup();
            let stage = match stages_asked.as_slice() {
                [] => {
                    return Err(OpError::NotFound(format!(
                        "{name} v{version} has no open transition request{}",
                        req.stage
                            .as_deref()
                            .map(|s| format!(" to {s}"))
                            .unwrap_or_default()
                    )));
                }
                [one] => one.clone(),
                many => {
                    return Err(OpError::Invalid(format!(
                        "{name} v{version} has open requests to {}: say which stage",
                        many.join(" and ")
                    )));
                }
            };
            let requester = open
                .iter()
                .filter(|a| a.to_stage.as_deref() == Some(stage.as_str()))
                .filter_map(|a| a.user_id.as_deref())
                .find(|by| gate::self_approval(actor, Some(by)).is_some());
            let flag = self_approval_flag(settings, req, actor, requester)?;
            let stages = read_all_stages(client, name).await?;
            let mut plan = plan_ws_decision(name, &version, &stage, req, &stages);
            plan.warnings.extend(flag);
            if req.decision == Decision::Approve {
                plan.blast_radius = Some(blast_radius::read(client, name).await);
            }
            Ok(plan)
        }
    }
}

#[cfg(test)]
mod tests;
