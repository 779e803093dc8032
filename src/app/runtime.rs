//! Runs effects on tokio with the client and feeds the answers back as messages.
//!
//! Latest request wins twice over: starting a fetch aborts the running task of the same resource
//! (saves work), and `update` drops any answer whose request id is not the newest (correctness:
//! an aborted task may already have sent its answer). A task that panics is reported as
//! `Msg::TaskFailed` through its `JoinHandle`, never as a crash.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use crate::export::chart::ChartColors;
use crate::export::chart_spec::ChartSpec;
use crate::theme::Theme;

use super::context::AppContext;

use super::effect::{ChangeRequest, Effect, Fetch};
use super::fetch;
use super::msg::{CanaryNews, Msg, Payload, ResourceKey};
use super::remote::RequestId;
use crate::api::models::jobs::RunNowRequest;
use crate::ops::canary::{CanaryState, Command};
use crate::ops::query::PayloadSource;
use crate::ops::traffic::{TrafficPlan, TrafficRequest};
use std::sync::Arc;

/// Milliseconds since the epoch: the runtime's clock (the reducer never reads one).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

thread_local! {
    static IN_BACKGROUND_TASK: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread polls a runtime task. The terminal's panic hook uses it to leave the
/// screen alone for panics that the runtime turns into messages.
pub fn in_background_task() -> bool {
    IN_BACKGROUND_TASK.with(Cell::get)
}

/// Marks every poll of the wrapped future as background work (see [`in_background_task`]).
struct Background<F>(Pin<Box<F>>);

impl<F: Future> Future for Background<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Restored by a guard so that a panic unwinding out of `poll` (caught by tokio) does
        // not leave the flag set on this thread.
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                IN_BACKGROUND_TASK.with(|f| f.set(self.0));
            }
        }
        let _restore = Restore(IN_BACKGROUND_TASK.with(|f| f.replace(true)));
        self.0.as_mut().poll(cx)
    }
}

/// Where a fetch task runs: one per resource, and one per endpoint for metrics scrapes (the
/// endpoint on screen and those with a running canary are scraped side by side; a scrape of one
/// never aborts another's).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TaskSlot {
    Resource(ResourceKey),
    Scrape(String),
}

impl TaskSlot {
    fn of(fetch: &Fetch) -> TaskSlot {
        match fetch {
            Fetch::EndpointMetrics { name } => TaskSlot::Scrape(name.clone()),
            other => TaskSlot::Resource(other.key()),
        }
    }
}

pub struct Runtime {
    env: fetch::Env,
    tx: UnboundedSender<Msg>,
    config_dir: PathBuf,
    /// Exported charts go to `<data_dir>/charts/`.
    data_dir: PathBuf,
    no_color: bool,
    tasks: HashMap<TaskSlot, AbortHandle>,
    /// The command channel of each canary runner, by endpoint (a runner is never aborted by
    /// later requests; it ends when its plan does).
    canaries: HashMap<String, UnboundedSender<Command>>,
}

impl Runtime {
    pub fn new(ctx: &AppContext, tx: UnboundedSender<Msg>, no_color: bool) -> Self {
        let (client, config_dir, data_dir) = (
            ctx.client.clone(),
            ctx.config_dir.clone(),
            ctx.data_dir.clone(),
        );
        Runtime {
            env: fetch::Env {
                client,
                data_dir: data_dir.clone(),
                approvals: ctx.approvals.clone(),
                profile: ctx.profile.clone(),
                production: ctx.production,
                monitoring: ctx.monitoring.clone(),
                alerts: Default::default(),
            },
            tx,
            config_dir,
            data_dir,
            no_color,
            tasks: HashMap::new(),
            canaries: HashMap::new(),
        }
    }

