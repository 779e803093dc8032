//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room, back_label};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// The runs table of one experiment.
pub struct RunsRoom;

impl Room for RunsRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Runs, Context::List, Context::Global]
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        if let ScreenRoute::Runs { experiment_id } = route {
            super::open(state, experiment_id, fx);
        }
        if force {
            super::load(state, true, fx);
        }
    }
    fn is_settled(&self, state: &State) -> bool {
        state.runs.rows.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.runs.rows.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        match route {
            ScreenRoute::Runs { experiment_id } => {
                super::actions::on_action(state, experiment_id, action, fx)
            }
            _ => false,
        }
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (Open, None),
            (Filter, None),
            (ColumnLeft, None),
            (ColumnRight, None),
            (Sort, None),
            (Mark, None),
            (Compare, None),
            (Sweep, None),
            (ToggleNested, None),
            (Columns, None),
            (LaunchTraining, None),
            (Info, None),
            (Back, back_label(state)),
            (Help, None),
            (Quit, None),
        ]
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.runs.view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.runs.view)
    }
    fn filter_changed(&self, state: &mut State, fx: &mut Vec<Effect>) {
        super::actions::filter_changed(state, fx)
    }
    fn filter_submitted(&self, state: &mut State, fx: &mut Vec<Effect>) {
        super::actions::filter_submitted(state, fx)
    }
    /// An MLflow filter is sent to the server; plain text filters the loaded rows.
    fn filter_offers(&self, state: &State) -> Vec<Offer> {
        let submit = if crate::ops::run_filter::is_filter(state.runs.view.filter_text()) {
            "search server"
        } else {
            "keep filter"
        };
        vec![
            (Action::Submit, Some(submit)),
            (Action::Cancel, Some("clear")),
        ]
    }
}
