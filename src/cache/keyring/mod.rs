//! The system keyrings as token stores, each one a "tier".
//!
//! Every system offers one or two keyrings, tried in order: on Linux the
//! Secret Service (GNOME Keyring, KWallet) and then the kernel's keyutils;
//! the Keychain on macOS; the credential manager on Windows. A tier is used
//! only once it has answered: `open` connects and reads the wanted entry in
//! one go, so a cache hit costs a single keyring round trip, and a tier that
//! fails or is silent is passed over with a reason the caller can show.
//!
//! Keyrings may block (a locked collection waits for a password nobody
//! types), so every call, from connecting to deleting, runs under a deadline
//! (see `deadline`): short when no one is at the terminal, long enough to
//! type a password when someone is. The stores are built from store objects
//! directly rather than through keyring-core's process-wide default store,
//! so several tiers can be open at once (one to read, another to clean up).
//!
//! This module reads no environment variable and prints nothing: the
//! settings module hands in what it read, and the caller words the warning.

mod bounded;
#[cfg(test)]
mod chunk_tests;
mod chunked;
mod deadline;
mod errors;
#[cfg(keyutils)]
mod keyutils;
#[cfg(secret_service)]
mod secret_service;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use keyring_core::CredentialStore;

use self::bounded::BoundedStore;
pub use self::errors::{Cause, plain_name};
use super::key::CacheKey;
use super::store::Store;

/// What the caller knows about the situation; see the fields.
#[derive(Clone, Debug, Default)]
pub struct KeyringOptions {
    /// A person is at a terminal: a locked keyring's unlock prompt gets
    /// time to be answered (30 s); otherwise the deadline is 2 s.
    pub interactive: bool,
    /// Tier names to pass over (`REGARDS_TOKEN_SKIP_STORES`, a test and
    /// diagnostic setting parsed by the settings module).
    pub skip: Vec<String>,
    /// `DBUS_SESSION_BUS_ADDRESS` as the settings module read it.
    pub session_bus: Option<String>,
    /// Replaces the deadline, for tests.
    pub deadline: Option<Duration>,
}

/// Why one tier was not used, for the warning line and `doctor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub tier: &'static str,
    /// The kind of failure, for plain words.
    pub cause: Cause,
    /// The failure as the system put it, for `-v`, errors and `doctor`.
    pub reason: String,
}

impl Skipped {
    pub(crate) fn new(tier: &'static str, cause: Cause, reason: impl Into<String>) -> Skipped {
        Skipped {
            tier,
            cause,
            reason: reason.into(),
        }
    }

    /// "the kernel keyring refused access".
    pub fn plain(&self) -> String {
        format!("{} {}", plain_name(self.tier), self.cause.words())
    }
}

#[cfg(all(secret_service, keyutils))]
const TIERS: &[&str] = &["secret-service", "keyutils"];
#[cfg(all(secret_service, not(keyutils)))]
const TIERS: &[&str] = &["secret-service"];
#[cfg(target_os = "macos")]
const TIERS: &[&str] = &["keychain"];
#[cfg(windows)]
const TIERS: &[&str] = &["windows"];
#[cfg(not(any_keyring))]
const TIERS: &[&str] = &[];

/// Every tier name of every system, so that a name recorded elsewhere is
/// told apart from a typing error.
const ALL_TIERS: &[&str] = &["secret-service", "keyutils", "keychain", "windows"];

/// The Windows credential manager's limit on one secret (CRED_MAX_CREDENTIAL_BLOB_SIZE).
#[cfg(any(windows, test))]
const WINDOWS_SECRET_LIMIT: usize = 2560;

/// An open tier and what its probe read for the wanted entry.
pub type Opened = (Box<dyn Store>, Option<Vec<u8>>);

/// The tier names of this system, in probing order.
pub fn tiers() -> &'static [&'static str] {
    TIERS
}

/// Opens the first tier that answers, probing it by reading `key`. Returns
/// the store with what the probe read, or each tier's reason for being
/// passed over.
pub fn open(opts: &KeyringOptions, key: &CacheKey) -> Result<Opened, Vec<Skipped>> {
    let mut skipped = Vec::new();
    for &tier in tiers() {
        match open_tier(opts, tier, Some(key.account())) {
            Ok((store, found)) => return Ok((Box::new(store), found)),
            Err(why) => skipped.push(why),
        }
    }
    Err(skipped)
}

