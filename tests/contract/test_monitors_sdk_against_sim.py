"""The official Databricks SDK drives the simulator's table monitors through both APIs: the Data
Quality API (`w.data_quality`: get_monitor, create_refresh, list_refresh, get_refresh,
cancel_refresh) keyed by the table id that `w.tables.get` gives, and the legacy quality monitors
API (`w.quality_monitors`: get, run_refresh, list_refreshes). Both see one store: a refresh run
through one is seen through the other, one refresh runs at a time (409 ResourceConflict), and a
refresh runs PENDING -> RUNNING -> SUCCESS on the simulator's clock."""

import time

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, ResourceConflict
from databricks.sdk.service.catalog import (
    MonitorInfoStatus,
    MonitorInferenceLogProblemType,
    MonitorRefreshInfoState,
    MonitorRefreshInfoTrigger,
)
from databricks.sdk.service.dataquality import (
    AggregationGranularity,
    DataProfilingStatus,
    InferenceProblemType,
    Refresh,
    RefreshState,
    RefreshTrigger,
)

CHURN = "main.ml.churn_inference"
PAYLOAD = "main.ml.churn_prod_payload"


@pytest.fixture(scope="module")
def w(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.token, auth_type="pat")


@pytest.fixture(scope="module")
def table_id(w):
    return w.tables.get(CHURN).table_id


def test_data_quality_get_monitor_reads_the_inference_log_monitor(w, table_id):
    m = w.data_quality.get_monitor("table", table_id)
    assert m.object_type == "table" and m.object_id == table_id
    c = m.data_profiling_config
    assert c.status == DataProfilingStatus.DATA_PROFILING_STATUS_ACTIVE
    assert c.monitored_table_name == CHURN
    assert c.profile_metrics_table_name == "main.ml.churn_inference_profile_metrics"
    assert c.drift_metrics_table_name == "main.ml.churn_inference_drift_metrics"
    il = c.inference_log
    assert il.problem_type == InferenceProblemType.INFERENCE_PROBLEM_TYPE_CLASSIFICATION
    assert (il.model_id_column, il.prediction_column, il.label_column, il.timestamp_column) == (
        "model_id", "prediction", "label", "timestamp")
    assert il.granularities == [AggregationGranularity.AGGREGATION_GRANULARITY_1_DAY]
    assert c.schedule.quartz_cron_expression == "0 0 6 * * ?"


def test_the_pending_monitor_has_no_metric_tables_yet(w):
    m = w.data_quality.get_monitor("table", w.tables.get(PAYLOAD).table_id)
    c = m.data_profiling_config
    assert c.status == DataProfilingStatus.DATA_PROFILING_STATUS_PENDING
    assert c.profile_metrics_table_name is None and c.drift_metrics_table_name is None
    assert c.schedule is None
    assert c.time_series.timestamp_column == "request_time"


def test_quality_monitors_get_reads_the_same_monitor(w):
    m = w.quality_monitors.get(CHURN)
    assert m.status == MonitorInfoStatus.MONITOR_STATUS_ACTIVE
    assert m.inference_log.problem_type == MonitorInferenceLogProblemType.PROBLEM_TYPE_CLASSIFICATION
    assert m.inference_log.model_id_col == "model_id"
    assert m.inference_log.granularities == ["1 day"]
    assert m.drift_metrics_table_name == "main.ml.churn_inference_drift_metrics"
    assert m.output_schema_name == "main.ml"
    with pytest.raises(NotFound):
        w.quality_monitors.get("main.ml.churn_baseline")


def test_refresh_history_pages_through_list_refresh(w, table_id):
    new = list(w.data_quality.list_refresh("table", table_id, page_size=2))
    old = w.quality_monitors.list_refreshes(CHURN).refreshes
    assert [r.refresh_id for r in new] == [r.refresh_id for r in old]
    assert len(new) >= 5
    scheduled = [r for r in new if r.trigger == RefreshTrigger.MONITOR_REFRESH_TRIGGER_SCHEDULE]
    assert len([r for r in scheduled if r.state == RefreshState.MONITOR_REFRESH_STATE_FAILED]) == 1
    assert all(r.trigger == MonitorRefreshInfoTrigger.SCHEDULE for r in old[-5:])


def test_a_refresh_runs_one_at_a_time_and_can_be_cancelled(w, table_id):
    r = w.data_quality.create_refresh("table", table_id, Refresh(object_type="table", object_id=table_id))
    assert r.state in (RefreshState.MONITOR_REFRESH_STATE_PENDING, RefreshState.MONITOR_REFRESH_STATE_RUNNING)
    assert r.trigger == RefreshTrigger.MONITOR_REFRESH_TRIGGER_MANUAL
    with pytest.raises(ResourceConflict):
        w.quality_monitors.run_refresh(CHURN)
    deadline = time.monotonic() + 30
    while True:
        got = w.data_quality.get_refresh("table", table_id, r.refresh_id)
        if got.state == RefreshState.MONITOR_REFRESH_STATE_SUCCESS:
            break
        assert got.state in (RefreshState.MONITOR_REFRESH_STATE_PENDING, RefreshState.MONITOR_REFRESH_STATE_RUNNING)
        assert time.monotonic() < deadline
        time.sleep(0.5)
    legacy = w.quality_monitors.run_refresh(CHURN)
    assert legacy.state in (MonitorRefreshInfoState.PENDING, MonitorRefreshInfoState.RUNNING)
    cancelled = w.data_quality.cancel_refresh("table", table_id, legacy.refresh_id)
    assert cancelled.refresh.state == RefreshState.MONITOR_REFRESH_STATE_CANCELED
    assert w.quality_monitors.get_refresh(CHURN, legacy.refresh_id).state == MonitorRefreshInfoState.CANCELED
