//! `regards-token get`: the cached token while it lasts, else a login.
//!
//! The order matters for parallel runs: look in the cache without the lock
//! (a hit costs one read), then take the key's lock and look again (another
//! run may have just logged in), and only then read the password and log
//! in, so that N runs starting together send one login.

use std::time::SystemTime;

use crate::cache::{self, Cache, CacheKey, lock};
use crate::cli::{CacheMode, GetArgs};
use crate::error::{Error, Kind};
use crate::output::{self, Source};
use crate::regards;
use crate::secret::Secret;
use crate::settings::{self, Layers, Settings};
use crate::token::Token;
use crate::{verbose, warning};

pub fn run(args: GetArgs, layers: &Layers) -> anyhow::Result<()> {
    let settings = Settings::from_get(args, layers)?;
    let (token, source) = obtain(&settings)?;
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

/// The token `get` would print, and where it came from.
pub fn obtain(settings: &Settings) -> anyhow::Result<(Token, Source)> {
    let key = CacheKey::of(&settings.server);
    let cache_settings = &settings.cache;
    let keyring = settings::keyring_options();
    let cache = match &cache_settings.paths {
        Some(paths) => Cache::open(cache_settings.mode, paths, &keyring, key.clone())?
            .map(|cache| (cache, paths)),
        None => None,
    };
    let Some((mut cache, paths)) = cache else {
        let password = settings.password.read(&settings.server)?;
        return Ok((login(settings, &password)?, Source::Network));
    };
    if let Some(token) = usable(&mut cache, settings) {
        return Ok((token, Source::Cache));
    }
    let lock_dir = &paths.lock_dir;
    let _guard = match lock::acquire(lock_dir, &key, cache_settings.lock_timeout) {
        Ok(guard) => Some(guard),
        // Waiting too long is an answer (exit 4); a folder where no lock
        // file can be made only costs the protection against parallel logins.
        Err(err) if err.downcast_ref::<Error>().is_some() => return Err(err),
        Err(err) => {
            warning!("cannot take the login lock ({err:#}); parallel runs may each log in");
            None
        }
    };
    if let Some(token) = usable(&mut cache, settings) {
        return Ok((token, Source::Cache));
    }

    let password = settings.password.read(&settings.server)?;
    let sent = [&settings.server.client_secret, &password];
    if let Some(refusal) = lock::recent_refusal(lock_dir, &key, &sent) {
        return Err(refusal.into());
    }
    let token = match login(settings, &password) {
        Ok(token) => token,
        Err(err) => {
            if let Some(refusal) = refused(&err) {
                lock::record_refusal(lock_dir, &key, &sent, refusal);
            }
            return Err(err);
        }
    };
    drop(password);
    lock::clear_refusal(lock_dir, &key);
    if let Err(err) = cache.write(&token) {
        if cache_settings.mode == CacheMode::Keyring {
            return Err(cache::store_failed(cache.store_name(), &err).into());
        }
        warning!("the token was not cached ({}): {err}", cache.store_name());
    }
    Ok((token, Source::Network))
}

/// The cached token when it has at least `--min-ttl` left and `--refresh`
/// was not asked for.
fn usable(cache: &mut Cache, settings: &Settings) -> Option<Token> {
    if settings.cache.refresh {
        return None;
    }
    let token = cache.read()?;
    let left = token.time_left(SystemTime::now());
    if left < settings.cache.min_ttl {
        verbose!(
            1,
            "the cached token has {} left, less than --min-ttl {}: logging in again",
            output::human(left),
            output::human(settings.cache.min_ttl)
        );
        return None;
    }
    verbose!(1, "using the cached token ({} left)", output::human(left));
    Some(token)
}

/// One login, with a warning when the new token is already short-lived.
fn login(settings: &Settings, password: &Secret<String>) -> anyhow::Result<Token> {
    let token = regards::login(&settings.server, password)?;
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

fn refused(err: &anyhow::Error) -> Option<&Error> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Error>())
        .filter(|typed| typed.kind == Kind::Refused)
}
