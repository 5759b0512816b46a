//! `regards-token status` and `regards-token logout`: what the cache holds,
//! and removing it. Both work from the index, so they never prompt a
//! keyring for a listing (logout opens only the stores it removes from).

use std::time::SystemTime;

use serde::Serialize;

use crate::cache::{self, index::IndexFile, index::Record};
use crate::cli::{ListFormat, LogoutArgs, StatusArgs};
use crate::error::{Error, Kind};
use crate::host::Host;
use crate::output;
use crate::settings::{self, Layers};
use crate::warning;

#[derive(Serialize)]
struct Listed<'a> {
    host: String,
    scope: &'a str,
    username: &'a str,
    client_id: &'a str,
    role: Option<&'a str>,
    tenant: Option<&'a str>,
    store: &'a str,
    expires_at: String,
    expires_in: u64,
    expired: bool,
}

pub fn status(args: StatusArgs) -> anyhow::Result<()> {
    let paths = settings::cache_paths()?;
    let records = IndexFile::new(&paths.cache_dir, &paths.lock_dir).records();
    let now = SystemTime::now();
    let listed: Vec<Listed> = records.iter().map(|r| listed(r, now)).collect();
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

fn listed(record: &Record, now: SystemTime) -> Listed<'_> {
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
        store: &record.store,
        expires_at: humantime::format_rfc3339_seconds(expires_at).to_string(),
        expires_in: left.as_secs(),
        expired: left.is_zero(),
    }
}

fn text_line(entry: &Listed) -> String {
    let left = if entry.expired {
        "expired".to_string()
    } else {
        format!(
            "{} left",
            output::human(std::time::Duration::from_secs(entry.expires_in))
        )
    };
    // The role came from a server's answer: shown like any server text.
    let clean = crate::error::sanitize;
    format!(
        "{} {} {} role={} store={} expires={} ({left})\n",
        entry.host,
        clean(entry.scope),
        clean(entry.username),
        clean(entry.role.unwrap_or("-")),
        entry.store,
        entry.expires_at,
    )
}

pub fn logout(args: LogoutArgs, layers: &Layers) -> anyhow::Result<()> {
    let value = |s: Option<settings::Sourced<String>>| s.map(|s| s.value);
    let host = value(layers.text(
        args.host,
        "--host",
        &["REGARDS_HOST", "REGARDS_BASE_URL"],
        "host",
    ));
    let host = host.as_deref().map(Host::parse).transpose()?;
    let scope = value(layers.text(
        args.scope,
        "--scope",
        &["REGARDS_SCOPE", "REGARDS_TENANT"],
        "scope",
    ));
    let username = value(layers.text(
        args.username,
        "--username",
        &["REGARDS_USERNAME"],
        "username",
    ));
    if !args.all && host.is_none() && scope.is_none() && username.is_none() {
        return Err(Error::usage("say which tokens to remove")
            .with_hint("pass --host, --scope or --username (or set their variables), or --all")
            .into());
    }
    let selected = |r: &Record| {
        args.all
            || (host.as_ref().is_none_or(|h| h.as_str() == r.key.host)
                && scope.as_ref().is_none_or(|s| *s == r.key.scope)
                && username.as_ref().is_none_or(|u| *u == r.key.username))
    };
    let paths = settings::cache_paths()?;
    let keyring = settings::keyring_options();
    let index = IndexFile::new(&paths.cache_dir, &paths.lock_dir);
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for record in index.records().into_iter().filter(|r| selected(r)) {
        let outcome = cache::open_named(&record.store, &paths, &keyring)
            .map_err(|skipped| skipped.reason)
            .and_then(|store| store.delete(&record.key).map_err(|err| err.0));
        match outcome {
            Ok(_) => removed.push(record),
            Err(why) => failed.push(format!(
                "{} {} {} ({}): {why}",
                record.key.host, record.key.scope, record.key.username, record.store
            )),
        }
    }
    index.remove(|r| removed.contains(r))?;
    let text: String = removed
        .iter()
        .map(|r| {
            format!(
                "removed {} {} {} ({})\n",
                r.key.host, r.key.scope, r.key.username, r.store
            )
        })
        .collect();
    if removed.is_empty() && failed.is_empty() {
        warning!("no cached token matched");
    }
    output::print(&text)?;
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
