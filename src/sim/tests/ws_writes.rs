//! Workspace-registry writes: transition-stage on both paths with archive side effects,
//! transition requests (seeded, create, approve, reject, cancel), comments, tags, and who may
//! do what.

use reqwest::Method;
use serde_json::{Value, json};

use super::writes::Who;
use super::*;

const MLFLOW: &str = "/api/2.0/mlflow";

fn p(path: &str) -> String {
    format!("{MLFLOW}{path}")
}

async fn stages(t: &TestSim) -> Vec<(String, String)> {
    let r = t
        .ok_get(
            &p("/model-versions/search"),
            &[("filter", "name='fraud_model'")],
        )
        .await;
    let mut out: Vec<(String, String)> = r["model_versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap().to_string(),
                v["current_stage"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn open_requests(t: &TestSim, version: &str) -> Value {
    t.ok_get(
        &p("/transition-requests/list"),
        &[("name", "fraud_model"), ("version", version)],
    )
    .await
}

#[tokio::test]
async fn seeded_requests_and_version_reads() {
    let t = sim().await;
    assert_eq!(
        stages(&t).await,
        pairs(&[
            ("1", "Archived"),
            ("2", "Archived"),
            ("3", "Production"),
            ("4", "Staging"),
            ("5", "None")
        ])
    );
    let v4 = open_requests(&t, "4").await;
    let reqs = v4["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0]["activity_type"], "REQUESTED_TRANSITION");
    assert_eq!(reqs[0]["to_stage"], "Production");
    assert_eq!(reqs[0]["user_id"], "priya.natarajan@acme.com");
    let v5 = open_requests(&t, "5").await;
    assert_eq!(v5["requests"][0]["to_stage"], "Staging");
    assert_eq!(v5["requests"][0]["user_id"], "analyst@acme.com");
    assert_eq!(open_requests(&t, "3").await, json!({}));

    let got = t
        .ok_get(
            &p("/model-versions/get"),
            &[("name", "fraud_model"), ("version", "3")],
        )
        .await;
    assert_eq!(got["model_version"]["current_stage"], "Production");
    let latest = t
        .ok_post(
            &p("/registered-models/get-latest-versions"),
            json!({"name": "fraud_model", "stages": ["production", "Staging"]}),
        )
        .await;
    assert_eq!(strings(&latest["model_versions"], "version"), ["3", "4"]);
    let (s, body) = t
        .get(
            &p("/model-versions/get"),
            &[("name", "fraud_model"), ("version", "9")],
        )
        .await;
    assert_eq!(s, 404);
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (s, body) = t
        .get(&p("/model-versions/search"), &[("filter", "bogus = 'x'")])
        .await;
    assert_eq!(s, 400);
    assert_error(&body, "INVALID_PARAMETER_VALUE");
}

#[tokio::test]
async fn databricks_transition_archives_the_existing_version() {
    let t = sim().await;
    let r = t
        .ok_post(
            &p("/databricks/model-versions/transition-stage"),
            json!({"name": "fraud_model", "version": "4", "stage": "production",
                   "archive_existing_versions": true, "comment": "ship it"}),
        )
        .await;
    let mv = &r["model_version_databricks"];
    assert_eq!(mv["current_stage"], "Production");
    assert_eq!(mv["permission_level"], "CAN_MANAGE");
    assert_eq!(mv["open_requests"][0]["to_stage"], "Production");
    assert_eq!(
        stages(&t).await,
        pairs(&[
            ("1", "Archived"),
            ("2", "Archived"),
            ("3", "Archived"),
            ("4", "Production"),
            ("5", "None")
        ])
    );
}

#[tokio::test]
async fn oss_transition_and_its_validation() {
    let t = sim().await;
    let r = t
        .ok_post(
            &p("/model-versions/transition-stage"),
            json!({"name": "fraud_model", "version": "5", "stage": "Staging",
                   "archive_existing_versions": false}),
        )
        .await;
    assert_eq!(r["model_version"]["current_stage"], "Staging");
    assert_eq!(
        stages(&t).await[3..],
        pairs(&[("4", "Staging"), ("5", "Staging")])
    );
    let bad = [
        (
            json!({"name": "fraud_model", "version": "5", "stage": "Bogus"}),
            400,
        ),
        (
            json!({"name": "fraud_model", "version": "5", "stage": "Archived",
                   "archive_existing_versions": true}),
            400,
        ),
        (
            json!({"name": "fraud_model", "version": "77", "stage": "Staging"}),
            404,
        ),
        (
            json!({"name": "nope", "version": "1", "stage": "Staging"}),
            404,
        ),
    ];
    for (body, status) in bad {
        let (s, answer) = t
            .post(&p("/model-versions/transition-stage"), body.clone())
            .await;
        assert_eq!(s, status, "{body}: {answer}");
    }
    let (_, answer) = t
        .post(
            &p("/model-versions/transition-stage"),
            json!({"name": "fraud_model", "version": "5", "stage": "Bogus"}),
        )
        .await;
    assert_eq!(
        answer["message"],
        "Invalid Model Version stage: Bogus. Value must be one of None, Staging, Production, \
         Archived."
    );
}

#[tokio::test]
async fn approving_a_request_moves_the_version_and_closes_it() {
    let t = sim().await;
    let r = t
        .ok_post(
            &p("/transition-requests/approve"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production",
                   "archive_existing_versions": true, "comment": "approved at standup"}),
        )
        .await;
    let a = &r["activity"];
    assert_eq!(a["activity_type"], "APPROVED_REQUEST");
    assert_eq!(
        (a["from_stage"].as_str(), a["to_stage"].as_str()),
        (Some("Staging"), Some("Production"))
    );
    assert_eq!(a["comment"], "approved at standup");
    assert_eq!(a["user_id"], "ml-eng@acme.com");
    assert_eq!(open_requests(&t, "4").await, json!({}));
    assert_eq!(
        stages(&t).await[2..4],
        pairs(&[("3", "Archived"), ("4", "Production")])
    );
    let (s, body) = t
        .post(
            &p("/transition-requests/approve"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production",
                   "archive_existing_versions": true}),
        )
        .await;
    assert_eq!(s, 404, "{body}");
    assert_error(&body, "RESOURCE_DOES_NOT_EXIST");
    let (s, body) = t
        .post(
            &p("/transition-requests/approve"),
            json!({"name": "fraud_model", "version": "5", "stage": "Staging"}),
        )
        .await;
    assert_eq!(s, 400, "archive_existing_versions is required: {body}");
}

#[tokio::test]
async fn rejecting_keeps_the_stage() {
    let t = sim().await;
    let r = t
        .ok_post(
            &p("/transition-requests/reject"),
            json!({"name": "fraud_model", "version": "5", "stage": "Staging",
                   "comment": "needs a fairness review"}),
        )
        .await;
    assert_eq!(r["activity"]["activity_type"], "REJECTED_REQUEST");
    assert_eq!(open_requests(&t, "5").await, json!({}));
    assert_eq!(stages(&t).await[4], ("5".to_string(), "None".to_string()));
}

#[tokio::test]
async fn requests_are_created_and_cancelled_by_their_requester() {
    let t = sim().await;
    let (s, created) = t
        .call(
            Who::NonOwner,
            Method::POST,
            &p("/transition-requests/create"),
            &[],
            Some(
                json!({"name": "fraud_model", "version": "3", "stage": "Archived",
                        "comment": "retire"}),
            ),
        )
        .await;
    assert_eq!(s, 200, "{created}");
    let req = &created["request"];
    assert_eq!(req["to_stage"], "Archived");
    assert_eq!(req["user_id"], "analyst@acme.com");
    assert_eq!(
        req["available_actions"],
        json!(["CANCEL_TRANSITION_REQUEST"])
    );
    assert_eq!(
        open_requests(&t, "3").await["requests"][0]["comment"],
        "retire"
    );

    let query = [
        ("name", "fraud_model"),
        ("version", "3"),
        ("stage", "Archived"),
        ("creator", "analyst@acme.com"),
    ];
    let (s, body) = t
        .call(
            Who::Owner,
            Method::DELETE,
            &p("/transition-requests/delete"),
            &query,
            None,
        )
        .await;
    assert_eq!(s, 403, "only the requester cancels: {body}");
    let (s, body) = t
        .call(
            Who::NonOwner,
            Method::DELETE,
            &p("/transition-requests/delete"),
            &query,
            None,
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["activity"]["activity_type"], "CANCELLED_REQUEST");
    assert_eq!(open_requests(&t, "3").await, json!({}));
}

#[tokio::test]
async fn the_non_owner_cannot_move_stages_or_decide() {
    let t = sim().await;
    let writes = [
        (
            p("/databricks/model-versions/transition-stage"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production",
                   "archive_existing_versions": true}),
        ),
        (
            p("/model-versions/transition-stage"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production",
                   "archive_existing_versions": true}),
        ),
        (
            p("/transition-requests/approve"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production",
                   "archive_existing_versions": true}),
        ),
        (
            p("/transition-requests/reject"),
            json!({"name": "fraud_model", "version": "4", "stage": "Production"}),
        ),
    ];
    for (path, body) in writes {
        let (s, answer) = t
            .call(Who::NonOwner, Method::POST, &path, &[], Some(body))
            .await;
        assert_eq!(s, 403, "{path}: {answer}");
        assert_error(&answer, "PERMISSION_DENIED");
    }
    assert_eq!(
        stages(&t).await[3],
        ("4".to_string(), "Staging".to_string())
    );
    let (_, dbx) = t
        .call(
            Who::NonOwner,
            Method::GET,
            &p("/databricks/registered-models/get"),
            &[("name", "fraud_model")],
            None,
        )
        .await;
    assert_eq!(
        dbx["registered_model_databricks"]["permission_level"],
        "CAN_EDIT"
    );
}

