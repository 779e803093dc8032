//! Who makes a change, and how it ended: the words every change's dialog, journal line and
//! exit code are made from, whichever pipeline step produced them.

use serde::Serialize;

use crate::api::{ApiError, ErrorKind};
use crate::ops::journal::Outcome;

use super::target::ObjectState;

/// Who is changing what, for the journal and the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeContext {
    /// Profile label as shown to the user. (The host comes from the client.)
    pub profile: String,
    /// The workspace user, when known (SCIM `Me`).
    pub actor: Option<String>,
    /// Production profiles require typing the object's name to confirm.
    pub production: bool,
}

/// Why the server refused a change, for exit codes and dialogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    PermissionDenied,
    Conflict,
    NotFound,
    BadRequest,
    Auth,
    Other,
}

impl FailureKind {
    pub fn of(e: &ApiError) -> FailureKind {
        match e {
            ApiError::Api { kind, .. } => match kind {
                ErrorKind::PermissionDenied => FailureKind::PermissionDenied,
                ErrorKind::Conflict => FailureKind::Conflict,
                ErrorKind::NotFound => FailureKind::NotFound,
                ErrorKind::BadRequest => FailureKind::BadRequest,
                ErrorKind::Unauthenticated => FailureKind::Auth,
                _ => FailureKind::Other,
            },
            ApiError::Refused { source, .. } => FailureKind::of(source),
            ApiError::ReadOnly { .. } => FailureKind::PermissionDenied,
            ApiError::Auth { .. } => FailureKind::Auth,
            _ => FailureKind::Other,
        }
    }
}

/// How an executed change ended (also journaled as its `result` record).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeOutcome {
    /// The journal id of the change.
    pub id: String,
    pub outcome: Outcome,
    /// The server's or the transport's error, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureKind>,
    /// The object as read back after the requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<ObjectState>,
    /// One sentence for the user.
    pub message: String,
    /// In place although its answer was lost: "ok (answer lost)".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub answer_lost: bool,
    /// Set when the result could not be journaled (the attempt was; it will read as unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal_warning: Option<String>,
}
