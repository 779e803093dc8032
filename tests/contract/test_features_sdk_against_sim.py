"""The official Databricks SDK reads the simulator's feature store: UC feature tables
(`w.tables.get` with the primary key and time-series columns, `w.tables.list`, `w.schemas.list`),
online feature stores and publishing (`w.feature_store`), synced tables through the database
service (`w.database`) and the postgres service (`w.postgres`), the legacy online table
(`w.online_tables.get`), feature lineage (`w.materialized_features.get_feature_lineage`), the
feature tables a UC model version was trained with (`w.model_versions.get`) and a sync started
as a pipeline update (`w.pipelines.start_update`). The simulator runs on the wall clock here, so
only states that last minutes are asserted."""

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, NotFound, ResourceConflict
from databricks.sdk.service.catalog import OnlineTableState, ProvisioningInfoState
from databricks.sdk.service.database import SyncedTableSchedulingPolicy, SyncedTableState
from databricks.sdk.service.ml import OnlineStoreState, PublishSpec, PublishSpecPublishMode
from databricks.sdk.service.postgres import SyncedTableState as PgSyncedTableState

CUSTOMER = "main.features.customer_features"
TXN = "main.features.txn_agg_30d"
SUPPORT = "main.features.support_interactions"


@pytest.fixture(scope="module")
def w(own_sim):
    return WorkspaceClient(host=own_sim.base_url, token=own_sim.token, auth_type="pat")


def test_tables_get_gives_the_primary_key_and_the_timeseries_key(w):
    t = w.tables.get(TXN)
    assert t.full_name == TXN and t.table_id
    pk = t.table_constraints[0].primary_key_constraint
    assert pk.child_columns == ["customer_id", "ts"]
    assert pk.timeseries_columns == ["ts"]
    assert [c.name for c in t.columns][:2] == ["customer_id", "ts"]
    assert t.columns[1].type_text == "timestamp"
    assert t.updated_at > t.created_at
    plain = w.tables.get(CUSTOMER).table_constraints[0].primary_key_constraint
    assert plain.child_columns == ["customer_id"] and not plain.timeseries_columns
    with pytest.raises(NotFound):
        w.tables.get("main.features.nope")


def test_tables_list_and_schemas_list(w):
    names = [t.full_name for t in w.tables.list(catalog_name="main", schema_name="features")]
    # The schema also holds customer_features' monitor output (metric tables, no primary key).
    metrics = [f"{CUSTOMER}_drift_metrics", f"{CUSTOMER}_profile_metrics"]
    assert names == [CUSTOMER, *metrics, SUPPORT, TXN]
    # Paged one by one, the SDK reads them all; listings carry no constraints.
    paged = list(w.tables.list(catalog_name="main", schema_name="features", max_results=1))
    assert [t.full_name for t in paged] == names
    assert all(not t.table_constraints for t in paged)
    schemas = [s.full_name for s in w.schemas.list(catalog_name="main")]
    assert "main.features" in schemas and "main.ml" in schemas


def test_online_stores_list_and_get(w):
    stores = {s.name: s for s in w.feature_store.list_online_stores()}
    assert set(stores) == {"fs-prod", "fs-realtime", "fs-dev"}
    assert stores["fs-dev"].state == OnlineStoreState.STOPPED
    prod = w.feature_store.get_online_store("fs-prod")
    assert prod.state == OnlineStoreState.AVAILABLE
    assert prod.capacity == "CU_2" and prod.read_replica_count == 1
    with pytest.raises(NotFound):
        w.feature_store.get_online_store("nope")


def test_synced_tables_through_the_database_service(w):
    t = w.database.get_synced_database_table("main.features_online.customer_features")
    # The database service has its own ProvisioningInfoState enum.
    assert t.unity_catalog_provisioning_state.value == "ACTIVE"
    s = t.data_synchronization_status
    assert s.detailed_state == SyncedTableState.SYNCED_TABLE_ONLINE_CONTINUOUS_UPDATE
    assert s.pipeline_id
    assert s.last_sync.delta_table_sync_info.delta_commit_version > 0
    assert s.continuous_update_status.last_processed_commit_version == (
        s.last_sync.delta_table_sync_info.delta_commit_version)
    assert t.spec.source_table_full_name == CUSTOMER
    assert t.spec.scheduling_policy == SyncedTableSchedulingPolicy.CONTINUOUS
    listed = [x.name for x in w.database.list_synced_database_tables("fs-prod")]
    assert listed == ["main.features_online.customer_features",
                      "main.features_online.support_interactions"]


