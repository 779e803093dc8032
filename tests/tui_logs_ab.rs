//! The logs and A/B views driven through `update`: opening them from the endpoint screen,
//! which fetches they make, search and follow, stale lines on a failed refresh, the A/B pair
//! and window.

mod support;

use crossterm::event::KeyCode;
use mlops_console::app::screens::ab;
use mlops_console::app::screens::logs::{LogKind, match_position};
use mlops_console::app::{Fetch, Msg, ResourceKey, ScreenRoute};
use support::logs::{build_log, server_log};
use support::*;

fn endpoint(stable_pct: u32) -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(stable_pct, false), 3);
    d
}

/// The endpoint with the canary selected, its logs open and the server log answered.
fn logs_open() -> Driver {
    let mut d = endpoint(90);
    d.char('j');
    d.char('l');
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    d
}

fn tick(d: &mut Driver, after_ms: i64) {
    let now = d.state.now_ms + after_ms;
    d.send(Msg::Tick { now_ms: now });
}

#[test]
fn l_opens_the_server_log_of_the_selected_entity_and_keeps_the_metrics_polling() {
    let mut d = endpoint(90);
    d.char('j');
    d.char('l');
    assert_eq!(
        d.state.route(),
        &ScreenRoute::EndpointLogs {
            name: CHURN_PROD.into(),
            entity: "churn_model-5".into()
        }
    );
    assert_eq!(
        d.fetch_of(ResourceKey::ServerLogs),
        Some(Fetch::EntityLogs {
            name: CHURN_PROD.into(),
            entity: "churn_model-5".into(),
            kind: LogKind::Server
        })
    );
    assert!(
        d.try_req(ResourceKey::BuildLogs).is_none(),
        "only the log on screen"
    );
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    assert_eq!(d.state.logs.lines().len(), 40);
    assert_eq!(
        d.state.logs.server.view.selected, 39,
        "opens on the newest line"
    );
    assert!(!d.state.logs.follow);
    assert!(d.state.logs.lines()[18].contains(r"colour\x1b[31m escape and    tab"));

    tick(&mut d, 2_000);
    assert!(
        d.try_req(ResourceKey::EndpointMetrics).is_some(),
        "the endpoint's metrics keep polling under its logs: {:?}",
        d.effects
    );
    assert!(
        d.try_req(ResourceKey::ServerLogs).is_none(),
        "not following: the log is read once"
    );

    // Leaving and opening the logs again reads them afresh.
    d.key(KeyCode::Esc);
    d.char('l');
    assert!(d.try_req(ResourceKey::ServerLogs).is_some());
    assert_eq!(
        d.state.logs.lines().len(),
        40,
        "the old lines show meanwhile"
    );
}

#[test]
fn tab_switches_to_the_build_log() {
    let mut d = logs_open();
    d.key(KeyCode::Tab);
    assert_eq!(d.state.logs.kind, LogKind::Build);
    assert!(matches!(
        d.fetch_of(ResourceKey::BuildLogs),
        Some(Fetch::EntityLogs {
            kind: LogKind::Build,
            ..
        })
    ));
    d.answer_logs(Ok(server_log(0)), Ok(build_log()));
    assert_eq!(d.state.logs.lines().len(), 7);
    // Back to the server log: already read, not fetched again.
    d.key(KeyCode::Tab);
    assert_eq!(d.state.logs.kind, LogKind::Server);
    assert!(d.try_req(ResourceKey::ServerLogs).is_none());
    assert_eq!(d.state.logs.lines().len(), 40);
}

#[test]
fn search_jumps_between_matching_lines() {
    let mut d = logs_open();
    d.char('/');
    d.type_text("warn");
    assert_eq!(
        d.state.logs.server.view.selected, 3,
        "typing moves to the first match"
    );
    d.key(KeyCode::Enter);
    assert!(!d.state.logs.search.filtering);
    assert_eq!(match_position(&d.state.logs), (Some(1), 6));
    d.char('n');
    assert_eq!(d.state.logs.server.view.selected, 10);
    assert_eq!(match_position(&d.state.logs), (Some(2), 6));
    d.char('N');
    d.char('N');
    assert_eq!(
        d.state.logs.server.view.selected, 38,
        "wraps to the last match"
    );
    // Esc clears the search first, then leaves.
    d.key(KeyCode::Esc);
    assert_eq!(d.state.logs.search.filter_text(), "");
    assert!(matches!(d.state.route(), ScreenRoute::EndpointLogs { .. }));
    d.key(KeyCode::Esc);
    assert!(matches!(d.state.route(), ScreenRoute::Endpoint { .. }));
}

