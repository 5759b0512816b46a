//! Resolves what the user asked for into settings the rest of the program
//! trusts: a flag beats an environment variable, which beats the
//! configuration profile, which beats the built-in default (`layers`).
//! This is the only module that reads environment variables and the
//! configuration file.
//!
//! The password is not read here, only where it comes from: a cache hit
//! must not prompt for a password it does not need.

mod layers;
mod machine;
mod password;
mod prompt;
pub mod table;

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

pub use layers::{Layers, Origin, Sourced, config_path};
pub use machine::{cache_paths, in_github_actions, keyring_options, lock_dir};
pub use password::PasswordSource;
pub use prompt::give_back_terminal;

use crate::account::lock::DEFAULT_LOCK_TIMEOUT;
use crate::cache::{CacheKey, CacheMode, CachePaths, DEFAULT_MIN_TTL, parse_min_ttl};
use crate::cli::{CacheArgs, Format, GetArgs, PasswordArgs, ServerArgs};
use crate::error::Error;
use crate::host::Host;
use crate::regards::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_RETRIES, DEFAULT_TIMEOUT, RequestStyle,
    Server, parse_timeout, read_ca_bundle,
};
use crate::secret::Secret;
use table::Setting;

/// Test-only and diagnostic: keyring tiers to pass over, comma-separated.
pub const SKIP_STORES_VAR: &str = "REGARDS_TOKEN_SKIP_STORES";

#[derive(Debug)]
pub struct Settings {
    pub server: Server,
    pub password: PasswordSource,
    pub cache: CacheSettings,
    pub format: Format,
}

#[derive(Debug)]
pub struct CacheSettings {
    pub mode: CacheMode,
    pub min_ttl: Duration,
    pub refresh: bool,
    /// `--no-login`: a cached token or exit 7, never a login.
    pub no_login: bool,
    pub lock_timeout: Duration,
    /// `None` with `--cache none`, which needs no cache folder (and so
    /// works without HOME).
    pub paths: Option<CachePaths>,
    /// Login locks and failed-login markers, needed in every cache mode.
    pub lock_dir: PathBuf,
}

/// The server settings with their origins, before they are checked:
/// `config show` prints them even when some are missing.
pub struct ServerValues {
    pub host: Option<Sourced<String>>,
    pub scope: Option<Sourced<String>>,
    pub username: Option<Sourced<String>>,
    pub client_id: Sourced<String>,
    pub client_secret: Sourced<Secret<String>>,
    pub ca_cert: Option<Sourced<String>>,
    pub request_style: Sourced<RequestStyle>,
    pub timeout: Sourced<Duration>,
    pub retries: Sourced<u32>,
    pub insecure: bool,
    pub allow_http: bool,
}

/// The cache settings with their origins.
pub struct CacheValues {
    pub mode: Sourced<CacheMode>,
    pub min_ttl: Sourced<Duration>,
    pub refresh: bool,
    /// `--no-login`: a cached token or exit 7, never a login.
    pub no_login: bool,
    pub lock_timeout: Sourced<Duration>,
}

impl Settings {
    pub fn from_get(args: GetArgs, layers: &Layers) -> anyhow::Result<Settings> {
        Settings::resolve(args.server, &args.password, args.cache, args.format, layers)
    }

    pub fn resolve(
        server: ServerArgs,
        password: &PasswordArgs,
        cache: CacheArgs,
        format: Format,
        layers: &Layers,
    ) -> anyhow::Result<Settings> {
        Ok(Settings {
            server: ServerValues::gather(server, layers)?.into_server()?,
            password: PasswordSource::resolve(password),
            cache: CacheValues::gather(cache, layers)?.into_settings()?,
            format,
        })
    }
}

impl ServerValues {
    pub fn gather(args: ServerArgs, layers: &Layers) -> Result<ServerValues, Error> {
        let ServerArgs {
            account: args,
            request: login,
            connect,
        } = args;
        let default_text = |value: &str| Sourced::new(value.to_string(), Origin::Default);
        let client_secret = layers
            .text(login.client_secret, &table::CLIENT_SECRET)
            .unwrap_or_else(|| default_text(DEFAULT_CLIENT_SECRET));
        Ok(ServerValues {
            host: layers.text(args.host, &table::HOST),
            scope: layers.text(args.scope, &table::SCOPE),
            username: layers.text(args.username, &table::USERNAME),
            client_id: layers
                .text(args.client_id, &table::CLIENT_ID)
                .unwrap_or_else(|| default_text(DEFAULT_CLIENT_ID)),
            client_secret: Sourced::new(Secret::new(client_secret.value), client_secret.origin),
            ca_cert: layers.text(
                connect.ca_cert.map(|p| p.to_string_lossy().into_owned()),
                &table::CA_CERT,
            ),
            request_style: layers.parsed(
                login.request_style,
                &table::REQUEST_STYLE,
                |text| RequestStyle::from_str(text, true),
                RequestStyle::Json,
            )?,
            timeout: layers.parsed(
                connect.timeout,
                &table::TIMEOUT,
                parse_timeout,
                DEFAULT_TIMEOUT,
            )?,
            retries: match login.retries {
                Some(n) => Sourced::new(n, Origin::Flag("--retries")),
                None => Sourced::new(DEFAULT_RETRIES, Origin::Default),
            },
            insecure: connect.insecure,
            allow_http: connect.allow_http,
        })
    }

