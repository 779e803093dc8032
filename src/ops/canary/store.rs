//! Plan state on disk: `<data_dir>/canaries/<endpoint>.json`, one running (or last finished)
//! plan per endpoint, so a plan survives the console's restart. Written atomically (temporary
//! file, fsync, rename), readable only by the user.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::state::CanaryState;

#[derive(Debug, Clone)]
pub struct CanaryStore {
    dir: PathBuf,
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

impl CanaryStore {
    /// The store of a data directory.
    pub fn in_dir(data_dir: &Path) -> CanaryStore {
        CanaryStore {
            dir: data_dir.join("canaries"),
        }
    }

    pub fn path(&self, endpoint: &str) -> PathBuf {
        self.dir.join(file_name(endpoint))
    }

    /// The saved state of `endpoint`'s plan, if any. Every error names the file.
    pub fn load(&self, endpoint: &str) -> io::Result<Option<CanaryState>> {
        let path = self.path(endpoint);
        match fs::read(&path) {
            Ok(bytes) => read_state(&path, &bytes).map(Some),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", path.display()),
            )),
        }
    }

    /// Saves `state` atomically.
    pub fn save(&self, state: &CanaryState) -> io::Result<()> {
        create_private_dir(&self.dir)?;
        let path = self.path(&state.plan.endpoint);
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(state).map_err(io::Error::other)?;
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
        Ok(())
    }

    pub fn remove(&self, endpoint: &str) -> io::Result<()> {
        match fs::remove_file(self.path(endpoint)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Every saved plan, by endpoint name; files that cannot be read are listed apart (each
    /// message names its file), so one broken file never hides the others.
    pub fn list(&self) -> SavedPlans {
        let mut listing = SavedPlans::default();
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return listing;
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        for path in paths {
            match fs::read(&path) {
                Ok(bytes) => match read_state(&path, &bytes) {
                    Ok(state) => listing.plans.push(state),
                    Err(e) => listing.unreadable.push(e.to_string()),
                },
                Err(e) => listing
                    .unreadable
                    .push(format!("cannot read {}: {e}", path.display())),
            }
        }
        listing
            .plans
            .sort_by(|a, b| a.plan.endpoint.cmp(&b.plan.endpoint));
        listing
    }
}

/// What [`CanaryStore::list`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedPlans {
    pub plans: Vec<CanaryState>,
    /// One line per file that could not be read, naming it.
    pub unreadable: Vec<String>,
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
mod tests {
    use super::*;
    use crate::ops::canary::plan::CanaryPlan;

    fn state(endpoint: &str) -> CanaryState {
        let plan = CanaryPlan::parse(&format!(
            "endpoint = \"{endpoint}\"\nstable = \"a\"\ncanary = \"b\"\nsteps = [50, 100]\n\
             hold = \"1m\"\ninterval = \"15s\"\n"
        ))
        .unwrap();
        CanaryState::new(plan, 7)
    }

    #[test]
    fn saves_atomically_reads_back_lists_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        let store = CanaryStore::in_dir(dir.path());
        assert_eq!(store.load("churn-prod").unwrap(), None);
        let mut s = state("churn-prod");
        store.save(&s).unwrap();
        s.step = 1;
        store.save(&s).unwrap();
        assert_eq!(store.load("churn-prod").unwrap(), Some(s.clone()));
        assert!(
            store
                .path("churn-prod")
                .ends_with("canaries/churn-prod.json")
        );
        assert!(!store.path("churn-prod").with_extension("json.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path("churn-prod"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the user reads plan state");
        }
        store.save(&state("fraud-scoring")).unwrap();
        fs::write(dir.path().join("canaries/broken.json"), "{").unwrap();
        let listing = store.list();
        let all: Vec<String> = listing.plans.into_iter().map(|s| s.plan.endpoint).collect();
        assert_eq!(all, ["churn-prod", "fraud-scoring"]);
        assert_eq!(listing.unreadable.len(), 1);
        assert!(store.load("broken").is_err());
        assert_eq!(store.path("../x").file_name().unwrap(), "___x.json");
        store.remove("churn-prod").unwrap();
        store.remove("churn-prod").unwrap();
        assert_eq!(store.load("churn-prod").unwrap(), None);
    }

    #[test]
    fn a_corrupt_or_non_utf8_file_is_named_and_the_others_still_list() {
        let dir = tempfile::tempdir().unwrap();
        let store = CanaryStore::in_dir(dir.path());
        store.save(&state("fraud-scoring")).unwrap();
        fs::write(store.path("churn-prod"), b"{\"version\": 1, \xff\xfe}").unwrap();
        let err = store.load("churn-prod").unwrap_err().to_string();
        assert!(
            err.contains("canaries/churn-prod.json") && err.contains("UTF-8"),
            "{err}"
        );
        let mut odd = state("odd");
        odd.step = 7;
        fs::write(store.path("odd"), serde_json::to_string(&odd).unwrap()).unwrap();
        let err = store.load("odd").unwrap_err().to_string();
        assert!(
            err.contains("canaries/odd.json") && err.contains("step"),
            "{err}"
        );
        let listing = store.list();
        let all: Vec<&str> = listing
            .plans
            .iter()
            .map(|s| s.plan.endpoint.as_str())
            .collect();
        assert_eq!(all, ["fraud-scoring"]);
        assert_eq!(listing.unreadable.len(), 2, "{:?}", listing.unreadable);
        assert!(
            listing.unreadable[0].contains("churn-prod.json")
                && listing.unreadable[1].contains("odd.json"),
            "{:?}",
            listing.unreadable
        );
    }
}
