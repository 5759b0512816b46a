//! Usage errors say what to do: the missing argument and an example, the
//! values an option takes, which command has an option, the command a
//! typo meant. And each command takes only the options that mean
//! something to it.

use crate::common::*;

/// The message and hint of `regards-token ARGS`, which must fail with exit
/// code 2, an empty stdout and no request.
fn usage_error(args: &[&str]) -> (String, String) {
    let ran = run(Sandbox::new().cmd().args(args));
    let message = ran.fails(2).to_string();
    let hint = ran.hint().to_string();
    (message, hint)
}

fn assert_usage(args: &[&str], message: &str, hint: &str) {
    let (got_message, got_hint) = usage_error(args);
    assert_eq!(
        got_message,
        format!("regards-token: error: {message}"),
        "{args:?}"
    );
    assert_eq!(got_hint, hint, "{args:?}");
}

#[test]
fn a_missing_argument_is_named_with_an_example() {
    assert_usage(
        &["completions"],
        "'completions' needs SHELL: bash, elvish, fish, powershell or zsh",
        "e.g. 'regards-token completions bash'",
    );
    assert_usage(
        &["exec"],
        "'exec' needs COMMAND: the command to run, after `--`, with its arguments",
        "e.g. 'regards-token exec -- python download.py': the command gets REGARDS_TOKEN",
    );
    assert_usage(
        &["exec", "python"],
        "'exec' takes no such argument (not echoed, in case it is a password)",
        "put the command after '--', e.g. 'regards-token exec -- python download.py'",
    );
    assert_usage(
        &["config"],
        "'config' needs a command: path or show",
        "e.g. 'regards-token config show'",
    );
    assert_usage(
        &[],
        "no command given",
        "run 'regards-token get', or 'regards-token --help' to see every command",
    );
}

#[test]
fn a_wrong_value_lists_the_valid_ones_or_shows_an_example() {
    assert_usage(
        &["get", "--format", "yaml"],
        "invalid value 'yaml' for --format",
        "--format takes token, json, header, env or curl",
    );
    assert_usage(
        &["get", "--cache", "memory"],
        "invalid value 'memory' for --cache",
        "--cache takes auto, keyring, file or none",
    );
    assert_usage(
        &["status", "--format", "yaml"],
        "invalid value 'yaml' for --format",
        "--format takes text or json",
    );
    let (message, hint) = usage_error(&["get", "--timeout", "10"]);
    assert!(
        message.ends_with("write it like 750ms, 30s, 2m or 1h30m"),
        "{message}"
    );
    assert_eq!(hint, "see 'regards-token get --help'");
    // The help the hint points to documents the values and bounds.
    let help = run(Sandbox::new().cmd().args(["get", "--help"]))
        .ok()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for documented in [
        "at most 1h, e.g. 750ms, 30s, 2m",
        "0s to 1year, e.g. 5m, 1h",
        "Extra attempts, 0 to 10",
        "auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none",
        "json (a JSON body, REGARDS 2.x) or query",
    ] {
        assert!(help.contains(documented), "{documented}: {help}");
    }
    assert_usage(
        &["get", "--format"],
        "--format needs a value (an empty one counts as none)",
        "see 'regards-token get --help' for what it takes",
    );
}

#[test]
fn a_mistyped_command_gets_a_suggestion() {
    for (typed, meant) in [
        ("gte", "get"),
        ("stauts", "status"),
        ("gett", "get"),
        ("exce", "exec"),
        ("inpsect", "inspect"),
        ("logotu", "logout"),
    ] {
        assert_usage(
            &[typed],
            &format!("'regards-token' has no command '{typed}'"),
            &format!("did you mean '{meant}'?"),
        );
    }
    assert_usage(
        &["config", "shwo"],
        "'config' has no command 'shwo'",
        "did you mean 'show'?",
    );
    let (_, hint) = usage_error(&["token"]);
    assert_eq!(
        hint,
        "the commands are get, login, status, logout, exec, inspect, doctor, config, completions or man"
    );
}

