//! The rooms: one module per screen with its state and its reactions, and the registry that
//! finds the room of a route ([`room`]). In the core this file is the only place that
//! dispatches on the route (the views are looked up the same way in `ui::render`). Adding a
//! screen means adding its module, its arm in [`room`] / [`screen_room`] (and [`verbs`] for its
//! own keys, listed in its rooms' contexts as `Context::Room`), and one variant in each nested
//! enum below (`RoomFetch`, `RoomLoaded`, `RoomChange`) with its arms in their dispatchers,
//! `on_room_failed` and `room_loading`.

pub mod ab;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod canary;
pub mod change;
pub mod compare;
pub mod experiments;
pub mod feature_lineage;
pub mod feature_monitoring;
pub mod features;
pub mod jobs;
pub mod logs;
pub mod models;
pub mod monitoring;
pub mod overview;
pub(crate) mod room_change;
pub mod run_detail;
pub mod runs;
pub mod serving;
pub mod sweep;
pub mod training;

use crate::app::keymap::Context;
use crate::app::room::{Room, Verb};

use super::action::Action;
use super::chart::ChartView;
use super::effect::Effect;
use super::fetch::Env;
use super::list::ListView;
use super::msg::{Payload, ResourceKey};
use super::remote::{Accepted, LoadError, RequestId};
use super::screen::{ScreenId, ScreenRoute};
use super::state::{State, ToastLevel};
use crate::export::chart_spec::ChartSpec;

/// Buckets of an exported chart (the file is wider than a terminal).
pub const EXPORT_BUCKETS: usize = 1000;

/// The periodic refresh interval, if any.
pub(crate) fn refresh_every_ms(state: &State) -> Option<i64> {
    let secs = state.session.refresh_secs;
    (secs > 0).then(|| secs as i64 * 1000)
}

/// The room that serves `route`: the one dispatch over routes.
pub fn room(route: &ScreenRoute) -> &'static dyn Room {
    match route {
        ScreenRoute::Screen(id) => screen_room(*id),
        ScreenRoute::ExperimentDetail { .. } => &experiments::room::ExperimentDetailRoom,
        ScreenRoute::Runs { .. } => &runs::room::RunsRoom,
        ScreenRoute::RunDetail { .. } => &run_detail::room::ROOM,
        ScreenRoute::Sweep { .. } => &sweep::room::ROOM,
        ScreenRoute::Compare { .. } => &compare::room::ROOM,
        ScreenRoute::Training { .. } => &training::room::ROOM,
        ScreenRoute::ModelDetail { .. } => &models::room::ModelDetailRoom,
        ScreenRoute::Endpoint { .. } => &serving::room::EndpointRoom,
        ScreenRoute::EndpointLogs { .. } => &logs::room::LogsRoom,
        ScreenRoute::AbView { .. } => &ab::room::AbRoom,
        ScreenRoute::Canary { .. } => &canary::room::CanaryRoom,
        ScreenRoute::Job { .. } => &jobs::room::JobRoom,
        ScreenRoute::JobRun { .. } => &jobs::JobRunRoom,
        ScreenRoute::Monitor { .. } => &monitoring::room::MonitorRoom,
        ScreenRoute::Alerts => &alerts::room::ROOM,
        ScreenRoute::FeatureTable { .. } => &features::detail::FeatureTableRoom,
    }
}

/// The room of a numbered screen's top level.
fn screen_room(id: ScreenId) -> &'static dyn Room {
    match id {
        ScreenId::Overview => &overview::room::ROOM,
        ScreenId::Experiments => &experiments::room::ROOM,
        ScreenId::Models => &models::room::ROOM,
        ScreenId::Approvals => &approvals::room::ROOM,
        ScreenId::Serving => &serving::room::ROOM,
        ScreenId::Audit => &audit::room::ROOM,
        ScreenId::Jobs => &jobs::room::JobsRoom,
        ScreenId::Monitoring => &monitoring::list::MonitorsRoom,
        ScreenId::Features => &features::list::FeaturesRoom,
    }
}

