//! Canary safety against the simulator: a plan whose first step is below the canary's share
//! says so before anything is sent, and so does one beside a third entity with traffic (scaled
//! down with stable); `rollback --endpoint` after a finished plan puts back the
//! config from before the plan; a promotion says the stable entity is left at 0%, and
//! `traffic --remove` takes it away (only at 0%).

mod headless_support;

use headless_support::*;

#[tokio::test]
async fn a_first_step_below_the_canarys_share_is_named_before_anything_is_sent() {
    let env = Env::serving().await;
    assert_eq!(env.split().await.percent("churn_model-5"), 10);
    let cut = env.file("cut.toml", &canary_plan("[5, 100]"));
    let out = env
        .run_as("dev", &["canary", "churn-prod", "--plan", &cut])
        .await;
    assert_eq!(
        out.code, OK,
        "no --yes: the plan is printed: {}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("warning: the first step cuts churn_model-5 from 10% to 5% of the traffic"),
        "{}",
        out.stderr
    );
    assert_eq!(env.puts(), 0, "nothing sent");

    let from_share = env.file("share.toml", &canary_plan("[10, 100]"));
    let out = env
        .run_as("dev", &["canary", "churn-prod", "--plan", &from_share])
        .await;
    assert!(!out.stderr.contains("cuts"), "{}", out.stderr);
}

#[tokio::test]
async fn a_plan_beside_another_entity_with_traffic_says_it_is_scaled_down_with_stable() {
    let env = Env::serving().await;
    let v6 = "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary_model = \
              \"main.ml.churn_model\"\ncanary_version = \"6\"\nsteps = [5, 50, 100]\nhold = \"1s\"\n\
              interval = \"1s\"\n";
    let plan = env.file("v6.toml", v6);
    let out = env
        .run_as("dev", &["canary", "churn-prod", "--plan", &plan])
        .await;
    assert_eq!(
        out.code, OK,
        "no --yes: the plan is printed: {}",
        out.stderr
    );
    for line in [
        "churn_model-5 (10%) is scaled down with churn_model-4; at 100% it serves 0%",
        "a FAIL or abort puts back churn_model-4=90, churn_model-5=10 (churn_model-6 at 0%)",
    ] {
        assert!(out.stderr.contains(line), "{line}: {}", out.stderr);
    }
    assert_eq!(env.puts(), 0, "nothing sent");
}

#[tokio::test]
async fn rolling_back_after_a_finished_plan_puts_back_the_config_from_before_it() {
    let env = Env::serving().await;
    let run = env.canary_to_end("dev", "[50, 100]", &["--json"]).await;
    assert_eq!(run.json()["phase"], "completed");
    assert_eq!(env.split().await.percent("churn_model-5"), 100);

    let out = env
        .run_as("dev", &["rollback", "--endpoint", "churn-prod"])
        .await;
    assert_eq!(out.code, OK, "no --yes: the plan is printed");
    assert!(
        out.stdout.contains("before the canary plan")
            || out.stderr.contains("before the canary plan"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let out = env
        .run_as("dev", &["rollback", "--endpoint", "churn-prod", "--yes"])
        .await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    let split = env.split().await;
    assert_eq!(
        (
            split.percent("churn_model-4"),
            split.percent("churn_model-5")
        ),
        (90, 10),
        "the split from before the plan, not its 50% step"
    );
}

#[tokio::test]
async fn after_a_promotion_the_entity_left_at_zero_can_be_removed() {
    let env = Env::serving().await;
    // Only an entity at 0% is removed.
    let remove = [
        "traffic",
        "churn-prod",
        "--remove",
        "churn_model-4",
        "--yes",
    ];
    let out = env.run_as("dev", &remove).await;
    assert_eq!(out.code, USAGE, "{}", out.stderr);
    assert!(out.stderr.contains("move it to 0% first"), "{}", out.stderr);
    assert_eq!(env.puts(), 0);

    let run = env.canary_to_end("dev", "[100]", &[]).await;
    assert!(
        run.stderr.contains("churn_model-4 is left at 0%")
            && run
                .stderr
                .contains("traffic churn-prod --remove churn_model-4"),
        "{}",
        run.stderr
    );
    let out = env.run_as("dev", &remove).await;
    assert_eq!(out.code, OK, "{}\n{}", out.stdout, out.stderr);
    let ep = env
        .client()
        .get_serving_endpoint("churn-prod")
        .await
        .unwrap();
    let names: Vec<String> = ep
        .config
        .iter()
        .flat_map(|c| c.served_entities.iter().map(|e| e.name.clone()))
        .collect();
    assert_eq!(names, ["churn_model-5"]);
    assert_eq!(env.split().await.percent("churn_model-5"), 100);
}
