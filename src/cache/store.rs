//! What every place a token can be kept offers: read, write and remove the
//! bytes of one cache entry. The keyring tiers and the file store implement
//! it; the cache logic above never knows which one it talks to.

use std::fmt;

use super::key::CacheKey;

pub trait Store: Send + Sync {
    /// A stable, short name: `secret-service`, `keyutils`, `keychain`,
    /// `windows`, `file`. Shown to users and recorded in the index.
    fn name(&self) -> &'static str;

    /// The entry's bytes, `None` when there is no entry.
    fn get(&self, key: &CacheKey) -> Result<Option<Vec<u8>>, StoreError>;

    /// Creates or replaces the entry.
    fn set(&self, key: &CacheKey, value: &[u8]) -> Result<(), StoreError>;

    /// Removes the entry; `Ok(false)` when there was none.
    fn delete(&self, key: &CacheKey) -> Result<bool, StoreError>;
}

/// Why a store failed, in words fit for a warning line. It never holds the
/// stored bytes: some keyring errors carry them, and they are the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}
