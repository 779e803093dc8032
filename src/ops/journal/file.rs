//! The journal file itself: whole-line appends that survive crashes and concurrent consoles.
//!
//! Each record is one `write` of `line + "\n"` on a file opened with `O_APPEND`, under an
//! exclusive advisory lock, then `fsync`ed: two consoles never interleave partial lines, and a
//! record is on disk before its request is sent. A crash mid-write can still leave a torn last
//! line without its newline; the next append starts a fresh line first so that the new record
//! stays whole (the torn one is reported by the reader, never fatal).

// `File::lock` is std since 1.89. The crate's declared MSRV (1.85) is already below what it
// needs (let-chains, 1.88); raising it would switch on lints across other modules, so the
// exception stays local to this file.
#![allow(clippy::incompatible_msrv)]

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

fn open_for_append(path: &Path) -> io::Result<(File, bool)> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let existed = path.exists();
    let mut options = OpenOptions::new();
    options.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Only the user: the journal names workspaces, users and models.
        options.mode(0o600);
    }
    Ok((options.open(path)?, !existed))
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

/// True when the file is non-empty and its last byte is not a newline (a torn last line).
fn ends_torn(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Appends `line` (which must not contain a newline) as one record and syncs it to disk.
pub(crate) fn append_line(path: &Path, line: &str) -> io::Result<()> {
    debug_assert!(!line.contains('\n'));
    let (mut file, created) = open_for_append(path)?;
    file.lock()?;
    let result = (|| {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        if ends_torn(&mut file)? {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        file.write_all(&bytes)?;
        file.sync_data()
    })();
    let _ = file.unlock();
    result?;
    if created {
        sync_dir(path);
    }
    Ok(())
}

/// Makes a new file's directory entry durable too (best effort: not every platform allows it).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The whole file under a shared lock (so a half-written record is never read); a missing file
/// is an empty journal.
pub(crate) fn read_all(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    file.lock_shared()?;
    let mut bytes = Vec::new();
    let result = file.read_to_end(&mut bytes);
    let _ = file.unlock();
    result?;
    Ok(bytes)
}
