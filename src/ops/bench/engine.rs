//! Runs a [`BenchPlan`]: [`start`] spawns the workers (`workers`) and a watcher that applies
//! the guards, and returns a [`BenchHandle`] at once. The handle gives a live [`Snapshot`]
//! while the test runs (for the TUI panel and the headless progress line), stops it on demand,
//! and yields the [`BenchResult`] when it ends.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::api::http::load::LoadTarget;

use super::plan::{BenchPlan, Mode};
use super::recorder::Recorder;
use super::result::{BenchResult, Snapshot};
use super::verdict::{StopReason, check_guards};
use super::workers;

/// How often the watcher applies the guards.
const GUARD_EVERY: Duration = Duration::from_millis(200);

/// State the workers, the watcher and the handle share.
pub(crate) struct Shared {
    pub plan: BenchPlan,
    pub target: LoadTarget,
    pub bodies: Arc<[Bytes]>,
    pub shards: Vec<Mutex<Recorder>>,
    /// When the first request is due; the warm-up runs from here.
    pub t0: Instant,
    /// When measuring begins (`t0` + warm-up).
    pub measure_from: Instant,
    /// When measuring ends, with a duration bound.
    pub measure_until: Option<Instant>,
    /// Measured requests claimed so far (closed loop, with a request bound).
    pub claimed: AtomicU64,
    stop_tx: watch::Sender<bool>,
    pub reason: Mutex<Option<StopReason>>,
}

impl Shared {
    pub fn stop_rx(&self) -> watch::Receiver<bool> {
        self.stop_tx.subscribe()
    }

    pub fn stopped(&self) -> bool {
        *self.stop_tx.borrow()
    }

    fn stop(&self, reason: StopReason) {
        let mut r = self.reason.lock().unwrap_or_else(|p| p.into_inner());
        if r.is_none() {
            *r = Some(reason);
        }
        drop(r);
        self.stop_tx.send_replace(true);
    }

    /// Every shard merged.
    pub fn merged(&self) -> Recorder {
        // Each shard is copied under its lock (a copy is quick) and added up outside it, so the
        // connections recording into a shard wait as little as possible.
        let mut all = Recorder::default();
        for s in &self.shards {
            let copy = s.lock().unwrap_or_else(|p| p.into_inner()).clone();
            all.merge(&copy);
        }
        all
    }

    /// Seconds measured so far.
    fn measured_secs(&self) -> f64 {
        let now = Instant::now();
        let end = match self.measure_until {
            Some(u) => now.min(u),
            None => now,
        };
        end.saturating_duration_since(self.measure_from)
            .as_secs_f64()
    }
}

/// A running load test.
pub struct BenchHandle {
    shared: Arc<Shared>,
    task: JoinHandle<BenchResult>,
}

/// A view of a running test that can be handed around (to the TUI, a Ctrl-C handler): live
/// snapshots and the stop switch, not the result.
#[derive(Clone)]
pub struct BenchMonitor {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for BenchMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BenchMonitor")
            .field("endpoint", &self.shared.plan.endpoint)
            .finish_non_exhaustive()
    }
}

impl BenchMonitor {
    /// What has been measured so far (merging the workers' recorders; cheap enough for a few
    /// times a second).
    pub fn snapshot(&self) -> Snapshot {
        let s = &self.shared;
        Snapshot::of(
            &s.plan,
            &s.merged(),
            s.measured_secs(),
            Instant::now() < s.measure_from,
        )
    }

    /// Stops the test (the requests on the wire are abandoned, not counted); the result then
    /// says it was stopped by hand.
    pub fn stop(&self) {
        self.shared.stop(StopReason::Stopped);
    }
}

impl BenchHandle {
    pub fn monitor(&self) -> BenchMonitor {
        BenchMonitor {
            shared: self.shared.clone(),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        self.monitor().snapshot()
    }

    /// Waits for the end and returns the result.
    pub async fn finish(self) -> BenchResult {
        match self.task.await {
            Ok(r) => r,
            Err(e) => {
                // The run task cannot panic by design; say so rather than hide it.
                let mut r = BenchResult::build(
                    &self.shared.plan,
                    &self.shared.merged(),
                    self.shared.measured_secs(),
                    Some(StopReason::Stopped),
                );
                r.note = Some(format!("the load test ended abnormally: {e}"));
                r
            }
        }
    }
}

/// Starts `plan` against `target`, cycling through `bodies` (at least one). Must be called
/// within a tokio runtime.
pub fn start(plan: BenchPlan, target: LoadTarget, bodies: Vec<Bytes>) -> BenchHandle {
    let bodies: Arc<[Bytes]> = if bodies.is_empty() {
        Arc::from(vec![Bytes::from_static(b"{}")])
    } else {
        Arc::from(bodies)
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let shard_count = (cores * 2).min(plan.mode.connections()).max(1);
    // A moment to spawn the workers before the first request is due.
    let t0 = Instant::now() + Duration::from_millis(5);
    let measure_from = t0 + plan.warmup;
    let (stop_tx, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        measure_until: plan.duration.map(|d| measure_from + d),
        plan,
        target,
        bodies,
        shards: (0..shard_count)
            .map(|_| Mutex::new(Recorder::default()))
            .collect(),
        t0,
        measure_from,
        claimed: AtomicU64::new(0),
        stop_tx,
        reason: Mutex::new(None),
    });
    let task = tokio::spawn(run(shared.clone()));
    BenchHandle { shared, task }
}

async fn run(shared: Arc<Shared>) -> BenchResult {
    let connections = shared.plan.mode.connections();
    let mut workers = Vec::with_capacity(connections);
    for i in 0..connections {
        let s = shared.clone();
        workers.push(tokio::spawn(async move {
            match s.plan.mode {
                Mode::Closed { .. } => workers::closed(&s, i).await,
                Mode::Open { .. } => workers::open(&s, i).await,
            }
        }));
    }
    let all = futures::future::join_all(workers);
    tokio::pin!(all);
    let mut tick = tokio::time::interval(GUARD_EVERY);
    // Without a guard nothing is checked while the test runs.
    let g = &shared.plan.guards;
    let guarded = g.slo_p99_ms.is_some() || g.max_error_rate.is_some();
    loop {
        tokio::select! {
            _ = &mut all => break,
            _ = tick.tick(), if guarded => {
                if let Some(reason) = check_guards(&shared.plan.guards, &shared.merged()) {
                    shared.stop(reason);
                }
            }
        }
    }
    let merged = shared.merged();
    let reason = shared
        .reason
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    BenchResult::build(&shared.plan, &merged, shared.measured_secs(), reason)
}
