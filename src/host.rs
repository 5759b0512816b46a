//! The gateway's base URL, checked and normalized once.
//!
//! A user may write `https://Regards.Example.org:443/prefix/`; everything
//! downstream (the token URL, log lines, and later the cache key) wants one
//! spelling of it: lower-case host, no default port, no trailing slash.

use std::fmt;

use reqwest::Url;

use crate::error::Error;

/// Where rs-authentication's token endpoint sits behind the gateway.
pub const TOKEN_PATH: &str = "/api/v1/rs-authentication/oauth/token";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    url: Url,
    normalized: String,
}

impl Host {
    pub fn parse(input: &str) -> Result<Host, Error> {
        let input = input.trim();
        let shown = crate::redact::url(input);
        let bad = |why: &str| Error::usage(format!("invalid host URL '{shown}': {why}"));
        let url = Url::parse(input).map_err(|err| match err {
            url::ParseError::RelativeUrlWithoutBase => {
                bad("it has no scheme").with_hint(format!("write it as https://{shown}"))
            }
            other => bad(&other.to_string()),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("only http:// and https:// are supported")
                .with_hint(format!("write it as https://{shown}")));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must not have a query (?...) or a fragment (#...)"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it must not contain a login or password")
                .with_hint("give the login with --username and the password on stdin"));
        }
        if url.host().is_none() {
            return Err(bad("it has no host name"));
        }
        let normalized = url.as_str().trim_end_matches('/').to_string();
        if normalized.ends_with(TOKEN_PATH) {
            return Err(
                bad("give the gateway's base URL, not the token endpoint").with_hint(format!(
                    "use --host {}",
                    normalized.trim_end_matches(TOKEN_PATH)
                )),
            );
        }
        Ok(Host { url, normalized })
    }

    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// Loopback traffic never leaves the machine, so plain HTTP is harmless
    /// there (and it is what local test servers speak).
    pub fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    /// This base URL with a loopback host written `127.0.0.1`: the names
    /// of this machine's loopback interface reach one server.
    pub fn on_loopback_as_one(&self) -> String {
        if !self.is_loopback() {
            return self.normalized.clone();
        }
        let mut url = self.url.clone();
        let port = url.port_or_known_default();
        if url.set_host(Some("127.0.0.1")).is_err() {
            return self.normalized.clone();
        }
        let _ = url.set_port(port);
        url.as_str().trim_end_matches('/').to_string()
    }

    pub fn as_str(&self) -> &str {
        &self.normalized
    }

    /// This base URL with another scheme, keeping the port the server
    /// answered on (explicit when it is not the new scheme's default).
    pub fn with_scheme(&self, scheme: &str) -> String {
        let mut url = self.url.clone();
        let port = url.port_or_known_default();
        if url.set_scheme(scheme).is_err() {
            return self.normalized.clone();
        }
        let _ = url.set_port(port);
        url.as_str().trim_end_matches('/').to_string()
    }

    pub fn token_url(&self) -> Url {
        let joined = format!("{}{TOKEN_PATH}", self.normalized);
        // SAFETY-style note: `normalized` came out of a valid http(s) URL
        // without query or fragment, and appending an ASCII path keeps it one.
        Url::parse(&joined).expect("a valid base URL plus a path is a valid URL")
    }
}

/// Shown as is: `parse` refused any userinfo, query and fragment, so there
/// is nothing for `redact::url` to hide.
impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &str) -> String {
        Host::parse(input).unwrap().to_string()
    }

    #[test]
    fn normalizes_case_port_and_trailing_slash() {
        assert_eq!(
            norm("https://Regards.Example.ORG:443/"),
            "https://regards.example.org"
        );
        assert_eq!(norm(" https://h.org/prefix/ "), "https://h.org/prefix");
        assert_eq!(norm("http://127.0.0.1:8034"), "http://127.0.0.1:8034");
        assert_eq!(norm("https://h.org:8443/a/b//"), "https://h.org:8443/a/b");
    }

    #[test]
    fn another_scheme_keeps_the_port_the_server_answered_on() {
        let with = |input: &str, scheme: &str| Host::parse(input).unwrap().with_scheme(scheme);
        assert_eq!(with("https://h.org", "http"), "http://h.org:443");
        assert_eq!(
            with("http://127.0.0.1:8034/p/", "https"),
            "https://127.0.0.1:8034/p"
        );
        assert_eq!(with("http://h.org:443", "https"), "https://h.org");
        assert_eq!(with("https://h.org:8443", "http"), "http://h.org:8443");
    }

    #[test]
    fn token_url_appends_the_endpoint() {
        let host = Host::parse("https://h.org/prefix/").unwrap();
        assert_eq!(
            host.token_url().as_str(),
            "https://h.org/prefix/api/v1/rs-authentication/oauth/token"
        );
    }

    #[test]
    fn rejects_what_is_not_a_base_url() {
        for bad in [
            "regards.example.org",
            "localhost:8080",
            "ftp://h.org",
            "https://h.org/?x=1",
            "https://h.org/#top",
            "https://user:pw@h.org",
            "https://h.org/api/v1/rs-authentication/oauth/token",
            "",
        ] {
            let err = Host::parse(bad).unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Usage, "{bad}");
        }
    }

    #[test]
    fn errors_never_echo_a_password_in_the_url() {
        for input in [
            "http://user:hunter2@h.org",
            "user:hunter2@h.org/x",
            "ftp://u:hunter2@h",
            "https://a:hunter2/e?c#r@h.org",
            "https://h.org/?password=hunter2",
            "https://h.org/#access_token=hunter2",
        ] {
            let err = Host::parse(input).unwrap_err();
            assert!(!err.to_string().contains("hunter2"), "{err}");
            assert!(!err.hint().unwrap_or("").contains("hunter2"));
        }
    }

    #[test]
    fn knows_loopback_hosts() {
        for host in [
            "http://localhost:1",
            "http://127.0.0.1",
            "http://127.8.9.1",
            "http://[::1]:9",
        ] {
            assert!(Host::parse(host).unwrap().is_loopback(), "{host}");
        }
        for host in [
            "http://example.org",
            "http://10.0.0.1",
            "http://localhost.evil.org",
        ] {
            assert!(!Host::parse(host).unwrap().is_loopback(), "{host}");
        }
    }
}
