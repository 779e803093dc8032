//! How a change ended, decided by what reading the object back shows — never by the status of
//! the send alone. A server can apply a change and lose its answer (a reset, a 500 or an HTML
//! 504 from a proxy after the fact); it can also refuse a request that, as the read-back shows,
//! is already in place. Shared by every pipeline that changes something: registry changes,
//! serving changes and job launches.

use crate::api::{ApiError, ApiResult};

use super::outcome::FailureKind;
use super::target::ObjectState;
use crate::ops::journal::Outcome;

/// What sending a request did, as far as its answer tells.
#[derive(Debug, Clone)]
pub enum Sent {
    /// Answered with success (a 2xx, even one whose body could not be read).
    Done,
    /// A definite refusal: the server answered 4xx, or the request never left (read-only,
    /// refused connection). Nothing was applied by it.
    Refused(ApiError),
    /// The request went out and its answer was lost or was a server error: it may have been
    /// applied.
    Lost(ApiError),
}

impl Sent {
    pub fn of<T>(result: &ApiResult<T>) -> Sent {
        match result {
            Ok(_) => Sent::Done,
            Err(ApiError::Decode { .. }) => Sent::Done,
            Err(ApiError::TooLarge { status, .. }) if (200..300).contains(status) => Sent::Done,
            Err(e) if e.may_have_applied() => Sent::Lost(e.clone()),
            Err(e) => Sent::Refused(e.clone()),
        }
    }

    pub fn error(&self) -> Option<&ApiError> {
        match self {
            Sent::Done => None,
            Sent::Refused(e) | Sent::Lost(e) => Some(e),
        }
    }
}

/// The outcome of a change and the words for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub error: Option<String>,
    pub failure: Option<FailureKind>,
    pub message: String,
    /// The change is in place although its answer was lost or refused.
    pub answer_lost: bool,
}

impl Verdict {
    /// Marks an ok verdict whose request lost its answer (`lost`) on the way but was read back
    /// as applied: "ok (answer lost …)".
    pub fn with_answer_lost(mut self, lost: Option<&str>) -> Verdict {
        let Some(lost) = lost else { return self };
        if self.outcome != Outcome::Ok || self.answer_lost {
            return self;
        }
        self.answer_lost = true;
        self.error = Some(format!("answer lost: {lost}"));
        self.message = format!("answer lost ({lost}), but {}", self.message);
        self
    }
}

