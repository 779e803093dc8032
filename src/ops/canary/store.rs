//! Plan state on disk: `<data_dir>/canaries/<workspace>/<endpoint>.json`, one running (or last
//! finished) plan per endpoint of a workspace, so a plan survives the console's restart. Dev,
//! staging and prod share endpoint names: a plan saved for one workspace is never listed,
//! loaded or resumed for another. `<workspace>` is [`workspace_slug`] of the normalised host;
//! each file also records the host and the workspace's id (`ops::workspace`), and a file whose
//! workspace is not this one is ignored wherever it lies. Written atomically (temporary file,
//! fsync, rename), readable only by the user.
//!
//! Files of earlier versions sit at `<data_dir>/canaries/<endpoint>.json` and name no
//! workspace. `legacy` moves one into its workspace's directory when the audit journal shows
//! the plan's changes were made there; until then it is only mentioned in a note, never shown
//! as current or driven.

mod legacy;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::state::CanaryState;
use crate::ops::workspace::Workspace;

#[derive(Debug, Clone)]
pub struct CanaryStore {
    /// `<data_dir>/canaries`: where files of earlier versions are.
    root: PathBuf,
    /// `<root>/<workspace slug>`.
    dir: PathBuf,
    /// The workspace this store keeps plans of.
    ws: Workspace,
}

/// A file name for an endpoint (its name is letters, digits, `-`, `_`; anything else becomes `_`).
fn file_name(endpoint: &str) -> String {
    let safe: String = endpoint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.json")
}

/// FNV-1a, 64 bits: stable across builds and platforms (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A directory name for a workspace: the host made filesystem-safe (`http://127.0.0.1:5000` →
/// `http_127.0.0.1_5000`), cut to 64 characters, then a hash of the exact host, so two hosts
/// that read the same once made safe still get different directories.
pub fn workspace_slug(host: &str) -> String {
    let readable: String = host
        .replacen("://", "_", 1)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let readable = readable.trim_start_matches('.');
    format!("{readable}-{:012x}", fnv1a(host.as_bytes()) >> 16)
}

impl CanaryStore {
    /// The store of workspace `ws`'s plans in a data directory.
    pub fn for_workspace(data_dir: &Path, ws: &Workspace) -> CanaryStore {
        let root = data_dir.join("canaries");
        CanaryStore {
            dir: root.join(workspace_slug(&ws.host)),
            root,
            ws: ws.clone(),
        }
    }

    pub fn workspace(&self) -> &Workspace {
        &self.ws
    }

    /// Where `endpoint`'s plan of this workspace is saved.
    pub fn path(&self, endpoint: &str) -> PathBuf {
        self.dir.join(file_name(endpoint))
    }

    /// Where an earlier version saved `endpoint`'s plan (for any workspace).
    pub fn legacy_path(&self, endpoint: &str) -> PathBuf {
        self.root.join(file_name(endpoint))
    }

    /// The saved state of `endpoint`'s plan on this workspace, if any. Every error names the
    /// file.
    pub fn load(&self, endpoint: &str) -> io::Result<Option<CanaryState>> {
        if let Some(state) = read_file(&self.path(endpoint))? {
            return Ok(self.owns(&state).then_some(state));
        }
        Ok(self.legacy(endpoint)?.filter(|s| self.owns(s)))
    }

    /// A note when an earlier version left a plan for `endpoint` that names no workspace: it is
    /// never read as this workspace's.
    pub fn legacy_note(&self, endpoint: &str) -> Option<String> {
        let path = self.legacy_path(endpoint);
        match self.legacy(endpoint) {
            Ok(Some(s)) if s.host.is_none() => Some(unowned_note(&path)),
            _ => None,
        }
    }

    fn legacy(&self, endpoint: &str) -> io::Result<Option<CanaryState>> {
        read_file(&self.legacy_path(endpoint))
    }

    fn owns(&self, state: &CanaryState) -> bool {
        state
            .host
            .as_deref()
            .is_some_and(|host| self.ws.holds(host, state.workspace_id.as_deref()))
    }

