//! The parts of signing in that are not HTTP: the wall clock tokens expire by, the Azure clouds,
//! the Databricks CLI's token cache file, and running `databricks` / `az` for a token. The
//! exchanges with token endpoints live in `http::sign_in`, which uses these.

pub mod azure_env;
pub(crate) mod cli_cache;
pub(crate) mod command;
pub(crate) mod expiry;

use std::sync::Arc;
use std::time::SystemTime;

/// The wall clock token lifetimes are measured on. Production reads the system clock; tests
/// inject the simulator's hand-moved clock so that a token can expire without waiting.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> SystemTime + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(SystemTime::now))
    }

    pub fn new(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(now))
    }

    pub fn now(&self) -> SystemTime {
        (self.0)()
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}
