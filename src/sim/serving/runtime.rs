//! The serving data plane: what invocations, background traffic and `…/metrics` share, kept
//! outside the world's mutex so that scoring never waits on it.
//!
//! Each endpoint has an immutable [`EndpointView`] (routes and served entities), swapped whole
//! under a short write lock when a config update completes; an invocation clones the `Arc` under
//! a read lock and then works alone. Counters are atomics, cumulative since the entity started
//! (an entity that keeps its name and model version across updates keeps its counters).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::api::models::serving::{DeploymentState, EndpointReady, ServingEndpoint};
use crate::ops::traffic::Split;

use super::build::Build;
use super::model::Model;
use super::profile::{BUCKETS, Profile, Rng, mix, name_hash, profile};

/// Cumulative counters of one served entity.
#[derive(Debug)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub errors_4xx: AtomicU64,
    pub errors_5xx: AtomicU64,
    pub buckets: [AtomicU64; BUCKETS],
    /// Latency sum in microseconds (integer, so it can be an atomic).
    pub sum_us: AtomicU64,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            requests: AtomicU64::new(0),
            errors_4xx: AtomicU64::new(0),
            errors_5xx: AtomicU64::new(0),
            buckets: std::array::from_fn(|_| AtomicU64::new(0)),
            sum_us: AtomicU64::new(0),
        }
    }
}

/// A copy of [`Counters`] taken at one moment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CounterValues {
    pub requests: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    /// Per bucket (not cumulative).
    pub buckets: [u64; BUCKETS],
    pub sum_ms: f64,
}

impl Counters {
    /// Records one request.
    pub fn record(&self, latency_ms: f64, status: Status) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        match status {
            Status::Ok => {}
            Status::Client => {
                self.errors_4xx.fetch_add(1, Ordering::Relaxed);
            }
            Status::Server => {
                self.errors_5xx.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.buckets[Profile::bucket_of(latency_ms)].fetch_add(1, Ordering::Relaxed);
        self.sum_us
            .fetch_add((latency_ms * 1000.0) as u64, Ordering::Relaxed);
    }

    /// Adds a batch of requests at once.
    pub fn add(&self, batch: &Batch) {
        self.requests.fetch_add(batch.requests, Ordering::Relaxed);
        self.errors_4xx
            .fetch_add(batch.errors_4xx, Ordering::Relaxed);
        self.errors_5xx
            .fetch_add(batch.errors_5xx, Ordering::Relaxed);
        for (b, n) in self.buckets.iter().zip(batch.buckets.iter()) {
            if *n > 0 {
                b.fetch_add(*n, Ordering::Relaxed);
            }
        }
        self.sum_us
            .fetch_add((batch.sum_ms * 1000.0) as u64, Ordering::Relaxed);
    }

    pub fn values(&self) -> CounterValues {
        CounterValues {
            requests: self.requests.load(Ordering::Relaxed),
            errors_4xx: self.errors_4xx.load(Ordering::Relaxed),
            errors_5xx: self.errors_5xx.load(Ordering::Relaxed),
            buckets: std::array::from_fn(|i| self.buckets[i].load(Ordering::Relaxed)),
            sum_ms: self.sum_us.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }
}

/// How a request ended, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Ok,
    Client,
    Server,
}

/// Requests synthesised in bulk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Batch {
    pub requests: u64,
    pub errors_4xx: u64,
    pub errors_5xx: u64,
    pub buckets: [u64; BUCKETS],
    pub sum_ms: f64,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            requests: 0,
            errors_4xx: 0,
            errors_5xx: 0,
            buckets: [0; BUCKETS],
            sum_ms: 0.0,
        }
    }
}

/// One served entity of the data plane.
#[derive(Debug)]
pub(crate) struct EntityRuntime {
    pub name: String,
    pub entity_name: String,
    pub version: String,
    /// What the version is (its training parameters' serving cost), looked up at publish.
    pub build: Build,
    pub workload_size: String,
    pub scale_to_zero: bool,
    pub model: Model,
    pub counters: Counters,
}

/// An endpoint's routes and entities as one immutable value.
#[derive(Debug, Default)]
pub(crate) struct EndpointView {
    pub name: String,
    /// Whether it answers invocations (ready, with at least one deployed routed entity).
    pub serving: bool,
    /// Every served entity with its share of the traffic (0–1), in config order.
    pub entities: Vec<(Arc<EntityRuntime>, f64)>,
    /// `(cumulative percent, index into entities)` for the routed ones.
    pub routes: Vec<(u32, usize)>,
    /// Background requests per second this endpoint receives.
    pub base_rps: f64,
}

impl EndpointView {
    /// The entity a request lands on, for `u` uniform in [0, 1).
    pub fn pick(&self, u: f64) -> Option<&(Arc<EntityRuntime>, f64)> {
        let total = self.routes.last()?.0;
        let at = (u * f64::from(total)) as u32;
        let i = self.routes.partition_point(|(cum, _)| *cum <= at);
        self.routes.get(i).map(|(_, e)| &self.entities[*e])
    }

