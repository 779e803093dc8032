//! The canary's abort dialog beside a third entity with traffic: it says the split goes back
//! to where the plan started (the third entity's share included), not "stable back to 100%";
//! a plan without one keeps the plain wording.

mod support;

use crossterm::event::KeyCode;
use mlops_console::app::Overlay;
use mlops_console::ops::canary::CanaryState;
use mlops_console::ops::traffic::{EndpointConfigState, Split};
use support::*;

const THIRD: &str = "churn_model-3";

/// Holding at 25% beside churn_model-3, which served 20% when the plan started.
fn beside_a_third_entity() -> CanaryState {
    let mut s = holding_inconclusive();
    s.split_at_start = Some(Split::new(&[(STABLE, 80), (CANARY, 0), (THIRD, 20)]));
    let live = Split::new(&[(STABLE, 60), (CANARY, 25), (THIRD, 15)]);
    s.expected = Some(live.clone());
    s.endpoint = Some(EndpointConfigState {
        routes: live,
        ..Default::default()
    });
    s
}

fn abort_dialog(state: CanaryState) -> String {
    let mut d = Driver::new(session());
    d.open_canary_panel();
    d.char('n');
    d.key(KeyCode::Enter);
    d.char('y');
    d.canary_step(state, vec![]);
    d.char('X');
    assert!(matches!(d.state.overlay, Overlay::Confirm(_)));
    d.screen_text(120, 30)
}

#[test]
fn aborting_beside_a_third_entity_names_the_split_it_goes_back_to() {
    let text = abort_dialog(beside_a_third_entity());
    assert!(text.contains("churn_model-5 25% → 0%"), "{text}");
    assert!(
        text.contains("back to churn_model-4=80, churn_model-3=20"),
        "{text}"
    );
    assert!(
        text.contains("traffic goes back to the split it started from"),
        "{text}"
    );
    assert!(!text.contains("back to 100%"), "{text}");
}

#[test]
fn aborting_with_two_entities_keeps_the_plain_wording() {
    let text = abort_dialog(holding_inconclusive());
    assert!(
        text.contains("churn_model-5 25% → 0%, churn_model-4 back to 100%"),
        "{text}"
    );
    assert!(
        text.contains("all traffic goes back to the stable entity"),
        "{text}"
    );
}
