//! `doctor`'s check against stores made to fail on purpose: what it says
//! is what `get` would say, and the test entry never stays behind.

use std::path::Path;

use super::*;
use crate::cache::keyring::{Cause, Skipped};
use crate::cache::tests::Memory;
use crate::cache::{Cache, IndexFile};

/// A cache on `store` as `--cache keyring` (`auto: false`) or `--cache
/// auto` with a keyring opens it.
fn cache(store: Memory, auto: bool, dir: &Path) -> Cache {
    let mut cache = Cache::with_stores(
        Box::new(store),
        None,
        None,
        CacheKey::probe(),
        IndexFile::new(dir, dir),
    );
    if auto {
        cache.auto = Some(Auto {
            file_entry: dir.join("tokens/0123.json"),
            no_keyring: None,
        });
    }
    cache
}

#[test]
fn a_working_keyring_keeps_gives_back_and_loses_the_test_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = Memory::named("keyutils");
    let entries = store.entries.clone();
    assert_eq!(
        cache(store, false, dir.path()).probe(),
        Probe::Works("keyutils")
    );
    assert!(entries.lock().unwrap().is_empty(), "nothing left");
    assert!(
        IndexFile::new(dir.path(), dir.path()).records().is_empty(),
        "the test entry is not a cached token"
    );
}

#[test]
fn a_keyring_that_refuses_writes_is_named_as_get_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let refusing = || Memory {
        refuse_writes: true,
        ..Memory::named("keyutils")
    };
    // The error `get --cache keyring` exits 6 with.
    assert_eq!(
        cache(refusing(), false, dir.path()).probe(),
        Probe::Broken("cannot store the token in the keyring (keyutils): prompt dismissed".into())
    );
    // The words of `get`'s warning, with the reason.
    assert_eq!(
        cache(refusing(), true, dir.path()).probe(),
        Probe::Degraded(format!(
            "the kernel keyring refused the write (prompt dismissed), so get keeps \
             tokens in private files under {}",
            dir.path().join("tokens").display()
        ))
    );
}

#[test]
fn an_entry_that_cannot_be_read_back_is_still_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Memory {
        refuse_reads: true,
        ..Memory::named("secret-service")
    };
    let entries = store.entries.clone();
    let Probe::Broken(what) = cache(store, false, dir.path()).probe() else {
        panic!("a keyring that cannot read is broken under --cache keyring");
    };
    assert_eq!(
        what,
        "cannot read the cache (secret-service): locked; a token stored there \
         would not be found, and every get would log in"
    );
    assert!(entries.lock().unwrap().is_empty(), "removed all the same");
}

#[test]
fn a_test_entry_that_stays_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let store = Memory {
        refuse_deletes: true,
        ..Memory::named("keyutils")
    };
    assert_eq!(
        cache(store, false, dir.path()).probe(),
        Probe::Degraded(
            "keyring: keyutils, but its test entry could not be removed (collection \
             is locked): logout may fail the same way"
                .into()
        )
    );
}

#[test]
fn without_a_keyring_auto_says_where_tokens_go_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = Memory::named("file");
    let entries = file.entries.clone();
    let mut files = cache(file, true, dir.path());
    files.auto = Some(Auto {
        file_entry: dir.path().join("tokens/0123.json"),
        no_keyring: Some(vec![Skipped {
            tier: "keyutils",
            cause: Cause::Refused,
            reason: "keyring not accessible: AccessDenied".into(),
        }]),
    });
    assert_eq!(
        files.probe(),
        Probe::Degraded(format!(
            "no system keyring is usable (the kernel keyring refused access), so get \
             keeps tokens in private files under {}",
            dir.path().join("tokens").display()
        ))
    );
    assert!(entries.lock().unwrap().is_empty());
}

/// A store that keeps nothing and gives back what it held before: an
/// earlier run's test entry, say.
struct Stale(Vec<u8>);

impl Store for Stale {
    fn name(&self) -> &'static str {
        "keyutils"
    }
    fn get(&self, _: &CacheKey) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(Some(self.0.clone()))
    }
    fn set(&self, _: &CacheKey, _: &[u8]) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete(&self, _: &CacheKey) -> Result<bool, StoreError> {
        Ok(true)
    }
}

#[test]
fn an_earlier_test_entry_given_back_is_no_proof() {
    // Each run's test entry is its own, and not empty: a store that
    // ignores writes cannot pass by giving back an earlier one.
    let earlier = probe_value();
    assert!(earlier.len() > 16);
    assert_eq!(
        round_trip(&Stale(earlier), &CacheKey::probe()),
        Err(Failed::ReadBack("the test entry came back changed".into()))
    );
    assert_eq!(
        Failed::ReadBack("the test entry came back changed".into()).to_string(),
        "did not give a test entry back (the test entry came back changed)"
    );
}