    /// The account the values name, as the cache keys its token: what
    /// `inspect` needs, with no check of how a login would be sent.
    pub fn account(&self) -> anyhow::Result<CacheKey> {
        let (host, scope, username) = self.required()?;
        Ok(CacheKey {
            host: Host::parse(host)?.as_str().to_string(),
            scope: scope.to_string(),
            username: username.to_string(),
            client_id: self.client_id.value.clone(),
        })
    }

    /// The host, project and login, or one error naming every one missing
    /// (not one per run).
    fn required(&self) -> Result<(&str, &str, &str), Error> {
        let absent = [
            (self.host.is_none(), ("host", &table::HOST, "URL")),
            (self.scope.is_none(), ("project", &table::SCOPE, "PROJECT")),
            (
                self.username.is_none(),
                ("username", &table::USERNAME, "LOGIN"),
            ),
        ];
        match (&self.host, &self.scope, &self.username) {
            (Some(host), Some(scope), Some(username)) => {
                Ok((&host.value, &scope.value, &username.value))
            }
            _ => Err(missing(&absent)),
        }
    }

    /// Checks the values and warns about the risky ones.
    pub fn into_server(self) -> anyhow::Result<Server> {
        let (host, scope, username) = self.required()?;
        let (host, scope, username) = (Host::parse(host)?, scope.to_string(), username.to_string());
        if !host.is_https() && !host.is_loopback() && !self.allow_http {
            return Err(Error::usage(format!(
                "refusing to send a password over plain http to {host}"
            ))
            .with_hint("use https://, or pass --allow-http if the network is trusted")
            .into());
        }
        if !host.is_https() && !host.is_loopback() {
            crate::warning!("the password is sent unencrypted to {host} (--allow-http)");
        }
        let client_id = self.client_id.value;
        if client_id.contains(':') {
            return Err(Error::usage("the client id must not contain ':'").into());
        }
        if self.insecure {
            crate::warning!(
                "--insecure: the server's certificate is not verified; the password can be intercepted"
            );
        }
        Ok(Server {
            host,
            scope,
            username,
            client_id,
            client_secret: self.client_secret.value,
            request_style: self.request_style.value,
            ca_roots: self
                .ca_cert
                .as_ref()
                .map(|c| read_ca_bundle(&PathBuf::from(&c.value)))
                .transpose()?,
            ca_cert: self.ca_cert.map(|c| PathBuf::from(c.value)),
            insecure: self.insecure,
            timeout: self.timeout.value,
            retries: self.retries.value,
        })
    }
}

impl CacheValues {
    pub fn gather(args: CacheArgs, layers: &Layers) -> Result<CacheValues, Error> {
        let CacheArgs {
            store,
            min_ttl,
            lock,
            refresh,
            no_login,
        } = args;
        let mode = if store.no_cache {
            Sourced::new(CacheMode::None, Origin::Flag("--no-cache"))
        } else {
            layers.parsed(
                store.cache,
                &table::CACHE,
                |text| {
                    CacheMode::from_str(text, true)
                        .map_err(|_| "use auto, keyring, file or none".into())
                },
                CacheMode::Auto,
            )?
        };
        Ok(CacheValues {
            mode,
            min_ttl: layers.parsed(
                min_ttl.min_ttl,
                &table::MIN_TTL,
                parse_min_ttl,
                DEFAULT_MIN_TTL,
            )?,
            refresh,
            no_login,
            lock_timeout: match lock.lock_timeout {
                Some(d) => Sourced::new(d, Origin::Flag("--lock-timeout")),
                None => Sourced::new(DEFAULT_LOCK_TIMEOUT, Origin::Default),
            },
        })
    }

    pub fn into_settings(self) -> anyhow::Result<CacheSettings> {
        let mode = self.mode.value;
        let paths = match mode {
            CacheMode::None => None,
            _ => Some(cache_paths()?),
        };
        Ok(CacheSettings {
            mode,
            min_ttl: self.min_ttl.value,
            refresh: self.refresh,
            no_login: self.no_login,
            lock_timeout: self.lock_timeout.value,
            lock_dir: match &paths {
                Some(paths) => paths.lock_dir.clone(),
                None => lock_dir(machine::user_cache_dir().as_deref()),
            },
            paths,
        })
    }
}

/// A setting the server needs: what it is, the setting, its value's name.
type Needed = (&'static str, &'static Setting, &'static str);

/// The error for the settings marked absent.
fn missing(settings: &[(bool, Needed)]) -> Error {
    let absent: Vec<Needed> = settings
        .iter()
        .filter(|(is_absent, _)| *is_absent)
        .map(|(_, needed)| *needed)
        .collect();
    let list = |part: fn(&Needed) -> String| {
        let parts: Vec<String> = absent.iter().map(part).collect();
        match parts.as_slice() {
            [first @ .., last] if !first.is_empty() => format!("{} and {last}", first.join(", ")),
            _ => parts.concat(),
        }
    };
    Error::usage(format!("no {} given", list(|s| s.0.to_string()))).with_hint(format!(
        "pass {}, set {}, or add {} to the config file",
        list(|(_, setting, value)| format!("{} {value}", setting.flag)),
        list(|(_, setting, _)| setting.vars[0].name.to_string()),
        list(|(_, setting, _)| setting.name().to_string())
    ))
}
