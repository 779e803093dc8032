//! Headless listings against the simulator on 127.0.0.1: `experiments` in the TUI's order, and
//! empty results said in words on stderr (exit 0) instead of an empty table.

mod headless_support;

use headless_support::*;
use serde_json::Value;

#[tokio::test]
async fn experiments_are_listed_most_recently_updated_first_as_in_the_tui() {
    let sim = sim().await;
    let out = on(&sim, &["experiments", "--json"]).await;
    let rows = out.json();
    let updated: Vec<i64> = rows
        .as_array()
        .expect("an array")
        .iter()
        .map(|e| e["last_update_time"].as_i64().unwrap_or(0))
        .collect();
    assert!(updated.len() > 1, "{rows}");
    assert!(
        updated.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {updated:?}"
    );
    // The human table, in the same order.
    let table = on(&sim, &["experiments"]).await;
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|e: &Value| e["name"].as_str().unwrap())
        .collect();
    let at = |n: &str| table.stdout.find(n).unwrap_or(usize::MAX);
    assert!(
        names.windows(2).all(|w| at(w[0]) < at(w[1])),
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn empty_listings_say_so_on_stderr_and_succeed() {
    let sim = sim().await;
    let out = on(
        &sim,
        &["experiments", "--filter", "name = 'no-such-experiment'"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "no empty table on stdout");
    assert!(
        out.stderr.contains("no experiments found"),
        "{}",
        out.stderr
    );
    // The audit journal of a fresh data dir is empty.
    let out = on(&sim, &["audit"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("no recorded changes found"),
        "{}",
        out.stderr
    );
    // JSON stays JSON: an empty array.
    let out = on(
        &sim,
        &[
            "experiments",
            "--json",
            "--filter",
            "name = 'no-such-experiment'",
        ],
    )
    .await;
    assert_eq!(out.json(), serde_json::json!([]));
}
