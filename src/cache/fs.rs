//! Private files: folders only the user can enter (0700), files only the
//! user can read (0600), whatever the umask, and writes that are atomic
//! (a temporary file in the same folder, then a rename), so a process
//! killed mid-write leaves the old entry or the new one, never half of one.
//!
//! The cache folder may sit in a folder others can write to (a CI box's
//! `/tmp`), so nothing found there is taken on trust: a folder is used only
//! when it belongs to this user (its mode is then tightened through its
//! descriptor, never through a path a symbolic link could redirect), inside
//! a folder of this user or root; a file is read only when it is a regular
//! file of this user that others cannot write, opened without following a
//! symbolic link and without blocking (a FIFO would hang the read), and
//! only up to a size that fits it. Root trusts no one else's files either.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::error::Error;
use crate::files;
use crate::{verbose, warning};

mod lock;
mod trust;

pub use lock::{Guard, lock};
pub use trust::Untrusted;
use trust::{check_dir, check_file, check_holder, is_symlink, untrusted};

/// Creates `path` (and its parents) as a folder only the user can enter,
/// or checks and tightens the one that is there. Fails with `Untrusted`
/// when the folder is not the user's to trust, or sits in a folder of
/// someone else's (checked before anything is made in it).
pub fn private_dir(path: &Path) -> anyhow::Result<()> {
    check_holder(path)?;
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    check_dir(path)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    replace(path, bytes, Durability::Synced)
}

/// `write_atomic` without waiting for the disk: for files that matter
/// only while the machine runs (failed-login markers, written before
/// every login). A crash can leave the file empty, which reads as none.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    replace(path, bytes, Durability::UntilShutdown)
}

enum Durability {
    Synced,
    UntilShutdown,
}

fn replace(path: &Path, bytes: &[u8], durability: Durability) -> anyhow::Result<()> {
    // SAFETY-style note: every path this module writes is a file in a folder.
    let dir = path.parent().expect("a cache file has a parent folder");
    private_dir(dir)?;
    // tempfile creates the file with mode 0600 (the umask can only narrow it).
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| match durability {
            Durability::Synced => file.as_file().sync_all(),
            Durability::UntilShutdown => Ok(()),
        })
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    remove_stale_temporaries(dir);
    Ok(())
}

/// A run killed between writing its temporary file and renaming it leaves
/// the file behind, private but holding a token. Writes are rare (a login
/// each), so each one sweeps the folder for such leftovers. Young ones may
/// belong to a run still writing, and are left alone.
fn remove_stale_temporaries(dir: &Path) {
    const STALE: std::time::Duration = std::time::Duration::from_secs(60);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_temporary = entry.file_name().to_string_lossy().starts_with(".tmp-");
        let age = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok());
        if is_temporary && age.is_some_and(|age| age > STALE) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The file's bytes, `None` when it does not exist. A file that is not to
/// be trusted is a miss with a warning saying why; one larger than `cap` is
/// a miss too (`-v` says so): nothing the tool writes is that large.
pub fn read_optional(path: &Path, cap: u64) -> anyhow::Result<Option<Vec<u8>>> {
    let cannot_read = || format!("cannot read {}", path.display());
    let file = match files::open_nonblocking(path, true) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(_) if is_symlink(path) => {
            warn_once(path, "it is a symbolic link");
            return Ok(None);
        }
        Err(err) => return Err(err).with_context(cannot_read),
    };
    let meta = file.metadata().with_context(cannot_read)?;
    if let Err(why) = check_file(&meta) {
        warn_once(path, &why);
        return Ok(None);
    }
    files::blocking(&file).with_context(cannot_read)?;
    let mut bytes = Vec::new();
    (&file)
        .take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(cannot_read)?;
    if bytes.len() as u64 > cap {
        verbose!(1, "ignoring {}: {}", path.display(), files::too_large(cap));
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// `get` looks in the cache twice (before and after taking the lock): one
/// warning per file is enough.
fn warn_once(path: &Path, why: &str) {
    static WARNED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut warned = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !warned.iter().any(|p| p == path) {
        warned.push(path.to_path_buf());
        warning!("ignoring {}: {why}", path.display());
    }
}

/// Removes the file; `false` when there was none.
pub fn remove_optional(path: &Path) -> anyhow::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err).with_context(|| format!("cannot remove {}", path.display())),
    }
}

/// Opens (creating if needed) a file only the user can read, for locks.
/// A lock in a folder or file someone else controls protects nothing (they
/// could hold it, or swap it): that is a usage error naming it, not a
/// warning, so that no login goes out unprotected.
pub fn open_private(path: &Path) -> anyhow::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        private_dir(dir).map_err(unsafe_lock)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(_) if is_symlink(path) => {
            return Err(unsafe_lock(untrusted(path, "it is a symbolic link").into()));
        }
        Err(err) => return Err(err).with_context(|| format!("cannot open {}", path.display())),
    };
    let meta = file
        .metadata()
        .with_context(|| format!("cannot inspect {}", path.display()))?;
    if let Err(why) = check_file(&meta) {
        return Err(unsafe_lock(untrusted(path, why).into()));
    }
    files::blocking(&file).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(file)
}

/// Turns an `Untrusted` lock folder or file into the usage error that
/// names it; other failures pass unchanged.
fn unsafe_lock(err: anyhow::Error) -> anyhow::Error {
    let Some(untrusted) = err.downcast_ref::<Untrusted>() else {
        return err;
    };
    let shown = untrusted.path.display();
    Error::usage(format!("{shown} is not safe for a lock: {}", untrusted.why))
        .with_hint(format!(
            "remove {shown} if you may, or set XDG_RUNTIME_DIR to a folder only you can write"
        ))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_sweep_away_old_temporaries_only() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".tmp-old");
        let young = dir.path().join(".tmp-young");
        std::fs::write(&old, "token").unwrap();
        std::fs::write(&young, "token").unwrap();
        let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        write_atomic(&dir.path().join("entry.json"), b"{}").unwrap();
        assert!(!old.exists(), "a leftover of a killed run is removed");
        assert!(young.exists(), "a run may still be writing this one");
        assert_eq!(std::fs::read(dir.path().join("entry.json")).unwrap(), b"{}");
    }
}