#[test]
fn an_option_of_another_command_names_the_commands_that_take_it() {
    assert_usage(
        &["exec", "--format", "json", "--", "true"],
        "'exec' takes no option --format",
        "--format is an option of get, status and inspect; \
         an option meant for COMMAND goes after '--'",
    );
    assert_usage(
        &["get", "--all"],
        "'get' takes no option --all",
        "--all is an option of logout",
    );
    assert_usage(
        &["get", "--bogus"],
        "'get' takes no option --bogus",
        "'regards-token get --help' lists the options it takes",
    );
}

/// Each command takes exactly the options that mean something to it.
#[test]
fn each_command_takes_only_the_options_it_uses() {
    let refused: &[(&[&str], &str, &str)] = &[
        (&["inspect", "-"], "--refresh", "get and exec"),
        (
            &["inspect", "-"],
            "--retries",
            "get, login, exec and config show",
        ),
        (
            &["inspect", "-"],
            "--lock-timeout",
            "get, login, exec and config show",
        ),
        (&["inspect", "-"], "--min-ttl", "get, exec and config show"),
        (
            &["inspect", "-"],
            "--password-stdin",
            "get, login, exec and config show",
        ),
        (
            &["inspect", "-"],
            "--timeout",
            "get, login, exec, doctor and config show",
        ),
        (&["doctor"], "--min-ttl", "get, exec and config show"),
        (&["doctor"], "--refresh", "get and exec"),
        (
            &["doctor"],
            "--username",
            "get, login, logout, exec, inspect and config show",
        ),
        (
            &["doctor"],
            "--password-file",
            "get, login, exec and config show",
        ),
        (&["config", "show"], "--refresh", "get and exec"),
        (
            &["status"],
            "--profile",
            "get, login, logout, exec, inspect, doctor and config show",
        ),
        (&["exec"], "--format", "get, status and inspect"),
    ];
    for (command, flag, owners) in refused {
        let mut args = command.to_vec();
        args.extend([*flag, "x"]);
        let (message, hint) = usage_error(&args);
        let name = command
            .iter()
            .filter(|w| **w != "-")
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            message,
            format!("regards-token: error: '{name}' takes no option {flag}")
        );
        assert!(
            hint.starts_with(&format!("{flag} is an option of {owners}")),
            "{args:?}: {hint}"
        );
    }
    // A token given is decoded as it is: the account options pick a
    // cached one instead, so both at once is a mistake.
    for option in ["--host", "--scope", "--username", "--client-id", "--cache"] {
        let value = if option == "--cache" { "file" } else { "x" };
        assert_usage(
            &["inspect", "-", option, value],
            "a TOKEN cannot be used with --host, --scope, --username, --client-id or --cache",
            "a TOKEN given is decoded as it is; those options pick a cached token instead",
        );
    }
    // A store that keeps nothing has nothing to inspect.
    assert_usage(
        &["inspect", "--cache", "none"],
        "invalid value 'none' for --cache",
        "--cache takes auto, keyring or file",
    );
    // --all removes every token: a filter beside it would be ignored.
    assert_usage(
        &["logout", "--all", "--scope", "project1"],
        "--all cannot be used with --scope",
        "give --all or --scope, not both",
    );
    // --profile before the command is for the commands that read the
    // config file.
    assert_usage(
        &["--profile", "work", "status"],
        "'status' reads no config file, so --profile means nothing to it",
        "drop --profile; get, login, exec, inspect, logout, doctor and config show take it",
    );
}

