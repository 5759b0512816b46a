//! `regards-token exec -- CMD ARGS...`: runs a command with a token in its
//! environment, so scripts never put the token on a command line.
//!
//! On Unix the tool replaces itself with the command (execvp): the exit
//! status, signals and the terminal are the command's own, with nothing in
//! between to forward them, and the token never appears in any argv.

use std::ffi::OsString;
use std::process::Command;

use crate::cli::{ExecArgs, Format};
use crate::error::{Error, Kind};
use crate::get;
use crate::output;
use crate::settings::table::{self, Setting};
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
    command
        .args(rest)
        .env("REGARDS_TOKEN", token.value.expose())
        // The command needs the token, not the password it was made with.
        .env_remove("REGARDS_PASSWORD");
    // The settings, so that `regards-token get` inside the command
    // resolves the same account and renews from the same cache.
    for (setting, value) in handed_on(&settings, layers.config.profile.as_deref()) {
        match value {
            Some(value) => command.env(setting.vars[0].name, value),
            None => setting
                .vars
                .iter()
                .fold(&mut command, |command, var| command.env_remove(var.name)),
        };
    }
    drop(token);
    run_command(command, program)
}

/// Each setting that has a variable, with the value this run resolved
/// for it: `None` for one unset, and for a credential, which the command
/// must not get.
fn handed_on(
    settings: &Settings,
    profile: Option<&str>,
) -> Vec<(&'static Setting, Option<OsString>)> {
    let server = &settings.server;
    let cache = &settings.cache;
    let min_ttl = humantime::format_duration(cache.min_ttl).to_string();
    let text = |value: &str| Some(OsString::from(value));
    vec![
        (&table::HOST, text(server.host.as_str())),
        (&table::SCOPE, text(&server.scope)),
        (&table::USERNAME, text(&server.username)),
        (&table::CLIENT_ID, text(&server.client_id)),
        (&table::CLIENT_SECRET, None),
        (&table::CA_CERT, server.ca_cert.clone().map(OsString::from)),
        (
            &table::CACHE,
            text(&format!("{:?}", cache.mode).to_lowercase()),
        ),
        (&table::MIN_TTL, text(&min_ttl.replace(' ', ""))),
        (&table::PROFILE, profile.and_then(text)),
    ]
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
    use crate::secret::Secret;
    use crate::settings::{CacheSettings, PasswordSource};

    fn settings() -> Settings {
        Settings {
            server: crate::regards::Server {
                host: crate::host::Host::parse("https://regards.example.org").unwrap(),
                scope: "project1".into(),
                username: "sam@example.org".into(),
                client_id: "client".into(),
                client_secret: Secret::new("s3cr3t".into()),
                request_style: crate::regards::RequestStyle::Json,
                ca_roots: None,
                ca_cert: Some("ca.pem".into()),
                insecure: false,
                timeout: crate::regards::DEFAULT_TIMEOUT,
                retries: 0,
            },
            password: PasswordSource::Prompt,
            cache: CacheSettings {
                mode: crate::cache::CacheMode::File,
                min_ttl: std::time::Duration::from_secs(90),
                refresh: false,
                no_login: false,
                lock_timeout: std::time::Duration::from_secs(60),
                paths: None,
                lock_dir: "locks".into(),
            },
            format: Format::Token,
        }
    }

    /// Every setting that has a variable reaches the command, once, with
    /// the value this run used; a credential never does.
    #[test]
    fn every_setting_with_a_variable_is_handed_on_but_credentials() {
        let handed = handed_on(&settings(), Some("ops"));
        for setting in table::ALL.iter().filter(|s| !s.vars.is_empty()) {
            let found: Vec<_> = handed
                .iter()
                .filter(|(s, _)| std::ptr::eq(*s, *setting))
                .collect();
            assert_eq!(found.len(), 1, "{}", setting.flag);
            assert_eq!(found[0].1.is_none(), setting.secret, "{}", setting.flag);
        }
        assert_eq!(
            handed.len(),
            table::ALL.iter().filter(|s| !s.vars.is_empty()).count()
        );
        let value = |setting: &Setting| {
            handed
                .iter()
                .find(|(s, _)| std::ptr::eq(*s, setting))
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(
            value(&table::HOST),
            Some("https://regards.example.org".into())
        );
        assert_eq!(value(&table::CACHE), Some("file".into()));
        assert_eq!(value(&table::MIN_TTL), Some("1m30s".into()));
        assert_eq!(value(&table::CA_CERT), Some("ca.pem".into()));
        assert_eq!(value(&table::PROFILE), Some("ops".into()));
        assert_eq!(handed_on(&settings(), None).last().unwrap().1, None);
    }

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
