//! The end of a remembered password: disabled when the server refuses it
//! (for the whole account), forgotten by `logout`.

use std::time::SystemTime;

use super::{DISABLED, MAX_WHY_CHARS, Opener, PasswordRecord, entry_key, index};
use crate::cache::entry::unix;
use crate::cache::keyring::{self, KeyringOptions};
use crate::cache::{CacheKey, CachePaths};
use crate::{verbose, warning};

/// The server refused `account`'s remembered password: it is replaced, in
/// its keyring, by the refusal (`why`), and listed as disabled, so that no
/// run sends it again. So are the other passwords remembered for the same
/// account (host and login) in other projects or for other client ids:
/// the server counts failures per account, and each would cost one more.
/// A refusal that concerns the project only (`scoped`: no access to it)
/// disables that project's. If a keyring cannot be written, the entry is
/// removed; the index says disabled either way.
pub fn disable(
    opts: &KeyringOptions,
    paths: &CachePaths,
    account: &CacheKey,
    why: &str,
    scoped: bool,
) {
    disable_with(
        &|name| keyring::open_named(opts, name),
        paths,
        account,
        why,
        scoped,
    );
}

pub(super) fn disable_with(
    open: Opener,
    paths: &CachePaths,
    account: &CacheKey,
    why: &str,
    scoped: bool,
) {
    let index = index(paths);
    let why: String = why.chars().take(MAX_WHY_CHARS).collect();
    let mut value = DISABLED.to_vec();
    value.extend_from_slice(why.as_bytes());
    let concerned =
        |key: &CacheKey| key.same_account(account) && (!scoped || key.scope == account.scope);
    let records: Vec<PasswordRecord> = index
        .records()
        .into_iter()
        .filter(|r| concerned(&r.key) && r.disabled_at.is_none())
        .collect();
    for record in &records {
        let key = entry_key(&record.key);
        match open(&record.store) {
            Ok(store) => {
                if let Err(err) = store.set(&key, &value) {
                    verbose!(1, "cannot mark the remembered password refused: {err}");
                    if let Err(err) = store.delete(&key) {
                        warning!("cannot remove the refused remembered password: {err}");
                    }
                }
            }
            Err(skipped) => warning!(
                "cannot remove the refused remembered password: {}",
                skipped.plain()
            ),
        }
    }
    let now = unix(SystemTime::now());
    let disabled: Vec<&CacheKey> = records.iter().map(|r| &r.key).collect();
    let marked = index.update(|entries| {
        for entry in entries.iter_mut().filter(|e| disabled.contains(&&e.key)) {
            entry.disabled_at = Some(now);
            entry.refusal = Some(why.clone());
        }
    });
    if let Err(err) = marked {
        warning!("cannot mark the remembered password refused: {err:#}");
    }
}

/// Forgets the remembered passwords `select` picks, from their keyrings
/// and the index. Returns each one's account and, on failure, why.
pub fn forget(
    opts: &KeyringOptions,
    paths: &CachePaths,
    select: impl Fn(&CacheKey) -> bool,
) -> Vec<(PasswordRecord, Result<(), String>)> {
    forget_with(&|name| keyring::open_named(opts, name), paths, select)
}

pub(super) fn forget_with(
    open: Opener,
    paths: &CachePaths,
    select: impl Fn(&CacheKey) -> bool,
) -> Vec<(PasswordRecord, Result<(), String>)> {
    let index = index(paths);
    let mut outcomes = Vec::new();
    for record in index.records().into_iter().filter(|r| select(&r.key)) {
        let outcome = match open(&record.store) {
            Ok(store) => store
                .delete(&entry_key(&record.key))
                .map(|_| ())
                .map_err(|err| err.0),
            Err(skipped) => Err(skipped.plain()),
        };
        outcomes.push((record, outcome));
    }
    let gone: Vec<&CacheKey> = outcomes
        .iter()
        .filter(|(_, outcome)| outcome.is_ok())
        .map(|(record, _)| &record.key)
        .collect();
    if let Err(err) = index.remove(|r| gone.contains(&&r.key)) {
        warning!("cannot update the list of remembered passwords: {err:#}");
    }
    outcomes
}