/// The verbs a screen's rooms add to the keymap (in the context named as the screen).
pub fn verbs(id: ScreenId) -> &'static [Verb] {
    match id {
        ScreenId::Overview => &overview::room::VERBS,
        ScreenId::Experiments | ScreenId::Models | ScreenId::Approvals | ScreenId::Audit => &[],
        ScreenId::Serving => &serving::bench::VERBS,
        ScreenId::Features => &features::detail::VERBS,
        ScreenId::Jobs => &jobs::room::VERBS,
        ScreenId::Monitoring => &monitoring::room::VERBS,
    }
}

/// Reads of the rooms that nest their own (`Fetch::Room`): one variant per such room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomFetch {
    Jobs(jobs::Fetch),
    Monitoring(monitoring::Fetch),
    /// The A/B view's quality row.
    Ab(ab::quality::Fetch),
    Alerts(alerts::Fetch),
    FeatureLineage(feature_lineage::Fetch),
    FeatureMonitoring(feature_monitoring::Fetch),
    Features(features::Fetch),
}

/// Their answers (`Payload::Room`), and the answers of their changes.
#[derive(Debug, Clone)]
pub enum RoomLoaded {
    Jobs(jobs::Loaded),
    Monitoring(monitoring::Loaded),
    Ab(ab::quality::Loaded),
    Alerts(alerts::Loaded),
    FeatureLineage(feature_lineage::Loaded),
    FeatureMonitoring(feature_monitoring::Loaded),
    Features(features::Loaded),
    /// The load test of an endpoint (`L`).
    Bench(serving::bench::Loaded),
}

/// Their resources (`ResourceKey::Room`): at most one live request per key. `what` names the
/// resource in an error toast ("job runs: cannot reach …").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoomKey {
    pub screen: ScreenId,
    pub what: &'static str,
}

/// Their changes (`Effect::RoomChange`), each sent through the change pipeline
/// (`ops::change::pipeline`) and only ever after a confirm dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum RoomChange {
    Jobs(jobs::Change),
    Monitoring(monitoring::Change),
    /// Automatic retraining by fired alerts: the one change sent without a confirm dialog.
    Alerts(alerts::auto::Change),
    Features(features::Change),
    /// A load test of an endpoint (`L`).
    Bench(serving::bench::Change),
}

impl RoomFetch {
    pub fn key(&self) -> RoomKey {
        match self {
            RoomFetch::Jobs(f) => f.key(),
            RoomFetch::Monitoring(f) => f.key(),
            RoomFetch::Ab(f) => f.key(),
            RoomFetch::Alerts(f) => f.key(),
            RoomFetch::FeatureLineage(f) => f.key(),
            RoomFetch::FeatureMonitoring(f) => f.key(),
            RoomFetch::Features(f) => f.key(),
        }
    }
}

impl RoomLoaded {
    pub fn key(&self) -> RoomKey {
        match self {
            RoomLoaded::Jobs(l) => l.key(),
            RoomLoaded::Monitoring(l) => l.key(),
            RoomLoaded::Ab(l) => l.key(),
            RoomLoaded::Alerts(l) => l.key(),
            RoomLoaded::FeatureLineage(l) => l.key(),
            RoomLoaded::FeatureMonitoring(l) => l.key(),
            RoomLoaded::Features(l) => l.key(),
            RoomLoaded::Bench(_) => serving::bench::LOAD_TEST,
        }
    }
}

impl RoomChange {
    pub fn key(&self) -> RoomKey {
        match self {
            RoomChange::Jobs(_) => jobs::CHANGE,
            RoomChange::Monitoring(_) => monitoring::CHANGE,
            RoomChange::Alerts(_) => alerts::auto::AUTO_RETRAIN,
            RoomChange::Features(_) => features::CHANGE,
            RoomChange::Bench(_) => serving::bench::LOAD_TEST,
        }
    }
}

/// The async side of a room's read (runs in a runtime task).
pub(crate) async fn fetch_room(env: &Env, fetch: RoomFetch) -> Payload {
    match fetch {
        RoomFetch::Jobs(f) => Payload::Room(RoomLoaded::Jobs(jobs::fetch::run(env, f).await)),
        RoomFetch::Monitoring(f) => {
            Payload::Room(RoomLoaded::Monitoring(monitoring::fetch::run(env, f).await))
        }
        RoomFetch::Ab(f) => Payload::Room(RoomLoaded::Ab(ab::quality_fetch::run(env, f).await)),
        RoomFetch::Alerts(f) => Payload::Room(RoomLoaded::Alerts(alerts::fetch::run(env, f).await)),
        RoomFetch::FeatureLineage(f) => Payload::Room(RoomLoaded::FeatureLineage(
            feature_lineage::fetch::run(env, f).await,
        )),
        RoomFetch::FeatureMonitoring(f) => Payload::Room(RoomLoaded::FeatureMonitoring(
            feature_monitoring::fetch::run(env, f).await,
        )),
        RoomFetch::Features(f) => {
            Payload::Room(RoomLoaded::Features(features::fetch::run(env, f).await))
        }
    }
}

