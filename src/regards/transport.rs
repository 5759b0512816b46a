//! Sending the login request, and the retry rules.
//!
//! A login is sent again only when the previous attempt provably never
//! reached the application: no connection could be made, or the gateway
//! answered 503 itself. A timeout or a broken connection after the request
//! went out, a 502 or a 504 may come after rs-authentication checked the
//! password, so they are final like a refusal: every judged wrong password
//! brings the account closer to being locked.

use std::io::Read;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::Serialize;

use super::RequestStyle;
use super::Server;
use super::client::{Tls, USER_AGENT, client};
use super::failure::{Failure, FailureKind, Verdict, check_scheme};
use super::{Granted, LoginFailed, Outcome, Unexpected, classify, outcome_error};
use crate::error::Error;
use crate::redact::{self, Scrubber};
use crate::secret::Secret;
use crate::verbose;

/// A token answer is a few kilobytes; anything this large is not one, and
/// reading it all would let a hostile server fill the memory.
pub const MAX_ANSWER_BYTES: u64 = 1024 * 1024;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// A Retry-After longer than this is not honoured: the command would look hung.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

pub struct Transport {
    client: Client,
}

/// One answer, read and classified.
struct Reply {
    outcome: Outcome,
    received_at: SystemTime,
    retry_after: Option<Duration>,
}

#[derive(Serialize)]
struct LoginBody<'a> {
    username: &'a str,
    password: &'a str,
    scope: &'a str,
    grant_type: &'static str,
}

impl Transport {
    pub fn new(server: &Server) -> anyhow::Result<Transport> {
        let tls = Tls {
            extra_roots: server.ca_roots.as_deref(),
            insecure: server.insecure,
        };
        Ok(Transport {
            client: client(&server.host, &tls, server.timeout)?,
        })
    }

    /// Sends the login, again only after an attempt that provably never
    /// reached the application. Anything else is final for this run,
    /// whether or not a verdict came back: the server may have judged it.
    pub fn login(
        &self,
        server: &Server,
        password: &Secret<String>,
        before_send: &mut dyn FnMut() -> Result<(), Error>,
    ) -> Result<(Granted, SystemTime), LoginFailed> {
        if server.request_style == RequestStyle::Query {
            crate::warning!(
                "--request-style query puts the password in the URL, where server and proxy logs record it"
            );
        }
        let attempts = server.retries.saturating_add(1);
        let mut attempt = 1;
        loop {
            before_send().map_err(|error| LoginFailed {
                error,
                verdict: Verdict::NotJudged,
                scoped: false,
            })?;
            let (reason, retry_after) = match self.attempt(server, password) {
                Ok(Reply {
                    outcome: Outcome::Granted(granted),
                    received_at,
                    ..
                }) => return Ok((granted, received_at)),
                Ok(reply) if reply.outcome.retryable() && attempt < attempts => {
                    (describe(&reply.outcome), reply.retry_after)
                }
                Ok(reply) => {
                    return Err(LoginFailed {
                        verdict: reply.outcome.verdict(),
                        scoped: reply.outcome.scoped(),
                        error: outcome_error(reply.outcome, server),
                    });
                }
                Err(failure) => {
                    let failure = Failure {
                        kind: check_scheme(failure.kind, &server.host, server.timeout),
                        ..failure
                    };
                    if !(failure.retryable() && attempt < attempts) {
                        return Err(LoginFailed {
                            verdict: failure.verdict(),
                            scoped: false,
                            error: failure.into_login_error(&server.host, server.timeout),
                        });
                    }
                    (failure.cause, None)
                }
            };
            let delay = retry_after.unwrap_or_else(|| backoff(attempt));
            attempt += 1;
            verbose!(
                1,
                "retrying in {} ms ({reason}; the password was not checked): attempt {attempt} of {attempts}",
                delay.as_millis(),
            );
            std::thread::sleep(delay);
        }
    }

    fn attempt(&self, server: &Server, password: &Secret<String>) -> Result<Reply, Failure> {
        // A server may quote the request back: every text it sends is
        // scrubbed of the secrets before it is logged, shown or stored.
        let scrubber = server.scrubber(password);
        let url = token_url(server, password);
        verbose!(1, "POST {}", redact::url(url.as_str()));
        let mut request = self
            .client
            .post(url)
            .header(ACCEPT, "application/json")
            .basic_auth(&server.client_id, Some(server.client_secret.expose()));
        verbose!(2, "> accept: application/json");
        verbose!(2, "> user-agent: {USER_AGENT}");
        verbose!(2, "> authorization: [redacted]");
        if server.request_style == RequestStyle::Json {
            let body = LoginBody {
                username: &server.username,
                password: password.expose(),
                scope: &server.scope,
                grant_type: "password",
            };
            // SAFETY-style note: serializing a struct of strings cannot fail.
            let body = serde_json::to_vec(&body).expect("a struct of strings serializes");
            verbose!(2, "> content-type: application/json");
            verbose!(
                2,
                "> (JSON body with username, password [redacted], scope, grant_type)"
            );
            request = request.header(CONTENT_TYPE, "application/json").body(body);
        }
        let started = Instant::now();
        // Settings bound the timeout to an hour; the bound here keeps a
        // `Server` built some other way from overflowing the clock.
        let deadline = started + server.timeout.min(super::MAX_TIMEOUT);
        let result = request
            .send()
            .map_err(Failure::from_reqwest)
            .and_then(|response| read_reply(response, deadline, &scrubber))
            .map_err(|failure| Failure {
                cause: scrubber.scrub(&failure.cause),
                ..failure
            });
        let elapsed = started.elapsed().as_millis();
        match &result {
            Ok(reply) => verbose!(1, "answer {} in {elapsed} ms", describe(&reply.outcome)),
            Err(failure) => verbose!(1, "failed after {elapsed} ms: {}", failure.cause),
        }
        result
    }
}

