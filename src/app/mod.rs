//! The application core: state, messages, the pure `update`, and the runtime that performs its
//! effects.
//!
//! Data flows one way: input / network → [`Msg`] → [`update`] → state + [`Effect`]s → runtime →
//! network → `Msg`. Views (`crate::ui`) read [`State`] and never change it; the loop that joins
//! the two (`crate::tui::runloop`) sits above both.

pub mod action;
pub mod chart;
pub mod commands;
pub mod context;
pub mod effect;
mod fetch;
pub mod form;
pub mod format;
pub mod keymap;
pub mod list;
pub mod msg;
pub mod palette;
pub mod picker;
pub mod prompt;
pub mod remote;
pub mod room;
pub mod runtime;
pub mod screen;
pub mod screens;
pub mod state;
mod update;

pub use action::Action;
pub use context::{AppContext, MonitoringContext, Session};
pub use effect::{ChangeRequest, Effect, Fetch};
pub use msg::{
    CanaryNews, CompareHistories, Count, ExperimentPage, ExperimentSummary, Msg, Payload, Prepared,
    ResourceKey, RunPage, SweepData,
};
pub use screen::{ScreenId, ScreenRoute};
pub use state::{Overlay, State, Toast, ToastLevel};
pub use update::update;
