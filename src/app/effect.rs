//! What `update` asks the outside world to do, as data. The runtime performs effects; tests
//! assert on them.
//!
//! Mutations are variants of their own (`Effect::RunJob`), only ever produced by a confirm
//! dialog's confirm key, so tests can assert on them without I/O.

use std::collections::BTreeMap;

use ratatui::style::Color;

use super::msg::ResourceKey;
use super::remote::RequestId;
use super::screens::logs::LogKind;
use crate::export::chart_spec::ChartSpec;
use crate::ops::Plan;
use crate::ops::approvals::{DecisionRequest, PendingApproval};
use crate::ops::canary::{CanaryState, Command};
use crate::ops::models::Source;
use crate::ops::promote::PromoteRequest;
use crate::ops::query::PayloadSource;
use crate::ops::rollback::RollbackRequest;
use crate::ops::traffic::{TrafficPlan, TrafficRequest};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a fetch; a running fetch of the same resource is aborted (latest wins).
    Fetch { req: RequestId, fetch: Fetch },
    /// Load a theme (user files may be involved) and answer with `Msg::ThemeLoaded`.
    LoadTheme { name: String },
    /// Put text on the clipboard via OSC 52.
    CopyToClipboard { text: String },
    /// Abort the running fetch of a resource (its answer is no longer wanted: the route that
    /// asked was left). Dropping a SQL statement's read cancels the statement on the warehouse.
    AbortFetch { key: super::msg::ResourceKey },
    /// Ring the terminal bell (BEL), as an alert rule with `bell = true` asks.
    Bell,
    /// Write the chart as `<data_dir>/charts/<stem>.png` and `.svg`; answers
    /// `Msg::ChartExported`.
    /// `jobs/run-now` (a change to the workspace, only ever after a confirm dialog); answers
    /// `Payload::JobStarted` under `req`.
    RunJob {
        req: RequestId,
        job_id: i64,
        /// Only the parameters that differ from the job's defaults.
        job_parameters: BTreeMap<String, String>,
        /// Makes a retried request start one run, not two.
        idempotency_token: String,
    },
    /// Apply a confirmed registry change through `ops::execute` (journal attempt, send, read
    /// back, journal result); answers `Payload::ChangeApplied` under `req`.
    ApplyChange { req: RequestId, plan: Box<Plan> },
    /// Apply a confirmed traffic change through `ops::traffic::apply` (wait for
    /// `NOT_UPDATING`, journal, `PUT …/config`, wait its turn on 409, read back, journal);
    /// answers `Payload::ChangeApplied` under `req`, with `Payload::ChangeProgress` meanwhile.
    ApplyTraffic {
        req: RequestId,
        plan: Box<TrafficPlan>,
    },
    /// Send one test query to an endpoint; answers `Payload::QueryAnswered`.
    TestQuery {
        req: RequestId,
        endpoint: String,
        source: PayloadSource,
    },
    /// Re-read the objects of journal entries whose outcome is unknown and record what is
    /// there; answers `Payload::Verified`.
    VerifyUnknown { req: RequestId },
    /// Run a canary plan in the background until it finishes (only ever after a confirm dialog,
    /// or resuming a saved plan); every step answers `CanaryNews::Step`, the end
    /// `CanaryNews::Ended`. A panic is reported as `TaskFailed` under `req`.
    StartCanary {
        req: RequestId,
        state: Box<CanaryState>,
    },
    /// Pause, resume or abort the plan running on `endpoint`.
    CanaryCommand { endpoint: String, command: Command },
    /// List the plans saved in the data dir; answers `CanaryNews::Saved`.
    LoadCanaries,
    /// Read a plan file; answers `CanaryNews::PlanFile`.
    ReadPlanFile { path: String },
    /// A confirmed change of a room (`screens::RoomChange`), sent through the change pipeline;
    /// answers `Payload::Room` under `req`. Never aborted once started.
    RoomChange {
        req: RequestId,
        change: super::screens::RoomChange,
    },
    ExportChart {
        spec: Box<ChartSpec>,
        stem: String,
        /// The theme's concrete foreground and background (`Color::Reset` resolved).
        fg: Color,
        bg: Color,
    },
}

