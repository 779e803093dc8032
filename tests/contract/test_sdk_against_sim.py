"""(a) The official Databricks SDK and MLflow client drive our simulator: every API it serves must
parse, and the parsed objects must match the seeded story of PRODUCT.md §9."""

import os

import pytest
from databricks.sdk import WorkspaceClient
from mlflow import MlflowClient


@pytest.fixture(scope="module")
def w(sim):
    # Plain http with a PAT, exactly as a user would point the SDK at a workspace.
    return WorkspaceClient(host=sim.base_url, token=sim.token, auth_type="pat")


@pytest.fixture(scope="module")
def mc(sim):
    os.environ["MLFLOW_TRACKING_TOKEN"] = sim.token
    return MlflowClient(tracking_uri=sim.base_url, registry_uri=sim.base_url)


def test_me(w):
    assert w.current_user.me().user_name == "ml-eng@acme.com"


def test_experiments_search_get_and_get_by_name(w):
    exps = list(w.experiments.search_experiments(max_results=5))
    names = {e.name for e in exps}
    assert "/Shared/churn/training" in names and "/Shared/fraud/training" in names
    assert len(exps) > 5, "the SDK must have followed next_page_token"
    churn = w.experiments.get_by_name("/Shared/churn/training").experiment
    again = w.experiments.get_experiment(churn.experiment_id).experiment
    assert again.name == churn.name and again.experiment_id == churn.experiment_id


def test_runs_search_filter_order_and_get(w):
    churn = w.experiments.get_by_name("/Shared/churn/training").experiment
    runs = list(w.experiments.search_runs(experiment_ids=[churn.experiment_id], max_results=7))
    assert len(runs) >= 40, "baseline runs plus a Hyperopt sweep of ~40 trials"
    parents = [r for r in runs if any(t.key == "mlflow.runName" and "hyperopt" in t.value.lower() for t in (r.data.tags or []))]
    assert parents, "a Hyperopt parent run"
    parent = parents[0].info.run_id
    trials = list(w.experiments.search_runs(
        experiment_ids=[churn.experiment_id],
        filter=f"tags.mlflow.parentRunId = '{parent}'",
        order_by=["metrics.loss ASC"],
    ))
    assert 30 <= len(trials) <= 50
    losses = [next(m.value for m in t.data.metrics if m.key == "loss") for t in trials]
    assert losses == sorted(losses)
    best = w.experiments.get_run(trials[0].info.run_id).run
    assert best.info.run_id == trials[0].info.run_id
    history = list(w.experiments.get_history(metric_key="loss", run_id=best.info.run_id, max_results=7))
    assert len(history) >= 10
    assert [h.step for h in history] == sorted(h.step for h in history)


def _sweep(w):
    churn = w.experiments.get_by_name("/Shared/churn/training").experiment
    parent = next(iter(w.experiments.search_runs(
        experiment_ids=[churn.experiment_id], filter="attributes.run_name = 'xgb-hyperopt-sweep'"
    )))
    return churn.experiment_id, parent.info.run_id


def _param(run, key):
    return next((p.value for p in (run.data.params or []) if p.key == key), None)


def test_runs_search_orders_on_a_param_as_strings(w):
    exp_id, parent = _sweep(w)
    trials = list(w.experiments.search_runs(
        experiment_ids=[exp_id],
        filter=f"tags.mlflow.parentRunId = '{parent}'",
        order_by=["params.max_depth DESC", "attributes.start_time ASC"],
        max_results=9,
    ))
    assert len(trials) == 40
    depths = [_param(t, "max_depth") for t in trials]
    # MLflow compares params as strings: "9" > "6" > "12" > "10".
    assert depths == sorted(depths, reverse=True)
    assert len(set(depths)) > 3
    for depth in set(depths):
        starts = [t.info.start_time for t in trials if _param(t, "max_depth") == depth]
        assert starts == sorted(starts), "ties broken by the second order_by"


