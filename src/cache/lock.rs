//! One login at a time per cache key, and no second try of a password
//! the server refused, or may have judged without saying.
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
use crate::regards::Verdict;
use crate::secret::Secret;
use crate::verbose;

/// How long a refusal is replayed to other runs with the same password.
const REFUSAL_MEMORY: Duration = Duration::from_secs(60);
/// How long an attempt that got no verdict holds back the same password.
const NO_VERDICT_MEMORY: Duration = Duration::from_secs(30);
/// A marker holds two hashes, an error message (server text in it capped
/// at a few hundred characters) and a hint.
const MAX_MARKER_BYTES: u64 = 64 * 1024;

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

/// What a failed login left for the runs behind it. Never the password:
/// a salted hash of what was sent, and the error the run reported.
#[derive(Serialize, Deserialize)]
struct Marker {
    at: u64,
    /// `refused`, or `unknown` when the server may have judged the
    /// password but gave no verdict (a timeout, a 504, a broken answer).
    verdict: String,
    salt: String,
    hash: String,
    /// The exit code's kind, so a replay exits as the original run did.
    exit_code: u8,
    message: String,
    hint: Option<String>,
}

fn marker_path(dir: &Path, key: &CacheKey) -> PathBuf {
    dir.join(format!("{}.attempt", key.digest()))
}

