//! Every error body shape the client meets, including real OSS MLflow answers.

use super::*;

fn parts(e: &ApiError) -> (u16, ErrorKind, Option<ErrorCode>, String) {
    match e {
        ApiError::Api {
            status,
            kind,
            code,
            message,
        } => (*status, *kind, code.clone(), message.clone()),
        other => panic!("not an Api error: {other:?}"),
    }
}

fn map(status: u16, body: &str) -> (u16, ErrorKind, Option<ErrorCode>, String) {
    parts(&api_error(status, "/api/2.0/mlflow/runs/get", body))
}

#[test]
fn real_mlflow_not_found_sample() {
    let body = include_str!("../testdata/error-experiment-not-found.json");
    let (status, kind, code, message) = map(404, body);
    assert_eq!(status, 404);
    assert_eq!(kind, ErrorKind::NotFound);
    assert_eq!(code, Some(ErrorCode::ResourceDoesNotExist));
    assert_eq!(message, "No Experiment with id=999 exists");
    let e = api_error(404, "/x", body);
    assert!(e.is_not_found());
    // A resource-level code means the API exists; only the resource is missing.
    assert!(!e.is_not_available());
    assert_eq!(
        e.to_string(),
        "RESOURCE_DOES_NOT_EXIST (404): No Experiment with id=999 exists"
    );
}

#[test]
fn real_mlflow_invalid_parameter_samples() {
    for body in [
        include_str!("../testdata/error-bad-json.json"),
        include_str!("../testdata/alias-delete-query.json"),
        include_str!("../testdata/transition-stage-bad.json"),
    ] {
        let (_, kind, code, message) = map(400, body);
        assert_eq!(kind, ErrorKind::BadRequest);
        assert_eq!(code, Some(ErrorCode::InvalidParameterValue));
        assert!(
            !message.is_empty() && !message.contains("sqlstate"),
            "{message}"
        );
    }
    let (_, _, _, m) = map(400, include_str!("../testdata/transition-stage-bad.json"));
    assert!(m.starts_with("Invalid Model Version stage: Bogus."), "{m}");
}

#[test]
fn code_decides_before_status() {
    // OSS MLflow answers a duplicate name with 400; the family is still a conflict.
    let body = r#"{"error_code":"RESOURCE_ALREADY_EXISTS","message":"Registered Model (name=m) already exists."}"#;
    let (status, kind, code, _) = map(400, body);
    assert_eq!((status, kind), (400, ErrorKind::Conflict));
    assert_eq!(code, Some(ErrorCode::ResourceAlreadyExists));
    // OSS maps INVALID_STATE to 500; the code says it is the caller's request.
    let (_, kind, _, _) = map(500, r#"{"error_code":"INVALID_STATE","message":"x"}"#);
    assert_eq!(kind, ErrorKind::BadRequest);
    let (_, kind, _, _) = map(
        400,
        r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"x"}"#,
    );
    assert_eq!(kind, ErrorKind::TooManyRequests);
}

#[test]
fn unknown_codes_fall_back_to_status() {
    let cases = [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Unauthenticated),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (409, ErrorKind::Conflict),
        (429, ErrorKind::TooManyRequests),
        (499, ErrorKind::Cancelled),
        (500, ErrorKind::Internal),
        (501, ErrorKind::NotImplemented),
        (503, ErrorKind::Unavailable),
        (504, ErrorKind::DeadlineExceeded),
        (418, ErrorKind::Unknown),
    ];
    for (status, want) in cases {
        let (_, kind, code, _) = map(status, r#"{"error_code":"QUOTA_EXCEEDED","message":"m"}"#);
        assert_eq!(kind, want, "{status}");
        assert_eq!(code, Some(ErrorCode::Other("QUOTA_EXCEEDED".into())));
    }
}

#[test]
fn non_string_error_code_is_treated_as_absent() {
    let (_, kind, code, message) = map(404, r#"{"error_code": 404, "message": "no such path"}"#);
    assert_eq!(code, None);
    assert_eq!(kind, ErrorKind::NotFound);
    assert_eq!(message, "no such path");
    let e = api_error(
        404,
        "/x",
        r#"{"error_code": 404, "message": "no such path"}"#,
    );
    assert!(e.is_not_available());
}

#[test]
fn details_are_tolerated() {
    let body = r#"{"error_code":"PERMISSION_DENIED","message":"no","details":[
        {"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"r","domain":"d","metadata":{}},
        {"@type":"type.googleapis.com/google.rpc.RequestInfo","request_id":"abc"}]}"#;
    let (_, kind, code, message) = map(403, body);
    assert_eq!(kind, ErrorKind::PermissionDenied);
    assert_eq!(code, Some(ErrorCode::PermissionDenied));
    assert_eq!(message, "no");
}