#[test]
fn follow_polls_the_log_on_screen_until_the_view_leaves_the_bottom() {
    let mut d = logs_open();
    d.char('f');
    assert!(d.state.logs.follow);
    assert_eq!(d.state.logs.server.view.selected, 39);
    let req = d.req(ResourceKey::ServerLogs);
    d.answer(
        req,
        mlops_console::app::Payload::EntityLogs(
            mlops_console::app::screens::logs::LogSource {
                name: CHURN_PROD.into(),
                entity: "churn_model-5".into(),
                kind: LogKind::Server,
            },
            Ok(server_log(3)),
        ),
    );
    assert_eq!(
        d.state.logs.server.view.selected, 42,
        "kept on the newest line"
    );

    tick(&mut d, 2_000);
    assert!(
        d.try_req(ResourceKey::ServerLogs).is_some(),
        "polled while following"
    );
    d.answer_logs(Ok(server_log(5)), Ok(build_log()));
    assert_eq!(d.state.logs.server.view.selected, 44);

    d.char('k');
    assert!(!d.state.logs.follow, "leaving the bottom stops following");
    tick(&mut d, 2_000);
    assert!(d.try_req(ResourceKey::ServerLogs).is_none());

    d.char('G');
    assert!(d.state.logs.follow, "G follows again");
    assert!(d.try_req(ResourceKey::ServerLogs).is_some());
}

#[test]
fn a_failed_refresh_keeps_the_lines() {
    let mut d = logs_open();
    d.char('f');
    d.answer_logs(Err(server_error()), Ok(build_log()));
    assert_eq!(d.state.logs.lines().len(), 40, "stale lines stay");
    assert!(d.state.logs.server.lines.error.is_some());
    let screen = format!("{}", d.render(100, 30).backend());
    assert!(screen.contains("refresh failed"), "{screen}");
    assert!(screen.contains("POST /invocations"), "{screen}");
}

#[test]
fn a_opens_the_ab_view_with_the_stable_entity_as_a() {
    let mut d = endpoint(90);
    d.char('j');
    d.char('A');
    assert_eq!(
        d.state.route(),
        &ScreenRoute::AbView {
            name: CHURN_PROD.into()
        }
    );
    assert_eq!(
        ab::pair(&d.state),
        Some(("churn_model-4".into(), "churn_model-5".into()))
    );
    tick(&mut d, 2_000);
    assert!(
        d.try_req(ResourceKey::EndpointMetrics).is_some(),
        "metrics keep polling"
    );

    // With the canary holding the larger share it is A, whatever is selected.
    let mut d = endpoint(10);
    d.char('A');
    assert_eq!(
        ab::pair(&d.state),
        Some(("churn_model-5".into(), "churn_model-4".into()))
    );
    // Two entities: j has no other B to pick.
    d.char('j');
    assert_eq!(
        ab::pair(&d.state).map(|p| p.1),
        Some("churn_model-4".into())
    );
}

#[test]
fn w_cycles_the_ab_window() {
    let mut d = endpoint(90);
    d.char('A');
    assert_eq!(d.state.ab.window_ms(), 300_000);
    d.char('w');
    assert_eq!(d.state.ab.window_ms(), 900_000);
    let screen = format!("{}", d.render(100, 30).backend());
    assert!(screen.contains("15m window, 4s of data so far"), "{screen}");
    d.char('w');
    d.char('w');
    assert_eq!(d.state.ab.window_ms(), 60_000);
}

