//! Unit tests of the core that need no server: decoding, setup, the in-flight guard.

use serde::Deserialize;

use super::*;
use crate::api::client::Client;
use crate::api::credentials::Credentials;

#[derive(Debug, Deserialize, PartialEq, Default)]
struct Probe {
    #[serde(default)]
    a: Option<i64>,
}

fn client(host: &str, credentials: Credentials) -> ApiResult<Client> {
    Client::new(ClientOptions::new(host, credentials))
}

#[test]
fn decodes_real_sample() {
    let text = include_str!("../testdata/experiments-get-by-name.json");
    let r: crate::api::models::mlflow::ExperimentResponse =
        decode("/api/2.0/mlflow/experiments/get-by-name", text).unwrap();
    assert_eq!(r.experiment.name, "feasibility-exp");
}

#[test]
fn empty_and_empty_object_bodies_decode() {
    let alias_delete = include_str!("../testdata/alias-delete.json");
    assert_eq!(
        decode::<Probe>("/p", alias_delete).unwrap(),
        Probe::default()
    );
    assert_eq!(decode::<Probe>("/p", "").unwrap(), Probe::default());
    assert_eq!(
        decode::<serde_json::Value>("/p", " ").unwrap(),
        serde_json::json!({})
    );
    decode::<()>("/p", "").unwrap();
}

#[test]
fn malformed_json_is_a_short_decode_error() {
    let body = format!("{{\"a\": 1, \"b\": [{}", "9,".repeat(5000));
    match decode::<Probe>("/api/x", &body) {
        Err(ApiError::Decode { path, message }) => {
            assert_eq!(path, "/api/x");
            assert!(message.contains("body starts: {\"a\": 1"), "{message}");
            assert!(message.len() < 500, "{}", message.len());
        }
        other => panic!("{other:?}"),
    }
    // Right syntax, wrong shape.
    let e = decode::<Probe>("/api/x", r#"{"a": "not a number"}"#).unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
}

#[test]
fn html_with_200_is_a_readable_decode_error() {
    let page = "<!DOCTYPE html><html><head><title>Sign in - Databricks</title></head><body>...</body></html>";
    let e = decode::<Probe>("/api/2.0/serving-endpoints", page).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected answer from /api/2.0/serving-endpoints: expected JSON, got an HTML page: Sign in - Databricks"
    );
}

#[test]
fn bad_hosts_are_setup_errors() {
    for host in ["", "not a url", "ftp://example.com", "http://"] {
        match client(host, Credentials::None) {
            Err(ApiError::Setup { .. }) => {}
            other => panic!("{host:?}: {other:?}"),
        }
    }
}

#[test]
fn host_is_normalised_and_user_info_is_refused_without_quoting_it() {
    let c = client("http://127.0.0.1:5000/", Credentials::None).unwrap();
    assert_eq!(c.host(), "http://127.0.0.1:5000");
    assert_eq!(c.inner.base, "http://127.0.0.1:5000");
    let e = client("http://user:pw-secret@127.0.0.1:5000", Credentials::None).unwrap_err();
    assert!(matches!(e, ApiError::Setup { .. }), "{e:?}");
    assert!(!format!("{e} {e:?}").contains("pw-secret"));
}

#[test]
fn token_with_newline_is_refused_without_quoting_it() {
    let e = client(
        "http://127.0.0.1:1",
        Credentials::Pat("dapi-secret\nx".into()),
    )
    .unwrap_err();
    assert!(matches!(e, ApiError::Setup { .. }));
    assert!(!format!("{e} {e:?}").contains("dapi-secret"));
}

#[test]
fn client_debug_hides_credentials() {
    let c = client(
        "http://127.0.0.1:1",
        Credentials::Pat("dapi-secret-1".into()),
    )
    .unwrap();
    let shown = format!("{c:?}");
    assert!(
        shown.contains("pat") && !shown.contains("dapi-secret-1"),
        "{shown}"
    );
    let c = client(
        "http://127.0.0.1:1",
        Credentials::OAuthM2m {
            client_id: "sp".into(),
            client_secret: "dose-secret-2".into(),
        },
    )
    .unwrap();
    let shown = format!("{c:?}");
    assert!(
        shown.contains("oauth-m2m") && !shown.contains("dose-secret-2"),
        "{shown}"
    );
}

#[test]
fn in_flight_guard_counts_and_uncounts() {
    let counter = AtomicUsize::new(0);
    {
        let _a = InFlight::enter(&counter);
        let _b = InFlight::enter(&counter);
        assert_eq!(counter.load(Ordering::SeqCst), 2);
    }
    assert_eq!(counter.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn read_only_refusal_happens_before_anything_is_sent() {
    // Port 1 on loopback: a request that got out would fail as Transport, not ReadOnly.
    let mut o = ClientOptions::new("http://127.0.0.1:1", Credentials::Pat("t0k".into()));
    o.readonly = true;
    let c = Client::new(o).unwrap();
    let e = c
        .delete_json::<serde_json::Value>("/api/2.0/mlflow/experiments/delete", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::ReadOnly { .. }), "{e:?}");
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn bodies_decode_from_bytes_as_they_did_from_text() {
    let path = "/api/2.0/mlflow/experiments/get-by-name";
    let text = include_str!("../testdata/experiments-get-by-name.json");
    let from_bytes: crate::api::models::mlflow::ExperimentResponse =
        decode_bytes(path, text.as_bytes()).unwrap();
    let from_text: crate::api::models::mlflow::ExperimentResponse = decode(path, text).unwrap();
    assert_eq!(from_bytes, from_text);
    // Invalid UTF-8 inside a string reads as U+FFFD, as the text read always did.
    let v: serde_json::Value = decode_bytes("/p", b"{\"a\": \"x\xffy\"}").unwrap();
    assert_eq!(v["a"], "x\u{fffd}y");
    assert_eq!(decode_bytes::<Probe>("/p", b"").unwrap(), Probe::default());
    let page = b"<!DOCTYPE html><html><head><title>Sign in - Databricks</title></head></html>";
    assert_eq!(
        decode_bytes::<Probe>("/api/x", page)
            .unwrap_err()
            .to_string(),
        "unexpected answer from /api/x: expected JSON, got an HTML page: Sign in - Databricks"
    );
    match decode_bytes::<Probe>("/api/x", b"\xff\xfe{not json") {
        Err(ApiError::Decode { message, .. }) => {
            assert!(
                message.contains("body starts: \u{fffd}\u{fffd}{not json"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
}
