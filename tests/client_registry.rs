//! Registry client calls against scripted loopback servers: the exact requests sent (paths,
//! methods, bodies), the fallbacks between routes, and read-only refusal of every mutation.

mod client_support;

use client_support::{Reply, Seen, Server, options};
use mlops_console::api::models::mlflow::KeyValue;
use mlops_console::api::models::registry::{Stage, TransitionStageRequest};
use mlops_console::api::models::uc_tags::TagChanges;
use mlops_console::api::registry::TransitionPath;
use mlops_console::api::uc_tags::TagRoute;
use mlops_console::api::{ApiError, Client, Credentials};
use serde_json::{Value, json};

const NOT_AVAILABLE: &str = r#"{"error_code":"ENDPOINT_NOT_FOUND","message":"No API found"}"#;

fn client(server: &Server, readonly: bool) -> Client {
    let mut o = options(&server.url(), Credentials::Pat("dapi-test-0000".into()));
    o.readonly = readonly;
    Client::new(o).unwrap()
}

fn body(seen: &Seen) -> Value {
    serde_json::from_str(&seen.body).unwrap_or(Value::Null)
}

fn query(seen: &Seen) -> String {
    seen.uri
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn oss_alias_delete_sends_a_json_body_and_no_query() {
    let server = Server::start(|seen, _| match seen.method.as_str() {
        "DELETE" if body(seen)["name"].is_string() => {
            Reply::json(200, include_str!("../src/api/testdata/alias-delete.json"))
        }
        "DELETE" => Reply::json(
            400,
            include_str!("../src/api/testdata/alias-delete-query.json"),
        ),
        "POST" => Reply::json(200, include_str!("../src/api/testdata/alias-post.json")),
        _ => Reply::json(200, include_str!("../src/api/testdata/alias-get.json")),
    })
    .await;
    let c = client(&server, false);
    c.set_registry_alias("feas-model", "champion", "2")
        .await
        .unwrap();
    c.delete_registry_alias("feas-model", "champion")
        .await
        .unwrap();
    let v = c
        .get_registry_version_by_alias("feas-model", "champion")
        .await
        .unwrap();
    assert_eq!(
        (v.version.as_str(), v.aliases.clone()),
        ("2", vec!["champion".to_string()])
    );

    let seen = server.seen();
    assert_eq!(seen[0].path(), "/api/2.0/mlflow/registered-models/alias");
    assert_eq!(
        body(&seen[0]),
        json!({"name": "feas-model", "alias": "champion", "version": "2"})
    );
    assert_eq!(seen[1].method, "DELETE");
    assert_eq!(query(&seen[1]), "");
    assert_eq!(
        body(&seen[1]),
        json!({"name": "feas-model", "alias": "champion"})
    );
    assert_eq!(seen[1].header("content-type"), Some("application/json"));
    assert_eq!(query(&seen[2]), "name=feas-model&alias=champion");
}

#[tokio::test]
async fn transition_stage_falls_back_to_the_oss_path_without_the_comment() {
    let server = Server::start(|seen, _| {
        if seen.path().contains("/databricks/") {
            Reply::json(404, NOT_AVAILABLE)
        } else {
            Reply::json(
                200,
                include_str!("../src/api/testdata/transition-stage.json"),
            )
        }
    })
    .await;
    let c = client(&server, false);
    let req = TransitionStageRequest {
        name: "feas-model".into(),
        version: "2".into(),
        stage: "Production".into(),
        archive_existing_versions: true,
        comment: Some("ship it".into()),
    };
    let (v, path) = c.transition_stage(&req).await.unwrap();
    assert_eq!(path, TransitionPath::Oss);
    assert_eq!(v.current_stage, Some(Stage::Production));
    let seen = server.seen();
    assert_eq!(body(&seen[0])["comment"], "ship it");
    assert_eq!(
        seen[1].path(),
        "/api/2.0/mlflow/model-versions/transition-stage"
    );
    assert_eq!(
        body(&seen[1]),
        json!({"name": "feas-model", "version": "2", "stage": "Production",
               "archive_existing_versions": true})
    );
}

#[tokio::test]
async fn transition_stage_keeps_real_errors_instead_of_falling_back() {
    let server = Server::start(|_, _| {
        Reply::json(
            403,
            r#"{"error_code":"PERMISSION_DENIED","message":"no Production rights"}"#,
        )
    })
    .await;
    let c = client(&server, false);
    let req = TransitionStageRequest {
        name: "m".into(),
        version: "1".into(),
        stage: "Production".into(),
        archive_existing_versions: true,
        comment: None,
    };
    let err = c.transition_stage(&req).await.unwrap_err();
    assert!(err.to_string().contains("no Production rights"), "{err}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn uc_tags_use_the_rpc_first_and_patch_natively_when_it_is_missing() {
    let rpc = Server::start(|_, _| Reply::json(200, "{}")).await;
    let changes = TagChanges {
        add_tags: vec![
            KeyValue::new("approval", "approved"),
            KeyValue::new("approval_by", "me@x"),
        ],
        remove: vec!["stale".into()],
    };
    let route = client(&rpc, false)
        .update_uc_version_tags("main.ml.m", "5", &changes)
        .await
        .unwrap();
    assert_eq!(route, TagRoute::MlflowRpc);
    let seen = rpc.seen();
    let calls: Vec<(String, String)> = seen
        .iter()
        .map(|s| (s.method.clone(), s.path().to_string()))
        .collect();
    assert_eq!(
        calls,
        [
            (
                "POST",
                "/api/2.0/mlflow/unity-catalog/model-versions/set-tag"
            ),
            (
                "POST",
                "/api/2.0/mlflow/unity-catalog/model-versions/set-tag"
            ),
            (
                "DELETE",
                "/api/2.0/mlflow/unity-catalog/model-versions/delete-tag"
            ),
        ]
        .map(|(m, p)| (m.to_string(), p.to_string()))
    );
    assert_eq!(
        body(&seen[0]),
        json!({"name": "main.ml.m", "version": "5", "key": "approval", "value": "approved"})
    );
    assert_eq!(
        body(&seen[2]),
        json!({"name": "main.ml.m", "version": "5", "key": "stale"})
    );

    let native = Server::start(|seen, _| {
        if seen.path().starts_with("/api/2.0/mlflow/unity-catalog/") {
            Reply::json(404, NOT_AVAILABLE)
        } else {
            Reply::json(200, "{}")
        }
    })
    .await;
    let route = client(&native, false)
        .update_uc_version_tags("main.ml.m", "5", &changes)
        .await
        .unwrap();
    assert_eq!(route, TagRoute::Native);
    let seen = native.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, "PATCH");
    assert_eq!(
        seen[1].path(),
        "/api/2.1/unity-catalog/subentity-tags/FUNCTION/main.ml.m/5"
    );
    assert_eq!(
        body(&seen[1]),
        json!({"changes": {"add_tags": [{"key": "approval", "value": "approved"},
                                        {"key": "approval_by", "value": "me@x"}],
                           "remove": ["stale"]}})
    );
}

#[tokio::test]
async fn uc_tag_read_back_falls_back_to_the_rest_version() {
    let server = Server::start(|seen, _| {
        if seen.path().starts_with("/api/2.0/mlflow/unity-catalog/") {
            Reply::json(404, NOT_AVAILABLE)
        } else {
            Reply::json(
                200,
                r#"{"model_name":"m","version":5,"tags":[{"key":"approval","value":"pending"}]}"#,
            )
        }
    })
    .await;
    let tags = client(&server, false)
        .get_uc_version_tags("main.ml.m", "5")
        .await
        .unwrap();
    assert_eq!(tags, vec![KeyValue::new("approval", "pending")]);
    assert_eq!(
        server.seen()[1].path(),
        "/api/2.1/unity-catalog/models/main.ml.m/versions/5"
    );
}

#[tokio::test]
async fn uc_alias_calls_use_the_documented_paths() {
    let server = Server::start(|seen, _| match seen.method.as_str() {
        "PUT" => Reply::json(200, r#"{"alias_name":"champion","version_num":5}"#),
        "DELETE" => Reply::json(200, "{}"),
        _ => Reply::json(200, r#"{"model_name":"churn_model","version":5}"#),
    })
    .await;
    let c = client(&server, false);
    let alias = c
        .set_uc_alias("main.ml.churn_model", "champion", 5)
        .await
        .unwrap();
    assert_eq!(alias.version_num, 5);
    c.delete_uc_alias("main.ml.churn_model", "champion")
        .await
        .unwrap();
    let v = c
        .get_uc_version_by_alias("main.ml.churn_model", "champion")
        .await
        .unwrap();
    assert_eq!(v.version, 5);
    let seen = server.seen();
    let path = "/api/2.1/unity-catalog/models/main.ml.churn_model/aliases/champion";
    assert!(seen.iter().all(|s| s.path() == path));
    assert_eq!(body(&seen[0]), json!({"version_num": 5}));
}

#[tokio::test]
async fn read_only_refuses_every_registry_mutation_before_sending() {
    let server = Server::start(|_, _| Reply::json(200, r#"{"model_versions":[]}"#)).await;
    let c = client(&server, true);
    let req = TransitionStageRequest {
        name: "m".into(),
        version: "1".into(),
        stage: "Production".into(),
        archive_existing_versions: true,
        comment: None,
    };
    let changes = TagChanges {
        add_tags: vec![KeyValue::new("approval", "approved")],
        remove: Vec::new(),
    };
    let results: Vec<(&str, Result<(), ApiError>)> = vec![
        (
            "set uc alias",
            c.set_uc_alias("a.b.c", "champion", 1).await.map(drop),
        ),
        (
            "delete uc alias",
            c.delete_uc_alias("a.b.c", "champion").await,
        ),
        ("transition", c.transition_stage(&req).await.map(drop)),
        (
            "transition oss",
            c.transition_stage_oss(&req).await.map(drop),
        ),
        (
            "create request",
            c.create_transition_request("m", "1", "Staging", None)
                .await
                .map(drop),
        ),
        (
            "approve",
            c.approve_transition_request("m", "1", "Staging", true, None)
                .await
                .map(drop),
        ),
        (
            "reject",
            c.reject_transition_request("m", "1", "Staging", None)
                .await
                .map(drop),
        ),
        (
            "delete request",
            c.delete_transition_request("m", "1", "Staging", "u", None)
                .await
                .map(drop),
        ),
        ("comment", c.create_comment("m", "1", "hi").await.map(drop)),
        ("model tag", c.set_registered_model_tag("m", "k", "v").await),
        (
            "version tag",
            c.set_model_version_tag("m", "1", "k", "v").await,
        ),
        (
            "uc tags",
            c.update_uc_version_tags("a.b.c", "1", &changes)
                .await
                .map(drop),
        ),
        (
            "uc tags native",
            c.update_uc_version_tags_native("a.b.c", "1", &changes)
                .await,
        ),
        (
            "uc tag delete",
            c.delete_uc_version_tag_rpc("a.b.c", "1", "k").await,
        ),
        (
            "oss alias set",
            c.set_registry_alias("m", "champion", "1").await,
        ),
        (
            "oss alias delete",
            c.delete_registry_alias("m", "champion").await,
        ),
    ];
    for (what, result) in results {
        assert!(
            matches!(result, Err(ApiError::ReadOnly { .. })),
            "{what}: {result:?}"
        );
    }
    assert_eq!(server.count(), 0, "nothing was sent");

    // Reads still go out, including the read-only POST of get-latest-versions.
    c.get_latest_versions("m", &["Production"]).await.unwrap();
    assert_eq!(
        server.seen()[0].path(),
        "/api/2.0/mlflow/registered-models/get-latest-versions"
    );
}
