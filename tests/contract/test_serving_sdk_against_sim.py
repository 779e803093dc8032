"""The official Databricks SDK drives the simulator's model serving (reference §6): list, get,
update_config with wait_get_serving_endpoint_not_updating (and the 409 meanwhile), query with the
served-model-name header, export_metrics (Prometheus text), logs and build_logs."""

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, NotFound, ResourceConflict
from databricks.sdk.service.serving import (
    DataframeSplitInput,
    EndpointStateConfigUpdate,
    EndpointStateReady,
    Route,
    ServedEntityInput,
    TrafficConfig,
)

CUSTOMER = {
    "tenure_months": 3,
    "monthly_charges": 89.5,
    "support_tickets": 4,
    "contract_type": "month-to-month",
    "num_products": 1,
}


@pytest.fixture(scope="module")
def w(serving_sim):
    return WorkspaceClient(host=serving_sim.base_url, token=serving_sim.token, auth_type="pat")


def routes(ep):
    return {
        (r.served_entity_name or r.served_model_name): r.traffic_percentage
        for r in ep.config.traffic_config.routes
    }


def test_list_and_get(w):
    eps = {e.name: e for e in w.serving_endpoints.list()}
    assert set(eps) == {"churn-prod", "fraud-scoring", "recsys-staging"}
    assert [s.name for s in eps["churn-prod"].config.served_entities] == [
        "churn_model-4",
        "churn_model-5",
    ]
    prod = w.serving_endpoints.get("churn-prod")
    assert prod.state.ready == EndpointStateReady.READY
    assert prod.state.config_update == EndpointStateConfigUpdate.NOT_UPDATING
    assert routes(prod) == {"churn_model-4": 90, "churn_model-5": 10}
    assert prod.config.served_entities[1].entity_version == "5"
    assert prod.config.served_entities[0].state.deployment.value == "DEPLOYMENT_READY"
    assert prod.permission_level.value == "CAN_MANAGE"
    failed = w.serving_endpoints.get("recsys-staging")
    assert failed.state.config_update == EndpointStateConfigUpdate.UPDATE_FAILED
    with pytest.raises(NotFound):
        w.serving_endpoints.get("no-such-endpoint")


def test_update_config_then_wait_for_not_updating(w):
    prod = w.serving_endpoints.get("churn-prod")
    entities = [
        ServedEntityInput(
            name=e.name,
            entity_name=e.entity_name,
            entity_version=e.entity_version,
            workload_size=e.workload_size,
            scale_to_zero_enabled=e.scale_to_zero_enabled,
        )
        for e in prod.config.served_entities
    ]
    version = prod.config.config_version
    split = TrafficConfig(
        routes=[
            Route(served_entity_name="churn_model-4", traffic_percentage=80),
            Route(served_entity_name="churn_model-5", traffic_percentage=20),
        ]
    )
    waiter = w.serving_endpoints.update_config(
        "churn-prod", served_entities=entities, traffic_config=split
    )
    assert waiter.response.state.config_update == EndpointStateConfigUpdate.IN_PROGRESS
    assert waiter.response.pending_config.start_time > 0
    # One update at a time.
    with pytest.raises(ResourceConflict):
        w.serving_endpoints.update_config("churn-prod", traffic_config=split)
    done = w.serving_endpoints.wait_get_serving_endpoint_not_updating("churn-prod")
    assert done.state.config_update == EndpointStateConfigUpdate.NOT_UPDATING
    assert done.config.config_version == version + 1
    assert routes(done) == {"churn_model-4": 80, "churn_model-5": 20}
    assert done.pending_config is None
    # Routes that do not add up are refused.
    with pytest.raises(BadRequest):
        w.serving_endpoints.update_config(
            "churn-prod",
            traffic_config=TrafficConfig(
                routes=[Route(served_entity_name="churn_model-4", traffic_percentage=70)]
            ),
        )


def test_query_names_the_answering_entity(w):
    seen = set()
    for _ in range(30):
        try:
            r = w.serving_endpoints.query("churn-prod", dataframe_records=[CUSTOMER])
        except Exception as e:  # the simulated model fails now and then (5xx)
            assert "INTERNAL_ERROR" in str(e) or "inference" in str(e), e
            continue
        assert len(r.predictions) == 1 and 0.5 < r.predictions[0] < 1.0
        seen.add(r.served_model_name)
    assert seen <= {"churn_model-4", "churn_model-5"} and seen
    split = w.serving_endpoints.query(
        "churn-prod",
        dataframe_split=DataframeSplitInput(
            columns=list(CUSTOMER), data=[list(CUSTOMER.values()), [60, 40.0, 0, "two_year", 3]]
        ),
    )
    assert len(split.predictions) == 2 and split.predictions[1] < 0.05
    with pytest.raises(BadRequest):
        w.serving_endpoints.query("churn-prod", instances=[[1, 2, 3, 4, 5]], inputs=[[1]])


def test_export_metrics_is_prometheus_text(w):
    text = w.serving_endpoints.export_metrics("churn-prod").contents.read().decode()
    lines = text.splitlines()
    assert "# TYPE request_count_total counter" in lines
    assert "# TYPE request_latency_ms histogram" in lines
    counts = [l for l in lines if l.startswith("request_count_total{")]
    assert any('served_entity_name="churn_model-4"' in l for l in counts)
    assert any(l.startswith('request_latency_ms_bucket{served_entity_name="churn_model-5",le="+Inf"}') for l in lines)
    for name in ("cpu_usage_percentage", "mem_usage_percentage", "provisioned_concurrent_requests_total",
                 "request_4xx_count_total", "request_5xx_count_total"):
        assert any(l.startswith(name + "{") for l in lines), name


def test_logs_and_build_logs(w):
    logs = w.serving_endpoints.logs("churn-prod", "churn_model-4").logs
    assert "Starting gunicorn" in logs
    build = w.serving_endpoints.build_logs("recsys-staging", "recsys_ranker-3").logs
    assert "ResolutionImpossible" in build
    with pytest.raises(NotFound):
        w.serving_endpoints.logs("churn-prod", "no-such-entity")


def test_open_api_has_an_example_the_endpoint_answers(w):
    import json

    doc = json.loads(w.serving_endpoints.get_open_api("churn-prod").contents.read())
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert "/invocations" in paths and "/served-models/churn_model-5/invocations" in paths
    example = paths["/invocations"]["post"]["requestBody"]["content"]["application/json"]["example"]
    split = example["dataframe_split"]
    for _ in range(10):
        try:
            r = w.serving_endpoints.query(
                "churn-prod", dataframe_split=DataframeSplitInput(columns=split["columns"], data=split["data"])
            )
        except Exception as e:  # the simulated model fails now and then (5xx)
            assert "INTERNAL_ERROR" in str(e) or "inference" in str(e), e
            continue
        assert len(r.predictions) == 1 and 0.0 < r.predictions[0] < 1.0
        break
    else:
        raise AssertionError("no answer in 10 tries")
