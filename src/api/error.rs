//! Errors of the client, mapped from the wire by `error_code` first, then HTTP status.

use crate::lenient_enum;

lenient_enum! {
    /// `error_code` values we branch on; everything else is kept as `Other`.
    pub enum ErrorCode {
        InvalidParameterValue => "INVALID_PARAMETER_VALUE",
        BadRequest => "BAD_REQUEST",
        MalformedRequest => "MALFORMED_REQUEST",
        InvalidState => "INVALID_STATE",
        Unauthenticated => "UNAUTHENTICATED",
        CustomerUnauthorized => "CUSTOMER_UNAUTHORIZED",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceDoesNotExist => "RESOURCE_DOES_NOT_EXIST",
        NotFound => "NOT_FOUND",
        EndpointNotFound => "ENDPOINT_NOT_FOUND",
        ResourceConflict => "RESOURCE_CONFLICT",
        ResourceAlreadyExists => "RESOURCE_ALREADY_EXISTS",
        AlreadyExists => "ALREADY_EXISTS",
        Aborted => "ABORTED",
        RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        Cancelled => "CANCELLED",
        InternalError => "INTERNAL_ERROR",
        Unknown => "UNKNOWN",
        DataLoss => "DATA_LOSS",
        NotImplemented => "NOT_IMPLEMENTED",
        TemporarilyUnavailable => "TEMPORARILY_UNAVAILABLE",
        WorkspaceTemporarilyUnavailable => "WORKSPACE_TEMPORARILY_UNAVAILABLE",
        ServiceUnderMaintenance => "SERVICE_UNDER_MAINTENANCE",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
    }
}

/// The family an error belongs to, decided by code first and status second (reference §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    Conflict,
    TooManyRequests,
    Cancelled,
    Internal,
    NotImplemented,
    Unavailable,
    DeadlineExceeded,
    Unknown,
}

/// Everything that can go wrong talking to a workspace. Messages never contain credentials.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error.
    #[error("{}", describe_api(*.status, .code.as_ref(), .message))]
    Api {
        status: u16,
        kind: ErrorKind,
        code: Option<ErrorCode>,
        message: String,
    },
    /// No answer: connection refused/reset, DNS, TLS. `sent` tells whether the request may
    /// have reached the server (a reset after sending) or surely did not (refused, DNS, TLS).
    #[error("cannot reach {host}: {message}")]
    Transport {
        host: String,
        message: String,
        sent: bool,
    },
    /// No connection (`sent == false`, the connect timeout) or no answer (the request timeout)
    /// within `secs`, the limit actually in force.
    #[error("{}", describe_timeout(.what, *.secs, *.sent))]
    Timeout { what: String, secs: f64, sent: bool },
    /// The answer was longer than the client accepts (`max_response_mb`); it was cut off
    /// unread. `status` is the answer's HTTP status.
    #[error("the answer to {what} is larger than {} MiB (max_response_mb); it was not read", .limit / (1024 * 1024))]
    TooLarge {
        what: String,
        status: u16,
        limit: u64,
    },
    /// A 2xx answer whose body we could not read as the expected shape.
    #[error("unexpected answer from {path}: {message}")]
    Decode { path: String, message: String },
    /// Read-only mode refused a mutating call before it was sent.
    #[error("read-only profile: refused {method} {path}")]
    ReadOnly { method: String, path: String },
    /// Getting or refreshing an OAuth token failed.
    #[error("authentication failed: {message}")]
    Auth { message: String },
    /// Building the client failed (bad CA bundle, bad host URL).
    #[error("client setup: {message}")]
    Setup { message: String },
    /// The workspace refused the credentials (401) or what they may do (403): `source` is the
    /// server's error, `host` the workspace and `credentials` whose they are ("the token of
    /// profile `dev`"), never the credentials themselves.
    #[error("{}", describe_refusal(.host, .credentials, .source))]
    Refused {
        host: String,
        credentials: String,
        source: Box<ApiError>,
    },
}

fn describe_timeout(what: &str, secs: f64, sent: bool) -> String {
    if sent {
        format!("no answer within {secs:.1}s to {what} (the request timeout, request_timeout_secs)")
    } else {
        format!(
            "no connection within {secs:.1}s for {what} (the connect timeout, \
             connect_timeout_secs): check the host, the network and any proxy"
        )
    }
}

fn describe_refusal(host: &str, credentials: &str, source: &ApiError) -> String {
    let detail = match source {
        ApiError::Api {
            status,
            code: Some(c),
            message,
            ..
        } => format!("{c} {status}: {message}"),
        ApiError::Api {
            status, message, ..
        } => format!("{status}: {message}"),
        other => other.to_string(),
    };
    if source.kind() == Some(ErrorKind::Unauthenticated) {
        format!(
            "the workspace {host} refused {credentials} ({detail}): check the token or sign in \
             again"
        )
    } else {
        format!(
            "the workspace {host} refused a request made with {credentials} ({detail}): check \
             what its user may do, or the token"
        )
    }
}

