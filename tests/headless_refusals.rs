//! A workspace that refuses the credentials (401) or what they may do (403): the one error line
//! names the workspace and whose credentials it refused (the profile, `--token` or the variable),
//! never the token itself. Everything is on 127.0.0.1.

mod headless_support;

use headless_support::*;

const WRONG: &str = "dapi-wrong-0123456789";

/// The error lines of `out`.
fn errors(out: &Out) -> Vec<&str> {
    let lines = out.stderr.lines();
    lines.filter(|l| l.starts_with("error:")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_names_the_workspace_and_the_profile() {
    let sim = sim().await;
    let sandbox = Sandbox::new();
    sandbox.write_profiles(&[("dev", &sim.base_url, WRONG)]);
    let want = format!(
        "error: the workspace {} refused the token of profile `dev` (UNAUTHENTICATED 401: ",
        sim.base_url
    );
    for args in [
        &["experiments"][..],
        &["runs", CHURN],
        &["promote", "main.ml.churn_model", "5", "--yes"],
    ] {
        let out = sandbox.run_as("dev", args).await;
        assert_eq!(out.code, AUTH, "{args:?}: {}", out.stderr);
        let lines = errors(&out);
        assert_eq!(lines.len(), 1, "{args:?}: {}", out.stderr);
        assert!(lines[0].starts_with(&want), "{args:?}: {}", lines[0]);
        assert!(
            lines[0].ends_with("check the token or sign in again"),
            "{}",
            lines[0]
        );
        assert!(!out.stderr.contains(WRONG) && !out.stdout.contains(WRONG));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_given_on_the_command_line_or_in_the_environment_is_named_by_its_source() {
    let sim = sim().await;
    let out = cli(&sim.base_url, WRONG, &["experiments"]).await;
    assert_eq!(out.code, AUTH, "{}", out.stderr);
    let want = format!(
        "error: the workspace {} refused the token from --token (",
        sim.base_url
    );
    assert!(out.stderr.starts_with(&want), "{}", out.stderr);

    let env = [
        ("DATABRICKS_HOST", sim.base_url.as_str()),
        ("DATABRICKS_TOKEN", WRONG),
    ];
    let out = Sandbox::new().run_with_env(&env, &["experiments"]).await;
    assert_eq!(out.code, AUTH, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("refused the token from DATABRICKS_TOKEN ("),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains(WRONG));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_the_workspace_does_not_allow_names_the_workspace_and_the_profile() {
    let env = Env::new("").await;
    let out = env
        .run_as("analyst", &["promote", "main.ml.churn_model", "5", "--yes"])
        .await;
    assert_eq!(out.code, CONFLICT_OR_PERMISSION, "{}", out.stderr);
    let want = format!(
        "the workspace {} refused a request made with the token of profile `analyst` \
         (PERMISSION_DENIED 403: ",
        env.sim.base_url
    );
    assert!(out.stderr.contains(&want), "{}", out.stderr);
    assert!(!out.stderr.contains(&env.sim.nonowner_token));
}
