//! The binary's serving twins against the simulator: `endpoints`, `endpoint`, `traffic`,
//! `rollback --endpoint`, `query` and `canary`, with their confirmation rules, journal and exit
//! codes. The simulator runs on the real clock with a short update delay; nothing asserts on
//! how long anything takes.

mod headless_support;

use headless_support::*;

#[tokio::test]
async fn endpoints_and_endpoint_read_as_tables_and_json() {
    let env = Env::serving().await;
    let out = env.run_as("dev", &["endpoints"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].contains("TRAFFIC"));
    assert!(
        lines[1].contains("churn_model-4=90, churn_model-5=10"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains("NOT_READY, update failed"),
        "{}",
        lines[3]
    );
    let json = env.run_as("dev", &["endpoints", "--json"]).await.json();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(
        json[0]["config"]["traffic_config"]["routes"][1]["traffic_percentage"],
        10
    );

    let out = env.run_as("dev", &["endpoint", "churn-prod"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(out.stdout.contains("config    version 7"), "{}", out.stdout);
    assert!(out.stdout.contains("P50/P99"));
    let json = env
        .run_as("dev", &["endpoint", "churn-prod", "--json"])
        .await
        .json();
    assert_eq!(json["endpoint"]["name"], "churn-prod");
    assert!(json["since_start"].is_array());
    let missing = env.run_as("dev", &["endpoint", "nope"]).await;
    assert_eq!(missing.code, NOT_FOUND);
}

#[tokio::test]
async fn traffic_needs_yes_and_on_production_confirm_then_rolls_back_from_the_journal() {
    let env = Env::serving().await;
    let dry = env
        .run_as(
            "dev",
            &[
                "traffic",
                "churn-prod",
                "--set",
                "churn_model-4=80,churn_model-5=20",
            ],
        )
        .await;
    // Printing the plan is what was asked for: a success.
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .contains("After:    churn_model-4=80, churn_model-5=20")
    );
    assert!(dry.stderr.contains("add --yes"));
    let shift = [
        "traffic",
        "churn-prod",
        "--shift",
        "churn_model-5=+10",
        "--yes",
    ];
    let prod = env.run_as("prod", &shift).await;
    assert_eq!(prod.code, USAGE);
    assert!(
        prod.stderr.contains("--confirm churn-prod"),
        "{}",
        prod.stderr
    );
    let wrong = [&shift[..], &["--confirm", "churn-dev"]].concat();
    let wrong = env.run_as("prod", &wrong).await;
    assert_eq!(wrong.code, USAGE);
    assert_eq!(env.puts(), 0, "nothing was sent");
    for bad in [
        "churn_model-4=80,churn_model-5=10",
        "churn_model-9=100",
        "x",
    ] {
        let out = env
            .run_as("dev", &["traffic", "churn-prod", "--set", bad, "--yes"])
            .await;
        assert_eq!(out.code, USAGE, "{bad}: {}", out.stderr);
    }

    let done = [&shift[..], &["--confirm", "churn-prod", "--json"]].concat();
    let done = env.run_as("prod", &done).await;
    assert_eq!(done.code, OK, "{}", done.stderr);
    let doc = done.json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(env.split().await.percent("churn_model-5"), 20);

    let back = env
        .run_as("dev", &["rollback", "--endpoint", "churn-prod", "--yes"])
        .await;
    assert_eq!(back.code, OK, "{}", back.stderr);
    assert!(
        back.stdout.contains("Reverts:  journal entry"),
        "{}",
        back.stdout
    );
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
    let audit = env.run_as("dev", &["audit", "--json"]).await;
    assert_eq!(audit.code, OK);
    assert!(audit.stdout.contains("\"rollback\"") && audit.stdout.contains("\"traffic\""));

    let ro = env
        .run_as(
            "dev",
            &[
                "--readonly",
                "rollback",
                "--endpoint",
                "churn-prod",
                "--yes",
            ],
        )
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION);
}

#[tokio::test]
async fn query_shows_the_answer_and_who_answered_even_read_only() {
    let env = Env::serving().await;
    let data = env.path("payload.json");
    std::fs::write(
        &data,
        r#"{"dataframe_records": [{"tenure_months": 3, "monthly_charges": 89.5,
            "support_tickets": 4, "contract_type": "month-to-month", "num_products": 1}]}"#,
    )
    .unwrap();
    let out = env
        .run_as(
            "dev",
            &[
                "--readonly",
                "query",
                "churn-prod",
                "--data",
                data.to_str().unwrap(),
                "--json",
            ],
        )
        .await;
    if out.code == OK {
        let q = out.json();
        let served = q["served_model_name"].as_str().unwrap();
        assert!(served.starts_with("churn_model-"), "{served}");
        assert!(q["predictions"][0].as_f64().unwrap() > 0.5);
        assert!(q["latency"].as_f64().unwrap() > 0.0);
    } else {
        // The simulated model fails now and then, as a real one does.
        assert!(out.stderr.contains("INTERNAL_ERROR"), "{}", out.stderr);
    }
    let missing = env
        .run_as(
            "dev",
            &["query", "churn-prod", "--data", "/nonexistent.json"],
        )
        .await;
    assert_eq!(missing.code, USAGE);
}

