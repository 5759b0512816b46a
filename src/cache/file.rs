//! The file store: one file per cache entry under the cache folder. Used
//! when no keyring is reachable (`auto`) or when asked for (`file`).

use std::path::PathBuf;

use super::entry::MAX_ENTRY_BYTES;
use super::fs;
use super::key::CacheKey;
use super::store::{Store, StoreError};

pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    pub fn new(dir: PathBuf) -> FileStore {
        FileStore { dir }
    }

    /// Where the entry of `key` is (or would be) kept.
    pub fn entry_path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.digest()))
    }
}

fn reason(err: anyhow::Error) -> StoreError {
    StoreError(format!("{err:#}"))
}

impl Store for FileStore {
    fn name(&self) -> &'static str {
        "file"
    }

    fn get(&self, key: &CacheKey) -> Result<Option<Vec<u8>>, StoreError> {
        fs::read_optional(&self.entry_path(key), MAX_ENTRY_BYTES as u64).map_err(reason)
    }

    fn set(&self, key: &CacheKey, value: &[u8]) -> Result<(), StoreError> {
        fs::write_atomic(&self.entry_path(key), value).map_err(reason)
    }

    fn delete(&self, key: &CacheKey) -> Result<bool, StoreError> {
        fs::remove_optional(&self.entry_path(key)).map_err(reason)
    }
}
