//! The engine against small servers on 127.0.0.1 (port 0): coordinated omission, request
//! counts, the guards, error kinds and served entities. Assertions are on counts and on
//! latencies the server imposes (a stall has a lower bound), never on how fast a run went.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use tokio::io::AsyncReadExt;

use super::plan::{BenchPlan, Guards, Mode};
use super::result::BenchResult;
use super::start;
use super::verdict::{Status, StopReason};
use crate::api::http::load::LoadTarget;

type Handler = Arc<dyn Fn(u64) -> (u16, Option<&'static str>, u64) + Send + Sync>;

/// A server answering request `n` (from 0) with `(status, served-model-name, delay ms)`.
async fn server(f: Handler) -> String {
    let count = Arc::new(AtomicU64::new(0));
    let app = Router::new().route(
        "/invocations",
        post(move |_body: Bytes| {
            let f = f.clone();
            let count = count.clone();
            async move {
                let n = count.fetch_add(1, Ordering::SeqCst);
                let (status, entity, delay) = f(n);
                if delay > 0 {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                }
                let mut r: Response = (
                    StatusCode::from_u16(status).unwrap(),
                    "{\"predictions\":[0]}",
                )
                    .into_response();
                if let Some(e) = entity {
                    r.headers_mut().insert(
                        HeaderName::from_static("served-model-name"),
                        HeaderValue::from_static(e),
                    );
                }
                r
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/invocations")
}

fn plan(mode: Mode) -> BenchPlan {
    BenchPlan {
        endpoint: "test".into(),
        mode,
        duration: None,
        requests: None,
        warmup: Duration::ZERO,
        timeout: Duration::from_secs(10),
        guards: Guards::default(),
    }
}

async fn run(url: &str, plan: BenchPlan) -> BenchResult {
    let target = LoadTarget::anonymous(url, plan.timeout).unwrap();
    start(plan, target, vec![Bytes::from_static(b"{\"inputs\":[1]}")])
        .finish()
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_shows_in_the_corrected_latency_not_in_the_raw_one() {
    // Request 20 waits a second; the 100 requests/s due meanwhile queue behind it on the one
    // connection. Their raw latency is short, their latency from the schedule is not.
    let url = server(Arc::new(|n| (200, None, if n == 20 { 1000 } else { 0 }))).await;
    let mut p = plan(Mode::Open {
        rate: 100.0,
        connections: 1,
    });
    p.duration = Some(Duration::from_secs(2));
    let r = run(&url, p).await;
    assert_eq!(r.requests.completed, 200, "rate × duration requests");
    let (c, raw) = (r.latency_ms.corrected, r.latency_ms.raw);
    assert!(raw.max >= 1000.0, "the stalled request itself: {raw:?}");
    assert!(c.p99 >= 500.0, "queued behind the stall: {c:?}");
    assert!(c.p99 > 5.0 * raw.p99, "corrected {c:?} vs raw {raw:?}");
    assert!(r.schedule.late_sends >= 50, "{:?}", r.schedule);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_loop_sends_exactly_the_requests_asked_for() {
    let url = server(Arc::new(|_| (200, Some("a"), 0))).await;
    let mut p = plan(Mode::Closed { concurrency: 4 });
    p.requests = Some(57);
    p.warmup = Duration::from_millis(50);
    let r = run(&url, p).await;
    assert_eq!((r.requests.completed, r.requests.ok), (57, 57));
    assert_eq!(r.entities.len(), 1);
    assert_eq!(
        (r.entities[0].name.as_str(), r.entities[0].requests),
        ("a", 57)
    );
    assert_eq!(r.verdict.status, Status::Met);
    let series: u64 = r.series.iter().map(|s| s.requests).sum();
    assert_eq!(series, 57);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crossed_slo_stops_the_test_early_after_the_minimum_sample() {
    let url = server(Arc::new(|_| (200, None, 20))).await;
    let mut p = plan(Mode::Closed { concurrency: 4 });
    p.requests = Some(1_000_000);
    p.guards = Guards {
        slo_p99_ms: Some(5.0),
        max_error_rate: None,
        min_sample: 20,
    };
    let r = run(&url, p).await;
    assert!(r.requests.completed >= 20);
    assert!(r.requests.completed < 1_000_000);
    assert_eq!(r.verdict.status, Status::Failed);
    assert!(r.verdict.stopped_early);
    assert!(matches!(r.verdict.stop, Some(StopReason::SloP99 { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_counted_by_status_and_by_kind_and_entities_by_header() {
    let url = server(Arc::new(|n| match n % 4 {
        0 => (500, Some("b"), 0),
        1 => (429, None, 0),
        _ => (200, Some("a"), 0),
    }))
    .await;
    let mut p = plan(Mode::Closed { concurrency: 1 });
    p.requests = Some(40);
    p.guards.max_error_rate = Some(0.9);
    let r = run(&url, p).await;
    assert_eq!(r.requests.completed, 40);
    assert_eq!(r.requests.ok, 20);
    assert_eq!(r.errors.by_status.get("500"), Some(&10));
    assert_eq!(r.errors.by_status.get("429"), Some(&10));
    assert!((r.errors.rate - 0.5).abs() < 1e-9);
    let by: Vec<(&str, u64, u64)> = r
        .entities
        .iter()
        .map(|e| (e.name.as_str(), e.requests, e.errors))
        .collect();
    assert_eq!(by, [("a", 20, 0), ("(not named)", 10, 10), ("b", 10, 10)]);

    // A timeout: answers come after the test's timeout.
    let slow = server(Arc::new(|_| (200, None, 2000))).await;
    let mut p = plan(Mode::Closed { concurrency: 1 });
    p.requests = Some(2);
    p.timeout = Duration::from_millis(100);
    let r = run(&slow, p).await;
    assert_eq!(r.errors.by_kind.get("timeout"), Some(&2), "{:?}", r.errors);

    // Connect: nothing listens on the port.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut p = plan(Mode::Closed { concurrency: 1 });
    p.requests = Some(2);
    let r = run(&format!("http://127.0.0.1:{port}/invocations"), p).await;
    assert_eq!(r.errors.by_kind.get("connect"), Some(&2), "{:?}", r.errors);
    assert_eq!(r.verdict.status, Status::Inconclusive, "nothing succeeded");
    assert_eq!(
        r.verdict.reason.as_deref(),
        Some("no request succeeded (2 failed)")
    );

    // Reset: the server reads the request and closes the connection without an answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            drop(sock);
        }
    });
    let mut p = plan(Mode::Closed { concurrency: 1 });
    p.requests = Some(2);
    let r = run(&format!("http://{addr}/invocations"), p).await;
    assert_eq!(r.errors.by_kind.get("reset"), Some(&2), "{:?}", r.errors);
}