#[tokio::test]
async fn comments_and_tags() {
    let t = sim().await;
    let c = t
        .ok_post(
            &p("/comments/create"),
            json!({"name": "fraud_model", "version": "4", "comment": "looks good"}),
        )
        .await;
    assert_eq!(c["comment"]["comment"], "looks good");
    assert_eq!(c["comment"]["user_id"], "ml-eng@acme.com");
    assert!(c["comment"]["id"].is_string());
    t.ok_post(
        &p("/model-versions/set-tag"),
        json!({"name": "fraud_model", "version": "4", "key": "validated", "value": "yes"}),
    )
    .await;
    t.ok_post(
        &p("/registered-models/set-tag"),
        json!({"name": "fraud_model", "key": "tier", "value": "1"}),
    )
    .await;
    let v4 = t
        .ok_get(
            &p("/model-versions/get"),
            &[("name", "fraud_model"), ("version", "4")],
        )
        .await;
    assert_eq!(
        v4["model_version"]["tags"],
        json!([{"key": "validated", "value": "yes"}])
    );
    let m = t
        .ok_get(&p("/registered-models/get"), &[("name", "fraud_model")])
        .await;
    assert!(
        m["registered_model"]["tags"]
            .as_array()
            .unwrap()
            .contains(&json!({"key": "tier", "value": "1"}))
    );
    let (s, _) = t
        .post(
            &p("/model-versions/set-tag"),
            json!({"name": "fraud_model", "key": "validated", "value": "yes"}),
        )
        .await;
    assert_eq!(s, 400, "a version tag needs a version");
}
