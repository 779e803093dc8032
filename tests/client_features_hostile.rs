//! The feature store client against a scripted server that answers badly: an HTML error page,
//! a 2xx HTML page, enum values this build does not know, answers with fields missing, numbers
//! sent as strings, and the fallback from the `database` service to the `postgres` one and to
//! the legacy online tables. Bad input is a clear error or kept verbatim, never a panic.

mod client_support;

use client_support::{Reply, Server, options};
use mlops_console::api::models::feature_store::{OnlineStoreState, PublishMode};
use mlops_console::api::models::online_sync::SyncApi;
use mlops_console::api::models::synced_tables::{ProvisioningState, SyncState};
use mlops_console::api::{ApiError, Client, Credentials};

fn client(server: &Server) -> Client {
    Client::new(options(&server.url(), Credentials::Pat("dapi-x".into()))).unwrap()
}

#[tokio::test]
async fn an_html_error_page_is_a_clear_error() {
    let server = Server::start(|_, _| {
        Reply::with_type(
            404,
            "text/html",
            "<html><head><title>404 Not Found</title></head><body><pre>nginx</pre></body></html>",
        )
    })
    .await;
    let e = client(&server)
        .get_table_info("main.features.customer_features")
        .await
        .unwrap_err();
    match &e {
        ApiError::Api { status, .. } => assert_eq!(*status, 404),
        other => panic!("{other:?}"),
    }
    // A proxy page is not a sign that the API is missing here: the fallback does not hide it.
    let server =
        Server::start(|_, _| Reply::with_type(200, "text/html", "<html>login</html>")).await;
    let e = client(&server)
        .read_online_table("c.s.t")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("expected JSON"), "{e}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn unknown_enum_values_are_kept_verbatim() {
    let server = Server::start(|seen, _| {
        if seen
            .path()
            .starts_with("/api/2.0/feature-store/online-stores")
        {
            Reply::json(
                200,
                r#"{"online_stores":[{"name":"s","capacity":"CU_64","state":"HIBERNATING"}]}"#,
            )
        } else {
            Reply::json(
                200,
                r#"{"name":"c.s.t","unity_catalog_provisioning_state":"MIGRATING",
                    "spec":{"scheduling_policy":"ON_DEMAND"},
                    "data_synchronization_status":{"detailed_state":"SYNCED_TABLE_WARMING_UP"}}"#,
            )
        }
    })
    .await;
    let c = client(&server);
    let stores = c.list_online_stores(10).await.unwrap();
    assert_eq!(
        stores[0].state,
        Some(OnlineStoreState::Other("HIBERNATING".into()))
    );
    assert_eq!(stores[0].capacity.as_deref(), Some("CU_64"));
    let t = c.read_online_table("c.s.t").await.unwrap();
    assert_eq!(
        t.sync_state,
        Some(SyncState::Other("SYNCED_TABLE_WARMING_UP".into()))
    );
    assert_eq!(
        t.uc_state,
        Some(ProvisioningState::Other("MIGRATING".into()))
    );
    assert_eq!(t.mode, Some(PublishMode::Other("ON_DEMAND".into())));
    // The database service's misspelt offline state reads as offline.
    assert_eq!(
        SyncState::from_any("SYNCED_TABLED_OFFLINE"),
        SyncState::Offline
    );
    assert_eq!(
        SyncState::from_any("SYNCED_TABLE_OFFLINE_FAILED"),
        SyncState::OfflineFailed
    );
}

