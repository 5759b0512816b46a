//! The configuration file: a `[default]` table and `[profiles.NAME]`
//! tables, so a person sets a server up once and types `regards-token get`.
//!
//! The file is checked whole when it is read: an unknown key, a value of
//! the wrong type or one that does not parse is an error naming the file,
//! the line and the key, before anything is sent. A profile's keys override
//! the `[default]` table's; flags and environment variables override both
//! (see `settings`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;
use toml::Spanned;

use crate::cache::{CacheMode, parse_min_ttl};
use crate::error::Error;
use crate::host::Host;
use crate::regards::{RequestStyle, parse_timeout};

/// The keys a table may have, in the order `config show` lists them.
pub const KEYS: [&str; 10] = [
    "host",
    "scope",
    "username",
    "client_id",
    "client_secret",
    "ca_cert",
    "request_style",
    "min_ttl",
    "cache",
    "timeout",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default: Option<Table>,
    #[serde(default)]
    profiles: BTreeMap<String, Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    host: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
    client_secret: Option<Spanned<String>>,
    ca_cert: Option<Spanned<String>>,
    request_style: Option<Spanned<String>>,
    min_ttl: Option<Spanned<String>>,
    cache: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
}

impl Table {
    fn entries(&self) -> [(&'static str, Option<&Spanned<String>>); 10] {
        [
            ("host", self.host.as_ref()),
            ("scope", self.scope.as_ref()),
            ("username", self.username.as_ref()),
            ("client_id", self.client_id.as_ref()),
            ("client_secret", self.client_secret.as_ref()),
            ("ca_cert", self.ca_cert.as_ref()),
            ("request_style", self.request_style.as_ref()),
            ("min_ttl", self.min_ttl.as_ref()),
            ("cache", self.cache.as_ref()),
            ("timeout", self.timeout.as_ref()),
        ]
    }
}

/// One value from the file, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub text: String,
    /// `profile NAME` or `[default]`, for `config show`.
    pub table: String,
}

/// The values that apply: the selected profile over the `[default]` table.
#[derive(Debug, Default)]
pub struct Selected {
    pub path: PathBuf,
    pub exists: bool,
    pub profile: Option<String>,
    values: BTreeMap<&'static str, Value>,
}

impl Selected {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }
}

