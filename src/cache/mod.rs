//! The token cache: where tokens are kept between runs, and how one is
//! chosen.
//!
//! `auto` tries the system keyring tiers in order (each probed with a
//! deadline, so a keyring that hangs never hangs the tool) and falls back to
//! private files: never a store that silently keeps nothing. The fallback
//! is said when a token is stored in a file, one warning in plain words
//! (`-v` gives each keyring's reason); a cache hit says nothing, since
//! a warning on every run would teach people to ignore it. `keyring` fails
//! with exit code 6 instead of falling back.
//! The cache speeds things up; outside `--cache keyring` it is never the
//! reason a command fails.

pub mod entry;
mod file;
pub mod fs;
pub mod index;
pub mod key;
pub mod keyring;
mod notice;
mod probe;
pub mod remembered;
pub mod store;

pub use key::CacheKey;
pub use notice::store_failed;
pub use probe::{Probe, probe};
pub use store::{Store, StoreError};

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use crate::token::Token;
use crate::{verbose, warning};

use file::FileStore;
use index::{IndexFile, Record};
use keyring::{KeyringOptions, Skipped};

/// The default of `--min-ttl`: the margin a cached token must have left.
pub const DEFAULT_MIN_TTL: Duration = Duration::from_secs(5 * 60);
/// The longest `--min-ttl`: REGARDS tokens last hours to 30 days, so a
/// year already means "always log in". (humantime's year, 365.25 days, so
/// that it reads `1year`.)
pub const MAX_MIN_TTL: Duration = Duration::from_secs(31_557_600);

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CacheMode {
    /// The system keyring if one answers, else a private file (with a warning)
    Auto,
    /// The system keyring, or fail with exit code 6
    Keyring,
    /// A private file under the user's cache folder
    File,
    /// Keep nothing: log in every time
    None,
}

/// Where the cache keeps its files.
#[derive(Clone, Debug)]
pub struct CachePaths {
    /// Token files (for the file store) and the index.
    pub cache_dir: PathBuf,
    /// Lock files and failed-login markers: a per-user runtime folder when
    /// there is one (cleared at logout, on a RAM disk), else the cache.
    pub lock_dir: PathBuf,
}

/// `--min-ttl`, `REGARDS_TOKEN_MIN_TTL` and the config's `min_ttl`, at
/// most `MAX_MIN_TTL`; zero means any unexpired token.
pub fn parse_min_ttl(text: &str) -> Result<Duration, String> {
    crate::duration::at_most(
        crate::duration::parse_or_zero(text)?,
        MAX_MIN_TTL,
        "5m or 1h",
    )
}

pub struct Cache {
    store: Box<dyn Store>,
    /// Under `auto` with a keyring: the file store, read when the keyring
    /// has no entry and written when the keyring refuses to store (a locked
    /// keyring can answer a read and still refuse a write).
    fallback: Option<Box<dyn Store>>,
    key: CacheKey,
    /// What opening the store already read, so a hit costs one read.
    first_read: Option<Option<Vec<u8>>>,
    index: IndexFile,
    /// Under `auto`: what the warning says when a token is kept in a file.
    auto: Option<Auto>,
}

struct Auto {
    /// The file store's entry for the key.
    file_entry: PathBuf,
    /// Why no keyring is used at all; `None` when one is.
    no_keyring: Option<Vec<Skipped>>,
}

impl Cache {
    /// The store `mode` asks for; `None` for `--cache none`.
    pub fn open(
        mode: CacheMode,
        paths: &CachePaths,
        keyring: &KeyringOptions,
        key: CacheKey,
    ) -> anyhow::Result<Option<Cache>> {
        let mut fallback: Option<Box<dyn Store>> = None;
        let mut no_keyring = None;
        let (store, first_read): (Box<dyn Store>, _) = match mode {
            CacheMode::None => return Ok(None),
            CacheMode::File => (Box::new(file_store(paths)), None),
            CacheMode::Keyring => match keyring::open(keyring, &key) {
                Ok((store, read)) => (store, Some(read)),
                Err(skipped) => return Err(notice::keyring_unavailable(&skipped).into()),
            },
            CacheMode::Auto => match keyring::open(keyring, &key) {
                Ok((store, read)) => {
                    fallback = Some(Box::new(file_store(paths)));
                    (store, Some(read))
                }
                Err(skipped) => {
                    verbose!(1, "no usable keyring ({})", notice::reasons(&skipped));
                    no_keyring = Some(skipped);
                    (Box::new(file_store(paths)), None)
                }
            },
        };
        verbose!(1, "token cache: {}", store.name());
        let auto = (mode == CacheMode::Auto).then(|| Auto {
            file_entry: file_store(paths).entry_path(&key),
            no_keyring,
        });
        let index = IndexFile::new(&paths.cache_dir, &paths.lock_dir);
        let mut cache = Cache::with_stores(store, fallback, first_read, key, index);
        cache.auto = auto;
        Ok(Some(cache))
    }

    fn with_stores(
        store: Box<dyn Store>,
        fallback: Option<Box<dyn Store>>,
        first_read: Option<Option<Vec<u8>>>,
        key: CacheKey,
        index: IndexFile,
    ) -> Cache {
        Cache {
            store,
            fallback,
            key,
            first_read,
            index,
            auto: None,
        }
    }

