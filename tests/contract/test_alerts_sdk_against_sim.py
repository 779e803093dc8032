"""The official Databricks SDK drives the simulator's SQL alerts v2 (`w.alerts_v2`): the demo's
alerts listed (one TRIGGERED on the drift metrics table, one OK) and read one by one, an alert
created, updated through an update_mask, and trashed — each request understood by the
simulator (no rejected request)."""

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import (
    AlertEvaluationState,
    AlertLifecycleState,
    AlertV2,
    AlertV2Evaluation,
    AlertV2Operand,
    AlertV2OperandColumn,
    AlertV2OperandValue,
    ComparisonOperator,
    CronSchedule,
)

DRIFT = "`main`.`ml`.`churn_inference_drift_metrics`"


@pytest.fixture(scope="module")
def w(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.token, auth_type="pat")


def test_the_demo_alerts_are_listed_and_read(w):
    alerts = list(w.alerts_v2.list_alerts(page_size=1))
    assert [a.evaluation.state for a in alerts] == [
        AlertEvaluationState.TRIGGERED,
        AlertEvaluationState.OK,
    ]
    for a in alerts:
        assert DRIFT in a.query_text
        assert a.evaluation.last_evaluated_at
        assert a.lifecycle_state == AlertLifecycleState.ACTIVE
        got = w.alerts_v2.get_alert(a.id)
        assert got.display_name == a.display_name
        assert got.evaluation.comparison_operator == ComparisonOperator.GREATER_THAN
        assert got.evaluation.threshold.value.double_value == 0.25


def test_an_alert_is_created_updated_and_trashed(w):
    warehouse = next(iter(w.warehouses.list())).id
    created = w.alerts_v2.create_alert(
        AlertV2(
            display_name="sdk drift alert",
            query_text=f"SELECT max(js_distance) AS value FROM {DRIFT}",
            warehouse_id=warehouse,
            evaluation=AlertV2Evaluation(
                source=AlertV2OperandColumn(name="value"),
                comparison_operator=ComparisonOperator.GREATER_THAN,
                threshold=AlertV2Operand(value=AlertV2OperandValue(double_value=0.1)),
            ),
            schedule=CronSchedule(quartz_cron_schedule="0 0 * * * ?", timezone_id="UTC"),
        )
    )
    assert created.id
    assert created.lifecycle_state == AlertLifecycleState.ACTIVE
    assert created.evaluation.state == AlertEvaluationState.UNKNOWN
    assert any(a.id == created.id for a in w.alerts_v2.list_alerts())

    created.custom_summary = "drift over 0.2"
    created.evaluation.threshold.value.double_value = 0.2
    updated = w.alerts_v2.update_alert(created.id, created, "custom_summary,evaluation")
    assert updated.custom_summary == "drift over 0.2"
    assert w.alerts_v2.get_alert(created.id).evaluation.threshold.value.double_value == 0.2

    w.alerts_v2.trash_alert(created.id)
    assert not any(a.id == created.id for a in w.alerts_v2.list_alerts())
    assert w.alerts_v2.get_alert(created.id).lifecycle_state == AlertLifecycleState.DELETED
