//! What `update` asks the outside world to do, as data. The runtime performs effects; tests
//! assert on them.
//!
//! Mutations (promote, traffic shifts…) arrive with the confirm-dialog issue as new variants
//! here (`Effect::Mutate`), gated by a `Confirm → Confirmed` pair of messages.

use super::msg::ResourceKey;
use super::remote::RequestId;

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a fetch; a running fetch of the same resource is aborted (latest wins).
    Fetch { req: RequestId, fetch: Fetch },
    /// Load a theme (user files may be involved) and answer with `Msg::ThemeLoaded`.
    LoadTheme { name: String },
    /// Put text on the clipboard via OSC 52.
    CopyToClipboard { text: String },
}

/// The read calls the screens make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetch {
    Me,
    /// Page through experiment searches, counting up to `cap`; keep the `recent` newest.
    ExperimentCount {
        cap: usize,
        recent: usize,
    },
    UcModelCount {
        cap: usize,
    },
    WorkspaceModelCount {
        cap: usize,
    },
    ServingEndpoints,
    /// Experiments, newest first. With a token: the next page, appended. Without: pages from the
    /// start until at least `min_rows` are loaded (a refresh keeps what the user scrolled to).
    Experiments {
        page_token: Option<String>,
        min_rows: usize,
    },
}

impl Fetch {
    pub fn key(&self) -> ResourceKey {
        match self {
            Fetch::Me => ResourceKey::Me,
            Fetch::ExperimentCount { .. } => ResourceKey::ExperimentCount,
            Fetch::UcModelCount { .. } => ResourceKey::UcModelCount,
            Fetch::WorkspaceModelCount { .. } => ResourceKey::WorkspaceModelCount,
            Fetch::ServingEndpoints => ResourceKey::ServingEndpoints,
            Fetch::Experiments { .. } => ResourceKey::ExperimentList,
        }
    }
}