    /// Saves `state` atomically as this workspace's (its `host` is set to this store's).
    /// A file of an earlier version that named this workspace is then removed: the new one
    /// replaces it.
    pub fn save(&self, state: &CanaryState) -> io::Result<()> {
        create_private_dir(&self.root)?;
        create_private_dir(&self.dir)?;
        let mut state = state.clone();
        state.host = Some(self.ws.host.clone());
        state.workspace_id = self.ws.id.clone().or(state.workspace_id);
        let path = self.path(&state.plan.endpoint);
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&state).map_err(io::Error::other)?;
        {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        #[cfg(unix)]
        if let Ok(d) = fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }
        self.remove_owned_legacy(&state.plan.endpoint)
    }

    /// Forgets `endpoint`'s plan on this workspace (never another workspace's file).
    pub fn remove(&self, endpoint: &str) -> io::Result<()> {
        match fs::remove_file(self.path(endpoint)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        self.remove_owned_legacy(endpoint)
    }

    fn remove_owned_legacy(&self, endpoint: &str) -> io::Result<()> {
        match self.legacy(endpoint) {
            Ok(Some(s)) if self.owns(&s) => match fs::remove_file(self.legacy_path(endpoint)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Every plan saved for this workspace, by endpoint name; files that cannot be read are
    /// listed apart (each message names its file), so one broken file never hides the others.
    /// Files of earlier versions that name no workspace get a note each; those of other
    /// workspaces are left out.
    pub fn list(&self) -> SavedPlans {
        let mut listing = SavedPlans::default();
        for (_, read) in read_dir(&self.dir) {
            match read {
                Ok(state) if self.owns(&state) => listing.plans.push(state),
                Ok(_) => {}
                Err(e) => listing.unreadable.push(e.to_string()),
            }
        }
        for (path, read) in read_dir(&self.root) {
            match read {
                Ok(state) if state.host.is_none() => listing.legacy.push(unowned_note(&path)),
                Ok(state) if self.owns(&state) => {
                    if !listing
                        .plans
                        .iter()
                        .any(|p| p.plan.endpoint == state.plan.endpoint)
                    {
                        listing.plans.push(state);
                    }
                }
                Ok(_) => {}
                Err(e) => listing.unreadable.push(e.to_string()),
            }
        }
        listing
            .plans
            .sort_by(|a, b| a.plan.endpoint.cmp(&b.plan.endpoint));
        listing
    }
}

fn unowned_note(path: &Path) -> String {
    format!(
        "{} was saved by an earlier version and names no workspace: it is not shown or \
         resumed here; move it away once that plan is no longer needed",
        path.display()
    )
}

/// The `.json` files directly in `dir`, sorted, each read.
fn read_dir(dir: &Path) -> Vec<(PathBuf, io::Result<CanaryState>)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let read = match fs::read(&path) {
                Ok(bytes) => read_state(&path, &bytes),
                Err(e) => Err(io::Error::new(
                    e.kind(),
                    format!("cannot read {}: {e}", path.display()),
                )),
            };
            (path, read)
        })
        .collect()
}

/// The state saved in `path`, `None` when there is no such file.
fn read_file(path: &Path) -> io::Result<Option<CanaryState>> {
    match fs::read(path) {
        Ok(bytes) => read_state(path, &bytes).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io::Error::new(
            e.kind(),
            format!("cannot read {}: {e}", path.display()),
        )),
    }
}

/// What [`CanaryStore::list`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedPlans {
    pub plans: Vec<CanaryState>,
    /// One line per file that could not be read, naming it.
    pub unreadable: Vec<String>,
    /// One note per file of an earlier version that names no workspace.
    pub legacy: Vec<String>,
}

/// A saved state from the bytes of its file: UTF-8 JSON of a [`CanaryState`] that holds
/// together (see [`CanaryState::check`]).
pub fn decode(bytes: &[u8]) -> Result<CanaryState, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text at byte {}", e.valid_up_to()))?;
    let state: CanaryState = serde_json::from_str(text).map_err(|e| e.to_string())?;
    state.check()?;
    Ok(state)
}

fn read_state(path: &Path, bytes: &[u8]) -> io::Result<CanaryState> {
    decode(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: not a canary state ({e})", path.display()),
        )
    })
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

#[cfg(test)]
mod tests;
