//! `features publish` and `features sync` as the binary against the simulator: the plan
//! without --yes, read-only and production refusals, a STOPPED store and a CONTINUOUS table
//! refused with nothing sent, a publish followed with --wait until its first sync (UC and sync
//! states printed apart), a sync of the TRIGGERED txn_agg_30d followed to its end; journaled.
//! The simulator's clock is moved by the test while the binary waits. Only 127.0.0.1 is
//! contacted.

mod headless_support;

use std::time::Duration;

use mlops_console::sim::{SimClock, SimOptions};

use headless_support::{CONFLICT_OR_PERMISSION, Env, OK, PRODUCTION, USAGE};

const TXN: &str = "main.features.txn_agg_30d";
const TXN_ONLINE: &str = "main.features_online.txn_agg_30d";
const PROD_COPY: &str = "main.features_online.txn_agg_30d_prod";

async fn env() -> Env {
    let options = SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        ..SimOptions::default()
    };
    Env::on(options, PRODUCTION).await
}

fn posts(env: &Env, tail: &str) -> usize {
    env.sim
        .request_log()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(tail))
        .count()
}

/// Moves the simulator's clock by `step` every 100 ms until dropped (the binary polls on the
/// real timer).
fn clock_runs(env: &Env, step: Duration) -> tokio::task::JoinHandle<()> {
    let clock = env.sim.clock.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            clock.advance(step);
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_follows_the_change_rules_and_waits_for_the_first_sync() {
    let env = env().await;
    let publish = [
        "features", "publish", TXN, "--store", "fs-prod", "--name", PROD_COPY,
    ];
    let plan = env.run_as("dev", &publish).await;
    assert_eq!(plan.code, OK, "{}", plan.stderr);
    assert!(
        plan.stdout.contains(&format!(
            "publish {TXN} to online store fs-prod as {PROD_COPY} (TRIGGERED)"
        )),
        "{}",
        plan.stdout
    );
    assert!(plan.stderr.contains("add --yes"));
    let ro = env
        .run_as("dev", &[&["--readonly"][..], &publish, &["--yes"]].concat())
        .await;
    assert_eq!(ro.code, CONFLICT_OR_PERMISSION, "{}", ro.stderr);
    let prod = env
        .run_as("prod", &[&publish[..], &["--yes"]].concat())
        .await;
    assert_eq!(prod.code, USAGE, "{}", prod.stderr);
    assert!(
        prod.stderr.contains(&format!("--confirm {TXN}")),
        "{}",
        prod.stderr
    );
    let stopped = env
        .run_as(
            "dev",
            &["features", "publish", TXN, "--store", "fs-dev", "--yes"],
        )
        .await;
    assert_eq!(stopped.code, CONFLICT_OR_PERMISSION, "{}", stopped.stderr);
    assert!(
        stopped.stderr.contains("fs-dev is STOPPED"),
        "{}",
        stopped.stderr
    );
    let no_cdf = env
        .run_as(
            "dev",
            &[
                "features",
                "publish",
                "main.features.support_interactions",
                "--store",
                "fs-prod",
                "--mode",
                "continuous",
                "--name",
                "main.features_online.support_2",
                "--yes",
            ],
        )
        .await;
    assert_eq!(no_cdf.code, CONFLICT_OR_PERMISSION, "{}", no_cdf.stderr);
    assert!(
        no_cdf.stderr.contains("Change Data Feed"),
        "{}",
        no_cdf.stderr
    );
    assert_eq!(posts(&env, "/publish"), 0, "nothing sent so far");
    assert_eq!(env.journal_lines(), 0);

    let ticking = clock_runs(&env, Duration::from_secs(30));
    let args = [
        &publish[..],
        &["--yes", "--confirm", TXN, "--wait", "--json"],
    ]
    .concat();
    let done = env.run_as("prod", &args).await;
    ticking.abort();
    assert_eq!(done.code, OK, "{}\n{}", done.stdout, done.stderr);
    let doc = done.json();
    assert_eq!(doc["executed"], true);
    assert_eq!(doc["outcome"]["outcome"], "ok");
    assert_eq!(doc["outcome"]["online_table"], PROD_COPY);
    assert!(doc["outcome"]["pipeline_id"].is_string());
    assert_eq!(doc["synced"]["sync_state"], "ONLINE_NO_PENDING_UPDATE");
    assert!(
        done.stderr.contains("sync PROVISIONING") && done.stderr.contains("first sync not done"),
        "{}",
        done.stderr
    );
    assert_eq!(posts(&env, "/publish"), 1);
    let journal = env.journal();
    assert!(journal.contains("\"publish_feature_table\""), "{journal}");
    assert_eq!(env.journal_lines(), 2, "attempt and result");

    // Published again: nothing to do, exit 0, nothing sent.
    let again = env
        .run_as("dev", &[&publish[..], &["--yes"]].concat())
        .await;
    assert_eq!(again.code, OK, "{}", again.stderr);
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);
    assert_eq!(posts(&env, "/publish"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_starts_a_triggered_update_and_refuses_a_continuous_table() {
    let env = env().await;
    let continuous = env
        .run_as(
            "dev",
            &[
                "features",
                "sync",
                "main.features_online.customer_features",
                "--yes",
            ],
        )
        .await;
    assert_eq!(
        continuous.code, CONFLICT_OR_PERMISSION,
        "{}",
        continuous.stderr
    );
    assert!(
        continuous.stderr.contains("CONTINUOUS"),
        "{}",
        continuous.stderr
    );
    // Still taking its first snapshot: a sync is already running, not an error.
    let busy = env
        .run_as("dev", &["features", "sync", TXN_ONLINE, "--yes"])
        .await;
    assert_eq!(busy.code, OK, "{}", busy.stderr);
    assert!(busy.stdout.contains("already running"), "{}", busy.stdout);
    assert_eq!(posts(&env, "/updates"), 0);
    assert_eq!(env.journal_lines(), 0);

    env.sim.clock.advance(Duration::from_secs(10 * 60));
    let plan = env.run_as("dev", &["features", "sync", TXN_ONLINE]).await;
    assert_eq!(plan.code, OK, "{}", plan.stderr);
    assert!(
        plan.stdout.contains("sync ONLINE_NO_PENDING_UPDATE"),
        "{}",
        plan.stdout
    );
    assert!(plan.stderr.contains("add --yes"));

    let ticking = clock_runs(&env, Duration::from_secs(5));
    let done = env
        .run_as("dev", &["features", "sync", TXN_ONLINE, "--yes", "--wait"])
        .await;
    ticking.abort();
    assert_eq!(done.code, OK, "{}\n{}", done.stdout, done.stderr);
    assert!(
        done.stdout.contains("ok: done and verified"),
        "{}",
        done.stdout
    );
    assert!(
        done.stderr.contains("ONLINE_TRIGGERED_UPDATE"),
        "{}",
        done.stderr
    );
    assert!(
        done.stdout.contains("sync ONLINE_NO_PENDING_UPDATE"),
        "{}",
        done.stdout
    );
    assert_eq!(posts(&env, "/updates"), 1);
    let journal = env.journal();
    assert!(journal.contains("\"sync_online_table\""), "{journal}");
    assert_eq!(env.journal_lines(), 2);
}
