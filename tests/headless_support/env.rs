//! A simulator and a sandbox whose `.databrickscfg` points at it: profiles `dev` and `prod` with
//! the owner's token (`prod` is production where the config says so, e.g. [`PRODUCTION`]) and
//! `analyst` with the token of a user who may read but not change.

use std::ops::Deref;
use std::time::Duration;

use mlops_console::api::Client;
use mlops_console::ops::traffic::Split;
use mlops_console::sim::{self, SimHandle, SimOptions};

use super::{Sandbox, client, split_of};

/// The console config that makes the `prod` profile a production one.
pub const PRODUCTION: &str = "[profiles.prod]\nproduction = true\n";

pub struct Env {
    sandbox: Sandbox,
    pub sim: SimHandle,
}

impl Deref for Env {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}

impl Env {
    /// The default simulator, with `app_config` as the console's `config.toml`.
    pub async fn new(app_config: &str) -> Env {
        Env::on(SimOptions::default(), app_config).await
    }

    /// A simulator whose endpoint updates finish after 300 ms, `prod` a production profile.
    pub async fn serving() -> Env {
        let options = SimOptions {
            serving_update_delay: Duration::from_millis(300),
            ..SimOptions::default()
        };
        Env::on(options, PRODUCTION).await
    }

    pub async fn on(options: SimOptions, app_config: &str) -> Env {
        let sim = sim::start(options).await.expect("simulator");
        let sandbox = Sandbox::new();
        sandbox.write_config(app_config);
        let (url, owner, other) = (&sim.base_url, &sim.token, &sim.nonowner_token);
        sandbox.write_profiles(&[
            ("dev", url, owner),
            ("prod", url, owner),
            ("analyst", url, other),
        ]);
        Env { sandbox, sim }
    }

    pub fn client(&self) -> Client {
        client(&self.sim)
    }

    /// The version `main.ml.churn_model@champion` points at.
    pub async fn champion(&self) -> i64 {
        let m = self.client().get_uc_model("main.ml.churn_model").await;
        m.unwrap().alias_version("champion").unwrap()
    }

    /// The stage of a `fraud_model` version.
    pub async fn fraud_stage(&self, version: &str) -> String {
        let v = self
            .client()
            .get_model_version("fraud_model", version)
            .await;
        v.unwrap().current_stage.unwrap().to_string()
    }

    /// The traffic split of churn-prod.
    pub async fn split(&self) -> Split {
        split_of(&self.sim).await
    }

    /// How many PUTs reached the simulator.
    pub fn puts(&self) -> usize {
        let log = self.sim.request_log();
        log.iter().filter(|r| r.method == "PUT").count()
    }
}

/// `promote MODEL VERSION --yes --confirm MODEL`: what a production profile needs typed out.
pub fn promote_confirmed<'a>(model: &'a str, version: &'a str) -> [&'a str; 6] {
    ["promote", model, version, "--yes", "--confirm", model]
}

/// A canary plan for churn-prod (churn_model-4 → churn_model-5) through `steps` (a TOML
/// array), with holds short enough for the simulator on the real clock.
pub fn canary_plan(steps: &str) -> String {
    format!(
        "endpoint = \"churn-prod\"\nstable = \"churn_model-4\"\ncanary = \"churn_model-5\"\n\
         steps = {steps}\nhold = \"1s\"\ninterval = \"1s\"\n[guards]\nmin_requests = 10\n\
         max_error_rate_delta = 0.2\nconfidence = 0.9\n"
    )
}
