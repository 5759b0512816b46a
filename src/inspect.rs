//! `regards-token inspect [TOKEN | -]`: a token's header and claims,
//! decoded offline. Only the claims REGARDS defines are shown with their
//! values: a token from an identity-provider login also carries that
//! provider's own access token, which is a secret too, so other claims are
//! listed by name only. The signature is never shown.

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::Value;

use crate::cache::Cache;
use crate::cli::{CacheArgs, InspectArgs, ListFormat, ServerArgs, StoreArgs};
use crate::error::Error;
use crate::output;
use crate::settings::{self, CacheValues, Layers, ServerValues};
use crate::token::{self, JsonObject};

const SHOWN: [&str; 5] = ["sub", "tenant", "role", "email", "exp"];
/// What `inspect -` reads: a token comes from an answer of at most 1 MiB
/// (one this tool caches is far shorter: `token::MAX_TOKEN_BYTES`).
const MAX_INPUT_BYTES: u64 = 1024 * 1024;

#[derive(Serialize)]
struct Inspected {
    header: JsonObject,
    claims: JsonObject,
    other_claims: Vec<String>,
    expires_at: Option<String>,
    expires_in: Option<u64>,
    expired: Option<bool>,
}

pub fn run(args: InspectArgs, layers: &Layers) -> anyhow::Result<()> {
    let format = args.format;
    let jwt = match args.token.as_deref() {
        Some("-") => {
            let mut bytes = Vec::new();
            crate::files::read_capped(std::io::stdin().lock(), MAX_INPUT_BYTES, &mut bytes)
                .map_err(|err| Error::usage(format!("cannot read the token from stdin: {err}")))?;
            String::from_utf8(bytes).map_err(|_| {
                Error::usage("cannot read the token from stdin: it is not UTF-8 text")
            })?
        }
        Some(text) => text.to_string(),
        None => cached(args, layers)?,
    };
    let (header, claims) = token::decode(&jwt).map_err(|why| {
        let why =
            whole_line(&jwt).map_or(why, |line| format!("this is {line}, not the token alone"));
        Error::usage(format!("not a token: {why}"))
            .with_hint("pass the token alone, e.g. regards-token get | regards-token inspect -")
    })?;
    let (shown, other_claims): (Vec<_>, Vec<_>) = claims
        .into_iter()
        .partition(|(name, _)| SHOWN.contains(&name.as_str()));
    let claims: JsonObject = shown.into_iter().collect();
    let exp = claims.get("exp").and_then(Value::as_u64);
    let expires =
        exp.and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)));
    let now = SystemTime::now();
    let inspected = Inspected {
        header,
        claims,
        other_claims: other_claims.into_iter().map(|(name, _)| name).collect(),
        expires_at: expires.map(|at| humantime::format_rfc3339_seconds(at).to_string()),
        expires_in: expires.map(|at| at.duration_since(now).unwrap_or_default().as_secs()),
        expired: expires.map(|at| at <= now),
    };
    let text = match format {
        ListFormat::Json => {
            // SAFETY-style note: JSON values and strings serialize.
            let mut text = serde_json::to_string_pretty(&inspected).expect("JSON serializes");
            text.push('\n');
            text
        }
        ListFormat::Text => text(&inspected, expires, now),
    };
    output::print(&text)
}

/// What a line that holds a token but is more than one is, when it is what
/// another `--format` of `get` prints: said instead of which character
/// a token cannot have, and without quoting the line.
fn whole_line(input: &str) -> Option<&'static str> {
    let input = input.trim_start();
    let starts = |prefix: &str| {
        input
            .get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    if starts("authorization:") {
        Some("an `Authorization:` header line (what get --format header prints)")
    } else if starts("export ") {
        Some("a shell `export` line (what get --format env prints)")
    } else if starts("header") && input.contains("Authorization:") {
        Some("a curl config line (what get --format curl prints)")
    } else if input.starts_with('{') {
        Some("a JSON document (get --format json prints one; its access_token is the token)")
    } else {
        None
    }
}

/// The token `get` would print from the cache, without logging in.
fn cached(args: InspectArgs, layers: &Layers) -> anyhow::Result<String> {
    let server = ServerArgs {
        account: args.account,
        ..ServerArgs::default()
    };
    let key = ServerValues::gather(server, layers)?.account()?;
    let store = StoreArgs {
        cache: args.cache,
        no_cache: false,
    };
    let cache = CacheArgs {
        store,
        ..CacheArgs::default()
    };
    let cache = CacheValues::gather(cache, layers)?.into_settings()?;
    let not_cached = || {
        Error::usage(format!(
            "no cached token for {} on {} ({})",
            key.username, key.host, key.scope
        ))
        .with_hint("run 'regards-token get' first, or pass a token (or - for stdin)")
    };
    let Some(paths) = &cache.paths else {
        return Err(not_cached().into());
    };
    let keyring = settings::keyring_options();
    let Some(mut cache) = Cache::open(cache.mode, paths, &keyring, key.clone())? else {
        return Err(not_cached().into());
    };
    let token = cache.read().ok_or_else(not_cached)?;
    Ok(token.value.expose().clone())
}

fn text(inspected: &Inspected, expires: Option<SystemTime>, now: SystemTime) -> String {
    let mut lines = Vec::new();
    let mut line = |label: &str, value: String| lines.push(format!("{label:<10} {value}"));
    let field = |map: &JsonObject, key: &str| match map.get(key) {
        Some(Value::String(text)) => crate::error::sanitize(text),
        Some(other) => crate::error::sanitize(&other.to_string()),
        None => "-".into(),
    };
    line("algorithm", field(&inspected.header, "alg"));
    line("type", field(&inspected.header, "typ"));
    line("subject", field(&inspected.claims, "sub"));
    line("tenant", field(&inspected.claims, "tenant"));
    line("role", field(&inspected.claims, "role"));
    line("email", field(&inspected.claims, "email"));
    let expiry = match (expires, &inspected.expires_at) {
        (Some(at), Some(shown)) if at > now => {
            format!(
                "{shown} ({} left)",
                output::human(at.duration_since(now).unwrap_or_default())
            )
        }
        (Some(at), Some(shown)) => {
            format!(
                "{shown} (expired {} ago)",
                output::human(now.duration_since(at).unwrap_or_default())
            )
        }
        _ => "- (no exp claim)".into(),
    };
    line("expires", expiry);
    if !inspected.other_claims.is_empty() {
        let names: Vec<String> = inspected
            .other_claims
            .iter()
            .map(|n| crate::error::sanitize(n))
            .collect();
        line("other", format!("{} (values not shown)", names.join(", ")));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}
