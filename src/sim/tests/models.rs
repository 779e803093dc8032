//! Unity Catalog models, the workspace registry and serving endpoints over HTTP.

use serde_json::{Value, json};

use super::*;

const UC: &str = "/api/2.1/unity-catalog/models";

/// Every page of a GET listing that follows `next_page_token`.
async fn get_pages(t: &TestSim, path: &str, query: &[(&str, &str)]) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        if let Some(tok) = token.as_deref() {
            q.push(("page_token", tok));
        }
        let page = t.ok_get(path, &q).await;
        token = page["next_page_token"].as_str().map(str::to_string);
        pages.push(page);
        if token.is_none() || pages.len() > 100 {
            return pages;
        }
    }
}

#[tokio::test]
async fn uc_listing_has_an_empty_page_with_a_token() {
    let t = sim().await;
    let pages = get_pages(&t, UC, &[("max_results", "2")]).await;
    assert!(
        pages
            .iter()
            .any(|p| p.get("registered_models").is_none() && p["next_page_token"].is_string()),
        "an empty page that still carries a token: {pages:?}"
    );
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| strings(&p["registered_models"], "full_name"))
        .collect();
    assert!(names.contains(&"main.ml.churn_model".to_string()));
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("analytics.forecasting.")),
        "listing goes past the empty page"
    );
    assert!(
        !names.contains(&"main.sandbox.scratch_model".to_string()),
        "browse-only hidden by default"
    );
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique, names);

    // With the default page size the empty page is still there (between schemas).
    let default_pages = get_pages(&t, UC, &[]).await;
    assert!(default_pages.len() >= 3);
    let browse = get_pages(&t, UC, &[("include_browse", "true")]).await;
    let all: Vec<Value> = browse
        .iter()
        .flat_map(|p| {
            p["registered_models"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let scratch = all
        .iter()
        .find(|m| m["full_name"] == "main.sandbox.scratch_model")
        .unwrap();
    assert_eq!(scratch["browse_only"], true);
    assert_eq!(all.len(), names.len() + 1);
}

#[tokio::test]
async fn uc_listing_arguments_are_validated() {
    let t = sim().await;
    let scoped = t
        .ok_get(UC, &[("catalog_name", "main"), ("schema_name", "ml")])
        .await;
    assert!(scoped.get("next_page_token").is_none());
    assert_eq!(
        strings(&scoped["registered_models"], "schema_name").len(),
        5
    );
    assert!(
        scoped["registered_models"][0].get("aliases").is_none(),
        "lists carry no aliases"
    );
    for (q, status, code) in [
        (
            vec![("catalog_name", "main")],
            400,
            "INVALID_PARAMETER_VALUE",
        ),
        (vec![("schema_name", "ml")], 400, "INVALID_PARAMETER_VALUE"),
        (vec![("max_results", "-1")], 400, "INVALID_PARAMETER_VALUE"),
        (
            vec![("catalog_name", "main"), ("schema_name", "nope")],
            404,
            "SCHEMA_DOES_NOT_EXIST",
        ),
        (
            vec![("catalog_name", "nope"), ("schema_name", "ml")],
            404,
            "CATALOG_DOES_NOT_EXIST",
        ),
    ] {
        let (s, body) = t.get(UC, &q).await;
        assert_eq!(s, status, "{q:?}");
        assert_error(&body, code);
    }
}

#[tokio::test]
async fn uc_model_and_versions() {
    let t = sim().await;
    let path = format!("{UC}/main.ml.churn_model");
    let plain = t.ok_get(&path, &[]).await;
    assert_eq!(plain["owner"], "ml-eng@acme.com");
    assert!(plain.get("aliases").is_none());
    let model = t.ok_get(&path, &[("include_aliases", "true")]).await;
    assert_eq!(
        model["aliases"],
        json!([{"alias_name": "champion", "version_num": 4}, {"alias_name": "challenger", "version_num": 5}])
    );

    let pages = get_pages(&t, &format!("{path}/versions"), &[("max_results", "2")]).await;
    assert_eq!(pages.len(), 3);
    let versions: Vec<Value> = pages
        .iter()
        .flat_map(|p| p["model_versions"].as_array().cloned().unwrap())
        .collect();
    let numbers: Vec<i64> = versions
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [5, 4, 3, 2, 1]);
    assert!(
        versions
            .iter()
            .all(|v| v.get("aliases").is_none() && v.get("tags").is_none())
    );

    let v5 = t
        .ok_get(
            &format!("{path}/versions/5"),
            &[("include_aliases", "true")],
        )
        .await;
    assert_eq!(
        v5["aliases"],
        json!([{"alias_name": "challenger", "version_num": 5}])
    );
    assert_eq!(v5["tags"], json!([{"key": "approval", "value": "pending"}]));
    assert_eq!(v5["status"], "READY");
    assert!(
        v5["source"]
            .as_str()
            .unwrap()
            .starts_with("dbfs:/databricks/mlflow-tracking/")
    );

    let (s, body) = t.get(&format!("{path}/versions/9"), &[]).await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (s, _) = t.get(&format!("{path}/versions/abc"), &[]).await;
    assert_eq!(s, 400);
    let (s, body) = t.get(&format!("{UC}/main.ml.nope"), &[]).await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (s, body) = t
        .get(&format!("{UC}/main.sandbox.scratch_model"), &[])
        .await;
    assert_eq!(s, 403);
    assert_error(&body, "PERMISSION_DENIED");
}

#[tokio::test]
async fn workspace_registry_search_and_get() {
    let t = sim().await;
    const SEARCH: &str = "/api/2.0/mlflow/registered-models/search";
    // Databricks reads `name LIKE 'x'` as "contains x".
    let fraud = t.ok_get(SEARCH, &[("filter", "name LIKE 'fraud'")]).await;
    assert_eq!(
        strings(&fraud["registered_models"], "name"),
        ["fraud_model"]
    );
    let latest = &fraud["registered_models"][0]["latest_versions"];
    let stages = strings(latest, "current_stage");
    assert_eq!(stages, ["Archived", "Production", "Staging", "None"]);

    // What the OSS mlflow client sends: it appends a prompt-exclusion clause to every filter.
    let via_mlflow = t
        .ok_get(
            SEARCH,
            &[(
                "filter",
                "name LIKE '%model%' AND tags.`mlflow.prompt.is_prompt` != 'true'",
            )],
        )
        .await;
    assert_eq!(strings(&via_mlflow["registered_models"], "name").len(), 4);

    let pages = get_pages(&t, SEARCH, &[("max_results", "2")]).await;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| strings(&p["registered_models"], "name"))
        .collect();
    assert_eq!(
        names,
        [
            "churn_model_legacy",
            "fraud_model",
            "ltv_model",
            "propensity_model",
            "recsys_candidates"
        ]
    );
    let newest = t
        .ok_get(
            SEARCH,
            &[
                ("order_by", "last_updated_timestamp DESC"),
                ("max_results", "1"),
            ],
        )
        .await;
    assert_eq!(newest["registered_models"].as_array().unwrap().len(), 1);
    let (s, body) = t.get(SEARCH, &[("max_results", "1001")]).await;
    assert_eq!(s, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");

    let got = t
        .ok_get(
            "/api/2.0/mlflow/registered-models/get",
            &[("name", "fraud_model")],
        )
        .await;
    assert_eq!(got["registered_model"]["latest_versions"], *latest);
    let dbx = t
        .ok_get(
            "/api/2.0/mlflow/databricks/registered-models/get",
            &[("name", "fraud_model")],
        )
        .await;
    let dbx = &dbx["registered_model_databricks"];
    assert_eq!(dbx["name"], "fraud_model");
    assert_eq!(dbx["permission_level"], "CAN_MANAGE");
    assert!(dbx["id"].as_str().is_some_and(|id| id.len() == 32));
    assert_eq!(dbx["latest_versions"], *latest);
    let (s, body) = t
        .get("/api/2.0/mlflow/registered-models/get", &[("name", "nope")])
        .await;
    assert_eq!(
        (s, body["message"].as_str()),
        (404, Some("Registered Model with name=nope not found"))
    );
}

#[tokio::test]
async fn serving_list_summary_and_detailed_get() {
    let t = sim().await;
    let list = t.ok_get("/api/2.0/serving-endpoints", &[]).await;
    let endpoints = list["endpoints"].as_array().unwrap();
    assert_eq!(
        strings(&list["endpoints"], "name"),
        ["churn-prod", "fraud-scoring", "recsys-staging"]
    );
    let summary = &endpoints[0];
    assert_eq!(summary["state"]["ready"], "READY");
    assert!(
        summary["config"].get("traffic_config").is_none(),
        "list items are summaries"
    );
    assert_eq!(
        summary["config"]["served_entities"][0],
        json!({"name": "churn_model-4", "entity_name": "main.ml.churn_model", "entity_version": "4"})
    );

    let churn = t.ok_get("/api/2.0/serving-endpoints/churn-prod", &[]).await;
    assert_eq!(
        churn["state"],
        json!({"ready": "READY", "config_update": "NOT_UPDATING"})
    );
    assert_eq!(churn["permission_level"], "CAN_MANAGE");
    let routes = &churn["config"]["traffic_config"]["routes"];
    assert_eq!(routes[0]["served_entity_name"], "churn_model-4");
    assert_eq!(
        (
            routes[0]["traffic_percentage"].as_i64(),
            routes[1]["traffic_percentage"].as_i64()
        ),
        (Some(90), Some(10))
    );
    let entity = &churn["config"]["served_entities"][1];
    assert_eq!(entity["workload_size"], "Small");
    assert_eq!(entity["scale_to_zero_enabled"], false);
    assert_eq!(entity["state"]["deployment"], "DEPLOYMENT_READY");

    let fraud = t
        .ok_get("/api/2.0/serving-endpoints/fraud-scoring", &[])
        .await;
    assert_eq!(
        fraud["config"]["served_entities"][0]["scale_to_zero_enabled"],
        true
    );
    let recsys = t
        .ok_get("/api/2.0/serving-endpoints/recsys-staging", &[])
        .await;
    assert_eq!(
        recsys["state"],
        json!({"ready": "NOT_READY", "config_update": "UPDATE_FAILED"})
    );
    assert_eq!(
        recsys["config"]["served_entities"][0]["state"]["deployment"],
        "DEPLOYMENT_FAILED"
    );

    let analyst = t
        .http
        .get(t.url("/api/2.0/serving-endpoints/churn-prod"))
        .bearer_auth(&t.sim.nonowner_token)
        .send()
        .await
        .unwrap();
    assert_eq!(decode(analyst).await.1["permission_level"], "CAN_QUERY");
    let (s, body) = t.get("/api/2.0/serving-endpoints/nope", &[]).await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
}
