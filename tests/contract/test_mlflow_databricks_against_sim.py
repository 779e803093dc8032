"""(a) MLflow's own Databricks clients drive a simulator of their own: MlflowClient with tracking
and registry URI `databricks` (the workspace registry), registry URI `databricks-uc` (the UC
registry RPCs, with and without MLflow's native UC store), and the deployments client
`get_deploy_client("databricks")` for serving endpoints. Credentials come from DATABRICKS_HOST
and DATABRICKS_TOKEN, as on a laptop pointed at a workspace. The autouse fixture of conftest.py
fails a test if the simulator rejected any request these clients sent."""

import os
import time

import mlflow
import pytest
from mlflow import MlflowClient
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import start_sim, stop_sim

CHURN = "/Shared/churn/training"
UC_MODEL = "main.ml.churn_model"
CUSTOMER = {
    "tenure_months": 3,
    "monthly_charges": 89.5,
    "support_tickets": 4,
    "contract_type": "month-to-month",
    "num_products": 1,
}


@pytest.fixture(scope="module")
def dbx_sim():
    started = start_sim("--update-delay", "2")
    saved = {k: os.environ.get(k) for k in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "MLFLOW_ENABLE_UC_NATIVE_MODEL_REGISTRY")}
    os.environ["DATABRICKS_HOST"] = started.base_url
    os.environ["DATABRICKS_TOKEN"] = started.token
    yield started
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    stop_sim(started)


@pytest.fixture(scope="module")
def ws(dbx_sim):
    return MlflowClient(tracking_uri="databricks", registry_uri="databricks")


