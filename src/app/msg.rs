//! Everything that reaches `update`, from every source, through one channel: keys and resizes
//! (input task), ticks carrying the clock, and answers of background fetches (runtime).

use crossterm::event::KeyEvent;

use crate::api::ApiResult;
use crate::api::models::job_runs::JobRun;
use crate::api::models::jobs::{Job, RunNowResponse};
use crate::api::models::mlflow::{Experiment, FileInfo, Run};
use crate::api::models::scim::Me;
use crate::api::models::serving::ServingEndpoint;
use crate::theme::Theme;

use super::action::Action;
use super::chart::History;
use super::remote::RequestId;
use super::screens::logs::{LogKind, LogSource};
use crate::ops::ChangeOutcome;
use crate::ops::Plan;
use crate::ops::approvals::PendingList;
use crate::ops::approvals::detail::ApprovalDetail;
use crate::ops::canary::{CanaryAction, CanaryState, Command, SavedPlans};
use crate::ops::journal::JournalView;
use crate::ops::models::{ModelDetail, ModelRow};
use crate::ops::query::QueryOutcome;
use crate::ops::rollback::Candidates;
use crate::ops::serving_metrics::Snapshot;
use crate::ops::sweep::Trial;
use crate::ops::traffic::TrafficPlan;

#[derive(Debug, Clone)]
pub enum Msg {
    /// First message: the clock, and the cue to load the first screen.
    Start {
        now_ms: i64,
    },
    /// Periodic clock (about once a second): ages, toast expiry, periodic refresh. Time only
    /// ever enters `update` through messages, so tests pick it.
    Tick {
        now_ms: i64,
    },
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// An action not tied to a key (palette jumps, `render_offscreen`, tests).
    Action(Action),
    /// Opens a route directly (screenshots of a drill-down, tests).
    Open(super::screen::ScreenRoute),
    /// The answer to fetch `req`, stamped with the time it arrived.
    Loaded {
        req: RequestId,
        at_ms: i64,
        payload: Payload,
    },
    /// A background task panicked; reported instead of crashing the console.
    TaskFailed {
        key: ResourceKey,
        req: RequestId,
        at_ms: i64,
        message: String,
    },
    ThemeLoaded {
        theme: Box<Theme>,
        warnings: Vec<String>,
    },
    /// A chart export finished: the files written, or why not.
    ChartExported {
        result: Result<Vec<String>, String>,
    },
    /// News of canary plans: runner steps, their end, saved plans, a plan file's text.
    Canary(Box<CanaryNews>),
}

/// What the canary runners and the plan store report.
#[derive(Debug, Clone)]
pub enum CanaryNews {
    /// Resume the saved plans (sent once by the interactive loop after `Start`).
    ResumeSaved,
    /// One step of a running plan: its state and the actions the machine asked for.
    Step {
        endpoint: String,
        state: Box<CanaryState>,
        actions: Vec<CanaryAction>,
    },
    /// A traffic change of a running plan is waiting (update in progress, 409).
    Progress { endpoint: String, message: String },
    /// A runner ended: the final state, or why it gave up.
    Ended {
        endpoint: String,
        result: Result<Box<CanaryState>, String>,
    },
    /// The plans saved in the data dir, and the files that could not be read.
    Saved(SavedPlans),
    /// A command found no runner for the endpoint in this console.
    NotRunning { endpoint: String, command: Command },
    /// The text of a plan file, or why it could not be read.
    PlanFile {
        path: String,
        result: Result<String, String>,
    },
}

/// One remote resource; at most one request per key is live (latest wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKey {
    Me,
    ExperimentCount,
    UcModelCount,
    WorkspaceModelCount,
    ServingEndpoints,
    ExperimentList,
    RunList,
    RunDetail,
    MetricHistories,
    Sweep,
    CompareRuns,
    CompareHistories,
    Artifacts,
    TrainingJob,
    RunNow,
    JobRun,
    ProducedRun,
    Models,
    ModelDetail,
    Approvals,
    ApprovalDetail,
    Journal,
    Prepare,
    ApplyChange,
    Verify,
    Endpoint,
    EndpointMetrics,
    ChangeProgress,
    TestQuery,
    /// Server and build logs are separate resources: switching logs never aborts the other.
    ServerLogs,
    BuildLogs,
    /// A canary plan's runner (a panic is reported under its request id).
    Canary,
    /// A resource of a room that nests its own (`screens::RoomKey`).
    Room(super::screens::RoomKey),
}

impl ResourceKey {
    pub fn logs(kind: LogKind) -> ResourceKey {
        match kind {
            LogKind::Server => ResourceKey::ServerLogs,
            LogKind::Build => ResourceKey::BuildLogs,
        }
    }
}

/// A planned change, or (roll back without a journal entry) the versions to choose from.
#[derive(Debug, Clone, PartialEq)]
pub enum Prepared {
    Plan(Box<Plan>),
    Candidates(Box<Candidates>),
    /// A traffic change of a serving endpoint.
    Traffic(Box<TrafficPlan>),
}

pub use crate::ops::inventory::{Count, ExperimentSummary};

/// One or more pages of experiments.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentPage {
    pub experiments: Vec<Experiment>,
    pub next_page_token: Option<String>,
    /// Appends to the loaded rows (scrolling) instead of replacing them (refresh).
    pub append: bool,
}

/// One or more pages of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPage {
    pub runs: Vec<Run>,
    pub next_page_token: Option<String>,
    /// Appends to the loaded rows (scrolling) instead of replacing them (new query, refresh).
    pub append: bool,
}

