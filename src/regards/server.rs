//! The server a login goes to, as the rest of the program trusts it once
//! `settings` has checked it, and the REGARDS defaults and limits that
//! shape it.

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use crate::host::Host;
use crate::redact::Scrubber;
use crate::secret::Secret;

/// The OAuth2 client every REGARDS web interface uses (and publishes).
pub const DEFAULT_CLIENT_ID: &str = "client";
pub const DEFAULT_CLIENT_SECRET: &str = "secret";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_RETRIES: u32 = 2;
/// The longest one attempt may take (`--timeout`): a login is answered in
/// seconds, and proxies close idle connections within minutes.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// Everything needed to send a login request except the password.
#[derive(Debug)]
pub struct Server {
    pub host: Host,
    pub scope: String,
    pub username: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
    pub request_style: RequestStyle,
    /// The `--ca-cert` bundle, read and parsed.
    pub ca_roots: Option<Vec<reqwest::Certificate>>,
    /// Where it was read from, for `exec` to hand on.
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
    pub retries: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RequestStyle {
    /// Scope in the query string, credentials in a JSON body (REGARDS 2.x)
    Json,
    /// Everything in the query string (REGARDS 1.x; deprecated by 2.x)
    Query,
}

impl Server {
    /// What hides this login's secrets in the server's answers: the
    /// password, and the client secret (also inside the Basic header's
    /// base64) unless it is the default `secret`, which every REGARDS web
    /// interface publishes: hiding the word "secret" in server messages
    /// would protect nothing.
    pub fn scrubber(&self, password: &Secret<String>) -> Scrubber {
        let scrubber = Scrubber::new(password.expose());
        let client_secret = self.client_secret.expose();
        if client_secret == DEFAULT_CLIENT_SECRET {
            return scrubber;
        }
        scrubber.with_client(&self.client_id, client_secret)
    }
}

/// `--timeout` and the config's `timeout`, at most `MAX_TIMEOUT`.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    crate::duration::at_most(crate::duration::parse(text)?, MAX_TIMEOUT, "30s or 2m")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(client_secret: &str) -> Server {
        Server {
            host: Host::parse("https://regards.example.org").unwrap(),
            scope: "project1".into(),
            username: "sam@example.org".into(),
            client_id: "client".into(),
            client_secret: Secret::new(client_secret.into()),
            request_style: RequestStyle::Json,
            ca_roots: None,
            ca_cert: None,
            insecure: false,
            timeout: DEFAULT_TIMEOUT,
            retries: DEFAULT_RETRIES,
        }
    }

    #[test]
    fn the_scrubber_hides_the_password_and_a_client_secret_but_not_the_default_one() {
        let password = Secret::new("Pa55-w0rd".to_string());
        let default = server(DEFAULT_CLIENT_SECRET).scrubber(&password);
        assert_eq!(default.scrub("bad client secret"), "bad client secret");
        assert_eq!(default.scrub("was Pa55-w0rd"), "was [redacted]");
        let own = server("s3cr3t-client").scrubber(&password);
        // base64 of "client:s3cr3t-client"
        let basic = "Y2xpZW50OnMzY3IzdC1jbGllbnQ=";
        assert_eq!(
            own.scrub(&format!("s3cr3t-client {basic} Pa55-w0rd")),
            "[redacted] [redacted] [redacted]"
        );
    }

    #[test]
    fn the_timeout_has_an_upper_bound() {
        assert_eq!(parse_timeout("1h"), Ok(MAX_TIMEOUT));
        assert_eq!(
            parse_timeout("61m"),
            Err("longer than the 1h allowed (write e.g. 30s or 2m)".into())
        );
        for huge in ["584000000000y", "584942417355y", "99999999999999999999999s"] {
            assert!(parse_timeout(huge).is_err(), "{huge}");
        }
    }
}
