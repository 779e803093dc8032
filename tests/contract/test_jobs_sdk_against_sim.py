"""The official Databricks SDK drives the simulator's Jobs API and artifact listings: jobs list /
get, run-now with its waiter (polling runs/get for ~20 s of real time), get_run, list_runs (with
a time window), get_run_output of task runs (and the 400 of a multi-task parent),
cancel_run_and_wait (cancel is asynchronous), repair_run, and the MLflow run and model version a
training run leaves behind (PRODUCT.md §9)."""

import itertools
import json
import time
import uuid
from datetime import timedelta

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest
from databricks.sdk.service.jobs import (
    RunLifeCycleState,
    RunLifecycleStateV2State,
    RunResultState,
    TerminationCodeCode,
    TriggerType,
)

CHURN = "/Shared/churn/training"
MODEL = "main.ml.churn_model"


@pytest.fixture(scope="module")
def w(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.token, auth_type="pat")


@pytest.fixture(scope="module")
def jobs(w):
    return {j.settings.name: j for j in w.jobs.list()}


def test_jobs_list_and_get(w, jobs):
    assert set(jobs) == {"churn-retrain", "churn-batch-score", "feature-refresh"}
    assert len(list(w.jobs.list(limit=1))) == 3, "the SDK follows next_page_token"
    assert len(list(w.jobs.list(limit=100))) == 3
    with pytest.raises(BadRequest, match="limit"):
        list(w.jobs.list(limit=101))
    retrain = w.jobs.get(jobs["churn-retrain"].job_id)
    assert retrain.job_id == 907245117743512
    defaults = {p.name: p.default for p in retrain.settings.parameters}
    assert defaults["max_depth"] == "6" and defaults["learning_rate"] == "0.06"
    assert retrain.settings.tasks[0].notebook_task.notebook_path.endswith("/03_retrain")
    refresh = w.jobs.get(jobs["feature-refresh"].job_id)
    assert refresh.settings.tasks[1].depends_on[0].task_key == "refresh_txn_agg"


def test_missing_job_and_run_are_not_found(w):
    from databricks.sdk.errors import NotFound

    with pytest.raises(NotFound):
        w.jobs.get(123)
    with pytest.raises(NotFound):
        w.jobs.get_run(456)


def test_run_history(w, jobs):
    refresh = list(w.jobs.list_runs(job_id=jobs["feature-refresh"].job_id, limit=5))
    assert len(refresh) == 24, "hourly runs over a day, read in pages of 5"
    assert [r.start_time for r in refresh] == sorted((r.start_time for r in refresh), reverse=True)
    assert sum(r.state.result_state == RunResultState.FAILED for r in refresh) == 2
    assert all(r.trigger == TriggerType.PERIODIC for r in refresh)
    retrain = jobs["churn-retrain"].job_id
    active = list(w.jobs.list_runs(job_id=retrain, active_only=True))
    assert [r.state.life_cycle_state for r in active] == [RunLifeCycleState.RUNNING]
    done = list(w.jobs.list_runs(job_id=retrain, completed_only=True))
    assert {r.state.life_cycle_state for r in done} == {
        RunLifeCycleState.TERMINATED,
        RunLifeCycleState.INTERNAL_ERROR,
    }