/// The async side of a room's confirmed change (runs in a runtime task, never aborted).
pub(crate) async fn apply_room(env: &Env, change: RoomChange) -> Payload {
    match change {
        RoomChange::Jobs(c) => Payload::Room(RoomLoaded::Jobs(jobs::fetch::apply(env, c).await)),
        RoomChange::Monitoring(c) => Payload::Room(RoomLoaded::Monitoring(
            monitoring::fetch::apply(env, c).await,
        )),
        RoomChange::Alerts(c) => {
            Payload::Room(RoomLoaded::Alerts(alerts::fetch::apply(env, c).await))
        }
        RoomChange::Features(c) => {
            Payload::Room(RoomLoaded::Features(features::fetch::apply(env, c).await))
        }
        // The runtime runs a load test with its live view (`Runtime::load_test`); without it,
        // the result alone.
        RoomChange::Bench(c) => Payload::Room(RoomLoaded::Bench(
            serving::bench_run::run(env, c, |_| {}).await,
        )),
    }
}

/// The confirm key of a room's dialog: the room records the request and asks for the change.
pub(crate) fn room_confirmed(state: &mut State, change: RoomChange, fx: &mut Vec<Effect>) {
    match change {
        RoomChange::Jobs(c) => jobs::change::confirmed(state, c, fx),
        RoomChange::Monitoring(c) => monitoring::change::confirmed(state, c, fx),
        RoomChange::Features(c) => features::change::confirmed(state, c, fx),
        RoomChange::Bench(c) => serving::bench::confirmed(state, c, fx),
        // Never behind a dialog (`alerts::auto`).
        RoomChange::Alerts(_) => {}
    }
}

fn on_room_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    loaded: RoomLoaded,
    fx: &mut Vec<Effect>,
) -> Accepted {
    match loaded {
        RoomLoaded::Jobs(l) => jobs::on_loaded(state, req, at, l, fx),
        RoomLoaded::Ab(l) => ab::quality::on_loaded(state, req, at, l),
        RoomLoaded::Monitoring(l) => {
            let accepted = monitoring::on_loaded(state, req, at, l, fx);
            alerts::after_monitoring_loaded(state);
            accepted
        }
        RoomLoaded::Alerts(l) => alerts::on_loaded(state, req, at, l, fx),
        RoomLoaded::FeatureLineage(l) => {
            let accepted = feature_lineage::on_loaded(state, req, at, l);
            // Monitoring facts that landed while the marks were read judge them anew.
            feature_lineage::load_marks(state, false, fx);
            accepted
        }
        RoomLoaded::FeatureMonitoring(l) => feature_monitoring::on_loaded(state, req, at, l),
        RoomLoaded::Features(l) => features::on_loaded(state, req, at, l, fx),
        RoomLoaded::Bench(l) => {
            let accepted = serving::bench::on_loaded(state, req, l);
            // The endpoint's header names its last change from the journal.
            audit::load(state, true, fx);
            accepted
        }
    }
}

