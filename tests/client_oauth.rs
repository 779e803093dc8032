//! OAuth M2M over real HTTP: the token exchange, caching, refresh, errors, secrecy.

mod client_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use client_support::{Reply, Seen, Server, assert_hidden, options};
use mlops_console::api::{ApiError, Client, Credentials, ErrorKind};
use serde_json::{Value, json};

const CLIENT_ID: &str = "sp-0000-1111";
const CLIENT_SECRET: &str = "dose-SECRET-fedcba9876543210";

fn m2m() -> Credentials {
    Credentials::OAuthM2m {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    }
}

fn basic() -> String {
    let pair = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A workspace whose token endpoint issues `tok-1`, `tok-2`, … living `expires_in` seconds,
/// and whose API answers 200 to the current token, 401 otherwise.
struct Workspace {
    server: Server,
    issued: Arc<AtomicUsize>,
}

impl Workspace {
    async fn start(expires_in: u64) -> Workspace {
        let issued = Arc::new(AtomicUsize::new(0));
        let counter = issued.clone();
        let server = Server::start(move |seen: &Seen, _| {
            if seen.path() == "/oidc/v1/token" {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                let body = json!({"access_token": format!("tok-{n}"), "token_type": "Bearer",
                                  "expires_in": expires_in, "scope": "all-apis"});
                return Reply::json(200, body.to_string());
            }
            let current = format!("Bearer tok-{}", counter.load(Ordering::SeqCst));
            match seen.header("authorization") {
                Some(h) if h == current => Reply::json(200, json!({"auth": h}).to_string()),
                other => Reply::json(
                    401,
                    json!({"error_code": "UNAUTHENTICATED", "message": format!("bad {other:?}")})
                        .to_string(),
                ),
            }
        })
        .await;
        Workspace { server, issued }
    }

    fn client(&self) -> Client {
        Client::new(options(&self.server.url(), m2m())).unwrap()
    }

    fn issued(&self) -> usize {
        self.issued.load(Ordering::SeqCst)
    }
}

async fn auth_of(c: &Client) -> String {
    let v: Value = c.get_json("/api/2.0/serving-endpoints", &[]).await.unwrap();
    v["auth"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn token_request_is_a_client_credentials_grant_with_basic_auth() {
    let ws = Workspace::start(3600).await;
    assert_eq!(auth_of(&ws.client()).await, "Bearer tok-1");
    let seen = ws.server.seen();
    let token_req = &seen[0];
    assert_eq!(
        (token_req.method.as_str(), token_req.path()),
        ("POST", "/oidc/v1/token")
    );
    assert_eq!(token_req.header("authorization"), Some(basic().as_str()));
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        token_req.body,
        "grant_type=client_credentials&scope=all-apis"
    );
    assert_eq!(seen[1].header("authorization"), Some("Bearer tok-1"));
}

#[tokio::test]
async fn token_is_fetched_once_and_reused() {
    let ws = Workspace::start(3600).await;
    let c = ws.client();
    for _ in 0..3 {
        assert_eq!(auth_of(&c).await, "Bearer tok-1");
    }
    let other_handle = c.clone();
    assert_eq!(auth_of(&other_handle).await, "Bearer tok-1");
    assert_eq!(ws.issued(), 1);
    assert_eq!(ws.server.count_path("/oidc/v1/token"), 1);
}

#[tokio::test]
async fn concurrent_first_calls_share_one_token_request() {
    let ws = Workspace::start(3600).await;
    let c = ws.client();
    let calls = (0..6).map(|_| {
        let c = c.clone();
        tokio::spawn(async move { auth_of(&c).await })
    });
    for call in calls.collect::<Vec<_>>() {
        assert_eq!(call.await.unwrap(), "Bearer tok-1");
    }
    assert_eq!(ws.issued(), 1);
}

#[tokio::test]
async fn expired_token_is_refreshed() {
    // Lives less than the 40 s expiry buffer: expired as soon as it is cached.
    let ws = Workspace::start(1).await;
    let c = ws.client();
    assert_eq!(auth_of(&c).await, "Bearer tok-1");
    assert_eq!(auth_of(&c).await, "Bearer tok-2");
    assert_eq!(ws.issued(), 2);
}

#[tokio::test]
async fn rejected_token_is_replaced_on_the_next_call() {
    let ws = Workspace::start(3600).await;
    let c = ws.client();
    assert_eq!(auth_of(&c).await, "Bearer tok-1");
    // Another client of the same service principal rotates the token server-side.
    assert_eq!(auth_of(&ws.client()).await, "Bearer tok-2");
    let e = c
        .get_json::<Value>("/api/2.0/serving-endpoints", &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::Unauthenticated));
    assert_eq!(auth_of(&c).await, "Bearer tok-3");
}

#[tokio::test]
async fn read_only_client_may_still_exchange_tokens() {
    let ws = Workspace::start(3600).await;
    let mut o = options(&ws.server.url(), m2m());
    o.readonly = true;
    let c = Client::new(o).unwrap();
    assert_eq!(auth_of(&c).await, "Bearer tok-1");
    let refused = c
        .post_json::<_, Value>("/api/2.0/serving-endpoints", &json!({}))
        .await;
    assert!(matches!(refused, Err(ApiError::ReadOnly { .. })));
}

#[tokio::test]
async fn token_endpoint_error_is_auth_and_hides_the_secret() {
    let server = Server::start(|seen, _| {
        // A hostile or misconfigured endpoint echoing the client authentication back.
        let echoed = seen.header("authorization").unwrap_or("").to_string();
        Reply::json(
            401,
            json!({"error": "invalid_client",
                   "error_description": format!("Client authentication failed for {echoed}")})
            .to_string(),
        )
    })
    .await;
    let c = Client::new(options(&server.url(), m2m())).unwrap();
    let e = c
        .get_json::<Value>("/api/2.0/serving-endpoints", &[])
        .await
        .unwrap_err();
    match &e {
        ApiError::Auth { message } => {
            assert!(
                message.contains("invalid_client: Client authentication failed"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    let encoded = basic().trim_start_matches("Basic ").to_string();
    assert_hidden(&e, &e.to_string(), CLIENT_SECRET);
    assert_hidden(&e, &e.to_string(), &encoded);
    assert_hidden(&c, &format!("{c:?}"), CLIENT_SECRET);
    // Only the token endpoint was asked; the API call never went out without a token.
    assert_eq!(server.count_path("/oidc/v1/token"), server.count());
}

#[tokio::test]
async fn throttled_token_endpoint_is_retried() {
    let server = Server::start(|seen, i| match (seen.path(), i) {
        ("/oidc/v1/token", 0) => Reply::json(429, "").header("retry-after", "0"),
        ("/oidc/v1/token", _) => Reply::json(200, r#"{"access_token":"t","expires_in":3600}"#),
        _ => Reply::json(200, "{}"),
    })
    .await;
    let c = Client::new(options(&server.url(), m2m())).unwrap();
    let _: Value = c.get_json("/api/2.0/x", &[]).await.unwrap();
    assert_eq!(server.count_path("/oidc/v1/token"), 2);
    assert_eq!(server.seen()[2].header("authorization"), Some("Bearer t"));
}

#[tokio::test]
async fn access_token_echoed_by_the_api_is_hidden() {
    let access = "eyJ-ACCESS-TOKEN-0123456789";
    let server = Server::start(move |seen, _| {
        if seen.path() == "/oidc/v1/token" {
            return Reply::json(
                200,
                json!({"access_token": access, "expires_in": 3600}).to_string(),
            );
        }
        let echoed = seen.header("authorization").unwrap_or("").to_string();
        Reply::json(
            403,
            json!({"error_code": "PERMISSION_DENIED", "message": echoed}).to_string(),
        )
    })
    .await;
    let c = Client::new(options(&server.url(), m2m())).unwrap();
    let e = c.get_json::<Value>("/api/2.0/x", &[]).await.unwrap_err();
    assert_eq!(e.to_string(), "PERMISSION_DENIED (403): Bearer ***");
    assert_hidden(&e, &e.to_string(), access);
}