    /// The profile an entity of this view follows now.
    pub fn profile_of(entity: &EntityRuntime, share: f64) -> Profile {
        profile(&entity.entity_name, &entity.version, entity.build, share)
    }
}

/// All endpoints' views, the request counter that seeds per-request randomness, and the
/// earliest time a pending config update is due (so that scoring can trigger its completion
/// without taking the world lock otherwise).
#[derive(Debug, Default)]
pub(crate) struct Runtime {
    pub seed: u64,
    seq: AtomicU64,
    views: RwLock<HashMap<String, Arc<EndpointView>>>,
    next_due_ms: AtomicI64,
    /// How long answers wait (the entities' latency model).
    pub answer: super::answer_latency::AnswerLatency,
}

fn read<T>(l: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(|p| p.into_inner())
}

fn write<T>(l: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(|p| p.into_inner())
}

/// Background traffic of an endpoint relative to `--traffic-rps`: the story's production
/// endpoint takes it all, the scale-to-zero one a trickle, new endpoints a little.
fn rate_factor(name: &str) -> f64 {
    match name {
        "churn-prod" => 1.0,
        "fraud-scoring" => 0.1,
        _ => 0.2,
    }
}

impl Runtime {
    pub fn new(seed: u64) -> Runtime {
        Runtime {
            seed,
            seq: AtomicU64::new(0),
            views: RwLock::new(HashMap::new()),
            next_due_ms: AtomicI64::new(i64::MAX),
            answer: Default::default(),
        }
    }

    pub fn view(&self, endpoint: &str) -> Option<Arc<EndpointView>> {
        read(&self.views).get(endpoint).cloned()
    }

    pub fn views(&self) -> Vec<Arc<EndpointView>> {
        let mut all: Vec<_> = read(&self.views).values().cloned().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// A fresh random generator for one request (numbered in arrival order).
    pub fn request_rng(&self) -> Rng {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        Rng::new(mix(self.seed ^ 0x1A5C_0DE5) ^ n)
    }

    pub fn next_due_ms(&self) -> i64 {
        self.next_due_ms.load(Ordering::Relaxed)
    }

    pub fn set_next_due_ms(&self, due: i64) {
        self.next_due_ms.store(due, Ordering::Relaxed);
    }

    pub fn remove(&self, endpoint: &str) {
        write(&self.views).remove(endpoint);
    }

    /// Publishes `ep`'s active config (entities that continue keep their counters); `build_of`
    /// says what each new (entity name, version) is.
    pub fn publish(
        &self,
        ep: &ServingEndpoint,
        base_rps: f64,
        build_of: &dyn Fn(&str, &str) -> Build,
    ) {
        let old = self.view(&ep.name);
        let split = Split::of_endpoint(ep);
        let ready = ep.state.as_ref().and_then(|s| s.ready.as_ref()) == Some(&EndpointReady::Ready);
        let mut view = EndpointView {
            name: ep.name.clone(),
            base_rps: base_rps * rate_factor(&ep.name),
            ..EndpointView::default()
        };
        let entities = ep
            .config
            .as_ref()
            .map(|c| c.served_entities.as_slice())
            .unwrap_or(&[]);
        let mut cumulative = 0;
        for e in entities {
            let entity_name = e.entity_name.clone().unwrap_or_default();
            let version = e.entity_version.clone().unwrap_or_default();
            let reused = old.as_ref().and_then(|v| {
                v.entities
                    .iter()
                    .map(|(r, _)| r)
                    .find(|r| {
                        r.name == e.name && r.entity_name == entity_name && r.version == version
                    })
                    .cloned()
            });
            let runtime = reused.unwrap_or_else(|| {
                Arc::new(EntityRuntime {
                    name: e.name.clone(),
                    model: Model::for_entity(&entity_name, &version),
                    build: build_of(&entity_name, &version),
                    entity_name,
                    version,
                    workload_size: e.workload_size.clone().unwrap_or_else(|| "Small".into()),
                    scale_to_zero: e.scale_to_zero_enabled.unwrap_or(false),
                    counters: Counters::default(),
                })
            });
            let pct = split.percent(&e.name);
            let deployed = e.state.as_ref().and_then(|s| s.deployment.as_ref())
                != Some(&DeploymentState::Failed);
            let index = view.entities.len();
            view.entities.push((runtime, f64::from(pct) / 100.0));
            if pct > 0 && deployed {
                cumulative += pct;
                view.routes.push((cumulative, index));
            }
        }
        view.serving = ready && !view.routes.is_empty();
        write(&self.views).insert(ep.name.clone(), Arc::new(view));
    }

    /// The seed of background traffic for `endpoint` during tick `tick`.
    pub fn tick_rng(&self, endpoint: &str, tick: i64) -> Rng {
        Rng::new(self.seed ^ name_hash(endpoint) ^ mix(tick as u64))
    }
}
