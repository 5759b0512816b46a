//! `regards-token get`: the cached token while it lasts, else a login.
//!
//! The order matters for parallel runs: look in the cache without the lock
//! (a hit costs one read), then take the key's lock and look again (another
//! run may have just logged in), and only then read the password and log
//! in, so that N runs starting together send one login. The lock and the
//! failed-login markers are taken in every cache mode: they protect the
//! account, not the cache. `login` goes the same way, minus the cache.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::account::lock;
use crate::account::marker::{self, Markers};
use crate::cache::remembered;
use crate::cache::{self, Cache, CacheKey, CacheMode};
use crate::cli::GetArgs;
use crate::error::Error;
use crate::output::{self, Source};
use crate::regards::{self, LoginFailed};
use crate::secret::Secret;
use crate::settings::{self, Layers, Settings};
use crate::token::Token;
use crate::{verbose, warning};

mod password;

use password::{password, settle_unattended, unrecorded};

pub fn run(args: GetArgs, layers: &Layers) -> anyhow::Result<()> {
    let settings = Settings::from_get(args, layers)?;
    let Obtained { token, source, .. } = obtain(&settings, Mode::Get)?;
    output::mask_in_ci_logs(&token);
    let now = SystemTime::now();
    output::print(&output::render(
        settings.format,
        &token,
        &settings.server,
        source,
        now,
    ))
}

/// How `obtain` may get its token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The cached token, else a login with the password from its sources,
    /// the remembered one among them.
    Get,
    /// `login`: a login whatever the cache holds, with a password given
    /// now (never the remembered one), handed back to be remembered.
    Login,
}

pub struct Obtained {
    pub token: Token,
    pub source: Source,
    /// The password the login was made with, under `Mode::Login`.
    pub password: Option<Secret<String>>,
    /// The account's login lock, still held under `Mode::Login`: the
    /// password is remembered before another run may log in.
    pub lock: Option<cache::fs::Guard>,
}

/// The token `get` would print, and where it came from.
pub fn obtain(settings: &Settings, mode: Mode) -> anyhow::Result<Obtained> {
    let started = SystemTime::now();
    let key = CacheKey::of(&settings.server);
    let cache_settings = &settings.cache;
    let keyring = settings::keyring_options();
    let mut cache = match &cache_settings.paths {
        Some(paths) => Cache::open(cache_settings.mode, paths, &keyring, key.clone())?,
        None => None,
    };
    // What this first look finds is logged only when it is the decision
    // (a hit); otherwise the look under the lock decides, and logs that.
    let first = match mode {
        Mode::Get => cache.as_mut().map(|c| look(c, settings)),
        Mode::Login => None,
    };
    let seen = match first {
        Some(Look::Usable(token)) => return Ok(hit(token)),
        Some(Look::Short(token)) => Some(token.received_at),
        Some(Look::Nothing(_)) | None => None,
    };
    if cache_settings.no_login {
        return Err(login_needed(&key));
    }
    let lock_dir = &cache_settings.lock_dir;
    let guard = lock::acquire(lock_dir, &key, cache_settings.lock_timeout)
        .map_err(|err| no_lock(err, lock_dir))?;
    // Another run may have logged in while this one waited. If the server
    // hands out tokens shorter than --min-ttl, the one it got is as good
    // as another login would get: take it, with the warning its own run
    // printed, rather than have parallel runs each log in, one after
    // another.
    let second = match mode {
        Mode::Get => cache.as_mut().map(|c| look(c, settings)),
        Mode::Login => None,
    };
    match second {
        Some(Look::Usable(token)) => return Ok(hit(token)),
        Some(Look::Short(token)) if got_meanwhile(token.received_at, seen, started) => {
            warning!(
                "the new token lasts only {}, less than --min-ttl {} (another run just got it)",
                output::human(token.time_left(SystemTime::now())),
                output::human(cache_settings.min_ttl)
            );
            return Ok(Obtained {
                token,
                source: Source::Cache,
                password: None,
                lock: None,
            });
        }
        Some(Look::Short(token)) => verbose!(
            1,
            "the cached token has {} left, less than --min-ttl {}: logging in again",
            output::human(token.time_left(SystemTime::now())),
            output::human(cache_settings.min_ttl)
        ),
        Some(Look::Nothing(why)) => verbose!(1, "{}", why.words(cache_settings.min_ttl)),
        None => {}
    }

    let (password, remembered) = password(settings, &key, mode)?;
    let server = &settings.server;
    let sent = marker::Login {
        scope: &server.scope,
        client_id: &server.client_id,
        client_secret: &server.client_secret,
        password: &password,
    };
    marker::sweep(lock_dir);
    let markers = Markers::of(lock_dir, &key);
    markers.check(&sent)?;
    // Recorded before each attempt goes out, so that a run killed while
    // it waits for the answer still holds back the runs behind it. An
    // attempt lasts at most about twice --timeout (a trickling answer).
    let bound = server.timeout.saturating_mul(2);
    // A remembered password is sent unattended: recorded before it goes
    // out, so that logins without a verdict are not repeated run after run.
    let unattended = match &remembered {
        Some(paths) => Some(
            remembered::sending(paths, &key, bound)
                .map_err(|err| unrecorded(err, &paths.cache_dir))?,
        ),
        None => None,
    };
    let mut before_send = || markers.sending(&sent, bound);
    let token = match login(settings, &password, &mut before_send) {
        Ok(token) => token,
        Err(failed) => {
            markers.failed(&sent, &failed);
            if let (Some(paths), Some(unattended)) = (&remembered, unattended) {
                settle_unattended(paths, &key, &failed, unattended);
            }
            return Err(failed.error.into());
        }
    };
    markers.succeeded(&sent);
    if let Some(paths) = &remembered {
        remembered::proven(paths, &key);
    }
    let (password, guard) = match mode {
        Mode::Login => (Some(password), Some(guard)),
        Mode::Get => (None, None),
    };
    if let Some(cache) = &cache
        && let Err(err) = cache.write(&token)
    {
        if cache_settings.mode == CacheMode::Keyring {
            return Err(cache::store_failed(cache.store_name(), &err).into());
        }
        warning!("the token was not cached ({}): {err}", cache.store_name());
    }
    Ok(Obtained {
        token,
        source: Source::Network,
        password,
        lock: guard,
    })
}

