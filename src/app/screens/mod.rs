//! The rooms: one module per screen with its state and its reactions. This file is the only
//! place that dispatches on the route, so adding a screen means adding a room and an arm in
//! each function below.

pub mod ab;
pub mod approvals;
pub mod audit;
pub mod canary;
pub mod change;
pub mod compare;
pub mod experiments;
pub mod logs;
pub mod models;
pub mod overview;
pub mod run_detail;
pub mod runs;
pub mod serving;
pub mod sweep;
pub mod training;

use crate::app::keymap::Context;

use super::action::Action;
use super::chart::ChartView;
use super::effect::Effect;
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

/// Loads what the current route shows: what is due, or everything when `force` (the `r` key).
pub(crate) fn load(state: &mut State, force: bool, fx: &mut Vec<Effect>) {
    match state.route().clone() {
        ScreenRoute::Screen(ScreenId::Overview) => overview::load(state, force, fx),
        ScreenRoute::Screen(ScreenId::Experiments) | ScreenRoute::ExperimentDetail { .. } => {
            experiments::load(state, force, fx)
        }
        ScreenRoute::Runs { experiment_id } if force => {
            runs::open(state, &experiment_id, fx);
            runs::load(state, true, fx);
        }
        ScreenRoute::Runs { experiment_id } => runs::open(state, &experiment_id, fx),
        ScreenRoute::RunDetail { run_id } => {
            run_detail::open(state, &run_id, fx);
            if force {
                run_detail::load(state, true, fx);
            }
        }
        ScreenRoute::Sweep { run_id } => {
            sweep::open(state, &run_id, fx);
            if force {
                sweep::load(state, true, fx);
            }
        }
        ScreenRoute::Compare { run_ids } => {
            compare::open(state, &run_ids, fx);
            if force {
                compare::load(state, true, fx);
            }
        }
        ScreenRoute::Training { .. } => training::load(state, force, fx),
        ScreenRoute::Screen(ScreenId::Models) => models::load(state, force, fx),
        ScreenRoute::ModelDetail { name, source } => models::open(state, &name, source, force, fx),
        ScreenRoute::Screen(ScreenId::Approvals) => approvals::load(state, force, fx),
        ScreenRoute::Screen(ScreenId::Audit) => audit::load(state, force, fx),
        ScreenRoute::Screen(ScreenId::Serving) => serving::load_list(state, force, fx),
        ScreenRoute::Endpoint { name } => serving::open(state, &name, force, fx),
        ScreenRoute::EndpointLogs { .. } => logs::load(state, force, fx),
        ScreenRoute::AbView { name } => serving::open(state, &name, force, fx),
        // The panel keeps the endpoint and its metrics polled, for the strip and the charts.
        ScreenRoute::Canary { name } => serving::open(state, &name, force, fx),
        ScreenRoute::Screen(_) => {}
    }
}

/// Whether the data of `screen` (as the route shows it) has arrived or failed at least once
/// and nothing is in flight.
pub fn is_settled(state: &State, screen: ScreenId) -> bool {
    if state.screen() == screen {
        return match state.route() {
            ScreenRoute::Runs { .. } => state.runs.rows.is_settled(),
            ScreenRoute::RunDetail { .. } => state.run_detail.run.is_settled(),
            ScreenRoute::Sweep { .. } => state.sweep.data.is_settled(),
            ScreenRoute::Compare { .. } => state.compare.runs.is_settled(),
            ScreenRoute::Training { .. } => true,
            ScreenRoute::ModelDetail { .. } => state.models.detail.is_settled(),
            ScreenRoute::Endpoint { .. }
            | ScreenRoute::AbView { .. }
            | ScreenRoute::Canary { .. } => {
                state.serving.endpoint.is_settled() && state.endpoint_scrape().is_settled()
            }
            ScreenRoute::EndpointLogs { .. } => state.logs.pane().lines.is_settled(),
            ScreenRoute::Screen(_) | ScreenRoute::ExperimentDetail { .. } => {
                screen_settled(state, screen)
            }
        };
    }
    screen_settled(state, screen)
}

fn screen_settled(state: &State, screen: ScreenId) -> bool {
    match screen {
        ScreenId::Overview => overview::is_settled(state),
        ScreenId::Experiments => state.experiments.list.is_settled(),
        ScreenId::Models => state.models.list.is_settled(),
        ScreenId::Approvals => state.approvals.list.is_settled(),
        ScreenId::Audit => state.audit.journal.is_settled(),
        ScreenId::Serving => state.serving.endpoints.is_settled(),
        _ => true,
    }
}

