//! A client that a hostile or broken server cannot hurt: endless bodies, echoed credentials,
//! hung and refused connections, bad certificates, hosts with user-info. No test asserts a
//! duration: "fails fast" is checked by counting attempts and reading the error.

mod client_support;

use std::time::Duration;

use client_support::{Reply, Server, assert_hidden, closed_port, options};
use mlops_console::api::{ApiError, Client, Credentials};
use serde_json::Value;

const TOKEN: &str = "dapi-SECRET-0123456789abcdef0";

fn pat() -> Credentials {
    Credentials::Pat(TOKEN.into())
}

/// A client whose retries would wait a minute each: a test that made one would hang.
fn without_patience(host: &str) -> Client {
    let mut o = options(host, pat());
    o.retry_budget = Duration::from_secs(600);
    o.retry_policy = mlops_console::api::RetryPolicy::scaled(Duration::from_secs(60));
    Client::new(o).unwrap()
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit() {
    let server = Server::start(|_, _| Reply::Endless).await;
    let mut o = options(&server.url(), pat());
    o.max_response_bytes = 1024 * 1024;
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/api/2.0/mlflow/experiments/search", &[])
        .await
        .unwrap_err();
    match &e {
        ApiError::TooLarge { limit, status, .. } => {
            assert_eq!(*limit, 1024 * 1024);
            assert_eq!(*status, 200);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("larger than 1 MiB"), "{e}");
    assert_eq!(
        server.count(),
        1,
        "a too-large answer is not asked for again"
    );
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_reading() {
    let big = " ".repeat(4096);
    let server = Server::start(move |_, _| Reply::json(200, big.clone())).await;
    let mut o = options(&server.url(), pat());
    o.max_response_bytes = 1024;
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/x", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::TooLarge { .. }), "{e:?}");
}

#[tokio::test]
async fn a_token_echoed_in_a_long_error_page_never_leaks_even_in_part() {
    // The message is cut to an excerpt; the token sits across the cut.
    let server = Server::start(|seen, _| {
        let auth = seen.header("authorization").unwrap_or("").to_string();
        let padding = "x".repeat(285);
        Reply::with_type(
            400,
            "text/plain",
            format!("INVALID_STATE: {padding} {auth} and more text after it"),
        )
    })
    .await;
    let e = Client::new(options(&server.url(), pat()))
        .unwrap()
        .get_json::<Value>("/x", &[])
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert_hidden(&e, &shown, TOKEN);
    assert!(!shown.contains(&TOKEN[..12]), "a prefix leaked: {shown}");
}

#[tokio::test]
async fn a_one_letter_token_does_not_mangle_messages() {
    let server = Server::start(|_, _| {
        Reply::with_type(200, "text/html", "<html><title>expected x</title></html>")
    })
    .await;
    let e = Client::new(options(&server.url(), Credentials::Pat("x".into())))
        .unwrap()
        .get_json::<Value>("/x", &[])
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("expected JSON"), "{shown}");
    assert!(!shown.contains("e***pected"), "{shown}");
    assert!(
        shown.ends_with("expected ***"),
        "the token itself is hidden: {shown}"
    );
}

#[tokio::test]
async fn a_refused_port_fails_on_the_first_attempt_with_what_to_check() {
    let port = closed_port();
    let e = without_patience(&format!("http://127.0.0.1:{port}"))
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!(
            "cannot reach http://127.0.0.1:{port}: connection refused: check the host and port"
        )),
        "{shown}"
    );
    assert!(!e.may_have_applied());
}

#[tokio::test]
async fn an_unresolvable_host_fails_at_once() {
    let e = without_patience("http://no-such-host.invalid")
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("does not resolve"), "{shown}");
}

#[tokio::test]
async fn a_tls_failure_fails_at_once_and_says_tls() {
    // A plain-HTTP server spoken to over https: the handshake fails.
    let server = Server::start(|_, _| Reply::json(200, "{}")).await;
    let e = without_patience(&format!("https://{}", server.addr))
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("TLS failed"), "{shown}");
    assert!(
        matches!(e, ApiError::Transport { sent: false, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_hung_server_is_asked_once_and_the_message_names_the_real_limit() {
    let server = Server::start(|_, _| Reply::Hang).await;
    let mut o = options(&server.url(), pat());
    o.request_timeout = Duration::from_millis(300);
    // A budget that would allow retries: a timeout is not retried.
    o.retry_budget = Duration::from_secs(60);
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("no answer within 0.3s"), "{e}");
    assert_eq!(server.count(), 1);
}

#[test]
fn a_host_with_user_info_is_refused() {
    let e = Client::new(options("http://u:p4ssw0rd@127.0.0.1:1", pat())).unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("user name or password"), "{shown}");
    assert!(!shown.contains("p4ssw0rd"), "{shown}");
}
