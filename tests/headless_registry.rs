//! The binary's registry changes against the simulator: `--yes` required, `--confirm NAME` on
//! production profiles, read-only refusal, JSON output, the journal, and the exit codes.

mod headless_support;

use headless_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_yes_the_plan_is_printed_and_nothing_is_sent() {
    let env = Env::new(PRODUCTION).await;
    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "5"])
        .await;
    // Printing the plan is what was asked for: a success.
    assert_eq!(out.code, 0, "{}", out.stderr);
    let stdout = &out.stdout;
    assert!(
        stdout.starts_with("promote main.ml.churn_model@champion: v4 → v5"),
        "{stdout}"
    );
    assert!(stdout.contains("churn-prod: v4 90% (churn_model-4), v5 10% (churn_model-5)"));
    assert!(out.stderr.contains("--yes"));
    assert_eq!(env.journal_lines(), 0);
    assert_eq!(env.champion().await, 4);

    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "5", "--json"])
        .await;
    assert_eq!(out.code, 0);
    let doc = out.stdout_json();
    assert_eq!(doc["executed"], false);
    assert_eq!(
        doc["plan"]["before"],
        serde_json::json!({"kind": "alias", "version": "4"})
    );
    assert_eq!(
        doc["plan"]["blast_radius"]["endpoints"][0]["endpoint"],
        "churn-prod"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yes_applies_and_json_reports_the_outcome() {
    let env = Env::new("").await;
    let out = env
        .run_as(
            "dev",
            &["promote", "main.ml.churn_model", "v5", "--yes", "--json"],
        )
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let doc = out.stdout_json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(doc["outcome"]["verified"]["version"], "5");
    assert_eq!(env.champion().await, 5);
    assert_eq!(env.journal_lines(), 2);
    let journal = std::fs::read_to_string(env.data().join("audit.jsonl")).unwrap();
    assert!(!journal.contains(&env.sim.token));
    assert!(journal.contains(r#""actor":"ml-eng@acme.com""#));

    // Roll back from the journal, then again (which undoes the roll back).
    let out = env
        .run_as("dev", &["rollback", "main.ml.churn_model", "--yes"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("rollback main.ml.churn_model@champion: v5 → v4")
    );
    assert_eq!(env.champion().await, 4);

    let out = env.run_as("dev", &["audit", "--filter", "rollback"]).await;
    assert_eq!(out.code, OK);
    let table = &out.stdout;
    assert_eq!(
        table.lines().count(),
        2,
        "header and the roll back: {table}"
    );
    assert!(
        table.contains("v5 → v4") && table.contains(" ok"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_profiles_need_the_model_name_typed_out() {
    let env = Env::new(PRODUCTION).await;
    let base = ["promote", "main.ml.churn_model", "5", "--yes"];
    let out = env.run_as("prod", &base).await;
    assert_eq!(out.code, USAGE);
    assert!(
        out.stderr.contains("add --confirm main.ml.churn_model"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("Profile:  prod (PRODUCTION)"));
    let wrong = [&base[..], &["--confirm", "main.ml.churn"]].concat();
    let out = env.run_as("prod", &wrong).await;
    assert_eq!(out.code, USAGE);
    assert!(out.stderr.contains("does not match"));
    assert_eq!(env.champion().await, 4);
    assert_eq!(env.journal_lines(), 0);

    // v5's approval is pending: production also needs the override.
    let right = [
        &base[..],
        &["--confirm", "main.ml.churn_model", "--allow-unapproved"],
    ]
    .concat();
    let out = env.run_as("prod", &right).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert_eq!(env.champion().await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_profiles_refuse_every_change() {
    let env = Env::new("[profiles.dev]\nreadonly = true\n").await;
    let before = env.sim.request_log().len();
    for (profile, args) in [
        ("dev", vec!["promote", "main.ml.churn_model", "5", "--yes"]),
        ("dev", vec!["rollback", "main.ml.churn_model", "--yes"]),
        ("dev", vec!["approve", "fraud_model", "4", "--yes"]),
        (
            "prod",
            vec!["--readonly", "reject", "fraud_model", "5", "--yes"],
        ),
    ] {
        let out = env.run_as(profile, &args).await;
        assert_eq!(out.code, CONFLICT_OR_PERMISSION, "{profile} {args:?}");
        assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    }
    let writes = env.sim.request_log()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "no write reached the server");
    assert_eq!(env.journal_lines(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_tell_failures_apart() {
    let env = Env::new("").await;
    let out = env
        .run_as("analyst", &["promote", "main.ml.churn_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION);
    assert!(out.stderr.contains("PERMISSION_DENIED"), "{}", out.stderr);
    let out = env.run_as("dev", &["audit", "--json"]).await;
    let doc = out.stdout_json();
    assert_eq!(doc["entries"][0]["standing"], "failed");

    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "99", "--yes"])
        .await;
    assert_eq!(out.code, NOT_FOUND, "{}", out.stderr);
    let out = env
        .run_as("dev", &["promote", "main.ml.churn_model", "five", "--yes"])
        .await;
    assert_eq!(out.code, USAGE);
    let out = env
        .run_as("dev", &["approve", "fraud_model", "3", "--yes"])
        .await;
    assert_eq!(out.code, NOT_FOUND, "no open request: {}", out.stderr);
    let out = env.run_as("dev", &["rollback", "fraud_model"]).await;
    assert_eq!(out.code, NOT_FOUND, "no history: candidates instead");
    assert!(out.stderr.contains("--to VERSION"));
    assert!(out.stdout.contains("VERSION"));
    let out = env
        .run_as("dev", &["rollback", "fraud_model", "--to", "4", "--yes"])
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let out = env
        .run_as("dev", &["promote", "fraud_model", "4", "--yes"])
        .await;
    assert_eq!(out.code, OK, "already there: {}", out.stderr);
    assert!(out.stderr.contains("nothing to do"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_listed_decided_and_verified() {
    let env = Env::new("").await;
    let out = env.run_as("dev", &["approvals", "--json"]).await;
    assert_eq!(out.code, OK);
    let doc = out.stdout_json();
    assert_eq!(doc["items"].as_array().unwrap().len(), 3);

    let out = env
        .run_as(
            "dev",
            &[
                "approve",
                "main.ml.churn_model",
                "5",
                "--comment",
                "holdout ok",
                "--yes",
            ],
        )
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let out = env
        .run_as(
            "dev",
            &["reject", "fraud_model", "5", "--comment", "no", "--yes"],
        )
        .await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    let out = env.run_as("dev", &["approvals"]).await;
    let table = &out.stdout;
    assert!(
        table.contains("fraud_model") && table.contains("→ Production"),
        "{table}"
    );
    assert!(!table.contains("main.ml.churn_model"), "{table}");

    // A crash after the attempt of a change: audit --verify settles it.
    let attempt = serde_json::json!({
        "type": "attempt", "id": "crashed-1", "time": "2026-01-01T00:00:00.000Z", "ts_ms": 0,
        "profile": "dev", "host": env.sim.base_url, "action": "promote",
        "target": {"kind": "uc_alias", "model": "main.ml.churn_model", "alias": "champion"},
        "before": {"kind": "alias", "version": "4"}, "after": {"kind": "alias", "version": "2"},
        "requests": []
    });
    let path = env.data().join("audit.jsonl");
    let mut journal = std::fs::read_to_string(&path).unwrap();
    journal.push_str(&format!("{attempt}\n"));
    std::fs::write(&path, journal).unwrap();
    let out = env.run_as("dev", &["audit"]).await;
    assert!(out.stdout.contains("unknown — verify"));
    assert!(out.stderr.contains("audit --verify"));
    let out = env.run_as("dev", &["audit", "--verify", "--json"]).await;
    assert_eq!(out.code, OK, "{}", out.stderr);
    assert!(out.stderr.contains("verified crashed-1: failed"));
    let doc = out.stdout_json();
    let crashed = doc["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["attempt"]["id"] == "crashed-1")
        .unwrap();
    assert_eq!(crashed["standing"], "failed");
    assert_eq!(crashed["results"][0]["via"], "verify");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_model_is_told_apart_from_a_missing_version() {
    let env = Env::new("").await;
    let model_missing = |m: &str| format!("error: model {m} not found");
    let version_missing = |m: &str, v: &str| format!("error: {m} has no version {v}");
    for (args, want) in [
        (
            vec!["promote", "main.ml.no_such_model", "1"],
            model_missing("main.ml.no_such_model"),
        ),
        (
            vec!["promote", "no_such_model", "1", "--yes"],
            model_missing("no_such_model"),
        ),
        (
            vec!["promote", "no_such_model", "1", "--alias", "x"],
            model_missing("no_such_model"),
        ),
        (
            vec!["rollback", "main.ml.no_such_model", "--to", "1"],
            model_missing("main.ml.no_such_model"),
        ),
        (
            vec!["approve", "main.ml.no_such_model", "1"],
            model_missing("main.ml.no_such_model"),
        ),
        (
            vec!["promote", "main.ml.churn_model", "99", "--yes"],
            version_missing("main.ml.churn_model", "99"),
        ),
        (
            vec!["promote", "fraud_model", "99"],
            version_missing("fraud_model", "99"),
        ),
        (
            vec!["promote", "fraud_model", "99", "--alias", "x"],
            version_missing("fraud_model", "99"),
        ),
        (
            vec!["approve", "main.ml.churn_model", "99"],
            version_missing("main.ml.churn_model", "99"),
        ),
        (
            vec!["reject", "no_such_model", "1"],
            model_missing("no_such_model"),
        ),
        (
            vec!["approve", "fraud_model", "99"],
            version_missing("fraud_model", "99"),
        ),
    ] {
        let out = env.run_as("dev", &args).await;
        assert_eq!(out.code, NOT_FOUND, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.trim_end(), want, "{args:?}");
    }
    assert_eq!(env.journal_lines(), 0, "nothing journaled");
}
