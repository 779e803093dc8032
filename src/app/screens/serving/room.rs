//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
#[allow(unused_imports)]
use crate::app::list::ListView;
#[allow(unused_imports)]
use crate::app::room::{Offer, Room, back_label};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// Screen 5: the serving endpoints.
pub struct ServingRoom;

impl Room for ServingRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::List, Context::Global]
    }
    fn load(&self, state: &mut State, _: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        super::load_list(state, force, fx)
    }
    fn is_settled(&self, state: &State) -> bool {
        state.serving.endpoints.is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.serving.endpoints.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        super::on_list_action(state, action, fx)
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        crate::app::room::list_offers(state)
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        Some(&state.serving.view)
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        Some(&mut state.serving.view)
    }
}

/// One serving endpoint: entities, routes, live charts, traffic keys.
pub struct EndpointRoom;

impl Room for EndpointRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Endpoint, Context::Global]
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        if let ScreenRoute::Endpoint { name } = route {
            super::open(state, name, force, fx)
        }
    }
    fn is_settled(&self, state: &State) -> bool {
        state.serving.endpoint.is_settled() && state.endpoint_scrape().is_settled()
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        state.serving.endpoint.loaded_at
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        super::on_detail_action(state, action, fx)
    }
    fn offers(&self, _: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        vec![
            (ShiftUp, None),
            (ShiftDown, None),
            (SetSplit, None),
            (PromoteCanary, None),
            (Rollback, None),
            (Canary, None),
            (AbView, None),
            (Logs, None),
            (TestQuery, None),
            (Window, None),
            (Back, None),
            (Help, None),
        ]
    }
}
