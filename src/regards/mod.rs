//! The REGARDS token endpoint: building the login request, sending it with
//! the retry rules, and turning every answer into a token or a typed error.
//!
//! `answer` classifies one answer; `transport` sends requests and decides
//! about retries; this file turns outcomes into what a person reads.

mod answer;
mod client;
mod failure;
mod identity;
mod probe;
mod server;
mod transport;

use std::time::SystemTime;

pub use answer::{Granted, Outcome, Unexpected, classify};
pub use client::{Tls, read_ca_bundle};
pub use failure::Verdict;
pub use probe::{Probe, ProbeFailure, probe};
pub use server::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_RETRIES, DEFAULT_TIMEOUT, MAX_TIMEOUT,
    RequestStyle, Server, parse_timeout,
};
pub use transport::Transport;

use crate::error::{Error, Kind, sanitize};
use crate::secret::Secret;
use crate::token::Token;

/// A login that got no token, and whether the server may have judged the
/// password: the caller records that for parallel runs.
#[derive(Debug)]
pub struct LoginFailed {
    pub error: Error,
    pub verdict: Verdict,
    /// The failure concerns the project, not the account (no access to
    /// it, an unknown one): other projects of the account are not held back.
    pub scoped: bool,
}

impl LoginFailed {
    fn not_judged(error: anyhow::Error) -> LoginFailed {
        let error = match error.downcast::<Error>() {
            Ok(typed) => typed,
            Err(other) => Error::usage(format!("{other:#}")),
        };
        LoginFailed {
            error,
            verdict: Verdict::NotJudged,
            scoped: false,
        }
    }
}

/// Logs in once (plus the retries the rules allow) and returns the token.
/// `before_send` runs before each attempt goes out (to record it for
/// parallel runs); its error stops the login before anything is sent.
pub fn login(
    server: &Server,
    password: &Secret<String>,
    before_send: &mut dyn FnMut() -> Result<(), Error>,
) -> Result<Token, LoginFailed> {
    let transport = Transport::new(server).map_err(LoginFailed::not_judged)?;
    let (granted, received_at) = transport.login(server, password, before_send)?;
    let claims = crate::token::decode(granted.access_token.expose())
        .ok()
        .map(|(_, claims)| claims);
    // The server took the password and answered: whatever the token
    // names, the attempt was judged.
    identity::check(server, &granted, claims.as_ref()).map_err(|error| LoginFailed {
        error,
        verdict: Verdict::Unknown,
        scoped: false,
    })?;
    Ok(token_from(granted, received_at))
}

fn token_from(granted: Granted, received_at: SystemTime) -> Token {
    let mut token = Token::new(
        granted.access_token.expose().clone(),
        granted.expires_in,
        received_at,
    );
    // The answer's own fields are authoritative; the JWT claims fill gaps.
    token.role = granted.role.or(token.role);
    token.tenant = granted.tenant.or(token.tenant);
    token.email = granted.email.or(token.email);
    token
}