/// When the route's (oldest) data arrived, for the "12s ago" in the status bar.
pub fn data_at(state: &State) -> Option<i64> {
    match state.route() {
        ScreenRoute::Screen(ScreenId::Overview) => overview::data_at(state),
        ScreenRoute::Screen(ScreenId::Experiments) | ScreenRoute::ExperimentDetail { .. } => {
            state.experiments.list.loaded_at
        }
        ScreenRoute::Runs { .. } => state.runs.rows.loaded_at,
        ScreenRoute::RunDetail { .. } => state.run_detail.run.loaded_at,
        ScreenRoute::Sweep { .. } => state.sweep.data.loaded_at,
        ScreenRoute::Compare { .. } => state.compare.runs.loaded_at,
        ScreenRoute::Training { .. } => training::data_at(state),
        ScreenRoute::Screen(ScreenId::Models) => state.models.list.loaded_at,
        ScreenRoute::ModelDetail { .. } => state.models.detail.loaded_at,
        ScreenRoute::Screen(ScreenId::Approvals) => state.approvals.list.loaded_at,
        ScreenRoute::Screen(ScreenId::Audit) => state.audit.journal.loaded_at,
        ScreenRoute::Screen(ScreenId::Serving) => state.serving.endpoints.loaded_at,
        ScreenRoute::Endpoint { .. } | ScreenRoute::Canary { .. } => {
            state.serving.endpoint.loaded_at
        }
        ScreenRoute::EndpointLogs { .. } => state.logs.pane().lines.loaded_at,
        ScreenRoute::AbView { .. } => state.endpoint_scrape().loaded_at,
        ScreenRoute::Screen(_) => None,
    }
}

/// Keymap contexts of a route, innermost first (global always last).
pub fn contexts(route: &ScreenRoute) -> &'static [Context] {
    match route {
        ScreenRoute::Screen(ScreenId::Experiments) => {
            &[Context::Experiments, Context::List, Context::Global]
        }
        ScreenRoute::ExperimentDetail { .. } => &[Context::Detail, Context::Global],
        ScreenRoute::Runs { .. } => &[Context::Runs, Context::List, Context::Global],
        ScreenRoute::RunDetail { .. } => &[Context::Run, Context::Chart, Context::Global],
        ScreenRoute::Sweep { .. } => &[Context::Sweep, Context::List, Context::Global],
        ScreenRoute::Compare { .. } => &[Context::Compare, Context::Chart, Context::Global],
        ScreenRoute::Screen(ScreenId::Models) => &[Context::List, Context::Global],
        ScreenRoute::ModelDetail { .. } => &[Context::Versions, Context::Global],
        ScreenRoute::Screen(ScreenId::Approvals) => {
            &[Context::Approvals, Context::List, Context::Global]
        }
        ScreenRoute::Screen(ScreenId::Audit) => &[Context::Audit, Context::List, Context::Global],
        ScreenRoute::Screen(ScreenId::Serving) => &[Context::List, Context::Global],
        ScreenRoute::Endpoint { .. } => &[Context::Endpoint, Context::Global],
        ScreenRoute::EndpointLogs { .. } => &[Context::Logs, Context::Global],
        ScreenRoute::AbView { .. } => &[Context::Ab, Context::Global],
        ScreenRoute::Canary { .. } => &[Context::Canary, Context::Global],
        ScreenRoute::Training { .. } | ScreenRoute::Screen(_) => &[Context::Global],
    }
}

/// The list under the cursor, if the route shows one (for `/` and Esc).
pub(crate) fn list_view_mut(state: &mut State) -> Option<&mut ListView> {
    match state.route() {
        ScreenRoute::Screen(ScreenId::Experiments) => Some(&mut state.experiments.view),
        ScreenRoute::Runs { .. } => Some(&mut state.runs.view),
        ScreenRoute::Sweep { .. } => Some(&mut state.sweep.view),
        ScreenRoute::Screen(ScreenId::Models) => Some(&mut state.models.view),
        ScreenRoute::Screen(ScreenId::Approvals) => Some(&mut state.approvals.view),
        ScreenRoute::Screen(ScreenId::Audit) => Some(&mut state.audit.view),
        ScreenRoute::Screen(ScreenId::Serving) => Some(&mut state.serving.view),
        ScreenRoute::EndpointLogs { .. } => Some(&mut state.logs.search),
        _ => None,
    }
}

