//! The data of a running canary plan: its state (persisted as JSON between runs), what the
//! runner observes, and the actions the state machine asks for.

use serde::{Deserialize, Serialize};

use crate::ops::serving_metrics::EntityCounters;
use crate::ops::traffic::{EndpointConfigState, Split};

use super::plan::CanaryPlan;
use super::verdict::Judgement;

/// Where a plan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing sent yet.
    Starting,
    /// The canary entity is being added at 0% (a change is in flight).
    AddingCanary,
    /// Traffic is moving to the current step (a change is in flight).
    Shifting,
    /// At the current step, judged every interval.
    Holding,
    /// Stopped by the user or by something outside the plan; see `pause`.
    Paused,
    /// FAIL or abort: traffic is going back to the stable entity.
    RollingBack,
    /// Finished: the last step passed (a last step of 100% is the promotion).
    Completed,
    /// Finished: a guard failed and traffic is back where the plan started (canary at 0%).
    RolledBack,
    /// Finished: aborted by the user, traffic back where the plan started (canary at 0%).
    Aborted,
}

impl Phase {
    pub fn is_finished(self) -> bool {
        matches!(self, Phase::Completed | Phase::RolledBack | Phase::Aborted)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::AddingCanary => "adding canary",
            Phase::Shifting => "shifting",
            Phase::Holding => "holding",
            Phase::Paused => "paused",
            Phase::RollingBack => "rolling back",
            Phase::Completed => "completed",
            Phase::RolledBack => "rolled back",
            Phase::Aborted => "aborted",
        }
    }
}

/// Counters of the two entities at one moment (absent: not served, or no series yet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub at_ms: i64,
    pub stable: Option<EntityCounters>,
    pub canary: Option<EntityCounters>,
}

/// The endpoint as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointLook {
    pub config: EndpointConfigState,
    /// A config update is in progress.
    pub updating: bool,
}

/// What a change the machine asked for is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    AddCanary,
    Step { index: usize, percent: u32 },
    Rollback,
}

impl ChangeKind {
    /// The change in words, for messages: "the move to step 2 (25%)".
    pub fn describe(&self) -> String {
        match self {
            ChangeKind::AddCanary => "the addition of the canary at 0%".to_string(),
            ChangeKind::Step { index, percent } => {
                format!("the move to step {} ({percent}%)", index + 1)
            }
            ChangeKind::Rollback => "the roll back".to_string(),
        }
    }
}

/// A change in flight (kept in the persisted state, so a restart can tell whether it landed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub kind: ChangeKind,
    pub after: EndpointConfigState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Pause,
    Resume,
    Abort,
}

/// What the runner tells the machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observation {
    /// A periodic look at the endpoint and both entities' counters.
    Look {
        endpoint: EndpointLook,
        metrics: Option<Sample>,
    },
    /// The change of the last [`CanaryAction::Apply`] ended; the endpoint and counters as read
    /// right after.
    ChangeDone {
        ok: bool,
        message: String,
        endpoint: Option<EndpointLook>,
        metrics: Option<Sample>,
    },
    /// The endpoint or its metrics could not be read this time.
    ReadFailed {
        message: String,
    },
    Command {
        command: Command,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

/// What the machine asks the runner to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CanaryAction {
    /// Make `after` the endpoint's config (through `ops::traffic::apply`, journaled), then
    /// report with [`Observation::ChangeDone`].
    Apply {
        change: ChangeKind,
        after: EndpointConfigState,
        comment: String,
    },
    /// Tell the people watching (a toast in the TUI, stderr headless).
    Alert { severity: Severity, message: String },
}

/// Why the plan is paused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub by_user: bool,
    pub message: String,
    pub since_ms: i64,
}

/// One line of the plan's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at_ms: i64,
    pub message: String,
}

