//! `doctor`'s cache check. Reading an entry that does not exist proves
//! little: a keyring can answer that and still refuse every write. So the
//! check stores a test entry, reads it back and removes it, in the store
//! `get` would use, chosen by the same `Cache::open`, and words what fails
//! as `get` would.
//!
//! The test entry is no token and has a key of its own (`CacheKey::probe`),
//! never recorded in the index; it is removed whatever happened before.

use std::time::{SystemTime, UNIX_EPOCH};

use super::keyring::KeyringOptions;
use super::{Auto, Cache, CacheKey, notice};
use crate::cli::CacheMode;
use crate::settings::CachePaths;

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

        let value = probe_value();
        let stored = self.store.set(&self.key, &value);
        let read_back = stored.as_ref().ok().map(|()| self.read_back(&value));
        // Tried whatever happened: a write that failed may have left
        // something behind.
        let removed = self.store.delete(&self.key);

        match (stored, read_back) {
            (Err(err), _) if under_auto => in_files(format!("{} ({err})", notice::refused(tier))),
            (Err(err), _) => Probe::Broken(notice::store_failed(tier, &err).to_string()),
            (Ok(()), Some(Err(why))) => {
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
            (Ok(()), _) => match removed {
                Ok(_) => Probe::Works(tier),
                Err(err) => Probe::Degraded(format!(
                    "keyring: {tier}, but its test entry could not be removed ({err}): \
                     logout may fail the same way"
                )),
            },
        }
    }

    fn read_back(&self, value: &[u8]) -> Result<(), String> {
        match self.store.get(&self.key) {
            Ok(Some(bytes)) if bytes == value => Ok(()),
            Ok(Some(_)) => Err("the test entry came back changed".into()),
            Ok(None) => Err("the test entry was not kept".into()),
            Err(err) => Err(err.to_string()),
        }
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
#[path = "probe_tests.rs"]
mod tests;
