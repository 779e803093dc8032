//! Drives a canary plan against a workspace: looks at the endpoint and its metrics every
//! interval, feeds the state machine, carries out the changes it asks for through
//! `ops::traffic::apply` (journaled, waiting its turn on 409), saves the state after every step,
//! and takes pause / resume / abort commands from a channel. Time is injected (a clock function
//! and the waiter's sleep), so tests run a whole plan on the simulator's manual clock; the
//! headless `canary` command and the TUI use the real ones.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::api::{ApiError, Client};
use crate::ops::change::execute::ChangeContext;
use crate::ops::change::target::ChangeAction;
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};
use crate::ops::prometheus;
use crate::ops::serving_metrics::Snapshot;
use crate::ops::traffic::{self, EndpointConfigState, TrafficPlan, Waiter};
use crate::ops::workspace::Workspace;

use super::machine;
use super::state::{CanaryAction, CanaryState, Command, EndpointLook, Observation, Phase, Sample};
use super::store::CanaryStore;

/// When [`Runner::run`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunUntil {
    /// The plan finished (completed, rolled back or aborted), or paused when `stop_when_paused`.
    Finished,
    /// The first step is live (or the plan finished or paused): start a plan and leave it.
    FirstStep,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("gave up after {count} failed reads of endpoint {endpoint}: {last}")]
    Unreachable {
        endpoint: String,
        count: u32,
        last: String,
    },
    /// The workspace refused to let the endpoint be read (401, 403): asking again every
    /// interval would be refused alike.
    #[error("stopped reading endpoint {endpoint}: {error}")]
    Refused { endpoint: String, error: ApiError },
    #[error(
        "the canary plan of {endpoint} was saved for workspace {saved}, not this one ({here}); \
         it is not driven here"
    )]
    OtherWorkspace {
        endpoint: String,
        saved: String,
        here: String,
    },
}

/// Now, in Unix milliseconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Called after every step of the machine with the state and the actions it asked for.
pub type OnStep<'a> = Box<dyn FnMut(&CanaryState, &[CanaryAction]) + Send + 'a>;

/// Everything a run needs besides the state.
pub struct Runner<'a> {
    pub client: &'a Client,
    pub journal: Journal,
    pub ctx: ChangeContext,
    /// Where the state is saved after every step (`None`: not saved).
    pub store: Option<CanaryStore>,
    /// Now, in Unix milliseconds.
    pub clock: Clock,
    /// How traffic changes wait for updates; its `sleep` also paces the intervals.
    pub waiter: Waiter<'a>,
    /// Pause / resume / abort from the user.
    pub commands: Option<UnboundedReceiver<Command>>,
    pub on_step: OnStep<'a>,
    pub until: RunUntil,
    /// Return (instead of waiting for a resume command) when the plan pauses.
    pub stop_when_paused: bool,
    /// Consecutive failed reads before giving up.
    pub max_read_failures: u32,
}

