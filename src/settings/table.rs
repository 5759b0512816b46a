//! Every setting a user can give, once: its option, its variables, its
//! config key. Resolving the settings (`Layers`), `logout`'s selection,
//! what `exec` hands on and the manual pages' ENVIRONMENT sections all
//! read this table, so a new variable cannot reach one and miss another.

/// One setting.
pub struct Setting {
    /// The option, as it is typed (`--client-id`).
    pub flag: &'static str,
    /// Its variables, the first one set winning; `exec` sets the first.
    pub vars: &'static [Variable],
    /// Its key in a config profile, if a profile can set it.
    pub key: Option<&'static str>,
    /// A credential: `exec` removes its variables from the command's
    /// environment instead of handing it on.
    pub secret: bool,
}

/// A variable and what the manual pages say of it.
pub struct Variable {
    pub name: &'static str,
    pub about: &'static str,
}

pub static HOST: Setting = Setting {
    flag: "--host",
    vars: &[
        Variable {
            name: "REGARDS_HOST",
            about: "The gateway's base URL (--host).",
        },
        Variable {
            name: "REGARDS_BASE_URL",
            about: "The same, when REGARDS_HOST is unset (the name sunpy-regards uses).",
        },
    ],
    key: Some("host"),
    secret: false,
};

pub static SCOPE: Setting = Setting {
    flag: "--scope",
    vars: &[
        Variable {
            name: "REGARDS_SCOPE",
            about: "The project (--scope).",
        },
        Variable {
            name: "REGARDS_TENANT",
            about: "The same, when REGARDS_SCOPE is unset.",
        },
    ],
    key: Some("scope"),
    secret: false,
};

pub static USERNAME: Setting = Setting {
    flag: "--username",
    vars: &[Variable {
        name: "REGARDS_USERNAME",
        about: "The login (--username).",
    }],
    key: Some("username"),
    secret: false,
};

pub static CLIENT_ID: Setting = Setting {
    flag: "--client-id",
    vars: &[Variable {
        name: "REGARDS_CLIENT_ID",
        about: "The OAuth2 client id (--client-id).",
    }],
    key: Some("client_id"),
    secret: false,
};

pub static CLIENT_SECRET: Setting = Setting {
    flag: "--client-secret",
    vars: &[Variable {
        name: "REGARDS_CLIENT_SECRET",
        about: "The OAuth2 client secret (--client-secret); prefer it to the option, which ps shows.",
    }],
    key: Some("client_secret"),
    secret: true,
};

pub static CA_CERT: Setting = Setting {
    flag: "--ca-cert",
    vars: &[Variable {
        name: "REGARDS_CA_CERT",
        about: "Extra certificate authorities (--ca-cert).",
    }],
    key: Some("ca_cert"),
    secret: false,
};

pub static REQUEST_STYLE: Setting = Setting {
    flag: "--request-style",
    vars: &[],
    key: Some("request_style"),
    secret: false,
};

pub static TIMEOUT: Setting = Setting {
    flag: "--timeout",
    vars: &[],
    key: Some("timeout"),
    secret: false,
};

pub static CACHE: Setting = Setting {
    flag: "--cache",
    vars: &[Variable {
        name: "REGARDS_TOKEN_CACHE",
        about: "Where tokens are kept (--cache).",
    }],
    key: Some("cache"),
    secret: false,
};

pub static MIN_TTL: Setting = Setting {
    flag: "--min-ttl",
    vars: &[Variable {
        name: "REGARDS_TOKEN_MIN_TTL",
        about: "The time a cached token must have left (--min-ttl).",
    }],
    key: Some("min_ttl"),
    secret: false,
};

pub static PROFILE: Setting = Setting {
    flag: "--profile",
    vars: &[Variable {
        name: "REGARDS_PROFILE",
        about: "The config file's profile (--profile).",
    }],
    key: None,
    secret: false,
};

/// The table, in the order the manual pages list the variables.
pub static ALL: [&Setting; 11] = [
    &HOST,
    &SCOPE,
    &USERNAME,
    &CLIENT_ID,
    &CLIENT_SECRET,
    &CA_CERT,
    &REQUEST_STYLE,
    &TIMEOUT,
    &CACHE,
    &MIN_TTL,
    &PROFILE,
];

impl Setting {
    /// clap's id of the option: `client_id` for `--client-id`.
    pub fn id(&self) -> String {
        self.flag.trim_start_matches("--").replace('-', "_")
    }

    /// What names it in a message about a value that does not parse.
    pub fn name(&self) -> &'static str {
        self.key.unwrap_or(self.flag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Each setting is an option of the command line, and each config key
    /// one the config file accepts.
    #[test]
    fn the_table_matches_the_command_line_and_the_config_file() {
        let cli = crate::cli::Cli::command();
        let mut ids = Vec::new();
        let mut collect = vec![&cli];
        while let Some(cmd) = collect.pop() {
            ids.extend(cmd.get_arguments().map(|a| a.get_id().to_string()));
            collect.extend(cmd.get_subcommands());
        }
        for setting in ALL {
            assert!(ids.contains(&setting.id()), "{}", setting.flag);
            if let Some(key) = setting.key {
                assert!(crate::config::KEYS.contains(&key), "{key}");
            }
        }
        let keys: Vec<&str> = ALL.iter().filter_map(|s| s.key).collect();
        for key in crate::config::KEYS {
            assert!(keys.contains(&key), "{key} is not in the table");
        }
    }
}
