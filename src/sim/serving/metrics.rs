//! `GET /api/2.0/serving-endpoints/{name}/metrics`: Prometheus text (format 0.0.4) per served
//! entity, label `served_entity_name`, names from reference §6.3.
//!
//! Unlike the documented "last minute" gauges, request counts and the latency histogram are
//! cumulative counters since the entity started (`# TYPE … counter` / `histogram`), so clients
//! compute rates and percentiles from the difference of two scrapes.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::sim::errors::ApiError;
use crate::sim::state::AppState;

use super::profile::{BOUNDS_MS, BUCKETS, Rng, concurrency, name_hash};
use super::runtime::{CounterValues, EndpointView};

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(crate) async fn metrics(State(st): State<AppState>, Path(name): Path<String>) -> Response {
    let (now, seed) = {
        let world = st.world();
        if world.endpoint(&name).is_none() {
            return ApiError::not_found(format!("Endpoint with name '{name}' does not exist."))
                .into_response();
        }
        (st.clock().now_ms(), world.seed)
    };
    let text = st
        .serving
        .view(&name)
        .map(|v| render(&v, seed, now))
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response()
}

/// Escapes a label value (`\\`, `\"`, `\n`).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// The text of one scrape of `view` at `now`.
pub(crate) fn render(view: &EndpointView, seed: u64, now: i64) -> String {
    let entities: Vec<(String, CounterValues, &EndpointView, usize)> = view
        .entities
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (escape(&e.name), e.counters.values(), view, i))
        .collect();
    if entities.is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(4096 + entities.len() * 4096);
    type Counter = (&'static str, &'static str, fn(&CounterValues) -> u64);
    let counters: [Counter; 3] = [
        (
            "request_count_total",
            "Requests received by the served entity since it started.",
            |c| c.requests,
        ),
        (
            "request_4xx_count_total",
            "Requests answered with a 4xx status since the served entity started.",
            |c| c.errors_4xx,
        ),
        (
            "request_5xx_count_total",
            "Requests answered with a 5xx status since the served entity started.",
            |c| c.errors_5xx,
        ),
    ];
    for (metric, help, get) in counters {
        family(&mut out, metric, "counter", help);
        for (label, c, _, _) in &entities {
            let _ = writeln!(out, "{metric}{{served_entity_name=\"{label}\"}} {}", get(c));
        }
    }
    family(
        &mut out,
        "request_latency_ms",
        "histogram",
        "End-to-end request latency in milliseconds.",
    );
    for (label, c, _, _) in &entities {
        let mut cumulative = 0;
        for i in 0..BUCKETS {
            cumulative += c.buckets[i];
            let le = BOUNDS_MS
                .get(i)
                .map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(
                out,
                "request_latency_ms_bucket{{served_entity_name=\"{label}\",le=\"{le}\"}} {cumulative}"
            );
        }
        let _ = writeln!(
            out,
            "request_latency_ms_sum{{served_entity_name=\"{label}\"}} {:.3}",
            c.sum_ms
        );
        let _ = writeln!(
            out,
            "request_latency_ms_count{{served_entity_name=\"{label}\"}} {cumulative}"
        );
    }
    let gauges = entities
        .iter()
        .map(|(label, _, v, i)| (label, gauges(v, *i, seed, now)))
        .collect::<Vec<_>>();
    let names = [
        (
            "cpu_usage_percentage",
            "Average CPU utilization across the served entity's replicas.",
        ),
        (
            "mem_usage_percentage",
            "Average memory utilization across the served entity's replicas.",
        ),
        (
            "provisioned_concurrent_requests_total",
            "Provisioned concurrency of the served entity.",
        ),
    ];
    for (k, (metric, help)) in names.iter().enumerate() {
        family(&mut out, metric, "gauge", help);
        for (label, g) in &gauges {
            let _ = writeln!(
                out,
                "{metric}{{served_entity_name=\"{label}\"}} {:.2}",
                g[k]
            );
        }
    }
    out
}

/// CPU %, memory % and provisioned concurrency of entity `i`, with a little noise that changes
/// once a simulated minute.
fn gauges(view: &EndpointView, i: usize, seed: u64, now: i64) -> [f64; 3] {
    let (entity, share) = &view.entities[i];
    let idle = *share == 0.0 || !view.serving;
    if idle && entity.scale_to_zero {
        return [0.0, 0.0, 0.0];
    }
    let p = EndpointView::profile_of(entity, *share);
    let mut rng = Rng::new(seed ^ name_hash(&entity.name) ^ (now / 60_000) as u64);
    let jitter = |r: &mut Rng, x: f64| (x * (1.0 + 0.06 * r.normal())).clamp(0.0, 100.0);
    let cpu = if idle { 2.0 } else { jitter(&mut rng, p.cpu) };
    let mem = jitter(&mut rng, p.mem);
    [cpu, mem, concurrency(&entity.workload_size)]
}