/// A config file is a few profiles of a few lines: a megabyte is thousands.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads `path` (a missing file is an empty one unless `required`) and
/// selects `profile`.
pub fn load(path: &Path, required: bool, profile: Option<&str>) -> Result<Selected, Error> {
    let shown = path.display();
    let text = match read_text(path) {
        Ok(text) => Some(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && !required => None,
        Err(err) => {
            return Err(Error::usage(format!(
                "cannot read the config file {shown}: {err}"
            )));
        }
    };
    let file: File = match &text {
        Some(text) => toml::from_str(text).map_err(|err| {
            let line = err.span().map(|span| line_of(text, span.start));
            located(path, text, line, err.message())
        })?,
        None => File::default(),
    };
    if let Some(text) = &text {
        validate(path, text, &file)?;
        let holds_secret = file
            .default
            .iter()
            .chain(file.profiles.values())
            .any(|table| table.client_secret.is_some());
        if holds_secret {
            warn_if_others_can_read(path);
        }
    }
    let mut values = BTreeMap::new();
    let mut apply = |table: &Table, label: String| {
        for (key, value) in table.entries() {
            if let Some(value) = value {
                values.insert(
                    key,
                    Value {
                        text: value.get_ref().clone(),
                        table: label.clone(),
                    },
                );
            }
        }
    };
    if let Some(default) = &file.default {
        apply(default, "[default]".into());
    }
    if let Some(name) = profile {
        let Some(table) = file.profiles.get(name) else {
            let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
            let hint = if known.is_empty() {
                format!("{shown} defines no profile: add a [profiles.{name}] table")
            } else {
                format!("profiles in {shown}: {}", known.join(", "))
            };
            return Err(
                Error::usage(format!("no profile '{name}' in the config file")).with_hint(hint),
            );
        };
        apply(table, format!("profile {name}"));
    }
    Ok(Selected {
        path: path.to_path_buf(),
        exists: text.is_some(),
        profile: profile.map(str::to_string),
        values,
    })
}

/// The file's text; a warning when someone else could change it (its
/// `host` decides where the password goes).
fn read_text(path: &Path) -> std::io::Result<String> {
    let file = crate::files::open_input(path)?;
    if let Ok(meta) = file.metadata()
        && meta.is_file()
    {
        warn_if_others_can_write(path, &meta);
    }
    let mut bytes = Vec::new();
    crate::files::read_capped(file, MAX_CONFIG_BYTES, &mut bytes)?;
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// Every value must be usable, in every table, not only the selected one:
/// a mistake is best reported when the file is written, not months later.
fn validate(path: &Path, text: &str, file: &File) -> Result<(), Error> {
    let tables = file.default.iter().chain(file.profiles.values());
    for table in tables {
        for (key, value) in table.entries() {
            let Some(value) = value else { continue };
            if let Err(why) = check(key, value.get_ref()) {
                let line = Some(line_of(text, value.span().start));
                return Err(located(path, text, line, &format!("{key}: {why}")));
            }
        }
    }
    Ok(())
}

fn check(key: &str, value: &str) -> Result<(), String> {
    match key {
        "host" => Host::parse(value).map(drop).map_err(|e| e.to_string()),
        "request_style" => RequestStyle::from_str(value, true).map(drop),
        "cache" => CacheMode::from_str(value, true).map(drop),
        "min_ttl" => parse_min_ttl(value).map(drop),
        "timeout" => parse_timeout(value).map(drop),
        _ if value.trim().is_empty() => Err("it is empty".into()),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        crate::warning!(
            "the config file {} holds a client_secret and other users can read it; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

/// Other users may read a config file (without a client_secret it holds
/// nothing secret), but one they can change is worth a warning. Group
/// write counts only for a group other than the user's own.
#[cfg(unix)]
fn warn_if_others_can_write(path: &Path, meta: &std::fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    let my_group = rustix::process::getegid().as_raw();
    let mode = meta.mode();
    let why = if meta.uid() != me && meta.uid() != 0 {
        format!("belongs to uid {}", meta.uid())
    } else if mode & 0o002 != 0 || (mode & 0o020 != 0 && meta.gid() != my_group) {
        "can be changed by other users".to_string()
    } else {
        return;
    };
    crate::warning!(
        "the config file {} {why}, who could send your password elsewhere; make it yours with mode 600 or 644",
        path.display()
    );
}

#[cfg(not(unix))]
fn warn_if_others_can_write(_path: &Path, _meta: &std::fs::Metadata) {}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// `FILE, line N: MESSAGE`, naming the key of that line when the message
/// does not (serde's type errors say "invalid type" without the key).
fn located(path: &Path, text: &str, line: Option<usize>, message: &str) -> Error {
    let message = message.trim().replace('\n', " ");
    let Some(line) = line else {
        // No line to go by: hide the value of every line that names a
        // secret, wherever the message might quote it.
        let message = text
            .lines()
            .filter(|line| names_a_secret(line))
            .fold(message, |message, line| without_values(&message, line));
        return Error::usage(format!("config file {}: {message}", path.display()));
    };
    let line_text = text.lines().nth(line - 1).unwrap_or_default();
    let message = if names_a_secret(line_text) {
        without_values(&message, line_text)
    } else {
        message
    };
    let key = Some(line_text)
        .and_then(|l| l.split_once('='))
        .map(|(key, _)| key.trim().trim_matches('"'))
        .filter(|key| {
            !key.is_empty() && !message.contains(&format!("`{key}`")) && !message.starts_with(key)
        });
    let password_key = line_text.split_once('=').is_some_and(|(key, _)| {
        key.trim()
            .trim_matches('"')
            .eq_ignore_ascii_case("password")
    });
    if password_key {
        // Not a typo to correct: there is deliberately no such key.
        return Error::usage(format!(
            "config file {}, line {line}: a password cannot be kept in the config file, \
             which is plain text any program of yours can read (key `password`)",
            path.display()
        ))
        .with_hint(
            "remove the line; remember the password in the keyring with 'regards-token login', \
             or give it with --password-file, --password-stdin, REGARDS_PASSWORD or the prompt",
        );
    }
    let key = key.map(|k| format!(" (key `{k}`)")).unwrap_or_default();
    Error::usage(format!(
        "config file {}, line {line}: {message}{key}",
        path.display()
    ))
}

/// Keys whose values are secrets: the client secret, and the password,
/// which has no key but may be written in the file all the same.
const SECRET_KEYS: [&str; 2] = ["client_secret", "password"];

fn names_a_secret(line: &str) -> bool {
    let line = line.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|key| line.contains(key))
}

/// The TOML error `message` about `line`, with nothing of the line's value
/// in it: serde quotes a value of the wrong type (`integer `987654321``).
/// Quoted words that are key names, and quoted punctuation (`expected
/// `"``), stay; every other quoted word, and any copy of the value, goes.
fn without_values(message: &str, line: &str) -> String {
    let line_key = line.split_once('=').map_or("", |(key, _)| key.trim());
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        let quoted = i % 2 == 1;
        let keep = !quoted
            || part == line_key
            || KEYS.contains(&part)
            || SECRET_KEYS.contains(&part.to_ascii_lowercase().as_str())
            || !part.chars().any(char::is_alphanumeric);
        match (quoted, keep) {
            (true, true) => out.push_str(&format!("`{part}`")),
            (true, false) => out.push_str("[value not shown]"),
            (false, _) => out.push_str(part),
        }
    }
    let value = line.split_once('=').map_or("", |(_, value)| value.trim());
    let value = value.trim_matches(['"', '\'']).trim();
    // A short value would match inside words; quoted, it went above.
    if value.chars().count() < 4 {
        out
    } else {
        out.replace(value, "[value not shown]")
    }
}

#[cfg(test)]
mod tests;
