//! No second try of a password the server refused, or may have judged
//! without saying, by the runs queued behind the one that sent it.
//!
//! REGARDS counts wrong passwords per account and locks it after a few.
//! So before a run sends a login it leaves a marker next to the account's
//! lock: a salted hash of the client id, client secret and password (never
//! the secrets), saying "sent, no verdict yet". The answer replaces it:
//! a success removes it, a refusal is kept for a minute, an attempt that
//! may have been judged without a verdict (a timeout, a 504, an answer
//! that is not REGARDS') for half a minute, and an attempt the server
//! provably did not judge removes it. A run killed while it waits for the
//! answer leaves the "sent" marker, which holds back the same secrets for
//! as long as that attempt could have lasted, and half a minute more.
//!
//! A run with the same secrets meets the marker under the lock and fails
//! with the error the first run met, without sending them. Failing to
//! write the "sent" marker, or to read one, stops the login: without it,
//! every waiter could send the same wrong password.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cache::CacheKey;
use crate::cache::entry::unix;
use crate::cache::fs;
use crate::error::{Error, Kind, sanitize_long};
use crate::regards::{LoginFailed, MAX_TIMEOUT, Verdict};
use crate::secret::Secret;
use crate::verbose;

/// How long a refusal holds back the same secrets: every waiter, and a
/// quick re-run of a failed CI job.
pub const REFUSAL_MEMORY: Duration = Duration::from_secs(60);
/// How long an attempt without a verdict holds them back: the runs queued
/// behind it, since the next one may well succeed.
pub const NO_VERDICT_MEMORY: Duration = Duration::from_secs(30);
/// No marker holds anything back longer than this, whatever it says (a
/// tampered file, a clock set back): the longest attempt (twice the
/// largest `--timeout`) and a minute.
const MAX_MEMORY: Duration = Duration::from_secs(2 * MAX_TIMEOUT.as_secs() + 60);
/// A marker holds a few entries, each a hash, an error message (server
/// text in it capped at a few hundred characters) and a hint.
const MAX_MARKER_BYTES: u64 = 64 * 1024;
/// Entries kept per account: the secrets tried at once for one account.
const MAX_ENTRIES: usize = 8;

/// What a run is about to send, or sent: the hash covers the client id,
/// the client secret and the password, so that a wrong client secret does
/// not hold back the right one, and another password goes through.
pub struct Login<'a> {
    pub scope: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a Secret<String>,
    pub password: &'a Secret<String>,
}

/// What a run left for the ones behind it: one entry of an account's
/// marker file, which holds one per set of secrets tried lately, so that
/// a login with other secrets (the right password, say) does not erase
/// what a wrong one met.
#[derive(Serialize, Deserialize)]
struct Marker {
    /// Unix seconds: when it was written, and until when it holds back.
    at: u64,
    until: u64,
    /// `sent` (no answer yet), `refused`, or `unknown` (an answer or a
    /// failure that may come after the password was checked).
    verdict: String,
    /// Set when the failure concerns this project only (no access to it):
    /// it then holds back logins to this project only.
    scope: Option<String>,
    salt: String,
    hash: String,
    /// The exit code's kind, so a replay exits as the original run did.
    exit_code: u8,
    message: String,
    hint: Option<String>,
}

/// The markers of one account (host and login): the lock is taken per
/// account too, since that is what the server counts failures against.
pub struct Markers {
    path: PathBuf,
}

impl Markers {
    pub fn of(dir: &Path, key: &CacheKey) -> Markers {
        Markers {
            path: dir.join(format!("{}.attempt", key.account_digest())),
        }
    }

