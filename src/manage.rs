//! `regards-token status` and `regards-token logout`: what the cache holds,
//! and removing it. Both work from the index, so they never prompt a
//! keyring for a listing; logout removes each selected token from every
//! store that answers.

use std::time::SystemTime;

use serde::Serialize;

use crate::account::marker::{self, Markers};
use crate::cache::CacheKey;
use crate::cache::remembered::{self, PasswordRecord};
use crate::cache::{self, index::IndexFile, index::Record};
use crate::cli::{ListFormat, LogoutArgs, StatusArgs};
use crate::error::{Error, Kind};
use crate::host::Host;
use crate::output;
use crate::settings::{self, Layers, table};
use crate::{verbose, warning};

/// One account in `status`: a cached token, and whether its password is
/// remembered. An account with a remembered password and no token has
/// `null` for the token's fields.
#[derive(Serialize)]
struct Listed<'a> {
    host: String,
    scope: &'a str,
    username: &'a str,
    client_id: &'a str,
    role: Option<&'a str>,
    tenant: Option<&'a str>,
    store: Option<&'a str>,
    expires_at: Option<String>,
    expires_in: Option<u64>,
    expired: Option<bool>,
    /// The keyring tier of the remembered password, `disabled` once the
    /// server refused it, `held` while logins without a verdict hold it
    /// back, `null` when none is remembered. Never the password.
    password: Option<&'a str>,
    /// While `held`: until when, `null` meaning until `login`.
    #[serde(skip_serializing_if = "Option::is_none")]
    password_held_until: Option<Option<String>>,
}

/// A remembered password as `status` shows it: where it is kept, or why
/// it is not sent, and while held, until when (`None`: until `login`).
fn password_state(record: &PasswordRecord, now: SystemTime) -> (&str, Option<Option<String>>) {
    if record.disabled_at.is_some() {
        return ("disabled", None);
    }
    match remembered::held_until(record, now) {
        Some(until) => (
            "held",
            Some(until.map(|t| humantime::format_rfc3339_seconds(t).to_string())),
        ),
        None => (record.store.as_str(), None),
    }
}

pub fn status(args: StatusArgs) -> anyhow::Result<()> {
    let paths = settings::cache_paths()?;
    let records = IndexFile::new(&paths.cache_dir, &paths.lock_dir).records();
    let passwords = remembered::index(&paths).records();
    let now = SystemTime::now();
    let password_of = |key: &CacheKey| {
        passwords
            .iter()
            .find(|p| p.key == *key)
            .map(|p| password_state(p, now))
    };
    let mut listed: Vec<Listed> = records
        .iter()
        .map(|r| listed(r, now, password_of(&r.key)))
        .collect();
    for record in &passwords {
        if !records.iter().any(|r| r.key == record.key) {
            let (password, held) = password_of(&record.key).unzip();
            listed.push(Listed {
                host: crate::redact::url(&record.key.host),
                scope: &record.key.scope,
                username: &record.key.username,
                client_id: &record.key.client_id,
                role: None,
                tenant: None,
                store: None,
                expires_at: None,
                expires_in: None,
                expired: None,
                password,
                password_held_until: held.flatten(),
            });
        }
    }
    let text = match args.format {
        ListFormat::Json => {
            // SAFETY-style note: a list of plain structs serializes.
            let mut text = serde_json::to_string_pretty(&listed).expect("plain structs serialize");
            text.push('\n');
            text
        }
        ListFormat::Text if listed.is_empty() => {
            warning!("no cached token");
            String::new()
        }
        ListFormat::Text => listed.iter().map(text_line).collect(),
    };
    output::print(&text)
}

/// What `status` says of a remembered password: see `password_state`.
type PasswordState<'a> = Option<(&'a str, Option<Option<String>>)>;

fn listed<'a>(record: &'a Record, now: SystemTime, password: PasswordState<'a>) -> Listed<'a> {
    let (password, password_held_until) = password.unzip();
    let expires_at = record.expires_at();
    let left = expires_at.duration_since(now).unwrap_or_default();
    Listed {
        // Written from a checked host; hidden all the same, as every URL.
        host: crate::redact::url(&record.key.host),
        scope: &record.key.scope,
        username: &record.key.username,
        client_id: &record.key.client_id,
        role: record.role.as_deref(),
        tenant: record.tenant.as_deref(),
        store: Some(&record.store),
        expires_at: Some(humantime::format_rfc3339_seconds(expires_at).to_string()),
        expires_in: Some(left.as_secs()),
        expired: Some(left.is_zero()),
        password,
        password_held_until: password_held_until.flatten(),
    }
}