pub fn list_view(state: &State) -> Option<&ListView> {
    match state.route() {
        ScreenRoute::Screen(ScreenId::Experiments) => Some(&state.experiments.view),
        ScreenRoute::Runs { .. } => Some(&state.runs.view),
        ScreenRoute::Sweep { .. } => Some(&state.sweep.view),
        ScreenRoute::Screen(ScreenId::Models) => Some(&state.models.view),
        ScreenRoute::Screen(ScreenId::Approvals) => Some(&state.approvals.view),
        ScreenRoute::Screen(ScreenId::Audit) => Some(&state.audit.view),
        ScreenRoute::Screen(ScreenId::Serving) => Some(&state.serving.view),
        ScreenRoute::EndpointLogs { .. } => Some(&state.logs.search),
        _ => None,
    }
}

/// Called after a list's filter text changed.
pub(crate) fn filter_changed(state: &mut State, fx: &mut Vec<Effect>) {
    match state.route() {
        ScreenRoute::Screen(ScreenId::Experiments) => {
            let view = &mut state.experiments.view;
            view.selected = 0;
            view.offset = 0;
            experiments::maybe_load_more(state, fx);
        }
        ScreenRoute::Runs { .. } => runs::actions::filter_changed(state, fx),
        ScreenRoute::Sweep { .. } => sweep::filter_changed(state),
        ScreenRoute::EndpointLogs { .. } => logs::search_changed(state),
        ScreenRoute::Screen(
            ScreenId::Models | ScreenId::Approvals | ScreenId::Audit | ScreenId::Serving,
        ) => {
            if let Some(view) = list_view_mut(state) {
                view.selected = 0;
                view.offset = 0;
            }
        }
        _ => {}
    }
}

/// Called when Enter keeps the filter.
pub(crate) fn filter_submitted(state: &mut State, fx: &mut Vec<Effect>) {
    if let ScreenRoute::Runs { .. } = state.route() {
        runs::actions::filter_submitted(state, fx);
    }
}

/// Route-specific actions; `false` when the route has no use for it.
pub(crate) fn on_action(state: &mut State, action: Action, fx: &mut Vec<Effect>) -> bool {
    match state.route().clone() {
        ScreenRoute::Screen(ScreenId::Experiments) => {
            experiments::on_list_action(state, action, fx)
        }
        ScreenRoute::ExperimentDetail { experiment_id } => {
            experiments::on_detail_action(state, &experiment_id, action, fx)
        }
        ScreenRoute::Runs { experiment_id } => {
            runs::actions::on_action(state, &experiment_id, action, fx)
        }
        ScreenRoute::RunDetail { .. } => run_detail::on_action(state, action, fx),
        ScreenRoute::Sweep { .. } => sweep::on_action(state, action, fx),
        ScreenRoute::Compare { .. } => compare::on_action(state, action, fx),
        ScreenRoute::Screen(ScreenId::Models) => models::on_list_action(state, action, fx),
        ScreenRoute::ModelDetail { .. } => models::on_detail_action(state, action, fx),
        ScreenRoute::Screen(ScreenId::Approvals) => approvals::on_action(state, action, fx),
        ScreenRoute::Screen(ScreenId::Audit) => audit::on_action(state, action, fx),
        ScreenRoute::Screen(ScreenId::Serving) => serving::on_list_action(state, action, fx),
        ScreenRoute::Endpoint { .. } => serving::on_detail_action(state, action, fx),
        ScreenRoute::EndpointLogs { .. } => logs::on_action(state, action, fx),
        ScreenRoute::AbView { .. } => ab::on_action(state, action),
        ScreenRoute::Canary { name } => canary::on_action(state, &name, action, fx),
        ScreenRoute::Training { .. } | ScreenRoute::Screen(_) => false,
    }
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
        Payload::ServingEndpoints(r) => serving::on_list(state, req, at, r),
        Payload::Endpoint(r) => serving::on_endpoint(state, req, at, r),
        Payload::EndpointMetrics(name, r) => serving::scrape::on_metrics(state, req, at, &name, r),
        Payload::ChangeProgress(text) => change::on_progress(state, req, text),
        Payload::QueryAnswered(r) => serving::query::on_answered(state, req, r),
        Payload::EntityLogs(source, r) => logs::on_loaded(state, req, at, source, r),
        other => {
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
        _ => overview::fail(&mut state.overview, key, req, at, e).unwrap_or(Accepted::Stale),
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