/// A room's task died (a panic): its room settles the resource. A key of a screen without
/// such resources is still reported, never dropped.
fn on_room_failed(
    state: &mut State,
    key: RoomKey,
    req: RequestId,
    at: i64,
    message: &str,
) -> Accepted {
    match key.screen {
        _ if key == alerts::EVALUATE => alerts::on_failed(state, req, at, message),
        _ if key == alerts::auto::AUTO_RETRAIN => alerts::auto::on_failed(state, req, message),
        _ if key == feature_lineage::MARKS || key == feature_lineage::VERSIONS => {
            feature_lineage::on_failed(state, key, req, at, message)
        }
        _ if key == feature_monitoring::READ => {
            feature_monitoring::on_failed(state, req, at, message)
        }
        ScreenId::Jobs => jobs::on_failed(state, key, req, at, message),
        ScreenId::Monitoring => monitoring::on_failed(state, key, req, at, message),
        ScreenId::Features => features::on_failed(state, key, req, at, message),
        ScreenId::Serving if key == ab::quality::QUALITY => {
            ab::quality::on_failed(state, req, at, message)
        }
        ScreenId::Serving if key == serving::bench::LOAD_TEST => {
            serving::bench::on_failed(state, req, message)
        }
        ScreenId::Overview
        | ScreenId::Experiments
        | ScreenId::Models
        | ScreenId::Approvals
        | ScreenId::Serving
        | ScreenId::Audit => Accepted::NewError(format!("internal error: {message}")),
    }
}

/// Requests in flight of the rooms that keep their own state.
pub(crate) fn room_loading(state: &State) -> usize {
    jobs::loading(state)
        + monitoring::loading(state)
        + ab::quality::loading(state)
        + alerts::loading(state)
        + features::loading(state)
        + feature_monitoring::loading(state)
}

/// Loads what the current route shows: what is due, or everything when `force` (the `r` key).
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    let route = state.route().clone();
    room(&route).load(state, &route, force, fx)
}

/// Whether the data of `screen` (as the route shows it when it is up) has arrived or failed at
/// least once and nothing is in flight.
pub fn is_settled(state: &State, screen: ScreenId) -> bool {
    if state.screen() == screen {
        room(state.route()).is_settled(state)
    } else {
        screen_room(screen).is_settled(state)
    }
}

/// When the route's (oldest) data arrived, for the "12s ago" in the status bar.
pub fn data_at(state: &State) -> Option<i64> {
    room(state.route()).data_at(state)
}

/// Keymap contexts of a route, innermost first (global always last).
pub fn contexts(route: &ScreenRoute) -> &'static [Context] {
    room(route).contexts()
}

/// The list under the cursor, if the route shows one (for `/` and Esc).
pub(crate) fn list_view_mut(state: &mut State) -> Option<&mut ListView> {
    room(&state.route().clone()).list_view_mut(state)
}

pub fn list_view(state: &State) -> Option<&ListView> {
    room(state.route()).list_view(state)
}

/// Called after a list's filter text changed.
pub(crate) fn filter_changed(state: &mut State, fx: &mut Vec<Effect>) {
    room(&state.route().clone()).filter_changed(state, fx)
}

/// Called when Enter keeps the filter.
pub(crate) fn filter_submitted(state: &mut State, fx: &mut Vec<Effect>) {
    room(&state.route().clone()).filter_submitted(state, fx)
}

/// Route-specific actions; `false` when the route has no use for it.
pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    let route = state.route().clone();
    room(&route).on_action(state, &route, action, fx)
}

/// Zoom, pan and axis keys of a history chart; `false` for other actions.
pub(crate) fn chart_action(chart: &mut ChartView, action: Action) -> bool {
    match action {
        Action::ZoomIn => chart.zoom_in(),
        Action::ZoomOut => chart.zoom_out(),
        Action::ZoomReset => chart.reset(),
        Action::PanLeft => chart.pan(-1.0),
        Action::PanRight => chart.pan(1.0),
        Action::XAxis => {
            chart.toggle_axis();
            chart.reset();
        }
        _ => return false,
    }
    true
}

/// `e`: asks the runtime to write the chart on screen as PNG and SVG.
pub(crate) fn export_chart(
    state: &mut State,
    spec: Option<ChartSpec>,
    name: &str,
    fx: &mut Vec<Effect>,
) {
    match spec.filter(|s| !s.is_empty()) {
        Some(spec) => {
            let when = chrono::DateTime::from_timestamp_millis(state.now_ms)
                .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
                .unwrap_or_default();
            let safe: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let (fg, bg) = state.theme.default_fg_bg();
            fx.push(Effect::ExportChart {
                spec: Box::new(spec),
                stem: format!("{safe}-{when}"),
                fg,
                bg,
            });
        }
        None => state.toast(ToastLevel::Info, "no chart data to export yet"),
    }
}

