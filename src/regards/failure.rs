//! Attempts that got no usable answer: what kind of failure, whether the
//! server may have judged the password, and what a person is told.

use std::time::Duration;

use super::client::speaks;
use crate::error::{Error, Kind};
use crate::host::Host;

/// One attempt that got no usable answer.
pub struct Failure {
    pub kind: FailureKind,
    pub cause: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// No connection was made (refused, no such host, connect timeout):
    /// the request never left this machine.
    Connect,
    /// The TLS handshake failed, before the request was sent.
    Tls,
    /// The request went out and no answer came in time.
    Timeout,
    /// The connection broke after the request went out, before a whole answer.
    Broken,
    /// What came back is not HTTP at all (binary bytes, endless or huge
    /// headers, control bytes in a header).
    NotHttp,
    /// `https://` to a server that answered the TLS handshake in plain
    /// HTTP: nothing was sent.
    SpeaksHttp,
    /// `http://` to a port that speaks TLS: it could not read the request.
    SpeaksHttps,
}

/// Whether the server may have judged the password of a failed login.
/// The retry rules and the markers parallel runs read both follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The server judged the credentials and refused them.
    Refused,
    /// The request may have reached the password check, and no verdict
    /// came back: a second try could be a second judged failure.
    Unknown,
    /// The password was provably not checked: the request never reached
    /// the application, or the application could not read it.
    NotJudged,
}

impl Failure {
    /// Only a failure before the request was sent leaves the password
    /// unjudged.
    pub fn verdict(&self) -> Verdict {
        match self.kind {
            FailureKind::Connect
            | FailureKind::Tls
            | FailureKind::SpeaksHttp
            | FailureKind::SpeaksHttps => Verdict::NotJudged,
            FailureKind::Timeout | FailureKind::Broken | FailureKind::NotHttp => Verdict::Unknown,
        }
    }

    /// A failed connection may work in a moment; a TLS failure is also
    /// before anything was sent, but would fail again in a second.
    pub fn retryable(&self) -> bool {
        self.kind == FailureKind::Connect
    }

    pub fn from_reqwest(err: reqwest::Error) -> Failure {
        // Without its URL: in the query style the URL holds the password.
        let err = err.without_url();
        // A connect timeout is a connect failure: nothing was sent. Any
        // other timeout may have come after the request went out.
        let kind = if err.is_connect() {
            if is_plain_http(&err) {
                FailureKind::SpeaksHttp
            } else if is_tls(&err) {
                FailureKind::Tls
            } else {
                FailureKind::Connect
            }
        } else if is_not_http(&err) {
            FailureKind::NotHttp
        } else if err.is_timeout() {
            FailureKind::Timeout
        } else {
            FailureKind::Broken
        };
        Failure {
            kind,
            cause: root_cause(&err),
        }
    }

    pub fn from_io(err: &std::io::Error) -> Failure {
        let kind = if err.kind() == std::io::ErrorKind::TimedOut {
            FailureKind::Timeout
        } else {
            FailureKind::Broken
        };
        Failure {
            kind,
            cause: root_cause(err),
        }
    }

    /// The error for a request that carried no password (`doctor`'s probe).
    pub fn into_error(self, host: &Host, timeout: std::time::Duration) -> Error {
        let cause = self.cause;
        let waited = humantime::format_duration(timeout);
        match self.kind {
            FailureKind::Timeout => Error::new(Kind::Unavailable, format!("no answer from {host} within {waited}"))
                .with_hint("the server may be overloaded; try again later, or raise --timeout"),
            FailureKind::Connect => Error::new(Kind::Unavailable, format!("cannot connect to {host}: {cause}"))
                .with_hint("check --host and the network; try again later if the server is down"),
            FailureKind::Tls => Error::new(Kind::Unavailable, format!("TLS handshake with {host} failed: {cause}"))
                .with_hint("if the server uses a private certificate authority, pass its certificate with --ca-cert PEM"),
            FailureKind::Broken => Error::new(Kind::Unavailable, format!("the connection to {host} broke before a complete answer: {cause}"))
                .with_hint("try again later"),
            FailureKind::NotHttp => not_http(host, &cause),
            FailureKind::SpeaksHttp => wrong_scheme(host, "plain HTTP, not HTTPS", "http"),
            FailureKind::SpeaksHttps => wrong_scheme(host, "HTTPS, not plain HTTP", "https"),
        }
    }

