//! The Monitoring room without a runtime: what it asks for and what it gives up.

mod support;

use crossterm::event::KeyCode;

use mlops_console::app::msg::ResourceKey;
use mlops_console::app::screens::monitoring::{DRIFT, QUALITY};
use mlops_console::app::{Effect, ScreenRoute};
use support::{Driver, session};

#[test]
fn leaving_a_table_aborts_its_sql_reads_so_their_statements_are_cancelled() {
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("mon main.ml.churn_inference");
    d.key(KeyCode::Enter);
    assert!(matches!(d.state.route(), ScreenRoute::Monitor { .. }));
    assert!(d.state.monitoring.drift.is_loading());
    assert!(d.state.monitoring.quality.is_loading());
    let fx = d.key(KeyCode::Esc).clone();
    let aborted: Vec<ResourceKey> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::AbortFetch { key } => Some(*key),
            _ => None,
        })
        .collect();
    assert_eq!(
        aborted,
        vec![ResourceKey::Room(DRIFT), ResourceKey::Room(QUALITY)]
    );
    assert!(
        !d.state.monitoring.drift.is_loading(),
        "nothing left loading"
    );
    // Back on the table, the reads start again.
    d.char(':');
    d.type_text("mon main.ml.churn_inference");
    d.key(KeyCode::Enter);
    assert!(d.state.monitoring.drift.is_loading());
}

#[test]
fn moving_within_the_table_aborts_nothing() {
    let mut d = Driver::new(session());
    d.char(':');
    d.type_text("mon main.ml.churn_inference");
    d.key(KeyCode::Enter);
    for c in ['j', 'h', 'v', 'v', 'v'] {
        let fx = d.char(c).clone();
        assert!(
            !fx.iter().any(|e| matches!(e, Effect::AbortFetch { .. })),
            "{c} stays on the table"
        );
    }
}

#[test]
fn slash_filters_the_monitors_list() {
    let mut d = Driver::new(session());
    d.char('6');
    assert!(!d.state.monitoring.monitors_view.filtering);
    d.char('/');
    assert!(
        d.state.monitoring.monitors_view.filtering,
        "/ starts the filter on the monitors list"
    );
    d.type_text("churn");
    assert_eq!(d.state.monitoring.monitors_view.needle(), "churn");
    d.key(KeyCode::Esc);
    assert!(!d.state.monitoring.monitors_view.filtering);
}
