//! The Linux kernel keyring tier (keyutils).
//!
//! The store adds each key to the session keyring and links it into the
//! user's persistent keyring, which outlives the process; a later run finds
//! it through the persistent keyring, linked into its own session keyring.
//!
//! A process without a session keyring of its own (a shell reached by
//! `su`, cron, `docker exec`, a service) is a trap. The kernel lends it the
//! user's default session keyring, but the first call that needs a session
//! keyring to write into (linking the persistent keyring) gives the calling
//! thread an anonymous one instead. From then on the keys in the default
//! keyring are not the thread's: a key the store has just added there can
//! be neither linked, nor read, nor removed, and it stays behind with its
//! secret in it. So such a process joins a new session keyring of its own
//! first, and the persistent keyring is then required: without it, keys
//! would die with the process while looking as if they were kept.
//!
//! Session keyrings belong to a thread, inherited by the threads it spawns,
//! so this preparation runs on the caller's thread (a few system calls that
//! do not wait on anyone) and the calls made later on threads of their own
//! see the same keyring.

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
    let session = KeyRing::from_special_id(KeyRingIdentifier::Session, false);
    let default = KeyRing::from_special_id(KeyRingIdentifier::UserSession, false);
    match (session, default) {
        // A session keyring of its own (a login session's): kept.
        (Ok(session), Ok(default)) if session != default => return Ok(()),
        // Without a default keyring to tell it from, the session keyring
        // found is taken for the process's own, rather than leaving it.
        (Ok(_), Err(_)) => return Ok(()),
        _ => {}
    }
    // With no session keyring of its own, asking for one with "create"
    // joins a new anonymous session keyring, for this thread and those it
    // spawns from now on.
    let joined = KeyRing::from_special_id(KeyRingIdentifier::Session, true)
        .map_err(|err| format!("no session keyring, and none could be created: {err}"))?;
    if KeyRing::from_special_id(KeyRingIdentifier::UserSession, false).is_ok_and(|d| d == joined) {
        return Err("no session keyring of this process's own could be made".into());
    }
    KeyRing::get_persistent(KeyRingIdentifier::Session).map_err(|_| {
        "no session keyring of this process's own and no persistent keyring: \
         tokens would not outlive the process"
            .to_string()
    })?;
    Ok(())
}
