//! Turns a non-2xx answer into an [`ApiError::Api`] (reference §2.1, §2.2).
//!
//! Servers answer errors in many shapes: the Databricks/MLflow `{error_code, message}` body,
//! legacy `{"error": ...}`, SCIM `{detail, status, scimType}`, `ERROR_CODE: message` text, HTML
//! pages from proxies and Flask, or nothing at all. The family is decided by `error_code` first,
//! because the same code comes with different statuses (OSS MLflow sends
//! `RESOURCE_ALREADY_EXISTS` with 400), and by HTTP status otherwise.

use serde_json::Value;

use crate::api::error::{ApiError, ErrorCode, ErrorKind};

/// Longest message kept from a JSON error body (some carry whole stack traces).
const MAX_JSON_MESSAGE: usize = 2000;
/// Longest message kept from text or HTML bodies, which are rarely worth more than a line.
const MAX_TEXT_MESSAGE: usize = 300;

/// The error for a non-2xx answer to `path`.
pub(crate) fn api_error(status: u16, path: &str, body: &str) -> ApiError {
    let (code, message) = parse_body(status, body);
    let code = code.map(|c| ErrorCode::from_wire(&c));
    let mut kind = kind_for(code.as_ref(), status);
    if is_jobs_missing_quirk(status, path, code.as_ref(), &message) {
        kind = ErrorKind::NotFound;
    }
    ApiError::Api {
        status,
        kind,
        code,
        message,
    }
}

/// The family of an error: by code when the code is known, else by status.
pub(crate) fn kind_for(code: Option<&ErrorCode>, status: u16) -> ErrorKind {
    use ErrorCode as C;
    use ErrorKind as K;
    match code {
        Some(C::InvalidParameterValue | C::BadRequest | C::MalformedRequest | C::InvalidState) => {
            K::BadRequest
        }
        Some(C::Unauthenticated | C::CustomerUnauthorized) => K::Unauthenticated,
        Some(C::PermissionDenied) => K::PermissionDenied,
        Some(C::ResourceDoesNotExist | C::NotFound | C::EndpointNotFound) => K::NotFound,
        Some(C::ResourceConflict | C::ResourceAlreadyExists | C::AlreadyExists | C::Aborted) => {
            K::Conflict
        }
        Some(C::RequestLimitExceeded | C::ResourceExhausted) => K::TooManyRequests,
        Some(C::Cancelled) => K::Cancelled,
        Some(C::InternalError | C::Unknown | C::DataLoss) => K::Internal,
        Some(C::NotImplemented) => K::NotImplemented,
        Some(
            C::TemporarilyUnavailable
            | C::WorkspaceTemporarilyUnavailable
            | C::ServiceUnderMaintenance,
        ) => K::Unavailable,
        Some(C::DeadlineExceeded) => K::DeadlineExceeded,
        Some(C::Other(_)) | None => kind_for_status(status),
    }
}

/// The family of an HTTP status, per the SDK's exception table.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthenticated,
        403 => ErrorKind::PermissionDenied,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        429 => ErrorKind::TooManyRequests,
        499 => ErrorKind::Cancelled,
        500 => ErrorKind::Internal,
        501 => ErrorKind::NotImplemented,
        503 => ErrorKind::Unavailable,
        504 => ErrorKind::DeadlineExceeded,
        _ => ErrorKind::Unknown,
    }
}

/// The SDK's override (reference §2.2): the Jobs API answers a missing job or run with 400
/// `INVALID_PARAMETER_VALUE` "Job 42 does not exist." / "Run 7 does not exist." (or "Run: 7 in
/// job: 42 doesn't exist"), which callers want to see as not found. The SDK remaps only
/// `jobs/get` and `jobs/runs/get`; the same answer from `run-now`, `runs/cancel` or `runs/list`
/// means the same thing, so every Jobs path is covered.
fn is_jobs_missing_quirk(status: u16, path: &str, code: Option<&ErrorCode>, msg: &str) -> bool {
    status == 400
        && code == Some(&ErrorCode::InvalidParameterValue)
        && is_jobs_path(path)
        && (msg.contains("does not exist") || msg.contains("doesn't exist"))
}