def test_run_now_waits_for_the_run_and_its_results(w, jobs):
    experiment = w.experiments.get_by_name(CHURN).experiment
    tags = {t.key: t.value for t in experiment.tags}
    retrain = jobs["churn-retrain"].job_id
    assert tags["mlops.training_job_id"] == str(retrain)
    before = {v.version for v in w.model_versions.list(MODEL)}

    waiter = w.jobs.run_now(
        job_id=retrain,
        job_parameters={"max_depth": "7"},
        idempotency_token=str(uuid.uuid4()),
    )
    run = waiter.result(timeout=timedelta(seconds=120))
    assert run.run_id == waiter.run_id
    assert run.state.life_cycle_state == RunLifeCycleState.TERMINATED
    assert run.state.result_state == RunResultState.SUCCESS
    assert run.status.state.value == "TERMINATED"
    assert run.status.termination_details.code.value == "SUCCESS"
    assert run.end_time - run.start_time == 20_000
    assert run.run_page_url.endswith(f"#job/{retrain}/run/{run.run_id}")
    params = {p.name: p.value or p.default for p in run.job_parameters}
    assert params["max_depth"] == "7" and params["n_estimators"] == "350"
    again = w.jobs.get_run(run.run_id)
    assert again.state.result_state == RunResultState.SUCCESS
    assert again.tasks[0].task_key == "train"

    logged = list(
        w.experiments.search_runs(
            experiment_ids=[experiment.experiment_id],
            filter=f"tags.mlflow.databricks.jobRunID = '{run.run_id}'",
        )
    )
    assert len(logged) == 1
    mlflow_run = logged[0]
    assert mlflow_run.info.status.value == "FINISHED"
    assert {p.key: p.value for p in mlflow_run.data.params}["max_depth"] == "7"
    history = list(w.experiments.get_history(metric_key="val_auc", run_id=mlflow_run.info.run_id))
    assert [h.step for h in history] == list(range(15))

    versions = {v.version: v for v in w.model_versions.list(MODEL)}
    new = set(versions) - before
    assert new == {max(before) + 1}
    version = versions[new.pop()]
    assert version.run_id == mlflow_run.info.run_id
    assert version.status.value == "READY"

    root = list(w.experiments.list_artifacts(run_id=mlflow_run.info.run_id))
    assert [(f.path, f.is_dir) for f in root] == [("model", True), ("plots", True)]
    model = {f.path for f in w.experiments.list_artifacts(run_id=mlflow_run.info.run_id, path="model")}
    assert model == {"model/MLmodel", "model/conda.yaml", "model/model.pkl", "model/requirements.txt"}
    plots = list(w.experiments.list_artifacts(run_id=mlflow_run.info.run_id, path="plots"))
    assert len(plots) == 6 and all(f.file_size > 0 for f in plots), "both pages"


def test_cancel_run(w, jobs):
    waiter = w.jobs.run_now(job_id=jobs["churn-retrain"].job_id)
    run = w.jobs.cancel_run(waiter.run_id).result(timeout=timedelta(seconds=60))
    assert run.state.life_cycle_state == RunLifeCycleState.TERMINATED
    assert run.state.result_state == RunResultState.CANCELED
    assert run.state.user_cancelled_or_timedout


def test_batch_score_run_now_and_wait_and_what_its_tasks_report(w, jobs):
    score = jobs["churn-batch-score"].job_id
    token = str(uuid.uuid4())
    run = w.jobs.run_now_and_wait(
        job_id=score,
        job_parameters={"output_table": "main.ml.churn_scores_contract"},
        idempotency_token=token,
        timeout=timedelta(seconds=120),
    )
    assert run.status.state == RunLifecycleStateV2State.TERMINATED
    assert run.status.termination_details.code == TerminationCodeCode.SUCCESS
    assert run.state.result_state == RunResultState.SUCCESS
    assert run.end_time - run.start_time == 15_000
    assert [t.task_key for t in run.tasks] == ["load_features", "score", "write_predictions"]
    assert all(t.state.result_state == RunResultState.SUCCESS for t in run.tasks)
    # A retried request with the same token answers the same run and starts none.
    assert w.jobs.run_now(job_id=score, idempotency_token=token).run_id == run.run_id
    assert not list(w.jobs.list_runs(job_id=score, active_only=True))

    with pytest.raises(BadRequest, match="multiple tasks is not supported"):
        w.jobs.get_run_output(run.run_id)
    write = next(t for t in run.tasks if t.task_key == "write_predictions")
    out = w.jobs.get_run_output(write.run_id)
    assert out.metadata.run_id == write.run_id
    reported = json.loads(out.notebook_output.result)
    assert reported["output_table"] == "main.ml.churn_scores_contract"
    assert reported["rows_scored"] == reported["rows_written"] > 0
    task = w.jobs.get_run(write.run_id)
    assert task.run_id == write.run_id and task.job_run_id == run.run_id

    # The window of the last minute holds this run alone.
    now = int(time.time() * 1000)
    recent = list(w.jobs.list_runs(job_id=score, start_time_from=now - 60_000, start_time_to=now))
    assert [r.run_id for r in recent] == [run.run_id]