/// `--no-login` and no usable cached token.
fn login_needed(key: &CacheKey) -> anyhow::Error {
    Error::new(
        crate::error::Kind::LoginNeeded,
        format!(
            "no usable cached token for {} on {} ({}), and --no-login forbids logging in",
            key.username, key.host, key.scope
        ),
    )
    .with_hint("run 'regards-token get' or 'regards-token login' where a password can be given")
    .into()
}

/// Without the lock, parallel runs would each send the password, and a
/// wrong one would lock the account: no login then. Waiting too long is
/// already a typed answer (exit 4).
fn no_lock(err: anyhow::Error, dir: &Path) -> anyhow::Error {
    if err.downcast_ref::<Error>().is_some() {
        return err;
    }
    Error::usage(format!(
        "cannot take the login lock in {}: {err:#}",
        dir.display()
    ))
    .with_hint(
        "the lock keeps parallel runs from each sending the password; \
             point XDG_RUNTIME_DIR (or XDG_CACHE_HOME) at a private folder this user can write",
    )
    .into()
}

/// What the cache holds for this run. Looking logs nothing: `obtain`
/// looks twice (before and after the lock) and logs what it decides once.
enum Look {
    /// A token with at least `--min-ttl` left.
    Usable(Token),
    /// A token with some time left, but less than `--min-ttl`.
    Short(Token),
    /// Nothing to use, for this reason.
    Nothing(Miss),
}

enum Miss {
    /// No entry, or one that could not be read (`-v` said why).
    Empty,
    /// An entry whose token has no time left.
    Expired,
    /// `--refresh`, which ignores the cache.
    Refresh,
}

impl Miss {
    fn words(&self, min_ttl: std::time::Duration) -> String {
        match self {
            Miss::Empty => "no cached token: logging in".into(),
            Miss::Expired => format!(
                "the cached token has 0s left, less than --min-ttl {}: logging in again",
                output::human(min_ttl)
            ),
            Miss::Refresh => "--refresh: logging in without using the cached token".into(),
        }
    }
}

fn look(cache: &mut Cache, settings: &Settings) -> Look {
    if settings.cache.refresh {
        return Look::Nothing(Miss::Refresh);
    }
    let Some(token) = cache.read() else {
        return Look::Nothing(Miss::Empty);
    };
    let left = token.time_left(SystemTime::now());
    if left >= settings.cache.min_ttl {
        Look::Usable(token)
    } else if left.is_zero() {
        Look::Nothing(Miss::Expired)
    } else {
        Look::Short(token)
    }
}

fn hit(token: Token) -> Obtained {
    verbose!(
        1,
        "using the cached token ({} left)",
        output::human(token.time_left(SystemTime::now()))
    );
    Obtained {
        token,
        source: Source::Cache,
        password: None,
        lock: None,
    }
}

/// Whether a token received at `received` is one another run got while
/// this one waited: not the one this run already saw (`seen`), and
/// received since this run started. The second test matters when the first
/// look found nothing because the read failed: an old short-lived token
/// found under the lock is not one to take. Cache entries keep whole
/// seconds, so `started` is taken down to its second.
fn got_meanwhile(received: SystemTime, seen: Option<SystemTime>, started: SystemTime) -> bool {
    let whole = |time: SystemTime| time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Some(received) != seen && whole(received) >= whole(started)
}

/// One login, with a warning when the new token is already short-lived.
fn login(
    settings: &Settings,
    password: &Secret<String>,
    before_send: &mut dyn FnMut() -> Result<(), Error>,
) -> Result<Token, LoginFailed> {
    let token = regards::login(&settings.server, password, before_send)?;
    let left = token.time_left(SystemTime::now());
    if left.is_zero() {
        warning!("the server issued a token that has already expired; check this machine's clock");
    } else if left < settings.cache.min_ttl {
        warning!(
            "the new token lasts only {}, less than --min-ttl {}",
            output::human(left),
            output::human(settings.cache.min_ttl)
        );
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_a_token_received_while_waiting_is_taken_below_min_ttl() {
        let started = UNIX_EPOCH + Duration::from_millis(1_000_500);
        let later = started + Duration::from_millis(300);
        let earlier = started - Duration::from_secs(60);
        // Another run's new token, where this run saw none or an older one.
        assert!(got_meanwhile(later, None, started));
        assert!(got_meanwhile(later, Some(earlier), started));
        // In the same second as the start: entries keep whole seconds.
        assert!(got_meanwhile(
            UNIX_EPOCH + Duration::from_secs(1_000),
            None,
            started
        ));
        // The very token this run saw before it waited.
        assert!(!got_meanwhile(later, Some(later), started));
        // An old one the first look missed (a failed read): not taken.
        assert!(!got_meanwhile(earlier, None, started));
    }
}
