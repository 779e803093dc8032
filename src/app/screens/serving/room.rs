//! The room of this screen's route(s).

use crate::app::action::Action;
use crate::app::effect::Effect;
use crate::app::keymap::Context;
use crate::app::room::{ListAccess, Offer, Plain, Room, list_offers};
use crate::app::screen::ScreenRoute;
use crate::app::state::State;

/// Screen 5: the serving endpoints.
pub static ROOM: Plain = Plain {
    contexts: &[
        Context::List,
        Context::Room(crate::app::screen::ScreenId::Serving),
        Context::Global,
    ],
    load: super::load_list,
    open: None,
    settled: |s| s.serving.endpoints.is_settled(),
    data_at: |s| s.serving.endpoints.loaded_at,
    on_action: super::on_list_action,
    offers: list_offers,
    list: Some(ListAccess {
        get: |s| &s.serving.view,
        get_mut: |s| &mut s.serving.view,
    }),
    after_filter: None,
};

/// One serving endpoint: entities, routes, live charts, traffic keys.
pub struct EndpointRoom;

impl Room for EndpointRoom {
    fn contexts(&self) -> &'static [Context] {
        &[
            Context::Endpoint,
            Context::Room(crate::app::screen::ScreenId::Serving),
            Context::Global,
        ]
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
    fn form_submitted(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        form: crate::app::form::RoomForm,
        _: &mut Vec<Effect>,
    ) {
        super::bench::form_submitted(state, form)
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        use Action::*;
        let name = &state.serving.name;
        let features = crate::app::screens::feature_lineage::jump::endpoint_table(state, name);
        let mut offers = vec![
            (ShiftUp, None),
            (ShiftDown, None),
            (SetSplit, None),
            (PromoteCanary, None),
            (Rollback, None),
            (Canary, None),
            (AbView, None),
            (Logs, None),
            (TestQuery, None),
            (Verb(super::bench::START), None),
            (Window, None),
            (Back, None),
            (Help, None),
        ];
        let bench = &state.serving.bench;
        if bench
            .running
            .as_ref()
            .is_some_and(|r| r.plan.endpoint == *name)
        {
            offers.insert(0, (Verb(super::bench::STOP), None));
        } else if bench.shown_on(name) {
            offers.insert(0, (Verb(super::bench::STOP), Some("dismiss result")));
        }
        if features.is_some() {
            offers.insert(offers.len() - 2, (FeatureTables, None));
        }
        offers
    }
}
