//! The approval rules a change is held to (PRODUCT §4): a version whose approval is pending or
//! rejected is flagged when promoted (and needs an explicit override on production profiles),
//! and approving one's own request or version is flagged or refused (`[approvals]
//! self_approval`).
//!
//! Workspace registry: an open transition request means the approval is pending. (The public
//! API lists open requests only, so a rejected request leaves no trace a promotion can read.)
//! Unity Catalog: the approval tag's value (names from `[approvals]`).

use crate::api::Client;
use crate::api::models::mlflow::{KeyValue, lookup};
use crate::api::models::transition_requests::Activity;
use crate::config::{ApprovalSettings, SelfApproval};
use crate::ops::change::model_ref::ModelRef;

/// What the override is called: typed after the model's name in the TUI on production
/// profiles, `--allow-unapproved` headless.
pub const OVERRIDE_WORD: &str = "unapproved";

/// The version's approval state when it is not approved, in words (`None` when approved, or
/// when the model uses no approval workflow). A state that cannot be read is `Err` with why.
pub async fn read_unapproved(
    client: &Client,
    model: &ModelRef,
    version: &str,
    settings: &ApprovalSettings,
) -> Result<Option<String>, String> {
    match model {
        ModelRef::Uc(name) => match client.get_uc_version_tags(name, version).await {
            Ok(tags) => Ok(uc_unapproved(&tags, settings)),
            Err(e) => Err(format!(
                "the approval tag of v{version} could not be read: {e}"
            )),
        },
        ModelRef::Registry(name) => match client.list_transition_requests(name, version).await {
            Ok(open) => Ok(ws_unapproved(&open)),
            // Open-source MLflow has no requests: nothing to hold the version to.
            Err(e) if e.is_not_available() => Ok(None),
            Err(e) => Err(format!(
                "the transition requests of v{version} could not be read: {e}"
            )),
        },
    }
}

/// A UC version's approval tag, when it says pending or rejected. Pure.
pub fn uc_unapproved(tags: &[KeyValue], settings: &ApprovalSettings) -> Option<String> {
    let value = lookup(tags, &settings.tag)?;
    let state = if value == settings.pending {
        "pending"
    } else if value == settings.rejected {
        "rejected"
    } else {
        return None;
    };
    let mut text = format!("approval {state} ({} = {value})", settings.tag);
    if let Some(by) = lookup(tags, &settings.approver_tag) {
        text.push_str(&format!(" by {by}"));
    }
    if let Some(c) = lookup(tags, &settings.comment_tag) {
        text.push_str(&format!(": {c}"));
    }
    Some(text)
}

/// A workspace version's open requests, in words (none open: `None`). Pure.
pub fn ws_unapproved(open: &[Activity]) -> Option<String> {
    let asks: Vec<String> = open
        .iter()
        .map(|a| {
            format!(
                "to {} by {}",
                a.to_stage.as_deref().unwrap_or("?"),
                a.user_id.as_deref().unwrap_or("(unknown)")
            )
        })
        .collect();
    (!asks.is_empty()).then(|| {
        format!(
            "approval pending (open transition request {})",
            asks.join(", ")
        )
    })
}

/// Whether the current user asked for (or created) what they are approving, in words. Pure:
/// user names compare case-insensitively.
pub fn self_approval(actor: Option<&str>, requested_by: Option<&str>) -> Option<String> {
    let (actor, by) = (actor?, requested_by?);
    actor
        .trim()
        .eq_ignore_ascii_case(by.trim())
        .then(|| format!("self-approval: {by} approves what they asked for"))
}

/// What the policy does with a self-approval: `Ok(Some(warning))` to flag it, `Err(why)` to
/// refuse it, `Ok(None)` when it is not one.
pub fn apply_policy(
    policy: SelfApproval,
    actor: Option<&str>,
    requested_by: Option<&str>,
) -> Result<Option<String>, String> {
    match (self_approval(actor, requested_by), policy) {
        (None, _) => Ok(None),
        (Some(w), SelfApproval::Warn) => Ok(Some(w)),
        (Some(w), SelfApproval::Refuse) => Err(format!(
            "{w}, and [approvals] self_approval = \"refuse\": ask someone else to approve; \
             nothing was sent"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Vec<KeyValue> {
        pairs.iter().map(|(k, v)| KeyValue::new(*k, *v)).collect()
    }

    #[test]
    fn uc_pending_and_rejected_are_unapproved() {
        let s = ApprovalSettings::default();
        assert_eq!(
            uc_unapproved(&tags(&[("approval", "pending")]), &s).as_deref(),
            Some("approval pending (approval = pending)")
        );
        let rejected = tags(&[
            ("approval", "rejected"),
            ("approval_by", "priya@acme.com"),
            ("approval_comment", "leaks the label"),
        ]);
        assert_eq!(
            uc_unapproved(&rejected, &s).as_deref(),
            Some("approval rejected (approval = rejected) by priya@acme.com: leaks the label")
        );
        assert_eq!(uc_unapproved(&tags(&[("approval", "approved")]), &s), None);
        assert_eq!(uc_unapproved(&[], &s), None, "no workflow, no flag");
    }

    #[test]
    fn open_requests_mean_pending() {
        let open = vec![Activity {
            to_stage: Some("Production".into()),
            user_id: Some("priya@acme.com".into()),
            ..Activity::default()
        }];
        assert_eq!(
            ws_unapproved(&open).as_deref(),
            Some("approval pending (open transition request to Production by priya@acme.com)")
        );
        assert_eq!(ws_unapproved(&[]), None);
    }

    #[test]
    fn self_approval_follows_the_policy() {
        let me = Some("ml-eng@acme.com");
        assert_eq!(
            apply_policy(SelfApproval::Warn, me, Some("other@acme.com")),
            Ok(None)
        );
        assert!(
            apply_policy(SelfApproval::Warn, me, Some("ML-Eng@acme.com"))
                .unwrap()
                .is_some()
        );
        assert!(apply_policy(SelfApproval::Refuse, me, Some("ml-eng@acme.com")).is_err());
        assert_eq!(
            apply_policy(SelfApproval::Refuse, None, Some("x")),
            Ok(None)
        );
    }
}
