//! Snapshots of the serving screens (fixed clock, fixture endpoint and scrapes): the endpoint
//! list with traffic bars, one endpoint with its live charts, and an endpoint mid-update with
//! the pending config as a diff. Plus no-panic renders at sizes from 1x1 to 200x60.

mod support;

use mlops_console::app::{Msg, ScreenRoute};
use support::*;

fn serving_list() -> Driver {
    let mut d = Driver::new(session());
    d.answer_serving(&churn_prod(90, false), 0);
    d.char('5');
    d
}

fn endpoint(updating: bool, scrapes: i64) -> Driver {
    let mut d = Driver::new(session());
    d.open_endpoint(churn_prod(90, updating), scrapes);
    d
}

#[test]
fn serving_list_with_traffic_bars() {
    insta::assert_snapshot!(
        "serving_list_120x20",
        serving_list().render(120, 20).backend()
    );
}

#[test]
fn endpoint_detail_with_live_charts() {
    let d = endpoint(false, 31);
    assert_eq!(
        d.state.route(),
        &ScreenRoute::Endpoint {
            name: CHURN_PROD.into()
        }
    );
    assert_eq!(d.state.endpoint_history().snapshots.len(), 31);
    insta::assert_snapshot!("endpoint_120x36", d.render(120, 36).backend());
}

#[test]
fn endpoint_detail_follows_the_selected_entity() {
    let mut d = endpoint(false, 31);
    d.char('j');
    assert_eq!(
        d.state.serving.selected_entity().as_deref(),
        Some("churn_model-5")
    );
    insta::assert_snapshot!(
        "endpoint_canary_selected_100x30",
        d.render(100, 30).backend()
    );
}

#[test]
fn endpoint_mid_update_shows_the_pending_config() {
    insta::assert_snapshot!(
        "endpoint_updating_100x30",
        endpoint(true, 3).render(100, 30).backend()
    );
}

#[test]
fn the_metrics_poll_follows_only_the_endpoint_on_screen() {
    let mut d = endpoint(false, 3);
    d.key(crossterm::event::KeyCode::Esc);
    d.send(Msg::Tick {
        now_ms: NOW + 60_000,
    });
    assert!(
        d.try_req(mlops_console::app::ResourceKey::EndpointMetrics)
            .is_none(),
        "no scrape once the endpoint is off screen: {:?}",
        d.effects
    );
}

#[test]
fn no_panic_at_any_size() {
    let sizes = [(1, 1), (2, 2), (10, 3), (20, 5), (80, 24), (200, 60)];
    let states = vec![
        ("list", serving_list()),
        ("endpoint", endpoint(false, 31)),
        ("updating", endpoint(true, 2)),
        ("one scrape", endpoint(false, 1)),
    ];
    for (name, d) in &states {
        for (w, h) in sizes {
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| d.render(w, h)))
                .unwrap_or_else(|_| panic!("{name} panicked at {w}x{h}"));
        }
    }
}

#[test]
fn a_failed_entity_says_why() {
    use mlops_console::api::models::serving::{DeploymentState, ServedEntityState};
    let mut ep = churn_prod(90, false);
    ep.config.as_mut().unwrap().served_entities[1].state = Some(ServedEntityState {
        deployment: Some(DeploymentState::Failed),
        deployment_state_message: Some(
            "Container failed to start: ModuleNotFoundError: No module named 'xgboost'".into(),
        ),
    });
    let mut d = Driver::new(session());
    d.open_endpoint(ep, 2);
    let text = d.screen_text(100, 30);
    assert!(
        text.contains("churn_model-5: Container failed to start: ModuleNotFoundError"),
        "{text}"
    );
}
