//! A remembered password sent without a verdict is held back.
//!
//! A refusal disables a remembered password at once. A login that timed
//! out after it was sent, or got a 504, says nothing: the server may have
//! checked the password and counted a failure. A person at a terminal sees
//! the error and decides; a cron job does not, and every run would send
//! the same password again, each one a judged attempt. The failed-login
//! marker holds it back for half a minute only, which protects parallel
//! runs, not runs a minute apart.
//!
//! So every unattended send of a remembered password is recorded in its
//! index before it goes out, for the whole account (host and login: the
//! server counts failures per account, whatever the project), and held
//! back after it: 10 minutes after the first login without a verdict, 20
//! after the second, and after the third until a person runs `login`. A
//! login that succeeds clears this; one the server provably did not judge
//! puts back what was there. Recording first means that a run killed while
//! it waits for the answer holds back the next ones too. At most three
//! unproven attempts are sent unattended, fewer than the five failures
//! that lock a REGARDS account.

use std::time::{Duration, SystemTime};

use super::{PasswordRecord, index};
use crate::cache::CacheKey;
use crate::cache::CachePaths;
use crate::cache::entry::{from_unix, unix};
use crate::verbose;

/// How long the first login without a verdict holds the password back;
/// each next one doubles it.
const FIRST_HOLD: Duration = Duration::from_secs(10 * 60);
/// After this many logins in a row without a verdict, the password waits
/// for `login`.
pub const MAX_UNPROVEN: u32 = 3;

/// Whether `record` is held back at `now`: `Some(Some(t))` until `t`,
/// `Some(None)` until `login`.
pub fn until(record: &PasswordRecord, now: SystemTime) -> Option<Option<SystemTime>> {
    if record.unproven >= MAX_UNPROVEN {
        return Some(None);
    }
    let until = from_unix(record.held_until?)?;
    (until > now).then_some(Some(until))
}

/// How long the `n`th login in a row without a verdict holds the
/// password back, once its answer is in; `None` past the last one.
fn hold(n: u32) -> Option<Duration> {
    (n < MAX_UNPROVEN).then(|| FIRST_HOLD.saturating_mul(1 << n.saturating_sub(1).min(16)))
}

/// What `sending` changed, to put back if the server provably did not
/// judge the login.
#[must_use]
pub struct Sending {
    before: Vec<(CacheKey, u32, Option<u64>)>,
}

/// Records, before it goes out, that `account`'s remembered password is
/// being sent and may take `bound`: until a verdict, it is held back for
/// `bound` and the hold of one more login without a verdict. Failing to
/// record it stops the login.
pub fn sending(paths: &CachePaths, account: &CacheKey, bound: Duration) -> anyhow::Result<Sending> {
    let now = SystemTime::now();
    let mut before = Vec::new();
    index(paths).update(|entries| {
        let mine = |e: &&mut PasswordRecord| e.key.same_account(account);
        let n = entries
            .iter_mut()
            .filter(mine)
            .map(|e| e.unproven)
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let until = hold(n).map(|hold| unix(now + bound.saturating_add(hold)));
        for entry in entries.iter_mut().filter(mine) {
            before.push((entry.key.clone(), entry.unproven, entry.held_until));
            entry.unproven = n;
            entry.held_until = until;
        }
    })?;
    Ok(Sending { before })
}

impl Sending {
    /// The server provably did not judge the login: as if never sent.
    pub fn not_judged(self, paths: &CachePaths) {
        self.put_back(paths, |_| true);
    }

    /// The failure concerns `account`'s project only (no access to it, an
    /// unknown one): the other projects are as if it had not been sent.
    pub fn concerns_only(self, paths: &CachePaths, account: &CacheKey) {
        self.put_back(paths, |key| key.scope != account.scope);
    }

    fn put_back(self, paths: &CachePaths, which: impl Fn(&CacheKey) -> bool) {
        let update = index(paths).update(|entries| {
            for (key, unproven, held_until) in self.before {
                if !which(&key) {
                    continue;
                }
                if let Some(entry) = entries.iter_mut().find(|e| e.key == key) {
                    entry.unproven = unproven;
                    entry.held_until = held_until;
                }
            }
        });
        if let Err(err) = update {
            verbose!(1, "cannot update the list of remembered passwords: {err:#}");
        }
    }
}

/// Whether `account`'s remembered password is held back, from the index
/// alone: `Some(Some(t))` until `t`, `Some(None)` until `login`.
pub fn held_now(paths: &CachePaths, account: &CacheKey) -> Option<Option<SystemTime>> {
    let record = index(paths)
        .records()
        .into_iter()
        .find(|r| r.key == *account)?;
    until(&record, SystemTime::now())
}

/// A login with `account`'s remembered password succeeded: the account's
/// passwords are no longer held back.
pub fn proven(paths: &CachePaths, account: &CacheKey) {
    let update = index(paths).update(|entries| {
        for entry in entries.iter_mut().filter(|e| e.key.same_account(account)) {
            entry.unproven = 0;
            entry.held_until = None;
        }
    });
    if let Err(err) = update {
        verbose!(1, "cannot update the list of remembered passwords: {err:#}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_hold_doubles_and_the_last_waits_for_login() {
        assert_eq!(hold(1), Some(Duration::from_secs(600)));
        assert_eq!(hold(2), Some(Duration::from_secs(1200)));
        assert_eq!(hold(3), None);
        assert_eq!(hold(u32::MAX), None);
        assert_eq!(
            MAX_UNPROVEN, 3,
            "fewer than the five failures that lock an account"
        );
    }

    #[test]
    fn a_hold_ends_at_its_time() {
        let record = |unproven, held_until| PasswordRecord {
            key: CacheKey {
                host: "https://h.org".into(),
                scope: "p".into(),
                username: "u@h.org".into(),
                client_id: "client".into(),
            },
            store: "keyutils".into(),
            remembered_at: 1,
            disabled_at: None,
            refusal: None,
            unproven,
            held_until,
        };
        let at = |secs| from_unix(secs).unwrap();
        assert_eq!(until(&record(1, Some(100)), at(99)), Some(Some(at(100))));
        assert_eq!(
            until(&record(1, Some(100)), at(100)),
            None,
            "over at its time"
        );
        assert_eq!(until(&record(0, None), at(0)), None);
        assert_eq!(until(&record(2, None), at(0)), None);
        assert_eq!(
            until(&record(3, Some(100)), at(200)),
            Some(None),
            "until login"
        );
    }
}