/// A parent run and its child trials.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepData {
    pub parent: Run,
    pub trials: Vec<Trial>,
    /// More trials than the cap: the rest were not read.
    pub truncated: bool,
}

/// One metric's history for each compared run (in the order of the request).
#[derive(Debug, Clone, PartialEq)]
pub struct CompareHistories {
    pub key: String,
    pub histories: Vec<History>,
}

#[derive(Debug, Clone)]
pub enum Payload {
    Me(ApiResult<Me>),
    ExperimentCount(ApiResult<ExperimentSummary>),
    UcModelCount(ApiResult<Count>),
    WorkspaceModelCount(ApiResult<Count>),
    ServingEndpoints(ApiResult<Vec<ServingEndpoint>>),
    Experiments(ApiResult<ExperimentPage>),
    Runs(ApiResult<RunPage>),
    Run(ApiResult<Box<Run>>),
    MetricHistories(ApiResult<Vec<(String, History)>>),
    Sweep(ApiResult<Box<SweepData>>),
    CompareRuns(ApiResult<Vec<Run>>),
    CompareHistories(ApiResult<CompareHistories>),
    /// A run's artifacts: the root entries, and the entries of its top directories.
    Artifacts(ApiResult<Vec<FileInfo>>),
    TrainingJob(ApiResult<Box<Job>>),
    /// The answer of `run-now` (an effect, not a fetch).
    JobStarted(ApiResult<RunNowResponse>),
    JobRun(ApiResult<Box<JobRun>>),
    /// The MLflow run a job run logged (by its `mlflow.databricks.jobRunID` tag), if any yet.
    ProducedRun(ApiResult<Option<String>>),
    Models(ApiResult<Vec<ModelRow>>),
    ModelDetail(ApiResult<Box<ModelDetail>>),
    /// Never fails: what could not be looked at is in its notes.
    Approvals(Box<PendingList>),
    /// Never fails: what could not be read is in its notes.
    ApprovalDetail(Box<ApprovalDetail>),
    Journal(Result<Box<JournalView>, String>),
    /// The plan of a change (or why it cannot be made).
    Prepared(Result<Prepared, String>),
    /// How an applied change ended (or why nothing was sent).
    ChangeApplied(Result<Box<ChangeOutcome>, String>),
    /// What re-reading the unknown journal entries found, one line.
    Verified(Result<String, String>),
    /// One serving endpoint as `GET …/serving-endpoints/{name}` returned it.
    Endpoint(ApiResult<Box<ServingEndpoint>>),
    /// One scrape of an endpoint's `/metrics`, grouped by served entity (the endpoint's name
    /// first, so a late answer for another endpoint is recognised).
    EndpointMetrics(String, ApiResult<Box<Snapshot>>),
    /// What a change (being planned or applied under the same request) waits for:
    /// "update in progress …", "another update started first …".
    ChangeProgress(String),
    /// A test query's answer, or why nothing was sent.
    QueryAnswered(Result<Box<QueryOutcome>, String>),
    /// A served entity's log text as the API returned it (whose, so late answers are dropped).
    EntityLogs(LogSource, ApiResult<String>),
    /// An answer for a room that nests its own (`screens::RoomLoaded`).
    Room(super::screens::RoomLoaded),
}

impl Payload {
    pub fn key(&self) -> ResourceKey {
        match self {
            Payload::Me(_) => ResourceKey::Me,
            Payload::ExperimentCount(_) => ResourceKey::ExperimentCount,
            Payload::UcModelCount(_) => ResourceKey::UcModelCount,
            Payload::WorkspaceModelCount(_) => ResourceKey::WorkspaceModelCount,
            Payload::ServingEndpoints(_) => ResourceKey::ServingEndpoints,
            Payload::Experiments(_) => ResourceKey::ExperimentList,
            Payload::Runs(_) => ResourceKey::RunList,
            Payload::Run(_) => ResourceKey::RunDetail,
            Payload::MetricHistories(_) => ResourceKey::MetricHistories,
            Payload::Sweep(_) => ResourceKey::Sweep,
            Payload::CompareRuns(_) => ResourceKey::CompareRuns,
            Payload::CompareHistories(_) => ResourceKey::CompareHistories,
            Payload::Artifacts(_) => ResourceKey::Artifacts,
            Payload::TrainingJob(_) => ResourceKey::TrainingJob,
            Payload::JobStarted(_) => ResourceKey::RunNow,
            Payload::JobRun(_) => ResourceKey::JobRun,
            Payload::ProducedRun(_) => ResourceKey::ProducedRun,
            Payload::Models(_) => ResourceKey::Models,
            Payload::ModelDetail(_) => ResourceKey::ModelDetail,
            Payload::Approvals(_) => ResourceKey::Approvals,
            Payload::ApprovalDetail(_) => ResourceKey::ApprovalDetail,
            Payload::Journal(_) => ResourceKey::Journal,
            Payload::Prepared(_) => ResourceKey::Prepare,
            Payload::ChangeApplied(_) => ResourceKey::ApplyChange,
            Payload::Verified(_) => ResourceKey::Verify,
            Payload::Endpoint(_) => ResourceKey::Endpoint,
            Payload::EndpointMetrics(..) => ResourceKey::EndpointMetrics,
            Payload::ChangeProgress(_) => ResourceKey::ChangeProgress,
            Payload::QueryAnswered(_) => ResourceKey::TestQuery,
            Payload::EntityLogs(source, _) => ResourceKey::logs(source.kind),
            Payload::Room(loaded) => ResourceKey::Room(loaded.key()),
        }
    }
}
