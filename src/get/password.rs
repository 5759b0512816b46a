//! The password a login sends, when it is the remembered one: whether it
//! may be sent unattended (not refused, not held back), and what a failed
//! login with it leaves for the next runs.

use std::path::Path;
use std::time::SystemTime;

use super::Mode;
use crate::cache::remembered::{self, Recalled};
use crate::cache::{CacheKey, CachePaths, keyring};
use crate::error::Error;
use crate::regards::{LoginFailed, Verdict};
use crate::secret::Secret;
use crate::settings::{self, Settings};
use crate::{verbose, warning};

/// What a login with the remembered password that failed leaves for the
/// next runs: a refusal disables it, an attempt the server provably did
/// not judge is forgotten, and one without a verdict holds it back.
pub(super) fn settle_unattended(
    paths: &CachePaths,
    key: &CacheKey,
    failed: &LoginFailed,
    unattended: remembered::Sending,
) {
    match failed.verdict {
        Verdict::Refused => {
            if failed.scoped {
                unattended.concerns_only(paths, key);
            }
            let why = failed.error.to_string();
            remembered::disable(
                &settings::keyring_options(),
                paths,
                key,
                &why,
                failed.scoped,
            );
            warning!(
                "the remembered password was refused, so it will not be sent again; \
                 run 'regards-token login' with the current one"
            );
        }
        Verdict::NotJudged => unattended.not_judged(paths),
        Verdict::Unknown => {
            if failed.scoped {
                unattended.concerns_only(paths, key);
            }
            if let Some(until) = remembered::held_now(paths, key) {
                warning!(
                    "the remembered password is not sent again {}, since the server may have \
                     checked it; run 'regards-token login' to give it now",
                    held_words(until)
                );
            }
        }
    }
}

/// "until 2026-12-05T10:32:00Z", or "until 'regards-token login'".
fn held_words(until: Option<SystemTime>) -> String {
    match until {
        Some(at) => format!("until {}", humantime::format_rfc3339_seconds(at)),
        None => "until 'regards-token login' is run".to_string(),
    }
}

/// Without a record of the send, every cron run could send the password
/// again: no login then.
pub(super) fn unrecorded(err: anyhow::Error, dir: &Path) -> anyhow::Error {
    Error::usage(format!(
        "cannot record the login in the list of remembered passwords in {}: {err:#}",
        dir.display()
    ))
    .with_hint(
        "the record keeps unattended runs from each sending the remembered password; \
         make the cache folder writable, or give the password (--password-stdin)",
    )
    .into()
}

/// The password to log in with, and, when it is the remembered one, the
/// paths of its index (to disable it if the server refuses it). A
/// password given (stdin, file, variable) comes first; the remembered one
/// before the prompt; `login` never takes the remembered one.
pub(super) fn password(
    settings: &Settings,
    key: &CacheKey,
    mode: Mode,
) -> anyhow::Result<(Secret<String>, Option<CachePaths>)> {
    if mode == Mode::Get && !settings.password.is_given() {
        let paths = settings
            .cache
            .paths
            .clone()
            .or_else(|| settings::cache_paths().ok());
        if let Some(paths) = paths {
            match remembered::recall(&settings::keyring_options(), &paths, key) {
                Some(Recalled::Password { password, store }) => {
                    verbose!(
                        1,
                        "logging in with the password remembered in {}",
                        keyring::plain_name(store)
                    );
                    return Ok((password, Some(paths)));
                }
                Some(Recalled::Disabled { at, why }) => return Err(disabled(key, at, &why)),
                Some(Recalled::Held { until, unproven }) => {
                    return Err(held(key, until, unproven));
                }
                None => {}
            }
        }
    }
    Ok((settings.password.read(&settings.server)?, None))
}

/// A remembered password the server refused earlier: not sent again.
fn disabled(key: &CacheKey, at: Option<SystemTime>, why: &str) -> anyhow::Error {
    let when = at
        .map(|at| format!(" at {}", humantime::format_rfc3339_seconds(at)))
        .unwrap_or_default();
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(": {}", crate::error::sanitize(why))
    };
    Error::new(
        crate::error::Kind::Refused,
        format!(
            "the server refused the remembered password of {} on {} ({}){when}{why}",
            key.username, key.host, key.scope
        ),
    )
    .with_hint(
        "it is not sent again: run 'regards-token login' with the current password \
         (the account locks after a few failures)",
    )
    .into()
}

/// A remembered password sent lately without a verdict: held back.
fn held(key: &CacheKey, until: Option<SystemTime>, unproven: u32) -> anyhow::Error {
    let logins = if unproven == 1 { "login" } else { "logins" };
    Error::new(
        crate::error::Kind::Unavailable,
        format!(
            "the remembered password of {} on {} is held back {}: {unproven} {logins} with it \
             got no answer, and the server may have checked it",
            key.username,
            key.host,
            held_words(until)
        ),
    )
    .with_hint(
        "check that the server answers (regards-token doctor), then run 'regards-token login', \
         or give the password (--password-stdin); a wrong one sent unattended would lock the account",
    )
    .into()
}
