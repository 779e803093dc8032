//! The whole state of the console. `update` is the only writer; views only read it.

use crate::app::keymap::Keymap;
use crate::theme::Theme;

use super::context::Session;
use super::form::{Confirm, TrainingForm};
use super::palette::Palette;
use super::picker::Picker;
use super::prompt::Prompt;
use super::remote::RequestId;
use super::screen::{ScreenId, ScreenRoute};
use super::screens::ab::AbState;
use super::screens::alerts::AlertsState;
use super::screens::approvals::ApprovalsState;
use super::screens::audit::AuditState;
use super::screens::canary::{CanaryForm, CanaryPanelState};
use super::screens::change::{CandidatePick, ChangeState};
use super::screens::compare::CompareState;
use super::screens::experiments::ExperimentsState;
use super::screens::feature_lineage::FeatureLineageState;
use super::screens::feature_monitoring::FeatureMonitoringState;
use super::screens::features::FeaturesState;
use super::screens::jobs::JobsState;
use super::screens::logs::LogsState;
use super::screens::models::ModelsState;
use super::screens::monitoring::MonitoringState;
use super::screens::overview::OverviewState;
use super::screens::run_detail::RunDetailState;
use super::screens::runs::RunsState;
use super::screens::serving::query::QueryView;
use super::screens::serving::{MetricsStore, ServingState};
use super::screens::sweep::SweepState;
use super::screens::training::TrainingState;

/// How long toasts stay up.
pub const TOAST_INFO_MS: i64 = 4_000;
pub const TOAST_ERROR_MS: i64 = 10_000;
/// The back-stack stops growing here (oldest entries above the root are dropped).
const MAX_STACK: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub level: ToastLevel,
    pub text: String,
    pub until_ms: i64,
    /// Load errors with the same cause share one toast (see [`State::toast_load_error`]).
    cause: Option<String>,
}

/// Toasts kept at once; older ones would be covered anyway.
const MAX_TOASTS: usize = 4;

/// What sits on top of the screen and has the keyboard.
#[derive(Debug, Clone, Default)]
pub enum Overlay {
    #[default]
    None,
    Help {
        scroll: u16,
    },
    Palette(Palette),
    Picker(Picker),
    /// The launch-training parameter form.
    TrainingForm(Box<TrainingForm>),
    Confirm(Box<Confirm>),
    /// The comment of an approval / rejection, or the alias of a promotion.
    Prompt(Box<Prompt>),
    /// Roll back with no journal entry: pick the version.
    Candidates(Box<CandidatePick>),
    /// A test query's answer.
    Query(Box<QueryView>),
    /// One request or version awaiting approval, in full (`Enter` on Approvals).
    ApprovalDetail(Box<super::screens::approvals::DetailView>),
    /// Build a canary plan, or name a plan file.
    CanaryForm(Box<CanaryForm>),
    /// A room's parameter form (run a job with parameters).
    RoomForm(Box<super::form::RoomForm>),
}

#[derive(Debug, Clone)]
pub struct State {
    pub session: Session,
    pub keymap: Keymap,
    pub theme: Theme,
    /// Theme names offered by `:theme` completion (built-in + user files).
    pub theme_names: Vec<String>,
    pub now_ms: i64,
    /// Terminal size, for page sizes.
    pub size: (u16, u16),
    /// Back-stack; never empty, the root is Overview.
    pub nav: Vec<ScreenRoute>,
    pub overlay: Overlay,
    pub toasts: Vec<Toast>,
    pub overview: OverviewState,
    pub experiments: ExperimentsState,
    pub runs: RunsState,
    pub run_detail: RunDetailState,
    pub sweep: SweepState,
    pub compare: CompareState,
    pub training: TrainingState,
    pub models: ModelsState,
    pub approvals: ApprovalsState,
    pub audit: AuditState,
    pub jobs: JobsState,
    pub monitoring: MonitoringState,
    /// Screen 7: the feature tables.
    pub features: FeaturesState,
    pub alerts: AlertsState,
    pub serving: ServingState,
    /// Every endpoint's metrics scraped since the console started (bounded), whichever screen
    /// is up.
    pub endpoint_metrics: MetricsStore,
    pub logs: LogsState,
    pub ab: AbState,
    pub canary: CanaryPanelState,
    /// Feature tables behind the endpoints and model versions (the stale-features marker).
    pub feature_lineage: FeatureLineageState,
    /// The feature monitoring of the feature table open.
    pub feature_monitoring: FeatureMonitoringState,
    pub change: ChangeState,
    pub quit: bool,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    next_request: RequestId,
    startup_warnings: Vec<String>,
}

