//! A small list of what is cached where, without any secret.
//!
//! Keyrings cannot list their entries portably (and listing can prompt), so
//! `status` and `logout` read this file instead. It is rewritten only when
//! a token is stored or removed, under its own lock, never on the path of a
//! cache hit.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::entry::{from_unix, unix};
use super::fs;
use super::key::CacheKey;
use crate::token::Token;

const VERSION: u32 = 1;
/// Index updates are quick; waiting longer means something is stuck.
const INDEX_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// A record is a few hundred bytes: room for thousands of cached tokens.
const MAX_INDEX_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    #[serde(flatten)]
    pub key: CacheKey,
    pub store: String,
    pub role: Option<String>,
    pub tenant: Option<String>,
    pub received_at: u64,
    pub expires_at: u64,
}

/// A record of an index: what it is about.
pub trait Keyed: Clone + Serialize + DeserializeOwned {
    fn key(&self) -> &CacheKey;
}

impl Keyed for Record {
    fn key(&self) -> &CacheKey {
        &self.key
    }
}

impl Record {
    pub fn new(key: &CacheKey, store: &str, token: &Token) -> Record {
        Record {
            key: key.clone(),
            store: store.to_string(),
            role: token.role.clone(),
            tenant: token.tenant.clone(),
            received_at: unix(token.received_at),
            expires_at: unix(token.expires_at),
        }
    }

    pub fn expires_at(&self) -> SystemTime {
        from_unix(self.expires_at).unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(bound = "R: Keyed")]
struct Index<R> {
    version: u32,
    entries: Vec<R>,
}

/// An index file of records of one kind: the cached tokens (`Record`), or
/// the remembered passwords, each in a file of its own so that listing or
/// clearing one kind never touches the other.
pub struct IndexFile<R = Record> {
    path: PathBuf,
    lock: PathBuf,
    kind: PhantomData<R>,
}

impl IndexFile<Record> {
    /// The index of cached tokens.
    pub fn new(cache_dir: &Path, lock_dir: &Path) -> IndexFile {
        IndexFile::named(cache_dir, lock_dir, "index")
    }
}

impl<R: Keyed> IndexFile<R> {
    /// The index `NAME.json` in `cache_dir`, locked by `NAME.lock`.
    pub fn named(cache_dir: &Path, lock_dir: &Path, name: &str) -> IndexFile<R> {
        IndexFile {
            path: cache_dir.join(format!("{name}.json")),
            lock: lock_dir.join(format!("{name}.lock")),
            kind: PhantomData,
        }
    }

    /// Every record, oldest first. A missing or unreadable index is empty:
    /// it is a convenience, rebuilt as tokens are stored.
    pub fn records(&self) -> Vec<R> {
        fs::read_optional(&self.path, MAX_INDEX_BYTES)
            .ok()
            .flatten()
            .and_then(|bytes| serde_json::from_slice::<Index<R>>(&bytes).ok())
            .filter(|index| index.version == VERSION)
            .map(|index| index.entries)
            .unwrap_or_default()
    }

    /// Adds or replaces the record of `record.key`.
    pub fn upsert(&self, record: R) -> anyhow::Result<()> {
        self.update(|entries| {
            entries.retain(|r| r.key() != record.key());
            entries.push(record);
        })
    }

    /// Removes the records `remove` selects.
    pub fn remove(&self, remove: impl Fn(&R) -> bool) -> anyhow::Result<()> {
        self.update(|entries| entries.retain(|r| !remove(r)))
    }

    /// Changes the records in place, under the index's lock.
    pub fn update(&self, change: impl FnOnce(&mut Vec<R>)) -> anyhow::Result<()> {
        let _guard = fs::lock(&self.lock, INDEX_LOCK_TIMEOUT)?;
        let mut entries = self.records();
        change(&mut entries);
        let index = Index {
            version: VERSION,
            entries,
        };
        // SAFETY-style note: records are strings and integers.
        let bytes = serde_json::to_vec_pretty(&index).expect("a plain struct serializes");
        fs::write_atomic(&self.path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(user: &str, store: &str) -> Record {
        Record {
            key: CacheKey {
                host: "https://h".into(),
                scope: "p".into(),
                username: user.into(),
                client_id: "client".into(),
            },
            store: store.into(),
            role: None,
            tenant: None,
            received_at: 1,
            expires_at: 2,
        }
    }

    #[test]
    fn upsert_replaces_and_remove_removes() {
        let dir = tempfile::tempdir().unwrap();
        let index = IndexFile::new(dir.path(), dir.path());
        assert!(index.records().is_empty());
        index.upsert(record("a", "file")).unwrap();
        index.upsert(record("b", "file")).unwrap();
        index.upsert(record("a", "keyutils")).unwrap();
        let records = index.records();
        assert_eq!(records, vec![record("b", "file"), record("a", "keyutils")]);
        index.remove(|r| r.key.username == "b").unwrap();
        assert_eq!(index.records(), vec![record("a", "keyutils")]);
    }

    #[test]
    fn a_corrupt_index_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.json"), "{garbage").unwrap();
        let index = IndexFile::new(dir.path(), dir.path());
        assert!(index.records().is_empty());
        index.upsert(record("a", "file")).unwrap();
        assert_eq!(index.records().len(), 1);
    }
}