def test_tracking_uri_databricks_reads_experiments_runs_history_and_artifacts(ws):
    exp = ws.get_experiment_by_name(CHURN)
    assert exp is not None and ws.get_experiment(exp.experiment_id).name == CHURN
    first = ws.search_experiments(max_results=5)
    assert len(first) == 5 and first.token
    everything = ws.search_experiments(view_type=ViewType.ALL, max_results=1000)
    assert {CHURN, "/Shared/fraud/training"} <= {e.name for e in everything}

    parent = ws.search_runs([exp.experiment_id], filter_string="attributes.run_name = 'xgb-hyperopt-sweep'")[0]
    trials = ws.search_runs(
        [exp.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        order_by=["metrics.loss ASC"],
        max_results=100,
    )
    assert len(trials) == 40
    losses = [t.data.metrics["loss"] for t in trials]
    assert losses == sorted(losses)
    best = ws.get_run(trials[0].info.run_id)
    assert best.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert [m.step for m in ws.get_metric_history(best.info.run_id, "val_auc")] == list(range(30))

    root = ws.list_artifacts(best.info.run_id)
    assert [(f.path, f.is_dir) for f in root] == [("model", True), ("plots", True)]
    plots = ws.list_artifacts(best.info.run_id, "plots")
    assert len(plots) == 6 and all(f.file_size > 0 for f in plots), "both pages"


def test_registry_uri_databricks_reads_and_moves_workspace_models(ws):
    assert "fraud_model" in {m.name for m in ws.search_registered_models()}
    assert ws.get_registered_model("fraud_model").name == "fraud_model"
    stages = {v.version: v.current_stage for v in ws.search_model_versions("name='fraud_model'")}
    assert stages == {"1": "Archived", "2": "Archived", "3": "Production", "4": "Staging", "5": "None"}
    assert [v.version for v in ws.get_latest_versions("fraud_model", stages=["Production"])] == ["3"]
    v3 = ws.get_model_version("fraud_model", "3")
    assert ws.get_model_version_download_uri("fraud_model", "3") == v3.source

    # Stage names are case-insensitive on input, canonical on output.
    moved = ws.transition_model_version_stage("fraud_model", "5", "staging")
    assert moved.current_stage == "Staging"
    ws.set_model_version_tag("fraud_model", "5", "reviewed", "yes")
    assert ws.get_model_version("fraud_model", "5").tags["reviewed"] == "yes"
    ws.delete_model_version_tag("fraud_model", "5", "reviewed")
    assert "reviewed" not in ws.get_model_version("fraud_model", "5").tags
    ws.set_registered_model_tag("fraud_model", "team", "risk")
    assert ws.get_registered_model("fraud_model").tags["team"] == "risk"
    ws.delete_registered_model_tag("fraud_model", "team")
    assert "team" not in ws.get_registered_model("fraud_model").tags
    ws.transition_model_version_stage("fraud_model", "5", "None")


@pytest.mark.parametrize("native", [False, True], ids=["uc-rpc", "uc-native"])
def test_registry_uri_databricks_uc_reads_models_and_moves_aliases(dbx_sim, native):
    os.environ["MLFLOW_ENABLE_UC_NATIVE_MODEL_REGISTRY"] = "true" if native else "false"
    uc = MlflowClient(tracking_uri="databricks", registry_uri="databricks-uc")
    names = {m.name for m in uc.search_registered_models(max_results=3)}
    assert names, "a first page"
    every = []
    token = None
    while True:
        page = uc.search_registered_models(max_results=3, page_token=token)
        every += [m.name for m in page]
        token = page.token
        if not token:
            break
    assert UC_MODEL in every and not any(n.startswith("main.sandbox.") for n in every)
    model = uc.get_registered_model(UC_MODEL)
    assert model.aliases == {"champion": "4", "challenger": "5"}
    versions = uc.search_model_versions(f"name='{UC_MODEL}'")
    assert sorted(int(v.version) for v in versions) == [1, 2, 3, 4, 5]
    assert uc.get_model_version_by_alias(UC_MODEL, "champion").version == "4"
    assert uc.get_model_version_download_uri(UC_MODEL, "4").startswith("s3://")

    uc.set_registered_model_alias(UC_MODEL, "shadow", "3")
    assert uc.get_model_version_by_alias(UC_MODEL, "shadow").version == "3"
    uc.delete_registered_model_alias(UC_MODEL, "shadow")
    with pytest.raises(MlflowException):
        uc.get_model_version_by_alias(UC_MODEL, "shadow")
    uc.set_registered_model_tag(UC_MODEL, "domain", "retention")
    assert uc.get_registered_model(UC_MODEL).tags["domain"] == "retention"
    uc.delete_registered_model_tag(UC_MODEL, "domain")
    assert "domain" not in uc.get_registered_model(UC_MODEL).tags


def test_deployments_client_lists_updates_and_queries_endpoints(dbx_sim):
    from mlflow.deployments import get_deploy_client

    d = get_deploy_client("databricks")
    assert {e["name"] for e in d.list_endpoints()} == {"churn-prod", "fraud-scoring", "recsys-staging"}
    prod = d.get_endpoint("churn-prod")
    assert prod["state"] == {"ready": "READY", "config_update": "NOT_UPDATING"}
    version = prod["config"]["config_version"]
    entities = [
        {k: e[k] for k in ("name", "entity_name", "entity_version", "workload_size", "scale_to_zero_enabled")}
        for e in prod["config"]["served_entities"]
    ]
    split = {"routes": [
        {"served_entity_name": "churn_model-4", "traffic_percentage": 70},
        {"served_entity_name": "churn_model-5", "traffic_percentage": 30},
    ]}
    started = d.update_endpoint_config("churn-prod", {"served_entities": entities, "traffic_config": split})
    assert started["state"]["config_update"] == "IN_PROGRESS"
    deadline = time.time() + 60
    while d.get_endpoint("churn-prod")["state"]["config_update"] != "NOT_UPDATING":
        assert time.time() < deadline, "the update did not finish"
        time.sleep(0.5)
    done = d.get_endpoint("churn-prod")
    assert done["config"]["config_version"] == version + 1
    assert {r["served_entity_name"]: r["traffic_percentage"] for r in done["config"]["traffic_config"]["routes"]} == {
        "churn_model-4": 70,
        "churn_model-5": 30,
    }

    answered = 0
    for _ in range(20):
        try:
            r = d.predict(endpoint="churn-prod", inputs={"dataframe_records": [CUSTOMER]})
        except Exception as e:  # the simulated model fails now and then (5xx)
            assert "500" in str(e) or "503" in str(e) or "INTERNAL_ERROR" in str(e), e
            continue
        assert len(r["predictions"]) == 1 and 0.5 < r["predictions"][0] < 1.0
        answered += 1
        if answered == 3:
            break
    assert answered == 3
