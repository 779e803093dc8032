//! A load test is a change (PRODUCT §4, §7): it costs money and moves an endpoint's metrics and
//! autoscaling. So it runs through the one pipeline — refused on a read-only client, journaled
//! before the first request (the plan: rate × duration = requests) and after the last (a
//! summary: requests, rps, p99, errors, verdict) — and is refused while a canary plan on the
//! endpoint is judging (its verdict would be skewed) unless forced. The dialog's lines and the
//! headless twin's plan print come from [`confirm_lines`].

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::api::Client;
use crate::api::http::load::LoadTarget;
use crate::ops::canary::{CanaryStore, Phase};
use crate::ops::change::judge::{Sent, Verdict};
use crate::ops::change::pipeline::{Change, Entry, Sending, Settled, Stamp};
use crate::ops::change::resend::Resend;
use crate::ops::change::target::{ChangeAction, ObjectState, Target};
use crate::ops::error::OpError;
use crate::ops::journal::{Journal, Outcome};
use crate::ops::workspace::Workspace;

use super::engine::{BenchMonitor, start};
use super::plan::BenchPlan;
use super::result::{BenchResult, Snapshot};

/// What the journal keeps of a load test: the plan before, the summary after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadTestState {
    /// Whether it ran (false in the attempt's `before`).
    pub ran: bool,
    /// The plan in words (`1000 req/s over 100 connections × 30 s = 30000 requests`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<LoadSummary>,
}

/// The figures of a finished load test, as journaled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadSummary {
    pub completed: u64,
    pub errors: u64,
    pub rps: f64,
    pub p99_ms: f64,
    /// `met`, `failed` or `inconclusive`.
    pub verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

// The figures are finite (counts over a positive time, histogram values): equality is total.
impl Eq for LoadSummary {}
impl Eq for LoadTestState {}

impl LoadTestState {
    pub fn describe(&self) -> String {
        match (&self.summary, &self.plan) {
            (Some(s), _) => format!(
                "{} requests at {:.1} req/s, p99 {:.1} ms, {} errors: SLO {}",
                s.completed, s.rps, s.p99_ms, s.errors, s.verdict
            ),
            (None, Some(p)) if self.ran => format!("ran: {p}"),
            (None, Some(p)) => p.clone(),
            (None, None) => "(not run)".to_string(),
        }
    }

    fn summary_of(r: &BenchResult) -> LoadTestState {
        let status = serde_json::to_value(r.verdict.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        LoadTestState {
            ran: true,
            plan: None,
            summary: Some(LoadSummary {
                completed: r.requests.completed,
                errors: r.requests.errors,
                rps: r.rps.achieved,
                p99_ms: r.latency_ms.corrected.p99,
                verdict: status,
                reason: r.verdict.reason.clone(),
            }),
        }
    }
}

/// The lines of the confirm dialog (and of the headless plan print).
pub fn confirm_lines(plan: &BenchPlan, profile: &str, host: &str, production: bool) -> Vec<String> {
    let mut lines = vec![
        format!("load test of endpoint {}", plan.endpoint),
        format!(
            "profile {profile}{}",
            if production { " (production)" } else { "" }
        ),
        format!("host {host}"),
        plan.describe(),
    ];
    let mut guards = Vec::new();
    if let Some(ms) = plan.guards.slo_p99_ms {
        guards.push(format!("p99 above {ms} ms"));
    }
    if let Some(r) = plan.guards.max_error_rate {
        guards.push(format!("error rate above {:.2}%", r * 100.0));
    }
    if !guards.is_empty() {
        lines.push(format!(
            "stops early on {} (after {} requests)",
            guards.join(" or "),
            plan.guards.min_sample
        ));
    }
    lines
}

/// The phase of a canary plan judging `endpoint` on this workspace, if one is: a plan that is
/// neither finished nor paused.
pub async fn canary_judging(
    client: &Client,
    data_dir: &std::path::Path,
    endpoint: &str,
) -> Option<Phase> {
    let ws = Workspace::of(client).await;
    let store = CanaryStore::for_workspace(data_dir, &ws);
    let state = store.load(endpoint).ok().flatten()?;
    (!state.phase.is_finished() && state.phase != Phase::Paused).then_some(state.phase)
}

/// Called with the live snapshot about once a second.
pub type Progress = Box<dyn FnMut(&Snapshot) + Send>;

/// A load test as the pipeline runs it.
pub struct LoadTest {
    pub plan: BenchPlan,
    target: Option<LoadTarget>,
    bodies: Vec<Bytes>,
    /// Receives the live view once the test starts.
    on_start: Option<oneshot::Sender<BenchMonitor>>,
    /// Called about once a second while it runs.
    on_progress: Option<Progress>,
}

impl LoadTest {
    pub fn new(plan: BenchPlan, target: LoadTarget, bodies: Vec<Bytes>) -> LoadTest {
        LoadTest {
            plan,
            target: Some(target),
            bodies,
            on_start: None,
            on_progress: None,
        }
    }