#[test]
fn json_without_message_uses_reason_phrase() {
    let (_, kind, code, message) = map(409, r#"{"error_code":"ABORTED"}"#);
    assert_eq!(
        (kind, code),
        (ErrorKind::Conflict, Some(ErrorCode::Aborted))
    );
    assert_eq!(message, "Conflict");
}

#[test]
fn legacy_error_field() {
    let (_, kind, code, message) = map(400, r#"{"error": "Cluster 12 does not exist"}"#);
    assert_eq!((kind, code), (ErrorKind::BadRequest, None));
    assert_eq!(message, "Cluster 12 does not exist");
}

#[test]
fn scim_error() {
    let body = r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],
                   "detail":"User not found","status":"404","scimType":"invalidValue"}"#;
    let (status, kind, code, message) = map(404, body);
    assert_eq!((status, kind), (404, ErrorKind::NotFound));
    assert_eq!(code, Some(ErrorCode::Other("SCIM_404".into())));
    assert_eq!(message, "invalidValue User not found");
    let (_, _, _, message) = map(500, r#"{"detail":"null","status":500}"#);
    assert_eq!(message, "SCIM API Internal Error");
}

#[test]
fn plain_text_with_code_prefix() {
    let (_, kind, code, message) =
        map(503, "TEMPORARILY_UNAVAILABLE: The service is overloaded.\n");
    assert_eq!(code, Some(ErrorCode::TemporarilyUnavailable));
    assert_eq!(kind, ErrorKind::Unavailable);
    assert_eq!(message, "The service is overloaded.");
}

#[test]
fn plain_text_without_code() {
    let (_, kind, code, message) = map(
        502,
        "upstream connect error or disconnect/reset\n  before headers",
    );
    assert_eq!((kind, code), (ErrorKind::Unknown, None));
    assert_eq!(
        message,
        "upstream connect error or disconnect/reset before headers"
    );
    // A lower-case prefix is prose, not a code.
    let (_, _, code, message) = map(500, "error: something broke");
    assert_eq!(code, None);
    assert_eq!(message, "error: something broke");
}

#[test]
fn html_pre_block_is_preferred() {
    let body = "<html><head><title>Error 500</title></head><body>\n<h2>HTTP ERROR 500</h2>\n\
                <PRE class=\"x\">  java.lang.IllegalStateException:\n   bad &amp; worse &lt;state&gt;\n</PRE>\n</body></html>";
    let (_, kind, code, message) = map(500, body);
    assert_eq!((kind, code), (ErrorKind::Internal, None));
    assert_eq!(
        message,
        "java.lang.IllegalStateException: bad & worse <state>"
    );
}

#[test]
fn html_title_from_flask_404() {
    // What `mlflow server` (Flask) answers for a route it does not have.
    let body = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n\
                <p>The requested URL was not found on the server.</p>\n";
    let e = api_error(404, "/api/2.1/unity-catalog/models", body);
    let (_, kind, code, message) = parts(&e);
    assert_eq!((kind, code), (ErrorKind::NotFound, None));
    assert_eq!(message, "404 Not Found");
    assert!(e.is_not_available());
}

#[test]
fn html_without_pre_or_title_keeps_its_text_capped() {
    let body = format!(
        "<html><body><h1>Bad\n gateway</h1><p>{}</p></body></html>",
        "x".repeat(1000)
    );
    let (_, _, _, message) = map(502, &body);
    assert!(message.starts_with("Bad gateway x"), "{message}");
    assert!(message.chars().count() <= MAX_TEXT_MESSAGE + 1);
    assert!(message.ends_with('…'));
    assert!(!message.contains('<'));
}

#[test]
fn empty_body_uses_reason_phrase() {
    assert_eq!(map(503, "").3, "Service Unavailable");
    assert_eq!(map(404, "  \n").3, "Not Found");
    assert_eq!(map(599, "").3, "HTTP 599");
    let e = api_error(500, "/x", "");
    assert_eq!(e.to_string(), "HTTP 500: Internal Server Error");
}

#[test]
fn json_that_is_not_an_object_is_text() {
    let (_, _, code, message) = map(500, r#"["a", "b"]"#);
    assert_eq!(code, None);
    assert_eq!(message, r#"["a", "b"]"#);
}

#[test]
fn jobs_missing_quirk_maps_to_not_found() {
    let body = r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"Job 42 does not exist."}"#;
    let e = api_error(400, "/api/2.2/jobs/get", body);
    assert_eq!(e.kind(), Some(ErrorKind::NotFound));
    let e = api_error(400, "/api/2.1/jobs/runs/get", body);
    assert!(e.is_not_found());
    // Every Jobs path that names a job or run: run-now, cancel, the runs listing.
    for path in [
        "/api/2.2/jobs/run-now",
        "/api/2.2/jobs/runs/cancel",
        "/api/2.2/jobs/runs/list",
    ] {
        assert!(api_error(400, path, body).is_not_found(), "{path}");
    }
    let run =
        r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"Run: 7 in job: 42 doesn't exist"}"#;
    assert!(api_error(400, "/api/2.2/jobs/runs/get", run).is_not_found());
    // Same body elsewhere stays a bad request, and so does another bad value on a Jobs path.
    let e = api_error(400, "/api/2.0/mlflow/runs/get", body);
    assert_eq!(e.kind(), Some(ErrorKind::BadRequest));
    let e = api_error(400, "/api/2.2/jobsx/get", body);
    assert_eq!(e.kind(), Some(ErrorKind::BadRequest));
    let limit = r#"{"error_code":"INVALID_PARAMETER_VALUE","message":"limit must be <= 25"}"#;
    let e = api_error(400, "/api/2.2/jobs/runs/list", limit);
    assert_eq!(e.kind(), Some(ErrorKind::BadRequest));
}

#[test]
fn long_json_messages_are_capped_on_a_char_boundary() {
    let long = "é".repeat(MAX_JSON_MESSAGE + 10);
    let body = serde_json::json!({"error_code": "INTERNAL_ERROR", "message": long}).to_string();
    let (_, _, _, message) = map(500, &body);
    assert_eq!(message.chars().count(), MAX_JSON_MESSAGE + 1);
}

#[test]
fn html_message_helper() {
    assert_eq!(
        html_message("<html><title> Hi  there </title></html>").as_deref(),
        Some("Hi there")
    );
    assert_eq!(html_message("<html></html>"), None);
    // `<preload>` is not a `<pre>` block.
    assert_eq!(
        html_message("<preload>x</preload><title>T</title>").as_deref(),
        Some("T")
    );
}
