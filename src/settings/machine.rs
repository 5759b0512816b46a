//! What the machine and the session say: where this user's cache and
//! runtime folders are, how keyrings may be reached, whether this runs in
//! a CI system that masks secrets in its logs.

use std::path::{Path, PathBuf};

use super::layers::var;
use super::password::someone_at_a_terminal;
use super::{CachePaths, SKIP_STORES_VAR};
use crate::cache::keyring::KeyringOptions;
use crate::error::Error;

/// The cache and lock folders of this user on this system.
pub fn cache_paths() -> anyhow::Result<CachePaths> {
    let cache_dir = user_cache_dir().ok_or_else(|| {
        Error::usage("cannot tell where to keep the cache: neither XDG_CACHE_HOME nor HOME is set")
            .with_hint("set XDG_CACHE_HOME, or use --cache none")
    })?;
    Ok(CachePaths {
        lock_dir: lock_dir(Some(&cache_dir)),
        cache_dir,
    })
}

/// Where login locks and failed-login markers live: a per-user runtime
/// folder when there is one (cleared at logout, on a RAM disk), else the
/// cache folder. With neither (`--cache none` without HOME), a folder of
/// this user's own in the temporary folder: the lock is needed in every
/// cache mode, and whether a folder can be trusted is checked where it
/// is used, not from its name.
pub fn lock_dir(cache_dir: Option<&Path>) -> PathBuf {
    if let Some(dir) = var("XDG_RUNTIME_DIR").filter(|d| Path::new(d).is_absolute()) {
        return PathBuf::from(dir).join("regards-token");
    }
    match cache_dir {
        Some(dir) => dir.join("locks"),
        None => std::env::temp_dir().join(per_user_name()),
    }
}

#[cfg(unix)]
fn per_user_name() -> String {
    format!("regards-token-{}", rustix::process::geteuid().as_raw())
}

/// The temporary folder is already the user's own elsewhere.
#[cfg(not(unix))]
fn per_user_name() -> String {
    "regards-token".to_string()
}

/// This tool's folder in the user's cache folder.
pub(super) fn user_cache_dir() -> Option<PathBuf> {
    let base = if cfg!(windows) {
        PathBuf::from(var("LOCALAPPDATA")?)
    } else if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| Path::new(d).is_absolute()) {
        PathBuf::from(dir)
    } else {
        let home = PathBuf::from(var("HOME")?);
        if cfg!(target_os = "macos") {
            home.join("Library").join("Caches")
        } else {
            home.join(".cache")
        }
    };
    Some(base.join("regards-token"))
}

/// How the keyring tiers may be probed from here.
pub fn keyring_options() -> KeyringOptions {
    KeyringOptions {
        interactive: someone_at_a_terminal(),
        skip: var(SKIP_STORES_VAR)
            .map(|list| {
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        // Where zbus itself looks when the address is not set.
        session_bus: var("DBUS_SESSION_BUS_ADDRESS")
            .or_else(|| var("XDG_RUNTIME_DIR").map(|dir| format!("unix:path={dir}/bus"))),
        deadline: None,
    }
}

/// Whether this runs as a GitHub Actions step (the runner sets this).
pub fn in_github_actions() -> bool {
    var("GITHUB_ACTIONS").as_deref() == Some("true")
}
