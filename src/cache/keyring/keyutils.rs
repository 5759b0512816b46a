//! The Linux kernel keyring tier (keyutils).
//!
//! The store looks keys up through the session keyring, and a process that
//! has none (CI runners, some containers and services) gets "access denied"
//! from every call. Such a process may create one, but an anonymous session
//! keyring dies with the process: a cache in it would keep nothing while
//! looking as if it worked. The store also links each key into the user's
//! persistent keyring, which outlives the process, so a session keyring
//! this code had to create is accepted only when the persistent keyring is
//! there too.
//!
//! Session keyrings belong to a thread, inherited by the threads it spawns,
//! so this preparation runs on the caller's thread (it is a few system
//! calls that do not wait on anyone) and the calls made later on threads of
//! their own see the same keyring.

use std::sync::Arc;

use keyring_core::CredentialStore;
use linux_keyutils::{KeyRing, KeyRingIdentifier};

use super::Backend;

pub(super) fn backend() -> Result<Backend, String> {
    ensure_session_keyring()?;
    Ok(Backend {
        tier: "keyutils",
        connect: Box::new(|| {
            let store: Arc<CredentialStore> = linux_keyutils_keyring_store::Store::new()?;
            Ok(store)
        }),
        chunk_limit: None,
    })
}

fn ensure_session_keyring() -> Result<(), String> {
    if KeyRing::from_special_id(KeyRingIdentifier::Session, false).is_ok() {
        return Ok(());
    }
    KeyRing::from_special_id(KeyRingIdentifier::Session, true)
        .map_err(|err| format!("no session keyring, and none could be created: {err}"))?;
    KeyRing::get_persistent(KeyRingIdentifier::Session).map_err(|_| {
        "no session keyring and no persistent keyring: tokens would not outlive the process"
            .to_string()
    })?;
    Ok(())
}