#[tokio::test]
async fn query_without_data_sends_the_endpoints_example() {
    let env = Env::serving().await;
    // The simulated model fails now and then: a few tries find an answer.
    for _ in 0..10 {
        let out = env.run_as("dev", &["query", "churn-prod", "--json"]).await;
        if out.code == OK {
            let q = out.json();
            assert!(
                q["served_model_name"]
                    .as_str()
                    .unwrap()
                    .starts_with("churn_model-")
            );
            let p = q["predictions"][0].as_f64().unwrap();
            assert!(p > 0.0 && p < 1.0, "{p}");
            return;
        }
        assert!(out.stderr.contains("INTERNAL_ERROR"), "{}", out.stderr);
    }
    panic!("no answer in 10 tries");
}

#[tokio::test]
async fn canary_runs_a_plan_to_promotion_and_reports_its_state() {
    let env = Env::serving().await;
    let plan = env.file("plan.toml", &canary_plan("[50, 100]"));
    let p = plan.as_str();
    let no = env
        .run_as("dev", &["canary", "churn-prod", "--plan", p])
        .await;
    assert_eq!(no.code, 0, "without --yes the plan is shown: {}", no.stderr);
    let wrong = env
        .run_as("dev", &["canary", "fraud-scoring", "--plan", p, "--yes"])
        .await;
    assert_eq!(wrong.code, USAGE, "the plan names another endpoint");
    let bad = env.path("bad.toml");
    std::fs::write(&bad, "endpoint = \"churn-prod\"\nsteps = [50, 10]\n").unwrap();
    let invalid = env
        .run_as(
            "dev",
            &[
                "canary",
                "churn-prod",
                "--plan",
                bad.to_str().unwrap(),
                "--yes",
            ],
        )
        .await;
    assert_eq!(invalid.code, CONFIG);
    assert!(
        invalid.stderr.contains("steps: must increase strictly"),
        "{}",
        invalid.stderr
    );

    let run = env.canary_to_end("dev", "[50, 100]", &["--json"]).await;
    assert_eq!(run.json()["phase"], "completed");
    assert_eq!(env.split().await.percent("churn_model-5"), 100);
    let status = env
        .run_as("dev", &["canary", "churn-prod", "--status"])
        .await;
    assert_eq!(status.code, OK);
    assert!(status.stdout.contains("completed"), "{}", status.stdout);
    let none = env
        .run_as("dev", &["canary", "fraud-scoring", "--status"])
        .await;
    assert_eq!(none.code, NOT_FOUND);
}

#[tokio::test]
async fn traffic_refuses_shifts_and_shares_out_of_range_without_sending() {
    let env = Env::serving().await;
    // The simulator starts churn-prod at churn_model-4=90, churn_model-5=10.
    for (flag, value, needle) in [
        ("--shift", "churn_model-5=+1000", "at most 100 points"),
        ("--shift", "churn_model-5=-1000", "at most 100 points"),
        ("--shift", "churn_model-5=+91", "up by at most 90 points"),
        ("--shift", "churn_model-5=-11", "down by at most 10 points"),
        ("--shift", "churn_model-5=+99999999999", "whole number"),
        (
            "--set",
            "churn_model-4=101,churn_model-5=-1",
            "from 0 to 100",
        ),
    ] {
        let out = env
            .run_as("dev", &["traffic", "churn-prod", flag, value, "--yes"])
            .await;
        assert_eq!(out.code, USAGE, "{value}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{value}: {}", out.stderr);
        assert!(!out.stdout.contains("After:"), "{value}: no plan printed");
    }
    assert_eq!(env.puts(), 0, "nothing was sent");
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
}

#[tokio::test]
async fn bad_canary_plans_are_configuration_errors_naming_file_line_and_field() {
    let env = Env::serving().await;
    let good = "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \
                \"churn_model-5\"\nsteps = [50, 100]\nhold = \"1m\"\ninterval = \"15s\"\n";
    for (name, text, needles) in [
        (
            "syntax.toml",
            good.replace("steps = [50, 100]", "steps = [50, 100"),
            vec!["syntax.toml:5:", "missing comma"],
        ),
        (
            "order.toml",
            good.replace("[50, 100]", "[50, 10]"),
            vec!["order.toml:4:", "steps: must increase strictly"],
        ),
        (
            "hold.toml",
            good.replace("\"1m\"", "\"99999999999999999h\""),
            vec!["hold.toml:5:", "hold:", "too long"],
        ),
    ] {
        let path = env.path(name);
        std::fs::write(&path, text).unwrap();
        let out = env
            .run_as(
                "dev",
                &[
                    "canary",
                    "churn-prod",
                    "--plan",
                    path.to_str().unwrap(),
                    "--yes",
                ],
            )
            .await;
        assert_eq!(out.code, CONFIG, "{name}: {}", out.stderr);
        for needle in needles {
            assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
        }
    }
    let missing = env
        .run_as(
            "dev",
            &[
                "canary",
                "churn-prod",
                "--plan",
                env.path("nope.toml").to_str().unwrap(),
                "--yes",
            ],
        )
        .await;
    assert_eq!(missing.code, CONFIG, "{}", missing.stderr);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
    assert_eq!(env.puts(), 0, "nothing was sent");
}
#[tokio::test]
async fn a_corrupt_saved_plan_is_named_and_the_other_plans_still_read() {
    let env = Env::serving().await;
    let dir = env.path("data/canaries");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("churn-prod.json"), b"{\"version\": 1, \xff\xfe}").unwrap();
    let out = env
        .run_as("dev", &["canary", "churn-prod", "--status"])
        .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("canaries/churn-prod.json") && out.stderr.contains("UTF-8"),
        "{}",
        out.stderr
    );
    let other = env
        .run_as("dev", &["canary", "fraud-scoring", "--status"])
        .await;
    assert_eq!(other.code, NOT_FOUND, "{}", other.stderr);
}
