//! The cost of one live-metrics step of the endpoint detail and the canary runner: scrape
//! `…/metrics` over loopback, parse the Prometheus text, group it per served entity, compute the
//! windows (rates, percentiles) against the previous scrape, and judge canary against stable.
//!
//! `cargo bench --bench metrics_analysis [-- --iters 500]`
//!
//! Measured on the 2-core development machine (churn-prod: 2 entities, 104 samples, 8.7 kB):
//! scrape 118 µs (which includes the simulator synthesising the 15 s of traffic since the last
//! scrape), parse 25 µs, snapshot + windows + judgement 61 µs; the whole step ~200 µs mean,
//! ~290 µs p99.

use std::time::{Duration, Instant};

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::canary::{Guards, judge};
use mlops_console::ops::prometheus;
use mlops_console::ops::serving_metrics::{Snapshot, windows};
use mlops_console::sim::{self, SimClock, SimOptions};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Timings(Vec<Duration>);

impl Timings {
    fn line(&mut self, what: &str) -> String {
        self.0.sort();
        let n = self.0.len();
        let mean = self.0.iter().sum::<Duration>() / n as u32;
        let p = |q: f64| self.0[((q * n as f64) as usize).min(n - 1)];
        format!(
            "  {what:<28} mean {:>8.1} µs   p50 {:>8.1} µs   p99 {:>8.1} µs",
            mean.as_secs_f64() * 1e6,
            p(0.5).as_secs_f64() * 1e6,
            p(0.99).as_secs_f64() * 1e6
        )
    }
}

fn main() {
    let iters = arg("--iters", 500) as usize;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        // A manual clock an hour in: every entity has counts in every bucket worth parsing.
        let clock = SimClock::manual(1_767_225_600_000);
        let sim = sim::start(SimOptions {
            clock: clock.clone(),
            ..SimOptions::default()
        })
        .await
        .unwrap();
        clock.advance(Duration::from_secs(3600));
        let client = Client::new(ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        ))
        .unwrap();
        let first = client.endpoint_metrics("churn-prod").await.unwrap();
        let mut prev = Snapshot::from_exposition(&prometheus::parse(&first).unwrap(), 0);
        let (mut scrape, mut parse, mut analyse, mut total) = (
            Timings(Vec::new()),
            Timings(Vec::new()),
            Timings(Vec::new()),
            Timings(Vec::new()),
        );
        let guards = Guards {
            max_p99_ms: Some(100.0),
            max_p99_ratio: Some(1.2),
            ..Guards::default()
        };
        let mut size = 0;
        for i in 0..iters {
            clock.advance(Duration::from_secs(15));
            let t0 = Instant::now();
            let text = client.endpoint_metrics("churn-prod").await.unwrap();
            let t1 = Instant::now();
            let exposition = prometheus::parse(&text).unwrap();
            let t2 = Instant::now();
            let snap = Snapshot::from_exposition(&exposition, (i as i64 + 1) * 15_000);
            let w = windows(&prev, &snap);
            let j = judge(&w[0], &w[1], &guards, 0);
            let t3 = Instant::now();
            std::hint::black_box(j);
            prev = snap;
            size = text.len();
            scrape.0.push(t1 - t0);
            parse.0.push(t2 - t1);
            analyse.0.push(t3 - t2);
            total.0.push(t3 - t0);
        }
        println!(
            "metrics step on churn-prod (2 entities, {} samples, {size} bytes), {iters} iterations",
            prometheus::parse(&client.endpoint_metrics("churn-prod").await.unwrap())
                .unwrap()
                .samples
                .len()
        );
        println!("{}", scrape.line("scrape (HTTP, loopback)"));
        println!("{}", parse.line("parse"));
        println!("{}", analyse.line("snapshot + windows + judge"));
        println!("{}", total.line("whole step"));
        sim.shutdown().await;
    });
}
