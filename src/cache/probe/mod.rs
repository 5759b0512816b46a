//! `doctor`'s cache check. Reading an entry that does not exist proves
//! little: a keyring can answer that and still refuse every write. So the
//! check stores a test entry, reads it back and removes it, in the store
//! `get` would use, chosen by the same `Cache::open`, and words what fails
//! as `get` would.
//!
//! The test entry is no token and has a key of its own (`CacheKey::probe`),
//! never recorded in the index; it is removed whatever happened before.
//! `login` makes the same round trip in the keyring it will keep the
//! password in, before the password is sent.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::keyring::KeyringOptions;
use super::{Auto, Cache, CacheKey, Store, StoreError, notice};
use super::{CacheMode, CachePaths};

/// What the check found about the store `get` would use.
#[derive(Debug, PartialEq, Eq)]
pub enum Probe {
    /// This keyring tier kept, gave back and removed the test entry.
    Works(&'static str),
    /// `get` works, not as well as it could: what it would say.
    Degraded(String),
    /// `get` would fail (`--cache keyring`), or its cache would not keep
    /// tokens.
    Broken(String),
}

/// Checks the store `mode` selects; `None` for `--cache none` and
/// `--cache file`, where no keyring is involved.
pub fn probe(mode: CacheMode, paths: &CachePaths, keyring: &KeyringOptions) -> Option<Probe> {
    if mode == CacheMode::File {
        return None;
    }
    match Cache::open(mode, paths, keyring, CacheKey::probe()) {
        Ok(cache) => cache.map(|cache| cache.probe()),
        Err(err) => Some(Probe::Broken(format!("{err:#}"))),
    }
}

impl Cache {
    fn probe(&self) -> Probe {
        let tier = self.store.name();
        let under_auto = self.auto.is_some();
        let in_files = |why: String| {
            let dir = self.auto.as_ref().and_then(|a| a.file_entry.parent());
            let dir = dir.map_or_else(String::new, |d| format!(" under {}", d.display()));
            Probe::Degraded(format!("{why}, so get keeps tokens in private files{dir}"))
        };
        if let Some(Auto {
            no_keyring: Some(skipped),
            ..
        }) = &self.auto
        {
            return in_files(notice::no_keyring(skipped));
        }

        match round_trip(self.store.as_ref(), &self.key) {
            Ok(()) => Probe::Works(tier),
            Err(Failed::Store(err)) if under_auto => {
                in_files(format!("{} ({err})", notice::refused(tier)))
            }
            Err(Failed::Store(err)) => Probe::Broken(notice::store_failed(tier, &err).to_string()),
            Err(Failed::ReadBack(why)) => {
                let what = format!(
                    "cannot read the cache ({tier}): {why}; a token stored there \
                     would not be found, and every get would log in"
                );
                if under_auto {
                    Probe::Degraded(what)
                } else {
                    Probe::Broken(what)
                }
            }
            Err(Failed::Remove(err)) => Probe::Degraded(format!(
                "keyring: {tier}, but its test entry could not be removed ({err}): \
                 logout may fail the same way"
            )),
        }
    }
}

/// The step of a round trip that failed.
#[derive(Debug, PartialEq, Eq)]
pub enum Failed {
    Store(StoreError),
    ReadBack(String),
    Remove(StoreError),
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failed::Store(err) => write!(f, "refused to store a test entry ({err})"),
            Failed::ReadBack(why) => write!(f, "did not give a test entry back ({why})"),
            Failed::Remove(err) => write!(f, "could not remove a test entry ({err})"),
        }
    }
}

/// Stores a test entry under `key` (a `CacheKey::probe()` or `login_probe()`:
/// no real entry's), reads it back and removes it: whether `store` can
/// keep, give back and forget an entry. Reading an entry that does not
/// exist proves little: a keyring can answer that and refuse every write,
/// or keep what it cannot remove. The removal is tried whatever happened
/// before: a write that failed may have left something behind.
pub fn round_trip(store: &dyn Store, key: &CacheKey) -> Result<(), Failed> {
    let value = probe_value();
    let stored = store.set(key, &value);
    let read_back = stored.as_ref().ok().map(|()| read_back(store, key, &value));
    let removed = store.delete(key);
    match (stored, read_back, removed) {
        (Err(err), _, _) => Err(Failed::Store(err)),
        (Ok(()), Some(Err(why)), _) => Err(Failed::ReadBack(why)),
        (Ok(()), _, Err(err)) => Err(Failed::Remove(err)),
        (Ok(()), _, Ok(true)) => Ok(()),
        (Ok(()), _, Ok(false)) => Err(Failed::Remove(StoreError(
            "the test entry was already gone".into(),
        ))),
    }
}

fn read_back(store: &dyn Store, key: &CacheKey, value: &[u8]) -> Result<(), String> {
    match store.get(key) {
        Ok(Some(bytes)) if bytes == value => Ok(()),
        Ok(Some(_)) => Err("the test entry came back changed".into()),
        Ok(None) => Err("the test entry was not kept".into()),
        Err(err) => Err(err.to_string()),
    }
}

/// Not a token, and different on every run, so that reading back an old
/// run's entry cannot pass for this one's.
fn probe_value() -> Vec<u8> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("regards-token doctor test entry {nanos}").into_bytes()
}

#[cfg(test)]
mod tests;
