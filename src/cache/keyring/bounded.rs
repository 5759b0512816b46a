//! A keyring tier seen as a cache `Store`, every call within the deadline.
//!
//! The store object of a keyring crate is shared (`Arc`) with the thread of
//! each call, so a call that is abandoned at the deadline keeps what it
//! uses alive by itself. After one missed deadline the keyring is presumed
//! stuck (an unanswered unlock prompt stays unanswered), and later calls
//! fail at once instead of each waiting out the deadline again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use keyring_core::{CredentialStore, Error};

use super::{chunked, deadline, errors};
use crate::cache::key::{CacheKey, SERVICE};
use crate::cache::store::{Store, StoreError};

pub(crate) struct BoundedStore {
    tier: &'static str,
    backend: Arc<CredentialStore>,
    /// `Some(limit)` when values must be split into items of `limit` bytes.
    chunk_limit: Option<usize>,
    deadline: Duration,
    stuck: AtomicBool,
}

impl BoundedStore {
    pub(crate) fn new(
        tier: &'static str,
        backend: Arc<CredentialStore>,
        chunk_limit: Option<usize>,
        deadline: Duration,
    ) -> BoundedStore {
        BoundedStore {
            tier,
            backend,
            chunk_limit,
            deadline,
            stuck: AtomicBool::new(false),
        }
    }

    fn call<T, F>(&self, key: &CacheKey, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&CredentialStore, &str, Option<usize>) -> keyring_core::Result<T>
            + Send
            + 'static,
    {
        self.check_not_stuck()?;
        let backend = Arc::clone(&self.backend);
        let account = key.account();
        let limit = self.chunk_limit;
        self.finish(deadline::run(self.deadline, move || {
            op(&*backend, &account, limit)
        }))
    }

    fn check_not_stuck(&self) -> Result<(), StoreError> {
        if self.stuck.load(Ordering::Relaxed) {
            return Err(StoreError(format!(
                "gave up on this keyring earlier: {}",
                deadline::timeout_reason(self.deadline)
            )));
        }
        Ok(())
    }

    fn finish<T>(&self, outcome: Result<keyring_core::Result<T>, String>) -> Result<T, StoreError> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(StoreError(errors::describe(&err))),
            Err(reason) => {
                self.stuck.store(true, Ordering::Relaxed);
                Err(StoreError(reason))
            }
        }
    }
}

impl Store for BoundedStore {
    fn name(&self) -> &'static str {
        self.tier
    }

    fn get(&self, key: &CacheKey) -> Result<Option<Vec<u8>>, StoreError> {
        self.call(key, read)
    }

    /// A write that fails is followed by removing the entry: a keyring can
    /// fail after creating it (keyutils adds the key to the session
    /// keyring, then is denied linking it to the persistent one), and the
    /// caller, told it failed, keeps the token elsewhere. A write that
    /// misses the deadline is removed if it lands later.
    fn set(&self, key: &CacheKey, value: &[u8]) -> Result<(), StoreError> {
        self.check_not_stuck()?;
        let value = value.to_vec();
        let limit = self.chunk_limit;
        let (backend, account) = (Arc::clone(&self.backend), key.account());
        let (late_backend, late_account) = (Arc::clone(&self.backend), key.account());
        let outcome = deadline::run_or_undo(
            self.deadline,
            move || {
                let written = write(&*backend, &account, &value, limit);
                if written.is_err() {
                    // Best effort: the write's own error is the one to report.
                    let _ = remove(&*backend, &account, limit);
                }
                written
            },
            move |late: keyring_core::Result<()>| {
                if late.is_ok() {
                    let _ = remove(&*late_backend, &late_account, limit);
                }
            },
        );
        self.finish(outcome)
    }

    fn delete(&self, key: &CacheKey) -> Result<bool, StoreError> {
        self.call(key, remove)
    }
}

fn write(
    backend: &CredentialStore,
    account: &str,
    value: &[u8],
    limit: Option<usize>,
) -> keyring_core::Result<()> {
    match limit {
        Some(limit) => chunked::set(backend, SERVICE, account, value, limit),
        None => backend.build(SERVICE, account, None)?.set_secret(value),
    }
}

fn remove(
    backend: &CredentialStore,
    account: &str,
    limit: Option<usize>,
) -> keyring_core::Result<bool> {
    match limit {
        Some(_) => chunked::delete(backend, SERVICE, account),
        None => match backend.build(SERVICE, account, None)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(Error::NoEntry) => Ok(false),
            Err(err) => Err(err),
        },
    }
}

/// One entry's value, `None` when there is none. Also the probe that
/// opening a tier makes, run on the same thread as the connection.
pub(crate) fn read(
    backend: &CredentialStore,
    account: &str,
    limit: Option<usize>,
) -> keyring_core::Result<Option<Vec<u8>>> {
    if let Some(limit) = limit {
        return chunked::get(backend, SERVICE, account, limit);
    }
    match backend.build(SERVICE, account, None)?.get_secret() {
        Ok(bytes) => Ok(Some(bytes)),
        Err(Error::NoEntry) => Ok(None),
        Err(err) => Err(err),
    }
}
