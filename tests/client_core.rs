//! The HTTP core over real HTTP against scripted loopback servers: headers, methods, retries,
//! error mapping, read-only refusal, secrecy, in-flight counting. No test asserts a duration.

mod client_support;

use std::time::Duration;

use client_support::{Reply, Server, assert_hidden, closed_port, options};
use mlops_console::api::{ApiError, Client, Credentials, ErrorCode, ErrorKind};
use serde_json::{Value, json};

const TOKEN: &str = "dapi-SECRET-0123456789abcdef";

fn pat() -> Credentials {
    Credentials::Pat(TOKEN.into())
}

fn client(server: &Server) -> Client {
    Client::new(options(&server.url(), pat())).unwrap()
}

fn api_parts(e: &ApiError) -> (u16, ErrorKind, Option<ErrorCode>, String) {
    match e {
        ApiError::Api {
            status,
            kind,
            code,
            message,
        } => (*status, *kind, code.clone(), message.clone()),
        other => panic!("expected an Api error, got {other:?}"),
    }
}

#[tokio::test]
async fn pat_get_sends_exact_headers_and_encoded_query() {
    let server = Server::sequence(vec![], (200, r#"{"ok": true}"#)).await;
    let c = client(&server);
    let query = [
        ("filter", "name = 'a b&c'".to_string()),
        ("order_by", "x".to_string()),
        ("order_by", "y DESC".to_string()),
    ];
    let v: Value = c.get_json("/api/2.0/mlflow/x", &query).await.unwrap();
    assert_eq!(v, json!({"ok": true}));
    let seen = &server.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.uri,
        "/api/2.0/mlflow/x?filter=name+%3D+%27a+b%26c%27&order_by=x&order_by=y+DESC"
    );
    assert_eq!(
        seen.header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    assert_eq!(seen.header("accept"), Some("application/json"));
    let ua = format!("mlops-console/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(seen.header("user-agent"), Some(ua.as_str()));
    assert_eq!(seen.headers.get_all("authorization").iter().count(), 1);
}

#[tokio::test]
async fn no_credentials_send_no_authorization() {
    let server = Server::sequence(vec![], (200, "{}")).await;
    let c = Client::new(options(&server.url(), Credentials::None)).unwrap();
    let _: Value = c
        .get_json("/api/2.0/mlflow/experiments/search", &[])
        .await
        .unwrap();
    assert_eq!(server.seen()[0].header("authorization"), None);
}

#[tokio::test]
async fn every_method_sends_its_body_and_content_type() {
    let server =
        Server::start(|seen, _| Reply::json(200, format!(r#"{{"method":"{}"}}"#, seen.method)))
            .await;
    let c = client(&server);
    let body = json!({"name": "m", "alias": "champion"});
    let r: Value = c.post_json("/api/2.0/a", &body).await.unwrap();
    assert_eq!(r["method"], "POST");
    let _: Value = c.put_json("/api/2.0/b", &body).await.unwrap();
    let _: Value = c.patch_json("/api/2.0/c", &body).await.unwrap();
    let _: Value = c
        .delete_json("/api/2.0/d", &[("name", "m 1".into())])
        .await
        .unwrap();
    let _: Value = c.delete_json_body("/api/2.0/e", &body).await.unwrap();

    let seen = server.seen();
    let summary: Vec<(&str, &str)> = seen
        .iter()
        .map(|s| (s.method.as_str(), s.uri.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("POST", "/api/2.0/a"),
            ("PUT", "/api/2.0/b"),
            ("PATCH", "/api/2.0/c"),
            ("DELETE", "/api/2.0/d?name=m+1"),
            ("DELETE", "/api/2.0/e"),
        ]
    );
    for i in [0, 1, 2, 4] {
        assert_eq!(seen[i].header("content-type"), Some("application/json"));
        assert_eq!(serde_json::from_str::<Value>(&seen[i].body).unwrap(), body);
    }
    assert_eq!(seen[3].body, "");
    assert_eq!(seen[3].header("content-type"), None);
}

#[tokio::test]
async fn get_text_asks_for_text() {
    let metrics =
        "# TYPE cpu_usage_percentage gauge\ncpu_usage_percentage{server_entity_name=\"a\"} 12.5\n";
    let server =
        Server::start(move |_, _| Reply::with_type(200, "text/plain; version=0.0.4", metrics))
            .await;
    let c = client(&server);
    let text = c
        .get_text("/api/2.0/serving-endpoints/e/metrics", &[])
        .await
        .unwrap();
    assert_eq!(text, metrics);
    assert_eq!(server.seen()[0].header("accept"), Some("text/plain"));
}

#[tokio::test]
async fn throttled_call_is_retried_after_retry_after_then_succeeds() {
    let server = Server::start(|_, i| match i {
        0 => Reply::json(
            429,
            r#"{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"slow down"}"#,
        )
        .header("retry-after", "1"),
        1 => Reply::json(429, "").header("retry-after", "0"),
        _ => Reply::json(200, r#"{"n": 3}"#),
    })
    .await;
    let c = client(&server);
    let v: Value = c
        .post_json("/api/2.0/mlflow/runs/search", &json!({}))
        .await
        .unwrap();
    assert_eq!(v, json!({"n": 3}));
    assert_eq!(server.count(), 3);
    // Retries resend the same body.
    assert!(server.seen().iter().all(|s| s.body == "{}"));
}

#[tokio::test]
async fn unavailable_is_retried_for_reads_but_not_for_changes() {
    let replies = || {
        vec![
            (503, ""),
            (
                503,
                r#"{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}"#,
            ),
        ]
    };
    let server = Server::sequence(replies(), (200, "{}")).await;
    let c = client(&server);
    let _: Value = c
        .get_json("/api/2.0/serving-endpoints/e", &[])
        .await
        .unwrap();
    assert_eq!(server.count(), 3);

    // A proxy may answer 503 after the server took the change: it is not sent again blindly
    // (the change pipeline reads the object back and decides).
    let server = Server::sequence(replies(), (200, "{}")).await;
    let c = client(&server);
    let e = c
        .put_json::<_, Value>("/api/2.0/serving-endpoints/e/config", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(e.may_have_applied());
}

#[tokio::test]
async fn internal_error_on_a_change_is_surfaced_at_once_and_a_read_is_retried_a_few_times() {
    let server = Server::sequence(
        vec![],
        (
            500,
            r#"{"error_code":"INTERNAL_ERROR","message":"boom: db down"}"#,
        ),
    )
    .await;
    let c = client(&server);
    let e = c
        .post_json::<_, Value>("/api/2.0/mlflow/transition-requests/approve", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        server.count(),
        1,
        "a change that may have been applied is not sent again"
    );
    assert!(e.may_have_applied());
    let read = c
        .get_json::<Value>("/api/2.0/mlflow/runs/get", &[])
        .await
        .unwrap_err();
    assert_eq!(server.count(), 1 + 6, "a read is tried six times at most");
    assert_eq!(read.to_string(), e.to_string());
    let (status, kind, code, message) = api_parts(&e);
    assert_eq!((status, kind), (500, ErrorKind::Internal));
    assert_eq!(code, Some(ErrorCode::InternalError));
    assert_eq!(message, "boom: db down");
    assert_eq!(e.to_string(), "INTERNAL_ERROR (500): boom: db down");
}

#[tokio::test]
async fn throttling_past_the_budget_returns_the_last_answer() {
    // Retry-After far beyond the budget: waiting would overrun it, so no second attempt.
    let server = Server::start(|_, _| {
        Reply::json(
            429,
            r#"{"error_code":"RESOURCE_EXHAUSTED","message":"quota"}"#,
        )
        .header("retry-after", "100000")
    })
    .await;
    let c = client(&server);
    let e = c.get_json::<Value>("/api/2.0/x", &[]).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(e.kind(), Some(ErrorKind::TooManyRequests));
}

#[tokio::test]
async fn real_mlflow_error_sample_over_http() {
    let body = include_str!("fixtures/mlflow-samples/error-experiment-not-found.json");
    let server = Server::start(move |_, _| Reply::json(404, body)).await;
    let e = client(&server).get_experiment("999").await.unwrap_err();
    assert!(e.is_not_found() && !e.is_not_available());
    assert_eq!(api_parts(&e).3, "No Experiment with id=999 exists");
}

#[tokio::test]
async fn real_mlflow_success_sample_over_http() {
    let body = include_str!("fixtures/mlflow-samples/experiments-get-by-name.json");
    let server = Server::start(move |_, _| Reply::json(200, body)).await;
    let exp = client(&server)
        .get_experiment_by_name("feasibility-exp")
        .await
        .unwrap();
    assert_eq!(exp.experiment_id, "1");
    assert_eq!(
        server.seen()[0].uri,
        "/api/2.0/mlflow/experiments/get-by-name?experiment_name=feasibility-exp"
    );
}

#[tokio::test]
async fn html_error_page_becomes_a_readable_message() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>\
                <hr><center>nginx</center></body></html>";
    let server = Server::start(move |_, _| Reply::with_type(502, "text/html", page)).await;
    let e = client(&server)
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "HTTP 502: 502 Bad Gateway");
}

#[tokio::test]
async fn flask_404_page_means_the_api_is_not_available() {
    let page =
        "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n";
    let server =
        Server::start(move |_, _| Reply::with_type(404, "text/html; charset=utf-8", page)).await;
    let e = client(&server).list_serving_endpoints().await.unwrap_err();
    assert!(e.is_not_available(), "{e:?}");
}

#[tokio::test]
async fn plain_text_error() {
    let server =
        Server::start(|_, _| Reply::with_type(403, "text/plain", "PERMISSION_DENIED: not yours"))
            .await;
    let e = client(&server)
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    let (status, kind, code, message) = api_parts(&e);
    assert_eq!((status, kind), (403, ErrorKind::PermissionDenied));
    assert_eq!(code, Some(ErrorCode::PermissionDenied));
    assert_eq!(message, "not yours");
}

#[tokio::test]
async fn empty_error_body_uses_reason_phrase() {
    let server = Server::start(|_, _| Reply::Respond {
        status: 409,
        headers: vec![],
        body: String::new(),
    })
    .await;
    let e = client(&server)
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "HTTP 409: Conflict");
    assert_eq!(e.kind(), Some(ErrorKind::Conflict));
}

#[tokio::test]
async fn malformed_or_html_success_bodies_are_decode_errors() {
    let server = Server::start(|seen, _| match seen.path() {
        "/bad" => Reply::json(200, r#"{"experiment": {"name": "#),
        _ => Reply::with_type(200, "text/html", "<html><title>Login</title></html>"),
    })
    .await;
    let c = client(&server);
    let e = c.get_json::<Value>("/bad", &[]).await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");
    let e = c.get_json::<Value>("/html", &[]).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected answer from /html: expected JSON, got an HTML page: Login"
    );
}

#[tokio::test]
async fn connection_refused_is_transport_with_what_to_check() {
    let o = options(&format!("http://127.0.0.1:{}", closed_port()), pat());
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    match &e {
        ApiError::Transport {
            host,
            message,
            sent,
        } => {
            assert!(host.starts_with("http://127.0.0.1:"), "{host}");
            assert!(message.starts_with("connection refused: check the host and port"));
            assert!(!sent, "a refused connection sent nothing");
        }
        other => panic!("{other:?}"),
    }
    assert_hidden(&e, &e.to_string(), TOKEN);
}

#[tokio::test]
async fn slow_server_is_a_timeout() {
    let server = Server::start(|_, _| Reply::Hang).await;
    let mut o = options(&server.url(), pat());
    o.request_timeout = Duration::from_millis(100);
    o.retry_budget = Duration::from_millis(150);
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/api/2.0/slow", &[])
        .await
        .unwrap_err();
    match &e {
        ApiError::Timeout { what, secs, sent } => {
            assert_eq!(what, &format!("GET /api/2.0/slow at {}", server.url()));
            assert_eq!(*secs, 0.1, "the limit in force is named");
            assert!(sent);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.count(),
        1,
        "a server that does not answer is not asked again"
    );
}

#[tokio::test]
async fn read_only_refuses_mutations_before_sending_and_allows_searches() {
    let server = Server::sequence(vec![], (200, "{}")).await;
    let mut o = options(&server.url(), pat());
    o.readonly = true;
    let c = Client::new(o).unwrap();
    let body = json!({"name": "m", "alias": "champion", "version": "1"});
    let refused = [
        c.post_json::<_, Value>("/api/2.0/mlflow/registered-models/alias", &body)
            .await,
        c.post_json::<_, Value>("/api/2.0/sql/statements", &json!({"statement": "SELECT 1"}))
            .await,
        c.put_json::<_, Value>("/api/2.0/serving-endpoints/e/config", &body)
            .await,
        c.patch_json::<_, Value>("/api/2.1/unity-catalog/models/a.b.c", &body)
            .await,
        c.delete_json::<Value>("/api/2.0/mlflow/registered-models/alias", &[])
            .await,
        c.delete_json_body::<_, Value>("/api/2.0/mlflow/registered-models/alias", &body)
            .await,
    ];
    for r in refused {
        assert!(matches!(r, Err(ApiError::ReadOnly { .. })), "{r:?}");
    }
    assert_eq!(server.count(), 0);
    let _: Value = c
        .post_json("/api/2.0/mlflow/runs/search", &json!({}))
        .await
        .unwrap();
    let _: Value = c
        .post_json("/api/2.0/mlflow/experiments/search", &json!({}))
        .await
        .unwrap();
    let _: Value = c.get_json("/api/2.0/serving-endpoints", &[]).await.unwrap();
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn token_never_appears_in_errors() {
    let echo = |seen: &client_support::Seen| seen.header("authorization").unwrap_or("").to_string();
    let server = Server::start(move |seen, _| match seen.path() {
        "/401" => Reply::json(401, json!({"error_code": "UNAUTHENTICATED", "message": format!("Invalid header: {}", echo(seen))}).to_string()),
        "/html" => Reply::with_type(400, "text/html", format!("<pre>header was {}</pre>", echo(seen))),
        "/text" => Reply::with_type(400, "text/plain", format!("BAD_REQUEST: {}", echo(seen))),
        "/code" => Reply::json(400, json!({"error_code": echo(seen), "message": "x"}).to_string()),
        _ => Reply::json(200, format!(r#"{{"n": "{}" "#, echo(seen))),
    })
    .await;
    let c = client(&server);
    for path in ["/401", "/html", "/text", "/code", "/decode"] {
        let e = c.get_json::<Value>(path, &[]).await.unwrap_err();
        assert!(
            e.to_string().contains("***") || path == "/code",
            "{path}: {e}"
        );
        assert_hidden(&e, &e.to_string(), TOKEN);
    }
    let e = c.get_json::<Value>("/401", &[]).await.unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::Unauthenticated));
    assert_hidden(&c, &format!("{c:?}"), TOKEN);
}

#[tokio::test]
async fn in_flight_counts_requests_on_the_wire_and_cancellation() {
    let server = Server::start(|seen, _| match seen.path() {
        "/hang" => Reply::Hang,
        _ => Reply::json(200, "{}"),
    })
    .await;
    let c = client(&server);
    assert_eq!(c.in_flight(), 0);
    let task = {
        let c = c.clone();
        tokio::spawn(async move { c.get_json::<Value>("/hang", &[]).await })
    };
    // Wait (by request count, not time) until the request reached the server.
    while server.count() == 0 {
        tokio::task::yield_now().await;
    }
    assert_eq!(c.in_flight(), 1);
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(c.in_flight(), 0);
    let _: Value = c.get_json("/ok", &[]).await.unwrap();
    assert_eq!(c.in_flight(), 0);
}
