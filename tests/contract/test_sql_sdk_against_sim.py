"""The official Databricks SDK drives the simulator's SQL warehouses and SQL Statement Execution
API: warehouses.list, execute_statement asynchronously (wait_timeout='0s') then polled with
get_statement, inline answers, named parameters, chunked results read with
get_statement_result_chunk_n, cancel_execution, and a failed statement with its SQLSTATE. The
answers are computed by SQL over the monitor's metric tables (PRODUCT.md §9)."""

import time

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.sql import (
    ColumnInfoTypeName,
    ExecuteStatementRequestOnWaitTimeout,
    StatementParameterListItem,
    StatementState,
    State,
)

DRIFT = "main.ml.churn_inference_drift_metrics"
PROFILE = "main.ml.churn_inference_profile_metrics"


@pytest.fixture(scope="module")
def w(sim):
    return WorkspaceClient(host=sim.base_url, token=sim.token, auth_type="pat")


@pytest.fixture(scope="module")
def warehouse_id(w):
    running = [wh for wh in w.warehouses.list() if wh.state == State.RUNNING]
    return running[0].id


def poll(w, statement_id, timeout=30.0):
    """Polls get_statement until the statement has left PENDING and RUNNING."""
    deadline = time.monotonic() + timeout
    while True:
        r = w.statement_execution.get_statement(statement_id)
        if r.status.state not in (StatementState.PENDING, StatementState.RUNNING):
            return r
        assert time.monotonic() < deadline, f"statement {statement_id} still {r.status.state}"
        time.sleep(0.1)


def test_warehouses_list(w):
    by_name = {wh.name: wh for wh in w.warehouses.list()}
    assert by_name["Shared serverless"].state == State.RUNNING
    assert by_name["Shared serverless"].enable_serverless_compute
    assert by_name["Reporting (classic)"].state == State.STOPPED


def test_execute_asynchronously_then_poll(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement=(
            f"SELECT window.start AS window_start, population_stability_index AS psi, "
            f"ks_test.pvalue AS ks_p FROM {DRIFT} WHERE column_name = :col "
            f"AND drift_type = 'CONSECUTIVE' AND slice_key IS NULL AND model_id = '*' "
            f"ORDER BY window_start"
        ),
        warehouse_id=warehouse_id,
        parameters=[StatementParameterListItem(name="col", value="tenure_months", type="STRING")],
        wait_timeout="0s",
    )
    assert r.status.state == StatementState.PENDING
    assert r.result is None
    done = poll(w, r.statement_id)
    assert done.status.state == StatementState.SUCCEEDED
    cols = done.manifest.schema.columns
    assert [c.name for c in cols] == ["window_start", "psi", "ks_p"]
    assert [c.type_name for c in cols] == [
        ColumnInfoTypeName.TIMESTAMP,
        ColumnInfoTypeName.DOUBLE,
        ColumnInfoTypeName.DOUBLE,
    ]
    rows = done.result.data_array
    assert len(rows) == done.manifest.total_row_count == 29
    psi = [float(r[1]) for r in rows]
    # tenure_months drifts past the PSI threshold in the last windows only.
    assert max(psi[:18]) < 0.1 < min(psi[-10:])


def test_inline_answer_with_struct_and_group_by(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement=(
            f"SELECT model_id, round(avg(accuracy_score), 3) AS acc, count(*) AS n FROM {PROFILE} "
            f"WHERE column_name = ':table' AND slice_key IS NULL GROUP BY model_id ORDER BY model_id"
        ),
        warehouse_id=warehouse_id,
        wait_timeout="10s",
    )
    assert r.status.state == StatementState.SUCCEEDED
    assert [row[0] for row in r.result.data_array] == ["*", "4", "5"]
    assert all(row[2] == "30" for row in r.result.data_array)
    described = w.statement_execution.execute_statement(
        statement=f"DESCRIBE TABLE `main`.`ml`.`churn_inference_drift_metrics`",
        warehouse_id=warehouse_id,
        wait_timeout="10s",
    )
    types = {row[0]: row[1] for row in described.result.data_array}
    assert types["ks_test"] == "struct<statistic:double,pvalue:double>"


def test_chunks_are_read_with_get_statement_result_chunk_n(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement="SELECT customer_id, tenure_months FROM main.ml.churn_inference",
        warehouse_id=warehouse_id,
        wait_timeout="30s",
    )
    assert r.status.state == StatementState.SUCCEEDED
    assert r.manifest.total_chunk_count == len(r.manifest.chunks) > 1
    rows = list(r.result.data_array)
    nxt = r.result.next_chunk_index
    while nxt is not None:
        chunk = w.statement_execution.get_statement_result_chunk_n(r.statement_id, nxt)
        assert chunk.chunk_index == nxt
        rows += chunk.data_array
        nxt = chunk.next_chunk_index
    assert len(rows) == r.manifest.total_row_count


def test_cancel_execution(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement=f"SELECT count(*) FROM {DRIFT}", warehouse_id=warehouse_id, wait_timeout="0s"
    )
    w.statement_execution.cancel_execution(r.statement_id)
    assert poll(w, r.statement_id).status.state == StatementState.CANCELED


def test_wait_timeout_with_cancel(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement="SELECT 1",
        warehouse_id=warehouse_id,
        wait_timeout="5s",
        on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CANCEL,
    )
    # The simulated statement ends well within five seconds.
    assert r.status.state == StatementState.SUCCEEDED
    assert r.result.data_array == [["1"]]


def test_a_failed_statement_carries_error_and_sql_state(w, warehouse_id):
    r = w.statement_execution.execute_statement(
        statement="SELECT * FROM main.ml.no_such_table", warehouse_id=warehouse_id, wait_timeout="0s"
    )
    done = poll(w, r.statement_id)
    assert done.status.state == StatementState.FAILED
    assert done.status.sql_state == "42P01"
    assert "TABLE_OR_VIEW_NOT_FOUND" in done.status.error.message