def test_a_failed_run_shows_its_error_and_is_repaired(w, jobs):
    score = jobs["churn-batch-score"].job_id
    failed = [r for r in w.jobs.list_runs(job_id=score, completed_only=True) if r.state.result_state == RunResultState.FAILED]
    assert len(failed) == 1
    run = w.jobs.get_run(failed[0].run_id)
    assert run.status.termination_details.code == TerminationCodeCode.RUN_EXECUTION_ERROR
    states = {t.task_key: t.state.result_state for t in run.tasks}
    assert states == {
        "load_features": RunResultState.SUCCESS,
        "score": RunResultState.FAILED,
        "write_predictions": RunResultState.UPSTREAM_FAILED,
    }
    broken = next(t for t in run.tasks if t.task_key == "score")
    out = w.jobs.get_run_output(broken.run_id)
    assert "alias champion not found" in out.error
    assert out.error_trace.startswith("-----") and "Traceback" in out.error_trace

    repaired = w.jobs.repair_run(run.run_id, rerun_all_failed_tasks=True).result(timeout=timedelta(seconds=120))
    assert repaired.state.result_state == RunResultState.SUCCESS
    assert [h.type.value for h in repaired.repair_history] == ["ORIGINAL", "REPAIR"]
    latest = repaired.repair_history[-1].id
    with pytest.raises(BadRequest):
        w.jobs.repair_run(run.run_id, rerun_tasks=["score"])
    again = w.jobs.repair_run(run.run_id, rerun_tasks=["score"], latest_repair_id=latest)
    assert again.result(timeout=timedelta(seconds=120)).state.result_state == RunResultState.SUCCESS


def test_cancel_run_and_wait_on_a_multi_task_run(w, jobs):
    waiter = w.jobs.run_now(job_id=jobs["feature-refresh"].job_id)
    w.jobs.cancel_run(waiter.run_id)
    stopping = w.jobs.get_run(waiter.run_id)
    assert stopping.state.life_cycle_state == RunLifeCycleState.TERMINATING, "cancel only asks"
    run = w.jobs.cancel_run_and_wait(waiter.run_id, timeout=timedelta(seconds=60))
    assert run.state.result_state == RunResultState.CANCELED
    assert run.status.termination_details.code == TerminationCodeCode.USER_CANCELED
    assert {t.state.result_state for t in run.tasks} == {RunResultState.CANCELED}


def test_scale_large_serves_a_hundred_thousand_runs(large_sim):
    w = WorkspaceClient(host=large_sim.base_url, token=large_sim.token, auth_type="pat")
    big = w.experiments.get_by_name("/Shared/scale/100k-runs").experiment
    best = list(
        itertools.islice(
            w.experiments.search_runs(
                experiment_ids=[big.experiment_id], order_by=["metrics.val_auc DESC"], max_results=200
            ),
            200,
        )
    )
    aucs = [next(m.value for m in r.data.metrics if m.key == "val_auc") for r in best]
    assert len(aucs) == 200 and aucs == sorted(aucs, reverse=True)
    assert w.experiments.get_run(best[0].info.run_id).run.info.run_id == best[0].info.run_id
    scaled = list(
        itertools.islice(w.experiments.search_experiments(filter="name LIKE '%/scale/%'", max_results=1000), 3000)
    )
    assert len(scaled) == 2001


def test_scale_large_pages_a_job_and_a_run_of_a_hundred_and_fifty_tasks(large_sim):
    """Jobs 2.2 answers 100 tasks at a time; the SDK's get and get_run follow next_page_token."""
    w = WorkspaceClient(host=large_sim.base_url, token=large_sim.token, auth_type="pat")
    (job,) = list(w.jobs.list(name="scale-fanout-backfill"))
    full = w.jobs.get(job.job_id)
    keys = [t.task_key for t in full.settings.tasks]
    assert len(keys) == 150 and keys[100] == "backfill_day_100"
    run = w.jobs.run_now_and_wait(job_id=job.job_id, timeout=timedelta(seconds=120))
    assert run.state.result_state == RunResultState.SUCCESS
    again = w.jobs.get_run(run.run_id)
    assert [t.task_key for t in again.tasks] == keys
    assert len({t.run_id for t in again.tasks}) == 150