    /// Fails with the error a run met lately with these same secrets, or
    /// when the marker cannot be read (that must not let them through).
    pub fn check(&self, login: &Login) -> Result<(), Error> {
        let now = SystemTime::now();
        let entries = self
            .read()
            .map_err(|err| unusable("cannot read", &self.path, &err))?;
        let found = entries.iter().find_map(|entry| {
            let same_project = entry.scope.as_deref().is_none_or(|s| s == login.scope);
            let left = time_left(entry, now)?;
            (same_project && entry.sent_by(login)).then_some((entry, left))
        });
        match found {
            Some((entry, left)) => Err(replay(entry, left)),
            None => {
                if !entries.is_empty() && entries.iter().all(|e| time_left(e, now).is_none()) {
                    verbose!(1, "removing an expired login marker");
                    let _ = fs::remove_optional(&self.path);
                }
                Ok(())
            }
        }
    }

    /// Records that `login` is about to be sent and may last `bound`; a
    /// run killed before the answer leaves this behind.
    pub fn sending(&self, login: &Login, bound: Duration) -> Result<(), Error> {
        let message = "a regards-token run sent this password and ended without an answer \
                       (it may have been interrupted); the server may have checked it";
        let error = Error::new(Kind::Unavailable, message).with_hint(
            "each failed login counts towards locking the account; check the password, then try again",
        );
        let entry = Marker::new(login, "sent", None, bound + NO_VERDICT_MEMORY, &error);
        self.replace(login, Some(entry))
            .map_err(|err| unusable("cannot write", &self.path, &err))
    }

    /// Records how the login ended. An attempt the server provably did not
    /// judge leaves nothing, so the next run may send it (with
    /// `--request-style query`, say, as a 415's hint suggests).
    pub fn failed(&self, login: &Login, failed: &LoginFailed) {
        let (verdict, memory) = match failed.verdict {
            Verdict::NotJudged => return self.succeeded(login),
            Verdict::Refused => ("refused", REFUSAL_MEMORY),
            Verdict::Unknown => ("unknown", NO_VERDICT_MEMORY),
        };
        let scope = failed.scoped.then_some(login.scope);
        let entry = Marker::new(login, verdict, scope, memory, &failed.error);
        if let Err(err) = self.replace(login, Some(entry)) {
            // The "sent" entry stays, and holds back as well.
            verbose!(1, "cannot record how the login ended: {err:#}");
        }
    }

    /// Forgets this login's attempt: it succeeded, or was not judged. What
    /// other secrets met stays: they were not shown right.
    pub fn succeeded(&self, login: &Login) {
        if let Err(err) = self.replace(login, None) {
            verbose!(1, "cannot update the login marker: {err:#}");
        }
    }

    /// Forgets every attempt of the account, for `logout`.
    pub fn clear(&self) {
        if let Err(err) = fs::remove_optional(&self.path) {
            verbose!(1, "cannot remove the login marker: {err:#}");
        }
    }

    /// The entries on file; an unreadable file counts as none, and is
    /// replaced by the next write.
    fn read(&self) -> anyhow::Result<Vec<Marker>> {
        let Some(bytes) = fs::read_optional(&self.path, MAX_MARKER_BYTES)? else {
            return Ok(Vec::new());
        };
        Ok(serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            verbose!(1, "ignoring an unreadable login marker");
            Vec::new()
        }))
    }

    /// Drops `login`'s entry and the expired ones, then adds `entry`. A
    /// file with no entry left is removed.
    fn replace(&self, login: &Login, entry: Option<Marker>) -> anyhow::Result<()> {
        let now = SystemTime::now();
        let mut entries: Vec<Marker> = self
            .read()
            .unwrap_or_default()
            .into_iter()
            .filter(|old| time_left(old, now).is_some() && !old.sent_by(login))
            .collect();
        entries.extend(entry);
        // The newest few: enough for the passwords of one account that
        // are tried at once, and a bound on the file.
        let keep = entries.len().saturating_sub(MAX_ENTRIES);
        entries.drain(..keep);
        if entries.is_empty() {
            fs::remove_optional(&self.path)?;
            return Ok(());
        }
        // SAFETY-style note: structs of strings and integers always serialize.
        let bytes = serde_json::to_vec(&entries).expect("plain structs serialize");
        fs::write_atomic_unsynced(&self.path, &bytes)
    }
}