fn describe_api(status: u16, code: Option<&ErrorCode>, message: &str) -> String {
    match code {
        Some(c) => format!("{c} ({status}): {message}"),
        None => format!("HTTP {status}: {message}"),
    }
}

impl ApiError {
    /// The error family, when the server answered.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            ApiError::Api { kind, .. } => Some(*kind),
            ApiError::Refused { source, .. } => source.kind(),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.kind() == Some(ErrorKind::NotFound)
    }

    /// The workspace refused the credentials (401) or the caller (403): asking again, now or
    /// in a while, is refused alike until someone changes the token or the permissions.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self.kind(),
            Some(ErrorKind::Unauthenticated | ErrorKind::PermissionDenied)
        )
    }

    /// True when the server does not offer this API at all (e.g. Unity Catalog or serving on an
    /// open-source MLflow server): a 404 without a resource-level error code, or `ENDPOINT_NOT_FOUND`,
    /// or 501.
    pub fn is_not_available(&self) -> bool {
        match self {
            ApiError::Api {
                status: 404, code, ..
            } => {
                matches!(code, None | Some(ErrorCode::EndpointNotFound))
            }
            ApiError::Api { status: 501, .. } => true,
            _ => false,
        }
    }
}

impl ApiError {
    /// Whether a change that ended with this error may still have been applied by the server:
    /// the request was sent but its answer was lost (a reset, a timeout, a server error or an
    /// HTML page from a proxy — which may come after the server applied it), or the answer was
    /// too large to read. A refusal (4xx), a client-side refusal and a connection that never
    /// opened are definite: nothing was applied.
    pub fn may_have_applied(&self) -> bool {
        match self {
            ApiError::Transport { sent, .. } | ApiError::Timeout { sent, .. } => *sent,
            ApiError::Api { status, .. } => *status >= 500,
            ApiError::TooLarge { .. } | ApiError::Decode { .. } => true,
            ApiError::ReadOnly { .. }
            | ApiError::Auth { .. }
            | ApiError::Setup { .. }
            | ApiError::Refused { .. } => false,
        }
    }
}

impl ApiError {
    /// Whether this error says nothing about the thing asked for, only about the way to it: the
    /// credentials, the connection, an overloaded or failing server. Every request would fail
    /// alike, so one line about it is enough.
    pub fn fails_every_request(&self) -> bool {
        match self {
            ApiError::Api { status, kind, .. } => {
                *kind == ErrorKind::Unauthenticated || *status >= 500 || *status == 429
            }
            ApiError::Transport { .. } | ApiError::Timeout { .. } | ApiError::Auth { .. } => true,
            ApiError::Refused { source, .. } => source.fails_every_request(),
            _ => false,
        }
    }
}

impl ApiError {
    /// Whether the server finished with the request and said it failed (a 500 or 503 answer),
    /// as opposed to an answer that never came (a reset, a timeout, a gateway's 502 or 504),
    /// where the request may still be running. Only in the first case does a read-back that
    /// shows a change not applied prove it will not be.
    pub fn answered_by_server(&self) -> bool {
        matches!(
            self,
            ApiError::Api {
                status: 500 | 503,
                ..
            }
        )
    }
}

impl ApiError {
    /// The same error with every occurrence of each secret replaced by `***`. The client passes
    /// its token, client secret and issued access tokens, because servers sometimes echo request
    /// headers in error bodies and messages end up on screen and in bug reports.
    pub(crate) fn redact(self, secrets: &[&str]) -> ApiError {
        let scrub = |text: String| super::secret::scrub(&text, secrets);
        match self {
            ApiError::Api {
                status,
                kind,
                code,
                message,
            } => ApiError::Api {
                status,
                kind,
                code: code.map(|c| match c {
                    ErrorCode::Other(s) => ErrorCode::Other(scrub(s)),
                    known => known,
                }),
                message: scrub(message),
            },
            ApiError::Transport {
                host,
                message,
                sent,
            } => ApiError::Transport {
                host: scrub(host),
                message: scrub(message),
                sent,
            },
            ApiError::Timeout { what, secs, sent } => ApiError::Timeout {
                what: scrub(what),
                secs,
                sent,
            },
            ApiError::TooLarge {
                what,
                status,
                limit,
            } => ApiError::TooLarge {
                what: scrub(what),
                status,
                limit,
            },
            ApiError::Decode { path, message } => ApiError::Decode {
                path: scrub(path),
                message: scrub(message),
            },
            ApiError::ReadOnly { method, path } => ApiError::ReadOnly {
                method,
                path: scrub(path),
            },
            ApiError::Auth { message } => ApiError::Auth {
                message: scrub(message),
            },
            ApiError::Setup { message } => ApiError::Setup {
                message: scrub(message),
            },
            ApiError::Refused {
                host,
                credentials,
                source,
            } => ApiError::Refused {
                host: scrub(host),
                credentials: scrub(credentials),
                source: Box::new(source.redact(secrets)),
            },
        }
    }

