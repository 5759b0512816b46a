//! The option groups several commands share: where to log in and as
//! whom, how to reach the server, where the password comes from, where
//! tokens are kept. Each command's own arguments are in `cli`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use clap::builder::NonEmptyStringValueParser;

use crate::account::lock::parse_lock_timeout;
use crate::cache::{CacheMode, parse_min_ttl};
use crate::regards::{RequestStyle, parse_timeout};

/// The profile of the config file, for the commands that read it.
#[derive(Debug, Default, Args)]
pub struct ProfileArgs {
    /// Use this profile of the config file [env: REGARDS_PROFILE]
    #[arg(long, value_name = "NAME", display_order = 99, value_parser = NonEmptyStringValueParser::new())]
    pub profile: Option<String>,
}

/// Where to log in, as whom, and how to talk to the server.
#[derive(Debug, Default, Args)]
pub struct ServerArgs {
    #[command(flatten)]
    pub account: AccountArgs,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// The account a token belongs to: what the cache is keyed by.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Account")]
pub struct AccountArgs {
    /// The gateway's base URL, e.g. https://regards.example.org
    /// [env: REGARDS_HOST, then REGARDS_BASE_URL]
    #[arg(long, value_name = "URL", value_parser = NonEmptyStringValueParser::new())]
    pub host: Option<String>,

    /// The project (tenant) to log in to [env: REGARDS_SCOPE, then
    /// REGARDS_TENANT]
    #[arg(short, long, value_name = "PROJECT", value_parser = NonEmptyStringValueParser::new())]
    pub scope: Option<String>,

    /// The login, usually an e-mail address [env: REGARDS_USERNAME]
    #[arg(short, long, value_name = "LOGIN", value_parser = NonEmptyStringValueParser::new())]
    pub username: Option<String>,

    /// OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]
    #[arg(long, value_name = "ID", value_parser = NonEmptyStringValueParser::new())]
    pub client_id: Option<String>,
}

/// How the login request is made.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Login")]
pub struct RequestArgs {
    /// OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret].
    /// Prefer the variable: a flag's value is visible to every user in `ps`
    #[arg(long, value_name = "SECRET", value_parser = NonEmptyStringValueParser::new())]
    pub client_secret: Option<String>,

    /// How to send the credentials: json (a JSON body, REGARDS 2.x) or
    /// query (the query string, REGARDS 1.x; the password then appears in
    /// server logs) [default: json]
    #[arg(long, value_enum, value_name = "STYLE")]
    pub request_style: Option<RequestStyle>,

    /// Extra attempts, 0 to 10, when the server provably did not check the
    /// password (no connection could be made, or the gateway's own 503)
    /// [default: 2]
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=10),
        help_heading = "Connection"
    )]
    pub retries: Option<u32>,
}

/// How to reach the server.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectArgs {
    /// A PEM file of extra certificate authorities to trust, in addition
    /// to the system's [env: REGARDS_CA_CERT]
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,

    /// Do not verify the server's TLS certificate (dangerous: the password
    /// can be intercepted)
    #[arg(long)]
    pub insecure: bool,

    /// Allow plain http:// to a host that is not this machine (the
    /// password then travels unencrypted)
    #[arg(long)]
    pub allow_http: bool,

    /// Give up on one attempt after this long, at most 1h, e.g. 750ms,
    /// 30s, 2m [default: 30s]
    #[arg(long, value_parser = parse_timeout, value_name = "DURATION")]
    pub timeout: Option<Duration>,
}

/// Where the password comes from. There is deliberately no flag that takes
/// the password itself: command lines are visible to every user.
#[derive(Debug, Args)]
#[command(next_help_heading = "Password")]
pub struct PasswordArgs {
    /// Read the password from the first line of stdin (otherwise from
    /// REGARDS_PASSWORD, else the one remembered by `regards-token login`,
    /// else a prompt when at a terminal)
    #[arg(long, conflicts_with = "password_file")]
    pub password_stdin: bool,

    /// Read the password from the first line of this file
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,
}

/// Where tokens are kept between runs, when a kept one is used, and the
/// login lock.
#[derive(Debug, Default, Args)]
pub struct CacheArgs {
    #[command(flatten)]
    pub store: StoreArgs,

    #[command(flatten)]
    pub min_ttl: MinTtlArgs,

    #[command(flatten)]
    pub lock: LockArgs,

    /// Ignore the cached token: log in again and cache the new token
    #[arg(long, help_heading = "Cache")]
    pub refresh: bool,

    /// Use the cached token if it is usable, else exit with code 7 without
    /// asking for a password or sending anything
    #[arg(long, help_heading = "Cache", conflicts_with = "refresh")]
    pub no_login: bool,
}

/// Which store keeps tokens.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Cache")]
pub struct StoreArgs {
    /// Where to keep tokens: auto (the system keyring, else a private
    /// file), keyring (the keyring or fail), file, or none
    /// [env: REGARDS_TOKEN_CACHE] [default: auto]
    #[arg(long, value_enum, value_name = "STORE")]
    pub cache: Option<CacheMode>,

    /// Short for --cache none
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

/// When a cached token is good enough.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Cache")]
pub struct MinTtlArgs {
    /// Do not use a cached token with less time left than this, 0s to
    /// 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]
    #[arg(long, value_parser = parse_min_ttl, value_name = "DURATION")]
    pub min_ttl: Option<Duration>,
}

/// How long to wait for another run's login.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Cache")]
pub struct LockArgs {
    /// How long to wait for another run logging in to the same account,
    /// at most 1h, e.g. 60s, 5m [default: 60s]
    #[arg(long, value_parser = parse_lock_timeout, value_name = "DURATION")]
    pub lock_timeout: Option<Duration>,
}
