//! The drift query of a heatmap (every feature × the 30 daily windows, with its statistics)
//! through the client and `ops::sql::run_query` against the simulator over loopback (issue 13
//! §7: goal ≤ 100 ms).
//!
//! `cargo bench --bench sql_drift_query [-- --runs 50]`
//!
//! The simulator's own statement latency is set to zero, so what is timed is the HTTP round
//! trip, parsing and rewriting the Databricks SQL, SQLite over the metric table, and decoding.
//! The first query also builds the demo tables (the simulator does that on its first SQL call),
//! and is reported apart.

use std::time::{Duration, Instant};

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::ops::sql::{SqlQuery, Waiter, choose_warehouse, run_query};
use mlops_console::sim::{self, SimOptions};

const QUERY: &str = "SELECT window.start AS window_start, window.end AS window_end, column_name, \
    population_stability_index, js_distance, wasserstein_distance, ks_test.statistic AS ks_stat, \
    ks_test.pvalue AS ks_p, chi_squared_test.pvalue AS chi2_p, count_delta \
    FROM `main`.`ml`.`churn_inference_drift_metrics` \
    WHERE drift_type = :drift AND slice_key IS NULL AND model_id = :model \
      AND column_name != ':table' AND window.start >= :since \
    ORDER BY column_name, window_start";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runs = arg("--runs", 50).max(1);
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
        let client = Client::new(ClientOptions::new(
            sim.base_url.clone(),
            Credentials::Pat(Secret::new(sim.token.clone())),
        ))
        .expect("client");
        let warehouse = choose_warehouse(&client, None).await.expect("warehouse");
        let query = SqlQuery::new(QUERY)
            .bind("drift", "CONSECUTIVE", "STRING")
            .bind("model", "*", "STRING")
            .bind("since", "2000-01-01", "TIMESTAMP");
        let t = Instant::now();
        let first = run_query(&client, &warehouse.id, &query, &mut Waiter::real())
            .await
            .expect("query");
        let first_ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let r = run_query(&client, &warehouse.id, &query, &mut Waiter::real())
                .await
                .expect("query");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r.rows.len(), first.rows.len());
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "drift query: {} rows × {} columns; first (builds the tables) {first_ms:.1} ms; \
             {runs} runs: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            first.rows.len(),
            first.columns.len(),
            pct(0.5),
            pct(0.95),
            pct(1.0)
        );
        sim.shutdown().await;
    });
}
