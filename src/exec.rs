//! `regards-token exec -- CMD ARGS...`: runs a command with a token in its
//! environment, so scripts never put the token on a command line.
//!
//! On Unix the tool replaces itself with the command (execvp): the exit
//! status, signals and the terminal are the command's own, with nothing in
//! between to forward them, and the token never appears in any argv.

use std::ffi::OsString;
use std::process::Command;

use crate::cache::CacheMode;
use crate::cli::{ExecArgs, Format};
use crate::error::{Error, Kind};
use crate::get;
use crate::output;
use crate::settings::{Layers, Settings};

pub fn run(args: ExecArgs, layers: &Layers) -> anyhow::Result<()> {
    let settings = Settings::resolve(
        args.server,
        &args.password,
        args.cache,
        Format::Token,
        layers,
    )?;
    let token = get::obtain(&settings, get::Mode::Get)?.token;
    output::mask_in_ci_logs(&token);
    // SAFETY-style note: clap requires at least one value for COMMAND.
    let (program, rest) = args.command.split_first().expect("clap requires a command");
    let mut command = Command::new(program);
    let server = &settings.server;
    command
        .args(rest)
        .env("REGARDS_TOKEN", token.value.expose())
        // The account, so that `regards-token get` inside the command
        // resolves the same one and renews from the same cache.
        .env("REGARDS_HOST", server.host.as_str())
        .env("REGARDS_SCOPE", &server.scope)
        .env("REGARDS_USERNAME", &server.username)
        // The command needs the token, not the credentials it was made with.
        .env_remove("REGARDS_PASSWORD")
        .env_remove("REGARDS_CLIENT_SECRET");
    if let Some(profile) = &layers.config.profile {
        command.env("REGARDS_PROFILE", profile);
    }
    if server.client_id != crate::regards::DEFAULT_CLIENT_ID {
        command.env("REGARDS_CLIENT_ID", &server.client_id);
    }
    if let Some(path) = &server.ca_cert {
        command.env("REGARDS_CA_CERT", path);
    }
    if settings.cache.min_ttl != crate::cache::DEFAULT_MIN_TTL {
        let min_ttl = humantime::format_duration(settings.cache.min_ttl).to_string();
        command.env("REGARDS_TOKEN_MIN_TTL", min_ttl.replace(' ', ""));
    }
    if settings.cache.mode != CacheMode::Auto {
        let mode = format!("{:?}", settings.cache.mode).to_lowercase();
        command.env("REGARDS_TOKEN_CACHE", mode);
    }
    drop(token);
    run_command(command, program)
}

#[cfg(unix)]
fn run_command(mut command: Command, program: &OsString) -> anyhow::Result<()> {
    use std::os::unix::process::CommandExt;
    // `exec` returns only when the command could not be started.
    let err = command.exec();
    Err(cannot_start(program, &err).into())
}

#[cfg(not(unix))]
fn run_command(mut command: Command, program: &OsString) -> anyhow::Result<()> {
    let status = command
        .status()
        .map_err(|err| cannot_start(program, &err))?;
    std::process::exit(status.code().unwrap_or(1));
}

fn cannot_start(program: &OsString, err: &std::io::Error) -> Error {
    let name = program.to_string_lossy();
    match err.kind() {
        std::io::ErrorKind::NotFound => Error::new(
            Kind::CommandNotFound,
            format!("cannot run '{name}': no such command"),
        )
        .with_hint("check the command's name and PATH"),
        std::io::ErrorKind::PermissionDenied => Error::new(
            Kind::CommandNotExecutable,
            format!("cannot run '{name}': permission denied"),
        )
        .with_hint(not_executable_hint(&name)),
        _ if is_bad_exe_format(err) => Error::new(
            Kind::CommandNotExecutable,
            format!("cannot run '{name}': not a program Windows can start"),
        )
        .with_hint("name an .exe, or a .bat or .cmd script"),
        _ => Error::new(
            Kind::CommandNotExecutable,
            format!("cannot run '{name}': {err}"),
        ),
    }
}

#[cfg(unix)]
fn not_executable_hint(name: &str) -> String {
    format!("make it executable: chmod +x {name}")
}

/// Windows has no execute bit: access is denied to a folder, or by the
/// file's permissions.
#[cfg(not(unix))]
fn not_executable_hint(_name: &str) -> String {
    "check that it names a program, not a folder, and that you may run it".to_string()
}

/// ERROR_BAD_EXE_FORMAT: Windows' own text for it keeps its placeholder
/// ("%1 is not a valid Win32 application."), which the standard library
/// does not fill in, so it is said in words instead.
#[cfg(windows)]
fn is_bad_exe_format(err: &std::io::Error) -> bool {
    const ERROR_BAD_EXE_FORMAT: i32 = 193;
    err.raw_os_error() == Some(ERROR_BAD_EXE_FORMAT)
}

#[cfg(not(windows))]
fn is_bad_exe_format(_err: &std::io::Error) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cannot_start_notes(err: std::io::Error) -> Error {
        cannot_start(&OsString::from("notes.txt"), &err)
    }

    #[cfg(unix)]
    #[test]
    fn permission_denied_hints_at_the_execute_bit() {
        let err = cannot_start_notes(std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(err.kind, Kind::CommandNotExecutable);
        assert_eq!(err.hint(), Some("make it executable: chmod +x notes.txt"));
    }

    /// Windows has no execute bit to set.
    #[cfg(windows)]
    #[test]
    fn permission_denied_does_not_hint_at_chmod() {
        let err = cannot_start_notes(std::io::ErrorKind::PermissionDenied.into());
        assert_eq!(err.kind, Kind::CommandNotExecutable);
        assert!(!err.hint().unwrap_or_default().contains("chmod"), "{err:?}");
    }

    /// ERROR_BAD_EXE_FORMAT, whose text from Windows keeps its "%1".
    #[cfg(windows)]
    #[test]
    fn a_file_windows_cannot_start_is_said_in_words() {
        let err = cannot_start_notes(std::io::Error::from_raw_os_error(193));
        assert_eq!(err.kind, Kind::CommandNotExecutable);
        assert_eq!(
            err.to_string(),
            "cannot run 'notes.txt': not a program Windows can start"
        );
        assert!(
            err.hint().is_some_and(|hint| hint.contains(".exe")),
            "{err:?}"
        );
    }
}