/// Judges a change of `object` from `before` to `after`, sent as `sent`, by the read-back
/// `read`:
/// - the read-back shows `after` → ok ("answer lost" when the send did not say so);
/// - it shows something else → failed when the server refused or answered with a server error
///   (it finished: the change is not there), verify failed when the server said done, unknown
///   when no answer came (the request may still be running);
/// - it could not be read → unknown, whatever the send said.
pub fn judge(
    object: &str,
    before: &ObjectState,
    after: &ObjectState,
    sent: &Sent,
    read: &ApiResult<ObjectState>,
) -> Verdict {
    let verdict = |outcome, error: Option<String>, failure, message: String| Verdict {
        outcome,
        error,
        failure,
        message,
        answer_lost: false,
    };
    let now = match read {
        Ok(now) => now,
        Err(re) => {
            let message = match sent {
                Sent::Done => {
                    format!("sent, but it could not be read back ({re}); verify it later")
                }
                Sent::Refused(e) | Sent::Lost(e) => format!(
                    "the outcome is unknown ({e}; reading it back failed: {re}); verify it \
                     before acting again"
                ),
            };
            let error = match sent.error() {
                Some(e) => format!("{e}; read-back failed: {re}"),
                None => format!("read-back failed: {re}"),
            };
            return verdict(Outcome::Unknown, Some(error), None, message);
        }
    };
    if after.satisfied_by(now) {
        return match sent.error() {
            None => verdict(
                Outcome::Ok,
                None,
                None,
                format!("done and verified: {object} is {}", now.describe()),
            ),
            Some(e) => Verdict {
                answer_lost: true,
                ..verdict(
                    Outcome::Ok,
                    Some(format!("answer lost: {e}")),
                    None,
                    format!(
                        "answer lost ({e}), but reading back shows it done: {object} is {}",
                        now.describe()
                    ),
                )
            },
        };
    }
    let state = if before.satisfied_by(now) {
        "nothing changed".to_string()
    } else {
        format!("it now reads {}", now.describe())
    };
    match sent {
        Sent::Done => verdict(
            Outcome::VerifyFailed,
            None,
            None,
            format!(
                "the server accepted the change but reading it back shows {}, not {}",
                now.describe(),
                after.describe()
            ),
        ),
        Sent::Refused(e) => verdict(
            Outcome::Failed,
            Some(e.to_string()),
            Some(FailureKind::of(e)),
            format!("failed: {e} ({state})"),
        ),
        Sent::Lost(e) if e.answered_by_server() => verdict(
            Outcome::Failed,
            Some(format!("{e}; not applied")),
            Some(FailureKind::Other),
            format!("failed: {e}; reading back shows it not applied ({state})"),
        ),
        // No answer at all: the request may still be running on the server.
        Sent::Lost(e) => verdict(
            Outcome::Unknown,
            Some(format!("{e}; not applied so far")),
            None,
            format!(
                "the outcome is unknown ({e}): not applied so far ({state}), but the request \
                 may still be running; verify it before acting again"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(v: Option<&str>) -> ObjectState {
        ObjectState::Alias {
            version: v.map(str::to_string),
        }
    }

    fn lost() -> ApiError {
        ApiError::Api {
            status: 504,
            kind: crate::api::ErrorKind::DeadlineExceeded,
            code: None,
            message: "Gateway Timeout".into(),
        }
    }

    fn refused() -> ApiError {
        ApiError::Api {
            status: 404,
            kind: crate::api::ErrorKind::NotFound,
            code: None,
            message: "no open request".into(),
        }
    }

    #[test]
    fn the_read_back_decides_not_the_status_of_the_send() {
        let (b, a) = (alias(Some("4")), alias(Some("5")));
        let v = judge("m@c", &b, &a, &Sent::Refused(refused()), &Ok(a.clone()));
        assert_eq!(
            v.outcome,
            Outcome::Ok,
            "refused but in place: ok (answer lost)"
        );
        assert!(v.answer_lost && v.message.starts_with("answer lost ("));
        let v = judge("m@c", &b, &a, &Sent::Lost(lost()), &Ok(a.clone()));
        assert_eq!((v.outcome, v.answer_lost), (Outcome::Ok, true));
        let v = judge("m@c", &b, &a, &Sent::Lost(lost()), &Ok(b.clone()));
        assert_eq!(
            v.outcome,
            Outcome::Unknown,
            "a 504 may still be running: {v:?}"
        );
        let server_error = ApiError::Api {
            status: 500,
            kind: crate::api::ErrorKind::Internal,
            code: None,
            message: "boom".into(),
        };
        let v = judge("m@c", &b, &a, &Sent::Lost(server_error), &Ok(b.clone()));
        assert_eq!(v.outcome, Outcome::Failed, "the server finished and failed");
        let v = judge("m@c", &b, &a, &Sent::Refused(refused()), &Ok(b.clone()));
        assert_eq!(v.outcome, Outcome::Failed);
        assert_eq!(v.failure, Some(FailureKind::NotFound));
        let v = judge("m@c", &b, &a, &Sent::Done, &Ok(b.clone()));
        assert_eq!(v.outcome, Outcome::VerifyFailed);
        let v = judge("m@c", &b, &a, &Sent::Done, &Ok(a.clone()));
        assert_eq!((v.outcome, v.answer_lost), (Outcome::Ok, false));
    }

    #[test]
    fn without_a_read_back_the_outcome_is_unknown_even_after_a_refusal() {
        let (b, a) = (alias(Some("4")), alias(Some("5")));
        for sent in [Sent::Done, Sent::Refused(refused()), Sent::Lost(lost())] {
            let v = judge("m@c", &b, &a, &sent, &Err(lost()));
            assert_eq!(v.outcome, Outcome::Unknown, "{sent:?}");
        }
    }

    #[test]
    fn sends_are_classified_by_whether_they_may_have_been_applied() {
        assert!(matches!(Sent::of(&Ok::<(), ApiError>(())), Sent::Done));
        assert!(matches!(Sent::of::<()>(&Err(lost())), Sent::Lost(_)));
        assert!(matches!(Sent::of::<()>(&Err(refused())), Sent::Refused(_)));
        let reset = ApiError::Transport {
            host: "h".into(),
            message: "reset".into(),
            sent: true,
        };
        assert!(matches!(Sent::of::<()>(&Err(reset)), Sent::Lost(_)));
        let never = ApiError::Transport {
            host: "h".into(),
            message: "refused".into(),
            sent: false,
        };
        assert!(matches!(Sent::of::<()>(&Err(never)), Sent::Refused(_)));
    }
}