    /// Performs one effect. Clipboard writes belong to the terminal owner and are ignored here.
    pub fn execute(&mut self, effect: Effect) {
        match effect {
            Effect::Fetch {
                req,
                fetch: Fetch::Prepare(ChangeRequest::Traffic(r)),
            } => self.prepare_traffic(req, r),
            Effect::Fetch { req, fetch } => self.fetch(req, fetch),
            Effect::ApplyTraffic { req, plan } => self.apply_traffic(req, *plan),
            Effect::TestQuery {
                req,
                endpoint,
                source,
            } => self.test_query(req, endpoint, source),
            Effect::LoadTheme { name } => self.load_theme(name),
            Effect::CopyToClipboard { .. } => {}
            Effect::AbortFetch { key } => {
                if let Some(task) = self.tasks.remove(&TaskSlot::Resource(key)) {
                    task.abort();
                }
            }
            Effect::Bell => {}
            Effect::RunJob {
                req,
                job_id,
                job_parameters,
                idempotency_token,
            } => self.run_job(req, job_id, job_parameters, idempotency_token),
            Effect::ApplyChange { req, plan } => self.apply_change(req, *plan),
            Effect::RoomChange {
                req,
                change: super::screens::RoomChange::Bench(c),
            } => self.load_test(req, c),
            Effect::RoomChange { req, change } => self.apply_room_change(req, change),
            Effect::VerifyUnknown { req } => self.verify_unknown(req),
            Effect::ExportChart { spec, stem, fg, bg } => {
                self.export_chart(*spec, stem, ChartColors { fg, bg })
            }
            Effect::StartCanary { req, state } => self.start_canary(req, *state),
            Effect::CanaryCommand { endpoint, command } => self.canary_command(endpoint, command),
            Effect::LoadCanaries => {
                let (env, tx) = (self.env.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let ws = crate::ops::Workspace::of(&env.client).await;
                    let news = tokio::task::spawn_blocking(move || fetch::canary::saved(&env, &ws));
                    if let Ok(news) = news.await {
                        let _ = tx.send(Msg::Canary(Box::new(news)));
                    }
                });
            }
            Effect::ReadPlanFile { path } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = fetch::canary::read_plan_file(&path);
                    let _ = tx.send(Msg::Canary(Box::new(CanaryNews::PlanFile { path, result })));
                });
            }
        }
    }

    /// One runner per endpoint: a second start while one runs is refused.
    fn start_canary(&mut self, req: RequestId, state: CanaryState) {
        let endpoint = state.plan.endpoint.clone();
        if self.canaries.get(&endpoint).is_some_and(|c| !c.is_closed()) {
            let _ = self.tx.send(Msg::Canary(Box::new(CanaryNews::Ended {
                endpoint: endpoint.clone(),
                result: Err(format!(
                    "a canary runner is already running on {endpoint}; nothing was started"
                )),
            })));
            return;
        }
        let (commands, rx) = tokio::sync::mpsc::unbounded_channel();
        self.canaries.insert(endpoint, commands);
        let (env, tx) = (self.env.clone(), self.tx.clone());
        spawn_supervised(
            self.tx.clone(),
            ResourceKey::Canary,
            req,
            fetch::canary::run(env, state, rx, tx),
        );
    }

    fn canary_command(&mut self, endpoint: String, command: Command) {
        let sent = self
            .canaries
            .get(&endpoint)
            .is_some_and(|c| c.send(command).is_ok());
        if !sent {
            self.canaries.remove(&endpoint);
            let _ = self.tx.send(Msg::Canary(Box::new(CanaryNews::NotRunning {
                endpoint,
                command,
            })));
        }
    }

    /// Tasks still running (for tests and shutdown).
    pub fn running(&self) -> usize {
        self.tasks.values().filter(|h| !h.is_finished()).count()
    }

    fn fetch(&mut self, req: RequestId, fetch: Fetch) {
        let key = fetch.key();
        let slot = TaskSlot::of(&fetch);
        if let Some(old) = self.tasks.remove(&slot) {
            old.abort();
        }
        // Slots of endpoints scraped once stay few, but finished tasks need no handle.
        self.tasks.retain(|_, t| !t.is_finished());
        let (env, tx) = (self.env.clone(), self.tx.clone());
        let task = spawn_supervised(self.tx.clone(), key, req, async move {
            let payload = fetch::run(&env, fetch).await;
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
        self.tasks.insert(slot, task);
    }

    /// A mutation is never aborted by a later request (it may already have reached the server),
    /// so its task is not tracked under a resource key.
    fn run_job(
        &self,
        req: RequestId,
        job_id: i64,
        job_parameters: std::collections::BTreeMap<String, String>,
        idempotency_token: String,
    ) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        spawn_supervised(self.tx.clone(), ResourceKey::RunNow, req, async move {
            let body = RunNowRequest {
                job_id,
                job_parameters,
                idempotency_token: Some(idempotency_token),
                ..Default::default()
            };
            let payload = Payload::JobStarted(fetch::registry::launch(&env, &body).await);
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
    }

    /// A registry change: like `run_job`, never aborted once started.
    fn apply_change(&self, req: RequestId, plan: crate::ops::Plan) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        spawn_supervised(self.tx.clone(), ResourceKey::ApplyChange, req, async move {
            let payload = Payload::ChangeApplied(fetch::registry::apply(&env, &plan).await);
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
    }

    /// A room's change: like `run_job`, never aborted once started.
    fn apply_room_change(&self, req: RequestId, change: super::screens::RoomChange) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        let key = ResourceKey::Room(change.key());
        spawn_supervised(self.tx.clone(), key, req, async move {
            let payload = super::screens::apply_room(&env, change).await;
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
    }

    /// A load test: like a room's change, and its live view is sent as soon as it runs.
    fn load_test(&self, req: RequestId, change: super::screens::serving::bench::Change) {
        use super::screens::{RoomLoaded, serving::bench};
        let (env, tx) = (self.env.clone(), self.tx.clone());
        let key = ResourceKey::Room(bench::LOAD_TEST);
        spawn_supervised(self.tx.clone(), key, req, async move {
            let live = tx.clone();
            let started = move |monitor| {
                let _ = live.send(Msg::Loaded {
                    req,
                    at_ms: now_ms(),
                    payload: Payload::Room(RoomLoaded::Bench(bench::Loaded::Started(monitor))),
                });
            };
            let loaded = super::screens::serving::bench_run::run(&env, change, started).await;
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload: Payload::Room(RoomLoaded::Bench(loaded)),
            });
        });
    }

    /// Progress lines of request `req`, sent as they happen.
    fn progress(&self, req: RequestId) -> fetch::serving::ProgressFn {
        let tx = self.tx.clone();
        Arc::new(move |text| {
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload: Payload::ChangeProgress(text),
            });
        })
    }

    /// Plans a traffic change once the endpoint is idle; read-only, so a newer plan aborts it.
    fn prepare_traffic(&mut self, req: RequestId, r: TrafficRequest) {
        let key = ResourceKey::Prepare;
        if let Some(old) = self.tasks.remove(&TaskSlot::Resource(key)) {
            old.abort();
        }
        let (env, tx, progress) = (self.env.clone(), self.tx.clone(), self.progress(req));
        let task = spawn_supervised(self.tx.clone(), key, req, async move {
            let payload =
                Payload::Prepared(fetch::serving::prepare_traffic(&env, &r, progress).await);
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
        self.tasks.insert(TaskSlot::Resource(key), task);
    }

    /// A traffic change: like `apply_change`, never aborted once started.
    fn apply_traffic(&self, req: RequestId, plan: TrafficPlan) {
        let (env, tx, progress) = (self.env.clone(), self.tx.clone(), self.progress(req));
        spawn_supervised(self.tx.clone(), ResourceKey::ApplyChange, req, async move {
            let payload =
                Payload::ChangeApplied(fetch::serving::apply_traffic(&env, &plan, progress).await);
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
    }

    fn test_query(&self, req: RequestId, endpoint: String, source: PayloadSource) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        spawn_supervised(self.tx.clone(), ResourceKey::TestQuery, req, async move {
            let answer = crate::ops::query::test_query(&env.client, &endpoint, source).await;
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload: Payload::QueryAnswered(answer.map(Box::new)),
            });
        });
    }

    fn verify_unknown(&self, req: RequestId) {
        let (env, tx) = (self.env.clone(), self.tx.clone());
        spawn_supervised(self.tx.clone(), ResourceKey::Verify, req, async move {
            let payload = Payload::Verified(fetch::registry::verify(&env).await);
            let _ = tx.send(Msg::Loaded {
                req,
                at_ms: now_ms(),
                payload,
            });
        });
    }

    /// Files are written on the blocking pool; the answer says where (or why not).
    fn export_chart(&self, spec: ChartSpec, stem: String, colors: ChartColors) {
        let (dir, tx) = (self.data_dir.join("charts"), self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let result = crate::export::chart::write(&spec, colors, &dir, &stem)
                .map(|paths| paths.iter().map(|p| p.display().to_string()).collect());
            let _ = tx.send(Msg::ChartExported { result });
        });
    }

    fn load_theme(&self, name: String) {
        let (dir, no_color, tx) = (self.config_dir.clone(), self.no_color, self.tx.clone());
        tokio::task::spawn_blocking(move || {
            let (theme, mut warnings) = Theme::load(&name, Some(&dir), no_color);
            if no_color {
                warnings.push("NO_COLOR is set: staying monochrome".to_string());
            }
            let _ = tx.send(Msg::ThemeLoaded {
                theme: Box::new(theme),
                warnings,
            });
        });
    }
}

