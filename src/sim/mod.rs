//! The simulated Databricks workspace: an HTTP server on 127.0.0.1 that speaks the real wire
//! protocol (reference §0–§6, §9) over a deterministic seeded story (PRODUCT §9), with injectable
//! faults. Demo mode and tests run the real client against it over real HTTP.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mlops_console::sim::{self, SimOptions};
//! let sim = sim::start(SimOptions::default()).await?;
//! println!("{} {}", sim.base_url, sim.token);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Layout: `server` (accept loop that can reset connections), `gate` (auth, faults, request log),
//! `oauth` (the sign-in services: workspace OAuth, Entra ID),
//! `routes` (route table, identity, 404), one module per service (`experiments`, `runs`,
//! `artifacts`, `uc`, `registry`, `serving` (endpoints, invocations, traffic, metrics), `jobs`, `sql` (warehouses and
//! SQL statements on a real SQL engine)), `search` (MLflow filter and order-by
//! languages), `run_search` (runs/search over full and compact runs), `story` (the seeded data),
//! `scale` (`--scale large`), `world` (the data model behind a mutex, moved on to the `clock`'s
//! reading whenever it is read: job runs progress on simulated time).

mod artifacts;
mod clock;
mod errors;
mod experiments;
mod faults;
mod features;
mod files_api;
mod gate;
mod jobs;
mod logged_models;
mod monitors;
pub mod oauth;
mod paging;
mod params;
mod paths;
mod permissions;
mod registry;
mod registry_routes;
mod routes;
mod run_search;
mod runs;
mod scale;
mod search;
mod server;
mod serving;
mod sql;
mod sql_alerts;
mod stages;
mod state;
mod story;
mod transition_requests;
mod uc;
mod uc_aliases;
mod uc_rpc;
mod uc_tags;
mod world;
mod ws_history;

#[cfg(test)]
mod tests;

use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::SimClock;
pub use faults::{FaultSpec, ScriptedFault};
pub use oauth::UserSignIn;
pub use scale::{BIG_EXPERIMENT, Scale};
pub use state::{Principal, RequestRecord};

use faults::FaultState;
use state::{AppState, Shared};

/// Token of the owner principal (`ml-eng@acme.com`).
pub const DEFAULT_TOKEN: &str = "dapi-demo-0000000000000000";
/// Token of the non-owner principal (`analyst@acme.com`).
pub const DEFAULT_NONOWNER_TOKEN: &str = "dapi-nonowner-000000000000";

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub token: String,
    pub nonowner_token: String,
    /// Seed of the story and of random faults.
    pub seed: u64,
    pub faults: FaultSpec,
    pub clock: SimClock,
    /// `Large` adds ~2,000 experiments and one with 100,000 runs.
    pub scale: Scale,
    /// How long a serving config update stays `IN_PROGRESS` before it goes live.
    pub serving_update_delay: std::time::Duration,
    /// Background requests per second to `churn-prod` (other endpoints get a fraction of it),
    /// synthesised on the clock; 0 disables them.
    pub traffic_rps: f64,
    /// How long the OAuth and Entra ID tokens the simulator issues live, on its clock.
    pub token_ttl: std::time::Duration,
    /// How long a SQL statement takes on a running warehouse (PENDING for its first quarter,
    /// then RUNNING), on the simulator's clock.
    pub sql_latency: std::time::Duration,
    /// Scale of the scoring answers' latency model (1: each answer waits its served entity's
    /// drawn latency; 0: answers at once). With faults, a tail is added (`serving::answer_latency`).
    pub served_latency: f64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            port: 0,
            token: DEFAULT_TOKEN.to_string(),
            nonowner_token: DEFAULT_NONOWNER_TOKEN.to_string(),
            seed: 42,
            faults: FaultSpec::none(),
            clock: SimClock::real(),
            scale: Scale::Small,
            serving_update_delay: std::time::Duration::from_secs(5),
            traffic_rps: 50.0,
            token_ttl: std::time::Duration::from_secs(3600),
            sql_latency: std::time::Duration::from_millis(400),
            served_latency: 1.0,
        }
    }
}

