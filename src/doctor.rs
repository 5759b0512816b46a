//! `regards-token doctor`: checks the set-up one line at a time, each ok,
//! warn or fail, without logging in. It exits 0 when nothing failed
//! (warnings included), 1 otherwise.

use std::time::Duration;

use crate::cache::CacheMode;
use crate::cache::{self, Probe};
use crate::cli::{AccountArgs, CacheArgs, DoctorArgs, ServerArgs};
use crate::error::Error;
use crate::host::Host;
use crate::output;
use crate::regards::{self, ProbeFailure, Tls};
use crate::settings::{self, CacheValues, Layers, ServerValues};

/// REGARDS allows no clock skew; beyond this, tokens may look expired (or
/// not yet valid) to one side.
const MAX_SKEW: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Ok,
    Warn,
    Fail,
}

struct Report {
    lines: String,
    failed: bool,
}

impl Report {
    fn add(&mut self, level: Level, check: &str, message: impl AsRef<str>) {
        let tag = match level {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        };
        self.failed |= level == Level::Fail;
        self.lines
            .push_str(&format!("{tag:<5}{check:<8}{}\n", message.as_ref()));
    }

    /// The hint `get` gives with the same error, under the line it is for.
    fn hint(&mut self, hint: Option<&str>) {
        if let Some(hint) = hint {
            self.lines.push_str(&format!("{:13}hint: {hint}\n", ""));
        }
    }
}

pub fn run(args: DoctorArgs, profile: Option<String>) -> anyhow::Result<()> {
    let mut report = Report {
        lines: String::new(),
        failed: false,
    };
    let layers = config(&mut report, profile);
    let layers = layers.unwrap_or_else(|| Layers {
        config: Default::default(),
        profile_origin: None,
    });
    let store = CacheArgs {
        store: args.store,
        ..CacheArgs::default()
    };
    cache(&mut report, store, &layers);
    let server_args = ServerArgs {
        account: AccountArgs {
            host: args.host,
            ..AccountArgs::default()
        },
        connect: args.connect,
        ..ServerArgs::default()
    };
    server(&mut report, server_args, &layers);
    output::print(&report.lines)?;
    if report.failed {
        return Err(Error::new(crate::error::Kind::DoctorFailed, "some checks failed").into());
    }
    Ok(())
}

fn config(report: &mut Report, profile: Option<String>) -> Option<Layers> {
    match Layers::load(profile) {
        Ok(layers) => {
            let selected = &layers.config;
            let profile = selected
                .profile
                .as_deref()
                .map(|p| format!(", profile {p}"))
                .unwrap_or_default();
            if selected.exists {
                report.add(
                    Level::Ok,
                    "config",
                    format!("{}{profile}", selected.path.display()),
                );
            } else {
                report.add(
                    Level::Ok,
                    "config",
                    format!("no file at {} (optional)", selected.path.display()),
                );
            }
            Some(layers)
        }
        Err(err) => {
            report.add(Level::Fail, "config", err.to_string());
            None
        }
    }
}

/// Stores, reads back and removes a test entry in the store `get` would
/// use, picked by the same code, so that the two cannot disagree.
fn cache(report: &mut Report, args: CacheArgs, layers: &Layers) {
    let mode = match CacheValues::gather(args, layers) {
        Ok(values) => values.mode.value,
        Err(err) => return report.add(Level::Fail, "cache", err.to_string()),
    };
    if mode == CacheMode::None {
        return report.add(Level::Ok, "cache", "--cache none: every get logs in");
    }
    let paths = match settings::cache_paths() {
        Ok(paths) => paths,
        Err(err) => return report.add(Level::Fail, "cache", format!("{err:#}")),
    };
    match cache::probe(mode, &paths, &settings::keyring_options()) {
        None => report.add(Level::Ok, "cache", "--cache file"),
        Some(Probe::Works(tier)) => report.add(
            Level::Ok,
            "cache",
            format!("keyring: {tier} (a test entry was stored, read back and removed)"),
        ),
        Some(Probe::Degraded(what)) => report.add(Level::Warn, "cache", what),
        Some(Probe::Broken(what)) => report.add(Level::Fail, "cache", what),
    }
}