    /// The error for a login attempt. Where the password may have been
    /// judged, it says so, and why the tool did not try again.
    pub fn into_login_error(self, host: &Host, timeout: std::time::Duration) -> Error {
        const NOT_AGAIN: &str =
            "the server may have checked the password, so it was not sent again";
        let waited = humantime::format_duration(timeout);
        match self.kind {
            FailureKind::Timeout => Error::new(
                Kind::Unavailable,
                format!(
                    "no answer from {host} within {waited} after the login was sent; {NOT_AGAIN}"
                ),
            )
            .with_hint(judged_hint("raise --timeout if the server is slow")),
            FailureKind::Broken => Error::new(
                Kind::Unavailable,
                format!(
                    "the connection to {host} broke after the login was sent ({}); {NOT_AGAIN}",
                    self.cause
                ),
            )
            .with_hint(judged_hint("try again later")),
            _ => self.into_error(host, timeout),
        }
    }
}

/// A failure that comes from the wrong scheme, when the port answers in
/// the other one: plain HTTP to a TLS port gets an answer that is not
/// HTTP (a TLS alert), or the connection closed without a byte (Netty);
/// a TLS handshake with a plain-HTTP server that waits for a request line
/// never ends. Then the error gives the `--host` to use, at once, for
/// `get` and `doctor` alike. A closed connection is the scheme's fault
/// only if the port also fails a plain-HTTP request: a server that speaks
/// both and broke the connection may have judged the password.
pub fn check_scheme(kind: FailureKind, host: &Host, timeout: Duration) -> FailureKind {
    match (kind, host.is_https()) {
        (FailureKind::NotHttp, false) if speaks(host, "https", timeout) => FailureKind::SpeaksHttps,
        (FailureKind::Broken, false)
            if speaks(host, "https", timeout) && !speaks(host, "http", timeout) =>
        {
            FailureKind::SpeaksHttps
        }
        (FailureKind::Connect, true) if speaks(host, "http", timeout) => FailureKind::SpeaksHttp,
        (other, _) => other,
    }
}

/// The hint for a login that may have been judged without a verdict.
pub fn judged_hint(then: &str) -> String {
    format!("each failed login counts towards locking the account; check the password, then {then}")
}

/// The same server at the other scheme: no retry, no "try again later".
fn wrong_scheme(host: &Host, speaks: &str, scheme: &str) -> Error {
    Error::new(Kind::NotRegards, format!("{host} speaks {speaks}"))
        .with_hint(format!("use --host {}", host.with_scheme(scheme)))
}

fn not_http(host: &Host, cause: &str) -> Error {
    Error::new(
        Kind::NotRegards,
        format!("{host} answered with something that is not HTTP ({cause})"),
    )
    .with_hint("check --host: it must be the REGARDS gateway's base URL (http:// or https:// as the server speaks it)")
}

/// The innermost cause: "Connection refused (os error 111)" says more than
/// "error sending request".
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    let text = cause.to_string();
    // reqwest names the URL in its messages, and in the query style the URL
    // holds the password: never show that part.
    let text = text.split(" for url (").next().unwrap_or_default();
    crate::error::sanitize(text)
}

/// Every error in the chain, stepping into the io::Errors that hyper and
/// rustls wrap their own errors in (their `source()` skips the wrapped
/// error itself).
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |current| {
        match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        }
    })
}

/// The handshake's first answer was not a TLS record: a plain-HTTP server
/// answering the ClientHello with an HTTP error.
fn is_plain_http(err: &(dyn std::error::Error + 'static)) -> bool {
    chain(err).any(|cause| {
        matches!(
            cause.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidMessage(
                rustls::InvalidMessage::InvalidContentType
            ))
        )
    })
}

fn is_tls(err: &(dyn std::error::Error + 'static)) -> bool {
    chain(err).any(|cause| cause.is::<rustls::Error>())
}

/// hyper could not parse the answer as HTTP/1.
fn is_not_http(err: &(dyn std::error::Error + 'static)) -> bool {
    chain(err).any(|cause| {
        cause
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse)
    })
}
