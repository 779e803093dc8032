//! `runs --json` is written page by page as the pages arrive: the same bytes as the whole list
//! printed at once, each page on the output before the listing is over, the pages read before
//! a failure kept, and a page read ahead used only when it was asked with the right token. Everything is on 127.0.0.1.

mod client_support;
mod headless_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use mlops_console::api::models::mlflow::{Run, SearchRunsRequest};
use mlops_console::headless::fetch::Reading;
use mlops_console::headless::json_array::JsonArrayWriter;
use mlops_console::headless::run_nesting::{Nesting, listed};
use mlops_console::headless::run_stream::{Gathered, More, stream_runs};
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

/// Waits up to 10 s for `out` to hold `text`; whether it did.
fn wait_for(out: &Shared, text: &str) -> bool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < until {
        if out.text().contains(text) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_is_written_while_the_pages_after_it_are_read() {
    let out = Shared::default();
    let seen_at_third: Arc<Mutex<Option<String>>> = Arc::default();
    let (o, record) = (out.clone(), seen_at_third.clone());
    // The last page is answered only once page 1 is out (or after 10 s): a listing that
    // wrote nothing until its end would leave page 1 out of the record.
    let server = Server::start(move |seen, _| match token_of(&seen.body).as_deref() {
        None => Reply::json(200, page("p1", 2, Some("t2"))),
        Some("t2") => Reply::json(200, page("p2", 2, Some("t3"))),
        _ => {
            wait_for(&o, "\"p1-1\"");
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
        "page 1 was not out before page 3 was answered: {at_third:?}"
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
    let (all, _) = stream_runs(&client, &req, Nesting::All, reading, Gathered::default())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let all = all.into_runs();
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

/// A server that writes the token before the runs, with a run whose inputs hold a field of the
/// same name: the page read ahead with that guess is not used, the real token is followed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_read_ahead_with_a_wrong_guess_is_not_used() {
    let first = json!({
        "next_page_token": "t2",
        "runs": [
            {"info": {"run_id": "p1-0", "experiment_id": "7"}},
            {"info": {"run_id": "p1-1", "experiment_id": "7"},
             "inputs": {"dataset_inputs": [], "next_page_token": "decoy"}}
        ]
    })
    .to_string();
    let server = Server::one_experiment(move |seen, _| match token_of(&seen.body).as_deref() {
        None => Reply::json(200, first.clone()),
        Some("t2") => Reply::json(200, page("p2", 2, None)),
        _ => Reply::json(200, page("wrong", 2, None)),
    })
    .await;
    let out = cli(
        &server.url(),
        "dapi-test",
        &[
            "runs",
            "e",
            "--nested",
            "--all",
            "--page-size",
            "2",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ids: Vec<String> = out.runs().into_iter().map(|r| r.info.run_id).collect();
    assert_eq!(ids, ["p1-0", "p1-1", "p2-0", "p2-1"]);
    let asked: Vec<Option<String>> = server
        .seen()
        .iter()
        .filter(|s| s.path().ends_with("runs/search"))
        .map(|s| token_of(&s.body))
        .collect();
    assert!(
        asked.contains(&Some("decoy".into())),
        "the guess was read ahead: {asked:?}"
    );
    assert!(asked.contains(&Some("t2".into())), "{asked:?}");
}