impl State {
    /// `warnings` (bad keymap/theme entries) are shown as a toast once the clock is known.
    pub fn new(session: Session, keymap: Keymap, theme: Theme, warnings: Vec<String>) -> State {
        let mut theme_names: Vec<String> = Theme::builtin_names().map(String::from).collect();
        theme_names.sort();
        let endpoint_metrics = MetricsStore::new(session.workspace());
        State {
            session,
            keymap,
            theme,
            theme_names,
            now_ms: 0,
            size: (80, 24),
            nav: vec![ScreenRoute::Screen(ScreenId::Overview)],
            overlay: Overlay::None,
            toasts: Vec::new(),
            overview: OverviewState::default(),
            experiments: ExperimentsState::default(),
            runs: RunsState::default(),
            run_detail: RunDetailState::default(),
            sweep: SweepState::default(),
            compare: CompareState::default(),
            training: TrainingState::default(),
            models: ModelsState::default(),
            approvals: ApprovalsState::default(),
            audit: AuditState::default(),
            jobs: JobsState::default(),
            monitoring: MonitoringState::default(),
            features: FeaturesState::default(),
            alerts: AlertsState::default(),
            endpoint_metrics,
            serving: ServingState::default(),
            logs: LogsState::default(),
            ab: AbState::default(),
            canary: CanaryPanelState::default(),
            feature_lineage: FeatureLineageState::default(),
            feature_monitoring: FeatureMonitoringState::default(),
            change: ChangeState::default(),
            quit: false,
            dirty: true,
            next_request: 1,
            startup_warnings: warnings,
        }
    }

    pub fn route(&self) -> &ScreenRoute {
        self.nav.last().expect("the back-stack always has its root")
    }

    pub fn screen(&self) -> ScreenId {
        self.route().screen()
    }

    pub(crate) fn take_startup_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.startup_warnings)
    }

    /// A fresh request id (monotonic, so the newest always wins).
    pub(crate) fn next_request(&mut self) -> RequestId {
        let id = self.next_request;
        self.next_request += 1;
        id
    }

    pub fn toast(&mut self, level: ToastLevel, text: impl Into<String>) {
        self.push_toast(level, text.into(), None);
    }

    /// An error loading `what`. When the server is down every panel fails with the same message
    /// at once; those become one toast ("identity, serving endpoints: cannot reach …") instead
    /// of a stack that pushes everything else (like config warnings) off the screen.
    pub fn toast_load_error(&mut self, what: &str, message: &str) {
        let until = self.now_ms + TOAST_ERROR_MS;
        if let Some(t) = self
            .toasts
            .iter_mut()
            .find(|t| t.cause.as_deref() == Some(message))
        {
            let labels = t.text.strip_suffix(&format!(": {message}")).unwrap_or("");
            t.text = format!("{labels}, {what}: {message}");
            t.until_ms = until;
            self.dirty = true;
            return;
        }
        self.push_toast(
            ToastLevel::Error,
            format!("{what}: {message}"),
            Some(message.to_string()),
        );
    }

    fn push_toast(&mut self, level: ToastLevel, text: String, cause: Option<String>) {
        let ttl = match level {
            ToastLevel::Info => TOAST_INFO_MS,
            ToastLevel::Error => TOAST_ERROR_MS,
        };
        self.toasts.push(Toast {
            level,
            text,
            until_ms: self.now_ms + ttl,
            cause,
        });
        if self.toasts.len() > MAX_TOASTS {
            self.toasts.remove(0);
        }
        self.dirty = true;
    }

    pub fn push_route(&mut self, route: ScreenRoute) {
        if let Some(pos) = self.nav.iter().position(|r| *r == route) {
            // Going to a screen already on the stack returns to it, so Esc never loops.
            self.nav.truncate(pos + 1);
        } else {
            self.nav.push(route);
            if self.nav.len() > MAX_STACK {
                self.nav.remove(1);
            }
        }
        self.dirty = true;
    }

    /// Replaces the top route (moving between siblings, e.g. next experiment in a detail view).
    pub fn replace_route(&mut self, route: ScreenRoute) {
        if let Some(top) = self.nav.last_mut() {
            *top = route;
        }
        self.dirty = true;
    }

    /// Pops one route; the root stays. Returns whether anything was popped.
    pub fn pop_route(&mut self) -> bool {
        if self.nav.len() > 1 {
            self.nav.pop();
            self.dirty = true;
            true
        } else {
            false
        }
    }

    /// Rows available to a list body at the current size (for paging). Mirrors the chrome in
    /// `ui`: banner, tabs, status and hint lines, the table's borders and header.
    pub fn list_page_rows(&self) -> usize {
        let chrome = 6 + usize::from(self.session.production);
        usize::from(self.size.1).saturating_sub(chrome).max(1)
    }

    /// Requests in flight (one per loading resource); shown in the status bar. Each room's
    /// state counts its own.
    pub fn loading_count(&self) -> usize {
        // Background scrapes (canary endpoints off screen) are not the screen's loading.
        let scrape = super::screens::serving::scrape::on_screen(self).is_some()
            && self.endpoint_scrape().is_loading();
        self.overview.loading_count()
            + super::screens::room_loading(self)
            + self.experiments.loading()
            + self.runs.loading()
            + self.run_detail.loading()
            + self.sweep.loading()
            + self.compare.loading()
            + self.training.loading()
            + self.models.loading()
            + self.approvals.loading()
            + self.audit.loading()
            + self.serving.loading()
            + usize::from(scrape)
            + self.logs.loading()
            + self.change.loading()
    }
}
