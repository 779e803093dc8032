"""The official Databricks SDK drives the simulator's Jobs API and artifact listings: jobs list /
get, run-now with its waiter (polling runs/get for ~20 s of real time), get_run, list_runs,
cancel_run, and the MLflow run and model version a training run leaves behind (PRODUCT.md §9)."""

import itertools
import uuid
from datetime import timedelta

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.service.jobs import RunLifeCycleState, RunResultState, TriggerType

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
