//! The one vocabulary of user intents. Keymap TOML names deserialize straight into it
//! (`quit`, `goto_experiments`, `copy_id`…); variants that only the app itself creates are
//! `#[serde(skip)]`, so they cannot be bound by accident.

use serde::Deserialize;

use super::room::Verb;
use super::screen::ScreenId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // ── global ──
    Quit,
    Help,
    Palette,
    Refresh,
    Back,
    GotoOverview,
    GotoExperiments,
    GotoModels,
    GotoApprovals,
    GotoServing,
    GotoMonitoring,
    GotoFeatures,
    GotoJobs,
    GotoAudit,
    // ── lists and detail views ──
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    First,
    Last,
    Filter,
    Open,
    CopyId,
    // ── experiments and runs ──
    /// The experiment's own page (ids, tags) from its runs.
    Info,
    ColumnLeft,
    ColumnRight,
    Sort,
    Columns,
    ToggleNested,
    Mark,
    Compare,
    Sweep,
    // ── run detail, sweep, compare ──
    OpenParent,
    Objective,
    FlipDirection,
    ScatterParam,
    DiffOnly,
    // ── charts ──
    ChartMetrics,
    XAxis,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    PanLeft,
    PanRight,
    ExportChart,
    // ── changes to the workspace ──
    LaunchTraining,
    Promote,
    Rollback,
    Approve,
    Reject,
    // ── registry and audit ──
    OpenRun,
    Verify,
    /// Endpoint, model version: open a feature table it depends on (the first stale one).
    FeatureTables,
    /// Audit: only the changes made on this workspace, or those of every workspace.
    ThisWorkspace,
    // ── serving ──
    /// Move the selected entity's traffic share up / down by the step.
    ShiftUp,
    ShiftDown,
    /// Type an exact split.
    SetSplit,
    /// Send 100% of the traffic to the selected entity.
    PromoteCanary,
    /// Remove the selected entity when it takes 0% (what a canary promotion leaves).
    RemoveEntity,
    /// The canary panel (plan, step, verdict).
    Canary,
    /// Pause / resume the running canary plan.
    CanaryPause,
    /// Abort the running canary plan: traffic back to the split it started from (canary at 0%).
    CanaryAbort,
    /// Build a canary plan in a form (then confirm to start it).
    CanaryNew,
    /// Load a canary plan from a TOML file (then confirm to start it).
    CanaryLoad,
    /// Two served entities side by side.
    AbView,
    /// Server and build logs of the selected entity.
    Logs,
    /// Switch between server and build logs.
    SwitchLogs,
    /// Keep the logs scrolled to the newest line.
    Follow,
    NextMatch,
    PrevMatch,
    /// Next time window (charts, A/B).
    Window,
    /// Send a sample request and show the answer.
    TestQuery,
    // ── text inputs (palette, filter) ──
    Submit,
    Cancel,
    Complete,
    CompletePrev,
    // ── popups ──
    Close,
    Toggle,
    Confirm,
    /// Jump to a screen (the palette's `:models`, `render_offscreen`); bound keys use `goto_*`.
    #[serde(skip)]
    Goto(ScreenId),
    /// A verb a room declares for itself (bound in the room's own keymap context).
    #[serde(skip)]
    Verb(&'static Verb),
}

impl Action {
    /// Parses a keymap name (`"copy_id"`) through the same serde path the TOML loader uses.
    pub fn from_name(name: &str) -> Option<Action> {
        use serde::de::IntoDeserializer;
        let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            name.into_deserializer();
        Action::deserialize(de).ok()
    }

    /// The screen a `goto_*` action jumps to.
    pub fn goto_target(self) -> Option<ScreenId> {
        Some(match self {
            Action::GotoOverview => ScreenId::Overview,
            Action::GotoExperiments => ScreenId::Experiments,
            Action::GotoModels => ScreenId::Models,
            Action::GotoApprovals => ScreenId::Approvals,
            Action::GotoServing => ScreenId::Serving,
            Action::GotoMonitoring => ScreenId::Monitoring,
            Action::GotoFeatures => ScreenId::Features,
            Action::GotoJobs => ScreenId::Jobs,
            Action::GotoAudit => ScreenId::Audit,
            Action::Goto(id) => id,
            _ => return None,
        })
    }

