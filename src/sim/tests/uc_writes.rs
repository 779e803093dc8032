//! Unity Catalog writes: aliases (set moves, delete, get by alias), version tags over the MLflow
//! UC RPCs and the native PATCH, and the owner-only rule.

use reqwest::Method;
use serde_json::{Value, json};

use super::writes::Who;
use super::*;

const CHURN: &str = "/api/2.1/unity-catalog/models/main.ml.churn_model";
const RPC: &str = "/api/2.0/mlflow/unity-catalog/model-versions";

fn alias_path(alias: &str) -> String {
    format!("{CHURN}/aliases/{alias}")
}

async fn aliases(t: &TestSim) -> Value {
    let m = t.ok_get(CHURN, &[("include_aliases", "true")]).await;
    m["aliases"].clone()
}

#[tokio::test]
async fn setting_an_alias_moves_it() {
    let t = sim().await;
    let set = t
        .ok(
            Method::PUT,
            &alias_path("champion"),
            json!({"version_num": 5}),
        )
        .await;
    assert_eq!(set, json!({"alias_name": "champion", "version_num": 5}));
    let now: Vec<(String, i64)> = aliases(&t)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["alias_name"].as_str().unwrap().to_string(),
                a["version_num"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(now.contains(&("champion".into(), 5)), "{now:?}");
    assert_eq!(now.iter().filter(|(n, _)| n == "champion").count(), 1);
    let v4 = t
        .ok_get(
            &format!("{CHURN}/versions/4"),
            &[("include_aliases", "true")],
        )
        .await;
    assert!(v4.get("aliases").is_none(), "v4 lost the alias: {v4}");
    let by_alias = t
        .ok_get(&alias_path("champion"), &[("include_aliases", "true")])
        .await;
    assert_eq!(by_alias["version"], 5);
    let names = strings(&by_alias["aliases"], "alias_name");
    assert_eq!(names, ["challenger", "champion"]);
}

#[tokio::test]
async fn deleting_an_alias_and_missing_aliases() {
    let t = sim().await;
    let (s, body) = t
        .call(
            Who::Owner,
            Method::DELETE,
            &alias_path("challenger"),
            &[],
            None,
        )
        .await;
    assert_eq!((s, body), (200, json!({})));
    assert_eq!(strings(&aliases(&t).await, "alias_name"), ["champion"]);
    let (s, body) = t
        .call(
            Who::Owner,
            Method::DELETE,
            &alias_path("challenger"),
            &[],
            None,
        )
        .await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (s, body) = t.get(&alias_path("challenger"), &[]).await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
}

#[tokio::test]
async fn alias_arguments_are_validated() {
    let t = sim().await;
    let cases = [
        (
            "latest",
            json!({"version_num": 5}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (
            "v5",
            json!({"version_num": 5}),
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        ("champion", json!({}), 400, "INVALID_PARAMETER_VALUE"),
        (
            "champion",
            json!({"version_num": 99}),
            404,
            "RESOURCE_DOES_NOT_EXIST",
        ),
    ];
    for (alias, body, status, code) in cases {
        let (s, answer) = t
            .call(
                Who::Owner,
                Method::PUT,
                &alias_path(alias),
                &[],
                Some(body.clone()),
            )
            .await;
        assert_eq!(s, status, "{alias} {body}: {answer}");
        assert_error(&answer, code);
    }
    let (s, answer) = t
        .call(
            Who::Owner,
            Method::PUT,
            "/api/2.1/unity-catalog/models/main.ml.nope/aliases/champion",
            &[],
            Some(json!({"version_num": 1})),
        )
        .await;
    assert_eq!(s, 404);
    assert_error(&answer, "RESOURCE_DOES_NOT_EXIST");
}

#[tokio::test]
async fn only_the_owner_moves_aliases_or_sets_tags() {
    let t = sim().await;
    let before = aliases(&t).await;
    let writes = [
        (
            Method::PUT,
            alias_path("champion"),
            Some(json!({"version_num": 5})),
        ),
        (Method::DELETE, alias_path("challenger"), None),
        (
            Method::POST,
            format!("{RPC}/set-tag"),
            Some(
                json!({"name": "main.ml.churn_model", "version": "5", "key": "approval",
                        "value": "approved"}),
            ),
        ),
        (
            Method::PATCH,
            "/api/2.1/unity-catalog/subentity-tags/FUNCTION/main.ml.churn_model/5".to_string(),
            Some(json!({"changes": {"add_tags": [{"key": "approval", "value": "approved"}]}})),
        ),
    ];
    for (method, path, body) in writes {
        let (s, answer) = t
            .call(Who::NonOwner, method.clone(), &path, &[], body)
            .await;
        assert_eq!(s, 403, "{method} {path}: {answer}");
        assert_error(&answer, "PERMISSION_DENIED");
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains("analyst@acme.com") && message.contains("main.ml.churn_model"),
            "{message}"
        );
    }
    assert_eq!(aliases(&t).await, before);
    let v5 = t.ok_get(&format!("{CHURN}/versions/5"), &[]).await;
    assert_eq!(v5["tags"], json!([{"key": "approval", "value": "pending"}]));
    // The non-owner owns `main.ml.ltv_regressor`, and may move its aliases.
    let (s, _) = t
        .call(
            Who::NonOwner,
            Method::PUT,
            "/api/2.1/unity-catalog/models/main.ml.ltv_regressor/aliases/shadow",
            &[],
            Some(json!({"version_num": 1})),
        )
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn version_tags_over_the_mlflow_uc_rpcs() {
    let t = sim().await;
    let target = json!({"name": "main.ml.churn_model", "version": "5"});
    let with = |extra: Value| {
        let mut b = target.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    t.ok(
        Method::POST,
        &format!("{RPC}/set-tag"),
        with(json!({"key": "approval", "value": "approved"})),
    )
    .await;
    t.ok(
        Method::POST,
        &format!("{RPC}/set-tag"),
        with(json!({"key": "approval_by", "value": "ml-eng@acme.com"})),
    )
    .await;
    let got = t
        .ok_get(
            &format!("{RPC}/get"),
            &[("name", "main.ml.churn_model"), ("version", "5")],
        )
        .await;
    let mv = &got["model_version"];
    assert_eq!(mv["version"], "5");
    assert_eq!(
        mv["tags"],
        json!([{"key": "approval", "value": "approved"},
               {"key": "approval_by", "value": "ml-eng@acme.com"}])
    );
    assert_eq!(
        mv["aliases"],
        json!([{"alias": "challenger", "version": "5"}])
    );
    // Delete with a JSON body (what MLflow sends) and with a query string (what SDKs send).
    t.ok(
        Method::DELETE,
        &format!("{RPC}/delete-tag"),
        with(json!({"key": "approval_by"})),
    )
    .await;
    let (s, _) = t
        .call(
            Who::Owner,
            Method::DELETE,
            &format!("{RPC}/delete-tag"),
            &[
                ("name", "main.ml.churn_model"),
                ("version", "5"),
                ("key", "approval"),
            ],
            None,
        )
        .await;
    assert_eq!(s, 200);
    let rest = t.ok_get(&format!("{CHURN}/versions/5"), &[]).await;
    assert!(rest.get("tags").is_none(), "{rest}");
    let (s, body) = t
        .get(
            &format!("{RPC}/get"),
            &[("name", "main.ml.churn_model"), ("version", "9")],
        )
        .await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
}

#[tokio::test]
async fn version_tags_over_the_native_patch() {
    let t = sim().await;
    let path = "/api/2.1/unity-catalog/subentity-tags/FUNCTION/main.ml.churn_model/5";
    let answer = t
        .ok(
            Method::PATCH,
            path,
            json!({"changes": {"add_tags": [{"key": "approval", "value": "rejected"},
                                            {"key": "approval_comment", "value": "too slow"}],
                               "remove": ["nothing-here"]}}),
        )
        .await;
    assert_eq!(answer, json!({}));
    let v5 = t.ok_get(&format!("{CHURN}/versions/5"), &[]).await;
    assert_eq!(
        v5["tags"],
        json!([{"key": "approval", "value": "rejected"},
               {"key": "approval_comment", "value": "too slow"}])
    );
    t.ok(
        Method::PATCH,
        path,
        json!({"changes": {"remove": ["approval_comment"]}}),
    )
    .await;
    let v5 = t.ok_get(&format!("{CHURN}/versions/5"), &[]).await;
    assert_eq!(
        v5["tags"],
        json!([{"key": "approval", "value": "rejected"}])
    );
    let (s, body) = t
        .call(
            Who::Owner,
            Method::PATCH,
            "/api/2.1/unity-catalog/subentity-tags/TABLE/main.ml.churn_model/5",
            &[],
            Some(json!({"changes": {}})),
        )
        .await;
    assert_eq!(s, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");
}