/// `/api/2.<minor>/jobs/...`.
fn is_jobs_path(path: &str) -> bool {
    path.strip_prefix("/api/2.")
        .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_digit()))
        .is_some_and(|rest| rest.starts_with("/jobs/"))
}

/// `(error_code, message)` from any of the known body shapes.
fn parse_body(status: u16, body: &str) -> (Option<String>, String) {
    let text = body.trim();
    if text.is_empty() {
        return (None, reason(status));
    }
    if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) {
        return parse_json(status, &obj);
    }
    if text.starts_with('<') {
        let message = html_message(text).unwrap_or_else(|| reason(status));
        return (None, message);
    }
    if let Some((code, message)) = split_code_prefix(text) {
        return (Some(code), excerpt(message, MAX_TEXT_MESSAGE));
    }
    (None, excerpt(text, MAX_TEXT_MESSAGE))
}

fn parse_json(status: u16, obj: &serde_json::Map<String, Value>) -> (Option<String>, String) {
    let str_field = |k: &str| obj.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    // A non-string `error_code` (some legacy endpoints send integers) says nothing we can
    // branch on, so the status decides.
    let mut code = str_field("error_code").map(str::to_string);
    let mut message = str_field("message").map(str::to_string);
    if let Some(legacy) = str_field("error") {
        // `{"error": ...}` (API 1.2 style), sometimes with an OAuth-style description.
        message = Some(match str_field("error_description") {
            Some(d) => format!("{legacy}: {d}"),
            None => legacy.to_string(),
        });
    }
    if let Some(detail) = str_field("detail") {
        // SCIM (RFC 7644 §3.7.3): the SDK reports `"<scimType> <detail>"` as `SCIM_<status>`.
        let detail = if detail == "null" {
            "SCIM API Internal Error"
        } else {
            detail
        };
        let scim_type = str_field("scimType").unwrap_or("");
        message = Some(format!("{scim_type} {detail}").trim().to_string());
        let scim_status = match obj.get("status") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => status.to_string(),
        };
        code = Some(format!("SCIM_{scim_status}"));
    }
    let message = message.unwrap_or_else(|| reason(status));
    (code, cap(&message, MAX_JSON_MESSAGE))
}

/// `ERROR_CODE: message` as some gateways answer in plain text.
fn split_code_prefix(text: &str) -> Option<(String, &str)> {
    let (code, rest) = text.split_once(':')?;
    let is_code = code.len() >= 2
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_code.then(|| (code.to_string(), rest.trim()))
}

/// The readable part of an HTML error page: its `<pre>` block, else its `<title>`, else all
/// its text; tags stripped, entities decoded, whitespace collapsed, length capped.
pub(crate) fn html_message(html: &str) -> Option<String> {
    let inner = element_text(html, "pre")
        .or_else(|| element_text(html, "title"))
        .unwrap_or(html);
    let text = excerpt(&decode_entities(&strip_tags(inner)), MAX_TEXT_MESSAGE);
    (!text.is_empty()).then_some(text)
}

/// The content of the first `<name ...>...</name>` element, matched case-insensitively.
fn element_text<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&open).map(|i| i + from) {
        let after = i + open.len();
        // `<pre>` or `<pre class=..>`, but not `<preload>`.
        if lower[after..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            let start = after + lower[after..].find('>')? + 1;
            let end = lower[start..]
                .find(&format!("</{name}"))
                .map_or(html.len(), |e| start + e);
            return Some(&html[start..end]);
        }
        from = after;
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            // A tag boundary separates words (`<br>`, `</p><p>`).
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Whitespace collapsed to single spaces, then capped at `max` characters.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    cap(&collapsed, max)
}

/// At most `max` characters (not bytes, so multi-byte text is never cut mid-character).
fn cap(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// The reason phrase of a status, for bodies that say nothing.
fn reason(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or_else(|| format!("HTTP {status}"), str::to_string)
}

#[cfg(test)]
#[path = "error_map_tests.rs"]
mod tests;
