//! The two record kinds of the journal, one JSON object per line:
//!
//! ```text
//! {"type":"attempt","id":"…","time":"…","ts_ms":…,"profile":"prod","host":"https://…",
//!  "workspace_id":"…","actor":"ml-eng@acme.com","action":"promote","target":{…},"before":{…},"after":{…},
//!  "requests":["PUT /api/2.1/unity-catalog/models/…/aliases/champion"]}
//! {"type":"result","id":"…","time":"…","ts_ms":…,"outcome":"ok","verified":{…},"via":"execute"}
//! ```
//!
//! An attempt is written (and fsynced) before its request is sent; its result after. No field
//! can hold a credential: hosts are written without user-info and errors come from the client,
//! which scrubs its secrets.

use serde::{Deserialize, Serialize};

use crate::ops::change::target::{ChangeAction, ObjectState, Target};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Attempt(Box<Attempt>),
    Result(ResultRecord),
}

impl Record {
    pub fn id(&self) -> &str {
        match self {
            Record::Attempt(a) => &a.id,
            Record::Result(r) => &r.id,
        }
    }
}

/// What was about to be changed, written before the first request goes out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub id: String,
    /// RFC 3339, UTC.
    pub time: String,
    /// The same instant in Unix milliseconds (for sorting and ages).
    pub ts_ms: i64,
    pub profile: String,
    pub host: String,
    /// The id the workspace reports, when it reports one (see `ops::workspace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The workspace user, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    pub action: ChangeAction,
    pub target: Target,
    pub before: ObjectState,
    pub after: ObjectState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The journal id of the change this one undoes (roll backs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<String>,
    /// The requests that will be sent, in order (method and path).
    #[serde(default)]
    pub requests: Vec<String>,
}

/// How a change ended, as far as the console could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Sent, answered, and read back as intended.
    Ok,
    /// The server refused it (or it was never sent); the error says why.
    Failed,
    /// Sent, but the answer or the read-back never came: it may or may not have happened.
    Unknown,
    /// Answered as done, but the read-back does not show it.
    VerifyFailed,
    /// A change of several requests stopped half-way and could be neither completed nor
    /// undone: the read-back (`verified`) shows exactly which part is in place.
    Partial,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Unknown => "unknown",
            Outcome::VerifyFailed => "verify_failed",
            Outcome::Partial => "partial",
        }
    }
}

/// Which step wrote a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Right after the requests, by the change itself.
    Execute,
    /// Later, by re-reading the object (`audit --verify`, the Audit screen's key).
    Verify,
}

/// What happened, written after the requests (and again by each later verification).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    pub id: String,
    pub time: String,
    pub ts_ms: i64,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The object as read back (absent when it could not be read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<ObjectState>,
    pub via: Via,
    /// The change is in place although its answer was lost (or refused): "ok (answer lost)".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answer_lost: bool,
    /// Every request actually sent, in order, when that differs from the attempt's plan: one
    /// sent again after a read-back showed it not applied, requests undoing a change cut short.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sent: Vec<String>,
}
