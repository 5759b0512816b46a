//! Remembered passwords (`regards-token login`): an account's password
//! kept in a keyring tier, so that `get` renews tokens without asking.
//!
//! Never in a file: with no keyring, nothing is remembered. Each password
//! has an entry of its own, which no token key can name (see `entry_key`),
//! and its own index (`passwords.json`, no secret in it), so that listing
//! or clearing tokens never touches a password by accident, and `get`
//! opens a keyring for a password only when the index says one is there.
//!
//! A remembered password the server refuses is never sent again: the run
//! that saw the refusal overwrites it in the keyring with the refusal, for
//! every project of the account (for one project, when the refusal is of
//! that project's access), so that later runs fail at once (exit 3) until
//! `login` is run again. One sent without a verdict is held back
//! (see `held`).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::entry::{from_unix, unix};
use super::index::{IndexFile, Keyed};
use super::key::CacheKey;
use super::keyring::{self, KeyringOptions, Skipped, plain_name};
use super::probe;
use super::store::Store;
use crate::cache::CachePaths;
use crate::error::{Error, Kind};
use crate::secret::Secret;
use crate::{verbose, warning};

/// What an entry holds: the password after this line, or the refusal
/// that disabled it.
const PASSWORD: &[u8] = b"password\n";
const DISABLED: &[u8] = b"disabled\n";
/// A refusal is one line of server text; more is not kept.
const MAX_WHY_CHARS: usize = 300;

/// One remembered password, as the index lists it: no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordRecord {
    /// The account, keyed like its tokens.
    #[serde(flatten)]
    pub key: CacheKey,
    /// The keyring tier that holds it.
    pub store: String,
    pub remembered_at: u64,
    /// When the server refused it; it is then no longer sent.
    pub disabled_at: Option<u64>,
    /// What the server said then (server text: shown sanitized).
    #[serde(default)]
    pub refusal: Option<String>,
    /// Logins in a row sent with it unattended that got no verdict (a
    /// timeout, a 504): the server may have judged each (see `held`).
    #[serde(default)]
    pub unproven: u32,
    /// Until when it is not sent again, after such a login.
    #[serde(default)]
    pub held_until: Option<u64>,
}

impl Keyed for PasswordRecord {
    fn key(&self) -> &CacheKey {
        &self.key
    }
}

/// Opens a keyring tier by name: `keyring::open_named`, or a test's store.
type Opener<'a> = &'a dyn Fn(&str) -> Result<Box<dyn Store>, Skipped>;

/// What `recall` found for an account.
pub enum Recalled {
    Password {
        password: Secret<String>,
        store: &'static str,
    },
    /// Refused by the server: not to be sent again.
    Disabled { at: Option<SystemTime>, why: String },
    /// Sent lately without a verdict: not sent again until `until`, or
    /// until `login` when `None`.
    Held {
        until: Option<SystemTime>,
        unproven: u32,
    },
}

/// The index of remembered passwords.
pub fn index(paths: &CachePaths) -> IndexFile<PasswordRecord> {
    IndexFile::named(&paths.cache_dir, &paths.lock_dir, "passwords")
}

/// The keyring entry of `account`'s password. A token's key has a
/// normalized `http(s)://` URL as its host, so no token key is ever this.
fn entry_key(account: &CacheKey) -> CacheKey {
    CacheKey {
        host: format!("password {}", account.host),
        ..account.clone()
    }
}

/// The first keyring tier that can keep, give back and remove an entry,
/// to remember a password in; exit 6 when there is none, before
/// anything is sent. A tier that answers a read can still refuse writes,
/// or keep what it cannot remove (the kernel keyring in a process without
/// a session keyring of its own did): so each is tried with a test entry
/// first, and a password is never written where it might stay for good.
pub fn open_store(opts: &KeyringOptions) -> anyhow::Result<Box<dyn Store>> {
    open_store_with(&|name| keyring::open_named(opts, name), keyring::tiers())
}

