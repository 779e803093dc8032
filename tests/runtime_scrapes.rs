//! The runtime runs metrics scrapes side by side, one task per endpoint: the scrape of the
//! endpoint on screen never aborts a background scrape of another endpoint still waiting for
//! its server (nor the other way round), so both answers arrive. A scripted server on
//! 127.0.0.1 holds the slow endpoint's answer until the fast one has arrived.

mod client_support;

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use mlops_console::api::{Client, Credentials};
use mlops_console::app::runtime::Runtime;
use mlops_console::app::{AppContext, Effect, Fetch, Msg, Payload};

use client_support::{Reply, Server, options};

const METRICS: &str = "# TYPE requests_total counter\n\
requests_total{served_entity_name=\"a\"} 12\n";

fn context(url: &str, dir: &std::path::Path) -> AppContext {
    AppContext {
        client: Client::new(options(url, Credentials::None)).expect("client"),
        profile: "test".into(),
        host: url.into(),
        readonly: true,
        production: false,
        theme: "dark".into(),
        refresh_secs: 0,
        traffic_step: 5,
        ascii: false,
        config_dir: dir.to_path_buf(),
        data_dir: dir.to_path_buf(),
        training_jobs: Default::default(),
        approvals: Default::default(),
        monitoring: Default::default(),
        bench: Default::default(),
    }
}

fn scrape(req: u64, name: &str) -> Effect {
    Effect::Fetch {
        req,
        fetch: Fetch::EndpointMetrics { name: name.into() },
    }
}

/// The next scrape answer: its request and endpoint (waits at most 20 s, then fails).
async fn next_scrape(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> (u64, String) {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("an answer within 20 s")
            .expect("the runtime is alive");
        if let Msg::Loaded {
            req,
            payload: Payload::EndpointMetrics(name, result),
            ..
        } = msg
        {
            result.expect("the scrape succeeds");
            return (req, name);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_of_one_endpoint_never_aborts_the_scrape_of_another() {
    let (release, held) = mpsc::channel::<()>();
    let held = Mutex::new(held);
    let server = Server::start(move |seen, _| {
        if seen.path().contains("/slow/") {
            // Held until the test lets it go (off the async workers).
            tokio::task::block_in_place(|| {
                let _ = held.lock().unwrap().recv_timeout(Duration::from_secs(20));
            });
        }
        Reply::with_type(200, "text/plain; version=0.0.4", METRICS)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runtime = Runtime::new(&context(&server.url(), dir.path()), tx, true);

    // The background scrape of "slow" is in flight when the screen's scrape of "fast" starts.
    runtime.execute(scrape(1, "slow"));
    for _ in 0..2_000 {
        if server.count_path("/api/2.0/serving-endpoints/slow/metrics") > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        server.count_path("/api/2.0/serving-endpoints/slow/metrics"),
        1
    );
    runtime.execute(scrape(2, "fast"));
    assert_eq!(next_scrape(&mut rx).await, (2, "fast".to_string()));

    // The slow one was left running: let its server answer, and the answer arrives.
    release.send(()).unwrap();
    assert_eq!(next_scrape(&mut rx).await, (1, "slow".to_string()));
}