impl Marker {
    fn new(
        login: &Login,
        verdict: &str,
        scope: Option<&str>,
        memory: Duration,
        error: &Error,
    ) -> Marker {
        let salt: String = (0..16)
            .map(|_| format!("{:02x}", fastrand::u8(..)))
            .collect();
        let now = unix(SystemTime::now());
        Marker {
            at: now,
            until: now.saturating_add(memory.as_secs()),
            verdict: verdict.into(),
            scope: scope.map(str::to_string),
            hash: hash(&salt, login),
            salt,
            exit_code: error.kind.exit_code(),
            message: error.to_string(),
            hint: error.hint().map(str::to_string),
        }
    }

    /// Whether this entry is about the secrets `login` holds.
    fn sent_by(&self, login: &Login) -> bool {
        hash(&self.salt, login) == self.hash
    }
}

/// Removes the markers in `dir` that hold nothing back any more, so that
/// a failed login's hash does not outlive its use.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.extension().is_none_or(|ext| ext != "attempt") {
            continue;
        }
        let expired = match fs::read_optional(&path, MAX_MARKER_BYTES) {
            Ok(Some(bytes)) => serde_json::from_slice::<Vec<Marker>>(&bytes)
                .map_or(true, |entries| {
                    entries.iter().all(|e| time_left(e, now).is_none())
                }),
            _ => false,
        };
        if expired {
            let _ = fs::remove_optional(&path);
        }
    }
}

/// Removes every account's marker in `dir`, for `logout --all`.
pub fn forget_all(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.extension().is_some_and(|ext| ext == "attempt") {
            let _ = fs::remove_optional(&path);
        }
    }
}

/// How long `marker` still holds back, `None` once it is over. A clock set
/// back counts from when the marker was written, and no marker holds back
/// longer than `MAX_MEMORY`.
fn time_left(marker: &Marker, now: SystemTime) -> Option<Duration> {
    let now = unix(now).max(marker.at);
    let lifetime = marker.until.saturating_sub(marker.at);
    let left = marker.until.saturating_sub(now).min(lifetime);
    let left = Duration::from_secs(left).min(MAX_MEMORY);
    (!left.is_zero()).then_some(left)
}

fn replay(marker: &Marker, left: Duration) -> Error {
    let kind = match marker.verdict.as_str() {
        "refused" => Kind::Refused,
        // The first run's kind (a timeout is 4, a web page 5); never 3,
        // since no refusal was seen, and 4 for a code this build does not know.
        _ => Kind::from_exit_code(marker.exit_code)
            .filter(|kind| *kind != Kind::Refused)
            .unwrap_or(Kind::Unavailable),
    };
    let age = unix(SystemTime::now()).saturating_sub(marker.at);
    // The marker's text is the tool's own, but its file may have been
    // edited: escaped like server text before it reaches the terminal.
    let message = format!(
        "{} (met by a regards-token run {age}s ago; the same password is not sent again for {}s)",
        sanitize_long(&marker.message),
        left.as_secs().max(1)
    );
    let error = Error::new(kind, message);
    match &marker.hint {
        Some(hint) => error.with_hint(sanitize_long(hint)),
        None => error,
    }
}

fn unusable(doing: &str, path: &Path, err: &anyhow::Error) -> Error {
    Error::usage(format!(
        "{doing} the login marker {}: {err:#}",
        path.display()
    ))
    .with_hint(
        "the marker keeps parallel runs from each sending the same password; \
         free some space, or point XDG_RUNTIME_DIR at a private folder this user can write",
    )
}

/// A salted digest of what was sent. Length-prefixed parts, so no two
/// different sequences hash alike.
fn hash(salt: &str, login: &Login) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    for part in [
        login.client_id,
        login.client_secret.expose(),
        login.password.expose(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests;
