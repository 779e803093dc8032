//! The console's real runtime against the simulator (127.0.0.1): a context for it, and a pump
//! that executes the driver's effects and feeds the answers back until a condition holds.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use mlops_console::api::{Client, ClientOptions, Credentials, Secret};
use mlops_console::app::runtime::Runtime;
use mlops_console::app::{AppContext, Msg};
use mlops_console::sim::SimHandle;

use super::Driver;

/// A context on the simulator: no periodic refresh, the data and config in `dir`.
pub fn sim_context(sim: &SimHandle, dir: &std::path::Path) -> AppContext {
    let mut o = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    o.retry_budget = Duration::from_secs(20);
    AppContext {
        client: Client::new(o).expect("client"),
        profile: "sim".into(),
        host: sim.base_url.clone(),
        readonly: false,
        production: false,
        theme: "dark".into(),
        refresh_secs: 0,
        traffic_step: 5,
        ascii: false,
        config_dir: dir.to_path_buf(),
        data_dir: dir.to_path_buf(),
        training_jobs: Default::default(),
        approvals: Default::default(),
        monitoring: Default::default(),
        bench: Default::default(),
    }
}

/// Executes the last effects, then feeds answers to `update` (executing what they ask for)
/// until `done` holds; fails after 60 s without an answer.
pub async fn pump(
    d: &mut Driver,
    rt: &mut Runtime,
    rx: &mut UnboundedReceiver<Msg>,
    done: impl Fn(&Driver) -> bool,
) {
    for e in std::mem::take(&mut d.effects) {
        rt.execute(e);
    }
    while !done(d) {
        let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv())
            .await
            .expect("an answer within 60 s")
            .expect("the runtime is alive");
        d.send(msg);
        for e in std::mem::take(&mut d.effects) {
            rt.execute(e);
        }
    }
}
