//! Transition tests of the pure `update`: no terminal, no tokio, no network.

mod support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use mlops_console::app::keymap::Keymap;
use mlops_console::app::remote::LoadError;
use mlops_console::app::{
    Effect, Fetch, Msg, Overlay, Payload, ResourceKey, ScreenId, ScreenRoute, ToastLevel,
};
use mlops_console::theme::Theme;
use support::*;

fn route(d: &Driver) -> ScreenRoute {
    d.state.route().clone()
}

#[test]
fn start_loads_the_overview_panels() {
    let d = Driver::new(session());
    for key in [
        ResourceKey::Me,
        ResourceKey::ExperimentCount,
        ResourceKey::UcModelCount,
        ResourceKey::WorkspaceModelCount,
        ResourceKey::ServingEndpoints,
        ResourceKey::Approvals,
        ResourceKey::Journal,
        ResourceKey::Room(mlops_console::app::screens::jobs::ATTENTION),
        ResourceKey::Room(mlops_console::app::screens::alerts::EVALUATE),
    ] {
        assert!(d.try_req(key).is_some(), "{key:?} not requested");
    }
    assert_eq!(d.state.loading_count(), 9);
}

#[test]
fn number_keys_and_esc_back_stack() {
    let mut d = Driver::new(session());
    d.char('2');
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Experiments));
    assert!(matches!(
        d.fetch_of(ResourceKey::ExperimentList),
        Some(Fetch::Experiments {
            page_token: None,
            ..
        })
    ));
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, experiments_page(experiments(), None, false));

    d.key(KeyCode::Enter);
    assert_eq!(
        route(&d),
        ScreenRoute::Runs {
            experiment_id: "3487120091811234".into()
        }
    );
    d.char('i');
    assert_eq!(
        route(&d),
        ScreenRoute::ExperimentDetail {
            experiment_id: "3487120091811234".into()
        }
    );
    d.key(KeyCode::Esc);
    d.key(KeyCode::Esc);
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Experiments));
    d.key(KeyCode::Esc);
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Overview));
    d.key(KeyCode::Esc);
    assert_eq!(
        route(&d),
        ScreenRoute::Screen(ScreenId::Overview),
        "the root stays"
    );
    assert!(!d.state.quit);

    // Jumping to a screen already on the stack returns to it instead of growing the stack.
    d.char('2');
    d.char('1');
    assert_eq!(d.state.nav.len(), 1);
}

#[test]
fn key_7_opens_features_and_reads_the_feature_tables() {
    let mut d = Driver::new(session());
    d.char('7');
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Features));
    assert!(
        d.try_req(ResourceKey::Room(
            mlops_console::app::screens::features::LIST
        ))
        .is_some(),
        "{:?}",
        d.effects
    );
}

#[test]
fn palette_exp_enter_opens_experiments() {
    let mut d = Driver::new(session());
    d.char(':');
    assert!(matches!(d.state.overlay, Overlay::Palette(_)));
    d.type_text("exp");
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.overlay, Overlay::None));
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Experiments));
    assert!(d.try_req(ResourceKey::ExperimentList).is_some());
}

#[test]
fn palette_tab_completes_screens_and_loaded_experiment_names() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.char(':');
    d.type_text("ov");
    d.key(KeyCode::Tab);
    let Overlay::Palette(p) = &d.state.overlay else {
        panic!("palette closed")
    };
    assert_eq!(p.input.value(), "overview");

    d.key(KeyCode::Esc);
    d.char(':');
    d.type_text("exp fraud");
    d.key(KeyCode::Tab);
    let Overlay::Palette(p) = &d.state.overlay else {
        panic!("palette closed")
    };
    assert_eq!(p.input.value(), "experiments /Shared/fraud/training");
    d.key(KeyCode::Enter);
    assert_eq!(
        route(&d),
        ScreenRoute::Runs {
            experiment_id: "3487120091811301".into()
        }
    );
}

#[test]
fn palette_theme_quit_and_q_typing() {
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("theme light");
    d.key(KeyCode::Enter);
    assert_eq!(
        d.effects,
        vec![Effect::LoadTheme {
            name: "light".into()
        }]
    );
    d.send(Msg::ThemeLoaded {
        theme: Box::new(Theme::builtin("light").unwrap()),
        warnings: vec![],
    });
    assert_eq!(d.state.theme.name(), "light");

    d.char(':');
    d.char('q');
    assert!(!d.state.quit, "q types into the palette");
    d.key(KeyCode::Enter);
    assert!(d.state.quit, ":q quits");
}

#[test]
fn unknown_palette_command_is_reported() {
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("frobnicate");
    d.key(KeyCode::Enter);
    let toast = d.state.toasts.last().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.contains("unknown command: frobnicate"));
}

