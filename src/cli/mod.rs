//! Command-line definitions (clap derive). The doc comments are the help
//! text; nothing here reads the environment beyond clap's `env` attributes,
//! and no default that a configuration profile may later override is set
//! here: `settings` applies those.

use clap::builder::NonEmptyStringValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

mod groups;

pub use groups::*;

use crate::cache::CacheMode;

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
