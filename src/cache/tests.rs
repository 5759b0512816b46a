//! The cache's choices between its store and its fallback, with stores
//! made to fail on purpose.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::secret::Secret;

/// A store in memory, whose `entries` a test can keep a handle on.
#[derive(Default)]
pub(super) struct Memory {
    pub(super) name: &'static str,
    pub(super) entries: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    pub(super) refuse_writes: bool,
    pub(super) refuse_reads: bool,
    pub(super) refuse_deletes: bool,
}

impl Memory {
    pub(super) fn named(name: &'static str) -> Memory {
        Memory {
            name,
            ..Memory::default()
        }
    }
}

impl Store for Memory {
    fn name(&self) -> &'static str {
        self.name
    }
    fn get(&self, key: &CacheKey) -> Result<Option<Vec<u8>>, StoreError> {
        if self.refuse_reads {
            return Err(StoreError("locked".into()));
        }
        Ok(self.entries.lock().unwrap().get(&key.account()).cloned())
    }
    fn set(&self, key: &CacheKey, value: &[u8]) -> Result<(), StoreError> {
        if self.refuse_writes {
            return Err(StoreError("prompt dismissed".into()));
        }
        self.entries
            .lock()
            .unwrap()
            .insert(key.account(), value.to_vec());
        Ok(())
    }
    fn delete(&self, key: &CacheKey) -> Result<bool, StoreError> {
        if self.refuse_deletes {
            return Err(StoreError("collection is locked".into()));
        }
        Ok(self
            .entries
            .lock()
            .unwrap()
            .remove(&key.account())
            .is_some())
    }
}

fn key() -> CacheKey {
    CacheKey {
        host: "https://h".into(),
        scope: "p".into(),
        username: "u".into(),
        client_id: "client".into(),
    }
}

fn token(value: &str) -> Token {
    Token {
        value: Secret::new(value.into()),
        received_at: UNIX_EPOCH + Duration::from_secs(10),
        expires_at: UNIX_EPOCH + Duration::from_secs(4_000_000_000),
        role: Some("ADMIN".into()),
        tenant: None,
        email: None,
    }
}

fn cache(store: Memory, fallback: Option<Memory>, dir: &std::path::Path) -> Cache {
    Cache::with_stores(
        Box::new(store),
        fallback.map(|f| Box::new(f) as Box<dyn Store>),
        None,
        key(),
        IndexFile::new(dir, dir),
    )
}

#[test]
fn a_refused_write_goes_to_the_fallback_and_is_found_there() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Memory {
        refuse_writes: true,
        ..Memory::named("secret-service")
    };
    let mut cache = cache(keyring, Some(Memory::named("file")), dir.path());
    assert_eq!(cache.write(&token("a.b.c")), Ok("file"));
    assert_eq!(cache.read().unwrap().value.expose(), "a.b.c");
    let records = IndexFile::new(dir.path(), dir.path()).records();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].store, "file");
}

#[test]
fn without_a_fallback_a_refused_write_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Memory {
        refuse_writes: true,
        ..Memory::named("keyutils")
    };
    let cache = cache(keyring, None, dir.path());
    assert_eq!(
        cache.write(&token("a.b.c")),
        Err(StoreError("prompt dismissed".into()))
    );
    assert!(IndexFile::new(dir.path(), dir.path()).records().is_empty());
}

#[test]
fn the_store_wins_over_the_fallback_and_failures_are_misses() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Memory::named("keyutils");
    keyring
        .set(&key(), &entry::encode(&token("from.keyring"), &key()))
        .unwrap();
    let file = Memory::named("file");
    file.set(&key(), &entry::encode(&token("from.file"), &key()))
        .unwrap();
    let mut both = cache(keyring, Some(file), dir.path());
    assert_eq!(both.read().unwrap().value.expose(), "from.keyring");

    let broken = Memory {
        refuse_reads: true,
        ..Memory::named("secret-service")
    };
    let mut cache = cache(broken, None, dir.path());
    assert!(cache.read().is_none(), "a failing store is a miss");
}

#[test]
fn the_first_read_is_used_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut cache = Cache::with_stores(
        Box::new(Memory::named("keyutils")),
        None,
        Some(Some(entry::encode(&token("probed"), &key()))),
        key(),
        IndexFile::new(dir.path(), dir.path()),
    );
    assert_eq!(cache.read().unwrap().value.expose(), "probed");
    assert!(cache.read().is_none(), "then the store itself is asked");
}

fn holding(store: Memory, value: &str) -> Box<dyn Store> {
    store
        .set(&key(), &entry::encode(&token(value), &key()))
        .unwrap();
    Box::new(store)
}

#[test]
fn removal_takes_the_key_out_of_every_store() {
    // The index says "file", but a failed keyring write left a copy in
    // keyutils: both go.
    let stores = vec![
        Box::new(Memory::named("secret-service")) as Box<dyn Store>,
        holding(Memory::named("keyutils"), "left.behind"),
        holding(Memory::named("file"), "a.b.c"),
    ];
    let removal = remove_everywhere(&stores, &[], &key(), "file");
    assert_eq!(
        removal,
        Removal {
            removed_from: vec!["keyutils", "file"],
            ..Removal::default()
        }
    );
    for store in &stores {
        assert_eq!(store.get(&key()), Ok(None), "{}", store.name());
    }
    assert_eq!(
        remove_everywhere(&stores, &[], &key(), "file"),
        Removal::default(),
        "nothing left, nothing failed"
    );
}

#[test]
fn removal_fails_only_where_the_token_may_still_be() {
    let locked = Memory {
        refuse_deletes: true,
        ..Memory::named("secret-service")
    };
    let stores = vec![
        holding(locked, "a.b.c"),
        holding(Memory::named("file"), "a.b.c"),
    ];
    let removal = remove_everywhere(&stores, &[], &key(), "secret-service");
    assert_eq!(removal.removed_from, vec!["file"]);
    assert_eq!(
        removal.failed,
        vec![(
            "secret-service".to_string(),
            "collection is locked".to_string()
        )]
    );

    // A store the index does not name is passed over when it fails: the
    // token was kept elsewhere.
    let locked = Memory {
        refuse_deletes: true,
        ..Memory::named("keyutils")
    };
    let stores = vec![
        holding(locked, "a.b.c"),
        holding(Memory::named("file"), "a.b.c"),
    ];
    let removal = remove_everywhere(&stores, &[], &key(), "file");
    assert_eq!(
        removal,
        Removal {
            removed_from: vec!["file"],
            failed: vec![],
            passed_over: vec![("keyutils".to_string(), "collection is locked".to_string())],
        }
    );

    // A tier that did not answer is passed over, unless the index says
    // the token is there.
    let unreachable = vec![Skipped {
        tier: "keyutils",
        cause: keyring::Cause::Absent,
        reason: "no session keyring".into(),
    }];
    let stores = vec![holding(Memory::named("file"), "a.b.c")];
    let removal = remove_everywhere(&stores, &unreachable, &key(), "file");
    assert_eq!(removal.removed_from, vec!["file"]);
    assert!(removal.failed.is_empty());
    let stores = vec![holding(Memory::named("file"), "a.b.c")];
    let removal = remove_everywhere(&stores, &unreachable, &key(), "keyutils");
    assert_eq!(removal.removed_from, vec!["file"]);
    assert_eq!(
        removal.failed,
        vec![("keyutils".to_string(), "no session keyring".to_string())]
    );
    let removal = remove_everywhere(&stores, &unreachable, &key(), "keychain");
    assert_eq!(
        removal.failed,
        vec![(
            "keychain".to_string(),
            "not available on this system".to_string()
        )]
    );
}