def test_runs_search_filters_on_quoted_keys(w):
    exp_id, _ = _sweep(w)
    by_backticks = list(w.experiments.search_runs(
        experiment_ids=[exp_id], filter="tags.`mlflow.runName` = 'xgb-default'"
    ))
    assert [r.info.run_name for r in by_backticks] == ["xgb-default"]
    by_quotes = list(w.experiments.search_runs(
        experiment_ids=[exp_id],
        filter="params.\"model_type\" = \"xgboost\" AND attributes.`run_name` LIKE 'xgb-%'",
        order_by=["attributes.run_name ASC"],
    ))
    assert [r.info.run_name for r in by_quotes] == ["xgb-default", "xgb-nightly-retrain", "xgb-tuned-v1"]
    none = list(w.experiments.search_runs(experiment_ids=[exp_id], filter="attributes.run_name = 'it''s'"))
    assert none == []


def test_get_history_pages_cover_the_whole_history(w, mc):
    exp_id, parent = _sweep(w)
    trial = next(iter(w.experiments.search_runs(
        experiment_ids=[exp_id], filter=f"tags.mlflow.parentRunId = '{parent}'", order_by=["metrics.loss ASC"]
    )))
    whole = mc.get_metric_history(trial.info.run_id, "val_auc")
    for page_size in (1, 7, 29, 30, 1000):
        paged = list(w.experiments.get_history(metric_key="val_auc", run_id=trial.info.run_id, max_results=page_size))
        assert [(h.step, h.timestamp, h.value) for h in paged] == [(m.step, m.timestamp, m.value) for m in whole], page_size
    assert [m.step for m in whole] == list(range(30))


def test_invalid_filter_is_a_bad_request(w):
    from databricks.sdk.errors import BadRequest

    churn = w.experiments.get_by_name("/Shared/churn/training").experiment
    with pytest.raises(BadRequest):
        list(w.experiments.search_runs(experiment_ids=[churn.experiment_id], filter="metrics.loss <"))


def test_uc_models_and_versions(w):
    models = list(w.registered_models.list(catalog_name="main", schema_name="ml", max_results=2))
    assert "main.ml.churn_model" in {m.full_name for m in models}
    everything = list(w.registered_models.list())
    assert len(everything) >= len(models)
    churn = w.registered_models.get("main.ml.churn_model", include_aliases=True)
    aliases = {a.alias_name: a.version_num for a in churn.aliases}
    assert aliases == {"champion": 4, "challenger": 5}
    versions = list(w.model_versions.list("main.ml.churn_model"))
    assert sorted(v.version for v in versions) == [1, 2, 3, 4, 5]
    v5 = w.model_versions.get("main.ml.churn_model", 5, include_aliases=True)
    assert [a.alias_name for a in v5.aliases] == ["challenger"]


def test_workspace_registry_search(w):
    models = list(w.model_registry.search_models(filter="name LIKE '%fraud%'"))
    assert "fraud_model" in {m.name for m in models}
    fraud = next(m for m in models if m.name == "fraud_model")
    stages = {v.current_stage for v in fraud.latest_versions}
    assert "Production" in stages


def test_serving_endpoints(w):
    eps = {e.name: e for e in w.serving_endpoints.list()}
    assert {"churn-prod", "fraud-scoring", "recsys-staging"} <= eps.keys()
    churn = w.serving_endpoints.get("churn-prod")
    assert churn.state.ready.value == "READY"
    assert churn.state.config_update.value == "NOT_UPDATING"
    routes = {r.served_entity_name or r.served_model_name: r.traffic_percentage for r in churn.config.traffic_config.routes}
    assert routes == {"churn_model-4": 90, "churn_model-5": 10}
    fraud = w.serving_endpoints.get("fraud-scoring")
    assert all(e.scale_to_zero_enabled for e in fraud.config.served_entities)
    recsys = w.serving_endpoints.get("recsys-staging")
    assert recsys.state.config_update.value == "UPDATE_FAILED"


def test_mlflow_client_reads_tracking_and_registry(mc):
    exp = mc.get_experiment_by_name("/Shared/churn/training")
    assert exp is not None
    runs = mc.search_runs([exp.experiment_id], filter_string="metrics.loss < 10", order_by=["metrics.loss ASC"], max_results=5)
    assert runs and all(r.data.metrics["loss"] < 10 for r in runs)
    hist = mc.get_metric_history(runs[0].info.run_id, "loss")
    assert len(hist) >= 10
    assert "fraud_model" in {m.name for m in mc.search_registered_models()}


def test_auth_is_required(sim):
    from databricks.sdk.errors import Unauthenticated

    bad = WorkspaceClient(host=sim.base_url, token="wrong-token", auth_type="pat")
    with pytest.raises(Unauthenticated):
        bad.current_user.me()
