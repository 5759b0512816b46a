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
    let cache_dir = user_cache_dir()
        .ok_or_else(|| {
            Error::usage(
                "cannot tell where to keep the cache: neither XDG_CACHE_HOME nor HOME is set",
            )
            .with_hint("set XDG_CACHE_HOME, or use --cache none")
        })?
        .join("regards-token");
    let lock_dir = var("XDG_RUNTIME_DIR")
        .map(|dir| PathBuf::from(dir).join("regards-token"))
        .unwrap_or_else(|| cache_dir.join("locks"));
    Ok(CachePaths {
        cache_dir,
        lock_dir,
    })
}

fn user_cache_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(PathBuf::from);
    }
    if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| Path::new(d).is_absolute()) {
        return Some(PathBuf::from(dir));
    }
    let home = PathBuf::from(var("HOME")?);
    Some(if cfg!(target_os = "macos") {
        home.join("Library").join("Caches")
    } else {
        home.join(".cache")
    })
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
