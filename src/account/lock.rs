//! One login at a time per account.
//!
//! Fifty CI jobs starting at once must send one login, not fifty: the first
//! takes the account's lock, logs in and stores the token; the others wait,
//! then find the token in the cache, or the marker of a failed login (see
//! `marker`). The lock is per account (host and login), not per project:
//! the server counts failed logins per account. It is an OS file lock, so
//! a holder killed by SIGKILL releases it with its file descriptors. It
//! protects the account, not the cache: it is taken in every cache mode.

use std::path::Path;
use std::time::Duration;

use crate::cache::CacheKey;
use crate::cache::fs::{self, Guard};

/// The default of `--lock-timeout`.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest `--lock-timeout`: waiting for another run's login, which
/// is itself bounded by `--timeout`.
pub const MAX_LOCK_TIMEOUT: Duration = Duration::from_secs(3600);

/// Waits at most `timeout` for the lock of `key`'s account.
pub fn acquire(dir: &Path, key: &CacheKey, timeout: Duration) -> anyhow::Result<Guard> {
    let path = dir.join(format!("{}.lock", key.account_digest()));
    fs::lock(&path, timeout)
}

/// `--lock-timeout`, at most `MAX_LOCK_TIMEOUT`.
pub fn parse_lock_timeout(text: &str) -> Result<Duration, String> {
    crate::duration::at_most(crate::duration::parse(text)?, MAX_LOCK_TIMEOUT, "60s or 5m")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, Kind};

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

    #[test]
    fn the_lock_timeout_has_an_upper_bound() {
        assert_eq!(parse_lock_timeout("1h"), Ok(MAX_LOCK_TIMEOUT));
        assert!(parse_lock_timeout("1h 1s").is_err());
        for huge in ["584000000000y", "584942417355y", "99999999999999999999999s"] {
            assert!(parse_lock_timeout(huge).is_err(), "{huge}");
        }
    }
}