fn label(key: ResourceKey) -> &'static str {
    match key {
        ResourceKey::Me => "identity",
        ResourceKey::ExperimentCount => "experiment count",
        ResourceKey::UcModelCount => "Unity Catalog models",
        ResourceKey::WorkspaceModelCount => "workspace models",
        ResourceKey::ServingEndpoints => "serving endpoints",
        ResourceKey::ExperimentList => "experiments",
        ResourceKey::RunList => "runs",
        ResourceKey::RunDetail => "run",
        ResourceKey::MetricHistories => "metric history",
        ResourceKey::Sweep => "sweep",
        ResourceKey::CompareRuns => "compared runs",
        ResourceKey::CompareHistories => "metric history",
        ResourceKey::Artifacts => "artifacts",
        ResourceKey::TrainingJob => "training job",
        ResourceKey::RunNow => "run-now",
        ResourceKey::JobRun => "job run",
        ResourceKey::ProducedRun => "training's MLflow run",
        ResourceKey::Models => "models",
        ResourceKey::ModelDetail => "model",
        ResourceKey::Approvals => "approvals",
        ResourceKey::ApprovalDetail => "approval request",
        ResourceKey::Journal => "audit journal",
        ResourceKey::Prepare => "planning the change",
        ResourceKey::ApplyChange => "the change",
        ResourceKey::Verify => "verify",
        ResourceKey::Endpoint => "endpoint",
        ResourceKey::EndpointMetrics => "endpoint metrics",
        ResourceKey::ChangeProgress => "the change",
        ResourceKey::TestQuery => "test query",
        ResourceKey::ServerLogs => "server logs",
        ResourceKey::BuildLogs => "build logs",
        ResourceKey::Canary => "canary plan",
        ResourceKey::Room(k) => k.what,
    }
}

/// Routes an answer to its room. A stale answer changes nothing; an error keeps the data and
/// raises a toast (once per distinct error).
pub(crate) fn on_loaded(
    state: &mut State,
    req: RequestId,
    at: i64,
    payload: Payload,
    fx: &mut Vec<Effect>,
) {
    let key = payload.key();
    let accepted = match payload {
        Payload::Experiments(r) => experiments::on_loaded(state, req, at, r, fx),
        Payload::Runs(r) => runs::on_loaded(state, req, at, r, fx),
        Payload::Run(r) => run_detail::on_run(state, req, at, r, fx),
        Payload::MetricHistories(r) => run_detail::on_histories(state, req, at, r),
        Payload::Sweep(r) => sweep::on_loaded(state, req, at, r),
        Payload::CompareRuns(r) => compare::on_runs(state, req, at, r, fx),
        Payload::CompareHistories(r) => compare::on_histories(state, req, at, r),
        Payload::Artifacts(r) => run_detail::on_artifacts(state, req, at, r),
        Payload::TrainingJob(r) => training::on_job(state, req, at, r),
        Payload::JobStarted(r) => training::on_started(state, req, at, r, fx),
        Payload::JobRun(r) => training::on_job_run(state, req, at, r, fx),
        Payload::ProducedRun(r) => training::on_produced(state, req, at, r, fx),
        Payload::Models(r) => models::on_list(state, req, at, r),
        Payload::ModelDetail(r) => models::on_detail(state, req, at, r),
        Payload::Approvals(l) => approvals::on_loaded(state, req, at, *l),
        Payload::ApprovalDetail(d) => approvals::on_detail(state, req, *d),
        Payload::Journal(r) => audit::on_loaded(state, req, at, r),
        Payload::Prepared(r) => change::on_prepared(state, req, r),
        Payload::ChangeApplied(r) => change::on_applied(state, req, r, fx),
        Payload::Verified(r) => audit::on_verified(state, req, r, fx),
        Payload::ServingEndpoints(r) => {
            let accepted = serving::on_list(state, req, at, r);
            // What the endpoints serve is known now: their feature lineage follows.
            feature_lineage::load_marks(state, false, fx);
            accepted
        }
        Payload::Endpoint(r) => serving::on_endpoint(state, req, at, r),
        Payload::EndpointMetrics(name, r) => serving::scrape::on_metrics(state, req, at, &name, r),
        Payload::ChangeProgress(text) => change::on_progress(state, req, text),
        Payload::QueryAnswered(r) => serving::query::on_answered(state, req, r),
        Payload::EntityLogs(source, r) => logs::on_loaded(state, req, at, source, r),
        Payload::Room(loaded) => on_room_loaded(state, req, at, loaded, fx),
        other @ (Payload::Me(_)
        | Payload::ExperimentCount(_)
        | Payload::UcModelCount(_)
        | Payload::WorkspaceModelCount(_)) => {
            overview::on_loaded(&mut state.overview, req, at, other).unwrap_or(Accepted::Stale)
        }
    };
    report(state, key, accepted);
}