/// The message and hint for an answer that is not a token.
pub fn outcome_error(outcome: Outcome, server: &Server) -> Error {
    let host = &server.host;
    let scope = &server.scope;
    match outcome {
        Outcome::Granted(_) => Error::new(Kind::NotRegards, "internal: a granted answer is not an error"),
        Outcome::LoginRefused { code, detail } => {
            let code = sanitize(&code);
            let detail = detail.map(|d| format!(": {}", sanitize(&d))).unwrap_or_default();
            Error::new(Kind::Refused, format!("login refused by {host} ({code}){detail}"))
                .with_hint(refusal_hint(&code, scope))
        }
        Outcome::ClientRejected { status } => Error::new(
            Kind::Refused,
            format!("{host} rejected the client credentials or the scope (HTTP {status})"),
        )
        .with_hint(
            "check --client-id and --client-secret (default client/secret) and that --scope names a project",
        ),
        Outcome::RequestRejected { status: 415, .. } => {
            Error::new(Kind::NotRegards, format!("{host} does not accept this request format (HTTP 415)"))
                .with_hint("an older REGARDS server may need --request-style query")
        }
        Outcome::RequestRejected { status, message } => {
            let message = message.map(|m| format!(": {}", sanitize(&m))).unwrap_or_default();
            Error::new(Kind::NotRegards, format!("{host} could not read the login request (HTTP {status}){message}"))
                .with_hint("a REGARDS 1.x server needs --request-style query")
        }
        Outcome::Maintenance => Error::new(Kind::Unavailable, format!("project {scope} on {host} is in maintenance (HTTP 515)"))
            .with_hint("try again later"),
        Outcome::GatewayUnavailable { message } => {
            let message = message.map(|m| format!(": {}", sanitize(&m))).unwrap_or_default();
            Error::new(Kind::Unavailable, format!("{host} could not reach its login service (HTTP 503){message}"))
                .with_hint("the password was not checked; try again later")
        }
        Outcome::ServerError { status: status @ (502 | 504), message } => {
            let message = message.map(|m| format!(": {}", sanitize(&m))).unwrap_or_default();
            Error::new(
                Kind::Unavailable,
                format!(
                    "{host}'s gateway got no answer from its login service (HTTP {status}){message}; \
                     the server may have checked the password, so it was not sent again"
                ),
            )
            .with_hint(failure::judged_hint("try again later"))
        }
        Outcome::ServerError { status, message } => {
            let message = message.map(|m| format!(": {}", sanitize(&m))).unwrap_or_default();
            let hint = if status == 500 {
                // REGARDS also answers 500 for a project it does not know.
                format!("check that project {scope} exists; otherwise the server is failing: try again later")
            } else {
                "the server is failing; try again later, or tell its administrators if it persists".into()
            };
            Error::new(Kind::Unavailable, format!("{host} failed to answer (HTTP {status}){message}")).with_hint(hint)
        }
        Outcome::Redirect { status, location } => {
            let target = location
                .map(|l| format!(" to {}", sanitize(&crate::redact::url(&l))))
                .unwrap_or_default();
            Error::new(Kind::NotRegards, format!("{host} answered with a redirect (HTTP {status}){target}"))
                .with_hint("the token endpoint never redirects: check --host (https:// instead of http://? a path prefix?)")
        }
        Outcome::NotRegards { status, what } => not_regards(host, status, what),
    }
}

fn not_regards(host: &crate::host::Host, status: u16, what: Unexpected) -> Error {
    let check_host = "check --host: it must be the REGARDS gateway's base URL";
    let (message, hint) = match what {
        Unexpected::WebPage => (format!("{host} answered with a web page, not a token (HTTP {status})"), check_host.to_string()),
        Unexpected::Firewall => (
            format!("a web application firewall in front of {host} rejected the request (HTTP {status})"),
            "the firewall's administrators can tell why; quote the support ID of its page (see it with curl)".to_string(),
        ),
        Unexpected::NotFound => (format!("{host} has no REGARDS token endpoint (HTTP 404)"), check_host.to_string()),
        Unexpected::InvalidJson => (format!("{host} answered with something that is not JSON (HTTP {status})"), check_host.to_string()),
        Unexpected::BadAnswer(why) => (format!("{host} answered with JSON that is not a token: {why}"), check_host.to_string()),
        Unexpected::Status => (format!("{host} answered with an unexpected HTTP status {status}"), check_host.to_string()),
        Unexpected::TooLarge => (
            format!("{host} answered with more than {} bytes, far more than a token", transport::MAX_ANSWER_BYTES),
            check_host.to_string(),
        ),
    };
    Error::new(Kind::NotRegards, message).with_hint(hint)
}

/// What to do next, per REGARDS status. Every hint warns against blind
/// retries where another failure would bring the account closer to lockout.
fn refusal_hint(code: &str, scope: &str) -> String {
    match code {
        "ACCOUNT_UNKNOWN" | "invalid_grant" => "wrong login or password; check them before trying again: \
             the account is locked after a few failures"
            .into(),
        "ACCOUNT_PENDING" => "the account awaits validation by an administrator".into(),
        "ACCOUNT_INACTIVE" => "the account is inactive; ask an administrator to reactivate it".into(),
        "ACCOUNT_INACTIVE_PASSWORD" => "the password has expired; set a new one in the REGARDS web interface".into(),
        "ACCOUNT_LOCKED" => "the account is locked after too many failed logins; ask an administrator to unlock it, \
             or use the unlock procedure of the REGARDS web interface"
            .into(),
        "USER_UNKNOWN" => format!("this account has no access to project {scope}; request it in the REGARDS web interface"),
        "USER_WAITING_ACCESS" => format!("access to project {scope} awaits an administrator's approval"),
        "USER_WAITING_EMAIL_VERIFICATION" => "confirm the e-mail address first (see the message REGARDS sent)".into(),
        "USER_ACCESS_DENIED" => format!("access to project {scope} was denied by its administrators"),
        "USER_ACCESS_INACTIVE" => format!("access to project {scope} is inactive; ask its administrators"),
        "INSTANCE_ACCESS_DENIED" => "only instance administrators may log in with scope 'instance'".into(),
        _ => "the server refused this login; do not retry blindly: failed logins lock the account".into(),
    }
}
