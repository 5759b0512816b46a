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
//! that saw the refusal overwrites it in the keyring with the refusal, so
//! that later runs fail at once (exit 3) until `login` is run again.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::entry::{from_unix, unix};
use super::index::{IndexFile, Keyed};
use super::key::CacheKey;
use super::keyring::{self, KeyringOptions, Skipped, plain_name};
use super::store::Store;
use crate::error::{Error, Kind};
use crate::secret::Secret;
use crate::settings::CachePaths;
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

/// The first keyring tier that answers, to remember `account`'s password
/// in; exit 6 when there is none, before anything is sent.
pub fn open_store(opts: &KeyringOptions, account: &CacheKey) -> anyhow::Result<Box<dyn Store>> {
    match keyring::open(opts, &entry_key(account)) {
        Ok((store, _)) => Ok(store),
        Err(skipped) => {
            let reasons: Vec<String> = skipped.iter().map(|s| s.plain()).collect();
            Err(Error::new(
                Kind::KeyringUnavailable,
                format!(
                    "no keyring to remember the password in ({})",
                    reasons.join(", ")
                ),
            )
            .with_hint(
                "a password is remembered in a keyring only, never in a file: start or unlock \
                 one, or give the password each time (--password-file, REGARDS_PASSWORD)",
            )
            .into())
        }
    }
}

/// Keeps `password` for `account` in `store`, and lists it. Either both
/// happen or neither: a password the index does not list would never be
/// used, nor forgotten by `logout`.
pub fn remember(
    store: &dyn Store,
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
    let record = PasswordRecord {
        key: account.clone(),
        store: store.name().to_string(),
        remembered_at: unix(SystemTime::now()),
        disabled_at: None,
        refusal: None,
    };
    if let Err(err) = index(paths).upsert(record) {
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

/// The server refused `account`'s remembered password: it is replaced, in
/// its keyring, by the refusal (`why`), and listed as disabled, so that no
/// run sends it again. If the keyring cannot be written, the entry is
/// removed; the index says disabled either way.
pub fn disable(opts: &KeyringOptions, paths: &CachePaths, account: &CacheKey, why: &str) {
    disable_with(&|name| keyring::open_named(opts, name), paths, account, why);
}

fn disable_with(open: Opener, paths: &CachePaths, account: &CacheKey, why: &str) {
    let index = index(paths);
    let Some(mut record) = index.records().into_iter().find(|r| r.key == *account) else {
        return;
    };
    let why: String = why.chars().take(MAX_WHY_CHARS).collect();
    let mut value = DISABLED.to_vec();
    value.extend_from_slice(why.as_bytes());
    let value = value;
    let key = entry_key(account);
    match open(&record.store) {
        Ok(store) => {
            if let Err(err) = store.set(&key, &value) {
                verbose!(1, "cannot mark the remembered password refused: {err}");
                if let Err(err) = store.delete(&key) {
                    warning!("cannot remove the refused remembered password: {err}");
                }
            }
        }
        Err(skipped) => warning!(
            "cannot remove the refused remembered password: {}",
            skipped.plain()
        ),
    }
    record.disabled_at = Some(unix(SystemTime::now()));
    record.refusal = Some(why);
    if let Err(err) = index.upsert(record) {
        warning!("cannot mark the remembered password refused: {err:#}");
    }
}

/// Forgets the remembered passwords `select` picks, from their keyrings
/// and the index. Returns each one's account and, on failure, why.
pub fn forget(
    opts: &KeyringOptions,
    paths: &CachePaths,
    select: impl Fn(&CacheKey) -> bool,
) -> Vec<(PasswordRecord, Result<(), String>)> {
    forget_with(&|name| keyring::open_named(opts, name), paths, select)
}

fn forget_with(
    open: Opener,
    paths: &CachePaths,
    select: impl Fn(&CacheKey) -> bool,
) -> Vec<(PasswordRecord, Result<(), String>)> {
    let index = index(paths);
    let mut outcomes = Vec::new();
    for record in index.records().into_iter().filter(|r| select(&r.key)) {
        let outcome = match open(&record.store) {
            Ok(store) => store
                .delete(&entry_key(&record.key))
                .map(|_| ())
                .map_err(|err| err.0),
            Err(skipped) => Err(skipped.plain()),
        };
        outcomes.push((record, outcome));
    }
    let gone: Vec<&CacheKey> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(record, _)| &record.key)
        .collect();
    if let Err(err) = index.remove(|r| gone.contains(&&r.key)) {
        warning!("cannot update the list of remembered passwords: {err:#}");
    }
    outcomes
}

/// How long a tier keeps what it holds, for `login` to say.
pub fn lifetime(store: &str) -> &'static str {
    match store {
        "keyutils" => "until you log out of this machine or it restarts",
        "secret-service" => "in your login keyring, until you forget it",
        "keychain" => "in your login keychain, until you forget it",
        // `login` names the store before this: "in the Windows Credential
        // Manager, until you forget it".
        "windows" => "until you forget it",
        _ => "until you forget it",
    }
}

#[cfg(test)]
#[path = "remembered_tests.rs"]
mod tests;