/// How long a failed attempt holds back runs with the same secrets. A
/// refusal is kept long enough for every waiter and for a quick re-run
/// of a failed CI job; an attempt without a verdict only for the runs
/// queued behind it, since the next one may well succeed.
fn memory(verdict: Verdict) -> Duration {
    match verdict {
        Verdict::Refused => REFUSAL_MEMORY,
        Verdict::Unknown | Verdict::NotJudged => NO_VERDICT_MEMORY,
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Refused => "refused",
        Verdict::Unknown | Verdict::NotJudged => "unknown",
    }
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

/// Remembers that a login with `sent` failed with `error`, and whether the
/// server judged it. A login whose password was provably not checked
/// leaves nothing: the next run may send it (with `--request-style
/// query`, say, as the hint of a 415 suggests).
pub fn record_attempt(
    dir: &Path,
    key: &CacheKey,
    sent: &[&Secret<String>],
    verdict: Verdict,
    error: &Error,
) {
    if verdict == Verdict::NotJudged {
        return;
    }
    let salt: String = (0..16)
        .map(|_| format!("{:02x}", fastrand::u8(..)))
        .collect();
    let marker = Marker {
        at: unix(SystemTime::now()),
        verdict: verdict_name(verdict).into(),
        hash: hash(&salt, sent),
        salt,
        exit_code: error.kind.exit_code(),
        message: error.to_string(),
        hint: error.hint().map(str::to_string),
    };
    // SAFETY-style note: a struct of strings and integers always serializes.
    let bytes = serde_json::to_vec(&marker).expect("a plain struct serializes");
    if let Err(err) = fs::write_atomic(&marker_path(dir, key), &bytes) {
        verbose!(
            1,
            "cannot record the failed login for parallel runs: {err:#}"
        );
    }
}

/// The failure a parallel run met lately with these same secrets, if any,
/// as the error this run reports instead of sending them again. A marker
/// past its lifetime, or unreadable, is removed.
pub fn recent_attempt(dir: &Path, key: &CacheKey, sent: &[&Secret<String>]) -> Option<Error> {
    let path = marker_path(dir, key);
    let bytes = fs::read_optional(&path, MAX_MARKER_BYTES).ok()??;
    let live = serde_json::from_slice::<Marker>(&bytes)
        .ok()
        .and_then(|marker| {
            let verdict = match marker.verdict.as_str() {
                "refused" => Verdict::Refused,
                "unknown" => Verdict::Unknown,
                _ => return None,
            };
            let age = SystemTime::now()
                .duration_since(from_unix(marker.at)?)
                .ok()?;
            (age <= memory(verdict)).then_some((marker, verdict, age))
        });
    let Some((marker, verdict, age)) = live else {
        verbose!(1, "removing an expired or unreadable login marker");
        let _ = fs::remove_optional(&path);
        return None;
    };
    if hash(&marker.salt, sent) != marker.hash {
        return None;
    }
    let kind = match verdict {
        Verdict::Refused => Kind::Refused,
        // The first run's kind (a timeout is 4, a web page 5); never 3,
        // since no refusal was seen, and 4 for a code this build does not know.
        Verdict::Unknown | Verdict::NotJudged => Kind::from_exit_code(marker.exit_code)
            .filter(|kind| *kind != Kind::Refused)
            .unwrap_or(Kind::Unavailable),
    };
    let left = memory(verdict).saturating_sub(age).as_secs().max(1);
    let error = Error::new(
        kind,
        format!(
            "{} (met by a regards-token run {}s ago; the same password is not sent again for {left}s)",
            marker.message,
            age.as_secs()
        ),
    );
    Some(match marker.hint {
        Some(hint) => error.with_hint(hint),
        None => error,
    })
}

/// Forgets the last failed attempt, after a login succeeded.
pub fn clear_attempt(dir: &Path, key: &CacheKey) {
    let _ = fs::remove_optional(&marker_path(dir, key));
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
        record_attempt(
            dir.path(),
            &key(),
            &[&client, &wrong],
            Verdict::Refused,
            &refusal,
        );

        let marker = std::fs::read_to_string(marker_path(dir.path(), &key())).unwrap();
        assert!(
            !marker.contains("wrong-password"),
            "the marker never holds the password"
        );

        let replay = recent_attempt(dir.path(), &key(), &[&client, &wrong]).expect("replayed");
        assert_eq!(replay.kind, Kind::Refused);
        assert!(
            replay
                .to_string()
                .starts_with("login refused (ACCOUNT_UNKNOWN) (met by a regards-token run")
        );
        assert_eq!(replay.hint(), Some("check"));
        let other = Secret::new("another".to_string());
        assert!(recent_attempt(dir.path(), &key(), &[&client, &other]).is_none());
        let other_client = Secret::new("right-secret".to_string());
        assert!(recent_attempt(dir.path(), &key(), &[&other_client, &wrong]).is_none());
        assert!(
            marker_path(dir.path(), &key()).exists(),
            "another password leaves the marker alone"
        );

        clear_attempt(dir.path(), &key());
        assert!(recent_attempt(dir.path(), &key(), &[&client, &wrong]).is_none());
    }

    #[test]
    fn an_attempt_without_a_verdict_is_replayed_with_its_own_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let sent = Secret::new("pw".to_string());
        let timeout = Error::new(Kind::Unavailable, "no answer").with_hint("later");
        record_attempt(dir.path(), &key(), &[&sent], Verdict::Unknown, &timeout);
        let replay = recent_attempt(dir.path(), &key(), &[&sent]).expect("replayed");
        assert_eq!(replay.kind, Kind::Unavailable);
        assert!(
            replay
                .to_string()
                .starts_with("no answer (met by a regards-token run")
        );

        let page = Error::new(Kind::NotRegards, "a web page");
        record_attempt(dir.path(), &key(), &[&sent], Verdict::Unknown, &page);
        let replay = recent_attempt(dir.path(), &key(), &[&sent]).expect("replayed");
        assert_eq!(replay.kind, Kind::NotRegards);

        // A marker naming a refusal code without a refusal verdict is not
        // turned into a refusal.
        let odd = Error::new(Kind::Refused, "odd");
        record_attempt(dir.path(), &key(), &[&sent], Verdict::Unknown, &odd);
        let replay = recent_attempt(dir.path(), &key(), &[&sent]).expect("replayed");
        assert_eq!(replay.kind, Kind::Unavailable);
    }

    #[test]
    fn an_attempt_that_never_reached_the_server_leaves_no_marker() {
        let dir = tempfile::tempdir().unwrap();
        let sent = Secret::new("pw".to_string());
        let refused = Error::new(Kind::Unavailable, "connection refused");
        record_attempt(dir.path(), &key(), &[&sent], Verdict::NotJudged, &refused);
        assert!(!marker_path(dir.path(), &key()).exists());
        assert!(recent_attempt(dir.path(), &key(), &[&sent]).is_none());
    }

    /// Rewrites the marker's time to `age` ago.
    fn age_marker(dir: &Path, age: Duration) {
        let path = marker_path(dir, &key());
        let mut marker: Marker = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        marker.at = unix(SystemTime::now() - age);
        std::fs::write(&path, serde_json::to_vec(&marker).unwrap()).unwrap();
    }

    #[test]
    fn markers_expire_and_are_removed_when_seen() {
        let sent = Secret::new("pw".to_string());
        let cases = [
            (Verdict::Refused, Kind::Refused, REFUSAL_MEMORY),
            (Verdict::Unknown, Kind::Unavailable, NO_VERDICT_MEMORY),
        ];
        for (verdict, kind, memory) in cases {
            let dir = tempfile::tempdir().unwrap();
            let error = Error::new(kind, "failed");
            record_attempt(dir.path(), &key(), &[&sent], verdict, &error);

            age_marker(dir.path(), memory - Duration::from_secs(5));
            assert!(
                recent_attempt(dir.path(), &key(), &[&sent]).is_some(),
                "{verdict:?}: a marker younger than its lifetime is replayed"
            );
            age_marker(dir.path(), memory + Duration::from_secs(5));
            assert!(
                recent_attempt(dir.path(), &key(), &[&sent]).is_none(),
                "{verdict:?}: an older one is ignored"
            );
            assert!(
                !marker_path(dir.path(), &key()).exists(),
                "{verdict:?}: and removed"
            );
        }
        assert!(NO_VERDICT_MEMORY < REFUSAL_MEMORY);
    }

    #[test]
    fn an_unreadable_marker_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = marker_path(dir.path(), &key());
        std::fs::write(&path, b"{not json").unwrap();
        let sent = Secret::new("pw".to_string());
        assert!(recent_attempt(dir.path(), &key(), &[&sent]).is_none());
        assert!(!path.exists());
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
