//! regards-token: get an access token from a REGARDS server.
//!
//! The binary is a thin shell around `run`; the logic lives here so that
//! integration tests and other programs can call it.

pub mod cache;
pub mod cli;
pub mod config;
pub mod diag;
mod doctor;
pub mod error;
mod exec;
pub mod files;
mod get;
pub mod host;
mod inspect;
mod manage;
pub mod output;
pub mod redact;
pub mod regards;
pub mod secret;
pub mod settings;
mod show;
pub mod token;

use std::ffi::OsString;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, ConfigAction};
use crate::error::Error;
use crate::settings::Layers;

/// Runs the command line `args` (program name first).
pub fn run(args: impl IntoIterator<Item = OsString>) -> anyhow::Result<()> {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => return clap_outcome(err),
    };
    diag::set_verbosity(cli.verbose);
    let profile = cli.profile;
    let layers = || Layers::load(profile.clone());
    match cli.command {
        Command::Get(args) => get::run(args, &layers()?),
        Command::Status(args) => manage::status(args),
        Command::Logout(args) => manage::logout(args, &layers()?),
        Command::Exec(args) => exec::run(args, &layers()?),
        Command::Inspect(args) => inspect::run(args, &layers()?),
        Command::Doctor(args) => doctor::run(args, profile.clone()),
        Command::Config {
            action: ConfigAction::Path,
        } => show::path(),
        Command::Config {
            action: ConfigAction::Show(args),
        } => show::show(*args, &layers()?),
        Command::Completions { shell } => output::print(&completions(shell)),
        Command::Man => output::print(&man_page()?),
    }
}

/// The completion script for `shell`, generated from the same clap
/// definitions as the parser (and committed in `completions/`).
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "regards-token", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

fn man_page() -> anyhow::Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// Help and version go to stdout and succeed; every other clap error
/// becomes a one-line usage error (exit 2) like the tool's own.
fn clap_outcome(err: clap::Error) -> anyhow::Result<()> {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            output::print(&err.render().to_string())
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Err(Error::usage("no command given")
                .with_hint(
                    "run 'regards-token get', or 'regards-token --help' to see every command",
                )
                .into())
        }
        _ => {
            let text = err.render().to_string();
            let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = lines.next().unwrap_or("invalid command line");
            let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
            let rest: Vec<&str> = lines.collect();
            let tip = rest.iter().find_map(|l| l.strip_prefix("tip: "));
            let usage = rest.iter().find_map(|l| l.strip_prefix("Usage: "));
            let hint = match (tip, usage) {
                (Some(tip), _) => tip.to_string(),
                (None, Some(usage)) => format!("usage: {usage}; see --help"),
                (None, None) => "see 'regards-token --help'".to_string(),
            };
            Err(Error::usage(message).with_hint(hint).into())
        }
    }
}

/// Replaces the default panic message, which could quote a value, by one
/// that names only the place, and exits with the internal-error code.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // A keyring call runs on a thread of its own; its panic becomes a
        // failed call there (the store is then passed over), not the end.
        if std::thread::current().name() != Some("main") {
            return;
        }
        // A panic at the password prompt: echo back on, and the message
        // on a line of its own.
        settings::give_back_terminal();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("regards-token: error: internal error{place}");
        eprintln!("hint: this is a bug in regards-token; please report it with the output of -vv");
        std::process::exit(i32::from(error::INTERNAL_EXIT_CODE));
    }));
}