/// The persisted state of one plan on one endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CanaryState {
    /// Format version of this JSON.
    pub version: u32,
    pub plan: CanaryPlan,
    pub phase: Phase,
    /// Index of the current step (the one held, or being moved to).
    pub step: usize,
    /// When the current step's split went live (its hold counts from here).
    pub step_started_ms: Option<i64>,
    /// Counters when the current step's window began.
    pub baseline: Option<Sample>,
    /// The routes the plan last set: anything else on the endpoint is an outside change.
    pub expected: Option<Split>,
    /// The endpoint's split when the plan started, before it moved any traffic: each step
    /// scales the other entities from it, and a roll back puts it back (the canary at 0%).
    /// Plans saved before it was kept have none: their steps leave other entities' shares as
    /// they are, and a roll back gives the canary's share to stable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split_at_start: Option<Split>,
    pub pending: Option<Pending>,
    pub pause: Option<Pause>,
    /// Why traffic is going (or went) back to stable.
    pub rollback_reason: Option<String>,
    /// The roll back was the user's abort (it ends `Aborted`, not `RolledBack`).
    #[serde(default)]
    pub aborted: bool,
    /// After a resume: the next look puts the current step's split back if the routes differ,
    /// and restarts the step's hold.
    #[serde(default)]
    pub resync: bool,
    /// The endpoint config as last seen.
    pub endpoint: Option<EndpointConfigState>,
    pub last_judgement: Option<Judgement>,
    pub judgements: u64,
    pub started_ms: i64,
    pub updated_ms: i64,
    /// Oldest first, the most recent [`HISTORY`] lines.
    pub history: Vec<Event>,
    /// The workspace (normalised host) the plan runs on; set by the store when it saves. A
    /// file written before plans were kept per workspace has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The id that workspace reports, when it reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
}

/// The latest timestamp a saved state may hold (the end of year 9999, in ms).
pub const MAX_TIMESTAMP_MS: i64 = 253_402_300_799_999;

/// Lines of history kept.
pub const HISTORY: usize = 200;

impl CanaryState {
    pub fn new(plan: CanaryPlan, now_ms: i64) -> CanaryState {
        CanaryState {
            version: 1,
            plan,
            phase: Phase::Starting,
            step: 0,
            step_started_ms: None,
            baseline: None,
            expected: None,
            split_at_start: None,
            pending: None,
            pause: None,
            rollback_reason: None,
            aborted: false,
            resync: false,
            endpoint: None,
            last_judgement: None,
            judgements: 0,
            started_ms: now_ms,
            updated_ms: now_ms,
            history: Vec::new(),
            host: None,
            workspace_id: None,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.phase.is_finished()
    }

    /// The current step's percentage.
    pub fn percent(&self) -> u32 {
        self.plan.percent(self.step)
    }

    pub(crate) fn log(&mut self, at_ms: i64, message: impl Into<String>) {
        self.history.push(Event {
            at_ms,
            message: message.into(),
        });
        let excess = self.history.len().saturating_sub(HISTORY);
        self.history.drain(..excess);
    }

    /// Whether a state read back from disk holds together: a known format version, a valid
    /// plan, a step inside it and timestamps the machine can subtract without overflow.
    pub fn check(&self) -> Result<(), String> {
        if self.version != 1 {
            return Err(format!("format version {} is not known", self.version));
        }
        self.plan.check()?;
        if self.step >= self.plan.steps.len() {
            return Err(format!(
                "step {} of a plan with {} steps",
                self.step + 1,
                self.plan.steps.len()
            ));
        }
        let stamps = [
            Some(self.started_ms),
            Some(self.updated_ms),
            self.step_started_ms,
        ]
        .into_iter()
        .chain([self.baseline.as_ref().map(|b| b.at_ms)])
        .chain([self.pause.as_ref().map(|p| p.since_ms)])
        .flatten();
        for at in stamps {
            if !(0..=MAX_TIMESTAMP_MS).contains(&at) {
                return Err(format!("timestamp {at} is out of range"));
            }
        }
        if let Some(start) = &self.split_at_start {
            let total: u64 = start.shares.iter().map(|s| u64::from(s.percent)).sum();
            if total > 100 {
                return Err(format!(
                    "the split the plan started from adds up to {total}%"
                ));
            }
        }
        Ok(())
    }

    /// One line: `churn-prod: holding at 25% (step 2/4), INCONCLUSIVE — …`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: {} {} → {}",
            self.plan.endpoint,
            self.phase.as_str(),
            self.plan.stable,
            self.plan.canary_name()
        );
        if !matches!(self.phase, Phase::Starting | Phase::AddingCanary) {
            s.push_str(&format!(
                " at {}% (step {}/{})",
                self.percent(),
                self.step + 1,
                self.plan.steps.len()
            ));
        }
        if let Some(p) = &self.pause {
            s.push_str(&format!(": {}", p.message));
        } else if let Some(r) = &self.rollback_reason {
            s.push_str(&format!(": {r}"));
        } else if let Some(j) = &self.last_judgement {
            s.push_str(&format!(", {}", j.verdict.as_str()));
        }
        s
    }
}
