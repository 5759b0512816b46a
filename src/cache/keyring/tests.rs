//! The tiers' common machinery against keyring-core's mock store and a
//! fake keyring that never answers, like one waiting for a password.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use std::sync::atomic::{AtomicUsize, Ordering};

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialStore, Entry, Error, mock};

use super::*;
use crate::cache::key::SERVICE;

const SECRET: &str = "eyJSECRET-TOKEN-BYTES";

pub(super) fn key(username: &str) -> CacheKey {
    CacheKey {
        host: "https://h.org".into(),
        scope: "p1".into(),
        username: username.into(),
        client_id: "client".into(),
    }
}

pub(super) fn backend(store: Arc<CredentialStore>, chunk_limit: Option<usize>) -> Backend {
    Backend {
        tier: "test",
        connect: Box::new(move || Ok(store)),
        chunk_limit,
    }
}

fn open_mock(
    mock: &Arc<mock::Store>,
    probe: &CacheKey,
) -> Result<(BoundedStore, Option<Vec<u8>>), Skipped> {
    let store: Arc<CredentialStore> = mock.clone();
    open_backend(
        backend(store, None),
        Duration::from_secs(5),
        Some(probe.account()),
    )
}

fn inject(mock: &mock::Store, key: &CacheKey, err: Error) {
    let entry = mock
        .build(SERVICE, &key.account(), None)
        .expect("a mock entry");
    let cred: &mock::Cred = entry.as_any().downcast_ref().expect("a mock credential");
    cred.set_error(err);
}

#[test]
fn values_round_trip_and_missing_entries_are_none() {
    let mock = mock::Store::new().expect("a mock store");
    let (store, found) = open_mock(&mock, &key("a")).expect("the mock answers");
    assert_eq!(found, None);
    assert_eq!(store.name(), "test");
    store.set(&key("a"), b"token one").expect("set");
    assert_eq!(store.get(&key("a")), Ok(Some(b"token one".to_vec())));
    assert_eq!(store.get(&key("b")), Ok(None));
    store.set(&key("a"), b"token two").expect("overwrite");
    let (_, found) = open_mock(&mock, &key("a")).expect("the mock answers");
    assert_eq!(
        found,
        Some(b"token two".to_vec()),
        "the probe reads the entry"
    );
    assert_eq!(store.delete(&key("a")), Ok(true));
    assert_eq!(store.delete(&key("a")), Ok(false));
    assert_eq!(store.get(&key("a")), Ok(None));
}

#[test]
fn errors_carrying_the_secret_never_show_it() {
    let mock = mock::Store::new().expect("a mock store");
    let (store, _) = open_mock(&mock, &key("a")).expect("the mock answers");
    let secret_bytes = || SECRET.as_bytes().to_vec();
    let platform = || -> keyring_core::error::PlatformError { SECRET.into() };
    inject(&mock, &key("a"), Error::BadEncoding(secret_bytes()));
    let err = store.get(&key("a")).expect_err("injected");
    assert_eq!(err.0, "the stored entry is not valid text");
    inject(
        &mock,
        &key("a"),
        Error::BadDataFormat(secret_bytes(), platform()),
    );
    let err = store.get(&key("a")).expect_err("injected");
    assert!(!err.0.contains("SECRET"), "{err}");
    inject(&mock, &key("a"), Error::BadEncoding(secret_bytes()));
    let why = open_mock(&mock, &key("a")).err().expect("the probe fails");
    assert!(!why.reason.contains("SECRET"), "{why:?}");
}