#[test]
fn filter_narrows_rows_and_esc_clears() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    let all = d.state.experiments.visible(NOW).len();
    assert_eq!(all, 6);

    d.char('/');
    d.type_text("CHURN");
    let names: Vec<String> = d
        .state
        .experiments
        .visible(NOW)
        .iter()
        .map(|i| d.state.experiments.rows()[*i].name.clone())
        .collect();
    assert_eq!(
        names,
        vec![
            "/Shared/churn/training",
            "/Users/jane.doe@acme.com/churn-sweep"
        ]
    );
    // tags are a visible column too
    d.key(KeyCode::Esc);
    assert_eq!(d.state.experiments.visible(NOW).len(), all);
    d.char('/');
    d.type_text("team=risk");
    assert_eq!(d.state.experiments.visible(NOW).len(), 1);

    // q types into the filter rather than quitting
    d.char('q');
    assert!(!d.state.quit);
    assert_eq!(d.state.experiments.view.filter_text(), "team=riskq");

    // Enter keeps the filter; Esc (now "back") clears it before leaving the screen
    d.key(KeyCode::Backspace);
    d.key(KeyCode::Enter);
    assert!(!d.state.experiments.view.filtering);
    assert_eq!(d.state.experiments.visible(NOW).len(), 1);
    d.key(KeyCode::Esc);
    assert_eq!(d.state.experiments.visible(NOW).len(), all);
    assert_eq!(route(&d), ScreenRoute::Screen(ScreenId::Experiments));
}

#[test]
fn stale_result_is_dropped() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.char('r');
    let older = d.req(ResourceKey::ExperimentList);
    d.char('r');
    let newer = d.req(ResourceKey::ExperimentList);
    assert!(newer > older);

    let fresh = many_experiments(0, 3);
    d.answer(newer, experiments_page(fresh.clone(), None, false));
    // The older request answers last: ignored.
    d.answer(
        older,
        experiments_page(many_experiments(50, 9), None, false),
    );
    assert_eq!(d.state.experiments.rows(), fresh.as_slice());
    assert!(!d.state.experiments.list.is_loading());
}

#[test]
fn refresh_error_keeps_rows_and_toasts_once() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.char('r');
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, Payload::Experiments(Err(server_error())));
    assert_eq!(d.state.experiments.rows().len(), 6, "rows stay");
    assert!(matches!(
        d.state.experiments.list.error,
        Some(LoadError::Failed(_))
    ));
    let toasts = d.state.toasts.len();
    let toast = d.state.toasts.last().unwrap();
    assert_eq!(toast.level, ToastLevel::Error);
    assert!(toast.text.starts_with("experiments: "), "{toast:?}");

    // The same error again (periodic refresh) does not toast again.
    d.char('r');
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, Payload::Experiments(Err(server_error())));
    assert_eq!(d.state.toasts.len(), toasts);
}

#[test]
fn api_not_on_this_server_is_not_an_error() {
    let mut d = Driver::new(session());
    d.answer_overview(true);
    assert!(d.state.overview.uc_models.is_unavailable());
    assert!(d.state.serving.endpoints.is_unavailable());
    assert!(d.state.toasts.is_empty(), "{:?}", d.state.toasts);
    // and the periodic refresh leaves unavailable APIs alone
    d.send(Msg::Tick {
        now_ms: NOW + 11_000,
    });
    assert!(d.try_req(ResourceKey::ExperimentCount).is_some());
    assert!(d.try_req(ResourceKey::UcModelCount).is_none());
}

#[test]
fn help_toggles_and_q_closes_it() {
    let mut d = Driver::new(session());
    d.char('?');
    assert!(matches!(d.state.overlay, Overlay::Help { .. }));
    d.char('?');
    assert!(matches!(d.state.overlay, Overlay::None));
    d.char('?');
    d.char('q');
    assert!(matches!(d.state.overlay, Overlay::None));
    assert!(!d.state.quit, "q closes help first");
    d.char('q');
    assert!(d.state.quit);
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    for open in [None, Some(':'), Some('?')] {
        let mut d = Driver::new(session());
        if let Some(c) = open {
            d.char(c);
        }
        d.send(Msg::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )));
        assert!(d.state.quit, "after {open:?}");
    }
}

#[test]
fn scrolling_near_the_end_loads_the_next_page() {
    let mut d = Driver::new(session());
    d.open_experiments(many_experiments(0, 100), Some("page-2"));
    assert_eq!(d.try_req(ResourceKey::ExperimentList), None);
    d.char('G');
    assert_eq!(
        d.fetch_of(ResourceKey::ExperimentList),
        Some(Fetch::Experiments {
            page_token: Some("page-2".into()),
            min_rows: 0
        })
    );
    let req = d.req(ResourceKey::ExperimentList);
    d.answer(req, experiments_page(many_experiments(100, 50), None, true));
    assert_eq!(d.state.experiments.rows().len(), 150);
    assert!(!d.state.experiments.has_more());
    // the selection stayed on the row it was on
    assert_eq!(
        d.state.experiments.selected(NOW).unwrap().name,
        "/Shared/exp-0099"
    );
    // a refresh reloads everything that was scrolled to
    d.char('r');
    assert_eq!(
        d.fetch_of(ResourceKey::ExperimentList),
        Some(Fetch::Experiments {
            page_token: None,
            min_rows: 150
        })
    );
}