    /// A 401 or 403 answer told as the refusal of `credentials` (whose they are, e.g. "the
    /// token of profile `dev`") by the workspace at `host`; any other error as it is.
    pub(crate) fn refused_by(self, host: &str, credentials: Option<&str>) -> ApiError {
        match (&self, credentials) {
            (
                ApiError::Api {
                    kind: ErrorKind::Unauthenticated | ErrorKind::PermissionDenied,
                    ..
                },
                Some(credentials),
            ) => ApiError::Refused {
                host: host.to_string(),
                credentials: credentials.to_string(),
                source: Box::new(self),
            },
            _ => self,
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_scrubs_every_text_field() {
        let secret = "dapi-0123456789";
        let errors = [
            ApiError::Api {
                status: 401,
                kind: ErrorKind::Unauthenticated,
                code: Some(ErrorCode::Other(format!("X:{secret}"))),
                message: format!("bad header Bearer {secret} and {secret}"),
            },
            ApiError::Transport {
                host: format!("h {secret}"),
                message: secret.into(),
                sent: true,
            },
            ApiError::Timeout {
                what: secret.into(),
                secs: 1.0,
                sent: true,
            },
            ApiError::Decode {
                path: secret.into(),
                message: secret.into(),
            },
            ApiError::ReadOnly {
                method: "POST".into(),
                path: secret.into(),
            },
            ApiError::Auth {
                message: secret.into(),
            },
            ApiError::Setup {
                message: secret.into(),
            },
            ApiError::Refused {
                host: "https://h".into(),
                credentials: format!("the token {secret}"),
                source: Box::new(ApiError::Auth {
                    message: secret.into(),
                }),
            },
        ];
        for e in errors {
            let r = e.redact(&["", secret]);
            assert!(!r.to_string().contains(secret), "{r}");
            assert!(!format!("{r:?}").contains(secret), "{r:?}");
            assert!(r.to_string().contains("***"), "{r}");
        }
    }

    fn api(status: u16, kind: ErrorKind, code: ErrorCode, message: &str) -> ApiError {
        ApiError::Api {
            status,
            kind,
            code: Some(code),
            message: message.into(),
        }
    }

    #[test]
    fn a_refusal_names_the_workspace_and_whose_credentials() {
        let host = "https://dbc-1.cloud.databricks.com";
        let who = Some("the token of profile `dev`");
        let e = api(
            401,
            ErrorKind::Unauthenticated,
            ErrorCode::Unauthenticated,
            "Invalid access token.",
        )
        .refused_by(host, who);
        assert_eq!(
            e.to_string(),
            "the workspace https://dbc-1.cloud.databricks.com refused the token of profile `dev` \
             (UNAUTHENTICATED 401: Invalid access token.): check the token or sign in again"
        );
        assert_eq!(e.kind(), Some(ErrorKind::Unauthenticated));
        assert!(e.fails_every_request() && !e.may_have_applied() && e.is_refusal());

        let e = api(
            403,
            ErrorKind::PermissionDenied,
            ErrorCode::PermissionDenied,
            "no MANAGE",
        )
        .refused_by(host, who);
        assert_eq!(
            e.to_string(),
            "the workspace https://dbc-1.cloud.databricks.com refused a request made with the \
             token of profile `dev` (PERMISSION_DENIED 403: no MANAGE): check what its user may \
             do, or the token"
        );
        assert_eq!(e.kind(), Some(ErrorKind::PermissionDenied));
        assert!(!e.fails_every_request() && e.is_refusal());

        // Other errors, and refusals of a client that was not told whose credentials it has,
        // stay as they are.
        let missing = api(404, ErrorKind::NotFound, ErrorCode::NotFound, "gone");
        assert!(matches!(
            missing.refused_by(host, who),
            ApiError::Api { .. }
        ));
        let plain = api(
            401,
            ErrorKind::Unauthenticated,
            ErrorCode::Unauthenticated,
            "x",
        );
        assert!(matches!(plain.refused_by(host, None), ApiError::Api { .. }));
    }
}