impl<'a> Runner<'a> {
    /// A runner on the real clock and timer, saving to `store`, journaling to `journal`.
    pub fn new(client: &'a Client, journal: Journal, ctx: ChangeContext) -> Runner<'a> {
        Runner {
            client,
            journal,
            ctx,
            store: None,
            clock: Arc::new(|| chrono::Utc::now().timestamp_millis()),
            waiter: Waiter::real(),
            commands: None,
            on_step: Box::new(|_, _| {}),
            until: RunUntil::Finished,
            stop_when_paused: true,
            max_read_failures: 20,
        }
    }

    fn now(&self) -> i64 {
        (self.clock)()
    }

    /// Reads the endpoint and both entities' counters. (Takes the client and clock rather than
    /// `&self`, so the run's future stays `Send` without the callbacks having to be `Sync`.)
    async fn look(
        client: &Client,
        clock: &Clock,
        state: &CanaryState,
    ) -> Result<Observation, ApiError> {
        let plan = &state.plan;
        let ep = client.get_serving_endpoint(&plan.endpoint).await?;
        let metrics = Self::sample(client, clock, state).await;
        Ok(Observation::Look {
            endpoint: EndpointLook {
                config: EndpointConfigState::of(&ep),
                updating: traffic::wait::is_updating(&ep),
            },
            metrics,
        })
    }

    async fn sample(client: &Client, clock: &Clock, state: &CanaryState) -> Option<Sample> {
        let text = client.endpoint_metrics(&state.plan.endpoint).await.ok()?;
        let (exposition, _) = prometheus::parse_lenient(&text);
        let at_ms = clock();
        let snap = Snapshot::from_exposition(&exposition, at_ms);
        Some(Sample {
            at_ms,
            stable: snap.entities.get(&state.plan.stable).cloned(),
            canary: snap.entities.get(&state.plan.canary_name()).cloned(),
        })
    }

    /// Carries out one change and reports how it ended (always `Ok`: a failed change is told
    /// to the machine, which decides).
    async fn apply(
        &mut self,
        state: &CanaryState,
        after: EndpointConfigState,
        comment: String,
    ) -> Result<Observation, ApiError> {
        let name = state.plan.endpoint.clone();
        let result = match self.client.get_serving_endpoint(&name).await {
            Ok(ep) => {
                let plan = TrafficPlan::config(&ep, after, ChangeAction::Canary)
                    .with_comment(Some(comment));
                traffic::apply(
                    self.client,
                    &self.journal,
                    &self.ctx,
                    &plan,
                    &mut self.waiter,
                )
                .await
            }
            Err(e) => Err(OpError::Api(e)),
        };
        let (ok, message) = match result {
            Ok(o) => (o.outcome == Outcome::Ok, o.message),
            Err(OpError::NothingToDo(m)) => (true, m),
            Err(e) => (false, e.to_string()),
        };
        let (endpoint, metrics) = match Self::look(self.client, &self.clock, state).await {
            Ok(Observation::Look { endpoint, metrics }) => (Some(endpoint), metrics),
            _ => (None, None),
        };
        Ok(Observation::ChangeDone {
            ok,
            message,
            endpoint,
            metrics,
        })
    }

    fn save(&self, state: &mut CanaryState) {
        if let Some(store) = &self.store
            && let Err(e) = store.save(state)
        {
            let now = self.now();
            state.log(now, format!("warning: cannot save the plan state: {e}"));
        }
    }

    /// Waits one interval, or less if a command arrives.
    async fn wait(&mut self, interval: Duration) -> Option<Command> {
        let mut sleep = (self.waiter.sleep)(interval);
        if let Some(rx) = &mut self.commands {
            tokio::select! {
                _ = &mut sleep => return None,
                c = rx.recv() => match c {
                    Some(c) => return Some(c),
                    // Nobody can send commands any more: just wait.
                    None => self.commands = None,
                },
            }
        }
        sleep.await;
        None
    }

    fn done(&self, state: &CanaryState) -> bool {
        state.is_finished()
            || (state.phase == Phase::Paused && self.stop_when_paused)
            || (self.until == RunUntil::FirstStep
                && state.phase == Phase::Holding
                && state.pending.is_none())
    }

    /// Runs `state` until [`Runner::until`] says stop; the final state.
    pub async fn run(mut self, mut state: CanaryState) -> Result<CanaryState, RunError> {
        let mut failures = 0;
        // The plan runs on this workspace; one saved for another is never driven here.
        let ws = Workspace::of(self.client).await;
        if let Some(saved) = state.host.as_deref()
            && !ws.holds(saved, state.workspace_id.as_deref())
        {
            return Err(RunError::OtherWorkspace {
                endpoint: state.plan.endpoint.clone(),
                saved: saved.to_string(),
                here: ws.host,
            });
        }
        state.host = Some(ws.host);
        state.workspace_id = ws.id.or(state.workspace_id);
        // Look first, so that a queued command (an abort) acts on the endpoint as it is now.
        let mut read = Self::look(self.client, &self.clock, &state).await;
        loop {
            let obs = match read {
                Ok(obs) => {
                    failures = 0;
                    obs
                }
                // The workspace refused the token or the read: final, asking again is refused
                // alike (other failures may pass, so a few are borne).
                Err(error) if error.is_refusal() => {
                    state.log(self.now(), format!("could not read the endpoint: {error}"));
                    self.save(&mut state);
                    let endpoint = state.plan.endpoint.clone();
                    return Err(RunError::Refused { endpoint, error });
                }
                Err(error) => {
                    failures += 1;
                    let message = error.to_string();
                    if failures >= self.max_read_failures {
                        self.save(&mut state);
                        return Err(RunError::Unreachable {
                            endpoint: state.plan.endpoint.clone(),
                            count: failures,
                            last: message,
                        });
                    }
                    Observation::ReadFailed { message }
                }
            };
            let now = self.now();
            let (next, actions) = machine::step(state, obs, now);
            state = next;
            self.save(&mut state);
            (self.on_step)(&state, &actions);
            let apply = actions.into_iter().find_map(|a| match a {
                CanaryAction::Apply { after, comment, .. } => Some((after, comment)),
                CanaryAction::Alert { .. } => None,
            });
            if let Some((after, comment)) = apply {
                read = self.apply(&state, after, comment).await;
                continue;
            }
            if self.done(&state) {
                return Ok(state);
            }
            let interval = Duration::from_millis(state.plan.interval_ms.max(1) as u64);
            read = match self.wait(interval).await {
                Some(command) => Ok(Observation::Command { command }),
                None => Self::look(self.client, &self.clock, &state).await,
            };
        }
    }
}

/// Compile-time check: the runner and the traffic path can run on a spawned task (the TUI runs
/// a plan in the background).
#[allow(dead_code)]
fn futures_are_send(
    client: &Client,
    journal: &Journal,
    ctx: &ChangeContext,
    plan: &TrafficPlan,
    state: CanaryState,
) {
    fn send<T: Send>(_: T) {}
    send(Runner::new(client, journal.clone(), ctx.clone()).run(state));
    send(async move {
        let mut waiter = Waiter::real();
        traffic::apply(client, journal, ctx, plan, &mut waiter).await
    });
}