impl Drop for Runtime {
    /// Nothing outlives the console: in-flight requests are abandoned with it.
    fn drop(&mut self) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
    }
}

/// Spawns `work` as a background task plus a supervisor that awaits its `JoinHandle` and turns
/// a panic into `Msg::TaskFailed`. Returns the work's abort handle (aborting is silent).
fn spawn_supervised<F>(
    tx: UnboundedSender<Msg>,
    key: ResourceKey,
    req: RequestId,
    work: F,
) -> AbortHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    let work = tokio::spawn(Background(Box::pin(work)));
    let handle = work.abort_handle();
    tokio::spawn(async move {
        if let Err(e) = work.await
            && e.is_panic()
        {
            let message = panic_text(e.into_panic());
            let _ = tx.send(Msg::TaskFailed {
                key,
                req,
                at_ms: now_ms(),
                message,
            });
        }
    });
    handle
}

/// The text of a panic payload (`panic!("...")` gives `&str` or `String`).
pub fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(s) => s.to_string(),
            Err(_) => "a background task panicked".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_is_reported_and_an_aborted_one_is_silent() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        spawn_supervised(tx.clone(), ResourceKey::Me, 7, async {
            assert!(in_background_task(), "polls are marked as background work");
            panic!("boom");
        });
        match rx.recv().await {
            Some(Msg::TaskFailed {
                key, req, message, ..
            }) => {
                assert_eq!((key, req, message.as_str()), (ResourceKey::Me, 7, "boom"));
            }
            other => panic!("expected TaskFailed, got {other:?}"),
        }
        assert!(!in_background_task());

        let handle = spawn_supervised(tx, ResourceKey::Me, 8, std::future::pending());
        handle.abort();
        // The supervisor ends without a message once every sender is gone.
        assert!(rx.recv().await.is_none());
    }
}
