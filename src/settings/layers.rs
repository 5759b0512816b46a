//! Where each setting comes from: a flag beats an environment variable,
//! which beats the configuration profile, which beats the built-in default.
//! Every value keeps its origin, so `config show` can say where it came
//! from and an error can name the variable or the file line to fix.

use std::fmt;
use std::path::PathBuf;

use super::table::{PROFILE, Setting};
use crate::config::{self, Selected};
use crate::error::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    /// `profile NAME` or `[default]`.
    Config(String),
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Config(table) => write!(f, "config {table}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Sourced<T> {
        Sourced { value, origin }
    }
}

/// The configuration file's values, once per command.
pub struct Layers {
    pub config: Selected,
    /// Where the profile's name came from, when one was selected.
    pub profile_origin: Option<Origin>,
}

impl Layers {
    /// Reads the configuration file and selects the profile named by
    /// `--profile` or `REGARDS_PROFILE`.
    pub fn load(profile_flag: Option<String>) -> Result<Layers, Error> {
        let profile = match profile_flag.filter(|p| !p.trim().is_empty()) {
            Some(name) => Some((name, Origin::Flag(PROFILE.flag))),
            None => PROFILE
                .vars
                .iter()
                .find_map(|v| var(v.name).map(|name| (name, Origin::Env(v.name)))),
        };
        let (profile, profile_origin) = profile.unzip();
        let (path, required) = config_path();
        let path = path.ok_or_else(|| {
            Error::usage(
                "cannot tell where the config file is: neither XDG_CONFIG_HOME nor HOME is set",
            )
            .with_hint("point REGARDS_TOKEN_CONFIG at a file")
        });
        let config = match (path, &profile) {
            (Ok(path), _) => config::load(&path, required, profile.as_deref())?,
            // Without a home, no config file: fine unless a profile is asked for.
            (Err(err), Some(_)) => return Err(err),
            (Err(_), None) => Selected::default(),
        };
        Ok(Layers {
            config,
            profile_origin,
        })
    }

    /// A text setting: the flag, else the first variable set, else the
    /// config key.
    pub fn text(&self, flag: Option<String>, setting: &Setting) -> Option<Sourced<String>> {
        // clap refuses an empty flag value, so a flag given is a value meant.
        if let Some(value) = flag {
            return Some(Sourced::new(value, Origin::Flag(setting.flag)));
        }
        for variable in setting.vars {
            if let Some(value) = var(variable.name) {
                return Some(Sourced::new(value, Origin::Env(variable.name)));
            }
        }
        let key = setting.key?;
        self.config
            .get(key)
            .map(|v| Sourced::new(v.text.clone(), Origin::Config(v.table.clone())))
    }

    /// A setting parsed from text (a duration, a choice), with `default`
    /// when nothing sets it. A variable that does not parse is an error
    /// naming it; config values were checked when the file was read.
    pub fn parsed<T>(
        &self,
        flag: Option<T>,
        setting: &Setting,
        parse: impl Fn(&str) -> Result<T, String>,
        default: T,
    ) -> Result<Sourced<T>, Error> {
        if let Some(value) = flag {
            return Ok(Sourced::new(value, Origin::Flag(setting.flag)));
        }
        let Some(text) = self.text(None, setting) else {
            return Ok(Sourced::new(default, Origin::Default));
        };
        let value = parse(&text.value).map_err(|why| match &text.origin {
            Origin::Env(name) => Error::usage(format!("{name} is '{}': {why}", text.value)),
            other => Error::usage(format!(
                "{} from {other} is '{}': {why}",
                setting.name(),
                text.value
            )),
        })?;
        Ok(Sourced::new(value, text.origin))
    }
}

/// The configuration file's path, and whether it must exist (it must when
/// named by `REGARDS_TOKEN_CONFIG`: a typo there should not go unnoticed).
pub fn config_path() -> (Option<PathBuf>, bool) {
    if let Some(path) = var("REGARDS_TOKEN_CONFIG") {
        return (Some(PathBuf::from(path)), true);
    }
    let dir = if cfg!(windows) {
        var("APPDATA").map(PathBuf::from)
    } else if let Some(dir) =
        var("XDG_CONFIG_HOME").filter(|d| std::path::Path::new(d).is_absolute())
    {
        Some(PathBuf::from(dir))
    } else {
        var("HOME").map(|home| {
            let home = PathBuf::from(home);
            if cfg!(target_os = "macos") {
                home.join("Library").join("Application Support")
            } else {
                home.join(".config")
            }
        })
    };
    (
        dir.map(|d| d.join("regards-token").join("config.toml")),
        false,
    )
}

/// An environment variable, with empty meaning unset: a CI system that
/// expands a missing secret to "" must get the default, not "".
pub fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}
