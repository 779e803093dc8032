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

    /// The saved state of `endpoint`'s plan, if any.
    pub fn load(&self, endpoint: &str) -> io::Result<Option<CanaryState>> {
        let path = self.path(endpoint);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: not a canary state ({e})", path.display()),
            )
        })
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

    /// Every saved plan (unreadable files are skipped), by endpoint name.
    pub fn list(&self) -> Vec<CanaryState> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut out: Vec<CanaryState> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .filter_map(|e| fs::read_to_string(e.path()).ok())
            .filter_map(|t| serde_json::from_str(&t).ok())
            .collect();
        out.sort_by(|a: &CanaryState, b| a.plan.endpoint.cmp(&b.plan.endpoint));
        out
    }
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
        let all: Vec<String> = store.list().into_iter().map(|s| s.plan.endpoint).collect();
        assert_eq!(all, ["churn-prod", "fraud-scoring"]);
        assert!(store.load("broken").is_err());
        assert_eq!(store.path("../x").file_name().unwrap(), "___x.json");
        store.remove("churn-prod").unwrap();
        store.remove("churn-prod").unwrap();
        assert_eq!(store.load("churn-prod").unwrap(), None);
    }
}
