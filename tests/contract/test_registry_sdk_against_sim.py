"""(a) Registry writes of the simulator driven by the official clients: the Databricks SDK for UC
aliases and the workspace registry's stages, transition requests and comments; MLflow's UC
registry stores (the RPC one and the native one) for model-version tags.

These tests change the workspace, so they run against a simulator of their own instead of the
session one that test_sdk_against_sim.py reads."""

import os

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied


@pytest.fixture(scope="module")
def w(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.token, auth_type="pat")


@pytest.fixture(scope="module")
def analyst(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.nonowner_token, auth_type="pat")


CHURN = "main.ml.churn_model"


def aliases(w):
    return {a.alias_name: a.version_num for a in w.registered_models.get(CHURN, include_aliases=True).aliases or []}


def test_set_alias_moves_it_and_delete_alias_removes_it(w):
    set_ = w.registered_models.set_alias(CHURN, "champion", 5)
    assert (set_.alias_name, set_.version_num) == ("champion", 5)
    assert aliases(w) == {"champion": 5, "challenger": 5}
    v5 = w.model_versions.get_by_alias(CHURN, "champion", include_aliases=True)
    assert v5.version == 5
    assert sorted(a.alias_name for a in v5.aliases) == ["challenger", "champion"]

    w.registered_models.delete_alias(CHURN, "challenger")
    assert aliases(w) == {"champion": 5}
    with pytest.raises(NotFound):
        w.model_versions.get_by_alias(CHURN, "challenger")
    with pytest.raises(NotFound):
        w.registered_models.delete_alias(CHURN, "challenger")

    w.registered_models.set_alias(CHURN, "champion", 4)
    w.registered_models.set_alias(CHURN, "challenger", 5)
    assert aliases(w) == {"champion": 4, "challenger": 5}


def test_only_the_owner_moves_an_alias(w, analyst):
    with pytest.raises(PermissionDenied) as err:
        analyst.registered_models.set_alias(CHURN, "champion", 5)
    assert "does not have MANAGE" in str(err.value)
    with pytest.raises(PermissionDenied):
        analyst.registered_models.delete_alias(CHURN, "challenger")
    assert aliases(w) == {"champion": 4, "challenger": 5}


def stages(w, name="fraud_model"):
    found = w.model_registry.search_model_versions(filter=f"name='{name}'")
    return {v.version: v.current_stage for v in found}


def test_seeded_requests_and_approval(w):
    v4 = list(w.model_registry.list_transition_requests("fraud_model", "4"))
    assert [(r.to_stage, r.user_id) for r in v4] == [("Production", "priya.natarajan@acme.com")]
    assert v4[0].activity_type.value == "REQUESTED_TRANSITION"
    v5 = list(w.model_registry.list_transition_requests("fraud_model", "5"))
    assert [(r.to_stage, r.user_id) for r in v5] == [("Staging", "analyst@acme.com")]

    approved = w.model_registry.approve_transition_request(
        "fraud_model", "4", "Production", archive_existing_versions=True, comment="approved in review"
    ).activity
    assert approved.activity_type.value == "APPROVED_REQUEST"
    assert (approved.from_stage, approved.to_stage) == ("Staging", "Production")
    assert approved.comment == "approved in review"
    assert list(w.model_registry.list_transition_requests("fraud_model", "4")) == []
    assert stages(w)["3"] == "Archived" and stages(w)["4"] == "Production"

    rejected = w.model_registry.reject_transition_request("fraud_model", "5", "Staging", comment="not yet").activity
    assert rejected.activity_type.value == "REJECTED_REQUEST"
    assert stages(w)["5"] == "None"


def test_transition_stage_create_request_comment_and_cancel(w, analyst):
    moved = w.model_registry.transition_stage(
        "fraud_model", "3", "Production", archive_existing_versions=True, comment="roll back"
    ).model_version_databricks
    assert moved.current_stage == "Production"
    assert moved.permission_level.value == "CAN_MANAGE"
    assert stages(w)["4"] == "Archived"
    latest = w.model_registry.get_latest_versions("fraud_model", stages=["Production"])
    assert [v.version for v in latest] == ["3"]

    with pytest.raises(PermissionDenied):
        analyst.model_registry.transition_stage("fraud_model", "4", "Production", archive_existing_versions=True)

    created = analyst.model_registry.create_transition_request("fraud_model", "4", "Staging", comment="again?").request
    assert created.to_stage == "Staging" and created.user_id == "analyst@acme.com"
    with pytest.raises(PermissionDenied):
        w.model_registry.delete_transition_request("fraud_model", "4", "Staging", "analyst@acme.com")
    cancelled = analyst.model_registry.delete_transition_request(
        "fraud_model", "4", "Staging", "analyst@acme.com", comment="never mind"
    ).activity
    assert cancelled.activity_type.value == "CANCELLED_REQUEST"

    comment = w.model_registry.create_comment("fraud_model", "3", "back on v3 after the incident").comment
    assert comment.comment == "back on v3 after the incident" and comment.id

    w.model_registry.set_model_version_tag("fraud_model", "3", "incident", "INC-42")
    got = w.model_registry.get_model("fraud_model").registered_model_databricks
    assert got.name == "fraud_model" and got.permission_level.value == "CAN_MANAGE"


def mlflow_uc_client(sim, native):
    from mlflow import MlflowClient

    os.environ["DATABRICKS_HOST"] = sim.base_url
    os.environ["DATABRICKS_TOKEN"] = sim.token
    os.environ["MLFLOW_ENABLE_UC_NATIVE_MODEL_REGISTRY"] = "true" if native else "false"
    # The tracking side is not used; keep it off the local disk.
    return MlflowClient(tracking_uri=sim.base_url, registry_uri="databricks-uc")


@pytest.mark.parametrize("native", [False, True], ids=["uc-rpc", "uc-native"])
def test_model_version_tags_through_mlflow_uc_stores(own_sim, w, native):
    c = mlflow_uc_client(own_sim, native)
    key = "reviewed_native" if native else "reviewed_rpc"
    c.set_model_version_tag(CHURN, "5", key, "yes")
    mv = c.get_model_version(CHURN, "5")
    assert mv.tags[key] == "yes"
    assert mv.tags["approval"] == "pending"
    assert "challenger" in mv.aliases
    c.delete_model_version_tag(CHURN, "5", key)
    assert key not in c.get_model_version(CHURN, "5").tags


def test_native_tag_patch_through_the_sdk_api_client(w, analyst):
    path = f"/api/2.1/unity-catalog/subentity-tags/FUNCTION/{CHURN}/5"
    body = {"changes": {"add_tags": [{"key": "approval", "value": "approved"}], "remove": []}}
    with pytest.raises(PermissionDenied):
        analyst.api_client.do("PATCH", path, body=body)
    assert w.api_client.do("PATCH", path, body=body) == {}
    got = w.api_client.do("GET", "/api/2.0/mlflow/unity-catalog/model-versions/get", query={"name": CHURN, "version": "5"})
    assert {"key": "approval", "value": "approved"} in got["model_version"]["tags"]