    /// Whether this action changes the workspace. Read-only mode hides every action for which
    /// this is true (hints, help) and refuses it when pressed.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Action::LaunchTraining
                | Action::Promote
                | Action::Rollback
                | Action::Approve
                | Action::Reject
                | Action::ShiftUp
                | Action::ShiftDown
                | Action::SetSplit
                | Action::PromoteCanary
                | Action::RemoveEntity
                | Action::CanaryPause
                | Action::CanaryAbort
                | Action::CanaryNew
                | Action::CanaryLoad
        ) || matches!(self, Action::Verb(v) if v.mutating)
    }

    /// A short label for the hint bar.
    pub fn label(self) -> &'static str {
        if let Some(id) = self.goto_target() {
            return id.command();
        }
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Palette => "cmd",
            Action::Refresh => "refresh",
            Action::Back => "back",
            Action::MoveUp => "up",
            Action::MoveDown => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::First => "first",
            Action::Last => "last",
            Action::Filter => "filter",
            Action::Open => "open",
            Action::CopyId => "copy id",
            Action::Submit => "run",
            Action::Cancel => "cancel",
            Action::Complete => "complete",
            Action::CompletePrev => "previous",
            Action::Close => "close",
            Action::Info => "info",
            Action::ColumnLeft => "col left",
            Action::ColumnRight => "col right",
            Action::Sort => "sort",
            Action::Columns => "columns",
            Action::ToggleNested => "nested",
            Action::Mark => "mark",
            Action::Compare => "compare",
            Action::Sweep => "sweep",
            Action::OpenParent => "parent",
            Action::Objective => "objective",
            Action::FlipDirection => "min/max",
            Action::ScatterParam => "param",
            Action::DiffOnly => "diff only",
            Action::ChartMetrics => "metrics",
            Action::XAxis => "x axis",
            Action::ZoomIn => "zoom in",
            Action::ZoomOut => "zoom out",
            Action::ZoomReset => "reset zoom",
            Action::PanLeft => "pan left",
            Action::PanRight => "pan right",
            Action::ExportChart => "export",
            Action::LaunchTraining => "train",
            Action::Promote => "promote",
            Action::Rollback => "roll back",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::OpenRun => "run",
            Action::Verify => "verify",
            Action::FeatureTables => "feature table",
            Action::ThisWorkspace => "this workspace",
            Action::ShiftUp => "+traffic",
            Action::ShiftDown => "-traffic",
            Action::SetSplit => "set split",
            Action::PromoteCanary => "to 100%",
            Action::RemoveEntity => "remove 0% entity",
            Action::Canary => "canary",
            Action::CanaryPause => "pause/resume",
            Action::CanaryAbort => "abort",
            Action::CanaryNew => "new plan",
            Action::CanaryLoad => "plan file",
            Action::AbView => "A/B",
            Action::Logs => "logs",
            Action::SwitchLogs => "build/server",
            Action::Follow => "follow",
            Action::NextMatch => "next match",
            Action::PrevMatch => "prev match",
            Action::Window => "window",
            Action::TestQuery => "test query",
            Action::Toggle => "toggle",
            Action::Confirm => "confirm",
            Action::Verb(v) => v.label,
            Action::GotoOverview
            | Action::GotoExperiments
            | Action::GotoModels
            | Action::GotoApprovals
            | Action::GotoServing
            | Action::GotoMonitoring
            | Action::GotoFeatures
            | Action::GotoJobs
            | Action::GotoAudit
            | Action::Goto(_) => "",
        }
    }

    /// One line for the help popup.
    pub fn description(self) -> String {
        if let Some(id) = self.goto_target() {
            return format!("go to {}", id.title());
        }
        match self {
            Action::Quit => "quit the console",
            Action::Help => "show / hide this help",
            Action::Palette => "command palette (:exp, :theme light, :q ...)",
            Action::Refresh => "reload the data on this screen",
            Action::Back => "go back (clears an active filter first)",
            Action::MoveUp => "previous row",
            Action::MoveDown => "next row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::First => "first row",
            Action::Last => "last row (and the next page, if any)",
            Action::Filter => "filter rows: text (any column), or on runs an MLflow filter",
            Action::Open => "open the selected row",
            Action::CopyId => "copy the selected id (OSC 52, works over SSH/tmux)",
            Action::Submit => "run / keep",
            Action::Cancel => "cancel / clear",
            Action::Complete => "complete (repeat to cycle)",
            Action::CompletePrev => "previous completion",
            Action::Close => "close",
            Action::Info => "the experiment's details (ids, tags)",
            Action::ColumnLeft => "move the column cursor left",
            Action::ColumnRight => "move the column cursor right",
            Action::Sort => "sort by the column under the cursor (again: flip direction)",
            Action::Columns => "choose the metric and param columns",
            Action::ToggleNested => "top-level runs only / all runs (nested trials too)",
            Action::Mark => "mark / unmark the run for comparison",
            Action::Compare => "compare the marked runs",
            Action::Sweep => "sweep view: the run's child trials ranked",
            Action::OpenParent => "open the parent run",
            Action::Objective => "next objective metric",
            Action::FlipDirection => "flip the objective between minimise and maximise",
            Action::ScatterParam => "next parameter for the scatter",
            Action::DiffOnly => "show only params and metrics that differ",
            Action::ChartMetrics => "choose the charted metrics",
            Action::XAxis => "x axis: step / wall time",
            Action::ZoomIn => "zoom in on the x axis",
            Action::ZoomOut => "zoom out on the x axis",
            Action::ZoomReset => "reset the zoom",
            Action::PanLeft => {
                "move left: a zoomed chart's window, or the view over long log lines"
            }
            Action::PanRight => {
                "move right: a zoomed chart's window, or the view over long log lines"
            }
            Action::ExportChart => "save the chart as PNG and SVG in the data dir",
            Action::LaunchTraining => "launch the experiment's training job (asks first)",
            Action::Promote => {
                "promote the version: set an alias (UC) or move it to Production (asks first)"
            }
            Action::Rollback => {
                "roll the alias or stage back to before the last change (asks first)"
            }
            Action::Approve => "approve with a comment (asks first)",
            Action::Reject => "reject with a comment (asks first)",
            Action::OpenRun => "open the version's source run",
            Action::Verify => "re-read the objects of 'unknown' changes and record what is there",
            Action::FeatureTables => {
                "open a feature table it depends on on Features: the first stale one, else the first"
            }
            Action::ThisWorkspace => {
                "show only the changes made on this workspace, or those of every workspace"
            }
            Action::ShiftUp => "move traffic to the selected entity by the step (asks first)",
            Action::ShiftDown => {
                "move traffic away from the selected entity by the step (asks first)"
            }
            Action::SetSplit => "set the traffic split exactly, e.g. a=90,b=10 (asks first)",
            Action::PromoteCanary => "send 100% of the traffic to the selected entity (asks first)",
            Action::RemoveEntity => {
                "remove the selected entity from the endpoint when it takes 0% (asks first)"
            }
            Action::Canary => {
                "the canary panel: build or load a plan, follow its steps and verdicts"
            }
            Action::CanaryPause => "pause / resume the running canary plan",
            Action::CanaryAbort => {
                "abort the canary plan: traffic back to where it started (asks first)"
            }
            Action::CanaryNew => "build a canary plan in a form (asks before starting it)",
            Action::CanaryLoad => "load a canary plan from a TOML file (asks before starting it)",
            Action::AbView => "compare two served entities: error rates, latency, a verdict",
            Action::Logs => "server and build logs of the selected entity",
            Action::SwitchLogs => "switch between server logs and build logs",
            Action::Follow => "follow: stay on the newest line as logs arrive",
            Action::NextMatch => "next search match",
            Action::PrevMatch => "previous search match",
            Action::Window => "next time window",
            Action::TestQuery => "send a sample request and show the answer, entity and latency",
            Action::Toggle => "select / unselect",
            Action::Confirm => "confirm",
            Action::Verb(v) => v.description,
            Action::GotoOverview
            | Action::GotoExperiments
            | Action::GotoModels
            | Action::GotoApprovals
            | Action::GotoServing
            | Action::GotoMonitoring
            | Action::GotoFeatures
            | Action::GotoJobs
            | Action::GotoAudit
            | Action::Goto(_) => "",
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names_deserialize_and_internal_variants_do_not() {
        assert_eq!(Action::from_name("copy_id"), Some(Action::CopyId));
        assert_eq!(
            Action::from_name("goto_experiments"),
            Some(Action::GotoExperiments)
        );
        assert_eq!(Action::from_name("goto"), None);
        assert_eq!(Action::from_name("Quit"), None);
    }

    #[test]
    fn goto_actions_name_their_screens() {
        assert_eq!(Action::GotoJobs.goto_target(), Some(ScreenId::Jobs));
        assert_eq!(
            Action::Goto(ScreenId::Audit).goto_target(),
            Some(ScreenId::Audit)
        );
        assert_eq!(Action::Quit.goto_target(), None);
        assert_eq!(Action::GotoExperiments.label(), "experiments");
    }
}
