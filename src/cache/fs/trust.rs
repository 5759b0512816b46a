//! Whether a file or folder of the cache may be trusted: it must belong
//! to the user running this (root included: root trusts no one else's
//! files either), be what it should be (a regular file, a real folder, not
//! a symbolic link), and be out of other users' reach.

use std::fmt;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use anyhow::Context;

use crate::files;

/// A file or folder of the cache that someone else could have planted or
/// could change: it is not used.
#[derive(Debug)]
pub struct Untrusted {
    pub path: PathBuf,
    pub why: String,
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not safe to use: {}",
            self.path.display(),
            self.why
        )
    }
}

impl std::error::Error for Untrusted {}

pub fn untrusted(path: &Path, why: impl Into<String>) -> Untrusted {
    Untrusted {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// The nearest folder above `path` that exists must belong to this user or
/// root: whoever owns it could swap what is made in it. (It is followed if
/// it is a symbolic link: `~/.cache` may well be one.)
#[cfg(unix)]
pub fn check_holder(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let mut holder = path;
    let owner = loop {
        holder = match holder.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        match std::fs::metadata(holder) {
            Ok(meta) => break meta.uid(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && holder != Path::new(".") => {}
            Err(err) => {
                return Err(err).with_context(|| format!("cannot inspect {}", holder.display()));
            }
        }
    };
    if owner != 0 && not_mine(owner).is_some() {
        let why = format!(
            "the folder {} that holds it belongs to uid {owner}, who could replace it",
            holder.display()
        );
        return Err(untrusted(path, why).into());
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_holder(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// The folder must be this user's and not a symbolic link. It may have
/// existed with a wider mode: tightened through its descriptor, so never
/// the target of a link.
#[cfg(unix)]
pub fn check_dir(path: &Path) -> anyhow::Result<()> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let flags = OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::NONBLOCK;
    let dir = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
    {
        Ok(dir) => dir,
        Err(_) if is_symlink(path) => return Err(untrusted(path, "it is a symbolic link").into()),
        Err(err) => return Err(err).with_context(|| format!("cannot open {}", path.display())),
    };
    let meta = dir
        .metadata()
        .with_context(|| format!("cannot inspect {}", path.display()))?;
    if let Some(why) = not_mine(meta.uid()) {
        return Err(untrusted(path, why).into());
    }
    if meta.mode() & 0o077 != 0 {
        dir.set_permissions(std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {} to its owner", path.display()))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_dir(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Why a file of the cache is not to be used, if it is not.
#[cfg(unix)]
pub fn check_file(meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !meta.is_file() {
        return Err(files::not_regular(meta).to_string());
    }
    if let Some(why) = not_mine(meta.uid()) {
        return Err(why);
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "other users can write to it (mode {:o})",
            meta.mode() & 0o7777
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check_file(meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(files::not_regular(meta).to_string())
    }
}

/// `Some(why)` when `owner` is not the user running this (root included:
/// root trusts no one else's files either).
#[cfg(unix)]
fn not_mine(owner: u32) -> Option<String> {
    let me = rustix::process::geteuid().as_raw();
    (owner != me).then(|| format!("it belongs to uid {owner}, not to you (uid {me})"))
}

pub fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
}
