//! `regards-token login`: one login, now, with a password given now, and
//! that password remembered in a keyring tier for `get` to renew tokens
//! unattended.
//!
//! The keyring is opened first: with none, nothing is sent (exit 6). The
//! login is `get`'s, under the same lock and failed-login markers, so a
//! wrong password is caught now (exit 3) and nothing is remembered; only
//! a password the server accepted is kept.

use crate::cache::{CacheKey, remembered};
use crate::cli::{CacheArgs, Format, LoginArgs};
use crate::get::{self, Mode};
use crate::output;
use crate::settings::{self, Layers, Settings};

pub fn run(args: LoginArgs, layers: &Layers) -> anyhow::Result<()> {
    let cache = CacheArgs {
        store: args.store,
        lock: args.lock,
        ..CacheArgs::default()
    };
    let settings = Settings::resolve(args.server, &args.password, cache, Format::Token, layers)?;
    let account = CacheKey::of(&settings.server);
    let paths = match &settings.cache.paths {
        Some(paths) => paths.clone(),
        None => settings::cache_paths()?,
    };
    let store = remembered::open_store(&settings::keyring_options())?;
    let obtained = get::obtain(&settings, Mode::Login)?;
    output::mask_in_ci_logs(&obtained.token);
    // SAFETY-style note: `Mode::Login` hands back the password it used.
    let password = obtained.password.expect("a login hands its password back");
    // Under the account's lock, still held: no run logs in with the
    // password this one replaces meanwhile.
    remembered::remember(
        store.as_ref(),
        &settings::keyring_options(),
        &paths,
        &account,
        &password,
    )?;
    drop(password);
    drop(obtained.lock);
    crate::diag::note(&format!(
        "logged in as {} on {} ({}); the password is remembered in {}, {}; \
         'regards-token logout' forgets it",
        account.username,
        account.host,
        account.scope,
        crate::cache::keyring::plain_name(store.name()),
        remembered::lifetime(store.name()),
    ));
    Ok(())
}
