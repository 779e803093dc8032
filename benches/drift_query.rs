//! The drift heatmap read for 50 features × 90 daily windows against the simulator over
//! loopback (goal ≤ 100 ms): `ops::drift::load_drift` on the simulator's scaled drift table
//! (`SimHandle::add_scaled_drift_tables`), i.e. `DESCRIBE TABLE`, the heatmap statement (4,500
//! rows, every statistic as a column) and the try for profile counts, then the ranked matrix.
//!
//! `cargo bench --bench drift_query [-- --runs 30 --features 50 --windows 90]`
//!
//! The simulator's statement latency is zero, so what is timed is HTTP, parsing and rewriting
//! the Databricks SQL, SQLite, decoding and building the matrix. (Plain timing like the other
//! benches here rather than criterion, to keep the build small.)

use std::time::{Duration, Instant};

use mlops_console::api::sql_fixed::TableName;
use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::config::drift::DriftSettings;
use mlops_console::ops::drift::{DriftOutcome, DriftRequest, load_drift};
use mlops_console::ops::sql::{Waiter, choose_warehouse};
use mlops_console::sim::{self, SimOptions};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runs = arg("--runs", 30).max(1);
    let (features, windows) = (arg("--features", 50), arg("--windows", 90));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let sim = sim::start(SimOptions {
            sql_latency: Duration::ZERO,
            traffic_rps: 0.0,
            ..SimOptions::default()
        })
        .await
        .expect("simulator");
        sim.add_scaled_drift_tables(features, windows)
            .expect("scaled tables");
        let client = Client::new(ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        ))
        .expect("client");
        let warehouse = choose_warehouse(&client, None).await.expect("warehouse");
        let req = DriftRequest::new(TableName::parse("main.bench.wide_drift_metrics").unwrap());
        let settings = DriftSettings::default();
        let mut times = Vec::with_capacity(runs);
        let mut shape = (0, 0);
        for _ in 0..runs {
            let t = Instant::now();
            let out = load_drift(&client, &warehouse, &req, &settings, &mut Waiter::real())
                .await
                .expect("drift");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let DriftOutcome::Matrix(m) = out else {
                panic!("no matrix");
            };
            shape = (m.features.len(), m.windows.len());
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "drift heatmap read: {} features × {} windows; {runs} runs: p50 {:.1} ms, \
             p95 {:.1} ms, max {:.1} ms (goal ≤ 100 ms)",
            shape.0,
            shape.1,
            pct(0.5),
            pct(0.95),
            pct(1.0)
        );
        sim.shutdown().await;
    });
}
