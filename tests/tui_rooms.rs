//! The room shape: every route has a room whose contexts end in [global], whose hint-bar
//! offers all have a key where they are offered, and whose verbs are bound, described and
//! hidden on read-only profiles.

mod support;

use mlops_console::app::commands::{help, hints};
use mlops_console::app::keymap::{Context, Keymap};
use mlops_console::app::screens::{room, verbs};
use mlops_console::app::{Action, ScreenId, ScreenRoute};
use mlops_console::ops::models::Source;

use support::{new_state, session};

/// One route of every kind the console has.
fn routes() -> Vec<ScreenRoute> {
    let mut routes: Vec<ScreenRoute> = ScreenId::ALL
        .into_iter()
        .filter(|id| id.is_available())
        .map(ScreenRoute::Screen)
        .collect();
    let name = "churn".to_string();
    routes.extend([
        ScreenRoute::ExperimentDetail {
            experiment_id: "1".into(),
        },
        ScreenRoute::Runs {
            experiment_id: "1".into(),
        },
        ScreenRoute::RunDetail { run_id: "r".into() },
        ScreenRoute::Sweep { run_id: "r".into() },
        ScreenRoute::Compare {
            run_ids: vec!["a".into(), "b".into()],
        },
        ScreenRoute::Training {
            experiment_id: "1".into(),
        },
        ScreenRoute::ModelDetail {
            name: name.clone(),
            source: Source::UnityCatalog,
        },
        ScreenRoute::Endpoint { name: name.clone() },
        ScreenRoute::EndpointLogs {
            name: name.clone(),
            entity: "a".into(),
        },
        ScreenRoute::AbView { name: name.clone() },
        ScreenRoute::Canary { name },
        ScreenRoute::FeatureTable {
            name: "main.features.t".into(),
        },
    ]);
    routes
}

#[test]
fn every_room_ends_in_global_and_offers_only_bound_actions() {
    let keymap = Keymap::default();
    for route in routes() {
        let r = room(&route);
        let contexts = r.contexts();
        assert_eq!(contexts.last(), Some(&Context::Global), "{route:?}");
        let mut state = new_state(session());
        state.size = (200, 40);
        state.push_route(route.clone());
        for (action, _) in r.offers(&state, &route) {
            // Back is offered only where there is somewhere to go; the rest must have a key.
            assert!(
                !keymap.keys_for(contexts, action).is_empty(),
                "{route:?} offers {action:?} but no context binds it"
            );
        }
        let shown = hints(&state);
        assert!(!shown.is_empty(), "{route:?} has an empty hint bar");
        assert!(
            shown
                .iter()
                .all(|h| !h.keys.is_empty() && !h.label.is_empty()),
            "{route:?}: {shown:?}"
        );
    }
}

#[test]
fn every_verb_has_a_default_key_a_label_and_a_help_line() {
    let keymap = Keymap::default();
    for id in ScreenId::ALL {
        for verb in verbs(id) {
            let action = Action::Verb(verb);
            assert!(!action.label().is_empty() && !action.description().is_empty());
            assert!(
                !keymap.keys_for(&[Context::Room(id)], action).is_empty(),
                "{} has no key",
                verb.name
            );
        }
    }
}

#[test]
fn help_sections_follow_the_room_contexts() {
    let mut state = new_state(session());
    state.push_route(ScreenRoute::Screen(ScreenId::Audit));
    let titles: Vec<&str> = help(&state).iter().map(|s| s.title).collect();
    assert_eq!(
        titles,
        [
            "Audit",
            "Lists",
            "Everywhere",
            "In the : palette and / filter"
        ]
    );
}

#[test]
fn context_names_are_unique_and_verbs_are_reachable() {
    let names: Vec<&str> = Context::all().into_iter().map(Context::name).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    for id in ScreenId::ALL {
        if verbs(id).is_empty() {
            continue;
        }
        assert!(
            room(&ScreenRoute::Screen(id))
                .contexts()
                .contains(&Context::Room(id)),
            "{id}: its verbs are in no context of its room"
        );
        for verb in verbs(id) {
            assert!(
                Action::from_name(verb.name).is_none(),
                "verb {} hides the built-in action of that name",
                verb.name
            );
        }
    }
}

/// Typing a filter on Approvals or Audit offers keep / clear (it used to show only quit).
#[test]
fn typing_a_filter_offers_keep_and_clear_on_every_list() {
    for id in [ScreenId::Approvals, ScreenId::Audit, ScreenId::Models] {
        let mut d = support::Driver::new(session());
        d.send(mlops_console::app::Msg::Action(Action::Goto(id)));
        d.char('/');
        let bar: Vec<String> = hints(&d.state)
            .into_iter()
            .map(|h| format!("{} {}", h.keys, h.label))
            .collect();
        assert_eq!(bar, ["enter keep filter", "esc clear"], "{id}");
    }
}
