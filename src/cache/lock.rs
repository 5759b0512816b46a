//! One login at a time per account.
//!
//! Fifty CI jobs starting at once must send one login, not fifty: the first
//! takes the account's lock, logs in and stores the token; the others wait,
//! then find the token in the cache, or the marker of a failed login (see
//! `marker`). The lock is per account (host and login), not per project:
//! the server counts failed logins per account. It is an OS file lock, so
//! a holder killed by SIGKILL releases it with its file descriptors. It
//! protects the account, not the cache: it is taken in every cache mode.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::fs;
use super::key::CacheKey;
use crate::error::{Error, Kind};
use crate::verbose;

/// Holds the lock until dropped (closing the file releases it).
pub struct Guard {
    _file: File,
}

/// Waits at most `timeout` for the lock of `key`'s account.
pub fn acquire(dir: &Path, key: &CacheKey, timeout: Duration) -> anyhow::Result<Guard> {
    let path = dir.join(format!("{}.lock", key.account_digest()));
    acquire_file(&path, timeout)
}

pub fn acquire_file(path: &Path, timeout: Duration) -> anyhow::Result<Guard> {
    let file = fs::open_private(path)?;
    let cannot_lock = |err: std::io::Error| {
        anyhow::Error::new(err).context(format!("cannot lock {}", path.display()))
    };
    match file.try_lock() {
        Ok(()) => return Ok(Guard { _file: file }),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(err)) => return Err(cannot_lock(err)),
    }
    verbose!(
        1,
        "waiting for another regards-token run to finish ({})",
        path.display()
    );
    // A blocking lock wakes the moment the holder is done (polling would
    // add up to its period to every waiter). It waits on a thread of its
    // own so the wait can be bounded; a thread still waiting when we give
    // up ends with the process, which is about to exit.
    let waiter = file.try_clone().map_err(cannot_lock)?;
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::spawn(move || {
        let _ = tx.send(waiter.lock());
    });
    match rx.recv_timeout(timeout) {
        // The lock belongs to the open file both handles share.
        Ok(Ok(())) => Ok(Guard { _file: file }),
        Ok(Err(err)) => Err(cannot_lock(err)),
        Err(_) => Err(Error::new(
            Kind::Unavailable,
            format!(
                "gave up after {} waiting for another regards-token run holding {}",
                humantime::format_duration(timeout),
                path.display()
            ),
        )
        .with_hint("try again, or raise --lock-timeout")
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(scope: &str) -> CacheKey {
        CacheKey {
            host: "https://h".into(),
            scope: scope.into(),
            username: "u".into(),
            client_id: "client".into(),
        }
    }

    #[test]
    fn a_held_lock_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let _held = acquire(dir.path(), &key("p"), Duration::from_secs(1)).unwrap();
        let err = acquire(dir.path(), &key("p"), Duration::from_millis(100))
            .err()
            .unwrap();
        let typed = err.downcast_ref::<Error>().unwrap();
        assert_eq!(typed.kind, Kind::Unavailable);
        // One lock per account: another project of it waits too.
        assert!(acquire(dir.path(), &key("p2"), Duration::from_millis(100)).is_err());
        drop(_held);
        acquire(dir.path(), &key("p"), Duration::from_millis(100)).unwrap();
    }
}
