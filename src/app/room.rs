//! A room serves one route: it loads what the route shows, reacts to the route's actions, says
//! which keymap contexts have the keyboard there and which actions the hint bar offers. The
//! registry (`screens::room`) looks a route's room up in one match; in the core nothing else
//! dispatches on the route. The view of a room lives in `ui` and is looked up there the same
//! way (`ui::render`), since views read state and the core never draws.

use super::action::Action;
use super::effect::Effect;
use super::form::RoomForm;
use super::keymap::Context;
use super::list::ListView;
use super::screen::ScreenRoute;
use super::state::State;

/// One hint-bar entry a room offers: the action, and a label for it here (else its own).
pub type Offer = (Action, Option<&'static str>);

pub trait Room: Sync {
    /// Keymap contexts, innermost first; `Context::Global` last.
    fn contexts(&self) -> &'static [Context];

    /// Loads what the route shows: what is due, or everything when `force` (the `r` key).
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>);

    /// Whether the route's data has arrived or failed at least once and nothing is in flight.
    fn is_settled(&self, state: &State) -> bool;

    /// When the route's (oldest) data arrived, for the "12s ago" in the status bar.
    fn data_at(&self, state: &State) -> Option<i64>;

    /// The route's own actions; `false` when it has no use for `action`.
    fn on_action(
        &self,
        state: &mut State,
        route: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool;

    /// What the hint bar offers here, most useful first (keys come from the keymap).
    fn offers(&self, state: &State, route: &ScreenRoute) -> Vec<Offer>;

    /// The list under the cursor, if the route shows one (for `/` and Esc).
    fn list_view<'s>(&self, _state: &'s State) -> Option<&'s ListView> {
        None
    }

    fn list_view_mut<'s>(&self, _state: &'s mut State) -> Option<&'s mut ListView> {
        None
    }

    /// After the list's filter text changed: back to the first row.
    fn filter_changed(&self, state: &mut State, _fx: &mut Vec<Effect>) {
        if let Some(view) = self.list_view_mut(state) {
            view.selected = 0;
            view.offset = 0;
        }
    }

    /// Enter on the room's parameter form (the overlay is already closed). A room that opens
    /// a form must take it back here; the default says that nothing was sent.
    fn form_submitted(
        &self,
        state: &mut State,
        _route: &ScreenRoute,
        form: RoomForm,
        _fx: &mut Vec<Effect>,
    ) {
        debug_assert!(false, "no room took the form {:?}", form.title);
        state.toast(
            super::state::ToastLevel::Error,
            format!("{}: nothing was sent", form.title),
        );
    }

    /// Enter kept the filter.
    fn filter_submitted(&self, _state: &mut State, _fx: &mut Vec<Effect>) {}

    /// The route was left for `to` (another route, or another object of the same kind): the
    /// room may abort reads whose answers are no longer wanted.
    fn on_leave(
        &self,
        _state: &mut State,
        _left: &ScreenRoute,
        _to: &ScreenRoute,
        _fx: &mut Vec<Effect>,
    ) {
    }

    /// The hint bar while the list's filter is typed.
    fn filter_offers(&self, _state: &State) -> Vec<Offer> {
        vec![
            (Action::Submit, Some("keep filter")),
            (Action::Cancel, Some("clear")),
        ]
    }
}

/// A verb a room adds to the keymap: its name in `keymap.toml` (in the room's own context,
/// named as the screen's command), its hint label, its help line, its default keys, and
/// whether it changes the workspace (read-only profiles hide and refuse it).
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Verb {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub keys: &'static [&'static str],
    pub mutating: bool,
}

/// Esc on a list: "back" when there is somewhere to go back to, else it clears the filter.
pub fn back_label(state: &State) -> Option<&'static str> {
    if state.nav.len() > 1 {
        None
    } else {
        Some("clear")
    }
}

/// What a plain list offers (open, filter, copy, refresh).
pub fn list_offers(state: &State) -> Vec<Offer> {
    use Action::*;
    vec![
        (Open, None),
        (Filter, None),
        (CopyId, None),
        (Refresh, None),
        (Back, back_label(state)),
        (Palette, None),
        (Help, None),
        (Quit, None),
    ]
}

/// A verb shows as its keymap name (in keymap warnings: "already bound to Verb(run_now)").
impl std::fmt::Debug for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The list of a plain room: how to reach its view in the state.
pub struct ListAccess {
    pub get: fn(&State) -> &ListView,
    pub get_mut: fn(&mut State) -> &mut ListView,
}

/// A room made of plain functions: a table row instead of an `impl`. The top-level screens need
/// nothing from the route; a drill-down reads its id from the route in `open`.
pub struct Plain {
    pub contexts: &'static [Context],
    /// Loads what is due (or everything when forced).
    pub load: fn(&mut State, bool, &mut Vec<Effect>),
    /// A drill-down: (re)opens the object the route names, loading it if it is new or due; `load`
    /// then runs only when forced.
    pub open: Option<fn(&mut State, &ScreenRoute, &mut Vec<Effect>)>,
    pub settled: fn(&State) -> bool,
    pub data_at: fn(&State) -> Option<i64>,
    pub on_action: fn(&mut State, Action, &mut Vec<Effect>) -> bool,
    pub offers: fn(&State) -> Vec<Offer>,
    pub list: Option<ListAccess>,
    /// Runs after a filter change has put the cursor back on the first row.
    pub after_filter: Option<fn(&mut State, &mut Vec<Effect>)>,
}

impl Room for Plain {
    fn contexts(&self) -> &'static [Context] {
        self.contexts
    }
    fn load(&self, state: &mut State, route: &ScreenRoute, force: bool, fx: &mut Vec<Effect>) {
        match self.open {
            Some(open) => {
                open(state, route, fx);
                if force {
                    (self.load)(state, true, fx);
                }
            }
            None => (self.load)(state, force, fx),
        }
    }
    fn is_settled(&self, state: &State) -> bool {
        (self.settled)(state)
    }
    fn data_at(&self, state: &State) -> Option<i64> {
        (self.data_at)(state)
    }
    fn on_action(
        &self,
        state: &mut State,
        _: &ScreenRoute,
        action: Action,
        fx: &mut Vec<Effect>,
    ) -> bool {
        (self.on_action)(state, action, fx)
    }
    fn offers(&self, state: &State, _: &ScreenRoute) -> Vec<Offer> {
        (self.offers)(state)
    }
    fn list_view<'s>(&self, state: &'s State) -> Option<&'s ListView> {
        self.list.as_ref().map(|l| (l.get)(state))
    }
    fn list_view_mut<'s>(&self, state: &'s mut State) -> Option<&'s mut ListView> {
        self.list.as_ref().map(|l| (l.get_mut)(state))
    }
    fn filter_changed(&self, state: &mut State, fx: &mut Vec<Effect>) {
        if let Some(view) = self.list_view_mut(state) {
            view.selected = 0;
            view.offset = 0;
        }
        if let Some(after) = self.after_filter {
            after(state, fx);
        }
    }
}

/// A room that never takes an action of its own.
pub fn no_actions(_: &mut State, _: Action, _: &mut Vec<Effect>) -> bool {
    false
}
