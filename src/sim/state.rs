//! State shared by every request: the world, the clock, the fault state, tokens and a request
//! log.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::clock::SimClock;
use super::faults::FaultState;
use super::oauth::OAuthState;
use super::serving::Runtime;
use super::world::World;

/// Who made a request, decided by the token. Permission checks key on this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Principal {
    /// `ml-eng@acme.com`, owner of the seeded churn assets.
    Owner,
    /// `analyst@acme.com`, a workspace user who owns little.
    NonOwner,
}

impl Principal {
    pub fn user_name(self) -> &'static str {
        match self {
            Principal::Owner => "ml-eng@acme.com",
            Principal::NonOwner => "analyst@acme.com",
        }
    }
}

/// One request as the simulator saw it, for tests that count calls (e.g. retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// Path without the query string, as the client sent it (before any rewrite of a path
    /// variant).
    pub path: String,
    /// User name of the authenticated caller; `None` when authentication failed or was not
    /// needed.
    pub principal: Option<String>,
    /// Status answered; `None` when the connection was reset instead.
    pub status: Option<u16>,
    /// Label of the injected fault, if any.
    pub fault: Option<String>,
    /// Set when the simulator did not understand the request (unknown path or method, an
    /// argument or body of the wrong shape): `ERROR_CODE: message`. An official client should
    /// never cause one; well-formed requests about absent things are not flagged.
    pub rejected: Option<String>,
}

/// How many requests the log keeps (oldest dropped first).
const LOG_CAPACITY: usize = 10_000;

pub(crate) struct Shared {
    world: Mutex<World>,
    clock: SimClock,
    faults: Mutex<FaultState>,
    log: Mutex<VecDeque<RequestRecord>>,
    pub owner_token: String,
    pub nonowner_token: String,
    /// Tokens issued by the sign-in stand-ins.
    oauth: OAuthState,
    /// The serving data plane (also reachable from the world), read without the world lock.
    pub serving: Arc<Runtime>,
    /// SQL warehouses and statements, with their own locks (a query does not hold the world).
    pub sql: super::sql::SqlService,
    /// Table monitors (both APIs over one store), with their own lock.
    pub monitors: super::monitors::MonitorService,
    /// Feature tables, online stores and synced tables, with their own lock.
    pub features: super::features::FeatureService,
    /// Print each rejected request on stderr (standalone `sim` only: the demo owns the terminal).
    echo_rejections: AtomicBool,
    /// Run searches answer `IS NULL` / `IS NOT NULL` with 400, as MLflow servers from before
    /// those operators do.
    pub refuse_is_null: AtomicBool,
}

pub(crate) type AppState = Arc<Shared>;

/// Locks a mutex even if a panicking handler poisoned it: the simulator should keep serving.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(
        world: World,
        sql: super::sql::SqlService,
        clock: SimClock,
        faults: FaultState,
        owner_token: String,
        nonowner_token: String,
        token_ttl: std::time::Duration,
    ) -> Self {
        let serving = world.serving.runtime.clone();
        let monitors = super::monitors::MonitorService::new(world.anchor_ms);
        let features = super::features::FeatureService::new(world.anchor_ms);
        Shared {
            world: Mutex::new(world),
            clock,
            faults: Mutex::new(faults),
            log: Mutex::new(VecDeque::new()),
            owner_token,
            nonowner_token,
            oauth: OAuthState::new(token_ttl),
            serving,
            sql,
            monitors,
            features,
            echo_rejections: AtomicBool::new(false),
            refuse_is_null: AtomicBool::new(false),
        }
    }

    pub fn set_echo_rejections(&self, on: bool) {
        self.echo_rejections.store(on, Ordering::Relaxed);
    }

    /// The world as of the clock's current reading: job runs in progress are first moved on to
    /// now, so every answer (and every test after `clock.advance`) sees exactly the state due
    /// at that instant, whether or not the background driver has woken yet. Handlers must not
    /// hold this across an `.await`.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let mut world = lock(&self.world);
        world.advance_to(self.clock.now_ms());
        world
    }

    /// The world exactly as stored, without catching up: lets tests see what the background
    /// driver alone has done.
    #[cfg(test)]
    pub fn world_as_stored(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub fn oauth(&self) -> &OAuthState {
        &self.oauth
    }

    pub fn clock(&self) -> &SimClock {
        &self.clock
    }

    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.faults)
    }

    /// Logs a request; a rejected one also goes to stderr when echoing is on, with its query
    /// string (`target` is the path and query as received; MLflow and Databricks arguments
    /// carry no secrets, credentials travel in headers).
    pub fn record(&self, rec: RequestRecord, target: &str) {
        if let Some(why) = &rec.rejected
            && self.echo_rejections.load(Ordering::Relaxed)
        {
            let status = rec
                .status
                .map_or_else(|| "-".to_string(), |s| s.to_string());
            let line = format!("sim: rejected {} {target}: {status} {why}", rec.method);
            eprintln!("{}", crate::safe_text::line(&line));
        }
        let mut log = lock(&self.log);
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(rec);
    }

    pub fn request_log(&self) -> Vec<RequestRecord> {
        lock(&self.log).iter().cloned().collect()
    }
}
