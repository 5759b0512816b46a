//! Private files: folders only the user can enter (0700), files only the
//! user can read (0600), whatever the umask, and writes that are atomic
//! (a temporary file in the same folder, then a rename), so a process
//! killed mid-write leaves the old entry or the new one, never half of one.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

pub fn private_dir(path: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    // The folder may have existed with a wider mode; tighten it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
    }
    Ok(())
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    // SAFETY-style note: every path this module writes is a file in a folder.
    let dir = path.parent().expect("a cache file has a parent folder");
    private_dir(dir)?;
    // tempfile creates the file with mode 0600 (the umask can only narrow it).
    let mut file = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a file in {}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
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

/// The file's bytes, `None` when it does not exist.
pub fn read_optional(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
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
pub fn open_private(path: &Path) -> anyhow::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
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