/// A background task died (panic): the resource fails like any other error.
pub(crate) fn on_task_failed(
    state: &mut State,
    key: ResourceKey,
    req: RequestId,
    at: i64,
    message: &str,
) {
    let e = LoadError::Failed(format!("internal error: {message}"));
    let accepted = match key {
        ResourceKey::ExperimentList => state.experiments.list.fail(req, at, e),
        ResourceKey::RunList => state.runs.rows.fail(req, at, e),
        ResourceKey::RunDetail => state.run_detail.run.fail(req, at, e),
        ResourceKey::MetricHistories => state.run_detail.histories.fail(req, at, e),
        ResourceKey::Sweep => state.sweep.data.fail(req, at, e),
        ResourceKey::CompareRuns => state.compare.runs.fail(req, at, e),
        ResourceKey::CompareHistories => state.compare.histories.fail(req, at, e),
        ResourceKey::Artifacts => state.run_detail.artifacts.fail(req, at, e),
        ResourceKey::TrainingJob => state.training.job.fail(req, at, e),
        ResourceKey::RunNow => state.training.started.fail(req, at, e),
        ResourceKey::JobRun => state.training.job_run.fail(req, at, e),
        ResourceKey::ProducedRun => state.training.produced.fail(req, at, e),
        ResourceKey::Models => state.models.list.fail(req, at, e),
        ResourceKey::ModelDetail => state.models.detail.fail(req, at, e),
        ResourceKey::Approvals => state.approvals.list.fail(req, at, e),
        ResourceKey::Journal => state.audit.journal.fail(req, at, e),
        ResourceKey::ServingEndpoints => state.serving.endpoints.fail(req, at, e),
        ResourceKey::Endpoint => state.serving.endpoint.fail(req, at, e),
        ResourceKey::EndpointMetrics => serving::scrape::on_failed(state, req, at, e),
        ResourceKey::TestQuery => serving::query::on_answered(state, req, Err(message.to_string())),
        ResourceKey::ServerLogs => state.logs.server.lines.fail(req, at, e),
        ResourceKey::BuildLogs => state.logs.build.lines.fail(req, at, e),
        ResourceKey::Prepare => change::on_prepared(state, req, Err(message.to_string())),
        ResourceKey::ApplyChange => change::on_applied(
            state,
            req,
            Err(format!(
                "outcome unknown after an internal error ({message}): check the Audit screen and verify"
            )),
            &mut Vec::new(),
        ),
        ResourceKey::Verify => {
            audit::on_verified(state, req, Err(message.to_string()), &mut Vec::new())
        }
        ResourceKey::Canary => {
            canary::on_task_failed(state, req, message);
            Accepted::Stale
        }
        ResourceKey::Room(k) => on_room_failed(state, k, req, at, message),
        ResourceKey::ApprovalDetail => approvals::on_detail_failed(state, req, message),
        // Progress lines ride on the request of the change they belong to; no task of their own.
        ResourceKey::ChangeProgress => Accepted::Stale,
        ResourceKey::Me
        | ResourceKey::ExperimentCount
        | ResourceKey::UcModelCount
        | ResourceKey::WorkspaceModelCount => {
            overview::fail(&mut state.overview, key, req, at, e).unwrap_or(Accepted::Stale)
        }
    };
    report(state, key, accepted);
}

fn report(state: &mut State, key: ResourceKey, accepted: Accepted) {
    match accepted {
        Accepted::Stale => {}
        Accepted::Ok | Accepted::QuietError => state.dirty = true,
        Accepted::NewError(message) => state.toast_load_error(label(key), &message),
    }
}

/// Copies `text` to the clipboard and says so.
pub(crate) fn copy(state: &mut State, text: String, fx: &mut Vec<Effect>) {
    state.toast(ToastLevel::Info, format!("copied {text}"));
    fx.push(Effect::CopyToClipboard { text });
}
