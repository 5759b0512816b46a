//! An anonymous request to the token endpoint, for `doctor`: it shows
//! whether the host is a REGARDS gateway, whether TLS works and what time
//! the server has, without sending any credential, so no account is judged.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{CONTENT_TYPE, DATE};

use super::client::{Tls, client};
use super::failure::{Failure, FailureKind, check_scheme};
use crate::error::Error;
use crate::host::Host;

pub struct Probe {
    pub status: u16,
    pub html: bool,
    /// The server's `Date` header, when it sent one that parses.
    pub date: Option<SystemTime>,
    /// The local time halfway through the exchange, to compare with `date`.
    pub local: SystemTime,
    pub elapsed: Duration,
}

/// Why the probe got no answer: a TLS failure is a check of its own.
pub enum ProbeFailure {
    Tls(Error),
    Other(anyhow::Error),
}

/// A GET without scope or credentials: the gateway's security filter
/// answers it (401 on REGARDS) before any account is looked at.
pub fn probe(host: &Host, tls: &Tls, timeout: Duration) -> Result<Probe, ProbeFailure> {
    let client = client(host, tls, timeout).map_err(ProbeFailure::Other)?;
    let started = Instant::now();
    let before = SystemTime::now();
    let response = client
        .get(host.token_url())
        .header("accept", "application/json")
        .send()
        .map_err(|err| {
            // The same diagnosis as a login's: the scheme to use, or the
            // TLS failure with its hint.
            let failure = Failure::from_reqwest(err);
            let failure = Failure {
                kind: check_scheme(failure.kind, host, timeout),
                ..failure
            };
            let tls = failure.kind == FailureKind::Tls;
            let error = failure.into_error(host, timeout);
            if tls {
                ProbeFailure::Tls(error)
            } else {
                ProbeFailure::Other(error.into())
            }
        })?;
    let elapsed = started.elapsed();
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
    let html = header(CONTENT_TYPE).is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
    let date = header(DATE).and_then(|d| httpdate::parse_http_date(d).ok());
    Ok(Probe {
        status: response.status().as_u16(),
        html,
        date,
        local: before + elapsed / 2,
        elapsed,
    })
}
