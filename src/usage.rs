//! Usage errors: clap's errors turned into the tool's one line and hint
//! (exit 2), each saying what to do instead: the argument that is missing
//! and an example, the values an option takes, which commands have an
//! option that this one lacks, the command a typo meant.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use crate::cli::Cli;
use crate::error::Error;
use crate::output;

/// Help and version go to stdout and succeed; every other clap error
/// becomes a usage error.
pub fn outcome(err: clap::Error, args: &[OsString]) -> anyhow::Result<()> {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            output::print(&err.render().to_string())
        }
        ErrorKind::InvalidSubcommand => match help_of_help(args) {
            Some(asked) => match Cli::try_parse_from(&asked) {
                Err(err) => outcome(err, &asked),
                Ok(_) => Err(explain(&err, args).into()),
            },
            None => Err(explain(&err, args).into()),
        },
        _ => Err(explain(&err, args).into()),
    }
}

/// clap's `help` command takes only command names, so `help --help` and
/// `help get --help` are errors to it. They ask for help all the same:
/// the same words without `--help` (`help help` for `help --help`).
fn help_of_help(args: &[OsString]) -> Option<Vec<OsString>> {
    let asks = |a: &OsString| a == "--help" || a == "-h";
    let at = args.iter().skip(1).position(|a| a == "help")? + 1;
    if args[1..at]
        .iter()
        .any(|a| !a.to_string_lossy().starts_with('-'))
        || !args[at..].iter().any(asks)
    {
        return None;
    }
    let mut asked: Vec<OsString> = args[..=at].to_vec();
    asked.extend(args[at + 1..].iter().filter(|a| !asks(a)).cloned());
    if asked.len() == at + 1 {
        asked.push("help".into());
    }
    Some(asked)
}