fn server(report: &mut Report, args: ServerArgs, layers: &Layers) {
    let values = match ServerValues::gather(args, layers) {
        Ok(values) => values,
        Err(err) => return report.add(Level::Fail, "server", err.to_string()),
    };
    let Some(host) = &values.host else {
        return report.add(
            Level::Fail,
            "server",
            "no host given (--host, REGARDS_HOST or the config file)",
        );
    };
    let host = match Host::parse(&host.value) {
        Ok(host) => host,
        Err(err) => return report.add(Level::Fail, "server", err.to_string()),
    };
    let roots = match values
        .ca_cert
        .as_ref()
        .map(|c| regards::read_ca_bundle(c.value.as_ref()))
    {
        Some(Ok(roots)) => Some(roots),
        Some(Err(err)) => return report.add(Level::Fail, "tls", format!("{err:#}")),
        None => None,
    };
    let tls = Tls {
        extra_roots: roots.as_deref(),
        insecure: values.insecure,
    };
    let probe = match regards::probe(&host, &tls, values.timeout.value) {
        Ok(probe) => probe,
        Err(ProbeFailure::Tls(err)) => {
            report.add(Level::Fail, "tls", err.to_string());
            return report.hint(err.hint());
        }
        Err(ProbeFailure::Other(err)) => {
            report.add(Level::Fail, "server", format!("{err:#}"));
            return report.hint(err.downcast_ref::<Error>().and_then(Error::hint));
        }
    };
    let took = probe.elapsed.as_millis();
    match (probe.status, probe.html) {
        (_, true) => report.add(
            Level::Fail,
            "server",
            format!(
                "{host} answered with a web page (HTTP {}): check --host",
                probe.status
            ),
        ),
        (401 | 403 | 405, false) => report.add(
            Level::Ok,
            "server",
            format!(
                "{host} answers like a REGARDS gateway (HTTP {} without credentials, {took} ms)",
                probe.status
            ),
        ),
        (404, false) => report.add(
            Level::Fail,
            "server",
            format!("{host} has no token endpoint (HTTP 404): check --host"),
        ),
        (status, false) => report.add(
            Level::Warn,
            "server",
            format!("{host} answered HTTP {status}, not what a REGARDS gateway says"),
        ),
    }
    match (host.is_https(), values.insecure, host.is_loopback()) {
        (true, false, _) => report.add(Level::Ok, "tls", "certificate verified"),
        (true, true, _) => report.add(
            Level::Warn,
            "tls",
            "--insecure: the certificate is not verified",
        ),
        (false, _, true) => report.add(Level::Ok, "tls", "plain http, on this machine only"),
        (false, _, false) if values.allow_http => report.add(
            Level::Warn,
            "tls",
            "plain http (--allow-http): the password travels unencrypted",
        ),
        (false, _, false) => report.add(
            Level::Fail,
            "tls",
            "plain http to another machine: get refuses it without --allow-http",
        ),
    }
    match probe.date {
        None => report.add(
            Level::Warn,
            "clock",
            "the server sent no Date header to compare with",
        ),
        Some(date) => {
            let (skew, ahead) = match date.duration_since(probe.local) {
                Ok(d) => (d, "ahead of"),
                Err(e) => (e.duration(), "behind"),
            };
            let level = if skew > MAX_SKEW {
                Level::Warn
            } else {
                Level::Ok
            };
            let text = if skew < Duration::from_secs(1) {
                "within 1s of this machine's".to_string()
            } else {
                format!("{} {ahead} this machine's", output::human(skew))
            };
            report.add(
                level,
                "clock",
                format!("the server's clock is {text} (REGARDS allows no skew)"),
            );
        }
    }
}
