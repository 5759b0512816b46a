//! Resolves what the user asked for into settings the rest of the program
//! trusts: flags beat environment variables beat defaults. This is the only
//! module that reads environment variables by hand (clap reads the ones
//! tied to flags) and the only one that reads password files.
//!
//! The password is not read here, only where it comes from: a later cache
//! hit must not prompt for a password it does not need.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;

use crate::cache::keyring::KeyringOptions;
use crate::cli::{
    CacheArgs, CacheMode, Format, GetArgs, PasswordArgs, RequestStyle, ServerArgs,
    parse_duration_or_zero,
};
use crate::error::Error;
use crate::host::Host;
use crate::secret::Secret;

pub const DEFAULT_CLIENT_ID: &str = "client";
pub const DEFAULT_CLIENT_SECRET: &str = "secret";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_RETRIES: u32 = 2;
pub const DEFAULT_MIN_TTL: Duration = Duration::from_secs(5 * 60);
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
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
    pub lock_timeout: Duration,
    /// `None` with `--cache none`, which needs no folder (and so works
    /// without HOME).
    pub paths: Option<CachePaths>,
}

/// Where the cache keeps its files.
#[derive(Clone, Debug)]
pub struct CachePaths {
    /// Token files (for the file store) and the index.
    pub cache_dir: PathBuf,
    /// Lock files and refusal markers: a per-user runtime folder when
    /// there is one (cleared at logout, on a RAM disk), else the cache.
    pub lock_dir: PathBuf,
}

/// Everything needed to send a login request except the password.
#[derive(Debug)]
pub struct Server {
    pub host: Host,
    pub scope: String,
    pub username: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
    pub request_style: RequestStyle,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    pub timeout: Duration,
    pub retries: u32,
}

#[derive(Debug)]
pub enum PasswordSource {
    Stdin,
    File(PathBuf),
    Env(Secret<String>),
    Prompt,
    /// No source, and nobody at a terminal to ask; says why.
    Missing {
        why: &'static str,
    },
}

impl Settings {
    pub fn from_get(args: GetArgs) -> anyhow::Result<Settings> {
        Ok(Settings {
            server: Server::resolve(args.server)?,
            password: PasswordSource::resolve(&args.password),
            cache: CacheSettings::resolve(args.cache)?,
            format: args.format,
        })
    }
}

impl CacheSettings {
    fn resolve(args: CacheArgs) -> anyhow::Result<CacheSettings> {
        let mode = if args.no_cache {
            CacheMode::None
        } else if let Some(mode) = args.cache {
            mode
        } else if let Some(text) = var("REGARDS_TOKEN_CACHE") {
            CacheMode::from_str(&text, true).map_err(|_| {
                Error::usage(format!("REGARDS_TOKEN_CACHE is '{text}'"))
                    .with_hint("set it to auto, keyring, file or none")
            })?
        } else {
            CacheMode::Auto
        };
        let min_ttl = match (args.min_ttl, var("REGARDS_TOKEN_MIN_TTL")) {
            (Some(flag), _) => flag,
            (None, Some(text)) => parse_duration_or_zero(&text)
                .map_err(|why| Error::usage(format!("REGARDS_TOKEN_MIN_TTL is '{text}': {why}")))?,
            (None, None) => DEFAULT_MIN_TTL,
        };
        Ok(CacheSettings {
            mode,
            min_ttl,
            refresh: args.refresh,
            lock_timeout: args.lock_timeout.unwrap_or(DEFAULT_LOCK_TIMEOUT),
            paths: match mode {
                CacheMode::None => None,
                _ => Some(cache_paths()?),
            },
        })
    }
}

/// The cache and lock folders of this user on this system.
pub fn cache_paths() -> anyhow::Result<CachePaths> {
    let cache_dir = user_cache_dir()
        .ok_or_else(|| {
            Error::usage(
                "cannot tell where to keep the cache: neither XDG_CACHE_HOME nor HOME is set",
            )
            .with_hint("set XDG_CACHE_HOME, or use --cache none")
        })?
        .join("regards-token");
    let lock_dir = var("XDG_RUNTIME_DIR")
        .map(|dir| PathBuf::from(dir).join("regards-token"))
        .unwrap_or_else(|| cache_dir.join("locks"));
    Ok(CachePaths {
        cache_dir,
        lock_dir,
    })
}

