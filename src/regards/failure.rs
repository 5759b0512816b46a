//! Attempts that got no usable answer: what kind of failure, whether a
//! retry can help, and what a person is told.

use crate::error::{Error, Kind};
use crate::host::Host;

/// One attempt that got no usable answer.
pub struct Failure {
    pub kind: FailureKind,
    pub cause: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Timeout,
    Connect,
    Tls,
    /// The connection broke after the request went out, before a whole answer.
    Broken,
}

impl Failure {
    /// A certificate problem will be the same problem in a second; every
    /// other failure happened before the server could judge the password.
    pub fn retryable(&self) -> bool {
        self.kind != FailureKind::Tls
    }

    pub fn from_reqwest(err: reqwest::Error) -> Failure {
        // Without its URL: in the query style the URL holds the password.
        let err = err.without_url();
        let kind = if is_tls(&err) {
            FailureKind::Tls
        } else if err.is_timeout() {
            FailureKind::Timeout
        } else if err.is_connect() {
            FailureKind::Connect
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

    pub fn into_error(self, host: &Host, timeout: std::time::Duration) -> Error {
        let cause = self.cause;
        match self.kind {
            FailureKind::Timeout => Error::new(
                Kind::Unavailable,
                format!("no answer from {host} within {}", humantime::format_duration(timeout)),
            )
            .with_hint("the server may be overloaded; try again later, or raise --timeout"),
            FailureKind::Connect => Error::new(Kind::Unavailable, format!("cannot connect to {host}: {cause}"))
                .with_hint("check --host and the network; try again later if the server is down"),
            FailureKind::Tls => Error::new(Kind::Unavailable, format!("TLS handshake with {host} failed: {cause}"))
                .with_hint("if the server uses a private certificate authority, pass its certificate with --ca-cert PEM"),
            FailureKind::Broken => Error::new(Kind::Unavailable, format!("the connection to {host} broke before a complete answer: {cause}"))
                .with_hint("try again later"),
        }
    }
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

fn is_tls(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if current.is::<rustls::Error>() {
            return true;
        }
        // hyper wraps the TLS error in io::Errors, whose `source()` skips
        // the wrapped error itself: step into it by hand.
        cause = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner),
            None => current.source(),
        };
    }
    false
}