#[test]
fn other_errors_become_short_reasons() {
    let mock = mock::Store::new().expect("a mock store");
    let (store, _) = open_mock(&mock, &key("a")).expect("the mock answers");
    inject(
        &mock,
        &key("a"),
        Error::NoStorageAccess("collection is locked".into()),
    );
    assert_eq!(
        store.set(&key("a"), b"t").expect_err("injected").0,
        "keyring not accessible: collection is locked"
    );
    let twins = vec![
        mock.build(SERVICE, "x", None).expect("entry"),
        mock.build(SERVICE, "y", None).expect("entry"),
    ];
    inject(&mock, &key("a"), Error::Ambiguous(twins));
    assert_eq!(
        store.delete(&key("a")).expect_err("injected").0,
        "several matching keyring items (2)"
    );
    inject(
        &mock,
        &key("a"),
        Error::PlatformFailure("D-Bus said no".into()),
    );
    assert_eq!(
        open_mock(&mock, &key("a")).err(),
        Some(Skipped {
            tier: "test",
            cause: Cause::Failed,
            reason: "keyring failure: D-Bus said no".to_string()
        })
    );
}

/// A keyring that never answers in time, like one waiting for a password.
#[derive(Debug)]
struct Silent;

impl CredentialStoreApi for Silent {
    fn vendor(&self) -> String {
        "silent".into()
    }
    fn id(&self) -> String {
        "silent".into()
    }
    fn build(
        &self,
        _: &str,
        _: &str,
        _: Option<&HashMap<&str, &str>>,
    ) -> keyring_core::Result<Entry> {
        thread::sleep(Duration::from_secs(5));
        Err(Error::NoEntry)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn a_silent_keyring_is_given_up_at_the_deadline() {
    let deadline = Duration::from_millis(200);
    let start = Instant::now();
    let why = open_backend(backend(Arc::new(Silent), None), deadline, Some("a".into()))
        .err()
        .expect("no answer");
    assert_eq!(
        why.reason,
        "no answer within 200ms (a locked keyring waiting for a password?)"
    );
    assert_eq!(why.cause, Cause::Silent);
    assert_eq!(why.plain(), "test did not answer in time");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );

    let (store, _) = open_backend(backend(Arc::new(Silent), None), deadline, None)
        .expect("connecting alone answers");
    let start = Instant::now();
    let err = store.get(&key("a")).expect_err("no answer");
    assert!(err.0.starts_with("no answer within 200ms"), "{err}");
    assert!(
        store
            .set(&key("a"), b"t")
            .expect_err("stuck")
            .0
            .starts_with("gave up")
    );
    assert!(store.delete(&key("a")).is_err());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_silent_connection_is_given_up_at_the_deadline() {
    let slow = Backend {
        tier: "test",
        connect: Box::new(|| {
            thread::sleep(Duration::from_secs(5));
            Err(Error::NoEntry)
        }),
        chunk_limit: None,
    };
    let start = Instant::now();
    let why = open_backend(slow, Duration::from_millis(200), None)
        .err()
        .expect("no answer");
    assert!(why.reason.starts_with("no answer within 200ms"));
    assert_eq!(why.cause, Cause::Silent);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn skipped_and_unknown_tiers_are_explained() {
    let opts = KeyringOptions {
        skip: tiers().iter().map(|t| t.to_string()).collect(),
        ..KeyringOptions::default()
    };
    let skipped = open(&opts, &key("a")).err().expect("every tier skipped");
    assert_eq!(skipped.len(), tiers().len());
    for (s, tier) in skipped.iter().zip(tiers()) {
        assert_eq!(s.tier, *tier);
        assert_eq!(s.cause, Cause::OnRequest);
        assert!(
            s.reason.contains("REGARDS_TOKEN_SKIP_STORES"),
            "{}",
            s.reason
        );
    }
    let unknown = open_named(&opts, "vault").err().expect("no such tier");
    assert_eq!(unknown.tier, "unknown");
    let foreign = ALL_TIERS
        .iter()
        .find(|t| !tiers().contains(t))
        .expect("another system's");
    let other = open_named(&KeyringOptions::default(), foreign)
        .err()
        .expect("not here");
    assert_eq!(other.reason, "not available on this system");
}

#[test]
fn deadlines_follow_the_situation() {
    let mut opts = KeyringOptions::default();
    assert_eq!(deadline_of(&opts), Duration::from_secs(2));
    opts.interactive = true;
    assert_eq!(deadline_of(&opts), Duration::from_secs(30));
    opts.deadline = Some(Duration::from_millis(200));
    assert_eq!(deadline_of(&opts), Duration::from_millis(200));
}

#[cfg(secret_service)]
#[test]
fn without_a_session_bus_the_secret_service_is_not_tried() {
    let opts = KeyringOptions {
        session_bus: Some("unix:path=/nonexistent/bus".into()),
        skip: vec!["keyutils".into()],
        ..KeyringOptions::default()
    };
    let start = Instant::now();
    let skipped = open(&opts, &key("a")).err().expect("no tier");
    assert!(
        skipped[0].reason.starts_with("no D-Bus session bus"),
        "{skipped:?}"
    );
    assert_eq!(
        skipped[0].plain(),
        "the Secret Service is not available here"
    );
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// How the writes of a `Faulty` keyring go wrong.
#[derive(Clone, Copy)]
enum Fault {
    /// The entry is stored, then the write fails, as keyutils does when it
    /// adds the key but may not link it to the persistent keyring.
    StoreThenFail,
    /// The entry is stored after this long.
    StoreLate(Duration),
}

struct Faulty {
    inner: Arc<mock::Store>,
    fault: Fault,
    /// Writes that reached the inner store.
    landed: Arc<AtomicUsize>,
}

struct FaultyCred {
    inner: Entry,
    fault: Fault,
    landed: Arc<AtomicUsize>,
}

impl CredentialStoreApi for Faulty {
    fn vendor(&self) -> String {
        "faulty mock".into()
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
        let cred: Arc<Credential> = Arc::new(FaultyCred {
            inner: self.inner.build(service, user, mods)?,
            fault: self.fault,
            landed: Arc::clone(&self.landed),
        });
        Ok(Entry::new_with_credential(cred))
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl CredentialApi for FaultyCred {
    fn set_secret(&self, secret: &[u8]) -> keyring_core::Result<()> {
        if let Fault::StoreLate(delay) = self.fault {
            thread::sleep(delay);
        }
        self.inner.set_secret(secret)?;
        self.landed.fetch_add(1, Ordering::SeqCst);
        match self.fault {
            Fault::StoreThenFail => Err(Error::NoStorageAccess("AccessDenied".into())),
            Fault::StoreLate(_) => Ok(()),
        }
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

fn faulty(fault: Fault, deadline: Duration) -> (Arc<mock::Store>, Arc<AtomicUsize>, BoundedStore) {
    let mock = mock::Store::new().expect("a mock store");
    let landed = Arc::new(AtomicUsize::new(0));
    let store: Arc<CredentialStore> = Arc::new(Faulty {
        inner: mock.clone(),
        fault,
        landed: Arc::clone(&landed),
    });
    let (store, _) = open_backend(backend(store, None), deadline, None).expect("the mock answers");
    (mock, landed, store)
}

fn stored(mock: &mock::Store, key: &CacheKey) -> bool {
    let entry = mock
        .build(SERVICE, &key.account(), None)
        .expect("a mock entry");
    entry.get_secret().is_ok()
}

#[test]
fn a_write_that_fails_after_storing_leaves_no_entry() {
    let (mock, landed, store) = faulty(Fault::StoreThenFail, Duration::from_secs(5));
    let err = store.set(&key("a"), b"token").expect_err("denied");
    assert_eq!(err.0, "keyring not accessible: AccessDenied");
    assert_eq!(landed.load(Ordering::SeqCst), 1, "the write did land");
    assert!(!stored(&mock, &key("a")), "and was removed");
}

#[test]
fn a_write_that_lands_after_the_deadline_is_removed() {
    let (mock, landed, store) = faulty(
        Fault::StoreLate(Duration::from_millis(300)),
        Duration::from_millis(100),
    );
    let err = store.set(&key("a"), b"token").expect_err("too slow");
    assert!(err.0.starts_with("no answer within 100ms"), "{err}");
    let start = Instant::now();
    while landed.load(Ordering::SeqCst) == 0 && start.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(landed.load(Ordering::SeqCst), 1, "the write landed late");
    while stored(&mock, &key("a")) && start.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(20));
    }
    assert!(!stored(&mock, &key("a")), "the late write was removed");
}
