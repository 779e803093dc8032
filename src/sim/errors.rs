//! Errors answered in the Databricks shape `{"error_code", "message"}` (reference §2.1), built on
//! the shared [`ErrorBody`] so the client parses exactly what the simulator writes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::api::models::error_body::ErrorBody;

/// An error answer: HTTP status plus a Databricks error body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// The request itself was not understood (unknown path or method, a body or argument of
    /// the wrong shape), as opposed to a well-formed request about something absent or not
    /// allowed. The request log flags these: an official client should never cause one.
    pub shape: bool,
}

/// Marks a response as a rejection of the request's shape, for the request log (see
/// [`ApiError::shape`]); holds `ERROR_CODE: message`.
#[derive(Debug, Clone)]
pub(crate) struct ShapeRejection(pub String);

pub(crate) type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody::new(code, message),
            shape: false,
        }
    }

    /// The same error, flagged as a rejection of the request's shape.
    pub fn shape(mut self) -> Self {
        self.shape = true;
        self
    }

    /// 400 `INVALID_PARAMETER_VALUE`, the code MLflow and UC use for every bad argument.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_PARAMETER_VALUE", message)
    }

    /// 404 `RESOURCE_DOES_NOT_EXIST`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "RESOURCE_DOES_NOT_EXIST", message)
    }

    /// The wording the OSS server uses for a missing required argument (see the
    /// `alias-delete-query.json` sample).
    pub fn missing(param: &str) -> Self {
        Self::invalid(format!(
            "Missing value for required parameter '{param}'. See the API docs for more \
             information about request parameters."
        ))
        .shape()
    }

    /// The error a Databricks front end gives for a status with no more specific story, used by
    /// injected faults.
    pub fn for_status(status: u16) -> Self {
        let (code, message) = match status {
            400 => ("BAD_REQUEST", "Bad request."),
            401 => (
                "UNAUTHENTICATED",
                "Credential was not sent or was of an unsupported type for this API.",
            ),
            403 => ("PERMISSION_DENIED", "Permission denied."),
            404 => ("NOT_FOUND", "Not found."),
            409 => (
                "RESOURCE_CONFLICT",
                "The request conflicts with another request.",
            ),
            429 => (
                "REQUEST_LIMIT_EXCEEDED",
                "Too many requests. Please wait a moment and try again.",
            ),
            499 => ("CANCELLED", "The request was cancelled."),
            501 => ("NOT_IMPLEMENTED", "This API is not implemented."),
            503 => (
                "TEMPORARILY_UNAVAILABLE",
                "The service is temporarily unavailable. Please try again later.",
            ),
            504 => ("DEADLINE_EXCEEDED", "The request timed out."),
            s if (400..500).contains(&s) => ("BAD_REQUEST", "Bad request."),
            _ => (
                "INTERNAL_ERROR",
                "The server encountered an internal error. Please try again later.",
            ),
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self::new(status, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let rejection = self.shape.then(|| {
            format!(
                "{}: {}",
                self.body.code().unwrap_or("?"),
                self.body.message.as_deref().unwrap_or("")
            )
        });
        let mut resp = (self.status, Json(self.body)).into_response();
        if let Some(r) = rejection {
            resp.extensions_mut().insert(ShapeRejection(r));
        }
        resp
    }
}
