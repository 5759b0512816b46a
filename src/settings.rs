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

use crate::cli::{Format, GetArgs, PasswordArgs, RequestStyle, ServerArgs};
use crate::error::Error;
use crate::host::Host;
use crate::secret::Secret;

pub const DEFAULT_CLIENT_ID: &str = "client";
pub const DEFAULT_CLIENT_SECRET: &str = "secret";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_RETRIES: u32 = 2;

#[derive(Debug)]
pub struct Settings {
    pub server: Server,
    pub password: PasswordSource,
    pub format: Format,
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
    /// No source, and nobody at a terminal to ask.
    Missing,
}

impl Settings {
    pub fn from_get(args: GetArgs) -> anyhow::Result<Settings> {
        Ok(Settings {
            server: Server::resolve(args.server)?,
            password: PasswordSource::resolve(&args.password),
            format: args.format,
        })
    }
}

impl Server {
    fn resolve(args: ServerArgs) -> anyhow::Result<Server> {
        let host = args
            .host
            .or_else(|| var("REGARDS_BASE_URL"))
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
        let scope = non_empty(args.scope.or_else(|| var("REGARDS_TENANT")))
            .ok_or_else(|| missing("project", "--scope PROJECT", "REGARDS_SCOPE"))?;
        let username = non_empty(args.username)
            .ok_or_else(|| missing("username", "--username LOGIN", "REGARDS_USERNAME"))?;
        let client_id = args
            .client_id
            .unwrap_or_else(|| DEFAULT_CLIENT_ID.to_string());
        if client_id.is_empty() || client_id.contains(':') {
            return Err(Error::usage("the client id must be non-empty and contain no ':'").into());
        }
        let client_secret = args
            .client_secret
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
            ca_cert: args.ca_cert,
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
        } else if someone_at_a_terminal() {
            PasswordSource::Prompt
        } else {
            PasswordSource::Missing
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
            PasswordSource::Missing => {
                return Err(
                    no_password_source("no password given and no terminal to ask for one").into(),
                );
            }
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
    if let Ok(meta) = file.metadata() {
        if meta.permissions().mode() & 0o077 != 0 {
            crate::warning!(
                "the password file {} can be read by other users; run: chmod 600 {}",
                path.display(),
                path.display()
            );
        }
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

/// An environment variable, with empty meaning unset (as clap does for the
/// variables tied to flags).
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
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
