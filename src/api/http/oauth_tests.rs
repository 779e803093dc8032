use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

fn token(name: &str, ttl_secs: u64) -> Token {
    Token::new("Bearer", name, Lifetime::For(Duration::from_secs(ttl_secs)))
}

fn lives(secs: u64) -> Lifetime {
    Lifetime::For(Duration::from_secs(secs))
}

#[test]
fn parses_a_token_answer() {
    let t = parse_token_response(
        r#"{"access_token":"eyJabc","token_type":"Bearer","expires_in":3600,"scope":"all-apis"}"#,
    )
    .unwrap();
    assert_eq!(t.header.expose(), "Bearer eyJabc");
    assert_eq!(t.access.expose(), "eyJabc");
    assert_eq!(t.lifetime, lives(3600));
}

#[test]
fn token_type_and_lifetime_are_lenient() {
    let t = parse_token_response(r#"{"access_token":"a","token_type":"DPoP","expires_in":"60"}"#)
        .unwrap();
    assert_eq!(t.header.expose(), "DPoP a");
    assert_eq!(t.lifetime, lives(60));
    let t = parse_token_response(r#"{"access_token":"a"}"#).unwrap();
    assert_eq!(t.header.expose(), "Bearer a");
    assert_eq!(t.lifetime, Lifetime::For(DEFAULT_TTL));
    let t = parse_token_response(r#"{"access_token":"a","expires_in":-3}"#).unwrap();
    assert_eq!(t.lifetime, Lifetime::For(DEFAULT_TTL));
}

#[test]
fn answer_without_token_is_an_auth_error_that_does_not_quote_the_body() {
    for body in [
        r#"{"token_type":"Bearer","expires_in":3600,"note":"secret-ish"}"#,
        r#"{"access_token":""}"#,
        "<html>secret-ish</html>",
        "",
    ] {
        match parse_token_response(body) {
            Err(ApiError::Auth { message }) => assert!(!message.contains("secret-ish")),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn token_endpoint_errors() {
    let e = token_error(
        401,
        r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
    );
    assert_eq!(
        e.to_string(),
        "authentication failed: token request refused (HTTP 401): invalid_client: Client authentication failed"
    );
    let e = token_error(
        400,
        r#"{"errorCode":"E0000004","errorSummary":"Bad creds"}"#,
    );
    assert!(e.to_string().ends_with("E0000004: Bad creds"), "{e}");
    let e = token_error(404, "<html><title>404 Not Found</title></html>");
    assert!(matches!(e, ApiError::Auth { .. }));
    assert!(e.to_string().contains("404 Not Found"), "{e}");
    let e = token_error(503, "");
    assert!(e.to_string().contains("Service Unavailable"), "{e}");
}

#[test]
fn freshness_follows_the_sdk_windows() {
    let hour = Duration::from_secs(3600);
    let min = |m: u64| Duration::from_secs(m * 60);
    // One-hour token: stale in its last 20 minutes, expired in its last 40 seconds.
    assert_eq!(freshness(hour, hour), Freshness::Fresh);
    assert_eq!(freshness(min(21), hour), Freshness::Fresh);
    assert_eq!(freshness(min(19), hour), Freshness::Stale);
    assert_eq!(freshness(Duration::from_secs(41), hour), Freshness::Stale);
    assert_eq!(freshness(Duration::from_secs(39), hour), Freshness::Expired);
    // Ten-minute token: stale window is half its life.
    let ten = min(10);
    assert_eq!(freshness(min(6), ten), Freshness::Fresh);
    assert_eq!(freshness(min(4), ten), Freshness::Stale);
    // A token shorter-lived than the buffer is expired at once.
    let short = Duration::from_secs(5);
    assert_eq!(freshness(short, short), Freshness::Expired);
}

/// A cache driven by a fake clock; counts fetches.
struct Harness {
    cache: TokenCache,
    t0: SystemTime,
    fetches: AtomicUsize,
}

impl Harness {
    fn new() -> Self {
        Harness {
            cache: TokenCache::default(),
            t0: SystemTime::now(),
            fetches: AtomicUsize::new(0),
        }
    }

    async fn get_at(&self, secs: u64, answer: ApiResult<Token>) -> ApiResult<Token> {
        let now = self.t0 + Duration::from_secs(secs);
        self.cache
            .get_with(
                || now,
                || async {
                    self.fetches.fetch_add(1, Ordering::SeqCst);
                    answer
                },
            )
            .await
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

fn refused() -> ApiResult<Token> {
    Err(ApiError::Auth {
        message: "down".into(),
    })
}

#[tokio::test]
async fn fresh_token_is_reused() {
    let h = Harness::new();
    assert_eq!(
        h.get_at(0, Ok(token("a", 3600))).await.unwrap(),
        token("a", 3600)
    );
    assert_eq!(
        h.get_at(60, Ok(token("b", 3600))).await.unwrap(),
        token("a", 3600)
    );
    assert_eq!(
        h.get_at(2399, Ok(token("b", 3600))).await.unwrap(),
        token("a", 3600)
    );
    assert_eq!(h.fetches(), 1);
}

#[tokio::test]
async fn stale_token_is_refreshed_and_kept_if_refresh_fails() {
    let h = Harness::new();
    h.get_at(0, Ok(token("a", 3600))).await.unwrap();
    // 45 minutes in: 15 minutes left, inside the 20-minute stale window.
    let t = h.get_at(45 * 60, refused()).await.unwrap();
    assert_eq!(t, token("a", 3600));
    let t = h.get_at(45 * 60, Ok(token("b", 3600))).await.unwrap();
    assert_eq!(t, token("b", 3600));
    assert_eq!(h.fetches(), 3);
    // The new token's life counts from its fetch.
    assert_eq!(
        h.get_at(46 * 60, Ok(token("c", 3600))).await.unwrap(),
        token("b", 3600)
    );
}

#[tokio::test]
async fn expired_token_is_replaced_and_failure_surfaces() {
    let h = Harness::new();
    h.get_at(0, Ok(token("a", 3600))).await.unwrap();
    // 40 s buffer: at 3570 s only 30 s remain.
    assert!(h.get_at(3570, refused()).await.is_err());
    assert_eq!(
        h.get_at(3570, Ok(token("b", 3600))).await.unwrap(),
        token("b", 3600)
    );
    assert_eq!(h.fetches(), 3);
}

#[tokio::test]
async fn failures_are_not_cached() {
    let h = Harness::new();
    assert!(h.get_at(0, refused()).await.is_err());
    assert!(h.get_at(0, Ok(token("a", 3600))).await.is_ok());
    assert_eq!(h.fetches(), 2);
}

#[tokio::test]
async fn invalidate_drops_only_the_rejected_token() {
    let h = Harness::new();
    h.get_at(0, Ok(token("a", 3600))).await.unwrap();
    h.cache.invalidate(&Secret::new("Bearer other")).await;
    assert_eq!(
        h.get_at(1, Ok(token("b", 3600))).await.unwrap(),
        token("a", 3600)
    );
    h.cache.invalidate(&Secret::new("Bearer a")).await;
    assert_eq!(
        h.get_at(2, Ok(token("b", 3600))).await.unwrap(),
        token("b", 3600)
    );
    assert_eq!(h.fetches(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_fetch() {
    let cache = Arc::new(TokenCache::default());
    let fetches = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (cache, fetches) = (cache.clone(), fetches.clone());
        tasks.push(tokio::spawn(async move {
            cache
                .get(|| async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    // Let the other callers pile up on the lock meanwhile.
                    for _ in 0..10 {
                        tokio::task::yield_now().await;
                    }
                    Ok(token("one", 3600))
                })
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), token("one", 3600));
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_with_a_wall_clock_expiry_is_kept_until_it_is_due() {
    // A CLI's token: valid until an instant, whenever it was fetched.
    let h = Harness::new();
    let until = |name: &str, secs: u64| {
        Token::new(
            "Bearer",
            name,
            Lifetime::Until(h.t0 + Duration::from_secs(secs)),
        )
    };
    // Fetched at 0 s, due at 3600 s: fresh until its last half (20 minutes at most).
    assert_eq!(
        h.get_at(0, Ok(until("a", 3600))).await.unwrap(),
        until("a", 3600)
    );
    assert_eq!(
        h.get_at(2399, Ok(until("b", 7200))).await.unwrap(),
        until("a", 3600)
    );
    assert_eq!(h.fetches(), 1);
    assert_eq!(
        h.get_at(2401, Ok(until("b", 7200))).await.unwrap(),
        until("b", 7200)
    );
    // One already within the last 40 s is used once and asked for again next time.
    assert_eq!(
        h.get_at(7170, Ok(until("c", 7190))).await.unwrap(),
        until("c", 7190)
    );
    assert_eq!(
        h.get_at(7171, Ok(until("d", 9000))).await.unwrap(),
        until("d", 9000)
    );
    assert_eq!(h.fetches(), 4);
}
