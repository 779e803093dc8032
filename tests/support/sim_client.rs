//! A simulator on a manual clock without background traffic, a client of it with its token,
//! and the status and error code of a server error.

use mlops_console::api::{ApiError, Client, ClientOptions, Credentials, Secret};
use mlops_console::sim::{self, SimClock, SimHandle, SimOptions};

/// The simulator at its demo anchor (2026-01-01), the clock moved only by the test.
pub async fn manual_sim() -> SimHandle {
    sim::start(SimOptions {
        clock: SimClock::manual(1_767_225_600_000),
        traffic_rps: 0.0,
        ..SimOptions::default()
    })
    .await
    .unwrap()
}

/// A client of `sim` with its token.
pub fn sim_client(sim: &SimHandle) -> Client {
    Client::new(ClientOptions::new(
        sim.base_url.clone(),
        Credentials::Pat(Secret::new(sim.token.clone())),
    ))
    .unwrap()
}

/// The HTTP status and error code of a server error (panics on any other error).
pub fn api_status(e: &ApiError) -> (u16, String) {
    match e {
        ApiError::Api { status, code, .. } => (
            *status,
            code.as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
        ),
        other => panic!("not a server error: {other}"),
    }
}