/// The read calls the screens make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    Me,
    /// Page through experiment searches, counting up to `cap`; keep the `recent` newest.
    ExperimentCount {
        cap: usize,
        recent: usize,
    },
    UcModelCount {
        cap: usize,
    },
    WorkspaceModelCount {
        cap: usize,
    },
    ServingEndpoints,
    /// Experiments, newest first. With a token: the next page, appended. Without: pages from the
    /// start until at least `min_rows` are loaded (a refresh keeps what the user scrolled to).
    Experiments {
        page_token: Option<String>,
        min_rows: usize,
    },
    /// Runs of an experiment, `filter` and `order_by` sent as given. Paging as for experiments.
    Runs {
        experiment_id: String,
        filter: Option<String>,
        order_by: Vec<String>,
        page_token: Option<String>,
        min_rows: usize,
    },
    Run {
        run_id: String,
    },
    /// The full history (all pages, up to a cap) of each metric.
    MetricHistories {
        run_id: String,
        keys: Vec<String>,
    },
    /// A parent run and its children (`tags.mlflow.parentRunId = '<id>'`).
    Sweep {
        run_id: String,
    },
    CompareRuns {
        run_ids: Vec<String>,
    },
    /// One metric's history for each run.
    CompareHistories {
        run_ids: Vec<String>,
        key: String,
    },
    Artifacts {
        run_id: String,
    },
    /// `jobs/get`: the training job and its parameters, for the launch form.
    TrainingJob {
        job_id: i64,
    },
    /// `jobs/runs/get`: a launched run's state.
    JobRun {
        run_id: i64,
    },
    /// The MLflow run tagged `mlflow.databricks.jobRunID = <job_run_id>` in the experiment.
    ProducedRun {
        experiment_id: String,
        job_run_id: i64,
    },
    /// UC and workspace-registry models in one list.
    Models,
    /// One model and its versions.
    ModelDetail {
        name: String,
        source: Source,
    },
    /// Open transition requests and UC versions whose approval tag is pending.
    Approvals,
    /// What an approver reads about one of them (`Enter` on the Approvals screen).
    ApprovalDetail(Box<PendingApproval>),
    /// The audit journal in the data dir.
    Journal,
    /// Read what a change needs and plan it (nothing is sent).
    Prepare(ChangeRequest),
    /// One serving endpoint.
    Endpoint {
        name: String,
    },
    /// One scrape of an endpoint's metrics.
    EndpointMetrics {
        name: String,
    },
    /// The server or build log of one served entity.
    EntityLogs {
        name: String,
        entity: String,
        kind: LogKind,
    },
    /// A read of a room that nests its own (`screens::RoomFetch`).
    Room(super::screens::RoomFetch),
}

/// A registry change to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRequest {
    Promote(PromoteRequest),
    Rollback(RollbackRequest),
    Decide(DecisionRequest),
    /// Traffic on a serving endpoint: planned once no update is running.
    Traffic(TrafficRequest),
}

impl Fetch {
    pub fn key(&self) -> ResourceKey {
        match self {
            Fetch::Me => ResourceKey::Me,
            Fetch::ExperimentCount { .. } => ResourceKey::ExperimentCount,
            Fetch::UcModelCount { .. } => ResourceKey::UcModelCount,
            Fetch::WorkspaceModelCount { .. } => ResourceKey::WorkspaceModelCount,
            Fetch::ServingEndpoints => ResourceKey::ServingEndpoints,
            Fetch::Experiments { .. } => ResourceKey::ExperimentList,
            Fetch::Runs { .. } => ResourceKey::RunList,
            Fetch::Run { .. } => ResourceKey::RunDetail,
            Fetch::MetricHistories { .. } => ResourceKey::MetricHistories,
            Fetch::Sweep { .. } => ResourceKey::Sweep,
            Fetch::CompareRuns { .. } => ResourceKey::CompareRuns,
            Fetch::CompareHistories { .. } => ResourceKey::CompareHistories,
            Fetch::Artifacts { .. } => ResourceKey::Artifacts,
            Fetch::TrainingJob { .. } => ResourceKey::TrainingJob,
            Fetch::JobRun { .. } => ResourceKey::JobRun,
            Fetch::ProducedRun { .. } => ResourceKey::ProducedRun,
            Fetch::Models => ResourceKey::Models,
            Fetch::ModelDetail { .. } => ResourceKey::ModelDetail,
            Fetch::Approvals => ResourceKey::Approvals,
            Fetch::ApprovalDetail(_) => ResourceKey::ApprovalDetail,
            Fetch::Journal => ResourceKey::Journal,
            Fetch::Prepare(_) => ResourceKey::Prepare,
            Fetch::Endpoint { .. } => ResourceKey::Endpoint,
            Fetch::EndpointMetrics { .. } => ResourceKey::EndpointMetrics,
            Fetch::EntityLogs { kind, .. } => ResourceKey::logs(*kind),
            Fetch::Room(f) => ResourceKey::Room(f.key()),
        }
    }
}