/// A running simulator. Dropping it stops the server too; [`SimHandle::shutdown`] also waits.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: String,
    pub token: String,
    pub nonowner_token: String,
    pub clock: SimClock,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// Moves job runs on when the clock moves (see `jobs::drive`).
    driver: JoinHandle<()>,
    shared: AppState,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// Forces these faults onto the next `faults.len()` authenticated requests, in order
    /// (replacing any still pending). Unauthenticated requests do not consume them.
    pub fn script_faults(&self, faults: Vec<ScriptedFault>) {
        self.shared.faults().script(faults);
    }

    /// Replaces the random faults from now on (e.g. none, to read the truth after a chaos run).
    pub fn set_faults(&self, spec: FaultSpec) {
        self.shared.faults().set_spec(spec);
    }

    /// From now on, answers run searches that use `IS NULL` / `IS NOT NULL` with 400
    /// `INVALID_PARAMETER_VALUE`, as MLflow servers from before those operators do (`false`:
    /// understands them again).
    pub fn refuse_is_null(&self, refuse: bool) {
        self.shared
            .refuse_is_null
            .store(refuse, std::sync::atomic::Ordering::Relaxed);
    }

    /// From now on, the Data Quality API answers as on a workspace without it (400
    /// `FEATURE_NOT_ENABLED`); `true` offers it again. The legacy monitor API always answers.
    pub fn set_data_quality_enabled(&self, enabled: bool) {
        self.shared.monitors.set_data_quality(enabled);
    }

    /// The clock reading the story was built at: every seeded timestamp is this minus an offset.
    pub fn anchor_ms(&self) -> i64 {
        self.shared.world().anchor_ms
    }

    /// Signs the owner in as `databricks auth login` would: an access token and a refresh
    /// token (good once), for a test to put in the CLI's token cache.
    pub fn sign_in_user(&self) -> UserSignIn {
        self.shared.oauth().sign_in_user(self.clock.now_ms())
    }

    /// An Entra ID token of the owner for the workspace, as `az account get-access-token` would
    /// print it: the token and its expiry (Unix epoch milliseconds on the simulator's clock).
    pub fn azure_cli_token(&self) -> (String, i64) {
        self.shared.oauth().azure_cli_token(self.clock.now_ms())
    }

    /// Every request seen so far (the most recent 10 000), oldest first.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.shared.request_log()
    }

    /// The requests the simulator did not understand (unknown path or method, arguments or a
    /// body of the wrong shape), oldest first: see [`RequestRecord::rejected`].
    pub fn rejected_requests(&self) -> Vec<RequestRecord> {
        self.shared
            .request_log()
            .into_iter()
            .filter(|r| r.rejected.is_some())
            .collect()
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        self.driver.abort();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.driver.abort();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Binds 127.0.0.1:`port`, builds the seeded world (anchored at the clock's current reading)
/// and serves it on a background task.
pub async fn start(opts: SimOptions) -> io::Result<SimHandle> {
    if opts.token.is_empty() || opts.token == opts.nonowner_token {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the owner and non-owner tokens must be non-empty and different",
        ));
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port)).await?;
    let addr = listener.local_addr()?;
    let base_url = format!("http://{addr}");
    let mut world = story::build(opts.seed, opts.clock.now_ms());
    world.base_url = base_url.clone();
    if opts.scale == Scale::Large {
        scale::add_large(&mut world);
    }
    let delay_ms = i64::try_from(opts.serving_update_delay.as_millis()).unwrap_or(i64::MAX);
    let runtime = Arc::new(serving::Runtime::new(opts.seed));
    runtime
        .answer
        .configure(opts.served_latency, !opts.faults.is_none());
    serving::init(&mut world, runtime, delay_ms, opts.traffic_rps);
    let sql = sql::SqlService::new(opts.seed, world.anchor_ms, opts.sql_latency);
    let shared = Arc::new(Shared::new(
        world,
        sql,
        opts.clock.clone(),
        FaultState::new(opts.faults, opts.seed),
        opts.token.clone(),
        opts.nonowner_token.clone(),
        opts.token_ttl,
    ));
    let app = routes::router(shared.clone());
    let (tx, rx) = oneshot::channel();
    let task = tokio::spawn(server::serve(listener, app, rx));
    let driver = tokio::spawn(jobs::drive(shared.clone()));
    Ok(SimHandle {
        base_url,
        token: opts.token,
        nonowner_token: opts.nonowner_token,
        clock: opts.clock,
        shutdown: Some(tx),
        task: Some(task),
        driver,
        shared,
    })
}

/// Runs a simulator in the foreground: prints `base_url=…`, `token=…` and `nonowner_token=…`
/// as its first lines (flushed, so a parent process can read them), then serves until Ctrl-C.
/// Each request it does not understand is reported on stderr as
/// `sim: rejected METHOD PATH?QUERY: STATUS ERROR_CODE: message`.
pub async fn run_standalone(opts: SimOptions) -> io::Result<()> {
    let handle = start(opts).await?;
    handle.shared.set_echo_rejections(true);
    {
        let mut out = io::stdout().lock();
        writeln!(out, "base_url={}", handle.base_url)?;
        writeln!(out, "token={}", handle.token)?;
        writeln!(out, "nonowner_token={}", handle.nonowner_token)?;
        out.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    handle.shutdown().await;
    Ok(())
}
