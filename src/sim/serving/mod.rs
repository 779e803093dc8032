//! Model serving (reference §6): endpoints and their config state machine, invocations
//! answered by small real models, background traffic, Prometheus metrics and logs.
//!
//! * `endpoints` — list / get / create / `PUT …/config` / delete (HTTP handlers).
//! * `config` — config validation, `pending_config`, completion on the clock.
//! * `runtime` — the data plane outside the world lock: routes and atomic counters.
//! * `invocations` — `POST /serving-endpoints/{name}/invocations`.
//! * `model` — the logistic regressions that answer; `profile` — latency and error behaviour.
//! * `traffic` — background requests per clock tick; `metrics` — `…/metrics` text;
//!   `logs` — server and build logs.
//!
//! Time: [`advance`] runs whenever the world is looked at (see `World::advance_to`): it
//! synthesises background traffic tick by tick and completes config updates at their due time,
//! in time order, so a manual clock gives the same answers however it is read.

mod answer_latency;
mod build;
mod config;
mod endpoints;
mod invocations;
mod logs;
mod metrics;
mod model;
mod openapi;
mod profile;
mod runtime;
mod traffic;

use std::sync::Arc;

use crate::api::models::serving::{ConfigUpdate, ServingEndpoint};

use super::world::World;

pub(crate) use endpoints::{create, delete, get, list, update_config};
pub(crate) use invocations::invoke;
pub(crate) use logs::{build_logs, server_logs};
pub(crate) use metrics::metrics;
pub(crate) use openapi::openapi;
pub(crate) use runtime::Runtime;

/// Serving's part of the world: options and how far background traffic has got.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServingSim {
    /// How long a config update stays `IN_PROGRESS`.
    pub update_delay_ms: i64,
    /// Background requests per second to `churn-prod` (others get a fraction); 0 disables.
    pub traffic_rps: f64,
    /// Simulated time up to which background traffic has been synthesised.
    pub traffic_until_ms: i64,
    /// Shared with the request handlers (the same `Arc` as `Shared::serving`).
    pub runtime: Arc<Runtime>,
}

/// Sets serving up on a freshly built world and publishes every endpoint's routes.
pub(crate) fn init(world: &mut World, runtime: Arc<Runtime>, update_delay_ms: i64, rps: f64) {
    world.serving = ServingSim {
        update_delay_ms,
        traffic_rps: rps.max(0.0),
        traffic_until_ms: world.anchor_ms,
        runtime,
    };
    for ep in &world.endpoints {
        let build_of = |name: &str, version: &str| build::Build::of(world, name, version);
        world.serving.runtime.publish(ep, rps, &build_of);
    }
    refresh_next_due(world);
}

fn due_of(ep: &ServingEndpoint, delay: i64) -> Option<i64> {
    let updating =
        ep.state.as_ref().and_then(|s| s.config_update.as_ref()) == Some(&ConfigUpdate::InProgress);
    let start = ep.pending_config.as_ref()?.start_time?;
    updating.then_some(start + delay)
}

/// Recomputes the earliest due update (after any change to pending configs).
pub(crate) fn refresh_next_due(world: &World) {
    let delay = world.serving.update_delay_ms;
    let next = world
        .endpoints
        .iter()
        .filter_map(|e| due_of(e, delay))
        .min()
        .unwrap_or(i64::MAX);
    world.serving.runtime.set_next_due_ms(next);
}

/// Completes every update due at or before `t`, each at its own due time.
fn complete_due(world: &mut World, t: i64) {
    if world.serving.runtime.next_due_ms() > t {
        return;
    }
    let delay = world.serving.update_delay_ms;
    let rps = world.serving.traffic_rps;
    for i in 0..world.endpoints.len() {
        let Some(due) = due_of(&world.endpoints[i], delay) else {
            continue;
        };
        if due <= t {
            config::complete_update(world, i, due);
            let build_of = |name: &str, version: &str| build::Build::of(world, name, version);
            world
                .serving
                .runtime
                .publish(&world.endpoints[i], rps, &build_of);
        }
    }
    refresh_next_due(world);
}

/// Moves serving on to `now`: background traffic tick by tick, config updates at their due time.
pub(crate) fn advance(world: &mut World, now: i64) {
    let runtime = world.serving.runtime.clone();
    if now <= world.serving.traffic_until_ms && runtime.next_due_ms() > now {
        return;
    }
    let mut t = world.serving.traffic_until_ms;
    if world.serving.traffic_rps > 0.0 {
        while t + traffic::TICK_MS <= now {
            complete_due(world, t);
            let len = if now - t > traffic::LONG_GAP_MS {
                traffic::LONG_CHUNK_MS
            } else {
                traffic::TICK_MS
            };
            for view in runtime.views() {
                let mut rng = runtime.tick_rng(&view.name, t / traffic::TICK_MS);
                traffic::synthesize(&view, &mut rng, len as f64 / 1000.0);
            }
            t += len;
        }
    } else {
        t = t.max(now);
    }
    world.serving.traffic_until_ms = t;
    complete_due(world, now);
}