fn text_line(entry: &Listed) -> String {
    // The role came from a server's answer, and the indexes are files
    // anyone of this user can edit: shown like any server text.
    let clean = crate::error::sanitize;
    let password = match (entry.password, &entry.password_held_until) {
        (Some(p), Some(Some(until))) => format!(" password={}-until-{until}", clean(p)),
        (Some(p), Some(None)) => format!(" password={}-until-login", clean(p)),
        (Some(p), None) => format!(" password={}", clean(p)),
        (None, _) => String::new(),
    };
    let (Some(store), Some(expires_at), Some(left), Some(expired)) = (
        entry.store,
        &entry.expires_at,
        entry.expires_in,
        entry.expired,
    ) else {
        return format!(
            "{} {} {} no cached token{password}\n",
            clean(&entry.host),
            clean(entry.scope),
            clean(entry.username),
        );
    };
    let left = if expired {
        "expired".to_string()
    } else {
        format!(
            "{} left",
            output::human(std::time::Duration::from_secs(left))
        )
    };
    format!(
        "{} {} {} role={} store={} expires={expires_at} ({left}){password}\n",
        clean(&entry.host),
        clean(entry.scope),
        clean(entry.username),
        clean(entry.role.unwrap_or("-")),
        clean(store),
    )
}

pub fn logout(args: LogoutArgs, layers: &Layers) -> anyhow::Result<()> {
    let value = |s: Option<settings::Sourced<String>>| s.map(|s| s.value);
    let host = value(layers.text(args.host, &table::HOST));
    let host = host.as_deref().map(Host::parse).transpose()?;
    let scope = value(layers.text(args.scope, &table::SCOPE));
    let username = value(layers.text(args.username, &table::USERNAME));
    if !args.all && host.is_none() && scope.is_none() && username.is_none() {
        return Err(Error::usage("say which tokens to remove")
            .with_hint("pass --host, --scope or --username (or set their variables), or --all")
            .into());
    }
    let matches = |key: &CacheKey| {
        args.all
            || (host.as_ref().is_none_or(|h| h.as_str() == key.host)
                && scope.as_ref().is_none_or(|s| *s == key.scope)
                && username.as_ref().is_none_or(|u| *u == key.username))
    };
    let selected = |r: &Record| matches(&r.key);
    let paths = settings::cache_paths()?;
    // Failed-login markers go with the tokens: logging out ends what the
    // tool keeps about the accounts, whether or not a token was cached.
    if args.all {
        marker::forget_all(&paths.lock_dir);
    } else if let (Some(host), Some(username)) = (&host, &username) {
        let account = CacheKey {
            host: host.as_str().to_string(),
            scope: String::new(),
            username: username.clone(),
            client_id: String::new(),
        };
        Markers::of(&paths.lock_dir, &account).clear();
    }
    // A user who logs out expects to be logged out: the remembered
    // passwords go too, unless kept on purpose.
    let mut failed = Vec::new();
    let mut lines = String::new();
    let mut forgot_any = false;
    if !args.keep_password {
        for (record, outcome) in remembered::forget(&settings::keyring_options(), &paths, matches) {
            let who = who(&record.key);
            forgot_any = true;
            match outcome {
                Ok(()) => lines.push_str(&format!(
                    "forgot the password of {who} ({})\n",
                    record.store
                )),
                Err(why) => failed.push(format!("the password of {who} ({}: {why})", record.store)),
            }
        }
    }
    let index = IndexFile::new(&paths.cache_dir, &paths.lock_dir);
    let records: Vec<Record> = index.records().into_iter().filter(selected).collect();
    if records.is_empty() && !forgot_any {
        warning!("no cached token matched");
        return Ok(());
    }
    // Every store, not only the one the index names: a failed keyring
    // write or an earlier token can have left an entry in another.
    let (stores, unreachable) = cache::open_all(&paths, &settings::keyring_options());
    for skipped in &unreachable {
        verbose!(1, "not looking in {}: {}", skipped.tier, skipped.reason);
    }
    let mut removed = Vec::new();
    for record in records {
        let removal = cache::remove_everywhere(&stores, &unreachable, &record.key, &record.store);
        let key = &record.key;
        let who = who(key);
        // Said, not failed: the token was kept in the store the index
        // names, but an older copy may be where this store could not look.
        for (store, why) in &removal.passed_over {
            warning!(
                "passed over {store} for {who}: {why} (the token was kept in {})",
                record.store
            );
        }
        Markers::of(&paths.lock_dir, key).clear();
        if removal.failed.is_empty() {
            let from = match removal.removed_from.as_slice() {
                [] => "already gone".to_string(),
                names => names.join(", "),
            };
            lines.push_str(&format!("removed {who} ({from})\n"));
            removed.push(record);
        } else {
            let why: Vec<String> = removal
                .failed
                .iter()
                .map(|(store, why)| format!("{store}: {why}"))
                .collect();
            failed.push(format!("{who} ({})", why.join("; ")));
        }
    }
    // A record whose token may still be somewhere stays listed, so that
    // `status` shows it and `logout` can be run again.
    index.remove(|r| removed.contains(r))?;
    output::print(&lines)?;
    if !failed.is_empty() {
        return Err(Error::new(
            Kind::KeyringUnavailable,
            format!("cannot remove {}", failed.join("; ")),
        )
        .with_hint("unlock the keyring and run logout again")
        .into());
    }
    Ok(())
}

/// An account as `logout` names it. The indexes are files anyone of this
/// user can edit: shown like server text, as `status` does.
fn who(key: &CacheKey) -> String {
    let clean = crate::error::sanitize;
    format!(
        "{} {} {}",
        clean(&crate::redact::url(&key.host)),
        clean(&key.scope),
        clean(&key.username)
    )
}
