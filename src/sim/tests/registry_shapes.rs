//! Registry calls of MLflow's client with registry URIs `databricks` and `databricks-uc`, and of
//! the JavaScript SDK, that the simulator once answered 404: workspace-registry tag deletes,
//! download URIs and the deprecated model listing; the MLflow UC registry RPCs.

use reqwest::Method;
use serde_json::{Value, json};

use super::{TestSim, sim, strings};

const UC: &str = "/api/2.0/mlflow/unity-catalog";
const CHURN: &str = "main.ml.churn_model";

fn tag_value(tags: &Value, key: &str) -> Option<String> {
    tags.as_array()?
        .iter()
        .find(|t| t["key"] == key)
        .and_then(|t| t["value"].as_str().map(str::to_string))
}

async fn call(t: &TestSim, method: Method, path: &str, body: Value) -> Value {
    let (status, answer) = t.json_call(method.clone(), path, Some(body.clone())).await;
    assert_eq!(status, 200, "{method} {path} {body}: {answer}");
    answer
}

async fn fraud_model(t: &TestSim) -> Value {
    t.ok_get(
        "/api/2.0/mlflow/registered-models/get",
        &[("name", "fraud_model")],
    )
    .await
}

#[tokio::test]
async fn workspace_registry_tags_are_deleted_with_a_body_or_a_query_and_versions_have_a_download_uri()
 {
    let t = sim().await;
    let mlflow = "/api/2.0/mlflow";
    t.ok_post(
        &format!("{mlflow}/registered-models/set-tag"),
        json!({"name": "fraud_model", "key": "team", "value": "risk"}),
    )
    .await;
    t.ok_post(
        &format!("{mlflow}/model-versions/set-tag"),
        json!({"name": "fraud_model", "version": "3", "key": "k", "value": "v"}),
    )
    .await;
    assert_eq!(
        tag_value(&fraud_model(&t).await["registered_model"]["tags"], "team").as_deref(),
        Some("risk")
    );
    // MLflow's client sends DELETE arguments as a JSON body ...
    call(
        &t,
        Method::DELETE,
        &format!("{mlflow}/registered-models/delete-tag"),
        json!({"name": "fraud_model", "key": "team"}),
    )
    .await;
    assert_eq!(
        tag_value(&fraud_model(&t).await["registered_model"]["tags"], "team"),
        None
    );
    // ... the Databricks SDK in the query.
    let (status, _) = t
        .json_call(
            Method::DELETE,
            &format!("{mlflow}/model-versions/delete-tag?name=fraud_model&version=3&key=k"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let v3 = t
        .ok_get(
            &format!("{mlflow}/model-versions/get"),
            &[("name", "fraud_model"), ("version", "3")],
        )
        .await;
    assert_eq!(tag_value(&v3["model_version"]["tags"], "k"), None);

    let uri = t
        .ok_get(
            &format!("{mlflow}/model-versions/get-download-uri"),
            &[("name", "fraud_model"), ("version", "3")],
        )
        .await;
    assert_eq!(uri["artifact_uri"], v3["model_version"]["source"]);
    let (status, _) = t
        .get(
            &format!("{mlflow}/model-versions/get-download-uri"),
            &[("name", "fraud_model"), ("version", "99")],
        )
        .await;
    assert_eq!(status, 404);

    // The deprecated listing pages like the search.
    let first = t
        .ok_get(
            &format!("{mlflow}/registered-models/list"),
            &[("max_results", "2")],
        )
        .await;
    assert_eq!(first["registered_models"].as_array().unwrap().len(), 2);
    let token = first["next_page_token"].as_str().unwrap();
    let rest = t
        .ok_get(
            &format!("{mlflow}/registered-models/list"),
            &[("max_results", "100"), ("page_token", token)],
        )
        .await;
    let mut names = strings(&first["registered_models"], "name");
    names.extend(strings(&rest["registered_models"], "name"));
    assert!(names.contains(&"fraud_model".to_string()) && names.len() >= 5);
    assert!(t.sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn uc_registry_rpcs_read_models_versions_and_aliases() {
    let t = sim().await;
    let page = t
        .ok_get(
            &format!("{UC}/registered-models/search"),
            &[("max_results", "3")],
        )
        .await;
    let mut names = strings(&page["registered_models"], "name");
    let mut token = page["next_page_token"].as_str().map(str::to_string);
    while let Some(tok) = token {
        let next = t
            .ok_get(
                &format!("{UC}/registered-models/search"),
                &[("max_results", "3"), ("page_token", &tok)],
            )
            .await;
        names.extend(strings(&next["registered_models"], "name"));
        token = next["next_page_token"].as_str().map(str::to_string);
    }
    assert!(names.contains(&CHURN.to_string()));
    assert!(
        !names.iter().any(|n| n.starts_with("main.sandbox.")),
        "browse-only models are not listed: {names:?}"
    );

    let model = t
        .ok_get(&format!("{UC}/registered-models/get"), &[("name", CHURN)])
        .await;
    let mut aliases: Vec<(String, String)> = model["registered_model"]["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["alias"].as_str().unwrap().to_string(),
                a["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    aliases.sort();
    assert_eq!(
        aliases,
        [
            ("challenger".to_string(), "5".to_string()),
            ("champion".to_string(), "4".to_string())
        ]
    );

    let versions = t
        .ok_get(
            &format!("{UC}/model-versions/search"),
            &[
                ("filter", &format!("name='{CHURN}'")),
                ("max_results", "10000"),
            ],
        )
        .await;
    assert_eq!(
        strings(&versions["model_versions"], "version"),
        ["5", "4", "3", "2", "1"]
    );
    assert_eq!(
        tag_value(&versions["model_versions"][0]["tags"], "approval").as_deref(),
        Some("pending")
    );
    let champion = t
        .ok_get(
            &format!("{UC}/registered-models/alias"),
            &[("name", CHURN), ("alias", "champion")],
        )
        .await;
    assert_eq!(champion["model_version"]["version"], "4");
    let uri = t
        .ok_get(
            &format!("{UC}/model-versions/get-download-uri"),
            &[("name", CHURN), ("version", "4")],
        )
        .await;
    assert!(uri["artifact_uri"].as_str().unwrap().starts_with("s3://"));
    let (status, _) = t
        .get(
            &format!("{UC}/registered-models/get"),
            &[("name", "main.ml.nope")],
        )
        .await;
    assert_eq!(status, 404);
    assert!(t.sim.rejected_requests().is_empty());
}

#[tokio::test]
async fn uc_registry_rpcs_move_aliases_and_tag_models_as_the_owner_only() {
    let t = sim().await;
    call(
        &t,
        Method::POST,
        &format!("{UC}/registered-models/alias"),
        json!({"name": CHURN, "alias": "champion", "version": "5"}),
    )
    .await;
    let rest = t
        .ok_get(
            &format!("/api/2.1/unity-catalog/models/{CHURN}/aliases/champion"),
            &[],
        )
        .await;
    assert_eq!(rest["version"], 5, "the REST API sees the move");
    call(
        &t,
        Method::DELETE,
        &format!("{UC}/registered-models/alias"),
        json!({"name": CHURN, "alias": "challenger"}),
    )
    .await;
    let (status, _) = t
        .get(
            &format!("{UC}/registered-models/alias"),
            &[("name", CHURN), ("alias", "challenger")],
        )
        .await;
    assert_eq!(status, 404);

    call(
        &t,
        Method::POST,
        &format!("{UC}/registered-models/set-tag"),
        json!({"name": CHURN, "key": "domain", "value": "retention"}),
    )
    .await;
    let model = t
        .ok_get(&format!("{UC}/registered-models/get"), &[("name", CHURN)])
        .await;
    assert_eq!(
        tag_value(&model["registered_model"]["tags"], "domain").as_deref(),
        Some("retention")
    );
    let (status, _, _) = t
        .raw(
            Method::POST,
            &format!("{UC}/registered-models/set-tag"),
            Some(json!({"name": CHURN, "key": "domain", "value": "x"})),
            Some(&t.sim.nonowner_token),
        )
        .await;
    assert_eq!(status, 403);
    call(
        &t,
        Method::DELETE,
        &format!("{UC}/registered-models/delete-tag"),
        json!({"name": CHURN, "key": "domain"}),
    )
    .await;
    let model = t
        .ok_get(&format!("{UC}/registered-models/get"), &[("name", CHURN)])
        .await;
    assert_eq!(
        tag_value(&model["registered_model"]["tags"], "domain"),
        None
    );
    assert!(t.sim.rejected_requests().is_empty());
}
