//! The client over real HTTP against the simulator: auth, paging, retries, error mapping, and
//! the token never showing up in an error.

use mlops_console::api::models::mlflow::SearchExperimentsRequest;
use mlops_console::api::paging::{Page, collect_pages};
use mlops_console::api::{
    ApiError, Client, ClientOptions, Credentials, ErrorCode, ErrorKind, Secret,
};
use mlops_console::sim::{self, ScriptedFault, SimHandle, SimOptions};

async fn sim() -> SimHandle {
    sim::start(SimOptions::default())
        .await
        .expect("simulator starts")
}

fn client(sim: &SimHandle, token: &str) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(token)),
    ))
    .unwrap()
}

fn assert_no_token(e: &ApiError, token: &str) {
    assert!(!e.to_string().contains(token), "token in Display: {e}");
    assert!(!format!("{e:?}").contains(token), "token in Debug: {e:?}");
}

#[tokio::test]
async fn bearer_token_is_sent_and_checked() {
    let sim = sim().await;
    let me = client(&sim, &sim.token)
        .me()
        .await
        .expect("me with the right token");
    assert_eq!(me.user_name, "ml-eng@acme.com");

    let wrong = "dapi-wrong-token-123456";
    let err = client(&sim, wrong)
        .me()
        .await
        .expect_err("wrong token refused");
    assert_eq!(err.kind(), Some(ErrorKind::Unauthenticated));
    assert_no_token(&err, wrong);
    sim.shutdown().await;
}

#[tokio::test]
async fn paging_follows_tokens_over_many_pages() {
    let sim = sim().await;
    let c = client(&sim, &sim.token);
    let mut pages = 0;
    let all = collect_pages(
        "experiments/search",
        |token| {
            pages += 1;
            let c = c.clone();
            async move {
                let r = c
                    .search_experiments(&SearchExperimentsRequest {
                        max_results: Some(3),
                        page_token: token,
                        ..Default::default()
                    })
                    .await?;
                Ok(Page {
                    items: r.experiments,
                    next_page_token: r.next_page_token,
                })
            }
        },
        None,
    )
    .await
    .expect("all pages");
    assert!(pages >= 3, "only {pages} pages");
    let one_page = c
        .search_experiments(&SearchExperimentsRequest {
            max_results: Some(1000),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(one_page.next_page_token.is_none());
    let mut a: Vec<_> = all.iter().map(|e| e.experiment_id.clone()).collect();
    let mut b: Vec<_> = one_page
        .experiments
        .iter()
        .map(|e| e.experiment_id.clone())
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "paged listing equals the one-page listing");
    sim.shutdown().await;
}

#[tokio::test]
async fn too_many_requests_is_retried_after_retry_after() {
    let sim = sim().await;
    sim.script_faults(vec![
        ScriptedFault::TooManyRequests {
            retry_after: Some("0".into()),
        },
        ScriptedFault::TooManyRequests {
            retry_after: Some("1".into()),
        },
    ]);
    let me = client(&sim, &sim.token)
        .me()
        .await
        .expect("succeeds after two 429s");
    assert_eq!(me.user_name, "ml-eng@acme.com");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_read_is_retried_after_a_500_and_a_change_is_not() {
    let sim = sim().await;
    let c = client(&sim, &sim.token);
    sim.script_faults(vec![ScriptedFault::Status(500)]);
    c.me()
        .await
        .expect("a read is repeated after a server error");
    sim.script_faults(vec![ScriptedFault::Status(500)]);
    let err = c
        .set_registry_alias("fraud_model", "champion", "1")
        .await
        .expect_err("a change is not repeated after a 500: it may have been applied");
    match &err {
        ApiError::Api {
            status, code, kind, ..
        } => {
            assert_eq!(*status, 500);
            assert_eq!(*kind, ErrorKind::Internal);
            assert_eq!(code.as_ref(), Some(&ErrorCode::InternalError));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_no_token(&err, &sim.token);
    assert!(err.may_have_applied());
    sim.shutdown().await;
}

#[tokio::test]
async fn html_plain_and_empty_error_bodies_read_clearly() {
    let sim = sim().await;
    let c = client(&sim, &sim.token);

    // A read is asked six times; the sixth 502 is reported.
    sim.script_faults(vec![ScriptedFault::Html { status: 502 }; 6]);
    let err = c.me().await.expect_err("html 502");
    let text = err.to_string();
    assert!(!text.contains('<'), "tags stripped: {text}");
    assert!(text.contains("502"), "{text}");
    assert_no_token(&err, &sim.token);

    sim.script_faults(vec![ScriptedFault::PlainText {
        status: 400,
        body: "INVALID_STATE: cluster is gone".into(),
    }]);
    let err = c.me().await.expect_err("plain text");
    assert_eq!(err.kind(), Some(ErrorKind::BadRequest));
    assert!(err.to_string().contains("cluster is gone"), "{err}");

    sim.script_faults(vec![ScriptedFault::Empty { status: 404 }]);
    let err = c.me().await.expect_err("empty 404");
    assert_eq!(err.kind(), Some(ErrorKind::NotFound));
    sim.shutdown().await;
}

#[tokio::test]
async fn missing_objects_are_not_found() {
    let sim = sim().await;
    let c = client(&sim, &sim.token);
    let err = c
        .get_experiment_by_name("/no/such/experiment")
        .await
        .expect_err("missing");
    assert!(err.is_not_found(), "{err:?}");
    assert!(
        !err.is_not_available(),
        "a missing object is not a missing API"
    );
    let err = c
        .get_serving_endpoint("no-such-endpoint")
        .await
        .expect_err("missing endpoint");
    assert!(err.is_not_found(), "{err:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn connection_reset_is_retried_for_a_read_only() {
    let sim = sim().await;
    sim.script_faults(vec![ScriptedFault::Reset]);
    let c = client(&sim, &sim.token);
    let me = c.me().await.expect("retried after a reset");
    assert_eq!(me.user_name, "ml-eng@acme.com");
    sim.script_faults(vec![ScriptedFault::Reset]);
    let before = sim.request_log().len();
    let err = c
        .set_registry_alias("fraud_model", "champion", "1")
        .await
        .expect_err("a change whose connection broke is not sent again");
    assert!(err.may_have_applied(), "{err:?}");
    assert_eq!(sim.request_log().len() - before, 1, "sent once");
    sim.shutdown().await;
}
