//! What the console remembers of a workspace's monitors between starts:
//! `<data_dir>/monitors/<workspace>.json` (the same per-workspace naming as the canary plans,
//! `ops::canary::store::workspace_slug`) holding the tables found last time — so the next
//! start lists them before discovery ends — and which monitor API answered there. A file whose
//! workspace is not this one is ignored; one that cannot be read is reported, never fatal.
//! Written atomically (temporary file, rename), readable only by the user.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::models::monitors::MonitorApi;
use crate::ops::canary::store::workspace_slug;
use crate::ops::workspace::Workspace;

/// The remembered state of one workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    /// The workspace's host and id, as the file was written for.
    #[serde(default)]
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The API that answered monitor reads last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<MonitorApi>,
    /// Monitored tables found last time, in the order shown.
    #[serde(default)]
    pub tables: Vec<String>,
}

/// The memory file of one workspace.
#[derive(Debug, Clone)]
pub struct MonitorMemory {
    path: PathBuf,
    ws: Workspace,
}

impl MonitorMemory {
    pub fn for_workspace(data_dir: &Path, ws: &Workspace) -> MonitorMemory {
        MonitorMemory {
            path: data_dir
                .join("monitors")
                .join(format!("{}.json", workspace_slug(&ws.host))),
            ws: ws.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What was remembered for this workspace (empty when nothing was, or the file is another
    /// workspace's). An unreadable file is an error naming it.
    pub fn load(&self) -> io::Result<Remembered> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Remembered::default()),
            Err(e) => return Err(named(&self.path, e)),
        };
        let r: Remembered = serde_json::from_str(&text)
            .map_err(|e| named(&self.path, io::Error::new(io::ErrorKind::InvalidData, e)))?;
        Ok(if self.ws.holds(&r.host, r.workspace_id.as_deref()) {
            r
        } else {
            Remembered::default()
        })
    }

    /// Saves `r` as this workspace's.
    pub fn save(&self, r: &Remembered) -> io::Result<()> {
        let mut r = r.clone();
        r.host = self.ws.host.clone();
        r.workspace_id = self.ws.id.clone().or(r.workspace_id);
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| named(dir, e))?;
        let tmp = self.path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(&r).map_err(io::Error::other)?;
        {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp).map_err(|e| named(&tmp, e))?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &self.path).map_err(|e| named(&self.path, e))
    }
}

fn named(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_per_workspace_only() {
        let dir = tempfile::tempdir().unwrap();
        let a = MonitorMemory::for_workspace(
            dir.path(),
            &Workspace::new("http://127.0.0.1:5000", None),
        );
        let b = MonitorMemory::for_workspace(
            dir.path(),
            &Workspace::new("http://127.0.0.1:5001", None),
        );
        assert_eq!(a.load().unwrap(), Remembered::default());
        let r = Remembered {
            api: Some(MonitorApi::Legacy),
            tables: vec!["main.ml.t".into()],
            ..Remembered::default()
        };
        a.save(&r).unwrap();
        let back = a.load().unwrap();
        assert_eq!(back.tables, r.tables);
        assert_eq!(back.api, Some(MonitorApi::Legacy));
        assert_eq!(
            b.load().unwrap(),
            Remembered::default(),
            "another workspace's"
        );
        fs::write(a.path(), "{not json").unwrap();
        let e = a.load().unwrap_err();
        assert!(e.to_string().contains("monitors"), "{e}");
    }
}