/// The token URL with the query the request style asks for. Pairs are
/// form-encoded, so `& + # % =` and spaces in a password survive.
fn token_url(server: &Server, password: &Secret<String>) -> Url {
    let mut url = server.host.token_url();
    {
        let mut query = url.query_pairs_mut();
        if server.request_style == RequestStyle::Query {
            query.append_pair("grant_type", "password");
        }
        // The security filter reads the scope from the query string even
        // when the body has it: it must be here in both styles.
        query.append_pair("scope", &server.scope);
        if server.request_style == RequestStyle::Query {
            query.append_pair("username", &server.username);
            query.append_pair("password", password.expose());
        }
    }
    url
}

fn read_reply(
    mut response: Response,
    deadline: Instant,
    scrubber: &Scrubber,
) -> Result<Reply, Failure> {
    let status = response.status().as_u16();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (content_type, location) = (header(CONTENT_TYPE), header(LOCATION));
    let retry_after = header(RETRY_AFTER)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|secs| Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    for (name, value) in response.headers() {
        // Any header may carry a URL (location, content-location, link,
        // refresh): all go through the URL redaction.
        let value = match name.as_str() {
            "set-cookie" | "authorization" => redact::HIDDEN.into(),
            _ => redact::url(&scrubber.scrub(value.to_str().unwrap_or("[not text]"))),
        };
        verbose!(2, "< {name}: {}", crate::error::sanitize(&value));
    }
    let received_at = SystemTime::now();
    let too_large = Reply {
        outcome: Outcome::NotRegards {
            status,
            what: Unexpected::TooLarge,
        },
        received_at,
        retry_after: None,
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_ANSWER_BYTES)
    {
        return Ok(too_large);
    }
    let Some(body) = read_body(&mut response, deadline)? else {
        return Ok(too_large);
    };
    let outcome = classify(status, content_type.as_deref(), location.as_deref(), &body);
    let outcome = outcome.scrubbed(scrubber);
    Ok(Reply {
        outcome,
        received_at,
        retry_after,
    })
}

/// The body, or `None` when it outgrows `MAX_ANSWER_BYTES`. Each read is
/// bounded by the client's timeout, but a server trickling a byte at a
/// time would never trip it: the attempt's deadline is checked between
/// reads, so an attempt lasts at most about twice `--timeout`.
fn read_body(response: &mut Response, deadline: Instant) -> Result<Option<Vec<u8>>, Failure> {
    let mut body = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        if Instant::now() >= deadline {
            return Err(Failure {
                kind: FailureKind::Timeout,
                cause: "the answer did not arrive in time".into(),
            });
        }
        match response.read(&mut chunk) {
            Ok(0) => return Ok(Some(body)),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Failure::from_io(&err)),
        }
        if body.len() as u64 > MAX_ANSWER_BYTES {
            return Ok(None);
        }
    }
}

/// A short, secret-free description of an answer for `-v` logs.
fn describe(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Granted(_) => "HTTP 200, token granted".into(),
        Outcome::LoginRefused { code, .. } => {
            format!("HTTP 400, login refused ({})", crate::error::sanitize(code))
        }
        Outcome::ClientRejected { status } => format!("HTTP {status}, client or scope rejected"),
        Outcome::RequestRejected { status, .. } => format!("HTTP {status}, request rejected"),
        Outcome::Maintenance => "HTTP 515, project in maintenance".into(),
        Outcome::GatewayUnavailable { .. } => "HTTP 503, login service unreachable".into(),
        Outcome::ServerError { status, .. } => format!("HTTP {status}, server failing"),
        Outcome::Redirect { status, .. } => format!("HTTP {status}, redirect"),
        Outcome::NotRegards { status, .. } => format!("HTTP {status}, not a REGARDS answer"),
    }
}

fn backoff(attempt: u32) -> Duration {
    let full = FIRST_BACKOFF
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    // Jitter keeps the CI jobs that failed together from retrying together.
    full / 2 + full.mul_f64(fastrand::f64() / 2.0)
}
