//! The HTTP client every request to the gateway goes through: no
//! redirects, bounded waits, the system's trust store plus `--ca-cert`,
//! and never a proxy for a host on this machine.

use std::time::Duration;

use anyhow::Context;
use reqwest::Certificate;
use reqwest::blocking::Client;

use super::failure::root_cause;
use crate::error::Error;
use crate::host::Host;

pub const USER_AGENT: &str = concat!("regards-token/", env!("CARGO_PKG_VERSION"));
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The system's whole bundle of roots is about 200 KiB; twenty times that
/// is no CA file.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How to verify the server's certificate.
pub struct Tls<'a> {
    /// From `--ca-cert`, already read (see `read_ca_bundle`).
    pub extra_roots: Option<&'a [Certificate]>,
    pub insecure: bool,
}

/// The HTTP client every request to the gateway goes through.
pub fn client(host: &Host, tls: &Tls, timeout: Duration) -> anyhow::Result<Client> {
    let mut builder = Client::builder()
        .user_agent(USER_AGENT)
        // A 3xx means a wrong host; following it would turn the POST into
        // a GET or send the password to another server.
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .timeout(timeout)
        // Shorter than the whole attempt's bound, so that a host that never
        // answers fails as a connection (nothing sent: retried) rather
        // than as an attempt that may have been judged.
        .connect_timeout(timeout.mul_f64(0.9).min(MAX_CONNECT_TIMEOUT));
    if host.is_loopback() {
        // A proxy from the environment would carry a loopback request,
        // password included, off this machine (in clear for http://).
        builder = builder.no_proxy();
    }
    if !host.is_https() {
        // No TLS will happen: skip loading and parsing the system's whole
        // CA bundle, which is most of a plain-HTTP run's work.
        builder = builder.tls_certs_only(std::iter::empty());
    } else if let Some(roots) = tls.extra_roots {
        builder = builder.tls_certs_merge(roots.iter().cloned());
    }
    if tls.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    Ok(builder.build().map_err(|err| {
        Error::usage(format!("cannot set up HTTPS: {}", root_cause(&err)))
            .with_hint("check --ca-cert, and that the system's CA certificates are installed")
    })?)
}

/// Whether `host`'s port answers in the other scheme (`https` or `http`):
/// a GET without credentials, bounded by `timeout` (5 s at most), to tell
/// why a login got no HTTP answer or no TLS handshake. The certificate
/// does not matter here, only that the port speaks TLS.
pub fn speaks(host: &Host, scheme: &str, timeout: Duration) -> bool {
    let Ok(other) = Host::parse(&host.with_scheme(scheme)) else {
        return false;
    };
    let mut builder = Client::builder()
        .user_agent(USER_AGENT)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout.min(Duration::from_secs(5)))
        .danger_accept_invalid_certs(true);
    if other.is_loopback() {
        builder = builder.no_proxy();
    }
    let Ok(probe) = builder.build() else {
        return false;
    };
    probe.get(other.token_url()).send().is_ok()
}

/// Reads a `--ca-cert` bundle. Settings call it before anything else
/// happens, so a bad file is reported before a password is asked for, and
/// even when a cached token makes the network unnecessary.
pub fn read_ca_bundle(path: &std::path::Path) -> anyhow::Result<Vec<Certificate>> {
    let pem = crate::files::read_input(path, MAX_CA_FILE_BYTES).map_err(|err| {
        Error::usage(format!("cannot read the CA file {}: {err}", path.display()))
    })?;
    let certs = Certificate::from_pem_bundle(&pem)
        .ok()
        .filter(|certs| !certs.is_empty())
        .ok_or_else(|| Error::usage(format!("{} holds no PEM certificate", path.display())))
        .context("--ca-cert")?;
    Ok(certs)
}
