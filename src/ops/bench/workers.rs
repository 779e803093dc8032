//! The two ways a connection sends. Closed loop: send, wait for the answer, send again. Open
//! loop (as wrk2 does it): connection `i` of `W` owns requests `i`, `i + W`, `i + 2W`, … of a
//! global schedule at the target rate; each is due at `t0 + n / rate`, sent then (or at once
//! when the connection is behind), and its latency counts from when it was due, so a server
//! that stalls cannot hide the requests that queued behind the stall (coordinated omission).
//! The raw latency (from the actual send) is kept too.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::engine::Shared;
use super::plan::Mode;
use super::recorder::{Ending, Sample};
use super::send::send;

/// How early an open-loop connection wakes before a request is due.
const EARLY: Duration = Duration::from_millis(1);

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Sends one request unless the test stops first; `None` when it stopped.
async fn send_or_stop(
    shared: &Shared,
    stop: &mut tokio::sync::watch::Receiver<bool>,
    body: bytes::Bytes,
    entity: &mut Vec<u8>,
) -> Option<Ending> {
    tokio::select! {
        biased;
        _ = stop.wait_for(|s| *s) => None,
        e = send(&shared.target, body, entity) => Some(e),
    }
}

fn record(
    shared: &Shared,
    shard: usize,
    due: Instant,
    sent: Instant,
    ending: Ending,
    entity: &[u8],
) {
    let done = Instant::now();
    let second = due.saturating_duration_since(shared.measure_from).as_secs() as usize;
    let sample = Sample {
        corrected_us: us(done.saturating_duration_since(due)),
        raw_us: us(done.saturating_duration_since(sent)),
        lag_us: us(sent.saturating_duration_since(due)),
        ending,
        entity: (!entity.is_empty()).then_some(entity),
        second,
    };
    shared.shards[shard]
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .record(sample);
}

/// Connection `i` of a closed loop.
pub(crate) async fn closed(shared: &Shared, i: usize) {
    let shard = i % shared.shards.len();
    let bodies = &shared.bodies;
    let mut next = i % bodies.len();
    let mut stop = shared.stop_rx();
    let mut entity = Vec::with_capacity(64);
    tokio::time::sleep_until(shared.t0).await;
    loop {
        if shared.stopped() {
            return;
        }
        let now = Instant::now();
        if shared.measure_until.is_some_and(|u| now >= u) {
            return;
        }
        let measured = now >= shared.measure_from;
        if measured
            && let Some(limit) = shared.plan.requests
            && shared.claimed.fetch_add(1, Ordering::Relaxed) >= limit
        {
            return;
        }
        let body = bodies[next].clone();
        next = (next + 1) % bodies.len();
        let Some(ending) = send_or_stop(shared, &mut stop, body, &mut entity).await else {
            return;
        };
        if measured {
            record(shared, shard, now, now, ending, &entity);
        }
    }
}

/// Connection `i` of an open loop.
pub(crate) async fn open(shared: &Shared, i: usize) {
    let Mode::Open { rate, connections } = shared.plan.mode else {
        return;
    };
    let shard = i % shared.shards.len();
    let bodies = &shared.bodies;
    let mut stop = shared.stop_rx();
    let mut entity = Vec::with_capacity(64);
    // Requests of the schedule that fall in the warm-up.
    let warm = (shared.plan.warmup.as_secs_f64() * rate).ceil() as u64;
    let mut n = i as u64;
    loop {
        if shared.stopped() {
            return;
        }
        let measured = n >= warm;
        if measured
            && let Some(limit) = shared.plan.requests
            && n - warm >= limit
        {
            return;
        }
        let due = shared.t0 + Duration::from_secs_f64(n as f64 / rate);
        if shared.measure_until.is_some_and(|u| due >= u) {
            return;
        }
        // Tokio's timer has millisecond ticks and rounds up: waking a tick early keeps sends on
        // time (a send up to 1 ms early does not change the rate; latency then counts from the
        // send, never from before it).
        tokio::time::sleep_until(due.checked_sub(EARLY).unwrap_or(due)).await;
        let body = bodies[(n % bodies.len() as u64) as usize].clone();
        let sent = Instant::now();
        let due = due.min(sent);
        let Some(ending) = send_or_stop(shared, &mut stop, body, &mut entity).await else {
            return;
        };
        if measured {
            record(shared, shard, due, sent, ending, &entity);
        }
        n += connections as u64;
    }
}