#[test]
fn a_filter_matching_little_keeps_paging() {
    let mut d = Driver::new(session());
    d.open_experiments(many_experiments(0, 100), Some("p2"));
    d.char('/');
    d.type_text("exp-01");
    // 10 matches (exp-0100.. are on later pages): near the end, so the next page is asked for
    assert_eq!(
        d.fetch_of(ResourceKey::ExperimentList),
        Some(Fetch::Experiments {
            page_token: Some("p2".into()),
            min_rows: 0
        })
    );
}

#[test]
fn periodic_refresh_only_for_the_visible_screen() {
    let mut d = Driver::new(session());
    d.answer_overview(false);
    d.send(Msg::Tick {
        now_ms: NOW + 5_000,
    });
    assert!(d.effects.is_empty(), "not due yet");
    d.open_experiments(experiments(), None); // answered at NOW + 5s
    d.send(Msg::Tick {
        now_ms: NOW + 14_000,
    });
    assert!(d.effects.is_empty());
    d.send(Msg::Tick {
        now_ms: NOW + 15_000,
    });
    assert!(d.try_req(ResourceKey::ExperimentList).is_some());
    assert!(
        d.try_req(ResourceKey::Me).is_none(),
        "hidden screen does not poll"
    );
}

#[test]
fn y_copies_the_selected_id() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.char('j');
    d.char('y');
    assert_eq!(
        d.effects,
        vec![Effect::CopyToClipboard {
            text: "3487120091811301".into()
        }]
    );
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("copied 3487120091811301")
    );
}

#[test]
fn a_panicked_task_becomes_an_error_toast() {
    let mut d = Driver::new(session());
    let req = d.req(ResourceKey::ServingEndpoints);
    d.send(Msg::TaskFailed {
        key: ResourceKey::ServingEndpoints,
        req,
        at_ms: NOW,
        message: "index out of bounds".into(),
    });
    assert!(d.state.serving.endpoints.is_settled());
    assert!(
        d.state
            .toasts
            .last()
            .unwrap()
            .text
            .contains("internal error: index out of bounds")
    );
}

#[test]
fn toasts_expire_with_the_clock() {
    let mut d = Driver::new(session());
    d.state
        .toast(mlops_console::app::ToastLevel::Info, "a toast that expires");
    assert_eq!(d.state.toasts.len(), 1);
    d.send(Msg::Tick {
        now_ms: NOW + 60_000,
    });
    assert!(d.state.toasts.is_empty());
}

#[test]
fn user_keymap_drives_update_and_warnings_toast_at_start() {
    let (keymap, warnings) =
        Keymap::with_overrides("keymap.toml", "[global]\nquit = \"x\"\nbogus = \"z\"\n");
    let state = mlops_console::app::State::new(session(), keymap, Theme::dark(), warnings);
    let mut d = Driver::with_state(state);
    let toast = d.state.toasts.last().expect("warning toast");
    assert!(toast.text.contains("bogus"), "{toast:?}");
    d.char('q');
    assert!(!d.state.quit);
    d.char('x');
    assert!(d.state.quit);
}

#[test]
fn detail_view_steps_through_the_list() {
    let mut d = Driver::new(session());
    d.open_experiments(experiments(), None);
    d.char('i');
    d.char('j');
    assert_eq!(
        route(&d),
        ScreenRoute::ExperimentDetail {
            experiment_id: "3487120091811301".into()
        }
    );
    d.key(KeyCode::Esc);
    assert_eq!(
        d.state.experiments.selected(NOW).unwrap().experiment_id,
        "3487120091811301"
    );
}

#[test]
fn a_dead_server_gives_one_toast_and_config_warnings_stay_visible() {
    let (keymap, warnings) = Keymap::with_overrides("keymap.toml", "[global]\nbogus = \"z\"\n");
    let state = mlops_console::app::State::new(session(), keymap, Theme::dark(), warnings);
    let mut d = Driver::with_state(state);
    let fx = d.effects.clone();
    for e in fx {
        if let Effect::Fetch { req, fetch } = e {
            let payload = match fetch.key() {
                ResourceKey::Me => Payload::Me(Err(server_error())),
                ResourceKey::ExperimentCount => Payload::ExperimentCount(Err(server_error())),
                ResourceKey::UcModelCount => Payload::UcModelCount(Err(server_error())),
                ResourceKey::WorkspaceModelCount => {
                    Payload::WorkspaceModelCount(Err(server_error()))
                }
                ResourceKey::ServingEndpoints => Payload::ServingEndpoints(Err(server_error())),
                _ => continue,
            };
            d.answer(req, payload);
        }
    }
    let texts: Vec<&str> = d.state.toasts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("bogus"));
    assert_eq!(
        texts[1],
        "identity, experiment count, Unity Catalog models, workspace models, serving endpoints: \
         HTTP 503: workspace is temporarily unavailable"
    );
}
