//! A change's resend class: whether a request whose answer was lost may be sent again. A
//! request is never repeated blindly: what may be repeated, and after what read-back, is said
//! once here for every change.

use crate::api::ApiError;

/// How a request whose answer was lost may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Never sent again: the read-back alone decides how it ended.
    Never,
    /// Sent once more only when reading back shows it not applied after the server itself
    /// answered with an error (a 500 or 503: it finished with the request). After a timeout or
    /// a reset it may still be running, and a second one could apply twice.
    WhenNotApplied,
    /// Safe to send once more as it is: the server recognises the repeat (the same
    /// idempotency token answers with the same job run) or repeating it does nothing more (a
    /// cancel).
    Idempotent,
}

/// What to do after a request's answer was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterLost {
    /// Reading back shows it applied: done, with its answer lost.
    Applied,
    /// Send it once more.
    SendAgain,
    /// Stop sending; the read-back judges it.
    Stop,
}

impl Resend {
    /// What to do after the answer to a request was lost with `lost`: `seen` is what reading
    /// back shows (`Some(true)` applied, `Some(false)` not applied, `None` not read or neither)
    /// and `resent` whether it was already sent once more.
    pub fn after_lost(self, lost: &ApiError, seen: Option<bool>, resent: bool) -> AfterLost {
        if seen == Some(true) {
            return AfterLost::Applied;
        }
        if resent {
            return AfterLost::Stop;
        }
        match self {
            Resend::WhenNotApplied if seen == Some(false) && lost.answered_by_server() => {
                AfterLost::SendAgain
            }
            Resend::Idempotent => AfterLost::SendAgain,
            Resend::Never | Resend::WhenNotApplied => AfterLost::Stop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ErrorKind;

    fn server_error() -> ApiError {
        ApiError::Api {
            status: 500,
            kind: ErrorKind::Internal,
            code: None,
            message: "boom".into(),
        }
    }

    fn reset() -> ApiError {
        ApiError::Transport {
            host: "h".into(),
            message: "reset".into(),
            sent: true,
        }
    }

    #[test]
    fn only_a_finished_failure_shown_not_applied_is_sent_again() {
        let r = Resend::WhenNotApplied;
        assert_eq!(
            r.after_lost(&server_error(), Some(false), false),
            AfterLost::SendAgain
        );
        assert_eq!(
            r.after_lost(&server_error(), Some(false), true),
            AfterLost::Stop,
            "never a third time"
        );
        assert_eq!(
            r.after_lost(&reset(), Some(false), false),
            AfterLost::Stop,
            "a reset request may still be running"
        );
        assert_eq!(
            r.after_lost(&server_error(), None, false),
            AfterLost::Stop,
            "nothing read back: not sent again"
        );
        assert_eq!(
            r.after_lost(&reset(), Some(true), false),
            AfterLost::Applied
        );
    }

    #[test]
    fn idempotent_requests_are_repeated_once_and_others_never() {
        let r = Resend::Idempotent;
        assert_eq!(r.after_lost(&reset(), None, false), AfterLost::SendAgain);
        assert_eq!(r.after_lost(&reset(), None, true), AfterLost::Stop);
        let n = Resend::Never;
        assert_eq!(
            n.after_lost(&server_error(), Some(false), false),
            AfterLost::Stop
        );
        assert_eq!(
            n.after_lost(&reset(), Some(true), false),
            AfterLost::Applied
        );
    }
}