def test_a_table_still_taking_its_first_snapshot_through_the_postgres_service(w):
    t = w.postgres.get_synced_table("synced_tables/main.features_online.txn_agg_30d")
    assert t.name == "synced_tables/main.features_online.txn_agg_30d"
    # UC says ACTIVE; the sync has not finished.
    assert t.status.unity_catalog_provisioning_state.value == "ACTIVE"
    assert t.status.detailed_state == PgSyncedTableState.SYNCED_TABLE_PROVISIONING_INITIAL_SNAPSHOT
    p = t.status.ongoing_sync_progress
    assert 0 < p.sync_progress_completion < 1 and p.total_row_count == 38_529_930
    assert t.spec.source_table_full_name == TXN and t.spec.timeseries_key == "ts"
    with pytest.raises(NotFound):
        w.postgres.get_synced_table("synced_tables/main.features_online.customer_features")


def test_online_tables_get_reads_the_legacy_table(w):
    t = w.online_tables.get("main.features.customer_features_online")
    assert t.unity_catalog_provisioning_state == ProvisioningInfoState.ACTIVE
    assert t.status.detailed_state == OnlineTableState.ONLINE_NO_PENDING_UPDATE
    assert t.status.triggered_update_status.last_processed_commit_version > 0
    assert t.spec.source_table_full_name == CUSTOMER
    assert t.spec.run_triggered is not None and t.spec.pipeline_id
    with pytest.raises(NotFound):
        w.online_tables.get("main.features.nope")


def test_feature_lineage_and_model_version_dependencies(w):
    l = w.materialized_features.get_feature_lineage(SUPPORT, "tickets_30d")
    assert [(m.name, m.version) for m in l.models] == [("main.ml.churn_model", 5)]
    assert [o.table_name for o in l.online_features] == [
        "main.features_online.support_interactions"]
    v = w.model_versions.get("main.ml.churn_model", 5)
    tables = [d.table.table_full_name for d in v.model_version_dependencies.dependencies if d.table]
    assert tables == [CUSTOMER, TXN, SUPPORT]
    with pytest.raises(NotFound):
        w.materialized_features.get_feature_lineage(CUSTOMER, "customer_id")


def test_publish_then_sync_through_a_pipeline_update(w):
    spec = PublishSpec(online_store="fs-prod",
                       online_table_name="main.features_online.contract_customer",
                       publish_mode=PublishSpecPublishMode.TRIGGERED)
    r = w.feature_store.publish_table(CUSTOMER, spec)
    assert r.online_table_name == "main.features_online.contract_customer" and r.pipeline_id
    t = w.database.get_synced_database_table("main.features_online.contract_customer")
    assert t.data_synchronization_status.detailed_state.value.startswith("SYNCED_TABLE_PROVISIONING")
    # Its first sync is on its way: no second one yet.
    with pytest.raises(ResourceConflict):
        w.pipelines.start_update(r.pipeline_id)
    # The stale table has no Change Data Feed: only SNAPSHOT publishing is allowed.
    bad = PublishSpec(online_store="fs-prod", online_table_name="main.features_online.x",
                      publish_mode=PublishSpecPublishMode.CONTINUOUS)
    with pytest.raises(BadRequest):
        w.feature_store.publish_table(SUPPORT, bad)
    # A snapshot table that is online syncs again when asked.
    snap = w.database.get_synced_database_table("main.features_online.support_interactions")
    u = w.pipelines.start_update(snap.data_synchronization_status.pipeline_id)
    assert u.update_id
    again = w.database.get_synced_database_table("main.features_online.support_interactions")
    assert again.data_synchronization_status.detailed_state == (
        SyncedTableState.SYNCED_TABLE_ONLINE_TRIGGERED_UPDATE)
