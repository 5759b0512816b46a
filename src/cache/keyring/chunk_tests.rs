//! The chunking used for the Windows tier, against the mock store behind a
//! fake that refuses long secrets as the Windows credential manager does.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialStore, Entry, Error, mock};

use super::tests::{backend, key};
use super::*;
use crate::cache::key::SERVICE;

/// Refuses secrets over `limit` bytes, as the Windows credential manager does.
struct Limited {
    inner: Arc<mock::Store>,
    limit: usize,
    /// Writes to an account ending with this fail, as a keyring can
    /// midway through the chunks of one value.
    fail_on: Option<&'static str>,
}

struct LimitedCred {
    inner: Entry,
    limit: usize,
    fails: bool,
}

impl CredentialStoreApi for Limited {
    fn vendor(&self) -> String {
        "size-limited mock".into()
    }
    fn id(&self) -> String {
        self.inner.id()
    }
    fn build(
        &self,
        service: &str,
        user: &str,
        mods: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        let inner = self.inner.build(service, user, mods)?;
        let cred: Arc<Credential> = Arc::new(LimitedCred {
            inner,
            limit: self.limit,
            fails: self.fail_on.is_some_and(|suffix| user.ends_with(suffix)),
        });
        Ok(Entry::new_with_credential(cred))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl CredentialApi for LimitedCred {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        if secret.len() > self.limit {
            return Err(Error::TooLong("secret".into(), self.limit as u32));
        }
        if self.fails {
            return Err(Error::PlatformFailure("the keyring broke".into()));
        }
        self.inner.set_secret(secret)
    }
    fn get_secret(&self) -> keyring_core::Result<Vec<u8>> {
        self.inner.get_secret()
    }
    fn delete_credential(&self) -> keyring_core::Result<()> {
        self.inner.delete_credential()
    }
    fn get_credential(&self) -> keyring_core::Result<Option<Arc<Credential>>> {
        Ok(None)
    }
    fn get_specifiers(&self) -> Option<(String, String)> {
        self.inner.get_specifiers()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn chunked_store(mock: &Arc<mock::Store>) -> BoundedStore {
    failing_chunked_store(mock, None)
}

fn failing_chunked_store(mock: &Arc<mock::Store>, fail_on: Option<&'static str>) -> BoundedStore {
    let limited: Arc<CredentialStore> = Arc::new(Limited {
        inner: mock.clone(),
        limit: WINDOWS_SECRET_LIMIT,
        fail_on,
    });
    let (store, _) = open_backend(
        backend(limited, Some(WINDOWS_SECRET_LIMIT)),
        Duration::from_secs(5),
        None,
    )
    .expect("the mock answers");
    store
}

fn raw(mock: &mock::Store, account: String) -> Option<Vec<u8>> {
    let entry = mock.build(SERVICE, &account, None).expect("a mock entry");
    entry.get_secret().ok()
}

#[test]
fn the_size_limit_is_real_without_chunks() {
    let mock = mock::Store::new().expect("a mock store");
    let limited: Arc<CredentialStore> = Arc::new(Limited {
        inner: mock,
        limit: WINDOWS_SECRET_LIMIT,
        fail_on: None,
    });
    let (store, _) = open_backend(backend(limited, None), Duration::from_secs(5), None)
        .expect("the mock answers");
    let err = store.set(&key("a"), &[b'x'; 6000]).expect_err("too long");
    assert_eq!(
        err.0,
        "the secret is longer than the keyring's limit of 2560"
    );
}

#[test]
fn long_values_are_split_and_joined() {
    let mock = mock::Store::new().expect("a mock store");
    let store = chunked_store(&mock);
    let value: Vec<u8> = (0..6000u32).map(|i| (i % 251) as u8).collect();
    store.set(&key("a"), &value).expect("set in chunks");
    assert_eq!(store.get(&key("a")), Ok(Some(value.clone())));
    let account = key("a").account();
    assert!(raw(&mock, format!("{account}#2")).is_some());
    assert!(raw(&mock, format!("{account}#3")).is_none());
    store.set(&key("a"), b"short").expect("set in one chunk");
    assert_eq!(store.get(&key("a")), Ok(Some(b"short".to_vec())));
    assert_eq!(
        raw(&mock, format!("{account}#1")),
        None,
        "stale chunk removed"
    );
    assert_eq!(
        raw(&mock, format!("{account}#2")),
        None,
        "stale chunk removed"
    );
    assert_eq!(store.delete(&key("a")), Ok(true));
    assert_eq!(store.get(&key("a")), Ok(None));
    assert_eq!(store.delete(&key("a")), Ok(false));
}

#[test]
fn a_missing_or_foreign_chunk_reads_as_no_entry() {
    let mock = mock::Store::new().expect("a mock store");
    let store = chunked_store(&mock);
    store.set(&key("a"), &[7u8; 6000]).expect("set in chunks");
    let account = key("a").account();
    let middle = mock
        .build(SERVICE, &format!("{account}#1"), None)
        .expect("entry");
    middle.delete_credential().expect("a chunk to remove");
    assert_eq!(store.get(&key("a")), Ok(None));
    store.set(&key("a"), &[7u8; 6000]).expect("set again");
    middle
        .set_secret(b"short")
        .expect("a chunk of another value");
    assert_eq!(store.get(&key("a")), Ok(None));
    let head = mock.build(SERVICE, &account, None).expect("entry");
    head.set_secret(b"not ours").expect("a foreign value");
    assert_eq!(store.get(&key("a")), Ok(None));
    assert_eq!(store.delete(&key("a")), Ok(true));
}

#[test]
fn a_chunked_write_that_fails_midway_leaves_no_chunk() {
    let mock = mock::Store::new().expect("a mock store");
    let account = key("a").account();
    let chunks = |mock: &mock::Store| -> Vec<usize> {
        (0..5)
            .filter(|&i| {
                let name = if i == 0 {
                    account.clone()
                } else {
                    format!("{account}#{i}")
                };
                raw(mock, name).is_some()
            })
            .collect()
    };
    // Chunks 3 and 2 are written, then chunk 1 fails.
    let failing = failing_chunked_store(&mock, Some("#1"));
    let err = failing.set(&key("a"), &[7u8; 9000]).expect_err("fails");
    assert_eq!(err.0, "keyring failure: the keyring broke");
    assert_eq!(chunks(&mock), Vec::<usize>::new(), "no orphan chunk");

    // Over an older value: neither is left, so no mix of the two is read.
    chunked_store(&mock)
        .set(&key("a"), &[1u8; 6000])
        .expect("set in chunks");
    assert_eq!(chunks(&mock), vec![0, 1, 2]);
    failing
        .set(&key("a"), &[7u8; 9000])
        .expect_err("fails again");
    assert_eq!(chunks(&mock), Vec::<usize>::new());
    assert_eq!(failing.get(&key("a")), Ok(None));
}