    pub fn store_name(&self) -> &'static str {
        self.store.name()
    }

    /// The cached token, if there is a readable one. A corrupt entry or a
    /// failing store is a miss, never an error.
    pub fn read(&mut self) -> Option<Token> {
        let primary = match self.first_read.take() {
            Some(read) => read,
            None => get_logged(self.store.as_ref(), &self.key),
        };
        let (bytes, from) = match (primary, &self.fallback) {
            (Some(bytes), _) => (bytes, self.store.name()),
            (None, Some(fallback)) => (get_logged(fallback.as_ref(), &self.key)?, fallback.name()),
            (None, None) => return None,
        };
        match entry::decode(&bytes, &self.key) {
            Ok(token) => Some(token),
            Err(why) => {
                verbose!(1, "ignoring the cached entry ({from}): {why}");
                None
            }
        }
    }

    /// Stores `token` (in the fallback when the store refuses) and records
    /// it in the index. Returns the name of the store that kept it. Under
    /// `auto`, a token kept in a file is announced, every time: each is a
    /// new secret on disk, and logins are hours apart.
    pub fn write(&self, token: &Token) -> Result<&'static str, StoreError> {
        let bytes = entry::encode(token, &self.key);
        let kept_by = match (self.store.set(&self.key, &bytes), &self.fallback) {
            (Ok(()), _) => {
                if let Some(Auto {
                    file_entry,
                    no_keyring: Some(skipped),
                }) = &self.auto
                {
                    warning!(
                        "{}",
                        notice::kept_in_file(&notice::no_keyring(skipped), file_entry)
                    );
                    crate::diag::hint(notice::CHOOSE_FILES);
                }
                self.store.name()
            }
            (Err(err), Some(fallback)) => {
                verbose!(
                    1,
                    "cannot store the token in the keyring ({}): {err}",
                    self.store.name()
                );
                fallback.set(&self.key, &bytes)?;
                if let Some(auto) = &self.auto {
                    let why = notice::refused(self.store.name());
                    warning!("{}", notice::kept_in_file(&why, &auto.file_entry));
                    crate::diag::hint(notice::CHOOSE_FILES);
                }
                fallback.name()
            }
            (Err(err), None) => return Err(err),
        };
        if let Err(err) = self.index.upsert(Record::new(&self.key, kept_by, token)) {
            // The token is cached; only `status` will not show it.
            verbose!(1, "cannot update the cache index: {err:#}");
        }
        Ok(kept_by)
    }
}

fn get_logged(store: &dyn Store, key: &CacheKey) -> Option<Vec<u8>> {
    store.get(key).unwrap_or_else(|err| {
        verbose!(1, "cannot read the cache ({}): {err}", store.name());
        None
    })
}

/// Every store a token may be kept in, for `logout`: each keyring tier of
/// this system that answers, then the file store; with the reason of each
/// tier that did not answer.
pub fn open_all(
    paths: &CachePaths,
    keyring: &KeyringOptions,
) -> (Vec<Box<dyn Store>>, Vec<Skipped>) {
    let (mut stores, unreachable) = keyring::open_all(keyring);
    stores.push(Box::new(file_store(paths)));
    (stores, unreachable)
}

/// What removing one key from every store did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Removal {
    /// The stores that held an entry for the key and no longer do.
    pub removed_from: Vec<&'static str>,
    /// The stores that may still hold the token, with why: the one the
    /// index names, when it failed or could not be reached.
    pub failed: Vec<(String, String)>,
    /// Other stores that failed, with why: passed over (`-v` says so).
    pub passed_over: Vec<(String, String)>,
}

/// Removes `key` from each of `stores`, which `open_all` opened. A token
/// is stored in one place, but a store whose write failed half-way, or an
/// earlier token kept elsewhere, can leave an entry in another: so every
/// store is asked. `recorded`, the store the index names, surely held the
/// token: a failure there, or its absence from `stores`, is a failure. A
/// failure anywhere else is passed over, for the caller to say: that
/// store was not where the token went, and a keyring that refuses a
/// process everything must not make `logout` fail forever for a token
/// kept in a file.
pub fn remove_everywhere(
    stores: &[Box<dyn Store>],
    unreachable: &[Skipped],
    key: &CacheKey,
    recorded: &str,
) -> Removal {
    let mut removal = Removal::default();
    for store in stores {
        match store.delete(key) {
            Ok(true) => removal.removed_from.push(store.name()),
            Ok(false) => {}
            Err(err) if store.name() == recorded => {
                removal.failed.push((store.name().to_string(), err.0));
            }
            Err(err) => removal.passed_over.push((store.name().to_string(), err.0)),
        }
    }
    if !stores.iter().any(|s| s.name() == recorded) {
        let why = unreachable.iter().find(|s| s.tier == recorded).map_or_else(
            || "not available on this system".to_string(),
            |s| s.reason.clone(),
        );
        removal.failed.push((recorded.to_string(), why));
    }
    removal
}

fn file_store(paths: &CachePaths) -> FileStore {
    FileStore::new(paths.cache_dir.join("tokens"))
}

#[cfg(test)]
mod tests;
