//! `regards-token man [COMMAND]`: the manual pages, generated from the
//! same clap definitions as the parser (and committed in `man/`), with the
//! sections clap knows nothing of: EXIT STATUS, ENVIRONMENT and FILES.
//! Each page lists only what applies to its command: the variables of the
//! options it takes, the exit codes it can give, the files it reads.

use clap::CommandFactory;
use roff::{Roff, bold, italic, roman};

use crate::cli::Cli;
use crate::error::Error;
use crate::settings::table;

/// The exit codes, as the README's table has them.
const CODES: [(&str, &str); 8] = [
    ("0", "Success."),
    (
        "1",
        "An unexpected failure: stdout cannot be written (a full disk), or an internal error (a bug: please report it with the output of -vv).",
    ),
    (
        "2",
        "A usage or configuration error: an unknown option, a missing setting, a bad config file, no password source without a terminal, a lock or failed-login marker that cannot be made.",
    ),
    (
        "3",
        "The server refused the credentials. Do not retry: REGARDS locks an account after a few failures.",
    ),
    (
        "4",
        "The server is unreachable or failing: try again later. After a timeout once the login was sent, the server may have checked the password: check it first.",
    ),
    (
        "5",
        "The answer is not a REGARDS one (a web page, a redirect, a 404, a wrong scheme): check --host.",
    ),
    (
        "6",
        "No keyring could keep the token (--cache keyring) or the password (login), or remove one it may hold (logout).",
    ),
    (
        "7",
        "--no-login, and no usable cached token: nothing was asked or sent.",
    ),
];

