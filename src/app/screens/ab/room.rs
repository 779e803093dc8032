//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::room::{Offer, Room};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// Two served entities of an endpoint side by side.
pub struct AbRoom;

impl Room for AbRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Ab, Context::Global]
    }
    /// The endpoint and its metrics stay polled.
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        if let ScreenRoute::AbView { name } = route {
            crate::app::screens::serving::open(state, name, force, fx);
            super::quality::load(state, force, fx);
        }
    }
    fn is_settled(&self, state: &State) -> bool {
        state.serving.endpoint.is_settled() && state.endpoint_scrape().is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.endpoint_scrape().loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        _: &mut Vec<Effect>,
    ) -> bool {
        super::on_action(state, action)
    }
    fn offers(&self, _: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (MoveDown, Some("other B")),
            (Window, None),
            (Refresh, None),
            (Back, None),
            (Help, None),
        ]
    }
}
