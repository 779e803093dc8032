//! `bench` against the simulator: the demo endpoint meets a 100 ms p99 at 200 requests/s and
//! says so (exit 0); a 1 ms p99 fails (exit 7) and stops early; the `--json` result validates
//! against `schemas/bench.schema.json`; the safety rules of every change hold (read-only,
//! a judging canary, production confirmation, the `[bench]` cap) and the test is journaled.
//! Assertions are on counts and verdicts, never on how long anything took.

mod headless_support;

use headless_support::*;
use serde_json::Value;

const INVOCATIONS: &str = "/serving-endpoints/churn-prod/invocations";
const GATE_FAILED: i32 = 7;

fn validate(doc: &Value) -> Result<(), String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/bench.schema.json"
    ))
    .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("file:///bench.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("file:///bench.schema.json", &mut schemas)
        .map_err(|e| format!("the schema does not compile: {e}"))
        .unwrap();
    schemas.validate(doc, index).map_err(|e| format!("{e:#}"))
}

fn journal(env: &Env) -> Vec<Value> {
    env.journal()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_endpoint_meets_a_100ms_slo_at_200_rps_and_the_result_matches_its_schema() {
    let env = Env::new("").await;
    let args = [
        "bench",
        "churn-prod",
        "--rate",
        "200",
        "--duration",
        "2s",
        "--slo-p99",
        "100",
        "--yes",
        "--json",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    let doc = out.stdout_json();
    validate(&doc).unwrap_or_else(|e| panic!("{e}\n{doc:#}"));
    assert_eq!(doc["requests"]["completed"], 400, "rate × duration");
    assert_eq!(doc["verdict"]["status"], "met");
    assert_eq!(doc["verdict"]["stopped_early"], false);
    assert_eq!(doc["rps"]["target"], 200.0);
    let names: Vec<&str> = doc["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"churn_model-4"), "{names:?}");
    assert_eq!(doc["profile"], "dev");

    // The validator is live: a result without its verdict, or with a stray field, fails.
    let mut broken = doc.clone();
    broken.as_object_mut().unwrap().remove("verdict");
    assert!(validate(&broken).is_err());
    let mut broken = doc.clone();
    broken["latency_ms"]["raw"]["p42"] = Value::from(1);
    assert!(validate(&broken).is_err());

    // Journaled: the attempt (with the plan) before, the summary after.
    let lines = journal(&env);
    let id = doc["journal_id"].as_str().unwrap();
    let attempt = lines
        .iter()
        .find(|l| l["type"] == "attempt" && l["id"] == id)
        .expect("the attempt");
    assert_eq!(attempt["action"], "load_test");
    assert_eq!(attempt["target"]["name"], "churn-prod");
    let plan = attempt["after"]["plan"].as_str().unwrap();
    assert!(
        plan.contains("200 req/s") && plan.contains("= 400 requests"),
        "{plan}"
    );
    let result = lines
        .iter()
        .find(|l| l["type"] == "result" && l["id"] == id)
        .expect("the result");
    assert_eq!(result["outcome"], "ok");
    assert_eq!(result["verified"]["summary"]["completed"], 400);
    assert_eq!(result["verified"]["summary"]["verdict"], "met");
    assert!(
        !env.journal().contains(&env.sim.token),
        "no token in the journal"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_1ms_slo_fails_with_exit_7_and_stops_the_test_early() {
    let env = Env::new("").await;
    let args = [
        "bench",
        "churn-prod",
        "--rate",
        "200",
        "--duration",
        "30s",
        "--slo-p99",
        "1",
        "--min-sample",
        "50",
        "--warmup",
        "0",
        "--yes",
        "--json",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, GATE_FAILED, "stderr: {}", out.stderr);
    let doc = out.stdout_json();
    validate(&doc).unwrap();
    assert_eq!(doc["verdict"]["status"], "failed");
    assert_eq!(doc["verdict"]["stopped_early"], true);
    assert_eq!(doc["verdict"]["stop"]["guard"], "slo_p99");
    let completed = doc["requests"]["completed"].as_u64().unwrap();
    assert!(completed >= 50, "the minimum sample first: {completed}");
    assert!(
        completed < 6000,
        "stopped before rate × duration: {completed}"
    );

    // The table says so too.
    let out = env.run_as("dev", &[&args[..args.len() - 1]].concat()).await;
    assert_eq!(out.code, GATE_FAILED, "stderr: {}", out.stderr);
    assert!(
        out.stdout.contains("SLO FAILED (stopped early)"),
        "{}",
        out.stdout
    );
}

#[tokio::test]
async fn read_only_profiles_refuse_and_send_nothing() {
    let env = Env::new("[profiles.dev]\nreadonly = true\n").await;
    let args = [
        "bench",
        "churn-prod",
        "--concurrency",
        "2",
        "--requests",
        "5",
        "--yes",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "stderr: {}", out.stderr);
    assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    let out = env
        .run_as("prod", &[&["--readonly"][..], &args].concat())
        .await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "stderr: {}", out.stderr);
    assert_eq!(requests_to(&env.sim, INVOCATIONS), 0);
    assert_eq!(env.journal_lines(), 0);
}

#[tokio::test]
async fn a_judging_canary_refuses_the_test_unless_forced() {
    let env = Env::serving().await;
    let plan = env.file("plan.toml", &canary_plan("[10, 50, 100]"));
    let out = env
        .run_as("dev", &["canary", "churn-prod", "--plan", &plan, "--yes"])
        .await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    let before = requests_to(&env.sim, INVOCATIONS);
    let lines = env.journal_lines();
    let args = [
        "bench",
        "churn-prod",
        "--concurrency",
        "2",
        "--requests",
        "10",
        "--warmup",
        "0",
        "--yes",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "stderr: {}", out.stderr);
    assert!(out.stderr.contains("canary plan"), "{}", out.stderr);
    assert_eq!(requests_to(&env.sim, INVOCATIONS), before, "nothing sent");
    assert_eq!(env.journal_lines(), lines, "nothing journaled");

    let out = env.run_as("dev", &[&args[..], &["--force"]].concat()).await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    assert!(out.stdout.contains("10 requests"), "{}", out.stdout);
}

#[tokio::test]
async fn production_needs_the_endpoint_typed_out_and_the_cap_holds() {
    let env = Env::new(&format!("{PRODUCTION}[bench]\nmax_rate = 100\n")).await;
    let quick = ["bench", "churn-prod", "--requests", "5", "--warmup", "0"];
    let out = env
        .run_as(
            "prod",
            &[&quick[..], &["--concurrency", "1", "--yes"]].concat(),
        )
        .await;
    assert_eq!(out.code, USAGE, "stderr: {}", out.stderr);
    assert!(
        out.stderr.contains("--confirm churn-prod"),
        "{}",
        out.stderr
    );

    let out = env
        .run_as("dev", &[&quick[..], &["--rate", "200", "--yes"]].concat())
        .await;
    assert_eq!(out.code, USAGE, "stderr: {}", out.stderr);
    assert!(out.stderr.contains("max_rate"), "{}", out.stderr);

    // Without --yes the plan is printed and nothing is sent.
    let out = env
        .run_as(
            "dev",
            &["bench", "churn-prod", "--rate", "50", "--duration", "4s"],
        )
        .await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    assert!(out.stdout.contains("50 req/s"), "{}", out.stdout);
    assert!(out.stdout.contains("= 200 requests"), "{}", out.stdout);
    assert!(out.stderr.contains("add --yes"), "{}", out.stderr);
    assert_eq!(requests_to(&env.sim, INVOCATIONS), 0);
    assert_eq!(env.journal_lines(), 0);

    let out = env
        .run_as(
            "prod",
            &[
                &quick[..],
                &["--concurrency", "1", "--yes", "--confirm", "churn-prod"],
            ]
            .concat(),
        )
        .await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    assert!(out.stdout.contains("5 requests"), "{}", out.stdout);
}

#[tokio::test]
async fn a_load_test_cut_short_stays_unknown_and_audit_verify_says_why() {
    let env = Env::new("").await;
    let args = [
        "bench",
        "churn-prod",
        "--concurrency",
        "1",
        "--requests",
        "3",
        "--warmup",
        "0",
    ];
    let out = env.run_as("dev", &[&args[..], &["--yes"]].concat()).await;
    assert_eq!(out.code, OK, "stderr: {}", out.stderr);
    // As if the console had stopped mid-test: the attempt alone.
    let attempt = env
        .journal()
        .lines()
        .find(|l| l.contains("\"attempt\""))
        .unwrap()
        .to_string();
    std::fs::write(env.data().join("audit.jsonl"), format!("{attempt}\n")).unwrap();
    let out = env.run_as("dev", &["audit", "--verify"]).await;
    assert_ne!(out.code, OK, "stderr: {}", out.stderr);
    assert!(
        out.stderr
            .contains("a load test that ended without a summary"),
        "{}",
        out.stderr
    );
    assert_eq!(env.journal_lines(), 1, "no result written for it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_where_every_request_fails_measured_nothing_and_exits_1() {
    let env = Env::new("").await;
    // Not an MLflow input: the endpoint answers 400 to every request.
    let data = env.file("bad.json", "{\"nonsense\": 1}");
    let args = [
        "bench",
        "churn-prod",
        "--concurrency",
        "2",
        "--requests",
        "20",
        "--warmup",
        "0",
        "--data",
        &data,
        "--yes",
        "--json",
    ];
    let out = env.run_as("dev", &args).await;
    assert_eq!(out.code, FAILURE, "stderr: {}", out.stderr);
    let doc = out.stdout_json();
    validate(&doc).unwrap_or_else(|e| panic!("{e}\n{doc:#}"));
    assert_eq!(doc["requests"]["ok"], 0);
    assert_eq!(doc["errors"]["by_status"]["400"], 20, "{doc:#}");
    assert_eq!(doc["verdict"]["status"], "inconclusive");
    assert_eq!(doc["verdict"]["reason"], "no request succeeded (20 failed)");
    assert_eq!(journal(&env).len(), 2, "attempt and summary");
}