/// Opens every tier of this system that answers, without reading
/// anything, for removing a token wherever it may be; with each other
/// tier's reason.
pub fn open_all(opts: &KeyringOptions) -> (Vec<Box<dyn Store>>, Vec<Skipped>) {
    let mut opened: Vec<Box<dyn Store>> = Vec::new();
    let mut skipped = Vec::new();
    for &tier in tiers() {
        match open_tier(opts, tier, None) {
            Ok((store, _)) => opened.push(Box::new(store)),
            Err(why) => skipped.push(why),
        }
    }
    (opened, skipped)
}

/// Opens one tier by name, without reading anything, for removing entries
/// recorded as kept there.
pub fn open_named(opts: &KeyringOptions, name: &str) -> Result<Box<dyn Store>, Skipped> {
    let Some(&tier) = ALL_TIERS.iter().find(|&&t| t == name) else {
        return Err(Skipped::new(
            "unknown",
            Cause::Absent,
            format!("no keyring is called {name:?}"),
        ));
    };
    let (store, _) = open_tier(opts, tier, None)?;
    Ok(Box::new(store))
}

fn open_tier(
    opts: &KeyringOptions,
    tier: &'static str,
    probe: Option<String>,
) -> Result<(BoundedStore, Option<Vec<u8>>), Skipped> {
    let skip = |cause, reason: &str| Err(Skipped::new(tier, cause, reason));
    if opts.skip.iter().any(|s| s == tier) {
        return skip(
            Cause::OnRequest,
            "skipped on request (REGARDS_TOKEN_SKIP_STORES)",
        );
    }
    if !tiers().contains(&tier) {
        return skip(Cause::Absent, "not available on this system");
    }
    match backend(opts, tier) {
        Ok(backend) => open_backend(backend, deadline_of(opts), probe),
        Err(reason) => skip(Cause::Absent, &reason),
    }
}

fn deadline_of(opts: &KeyringOptions) -> Duration {
    opts.deadline.unwrap_or(if opts.interactive {
        Duration::from_secs(30)
    } else {
        Duration::from_secs(2)
    })
}

/// How to reach one tier, once its preconditions were checked.
struct Backend {
    tier: &'static str,
    /// Creating the store may already talk to the keyring (the Secret
    /// Service connects to D-Bus), so it runs on the deadline's thread.
    connect: Box<dyn FnOnce() -> keyring_core::Result<Arc<CredentialStore>> + Send>,
    chunk_limit: Option<usize>,
}

#[allow(unused_variables)] // `opts` is only used on systems with a Secret Service.
fn backend(opts: &KeyringOptions, tier: &'static str) -> Result<Backend, String> {
    match tier {
        #[cfg(secret_service)]
        "secret-service" => secret_service::backend(opts.session_bus.as_deref()),
        #[cfg(keyutils)]
        "keyutils" => keyutils::backend(),
        // Exercised by `.ci/keyring-tests-macos` on macOS only.
        #[cfg(target_os = "macos")]
        "keychain" => Ok(Backend {
            tier,
            connect: Box::new(|| {
                let store: Arc<CredentialStore> =
                    apple_native_keyring_store::keychain::Store::new()?;
                Ok(store)
            }),
            chunk_limit: None,
        }),
        // Exercised by `.ci/keyring-tests-windows.ps1` on Windows only; type-checked
        // elsewhere with `cargo check --target x86_64-pc-windows-gnu`.
        #[cfg(windows)]
        "windows" => Ok(Backend {
            tier,
            connect: Box::new(|| {
                let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
                Ok(store)
            }),
            chunk_limit: Some(WINDOWS_SECRET_LIMIT),
        }),
        _ => Err("not available on this system".into()),
    }
}

/// Connects and, given an account, reads its entry, all within `deadline`.
fn open_backend(
    backend: Backend,
    deadline: Duration,
    probe: Option<String>,
) -> Result<(BoundedStore, Option<Vec<u8>>), Skipped> {
    let Backend {
        tier,
        connect,
        chunk_limit,
    } = backend;
    let answer = deadline::run(deadline, move || {
        let store = connect()?;
        let found = match probe {
            Some(account) => bounded::read(&*store, &account, chunk_limit)?,
            None => None,
        };
        Ok((store, found))
    });
    match answer {
        Ok(Ok((store, found))) => {
            Ok((BoundedStore::new(tier, store, chunk_limit, deadline), found))
        }
        Ok(Err(err)) => Err(Skipped::new(
            tier,
            errors::cause(&err),
            errors::describe(&err),
        )),
        Err(reason) => {
            // The other ways `run` fails (no thread, a panic) are rare
            // enough to be called failures.
            let cause = if reason == deadline::timeout_reason(deadline) {
                Cause::Silent
            } else {
                Cause::Failed
            };
            Err(Skipped::new(tier, cause, reason))
        }
    }
}
