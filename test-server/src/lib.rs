//! A fake REGARDS gateway on 127.0.0.1 that hands out tokens the way the real
//! `rs-authentication` service does, as read in the public REGARDS sources.
//!
//! Why a hand-written server: the client under test is a separate process that
//! talks plain HTTP/1.1 (or HTTPS) over TCP, and what matters in its tests is the
//! exact request it sends and how it copes with the server's odd answers (a 400
//! that is a login refusal, a 500 that is a request problem, a firewall page, a
//! socket that hangs). A tiny std-only server makes every one of those bytes
//! controllable, with no async runtime to drag into the test binaries.

mod builder;
mod conn;
mod http;
mod jwt;
mod pages;
mod regards;
mod server;
mod tls;
mod users;

use std::time::Duration;

pub use builder::Builder;
pub(crate) use builder::Config;
pub use server::Server;
pub use users::{AccessState, AccountStatus, User};

/// Login of the user that [`Builder::default`] and the demo binary know.
pub const DEMO_LOGIN: &str = "demo@example.org";
/// Password of [`DEMO_LOGIN`].
pub const DEMO_PASSWORD: &str = "demo-password";
/// The project [`Builder::default`] registers and [`DEMO_LOGIN`] belongs to.
pub const DEMO_PROJECT: &str = "project1";
/// Where the gateway routes token requests to rs-authentication.
pub const TOKEN_PATH: &str = "/api/v1/rs-authentication/oauth/token";
/// The cheap authenticated call the protocol suggests to check a token.
pub const MYUSER_PATH: &str = "/api/v1/rs-admin/users/myuser";

/// One request as the server saw it, so tests can assert exactly what the
/// client sent (where the password went, which headers, which encoding).
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The request target up to `?`, still percent-encoded.
    pub path: String,
    /// Exactly as received, still percent-encoded; `None` when there was no `?`.
    pub raw_query: Option<String>,
    /// Decoded like a servlet container does (so `+` is a space), in order.
    pub query: Vec<(String, String)>,
    /// Names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// Decoded from chunked encoding when the client used it; empty when the
    /// body was refused for being too large.
    pub body: Vec<u8>,
}

impl Recorded {
    /// First header with that name, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// First decoded query parameter with that name.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, `None` when empty or not JSON.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Where [`Canned::Echo`] quotes the request: its target (path and raw
/// query), the decoded `password` parameter, the Authorization header and
/// the body, in one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Echo {
    /// A redirect (this status) whose Location is the request's own target.
    Location(u16),
    /// A 400 login refusal (`ACCOUNT_UNKNOWN`) with the text as `detailMessage`.
    Refusal,
    /// REGARDS' `{"messages":[...]}` shape with this status and the text.
    Messages(u16),
    /// The gateway's own error JSON with this status and the text as `error`.
    Gateway(u16),
    /// A redirect (this status) to a login page whose `service` parameter
    /// is the request's URL, percent-encoded once more, as single sign-on
    /// pages and firewalls do.
    LoginPage(u16),
}

/// A scripted answer to one token-path request, for the failure modes a real
/// deployment shows (gateway errors, proxies, firewalls, broken sockets).
#[derive(Clone, Debug)]
pub enum Canned {
    /// status, content-type (None = no Content-Type header), body
    Raw {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
        extra_headers: Vec<(String, String)>,
    },
    /// 503 etc. in the gateway's JSON shape {"timestamp","path","status","error","requestId"}
    GatewayError(u16),
    /// 5xx with REGARDS' {"messages":[...]} shape
    Messages(u16, String),
    /// 302/301/307 with a Location header and empty body
    Redirect(u16, String),
    /// A server that quotes the request back, secrets included, the way
    /// careless error handlers do: see [`Echo`].
    Echo(Echo),
    /// 200 text/html: the web UI's index.html
    IndexHtml,
    /// An F5-style "Request Rejected" page with the given status (200 or 403), text/html
    FirewallPage(u16),
    /// Read the request, then never answer (until the server is dropped, at most 120 s)
    Hang,
    /// Announce Content-Length: 4096, write a few bytes of body, then close
    CloseMidBody,
    /// Close right after reading the request, without writing anything
    CloseWithoutAnswer,
    /// A 200 application/json body of `size` bytes (not valid JSON) with a correct Content-Length
    Huge(usize),
    /// Wait this long, then answer as the normal server would
    Delay(Duration),
    /// Answer normally (to put a normal answer between canned ones)
    Normal,
    /// Write these bytes as they are, whatever they are, then close: for
    /// answers that are not HTTP at all
    Bytes(Vec<u8>),
}

#[cfg(test)]
mod tests;