    pub fn on_start(mut self, tx: oneshot::Sender<BenchMonitor>) -> LoadTest {
        self.on_start = Some(tx);
        self
    }

    pub fn on_progress(mut self, f: impl FnMut(&Snapshot) + Send + 'static) -> LoadTest {
        self.on_progress = Some(Box::new(f));
        self
    }

    fn request_line(&self) -> String {
        let n = match self.plan.planned_requests() {
            Some(n) => format!(" × {n}"),
            None => " × (as answered)".to_string(),
        };
        format!(
            "POST /serving-endpoints/{}/invocations{n}",
            self.plan.endpoint
        )
    }
}

impl Change for LoadTest {
    type Detail = Option<BenchResult>;

    fn what(&self) -> String {
        format!("a load test of endpoint {}", self.plan.endpoint)
    }

    /// A load test is never repeated: what ran is what the summary says.
    fn resend(&self) -> Resend {
        Resend::Never
    }

    async fn prepare(&mut self, _: &Client) -> Result<(), OpError> {
        Ok(())
    }

    fn entry(&self, _: &Stamp) -> Entry {
        Entry {
            action: ChangeAction::LoadTest,
            target: Target::Endpoint {
                name: self.plan.endpoint.clone(),
            },
            before: ObjectState::LoadTest(Box::new(LoadTestState {
                ran: false,
                plan: None,
                summary: None,
            })),
            after: ObjectState::LoadTest(Box::new(LoadTestState {
                ran: true,
                plan: Some(self.plan.describe()),
                summary: None,
            })),
            comment: None,
            reverts: None,
            requests: vec![self.request_line()],
        }
    }

    async fn send(&mut self, _: &Client, _: &Stamp) -> Sending<Option<BenchResult>> {
        let mut sending = Sending::new(None);
        sending.log.push(self.request_line());
        let Some(target) = self.target.take() else {
            return sending;
        };
        let handle = start(self.plan.clone(), target, std::mem::take(&mut self.bodies));
        if let Some(tx) = self.on_start.take() {
            let _ = tx.send(handle.monitor());
        }
        let monitor = handle.monitor();
        let finish = handle.finish();
        tokio::pin!(finish);
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        tick.tick().await;
        let result = loop {
            tokio::select! {
                r = &mut finish => break r,
                _ = tick.tick() => {
                    if let Some(f) = self.on_progress.as_mut() {
                        f(&monitor.snapshot());
                    }
                }
            }
        };
        sending.detail = Some(result);
        sending
    }

    async fn settle(
        &mut self,
        _: &Client,
        _: &Journal,
        _: &Stamp,
        sending: &mut Sending<Option<BenchResult>>,
    ) -> Settled {
        let Some(result) = &sending.detail else {
            return Settled {
                read: Ok(ObjectState::LoadTest(Box::new(LoadTestState {
                    ran: false,
                    plan: None,
                    summary: None,
                }))),
                verdict: failed("the load test did not start".into()),
            };
        };
        let state = LoadTestState::summary_of(result);
        let verdict = if result.requests.completed == 0 {
            sending.last = Sent::Done;
            failed("no request was answered".into())
        } else {
            Verdict {
                outcome: Outcome::Ok,
                error: None,
                failure: None,
                message: format!("load test of {}: {}", self.plan.endpoint, state.describe()),
                answer_lost: false,
            }
        };
        Settled {
            read: Ok(ObjectState::LoadTest(Box::new(state))),
            verdict,
        }
    }
}

fn failed(why: String) -> Verdict {
    Verdict {
        outcome: Outcome::Failed,
        error: Some(why.clone()),
        failure: None,
        message: why,
        answer_lost: false,
    }
}
