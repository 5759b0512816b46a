//! regards-token: get an access token from a REGARDS server.
//!
//! The binary is a thin shell around `run`; the logic lives here so that
//! integration tests and other programs can call it.

mod account;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diag;
mod doctor;
mod duration;
pub mod error;
mod exec;
pub mod files;
mod get;
pub mod host;
mod inspect;
mod login;
mod manage;
mod manual;
pub mod output;
pub mod redact;
pub mod regards;
pub mod secret;
pub mod settings;
mod show;
pub mod token;
mod usage;

use std::ffi::OsString;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, ConfigAction, ProfileArgs};
use crate::error::Error;
use crate::settings::Layers;

/// Runs the command line `args` (program name first).
pub fn run(args: impl IntoIterator<Item = OsString>) -> anyhow::Result<()> {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => return usage::outcome(err, &args),
    };
    diag::set_verbosity(cli.verbose);
    let command = cli.command;
    let profile = match (command.profile(), cli.profile) {
        (Some(ProfileArgs { profile: Some(p) }), _) => Some(p.clone()),
        (Some(_), top) => top,
        (None, None) => None,
        (None, Some(_)) => {
            return Err(Error::usage(format!(
                "'{}' reads no config file, so --profile means nothing to it",
                command.name()
            ))
            .with_hint(
                "drop --profile; get, login, exec, inspect, logout, doctor and config show take it",
            )
            .into());
        }
    };
    // Only the commands that resolve settings read the config file, so a
    // bad one stops them, and them only; doctor reports it as a check.
    let layers = || Layers::load(profile.clone());
    match command {
        Command::Get(args) => get::run(args, &layers()?),
        Command::Login(args) => login::run(args, &layers()?),
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
        Command::Man { command } => output::print(&manual::page(&command)?),
    }
}

/// The completion script for `shell`, generated from the same clap
/// definitions as the parser (and committed in `completions/`).
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "regards-token", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    match shell {
        clap_complete::Shell::Bash => fix_bash_states(&script),
        clap_complete::Shell::Fish => fix_fish_values(&script),
        _ => script,
    }
}

/// clap_complete's fish script lists an option's values with their help in
/// one double-quoted `-a "..."` word, quoting each help in single quotes
/// but leaving `"` and `$` as they are: `--format`'s help for `env`
/// (`out=$(...) && eval "$out"`) then ends the word early and makes fish
/// refuse the whole script. Inside those single quotes, `"` and `$` are
/// escaped for the double-quoted word, so fish reads them back literally.
fn fix_fish_values(script: &str) -> String {
    let mut fixed = String::with_capacity(script.len());
    let mut rest = script;
    while let Some(start) = rest.find(" -a \"") {
        let (before, values) = rest.split_at(start + " -a \"".len());
        fixed.push_str(before);
        let (mut in_single, mut escaped, mut end) = (false, false, values.len());
        for (i, c) in values.char_indices() {
            if escaped {
                escaped = false;
                fixed.push(c);
                continue;
            }
            match c {
                '\\' => escaped = true,
                '\'' => in_single = !in_single,
                '"' if !in_single => {
                    end = i;
                    break;
                }
                '"' | '$' if in_single => fixed.push('\\'),
                _ => {}
            }
            fixed.push(c);
        }
        rest = &values[end..];
    }
    fixed.push_str(rest);
    fixed
}

/// clap_complete's bash script spells the state of a subcommand two ways
/// when the program's name has a hyphen (clap-rs/clap#6421): the loop over
/// the words sets `regards__token__subcmd__get`, the case arms expect
/// `regards__subcmd__token__subcmd__get`, so nothing after a subcommand
/// completes. The arms are renamed to the loop's spelling; once clap
/// fixes it, there is nothing left to rename.
fn fix_bash_states(script: &str) -> String {
    script.replace("regards__subcmd__token", "regards__token")
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
