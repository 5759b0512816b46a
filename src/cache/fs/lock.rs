//! File locks that wait a bounded time: the account's login lock
//! (`account::lock`) and the index's.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::open_private;
use crate::error::{Error, Kind};
use crate::verbose;

/// Holds the lock until dropped (closing the file releases it).
pub struct Guard {
    _file: File,
}

/// Waits at most `timeout` for the OS lock of the file at `path` (created
/// private if needed). A holder killed by SIGKILL releases it with its
/// file descriptors.
pub fn lock(path: &Path, timeout: Duration) -> anyhow::Result<Guard> {
    let file = open_private(path)?;
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