/// A variable that is not a setting's (those are in `settings::table`),
/// what puts it on a command's page (an option the command takes, or one
/// of the `uses` below), and what it does.
type Variable = (&'static str, &'static str, &'static str);

const OTHER_VARIABLES: [Variable; 11] = [
    (
        "REGARDS_PASSWORD",
        "password_stdin",
        "The password, when neither --password-stdin nor --password-file is given.",
    ),
    (
        "CI",
        "password_stdin",
        "When set, never prompt for a password.",
    ),
    (
        "GITHUB_ACTIONS",
        "@login",
        "When true, the token is masked in the GitHub Actions log.",
    ),
    (
        "XDG_RUNTIME_DIR",
        "@login",
        "Where login locks and failed-login markers live, when set.",
    ),
    (
        "TMPDIR",
        "@login",
        "Where they live with --cache none and no HOME.",
    ),
    (
        "REGARDS_TOKEN_CONFIG",
        "@config",
        "The config file to read instead of the default one; it must then exist.",
    ),
    (
        "XDG_CONFIG_HOME",
        "@config",
        "The folder of the config file (default ~/.config).",
    ),
    (
        "XDG_CACHE_HOME",
        "@cache",
        "The folder of the cache (default ~/.cache).",
    ),
    ("HOME", "@any", "The default of the folders above."),
    (
        "HTTPS_PROXY",
        "@login",
        "A proxy for https:// (also HTTP_PROXY, ALL_PROXY; NO_PROXY lists hosts reached directly).",
    ),
    (
        "REGARDS_TOKEN_SKIP_STORES",
        "@cache",
        "Keyring tiers to pass over, comma-separated (secret-service, keyutils, keychain, windows): for tests and diagnosis.",
    ),
];

/// Every variable: the settings' (with their option's id), then the others.
fn variables() -> Vec<(&'static str, String, &'static str)> {
    let settings = table::ALL.iter().flat_map(|setting| {
        setting
            .vars
            .iter()
            .map(|var| (var.name, setting.id(), var.about))
    });
    let others = OTHER_VARIABLES
        .iter()
        .map(|(name, id, about)| (*name, id.to_string(), *about));
    settings.chain(others).collect()
}

/// The page of `words` (`[]` for the tool's own, `["get"]`, `["config",
/// "show"]`), in roff.
pub fn page(words: &[String]) -> anyhow::Result<String> {
    // `man "config show"`, as the list of pages spells it, is `man config show`.
    let words: Vec<String> = words
        .iter()
        .flat_map(|w| w.split_whitespace())
        .map(str::to_string)
        .collect();
    let words = &words[..];
    let root = Cli::command().disable_help_subcommand(true);
    let mut root = root;
    root.build();
    let mut cmd = &root;
    for word in words {
        cmd = cmd
            .get_subcommands()
            .find(|sub| sub.get_name() == word)
            .ok_or_else(|| {
                Error::usage(format!("there is no manual page for '{}'", words.join(" ")))
                    .with_hint(format!("the pages are: {}", names(&root).join(", ")))
            })?;
    }
    render(cmd, words)
}

/// Every page, by the words that ask for it: what `man/` holds.
pub fn names(root: &clap::Command) -> Vec<String> {
    let mut names = Vec::new();
    for sub in root.get_subcommands().filter(|s| s.get_name() != "help") {
        names.push(sub.get_name().to_string());
        for inner in sub.get_subcommands().filter(|s| s.get_name() != "help") {
            names.push(format!("{} {}", sub.get_name(), inner.get_name()));
        }
    }
    names
}

fn render(cmd: &clap::Command, words: &[String]) -> anyhow::Result<String> {
    let name = words.join(" ");
    let man = clap_mangen::Man::new(cmd.clone())
        .source(format!("regards-token {}", env!("CARGO_PKG_VERSION")))
        .manual("regards-token manual");
    let mut out = Vec::new();
    man.render(&mut out)?;
    let page = with_values(&String::from_utf8(out)?, cmd);
    let mut roff = Roff::new();
    exit_status(&mut roff, &name);
    environment(&mut roff, cmd, &name);
    files(&mut roff, cmd, &name);
    see_also(&mut roff, words);
    // Before the VERSION section, which clap_mangen writes last.
    let (body, version) = page.split_at(page.find(".SH VERSION").unwrap_or(page.len()));
    Ok(format!("{body}{}{version}", roff.to_roff()))
}

/// clap_mangen's SYNOPSIS names the options without their values
/// (`[--host]`): each option that takes one gets it (`[--host URL]`), as
/// in the README's synopses.
fn with_values(page: &str, cmd: &clap::Command) -> String {
    let Some(start) = page.find(".SH SYNOPSIS\n") else {
        return page.to_string();
    };
    let end = page[start..]
        .find("\n.SH ")
        .map_or(page.len(), |at| start + at + 1);
    let mut synopsis = page[start..end].to_string();
    for arg in cmd.get_arguments() {
        let (Some(long), Some(names)) = (arg.get_long(), arg.get_value_names()) else {
            continue;
        };
        if !arg.get_action().takes_values() {
            continue;
        }
        let roff_long = long.replace('-', "\\-");
        let value = names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        synopsis = synopsis.replace(
            &format!("\\fB\\-\\-{roff_long}\\fR]"),
            &format!("\\fB\\-\\-{roff_long}\\fR \\fI{value}\\fR]"),
        );
    }
    format!("{}{synopsis}{}", &page[..start], &page[end..])
}

fn item(roff: &mut Roff, term: roff::Inline, text: &str) {
    roff.control("TP", []);
    roff.text([term]);
    roff.text([roman(text)]);
}

fn exit_status(roff: &mut Roff, name: &str) {
    roff.control("SH", ["EXIT STATUS"]);
    let codes: &[&str] = match name {
        "" | "get" => &["0", "1", "2", "3", "4", "5", "6", "7"],
        "login" => &["0", "1", "2", "3", "4", "5", "6"],
        "exec" => {
            roff.text([roman(
                "The command's own status once it runs (a command killed by signal N shows as 128+N in a shell). Before it runs:",
            )]);
            item(roff, bold("126"), "The command is not executable.");
            item(roff, bold("127"), "The command is not found.");
            &["1", "2", "3", "4", "5", "6", "7"]
        }
        "inspect" | "logout" => &["0", "1", "2", "6"],
        "doctor" => {
            item(roff, bold("0"), "No check failed (warnings do not fail).");
            item(roff, bold("1"), "A check failed.");
            &["2"]
        }
        _ => &["0", "1", "2"],
    };
    for (code, text) in CODES.iter().filter(|(code, _)| codes.contains(code)) {
        item(roff, bold(*code), tailored(code, name).unwrap_or(text));
    }
    if name.is_empty() {
        item(
            roff,
            bold("126, 127"),
            "exec: the command is not executable, or not found. Otherwise exec exits with the command's own status.",
        );
    }
}

/// The meaning of `code` on the page of `name`, where it differs from the
/// tool's page.
fn tailored(code: &str, name: &str) -> Option<&'static str> {
    let reads_config = matches!(
        name,
        "get" | "login" | "exec" | "inspect" | "logout" | "config show"
    );
    Some(match (code, name) {
        ("2", "doctor") => {
            "A usage error: an unknown option or a wrong value (a bad config file is a failed check: 1)."
        }
        ("2", _) if !name.is_empty() && !reads_config => {
            "A usage error: an unknown option, or a missing or wrong argument."
        }
        ("6", "get" | "exec") => "No keyring could keep the token (--cache keyring).",
        ("6", "inspect") => "No keyring could be read (--cache keyring).",
        ("6", "login") => {
            "No keyring to remember the password in (nothing was sent), or it refused to keep it."
        }
        ("6", "logout") => {
            "A keyring that may hold a token or a remembered password could not remove it."
        }
        _ => return None,
    })
}

