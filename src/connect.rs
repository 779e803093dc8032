//! Wiring shared by the binary's commands: a client from resolved settings, and the demo
//! workspace (the simulator in-process, reached over real HTTP like any workspace).

use crate::api::{ApiResult, Client, ClientOptions, Credentials, Secret};
use crate::config::resolve::Resolved;
use crate::sim::{FaultSpec, Scale, SimHandle, SimOptions};

/// The extra CA bundle the Databricks tools honour, in their order.
pub fn extra_ca_file(env: &dyn Fn(&str) -> Option<String>) -> Option<std::path::PathBuf> {
    ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
        .map(std::path::PathBuf::from)
}

/// Builds the client for a resolved profile.
pub fn client_for(resolved: &Resolved, env: &dyn Fn(&str) -> Option<String>) -> ApiResult<Client> {
    let mut opts = ClientOptions::new(resolved.host.clone(), resolved.credentials.clone());
    opts.readonly = resolved.settings.readonly;
    opts.credentials_from = resolved.credentials_from.clone();
    opts.extra_ca_file = extra_ca_file(env);
    let net = resolved.settings.network;
    opts.connect_timeout = std::time::Duration::from_secs(net.connect_timeout_secs);
    opts.request_timeout = std::time::Duration::from_secs(net.request_timeout_secs);
    // The whole call may retry a read a few times, but never for long past one request.
    opts.retry_budget = opts.request_timeout.saturating_mul(2);
    opts.max_response_bytes = net.max_response_mb.saturating_mul(1024 * 1024);
    Client::new(opts)
}

/// A running demo workspace and a client connected to it.
pub struct Demo {
    pub sim: SimHandle,
    pub client: Client,
}

/// Starts the simulator on 127.0.0.1:0 and connects a client to it with the demo token.
pub async fn start_demo(
    seed: u64,
    faults: Option<&str>,
    scale: Scale,
    readonly: bool,
) -> Result<Demo, String> {
    let faults = match faults {
        Some(spec) => FaultSpec::parse(spec)?,
        None => FaultSpec::none(),
    };
    let opts = SimOptions {
        seed,
        faults,
        scale,
        ..Default::default()
    };
    let sim = crate::sim::start(opts)
        .await
        .map_err(|e| format!("cannot start the demo workspace: {e}"))?;
    let mut copts = ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    );
    copts.readonly = readonly;
    let client = Client::new(copts).map_err(|e| e.to_string())?;
    Ok(Demo { sim, client })
}

/// Asks the workspace for its id (remembered by the client), giving up after a few seconds so
/// a slow host never holds up the start; the host alone then names the workspace.
pub async fn learn_workspace_id(client: &Client) {
    let ask = client.workspace_id();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), ask).await;
}
