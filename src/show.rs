//! `regards-token config path` and `config show`: where the configuration
//! file is, and what every setting resolves to with where it came from.
//! Secrets are shown as `[redacted]`, and the password only by its source;
//! the host as any URL the tool prints (`redact::url`).

use std::time::Duration;

use crate::cache::remembered;
use crate::cli::{CacheArgs, ShowArgs};
use crate::output;
use crate::redact;
use crate::settings::{self, CacheValues, Layers, Origin, PasswordSource, ServerValues, Sourced};

pub fn path() -> anyhow::Result<()> {
    match settings::config_path().0 {
        Some(path) => output::print(&format!("{}\n", path.display())),
        None => Err(crate::error::Error::usage(
            "no config path: neither XDG_CONFIG_HOME nor HOME is set",
        )
        .with_hint("point REGARDS_TOKEN_CONFIG at a file")
        .into()),
    }
}

pub fn show(args: ShowArgs, layers: &Layers) -> anyhow::Result<()> {
    let server = ServerValues::gather(args.server, layers)?;
    let cache = CacheArgs {
        store: args.store,
        min_ttl: args.min_ttl,
        lock: args.lock,
        ..CacheArgs::default()
    };
    let cache = CacheValues::gather(cache, layers)?;
    let password = PasswordSource::resolve(&args.password);
    let mut rows: Vec<(&str, String)> = Vec::new();
    let config = &layers.config;
    let found = if config.exists { "" } else { " (not found)" };
    rows.push(("config", format!("{}{found}", config.path.display())));
    rows.push((
        "profile",
        match (&config.profile, &layers.profile_origin) {
            (Some(name), Some(origin)) => format!("{name} ({origin})"),
            _ => "(none)".into(),
        },
    ));
    let text = |value: &Option<Sourced<String>>| match value {
        Some(v) => format!("{} ({})", v.value, v.origin),
        None => "(not set)".into(),
    };
    // As typed, so it may hold a `login:password@` or a query.
    let host = server
        .host
        .as_ref()
        .map(|h| Sourced::new(redact::url(&h.value), h.origin.clone()));
    rows.push(("host", text(&host)));
    rows.push(("scope", text(&server.scope)));
    rows.push(("username", text(&server.username)));
    rows.push(("client_id", text(&Some(server.client_id.clone()))));
    rows.push((
        "client_secret",
        format!("[redacted] ({})", server.client_secret.origin),
    ));
    rows.push(("ca_cert", text(&server.ca_cert)));
    let style = format!("{:?}", server.request_style.value).to_lowercase();
    rows.push((
        "request_style",
        format!("{style} ({})", server.request_style.origin),
    ));
    rows.push(("timeout", duration(&server.timeout)));
    rows.push((
        "retries",
        format!("{} ({})", server.retries.value, server.retries.origin),
    ));
    let flag = |on: bool, name: &str| match on {
        true => format!("yes (flag --{name})"),
        false => "no (default)".to_string(),
    };
    rows.push(("insecure", flag(server.insecure, "insecure")));
    rows.push(("allow_http", flag(server.allow_http, "allow-http")));
    let mode = format!("{:?}", cache.mode.value).to_lowercase();
    rows.push(("cache", format!("{mode} ({})", cache.mode.origin)));
    rows.push(("min_ttl", duration(&cache.min_ttl)));
    rows.push(("lock_timeout", duration(&cache.lock_timeout)));
    rows.push(("password", describe_password(&password, &server)));
    let lines: String = rows
        .iter()
        .map(|(key, value)| format!("{key:<14} {value}\n"))
        .collect();
    output::print(&lines)
}

/// Where the password would come from: a remembered one comes after a
/// password given and before the prompt. The index says whether there is
/// one, without asking a keyring.
fn describe_password(source: &PasswordSource, server: &ServerValues) -> String {
    if !source.is_given()
        && let Ok(account) = server.account()
        && let Ok(paths) = settings::cache_paths()
        && let Some(record) = remembered::index(&paths)
            .records()
            .into_iter()
            .find(|r| r.key == account)
    {
        let store = crate::cache::keyring::plain_name(&record.store);
        return match record.disabled_at {
            Some(_) => {
                format!("remembered in {store}, refused by the server: run 'regards-token login'")
            }
            None => format!("remembered in {store} (regards-token login)"),
        };
    }
    source.describe()
}

fn duration(value: &Sourced<Duration>) -> String {
    let origin: &Origin = &value.origin;
    format!("{} ({origin})", humantime::format_duration(value.value))
}
