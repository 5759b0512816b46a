//! `regards-token status` and `regards-token logout`: what the cache holds,
//! and removing it. Both work from the index, so they never prompt a
//! keyring for a listing; logout removes each selected token from every
//! store that answers.

use std::time::SystemTime;

use serde::Serialize;

use crate::cache::CacheKey;
use crate::cache::marker::{self, Markers};
use crate::cache::{self, index::IndexFile, index::Record};
use crate::cli::{ListFormat, LogoutArgs, StatusArgs};
use crate::error::{Error, Kind};
use crate::host::Host;
use crate::output;
use crate::settings::{self, Layers};
use crate::{verbose, warning};

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
        clean(&entry.host),
        clean(entry.scope),
        clean(entry.username),
        clean(entry.role.unwrap_or("-")),
        clean(entry.store),
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
    let index = IndexFile::new(&paths.cache_dir, &paths.lock_dir);
    let records: Vec<Record> = index.records().into_iter().filter(selected).collect();
    if records.is_empty() {
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
    let mut lines = String::new();
    let mut failed = Vec::new();
    for record in records {
        let removal = cache::remove_everywhere(&stores, &unreachable, &record.key, &record.store);
        // The index is a file anyone of this user can edit: shown like
        // server text, as `status` does.
        let clean = crate::error::sanitize;
        let key = &record.key;
        let who = format!(
            "{} {} {}",
            clean(&crate::redact::url(&key.host)),
            clean(&key.scope),
            clean(&key.username)
        );
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
