//! Why an operation could not be planned or started. Once requests are on the wire the result
//! is a [`crate::ops::ChangeOutcome`] instead, recorded in the journal.

use std::path::PathBuf;

use crate::api::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// Reading the current state failed.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The request does not make sense (bad version, ambiguous stage, …).
    #[error("{0}")]
    Invalid(String),
    /// What the operation needs is not there (version, open request, journal entry).
    #[error("{0}")]
    NotFound(String),
    /// A read-only profile: changes are refused before anything is journaled or sent.
    #[error("read-only profile: {0} is a change and is refused")]
    ReadOnly(String),
    /// The object changed since the plan was made (someone else moved it); nothing was sent.
    #[error("{0}; plan again")]
    Stale(String),
    /// A rule of the profile's configuration forbids the change (e.g. self-approval under
    /// `self_approval = "refuse"`); nothing was journaled or sent.
    #[error("refused: {0}")]
    Refused(String),
    /// The object is already in the requested state; nothing was journaled or sent.
    #[error("nothing to do: {0}")]
    NothingToDo(String),
    /// The attempt could not be recorded, so nothing was sent.
    #[error("cannot write the audit journal {}: {message}; nothing was sent", path.display())]
    Journal { path: PathBuf, message: String },
}

impl OpError {
    /// A failed read of something the operation needs: "not available on this server" when the
    /// server lacks the API (e.g. Unity Catalog on open-source MLflow), `missing()` when the
    /// object does not exist, the error itself otherwise.
    pub fn from_read(e: ApiError, api: &str, missing: impl FnOnce() -> String) -> OpError {
        if e.is_not_available() {
            OpError::NotFound(format!("{api} is not available on this server"))
        } else if e.is_not_found() {
            OpError::NotFound(missing())
        } else {
            OpError::Api(e)
        }
    }
}
