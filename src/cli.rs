//! Command-line definitions (clap derive). The doc comments are the help
//! text; nothing here reads the environment beyond clap's `env` attributes,
//! and no default that a configuration profile may later override is set
//! here: `settings` applies those.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::NonEmptyStringValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::account::lock::parse_lock_timeout;
use crate::cache::{CacheMode, parse_min_ttl};
use crate::regards::{RequestStyle, parse_timeout};

/// Get an access token from a REGARDS server.
///
/// Prints the token on stdout and nothing else, so that
/// `REGARDS_TOKEN=$(regards-token get) && export REGARDS_TOKEN` works (a
/// plain `export X=$(...)` would hide a failure). Diagnostics go to
/// stderr.
#[derive(Debug, Parser)]
#[command(
    name = "regards-token",
    version,
    propagate_version = true,
    args_override_self = true
)]
pub struct Cli {
    /// Say on stderr what the command does: cache decisions, requests and
    /// timing (-v), and headers (-vv). Secrets are never shown
    #[arg(short, long, action = ArgAction::Count, global = true, display_order = 100)]
    pub verbose: u8,

    /// Use this profile of the config file, for a command that reads it
    /// [env: REGARDS_PROFILE]
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    pub profile: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print an access token: the cached one while it lasts, else a new one
    Get(GetArgs),
    /// Log in once and remember the password in the system keyring, so
    /// that later runs renew tokens without asking
    Login(LoginArgs),
    /// List the cached tokens with their expiry, and the remembered passwords
    Status(StatusArgs),
    /// Remove cached tokens, and forget remembered passwords (unless
    /// --keep-password)
    Logout(LogoutArgs),
    /// Run a command with a token in its environment (REGARDS_TOKEN)
    Exec(ExecArgs),
    /// Decode a token offline and show its claims (never its signature)
    Inspect(InspectArgs),
    /// Check the set-up: config, cache store, server, TLS, clock
    Doctor(DoctorArgs),
    /// Show where the config file is and what the settings resolve to
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print a shell completion script
    Completions {
        /// The shell to complete for: bash, zsh, fish, powershell or elvish
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print a manual page (roff): the tool's, or one command's
    Man {
        /// The command whose page to print, e.g. `get` or `config show`;
        /// without it, the page of regards-token itself
        #[arg(value_name = "COMMAND", num_args = 0..=2)]
        command: Vec<String>,
    },
}

impl Command {
    /// The command's `--profile`, or `None` when it reads no config file.
    pub fn profile(&self) -> Option<&ProfileArgs> {
        match self {
            Command::Get(args) => Some(&args.profile),
            Command::Login(args) => Some(&args.profile),
            Command::Logout(args) => Some(&args.profile),
            Command::Exec(args) => Some(&args.profile),
            Command::Inspect(args) => Some(&args.profile),
            Command::Doctor(args) => Some(&args.profile),
            Command::Config {
                action: ConfigAction::Show(args),
            } => Some(&args.profile),
            Command::Status(_)
            | Command::Config {
                action: ConfigAction::Path,
            }
            | Command::Completions { .. }
            | Command::Man { .. } => None,
        }
    }

    /// The command as typed, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Get(_) => "get",
            Command::Login(_) => "login",
            Command::Status(_) => "status",
            Command::Logout(_) => "logout",
            Command::Exec(_) => "exec",
            Command::Inspect(_) => "inspect",
            Command::Doctor(_) => "doctor",
            Command::Config {
                action: ConfigAction::Path,
            } => "config path",
            Command::Config {
                action: ConfigAction::Show(_),
            } => "config show",
            Command::Completions { .. } => "completions",
            Command::Man { .. } => "man",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the config file's path
    Path,
    /// Print every resolved setting and where it came from (secrets redacted)
    Show(Box<ShowArgs>),
}

/// `config show`: every option whose resolution it shows.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub store: StoreArgs,

    #[command(flatten)]
    pub min_ttl: MinTtlArgs,

    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// The command to run, after `--`, with its arguments
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

/// `inspect` reads a token, or the cached one of an account: it never logs
/// in, so it takes no password, connection or freshness options.
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    /// The token to decode, or `-` to read it from stdin; without it, the
    /// cached token for the current settings. (A token given here is
    /// visible to other users in `ps`: prefer `-`.)
    #[arg(value_name = "TOKEN", conflicts_with_all = ["AccountArgs", "cache"])]
    pub token: Option<String>,

    /// text: one claim per line; json: a JSON document
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,

    #[command(flatten)]
    pub account: AccountArgs,

    /// The store to read the cached token from: auto, keyring or file
    /// [env: REGARDS_TOKEN_CACHE] [default: auto]
    #[arg(long, value_name = "STORE", help_heading = "Cache", value_parser = stores_to_read())]
    pub cache: Option<CacheMode>,
}

/// `doctor` checks the server without logging in, and the cache store.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    /// The gateway's base URL to check [env: REGARDS_HOST, then
    /// REGARDS_BASE_URL]
    #[arg(long, value_name = "URL", value_parser = NonEmptyStringValueParser::new())]
    pub host: Option<String>,

    #[command(flatten)]
    pub connect: ConnectArgs,

    #[command(flatten)]
    pub store: StoreArgs,
}

/// `login`: a login, always, and the password kept in a keyring tier.
#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub store: StoreArgs,

    #[command(flatten)]
    pub lock: LockArgs,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub server: ServerArgs,

    #[command(flatten)]
    pub password: PasswordArgs,

    #[command(flatten)]
    pub cache: CacheArgs,

    /// What to print: token, json, header (an HTTP header line), env (a
    /// shell `export` line) or curl (a curl config line)
    #[arg(long, value_enum, default_value_t = Format::Token, help_heading = "Output")]
    pub format: Format,
}

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

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// text: one line per token; json: an array of objects
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    #[command(flatten)]
    pub profile: ProfileArgs,

    /// Remove the tokens of this gateway [env: REGARDS_HOST, then
    /// REGARDS_BASE_URL]
    #[arg(long, value_name = "URL", value_parser = NonEmptyStringValueParser::new())]
    pub host: Option<String>,

    /// Remove the tokens of this project [env: REGARDS_SCOPE, then
    /// REGARDS_TENANT]
    #[arg(short, long, value_name = "PROJECT", value_parser = NonEmptyStringValueParser::new())]
    pub scope: Option<String>,

    /// Remove the tokens of this login [env: REGARDS_USERNAME]
    #[arg(short, long, value_name = "LOGIN", value_parser = NonEmptyStringValueParser::new())]
    pub username: Option<String>,

    /// Remove every cached token, whatever the variables above say
    #[arg(long, conflicts_with_all = ["host", "scope", "username"])]
    pub all: bool,

    /// Keep the remembered passwords of these accounts (by default they
    /// are forgotten with the tokens)
    #[arg(long)]
    pub keep_password: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The token alone, then a newline
    Token,
    /// A JSON document with the token, its expiry and who it is for
    Json,
    /// `Authorization: Bearer <token>`, for `curl -H @-`
    Header,
    /// `export REGARDS_TOKEN='<token>'`, for `out=$(...) && eval "$out"`
    Env,
    /// A curl config line, for `curl -K-`: the token stays off curl's
    /// command line
    Curl,
}

/// The stores `inspect` can read a token from: not `none`, which keeps
/// nothing.
fn stores_to_read() -> impl clap::builder::TypedValueParser<Value = CacheMode> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["auto", "keyring", "file"])
        .map(|name: String| CacheMode::from_str(&name, true).unwrap_or(CacheMode::Auto))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
