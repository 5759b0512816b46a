//! One login at a time per cache key, and no second try of a refused
//! password.
//!
//! Fifty CI jobs starting at once must send one login, not fifty: the first
//! takes the key's lock, logs in and stores the token; the others wait, then
//! find the token in the cache. The lock is an OS file lock, so a holder
//! killed by SIGKILL releases it with its file descriptors.
//!
//! When the login is refused, the waiters must not each try the same wrong
//! password: REGARDS locks accounts after a few failures. The refused run
//! leaves a marker for about a minute with the refusal and a salted hash of
//! the password it was tried with (never the password); a waiter with the
//! same password fails with the same refusal without sending it.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::entry::{from_unix, unix};
use super::fs;
use super::key::CacheKey;
use crate::error::{Error, Kind};
use crate::secret::Secret;
use crate::verbose;

/// How long a refusal is replayed to other runs with the same password.
const REFUSAL_MEMORY: Duration = Duration::from_secs(60);

/// Holds the lock until dropped (closing the file releases it).
pub struct Guard {
    _file: File,
}

/// Waits at most `timeout` for the lock of `key`.
pub fn acquire(dir: &Path, key: &CacheKey, timeout: Duration) -> anyhow::Result<Guard> {
    let path = dir.join(format!("{}.lock", key.digest()));
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

#[derive(Serialize, Deserialize)]
struct Refusal {
    at: u64,
    salt: String,
    hash: String,
    message: String,
    hint: Option<String>,
}

fn refusal_path(dir: &Path, key: &CacheKey) -> PathBuf {
    dir.join(format!("{}.refused", key.digest()))
}

/// A salted digest of what was sent (client secret and password): a
/// wrong client secret is refused too, and must not hold back a run that
/// has the right one.
fn hash(salt: &str, sent: &[&Secret<String>]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    for part in sent {
        // Length-prefixed, so no two different sequences hash alike.
        hasher.update((part.expose().len() as u64).to_le_bytes());
        hasher.update(part.expose().as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Remembers that `password` was refused with `refusal`.
pub fn record_refusal(dir: &Path, key: &CacheKey, sent: &[&Secret<String>], refusal: &Error) {
    let salt: String = (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect();
    let marker = Refusal {
        at: unix(SystemTime::now()),
        hash: hash(&salt, sent),
        salt,
        message: refusal.to_string(),
        hint: refusal.hint().map(str::to_string),
    };
    // SAFETY-style note: a struct of strings and integers always serializes.
    let bytes = serde_json::to_vec(&marker).expect("a plain struct serializes");
    if let Err(err) = fs::write_atomic(&refusal_path(dir, key), &bytes) {
        verbose!(1, "cannot record the refusal for parallel runs: {err:#}");
    }
}

/// The refusal a parallel run met in the last minute with this same
/// password, if any.
pub fn recent_refusal(dir: &Path, key: &CacheKey, sent: &[&Secret<String>]) -> Option<Error> {
    let bytes = fs::read_optional(&refusal_path(dir, key)).ok()??;
    let marker: Refusal = serde_json::from_slice(&bytes).ok()?;
    let age = SystemTime::now()
        .duration_since(from_unix(marker.at)?)
        .ok()?;
    if age > REFUSAL_MEMORY || hash(&marker.salt, sent) != marker.hash {
        return None;
    }
    let error = Error::new(
        Kind::Refused,
        format!(
            "{} (met by another regards-token run {}s ago; the same password was not sent again)",
            marker.message,
            age.as_secs()
        ),
    );
    Some(match marker.hint {
        Some(hint) => error.with_hint(hint),
        None => error,
    })
}

pub fn clear_refusal(dir: &Path, key: &CacheKey) {
    let _ = fs::remove_optional(&refusal_path(dir, key));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CacheKey {
        CacheKey {
            host: "https://h".into(),
            scope: "p".into(),
            username: "u".into(),
            client_id: "client".into(),
        }
    }

    #[test]
    fn a_refusal_is_replayed_for_the_same_password_only() {
        let dir = tempfile::tempdir().unwrap();
        let wrong = Secret::new("wrong-password".to_string());
        let client = Secret::new("secret".to_string());
        let refusal =
            Error::new(Kind::Refused, "login refused (ACCOUNT_UNKNOWN)").with_hint("check");
        record_refusal(dir.path(), &key(), &[&client, &wrong], &refusal);

        let marker = std::fs::read_to_string(refusal_path(dir.path(), &key())).unwrap();
        assert!(
            !marker.contains("wrong-password"),
            "the marker never holds the password"
        );

        let replay = recent_refusal(dir.path(), &key(), &[&client, &wrong]).expect("replayed");
        assert_eq!(replay.kind, Kind::Refused);
        assert!(
            replay
                .to_string()
                .starts_with("login refused (ACCOUNT_UNKNOWN) (met by another")
        );
        assert_eq!(replay.hint(), Some("check"));
        let other = Secret::new("another".to_string());
        assert!(recent_refusal(dir.path(), &key(), &[&client, &other]).is_none());
        let other_client = Secret::new("right-secret".to_string());
        assert!(recent_refusal(dir.path(), &key(), &[&other_client, &wrong]).is_none());

        clear_refusal(dir.path(), &key());
        assert!(recent_refusal(dir.path(), &key(), &[&client, &wrong]).is_none());
    }

    #[test]
    fn a_held_lock_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let _held = acquire(dir.path(), &key(), Duration::from_secs(1)).unwrap();
        let err = acquire(dir.path(), &key(), Duration::from_millis(100))
            .err()
            .unwrap();
        let typed = err.downcast_ref::<Error>().unwrap();
        assert_eq!(typed.kind, Kind::Unavailable);
        drop(_held);
        acquire(dir.path(), &key(), Duration::from_millis(100)).unwrap();
    }
}
