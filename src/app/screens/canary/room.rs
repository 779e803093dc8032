//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::room::{Offer, Room};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// The canary panel of an endpoint.
pub struct CanaryRoom;

impl Room for CanaryRoom {
    fn contexts(&self) -> &'static [Context] {
        &[Context::Canary, Context::Global]
    }
    /// The panel keeps the endpoint and its metrics polled, for the strip and the charts.
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        if let ScreenRoute::Canary { name } = route {
            crate::app::screens::serving::open(state, name, force, fx)
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
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        match route {
            ScreenRoute::Canary { name } => super::on_action(state, name, action, fx),
            _ => false,
        }
    }
    /// A running plan offers pause / abort; otherwise a new plan.
    fn offers(&self, state: &State, route: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        let live = match route {
            ScreenRoute::Canary { name } => state.canary.plan(name).is_some_and(|p| p.is_live()),
            _ => false,
        };
        let mut offers = if live {
            vec![(CanaryPause, None), (CanaryAbort, None)]
        } else {
            vec![(CanaryNew, None), (CanaryLoad, None)]
        };
        offers.extend([(MoveUp, Some("scroll")), (Back, None), (Help, None)]);
        offers
    }
}
