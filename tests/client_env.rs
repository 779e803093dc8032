//! Behaviour driven by the environment: proxies and the system CA store. The environment is
//! process-wide, so this crate holds a single test that changes it step by step; other test
//! crates run in other processes and never see these variables.

mod client_support;

use client_support::{Reply, Server, closed_port, options};
use mlops_console::api::{ApiError, Client, Credentials};
use serde_json::Value;

const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

fn set(name: &str, value: &str) {
    // SAFETY: this crate has one test on a current-thread runtime, and every address it uses
    // is an IP literal, so no resolver thread (getaddrinfo reads the environment) is running
    // while the environment is written.
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    // SAFETY: as in `set`.
    unsafe { std::env::remove_var(name) }
}

fn client_for(url: &str) -> Client {
    Client::new(options(url, Credentials::Pat("dapi-proxy-test".into()))).unwrap()
}

#[tokio::test]
async fn proxies_and_ca_store_come_from_the_environment() {
    for var in PROXY_VARS {
        unset(var);
    }
    let target = Server::start(|_, _| Reply::json(200, r#"{"via":"direct"}"#)).await;
    // A forward proxy that answers itself; CONNECT (for https) is refused.
    let proxy = Server::start(|seen, _| match seen.method.as_str() {
        "CONNECT" => Reply::json(403, ""),
        _ => Reply::json(200, r#"{"via":"proxy"}"#),
    })
    .await;
    let path = "/api/2.0/mlflow/experiments/get?experiment_id=1";

    // 1. HTTP_PROXY routes plain-http calls through the proxy in absolute form.
    set("HTTP_PROXY", &proxy.url());
    let v: Value = client_for(&target.url())
        .get_json(
            "/api/2.0/mlflow/experiments/get",
            &[("experiment_id", "1".into())],
        )
        .await
        .unwrap();
    assert_eq!(v["via"], "proxy");
    let seen = proxy.seen();
    assert_eq!(seen[0].uri, format!("{}{path}", target.url()));
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer dapi-proxy-test")
    );
    assert_eq!(target.count(), 0);

    // 2. NO_PROXY exempts the host: the call goes direct, in origin form.
    set("NO_PROXY", "127.0.0.1");
    let v: Value = client_for(&target.url())
        .get_json(
            "/api/2.0/mlflow/experiments/get",
            &[("experiment_id", "1".into())],
        )
        .await
        .unwrap();
    assert_eq!(v["via"], "direct");
    assert_eq!(target.seen()[0].uri, path);
    unset("NO_PROXY");
    unset("HTTP_PROXY");

    // 3. HTTPS_PROXY tunnels https calls with CONNECT; nothing reaches the (closed) target port.
    set("HTTPS_PROXY", &proxy.url());
    let port = closed_port();
    let mut o = options(&format!("https://127.0.0.1:{port}"), Credentials::None);
    o.retry_budget = std::time::Duration::ZERO;
    let e = Client::new(o)
        .unwrap()
        .get_json::<Value>("/api/2.0/x", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Transport { .. }), "{e:?}");
    let connect = proxy
        .seen()
        .into_iter()
        .find(|s| s.method == "CONNECT")
        .expect("a CONNECT");
    assert_eq!(connect.uri, format!("127.0.0.1:{port}"));
    unset("HTTPS_PROXY");

    // 4. Without a usable system CA store the platform verifier cannot be built; the client
    // falls back to its bundled roots instead of failing to start.
    set("SSL_CERT_FILE", "/nonexistent/ca.pem");
    set("SSL_CERT_DIR", "/nonexistent/certs");
    let _ = rustls::crypto::ring::default_provider().install_default();
    assert!(
        reqwest::Client::builder().build().is_err(),
        "the system store should be unusable here"
    );
    let c = Client::new(options(&target.url(), Credentials::None)).unwrap();
    let v: Value = c.get_json("/ok", &[]).await.unwrap();
    assert_eq!(v["via"], "direct");
    // An https host is where the store matters: the fallback builds it too.
    Client::new(options("https://127.0.0.1:1", Credentials::None)).unwrap();
    unset("SSL_CERT_FILE");
    unset("SSL_CERT_DIR");
}
