use super::*;

#[test]
fn the_demo_has_one_triggered_and_one_ok_alert_on_the_drift_table() {
    let demo = SqlAlerts::demo(1_767_225_600_000 + 1_234_567);
    let states: Vec<String> = demo.alerts.iter().map(|a| a.state().to_string()).collect();
    assert_eq!(states, ["TRIGGERED", "OK"]);
    for a in &demo.alerts {
        assert!(a.query_text.contains("churn_inference_drift_metrics"));
        assert_eq!(a.last_evaluated_at(), Some("2026-01-01T00:00:00.000Z"));
    }
}