fn user_cache_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(PathBuf::from);
    }
    if let Some(dir) = var("XDG_CACHE_HOME").filter(|d| Path::new(d).is_absolute()) {
        return Some(PathBuf::from(dir));
    }
    let home = PathBuf::from(var("HOME")?);
    Some(if cfg!(target_os = "macos") {
        home.join("Library").join("Caches")
    } else {
        home.join(".cache")
    })
}

/// How the keyring tiers may be probed from here.
pub fn keyring_options() -> KeyringOptions {
    KeyringOptions {
        interactive: someone_at_a_terminal(),
        skip: var(SKIP_STORES_VAR)
            .map(|list| {
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        // Where zbus itself looks when the address is not set.
        session_bus: var("DBUS_SESSION_BUS_ADDRESS")
            .or_else(|| var("XDG_RUNTIME_DIR").map(|dir| format!("unix:path={dir}/bus"))),
        deadline: None,
    }
}

impl Server {
    fn resolve(args: ServerArgs) -> anyhow::Result<Server> {
        let host = flag_or_env(args.host, &["REGARDS_HOST", "REGARDS_BASE_URL"])
            .ok_or_else(|| missing("host", "--host URL", "REGARDS_HOST"))?;
        let host = Host::parse(&host)?;
        if !host.is_https() && !host.is_loopback() && !args.allow_http {
            return Err(Error::usage(format!(
                "refusing to send a password over plain http to {host}"
            ))
            .with_hint("use https://, or pass --allow-http if the network is trusted")
            .into());
        }
        if !host.is_https() && !host.is_loopback() {
            crate::warning!("the password is sent unencrypted to {host} (--allow-http)");
        }
        let scope = flag_or_env(args.scope, &["REGARDS_SCOPE", "REGARDS_TENANT"])
            .ok_or_else(|| missing("project", "--scope PROJECT", "REGARDS_SCOPE"))?;
        let username = flag_or_env(args.username, &["REGARDS_USERNAME"])
            .ok_or_else(|| missing("username", "--username LOGIN", "REGARDS_USERNAME"))?;
        let client_id = flag_or_env(args.client_id, &["REGARDS_CLIENT_ID"])
            .unwrap_or_else(|| DEFAULT_CLIENT_ID.to_string());
        if client_id.is_empty() || client_id.contains(':') {
            return Err(Error::usage("the client id must be non-empty and contain no ':'").into());
        }
        let client_secret = flag_or_env(args.client_secret, &["REGARDS_CLIENT_SECRET"])
            .unwrap_or_else(|| DEFAULT_CLIENT_SECRET.to_string());
        if args.insecure {
            crate::warning!(
                "--insecure: the server's certificate is not verified; the password can be intercepted"
            );
        }
        Ok(Server {
            host,
            scope,
            username,
            client_id,
            client_secret: Secret::new(client_secret),
            request_style: args.request_style.unwrap_or(RequestStyle::Json),
            ca_cert: args
                .ca_cert
                .filter(|path| !path.as_os_str().is_empty())
                .or_else(|| var("REGARDS_CA_CERT").map(PathBuf::from)),
            insecure: args.insecure,
            timeout: args.timeout.unwrap_or(DEFAULT_TIMEOUT),
            retries: args.retries.unwrap_or(DEFAULT_RETRIES),
        })
    }
}

impl PasswordSource {
    fn resolve(args: &PasswordArgs) -> PasswordSource {
        if args.password_stdin {
            PasswordSource::Stdin
        } else if let Some(path) = &args.password_file {
            PasswordSource::File(path.clone())
        } else if let Some(password) = var("REGARDS_PASSWORD") {
            PasswordSource::Env(Secret::new(password))
        } else if var("CI").is_some() {
            PasswordSource::Missing {
                why: "no password given, and CI is set: not prompting",
            }
        } else if someone_at_a_terminal() {
            PasswordSource::Prompt
        } else {
            PasswordSource::Missing {
                why: "no password given and no terminal to ask for one",
            }
        }
    }

    /// Reads the password. Called once per command, only when a login is
    /// actually going to be sent.
    pub fn read(&self, server: &Server) -> anyhow::Result<Secret<String>> {
        let password = match self {
            PasswordSource::Stdin => first_line(std::io::stdin().lock())
                .context("cannot read the password from stdin")?,
            PasswordSource::File(path) => read_password_file(path)?,
            PasswordSource::Env(password) => return Ok(password.clone()),
            PasswordSource::Prompt => {
                let prompt = format!("Password for {} on {}: ", server.username, server.host);
                rpassword::prompt_password(prompt).map_err(|err| {
                    no_password_source(&format!(
                        "cannot ask for the password on the terminal: {err}"
                    ))
                })?
            }
            PasswordSource::Missing { why } => return Err(no_password_source(why).into()),
        };
        if password.is_empty() {
            let from = match self {
                PasswordSource::File(path) => format!("the password file {}", path.display()),
                PasswordSource::Stdin => "stdin".into(),
                _ => "the prompt".into(),
            };
            return Err(Error::usage(format!("the password from {from} is empty")).into());
        }
        Ok(Secret::new(password))
    }
}

fn read_password_file(path: &Path) -> anyhow::Result<String> {
    let file = std::fs::File::open(path).map_err(|err| {
        Error::usage(format!(
            "cannot open the password file {}: {err}",
            path.display()
        ))
    })?;
    warn_if_others_can_read(&file, path);
    first_line(std::io::BufReader::new(file)).map_err(|err| {
        Error::usage(format!(
            "cannot read the password file {}: {err}",
            path.display()
        ))
        .into()
    })
}

#[cfg(unix)]
fn warn_if_others_can_read(file: &std::fs::File, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o077 != 0
    {
        crate::warning!(
            "the password file {} can be read by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_file: &std::fs::File, _path: &Path) {}

/// The first line, without its line ending. A file written by an editor
/// ends with a newline that is not part of the password.
fn first_line(mut reader: impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let trimmed_len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed_len);
    Ok(line)
}

/// A prompt is only useful when a person can answer it. `CI` is set by
/// every common CI system, where a prompt would hang the job until its
/// timeout. stdout is not checked: `TOKEN=$(regards-token get)` captures
/// it, yet the person is still at the terminal.
fn someone_at_a_terminal() -> bool {
    var("CI").is_none() && (std::io::stdin().is_terminal() || std::io::stderr().is_terminal())
}

fn no_password_source(message: &str) -> Error {
    Error::usage(message)
        .with_hint("use --password-stdin, --password-file PATH or the REGARDS_PASSWORD variable")
}

fn missing(what: &str, flag: &str, env: &str) -> Error {
    Error::usage(format!("no {what} given")).with_hint(format!("pass {flag} or set {env}"))
}

/// An environment variable, with empty meaning unset: a CI system that
/// expands a missing secret to "" must get the default, not "".
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The flag's value, else the first of `vars` that is set. Flags beat
/// variables; empty counts as not given.
pub fn flag_or_env(flag: Option<String>, vars: &[&str]) -> Option<String> {
    flag.filter(|v| !v.trim().is_empty())
        .or_else(|| vars.iter().find_map(|name| var(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_strips_the_line_ending_only() {
        let read = |s: &str| first_line(s.as_bytes()).unwrap();
        assert_eq!(read("p@ss w0rd\n"), "p@ss w0rd");
        assert_eq!(read("crlf\r\nsecond"), "crlf");
        assert_eq!(read(" spaces kept \n"), " spaces kept ");
        assert_eq!(read("no newline"), "no newline");
        assert_eq!(read(""), "");
    }
}