/// The usage line of each command's help lists what it takes and nothing
/// else: the README's synopses say the same.
#[test]
fn the_readme_synopses_match_the_options_each_command_takes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for command in [
        "get", "login", "exec", "inspect", "doctor", "logout", "status",
    ] {
        let help = run(Sandbox::new().cmd().args([command, "--help"]))
            .ok()
            .to_string();
        let longs: Vec<&str> = help
            .split(|c: char| c.is_whitespace() || c == ',' || c == '=')
            .map(|w| w.trim_end_matches(['.', ')', ';']))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .filter(|w| !["--help", "--version", "--verbose"].contains(w))
            .collect();
        let start = readme
            .find(&format!("regards-token {command} ["))
            .unwrap_or_else(|| panic!("no synopsis of {command} in the README"));
        let synopsis = &readme[start..];
        let synopsis = &synopsis[..synopsis.find("```").unwrap()];
        for long in &longs {
            assert!(
                synopsis.contains(long),
                "the README's synopsis of {command} lacks {long}"
            );
        }
        for word in synopsis.split(|c: char| c.is_whitespace() || "[]|".contains(c)) {
            if word.starts_with("--") && word.len() > 2 && word != "--verbose" {
                assert!(
                    longs.contains(&word),
                    "the README's synopsis of {command} has {word}, which it does not take"
                );
            }
        }
    }
}

/// A stray word may be a password or a token typed in the wrong place:
/// the error does not repeat it.
#[test]
fn a_stray_argument_is_not_echoed() {
    for args in [
        &["get", "hunter2hunter2"][..],
        &["get", "--password", "hunter2hunter2"],
        &["get", "--password=hunter2hunter2"],
        &["get", "-phunter2hunter2"],
        &["inspect", "eyJ.hunter2hunter2", "eyJ.hunter2hunter2"],
        &["exec", "--password=hunter2hunter2", "--", "true"],
        &["logout", "hunter2hunter2"],
    ] {
        let ran = run(Sandbox::new().cmd().args(args));
        ran.fails(2);
        ran.leaks_none(&["hunter2"]);
    }
    assert_usage(
        &["get", "hunter2hunter2"],
        "'get' takes no such argument (not echoed, in case it is a password)",
        "see 'regards-token get --help'; a password goes on stdin (--password-stdin), \
         never on the command line",
    );
}

/// There is no `--password` on purpose: the error says so, and where a
/// password can come from instead, for every command that logs in.
#[test]
fn a_password_flag_is_refused_with_the_password_sources() {
    let sources = "give it on stdin (--password-stdin), in a file (--password-file FILE), \
                   in REGARDS_PASSWORD, remembered by 'regards-token login', or at the prompt";
    for (args, name, flag) in [
        (
            &["get", "--password", "hunter2hunter2"][..],
            "get",
            "--password",
        ),
        (&["get", "--password=hunter2hunter2"], "get", "--password"),
        (
            &["login", "--passwd", "hunter2hunter2"],
            "login",
            "--passwd",
        ),
        (
            &["exec", "--pass", "hunter2hunter2", "--", "true"],
            "exec",
            "--pass",
        ),
    ] {
        assert_usage(
            args,
            &format!(
                "'{name}' has no {flag} option, on purpose: a password on the command \
                 line is seen by other users and kept in the shell's history"
            ),
            sources,
        );
    }
    // A command that never logs in says only that it has no such option.
    let (message, _) = usage_error(&["status", "--password", "x"]);
    assert_eq!(
        message,
        "regards-token: error: 'status' takes no option --password"
    );
}

/// `help` takes command names only, but `--help` asks it for help all the
/// same: its own with nothing else, a command's after a command's name.
#[test]
fn help_with_help_shows_help() {
    let sandbox = Sandbox::new();
    let own = run(sandbox.cmd().args(["help", "help"])).ok().to_string();
    assert!(own.starts_with("Print this message or the help"), "{own}");
    for args in [
        &["help", "--help"][..],
        &["help", "-h"],
        &["-v", "help", "--help"],
    ] {
        assert_eq!(run(sandbox.cmd().args(args)).ok(), own, "{args:?}");
    }
    let get = run(sandbox.cmd().args(["get", "--help"])).ok().to_string();
    assert_eq!(run(sandbox.cmd().args(["help", "get", "--help"])).ok(), get);
    let show = run(sandbox.cmd().args(["config", "show", "--help"]))
        .ok()
        .to_string();
    assert_eq!(
        run(sandbox.cmd().args(["help", "config", "show", "-h"])).ok(),
        show
    );
}
