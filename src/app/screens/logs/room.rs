//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::list::ListView;
use crate::app::room::{Offer, Room};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// Server and build logs of one served entity.
pub struct LogsRoom;

impl Room for LogsRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Logs, Context::Global]
    }
    fn load(&self, state: &mut State, _: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load(state, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.logs.pane().lines.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.logs.pane().lines.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        super::on_action(state, action, fx)
    }
    fn offers(&self, _: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (SwitchLogs, None),
            (Filter, Some("search")),
            (NextMatch, None),
            (PrevMatch, None),
            (Follow, None),
            (PanRight, Some("long lines")),
            (MoveDown, Some("scroll")),
            (Back, None),
            (Help, None),
        ]
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.logs.search)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.logs.search)
    }
    fn filter_changed(&self, state: &mut State, _: &mut Vec<Effect>) {
        super::search_changed(state)
    }
    fn filter_offers(&self, _: &State) -> Vec<Offer> {
        vec![
            (Action::Submit, Some("keep search")),
            (Action::Cancel, Some("clear")),
        ]
    }
}