/// churn-prod logging into `main.ml.churn_prod_payload` through the AI Gateway.
fn logging_endpoint() -> mlops_console::api::models::serving::ServingEndpoint {
    let mut v = serde_json::to_value(churn_prod(90, false)).unwrap();
    v["ai_gateway"] = serde_json::json!({"inference_table_config": {
        "catalog_name": "main", "schema_name": "ml", "table_name_prefix": "churn_prod",
        "enabled": true
    }});
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_ab_quality_row_reads_the_inference_tables_monitor_and_shows_each_versions_latest_value() {
    use mlops_console::app::Payload;
    use mlops_console::app::screens::RoomLoaded;
    use mlops_console::app::screens::ab::quality::{
        AbQuality, Fetch as QualityFetch, Loaded, QUALITY, Side, SideQuality,
    };

    let mut d = Driver::new(session());
    d.open_endpoint(logging_endpoint(), 3);
    d.char('A');
    let req = d.req(ResourceKey::Room(QUALITY));
    let side = |version: &str| Side {
        entity: format!("churn_model-{version}"),
        model: "main.ml.churn_model".into(),
        version: version.into(),
    };
    let want = QualityFetch {
        endpoint: CHURN_PROD.into(),
        a: Box::new(side("4")),
        b: Box::new(side("5")),
    };
    assert!(
        d.effects.iter().any(|e| matches!(e,
            mlops_console::app::Effect::Fetch { fetch: Fetch::Room(mlops_console::app::screens::RoomFetch::Ab(f)), .. } if *f == want)),
        "{:?}",
        d.effects
    );
    let screen = format!("{}", d.render(100, 30).backend());
    assert!(
        screen.contains("reading the endpoint's monitor"),
        "{screen}"
    );

    // Read once: the next tick does not ask again.
    tick(&mut d, 2_000);
    assert!(d.try_req(ResourceKey::Room(QUALITY)).is_none());

    d.answer(
        req,
        Payload::Room(RoomLoaded::Ab(Loaded {
            fetch: want.clone(),
            result: Ok(AbQuality::Values {
                metric: "accuracy_score".into(),
                monitored: "main.ml.churn_inference".into(),
                table: "main.ml.churn_inference_profile_metrics".into(),
                a: Some(SideQuality {
                    value: 0.7412,
                    window: "2026-12-06 00:00".into(),
                }),
                b: None,
            }),
        })),
    );
    let screen = format!("{}", d.render(100, 30).backend());
    assert!(screen.contains("accuracy (latest window)"), "{screen}");
    assert!(screen.contains("0.741 (2026-12-06)"), "{screen}");
    assert!(screen.contains("no labeled window"), "{screen}");
    assert!(screen.contains("main.ml.churn_inference"), "{screen}");

    // A late answer for another pair is not shown as this one's.
    let mut other = want.clone();
    other.b.version = "6".into();
    d.answer(
        req,
        Payload::Room(RoomLoaded::Ab(Loaded {
            fetch: other,
            result: Ok(AbQuality::Unavailable("stale".into())),
        })),
    );
    assert!(matches!(
        d.state.ab.quality.data,
        Some(AbQuality::Values { .. })
    ));
}

#[test]
fn an_endpoint_without_a_linked_table_says_so_in_the_quality_row() {
    use mlops_console::app::Payload;
    use mlops_console::app::screens::RoomLoaded;
    use mlops_console::app::screens::ab::quality::{AbQuality, Loaded, QUALITY};

    // No inference table: a table may still name the endpoint (config, table property), so the
    // row is read; the runtime's answer says what is missing.
    let mut d = endpoint(90);
    d.char('A');
    let req = d.req(ResourceKey::Room(QUALITY));
    let fetch = d
        .state
        .ab
        .quality_of
        .clone()
        .expect("the row was asked for");
    let why = "no table linked to churn-prod: no inference table; set [monitoring] endpoints or \
               the table property mlops.endpoint";
    d.answer(
        req,
        Payload::Room(RoomLoaded::Ab(Loaded {
            fetch,
            result: Ok(AbQuality::Unavailable(why.into())),
        })),
    );
    let screen = format!("{}", d.render(160, 30).backend());
    assert!(
        screen.contains("quality  no table linked to churn-prod"),
        "{screen}"
    );
}