fn open_store_with(open: Opener, tiers: &[&'static str]) -> anyhow::Result<Box<dyn Store>> {
    let mut reasons = Vec::new();
    for &tier in tiers {
        match open(tier) {
            Ok(store) => match probe::round_trip(store.as_ref(), &CacheKey::login_probe()) {
                Ok(()) => return Ok(store),
                // "the kernel keyring could not remove a test entry: ..."
                Err(failed) => reasons.push(format!("{} {failed}", plain_name(tier))),
            },
            Err(why) => reasons.push(why.plain()),
        }
    }
    let reasons = if reasons.is_empty() {
        "this system has none this tool can use".to_string()
    } else {
        reasons.join(", ")
    };
    Err(Error::new(
        Kind::KeyringUnavailable,
        format!("no keyring to remember the password in ({reasons})"),
    )
    .with_hint(
        "a password is remembered in a keyring only, never in a file: start or unlock \
         one, or give the password each time (--password-file, REGARDS_PASSWORD)",
    )
    .into())
}

/// Keeps `password` for `account` in `store`, and lists it. Either both
/// happen or neither: a password the index does not list would never be
/// used, nor forgotten by `logout`.
///
/// An account has one password on the server, whatever the project or the
/// client id: the passwords remembered for its other projects are replaced
/// by this one too (and are no longer disabled or held back). A stale one
/// left there would be sent unattended, refused, and would disable this
/// one with it. One that cannot be replaced is forgotten.
pub fn remember(
    store: &dyn Store,
    opts: &KeyringOptions,
    paths: &CachePaths,
    account: &CacheKey,
    password: &Secret<String>,
) -> anyhow::Result<()> {
    remember_with(
        store,
        &|name| keyring::open_named(opts, name),
        paths,
        account,
        password,
    )
}

fn remember_with(
    store: &dyn Store,
    open: Opener,
    paths: &CachePaths,
    account: &CacheKey,
    password: &Secret<String>,
) -> anyhow::Result<()> {
    let mut value = Zeroizing::new(Vec::with_capacity(PASSWORD.len() + password.expose().len()));
    value.extend_from_slice(PASSWORD);
    value.extend_from_slice(password.expose().as_bytes());
    let key = entry_key(account);
    store.set(&key, &value).map_err(|err| {
        Error::new(
            Kind::KeyringUnavailable,
            format!(
                "{} did not keep the password: {err}",
                plain_name(store.name())
            ),
        )
        .with_hint("unlock the keyring and run 'regards-token login' again")
    })?;
    let index = index(paths);
    let mut kept = vec![account.clone()];
    let mut lost = Vec::new();
    let others = index
        .records()
        .into_iter()
        .filter(|r| r.key.same_account(account) && r.key != *account);
    for other in others {
        let other_key = entry_key(&other.key);
        if other.store != store.name()
            && let Ok(old) = open(&other.store)
        {
            let _ = old.delete(&other_key);
        }
        match store.set(&other_key, &value) {
            Ok(()) => kept.push(other.key),
            Err(err) => {
                warning!(
                    "the password remembered for {} could not be replaced, so it is forgotten: {err}",
                    other.key.scope
                );
                let _ = store.delete(&other_key);
                lost.push(other.key);
            }
        }
    }
    let now = unix(SystemTime::now());
    let listed = index.update(|entries| {
        entries.retain(|e| !kept.contains(&e.key) && !lost.contains(&e.key));
        entries.extend(kept.iter().map(|key| PasswordRecord {
            key: key.clone(),
            store: store.name().to_string(),
            remembered_at: now,
            disabled_at: None,
            refusal: None,
            unproven: 0,
            held_until: None,
        }));
    });
    if let Err(err) = listed {
        let _ = store.delete(&key);
        return Err(err.context("cannot list the remembered password, so it was not kept"));
    }
    Ok(())
}

/// The remembered password of `account`, if the index lists one. Opens a
/// keyring only then. A password that cannot be read is said, and `None`:
/// the other sources (the prompt) are used instead.
pub fn recall(opts: &KeyringOptions, paths: &CachePaths, account: &CacheKey) -> Option<Recalled> {
    recall_with(&|name| keyring::open_named(opts, name), paths, account)
}

fn recall_with(open: Opener, paths: &CachePaths, account: &CacheKey) -> Option<Recalled> {
    let record = index(paths)
        .records()
        .into_iter()
        .find(|r| r.key == *account)?;
    if let Some(at) = record.disabled_at {
        return Some(Recalled::Disabled {
            at: from_unix(at),
            why: record.refusal.unwrap_or_default(),
        });
    }
    if let Some(until) = held_until(&record, SystemTime::now()) {
        return Some(Recalled::Held {
            until,
            unproven: record.unproven,
        });
    }
    let store = match open(&record.store) {
        Ok(store) => store,
        Err(skipped) => {
            warning!(
                "the remembered password cannot be read: {}",
                skipped.plain()
            );
            return None;
        }
    };
    let value = match store.get(&entry_key(account)) {
        Ok(Some(value)) => Zeroizing::new(value),
        Ok(None) => {
            // The kernel keyring is emptied at logout and reboot.
            verbose!(
                1,
                "the remembered password is no longer in {}",
                plain_name(store.name())
            );
            return None;
        }
        Err(err) => {
            warning!("the remembered password cannot be read: {err}");
            return None;
        }
    };
    if let Some(why) = value.strip_prefix(DISABLED) {
        return Some(Recalled::Disabled {
            at: None,
            why: String::from_utf8_lossy(why).into_owned(),
        });
    }
    let text = value
        .strip_prefix(PASSWORD)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())?;
    Some(Recalled::Password {
        password: Secret::new(text.to_string()),
        store: store.name(),
    })
}

/// How long a tier keeps what it holds, for `login` to say.
pub fn lifetime(store: &str) -> &'static str {
    match store {
        "keyutils" => "until this machine restarts or three days pass unused",
        "secret-service" => "in your login keyring, until you forget it",
        "keychain" => "in your login keychain, until you forget it",
        // The Credential Manager among them: `login` names the store
        // before this ("in the Windows Credential Manager, until ...").
        _ => "until you forget it",
    }
}

mod ending;
mod held;
pub use ending::{disable, forget};
#[cfg(test)]
use ending::{disable_with, forget_with};
pub use held::{Sending, held_now, proven, sending, until as held_until};

#[cfg(test)]
mod tests;