fn explain(err: &clap::Error, args: &[OsString]) -> Error {
    let rendered = err.render().to_string();
    let root = root();
    let invalid = first(err, ContextKind::InvalidArg);
    let (words, cmd) = command_words(&root, args, &invalid);
    let name = if words.is_empty() {
        "regards-token".to_string()
    } else {
        words.join(" ")
    };
    // `regards-token get`, for the hints.
    let full = format!("regards-token {}", words.join(" "));
    let full = full.trim_end();
    match err.kind() {
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => missing_command(cmd, &words),
        ErrorKind::MissingRequiredArgument => {
            missing_argument(cmd, &name, &strings(err, ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue if first(err, ContextKind::InvalidValue).is_empty() => {
            let flag = option_name(&invalid);
            Error::usage(format!(
                "{flag} needs a value (an empty one counts as none)"
            ))
            .with_hint(format!("see '{full} --help' for what it takes"))
        }
        ErrorKind::InvalidValue if has(err, ContextKind::ValidValue) => {
            let flag = option_name(&invalid);
            let values = strings(err, ContextKind::ValidValue);
            Error::usage(format!(
                "invalid value '{}' for {flag}",
                first(err, ContextKind::InvalidValue)
            ))
            .with_hint(format!("{flag} takes {}", or_list(&values)))
        }
        ErrorKind::InvalidSubcommand => {
            let typed = first(err, ContextKind::InvalidSubcommand);
            let names: Vec<String> = subcommand_names(cmd);
            let hint = match closest(&typed, &names) {
                Some(meant) => format!("did you mean '{meant}'?"),
                None => format!("the commands are {}", or_list(&names)),
            };
            Error::usage(format!("'{name}' has no command '{typed}'")).with_hint(hint)
        }
        ErrorKind::UnknownArgument => unknown_argument(err, &root, &name, &invalid, full),
        ErrorKind::ArgumentConflict => {
            let prior = first(err, ContextKind::PriorArg);
            let (a, b) = (option_name(&invalid), option_name(&prior));
            if a == "TOKEN" || b == "TOKEN" {
                // clap names the group's first option, not the one typed.
                return Error::usage(
                    "a TOKEN cannot be used with --host, --scope, --username, --client-id or --cache",
                )
                .with_hint(
                    "a TOKEN given is decoded as it is; those options pick a cached token instead",
                );
            }
            Error::usage(format!("{a} cannot be used with {b}"))
                .with_hint(format!("give {a} or {b}, not both"))
        }
        _ => {
            // The first line, and the lines it announces with a colon.
            let mut lines = rendered.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = lines.next().unwrap_or("invalid command line");
            let mut message = tidy(first.strip_prefix("error: ").unwrap_or(first));
            if message.ends_with(':') {
                let more: Vec<String> = lines
                    .take_while(|l| !l.starts_with("Usage:"))
                    .map(tidy)
                    .collect();
                message = format!("{message} {}", more.join(", "));
            }
            Error::usage(message).with_hint(format!("see '{full} --help'"))
        }
    }
}

/// clap's `'--timeout <DURATION>'` as `--timeout`.
fn tidy(text: &str) -> String {
    text.split('\'')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 if part.starts_with('-') => option_name(part),
            1 => format!("'{part}'"),
            _ => part.to_string(),
        })
        .collect()
}

fn missing_command(cmd: &clap::Command, words: &[String]) -> Error {
    if words.is_empty() {
        return Error::usage("no command given")
            .with_hint("run 'regards-token get', or 'regards-token --help' to see every command");
    }
    let names = subcommand_names(cmd);
    let name = words.join(" ");
    Error::usage(format!("'{name}' needs a command: {}", or_list(&names))).with_hint(format!(
        "e.g. 'regards-token {name} {}'",
        names.last().map(String::as_str).unwrap_or_default()
    ))
}

fn missing_argument(cmd: &clap::Command, name: &str, missing: &[String]) -> Error {
    let names: Vec<String> = missing.iter().map(|m| option_name(m)).collect();
    let Some(arg) = cmd.get_arguments().find(|arg| {
        arg.get_value_names()
            .is_some_and(|v| names.iter().any(|n| v.iter().any(|v| v == n.as_str())))
    }) else {
        return Error::usage(format!("'{name}' needs {}", and_list(&names)))
            .with_hint(format!("see 'regards-token {name} --help'"));
    };
    let value = names.join(" and ");
    let about = arg
        .get_help()
        .map(|h| format!(": {}", lowercase_first(&h.to_string())))
        .unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    let hint = match values.first() {
        Some(example) => format!("e.g. 'regards-token {name} {example}'"),
        None if name == "exec" => {
            "e.g. 'regards-token exec -- python download.py': the command gets REGARDS_TOKEN"
                .to_string()
        }
        None => format!("see 'regards-token {name} --help'"),
    };
    let about = if values.is_empty() {
        about
    } else {
        String::new()
    };
    let listed = if values.is_empty() {
        String::new()
    } else {
        format!(": {}", or_list(&values))
    };
    Error::usage(format!("'{name}' needs {value}{about}{listed}")).with_hint(hint)
}

fn unknown_argument(
    err: &clap::Error,
    root: &clap::Command,
    name: &str,
    invalid: &str,
    full: &str,
) -> Error {
    let exec_tail = if name == "exec" {
        "; an option meant for COMMAND goes after '--'"
    } else {
        ""
    };
    if !invalid.starts_with('-') {
        // Not echoed: a stray word may be a password or a token typed in
        // the wrong place.
        let hint = if name == "exec" {
            "put the command after '--', e.g. 'regards-token exec -- python download.py'"
                .to_string()
        } else {
            format!(
                "see '{full} --help'; a password goes on stdin (--password-stdin), \
                 never on the command line"
            )
        };
        return Error::usage(format!(
            "'{name}' takes no such argument (not echoed, in case it is a password)"
        ))
        .with_hint(hint);
    }
    let flag = invalid.split('=').next().unwrap_or(invalid);
    if ["--password", "--passwd", "--pass"].contains(&flag)
        && commands_with(root, "password-stdin")
            .iter()
            .any(|c| c == name)
    {
        return Error::usage(format!(
            "'{name}' has no {flag} option, on purpose: a password on the command line \
             is seen by other users and kept in the shell's history"
        ))
        .with_hint(
            "give it on stdin (--password-stdin), in a file (--password-file FILE), in \
             REGARDS_PASSWORD, remembered by 'regards-token login', or at the prompt",
        );
    }
    let owners = commands_with(root, flag.trim_start_matches('-'));
    let hint = if !owners.is_empty() {
        format!("{flag} is an option of {}{exec_tail}", and_list(&owners))
    } else if let Some(meant) = err
        .get(ContextKind::SuggestedArg)
        .and_then(|v| values(v).into_iter().next())
    {
        format!("did you mean {meant}?")
    } else {
        format!("'{full} --help' lists the options it takes{exec_tail}")
    };
    Error::usage(format!("'{name}' takes no option {flag}")).with_hint(hint)
}

fn root() -> clap::Command {
    let mut root = Cli::command();
    root.build();
    root
}

/// The command words typed (`["config", "show"]`) and their command: the
/// arguments that name a subcommand, an option's value passed over, up to
/// the `invalid` one clap stopped at.
fn command_words<'a>(
    root: &'a clap::Command,
    args: &[OsString],
    invalid: &str,
) -> (Vec<String>, &'a clap::Command) {
    let mut cmd = root;
    let mut words = Vec::new();
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" || (!invalid.is_empty() && arg == invalid) {
            break;
        }
        if let Some(long) = arg.strip_prefix("--").filter(|l| !l.contains('=')) {
            let takes_value = cmd
                .get_arguments()
                .any(|a| a.get_long() == Some(long) && a.get_action().takes_values());
            if takes_value {
                args.next();
            }
        } else if let Some(sub) = cmd.find_subcommand(arg.as_ref()) {
            words.push(sub.get_name().to_string());
            cmd = sub;
        }
    }
    (words, cmd)
}

