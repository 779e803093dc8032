//! Workspace-registry transition requests, comments and activities (reference §4.3,
//! Databricks-only): the approval workflow of stage-based models.

use serde::{Deserialize, Serialize};

use crate::api::wire::{null_as_empty, opt_i64};
use crate::lenient_enum;

lenient_enum! {
    pub enum ActivityType {
        AppliedTransition => "APPLIED_TRANSITION",
        RequestedTransition => "REQUESTED_TRANSITION",
        CancelledRequest => "CANCELLED_REQUEST",
        ApprovedRequest => "APPROVED_REQUEST",
        RejectedRequest => "REJECTED_REQUEST",
        NewComment => "NEW_COMMENT",
        SystemTransition => "SYSTEM_TRANSITION",
    }
}

lenient_enum! {
    /// What the caller may do with a request or comment.
    pub enum ActivityAction {
        ApproveTransitionRequest => "APPROVE_TRANSITION_REQUEST",
        RejectTransitionRequest => "REJECT_TRANSITION_REQUEST",
        CancelTransitionRequest => "CANCEL_TRANSITION_REQUEST",
        EditComment => "EDIT_COMMENT",
        DeleteComment => "DELETE_COMMENT",
    }
}

/// One event in a version's history (list/approve/reject/delete answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Activity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_type: Option<ActivityType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_timestamp: Option<i64>,
}

/// The request as `transition-requests/create` answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransitionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_stage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub available_actions: Vec<ActivityAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CommentObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_timestamp: Option<i64>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub available_actions: Vec<ActivityAction>,
}

/// Body of `transition-requests/create`, `approve` and `reject`; `archive_existing_versions`
/// only on approve (where the server requires it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransitionRequestBody {
    pub name: String,
    pub version: String,
    pub stage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_existing_versions: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `{request}` from `transition-requests/create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CreateTransitionRequestResponse {
    #[serde(default)]
    pub request: TransitionRequest,
}

/// `{requests}` from `transition-requests/list` (open requests only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListTransitionRequestsResponse {
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub requests: Vec<Activity>,
}

/// `{activity}` from approve, reject and delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ActivityResponse {
    #[serde(default)]
    pub activity: Activity,
}

/// Body of `comments/create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CreateCommentRequest {
    pub name: String,
    pub version: String,
    pub comment: String,
}

/// `{comment}` from `comments/create`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CommentResponse {
    #[serde(default)]
    pub comment: CommentObject,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activities_tolerate_missing_and_unknown_values() {
        let r: ListTransitionRequestsResponse = serde_json::from_str("{}").unwrap();
        assert!(r.requests.is_empty());
        let a: Activity = serde_json::from_str(
            r#"{"id":"1","activity_type":"SOMETHING_NEW","creation_timestamp":"12"}"#,
        )
        .unwrap();
        assert_eq!(
            a.activity_type,
            Some(ActivityType::Other("SOMETHING_NEW".into()))
        );
        assert_eq!(a.creation_timestamp, Some(12));
        let body = TransitionRequestBody {
            name: "m".into(),
            version: "1".into(),
            stage: "Staging".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"m","version":"1","stage":"Staging"}"#
        );
    }
}