#[tokio::test]
async fn missing_fields_are_tolerated_and_an_empty_answer_is_refused() {
    let server = Server::start(|seen, _| {
        let p = seen.path();
        if p.ends_with("/empty") {
            Reply::json(200, "{}")
        } else if p.starts_with("/api/2.1/unity-catalog/tables/") {
            // No columns, no constraints, times as strings.
            Reply::json(
                200,
                r#"{"name":"t","updated_at":"1767225600000","columns":null}"#,
            )
        } else if p.contains("/lineage") {
            Reply::json(
                200,
                r#"{"models":[{"name":"m","version":"5"},{"name":"n"}]}"#,
            )
        } else {
            Reply::json(200, r#"{"name":"c.s.t"}"#)
        }
    })
    .await;
    let c = client(&server);
    let t = c.get_table_info("c.s.t").await.unwrap();
    assert!(!t.is_feature_table() && t.columns.is_empty());
    assert_eq!(t.updated_at, Some(1_767_225_600_000));
    assert_eq!(t.full_name(), "..t");
    let e = c.get_table_info("empty").await.unwrap_err();
    assert!(e.to_string().contains("holds no table"), "{e}");
    let e = c.get_online_store("empty").await.unwrap_err();
    assert!(e.to_string().contains("holds no online store"), "{e}");

    let l = c.get_feature_lineage("c.s.t", "f").await.unwrap();
    assert_eq!(l.models[0].version, Some(5));
    assert_eq!(l.models[1].version, None);
    assert!(l.online_features.is_empty());

    // A synced table without status or spec: nothing is claimed about it.
    let s = c.read_online_table("c.s.t").await.unwrap();
    assert_eq!((&s.sync_state, &s.uc_state, &s.mode), (&None, &None, &None));
    assert!(!s.first_sync_done() && s.pipeline_id.is_none());
}

#[tokio::test]
async fn a_table_unknown_to_one_service_is_asked_of_the_next() {
    let server = Server::start(|seen, _| {
        let p = seen.path();
        if p.starts_with("/api/2.0/database/") {
            Reply::json(404, r#"{"error_code":"ENDPOINT_NOT_FOUND","message":"no"}"#)
        } else if p.starts_with("/api/2.0/postgres/") {
            Reply::json(404, r#"{"error_code":"NOT_FOUND","message":"no such table"}"#)
        } else {
            Reply::json(
                200,
                r#"{"name":"c.s.t","unity_catalog_provisioning_state":"ACTIVE",
                    "spec":{"source_table_full_name":"c.s.src","run_continuously":{},"pipeline_id":"p1"},
                    "status":{"detailed_state":"ONLINE_CONTINUOUS_UPDATE",
                              "continuous_update_status":{"last_processed_commit_version":"12",
                                                          "timestamp":"2026-01-01T00:00:00Z"}}}"#,
            )
        }
    })
    .await;
    let c = client(&server);
    let t = c.read_online_table("c.s.t").await.unwrap();
    assert_eq!(t.api, SyncApi::LegacyOnlineTable);
    assert_eq!(t.mode, Some(PublishMode::Continuous));
    assert_eq!(t.last_synced_version, Some(12));
    assert_eq!(t.last_sync_end.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(t.pipeline_id.as_deref(), Some("p1"));
    let paths: Vec<String> = server.seen().iter().map(|s| s.path().to_string()).collect();
    assert_eq!(
        paths,
        vec![
            "/api/2.0/database/synced_tables/c.s.t",
            "/api/2.0/postgres/synced_tables/c.s.t",
            "/api/2.0/online-tables/c.s.t",
        ]
    );

    // Any other refusal stops there: a 403 is not "not here".
    let server = Server::start(|_, _| {
        Reply::json(403, r#"{"error_code":"PERMISSION_DENIED","message":"x"}"#)
    })
    .await;
    let e = client(&server)
        .read_online_table("c.s.t")
        .await
        .unwrap_err();
    assert!(e.is_refusal(), "{e}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn publishing_is_not_repeated_after_a_lost_answer() {
    let server =
        Server::start(|_, _| Reply::json(503, r#"{"error_code":"TEMPORARILY_UNAVAILABLE"}"#)).await;
    let c = client(&server);
    let spec = mlops_console::api::models::feature_store::PublishSpec {
        online_store: "s".into(),
        online_table_name: "c.s.o".into(),
        publish_mode: Some(PublishMode::Triggered),
        ..Default::default()
    };
    let e = c.publish_table("c.s.t", &spec).await.unwrap_err();
    assert!(e.may_have_applied(), "{e}");
    assert_eq!(server.count(), 1);
    let body: serde_json::Value = serde_json::from_str(&server.seen()[0].body).unwrap();
    assert_eq!(body["publish_spec"]["publish_mode"], "TRIGGERED");
    assert_eq!(
        server.seen()[0].path(),
        "/api/2.0/feature-store/tables/c.s.t/publish"
    );
}
