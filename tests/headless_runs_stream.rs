//! `runs --json` is written page by page as the pages arrive: the same bytes as the whole list
//! printed at once, each page on the output before the listing is over, and the pages read
//! before a failure kept. Everything is on 127.0.0.1.

mod client_support;
mod headless_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use mlops_console::api::models::mlflow::{Run, SearchRunsRequest};
use mlops_console::headless::fetch::Reading;
use mlops_console::headless::json_array::JsonArrayWriter;
use mlops_console::headless::run_nesting::{Nesting, listed};
use mlops_console::headless::run_stream::{More, stream_runs};
use mlops_console::safe_text;

use client_support::{Reply, Server};
use headless_support::*;

/// A page of `runs/search` with runs `{tag}-0`…, and the token of the next page.
fn page(tag: &str, n: usize, next: Option<&str>) -> String {
    let runs: Vec<Value> = (0..n)
        .map(|i| json!({"info": {"run_id": format!("{tag}-{i}"), "experiment_id": "7"}}))
        .collect();
    let mut body = json!({ "runs": runs });
    if let Some(t) = next {
        body["next_page_token"] = json!(t);
    }
    body.to_string()
}

fn token_of(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    v["page_token"].as_str().map(str::to_owned)
}

/// Output shared between the sink and the test.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Shared {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_is_written_before_the_one_after_next_is_requested() {
    let out = Shared::default();
    let seen_at_third: Arc<Mutex<Option<String>>> = Arc::default();
    let (o, record) = (out.clone(), seen_at_third.clone());
    let server = Server::start(move |seen, _| match token_of(&seen.body).as_deref() {
        None => Reply::json(200, page("p1", 2, Some("t2"))),
        Some("t2") => Reply::json(200, page("p2", 2, Some("t3"))),
        _ => {
            *record.lock().unwrap() = Some(o.text());
            Reply::json(200, page("p3", 1, None))
        }
    })
    .await;
    let client = mlops_console::api::Client::new(mlops_console::api::ClientOptions::new(
        server.url(),
        mlops_console::api::Credentials::None,
    ))
    .unwrap();
    let req = SearchRunsRequest {
        experiment_ids: vec!["7".into()],
        ..Default::default()
    };
    let reading = Reading {
        limit: None,
        page_size: 2,
    };
    let writer = JsonArrayWriter::new(out.clone());
    let (writer, done) = stream_runs(&client, &req, Nesting::All, reading, writer)
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    writer.finish().unwrap();
    assert_eq!((done.runs, done.pages, done.more), (5, 3, More::No));
    let at_third = seen_at_third
        .lock()
        .unwrap()
        .clone()
        .expect("a third request");
    assert!(
        at_third.contains("\"p1-0\"") && at_third.contains("\"p1-1\""),
        "page 1 was not out when page 3 was asked for: {at_third:?}"
    );
    let runs: Vec<Run> = serde_json::from_str(&out.text()).unwrap();
    let ids: Vec<&str> = runs.iter().map(|r| r.info.run_id.as_str()).collect();
    assert_eq!(ids, ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_page_keeps_the_pages_before_it_and_leaves_the_array_open() {
    let server = Server::one_experiment(|seen, _| match token_of(&seen.body).as_deref() {
        None => Reply::json(200, page("p1", 2, Some("t2"))),
        Some("t2") => Reply::json(200, page("p2", 2, Some("t3"))),
        _ => Reply::json(
            403,
            r#"{"error_code": "PERMISSION_DENIED", "message": "no more for you"}"#,
        ),
    })
    .await;
    let out = cli(
        &server.url(),
        "dapi-test",
        &["runs", "e", "--all", "--page-size", "2", "--json"],
    )
    .await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("no more for you"), "{}", out.stderr);
    for id in ["p1-0", "p1-1", "p2-0", "p2-1"] {
        assert!(out.stdout.contains(id), "{id} missing: {}", out.stdout);
    }
    assert!(out.stdout.starts_with("[\n"), "{}", out.stdout);
    assert!(
        serde_json::from_str::<Value>(&out.stdout).is_err(),
        "an incomplete listing must not read as a whole one: {}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_json_is_byte_for_byte_the_whole_listing() {
    let sim = sim().await;
    let client = client(&sim);
    let exp = client.get_experiment_by_name(CHURN).await.unwrap();
    let req = SearchRunsRequest {
        experiment_ids: vec![exp.experiment_id.clone()],
        run_view_type: Some(mlops_console::api::models::mlflow::ViewType::ActiveOnly),
        ..Default::default()
    };
    let reading = Reading {
        limit: None,
        page_size: 1000,
    };
    let (all, _) = stream_runs(&client, &req, Nesting::All, reading, Vec::new())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert!(all.len() > 7, "several pages of 7");
    let whole = format!(
        "{}\n",
        safe_text::json(&serde_json::to_string_pretty(&listed(&all)).unwrap())
    );
    let out = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--all",
            "--page-size",
            "7",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout == whole,
        "streamed output differs from the whole listing"
    );
    let limited = on(
        &sim,
        &[
            "runs",
            CHURN,
            "--nested",
            "--max",
            "9",
            "--page-size",
            "7",
            "--json",
        ],
    )
    .await;
    assert_eq!(limited.runs(), all[..9].to_vec());
}