/// Whether the command of page `name` takes option `id`, or, for
/// `@config`, `@cache`, `@login` and `@any`, reads the config file, uses
/// the cache folder, logs in, or any of them.
fn uses(cmd: &clap::Command, name: &str, id: &str) -> bool {
    let takes = |id: &str| cmd.get_arguments().any(|arg| arg.get_id() == id);
    match id {
        _ if name.is_empty() => true,
        "@config" => takes("profile") || name == "config path",
        "@cache" => takes("cache") || matches!(name, "status" | "logout"),
        "@login" => (takes("lock_timeout") && name != "config show") || name == "logout",
        "@any" => ["@config", "@cache", "@login"]
            .iter()
            .any(|id| uses(cmd, name, id)),
        id => takes(id),
    }
}

fn environment(roff: &mut Roff, cmd: &clap::Command, name: &str) {
    let listed: Vec<_> = variables()
        .into_iter()
        .filter(|(_, id, _)| uses(cmd, name, id))
        .collect();
    if listed.is_empty() {
        return;
    }
    roff.control("SH", ["ENVIRONMENT"]);
    roff.text([roman(
        "An empty variable counts as unset. An option beats its variable, which beats the config file.",
    )]);
    for (variable, _, text) in listed {
        item(roff, bold(variable), text);
    }
    if name == "exec" {
        let names = |secret: bool| {
            let names: Vec<&str> = table::ALL
                .iter()
                .filter(|s| s.secret == secret)
                .filter_map(|s| s.vars.first().map(|v| v.name))
                .collect();
            names.join(", ")
        };
        roff.control("PP", []);
        roff.text([roman(format!(
            "The command is given REGARDS_TOKEN, and the value this run used of each setting that has a variable ({}; one left unset is removed), so that regards-token get inside it finds the same account and cache; not REGARDS_PASSWORD, nor {}.",
            names(false),
            names(true)
        ))]);
    }
}

fn files(roff: &mut Roff, cmd: &clap::Command, name: &str) {
    if !uses(cmd, name, "@any") {
        return;
    }
    roff.control("SH", ["FILES"]);
    if uses(cmd, name, "@config") {
        item(
            roff,
            italic("$XDG_CONFIG_HOME/regards-token/config.toml"),
            "The config file (~/.config/regards-token/config.toml by default; ~/Library/Application Support/regards-token on macOS, %APPDATA%\\regards-token on Windows). 'regards-token config path' prints it.",
        );
    }
    if uses(cmd, name, "@cache") {
        item(
            roff,
            italic("$XDG_CACHE_HOME/regards-token/"),
            "The cache folder (~/.cache/regards-token by default; ~/Library/Caches/regards-token on macOS, %LOCALAPPDATA%\\regards-token on Windows): the indexes of cached tokens (index.json) and remembered passwords (passwords.json), which hold no secret, and the token files of --cache file, readable by their owner only.",
        );
    }
    if uses(cmd, name, "@login") {
        item(
            roff,
            italic("$XDG_RUNTIME_DIR/regards-token/"),
            "Login locks and failed-login markers (in the cache folder's locks/ when XDG_RUNTIME_DIR is unset). A marker holds a salted hash, never a secret.",
        );
    }
}

fn see_also(roff: &mut Roff, words: &[String]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut pages = vec!["regards-token(1)".to_string()];
    if words.is_empty() {
        pages = vec![
            "regards-token-get(1)".into(),
            "regards-token-exec(1)".into(),
            "regards-token-doctor(1)".into(),
        ];
    }
    pages.push("curl(1)".into());
    roff.text([roman(format!(
        "{}, and the README, which has recipes for shells, CI and Python.",
        pages.join(", ")
    ))]);
}