fn subcommand_names(cmd: &clap::Command) -> Vec<String> {
    cmd.get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|s| s != "help")
        .collect()
}

/// The commands (as typed) that take `--long`.
fn commands_with(root: &clap::Command, long: &str) -> Vec<String> {
    let mut owners = Vec::new();
    for sub in root.get_subcommands() {
        let inner: Vec<&clap::Command> = sub.get_subcommands().collect();
        let commands: Vec<(String, &clap::Command)> = if inner.is_empty() {
            vec![(sub.get_name().to_string(), sub)]
        } else {
            inner
                .into_iter()
                .map(|c| (format!("{} {}", sub.get_name(), c.get_name()), c))
                .collect()
        };
        for (name, cmd) in commands {
            if cmd.get_arguments().any(|a| a.get_long() == Some(long)) {
                owners.push(name);
            }
        }
    }
    owners
}

/// A command name one edit away from `typed` (a letter missing, extra,
/// changed, or two swapped), as clap's own suggestions miss `gte`.
fn closest<'a>(typed: &str, names: &'a [String]) -> Option<&'a str> {
    names
        .iter()
        .map(|name| (strsim::osa_distance(typed, name), name))
        .filter(|(distance, name)| *distance <= 1 || (*distance == 2 && name.len() > 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name.as_str())
}

fn values(value: &ContextValue) -> Vec<String> {
    match value {
        ContextValue::String(s) => vec![s.clone()],
        ContextValue::Strings(list) => list.clone(),
        ContextValue::StyledStr(s) => vec![s.to_string()],
        ContextValue::StyledStrs(list) => list.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

fn strings(err: &clap::Error, kind: ContextKind) -> Vec<String> {
    err.get(kind).map(values).unwrap_or_default()
}

fn first(err: &clap::Error, kind: ContextKind) -> String {
    strings(err, kind).into_iter().next().unwrap_or_default()
}

fn has(err: &clap::Error, kind: ContextKind) -> bool {
    !strings(err, kind).is_empty()
}

/// `--format <FORMAT>` → `--format`; `<SHELL>` → `SHELL`; `[TOKEN]` →
/// `TOKEN`; `-- <COMMAND>...` → `COMMAND`.
fn option_name(usage: &str) -> String {
    let usage = usage.trim_start_matches("-- ");
    let word = if usage.starts_with('-') {
        usage.split([' ', '=']).next().unwrap_or(usage)
    } else {
        usage
    };
    word.trim_matches(['<', '>', '[', ']', '.']).to_string()
}

fn or_list(items: &[String]) -> String {
    joined(items, "or")
}

fn and_list(items: &[String]) -> String {
    joined(items, "and")
}

fn joined(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {word} {last}", rest.join(", ")),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
