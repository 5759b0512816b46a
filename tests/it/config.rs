//! Configuration profiles: precedence (flag > environment > profile >
//! [default] > built-in default), errors that name the file, line and key,
//! `config path` and `config show`.

use std::path::PathBuf;

use crate::common::*;

fn write_config(sandbox: &Sandbox, text: &str) -> PathBuf {
    let dir = sandbox.path().join("config").join("regards-token");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn two_profiles(server: &Server) -> String {
    format!(
        r#"
[default]
host = "{}"
scope = "project1"
username = "{DEMO_LOGIN}"

[profiles.second]
scope = "project2"
timeout = "5s"
"#,
        server.url()
    )
}

fn server() -> Server {
    Server::builder()
        .user(
            User::new(DEMO_LOGIN, DEMO_PASSWORD)
                .in_project("project1", "REGISTERED_USER")
                .in_project("project2", "ADMIN"),
        )
        .start()
}

/// `get` with only the password given: everything else from the config.
fn bare_get(sandbox: &Sandbox) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.args(["get", "--password-stdin"])
        .write_stdin(format!("{DEMO_PASSWORD}\n"));
    cmd
}

#[test]
fn the_config_file_sets_the_server_up_once() {
    let server = server();
    let sandbox = Sandbox::new();
    write_config(&sandbox, &two_profiles(&server));
    let token = run(&mut bare_get(&sandbox)).ok().to_string();
    assert_eq!(claims(token.trim_end())["tenant"], "project1");
    let token = run(bare_get(&sandbox).args(["--profile", "second"]))
        .ok()
        .to_string();
    assert_eq!(claims(token.trim_end())["tenant"], "project2");
    let token = run(bare_get(&sandbox).env("REGARDS_PROFILE", "second"))
        .ok()
        .to_string();
    assert_eq!(claims(token.trim_end())["tenant"], "project2");
    assert_eq!(server.token_requests(), 3);
}

#[test]
fn flag_beats_environment_beats_profile_beats_default() {
    let server = server();
    let sandbox = Sandbox::new();
    write_config(&sandbox, &two_profiles(&server));
    let scope_sent = |cmd: &mut assert_cmd::Command| {
        run(cmd).ok();
        let requests = server.requests();
        requests
            .last()
            .unwrap()
            .query_param("scope")
            .unwrap()
            .to_string()
    };
    assert_eq!(
        scope_sent(bare_get(&sandbox).args(["--profile", "second"])),
        "project2"
    );
    assert_eq!(
        scope_sent(
            bare_get(&sandbox)
                .args(["--profile", "second"])
                .env("REGARDS_SCOPE", "project1")
        ),
        "project1",
        "the environment beats the profile"
    );
    assert_eq!(
        scope_sent(
            bare_get(&sandbox)
                .args(["--profile", "second", "--scope", "project2"])
                .env("REGARDS_SCOPE", "project1")
        ),
        "project2",
        "a flag beats the environment"
    );

    let shown = run(sandbox
        .cmd()
        .args([
            "--profile",
            "second",
            "config",
            "show",
            "--client-id",
            "portal",
        ])
        .env("REGARDS_USERNAME", "env-user")
        .env("REGARDS_CLIENT_SECRET", "s3cr3t-SENTINEL")
        .env("REGARDS_PASSWORD", "pw-SENTINEL"));
    let text = shown.ok();
    let expected = [
        "profile        second (flag --profile)".to_string(),
        format!("host           {} (config [default])", server.url()),
        "scope          project2 (config profile second)".into(),
        "username       env-user (env REGARDS_USERNAME)".into(),
        "client_id      portal (flag --client-id)".into(),
        "client_secret  [redacted] (env REGARDS_CLIENT_SECRET)".into(),
        "ca_cert        (not set)".into(),
        "request_style  json (default)".into(),
        "timeout        5s (config profile second)".into(),
        "cache          none (env REGARDS_TOKEN_CACHE)".into(),
        "min_ttl        5m (default)".into(),
        "password       from env REGARDS_PASSWORD".into(),
    ];
    for line in expected {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in:\n{text}"
        );
    }
    shown.leaks_none(&["s3cr3t-SENTINEL", "pw-SENTINEL"]);
}

#[test]
fn a_bad_file_names_the_file_the_line_and_the_key() {
    let server = server();
    let sandbox = Sandbox::new();
    let cases = [
        ("[default]\nhots = \"x\"\n", "line 2: unknown field `hots`"),
        (
            "[default]\ntimeout = 30\n",
            "line 2: invalid type: integer `30`, expected a string (key `timeout`)",
        ),
        ("[profiles.x]\nmin_ttl = \"soon\"\n", "line 2: min_ttl: "),
        (
            "[default]\nhost = \"regards.example.org\"\n",
            "line 2: host: invalid host URL",
        ),
    ];
    for (text, expected) in cases {
        let path = write_config(&sandbox, text);
        let ran = run(&mut bare_get(&sandbox));
        let line = ran.fails(2);
        assert!(
            line.contains(&format!("config file {}, ", path.display())),
            "{line}"
        );
        assert!(line.contains(expected), "{text:?}: {line}");
        // `config path` still answers, so the user can find the file.
        assert_eq!(
            run(sandbox.cmd().args(["config", "path"])).ok(),
            format!("{}\n", path.display())
        );
    }
    assert_eq!(server.token_requests(), 0);
}

#[test]
fn an_unknown_profile_is_a_usage_error() {
    let server = server();
    let sandbox = Sandbox::new();
    write_config(&sandbox, &two_profiles(&server));
    let ran = run(bare_get(&sandbox).args(["--profile", "third"]));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: no profile 'third' in the config file"
    );
    assert!(ran.hint().ends_with(": second"), "{}", ran.stderr);
    // Without any file too.
    let empty = Sandbox::new();
    run(bare_get(&empty).args(["--profile", "third"])).fails(2);
}

#[test]
fn a_missing_file_is_fine_and_another_file_can_be_named() {
    let server = server();
    let sandbox = Sandbox::new();
    run(sandbox.get(&server).arg("--cache").arg("none")).ok();
    let elsewhere = sandbox.file("team.toml", &two_profiles(&server));
    run(bare_get(&sandbox).env("REGARDS_TOKEN_CONFIG", &elsewhere)).ok();
    assert_eq!(
        run(sandbox
            .cmd()
            .args(["config", "path"])
            .env("REGARDS_TOKEN_CONFIG", &elsewhere))
        .ok(),
        format!("{}\n", elsewhere.display())
    );
    let ran = run(bare_get(&sandbox).env("REGARDS_TOKEN_CONFIG", sandbox.path().join("typo.toml")));
    assert!(
        ran.fails(2).contains("cannot read the config file"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_profile_can_choose_the_cache() {
    let server = server();
    let sandbox = Sandbox::new();
    let config = format!(
        "{}cache = \"file\"\nmin_ttl = \"1m\"\n",
        two_profiles(&server)
    );
    write_config(&sandbox, &config);
    // The environment's REGARDS_TOKEN_CACHE=none (set by the sandbox) wins...
    run(bare_get(&sandbox).args(["--profile", "second"])).ok();
    run(bare_get(&sandbox).args(["--profile", "second"])).ok();
    assert_eq!(server.token_requests(), 2);
    // ...and without it the profile's file cache is used.
    let hit = || {
        let mut cmd = sandbox.cmd();
        cmd.args(["--profile", "second", "get", "--format", "json"])
            .env_remove("REGARDS_TOKEN_CACHE")
            .env("REGARDS_PASSWORD", DEMO_PASSWORD);
        cmd
    };
    run(&mut hit()).ok();
    let second: serde_json::Value = serde_json::from_str(run(&mut hit()).ok()).unwrap();
    assert_eq!(second["source"], "cache");
    assert_eq!(server.token_requests(), 3);
}

// Who may read a file is its Unix mode here; the tool checks no Windows ACL.
#[cfg(unix)]
#[test]
fn a_readable_config_with_a_client_secret_gets_a_warning() {
    let server = server();
    let sandbox = Sandbox::new();
    let path = write_config(
        &sandbox,
        &format!("{}client_secret = \"secret\"\n", two_profiles(&server)),
    );
    set_mode(&path, 0o644);
    let ran = run(&mut bare_get(&sandbox));
    ran.ok();
    assert!(
        ran.stderr
            .contains("holds a client_secret and other users can read it"),
        "{}",
        ran.stderr
    );
    set_mode(&path, 0o600);
    let ran = run(&mut bare_get(&sandbox));
    ran.ok();
    assert_eq!(ran.stderr, "");
}

/// A bad config file stops the commands that read it, and those only:
/// `status`, `config path`, `completions` and `man` do not read it (and
/// `config path` is how one finds the file to fix); `doctor` reports it
/// as a failed check.
#[test]
fn a_bad_config_stops_exactly_the_commands_that_read_it() {
    let server = server();
    let sandbox = Sandbox::new();
    let path = write_config(&sandbox, "[default]\nhots = \"x\"\n");
    let url = server.url();
    let stopped: &[&[&str]] = &[
        &["get", "--password-stdin"],
        &["exec", "--", "true"],
        &["inspect"],
        &["logout", "--all"],
        &["config", "show"],
    ];
    for args in stopped {
        let ran = run(sandbox.cmd().args(*args).env("REGARDS_HOST", &url));
        let message = ran.fails(2);
        assert!(
            message.contains(&format!("config file {}, line 2", path.display())),
            "{args:?}: {message}"
        );
    }
    assert_eq!(server.token_requests(), 0);
    // Doctor goes on with its other checks (an anonymous probe, no login).
    let ran = run(sandbox.cmd().args(["doctor", "--host", &url]));
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stdout.lines().any(|l| l.starts_with("fail config")),
        "{}",
        ran.stdout
    );
    let read_nothing: &[&[&str]] = &[
        &["status"],
        &["config", "path"],
        &["completions", "bash"],
        &["man"],
        &["man", "get"],
    ];
    for args in read_nothing {
        let ran = run(sandbox.cmd().args(*args));
        ran.ok();
        assert!(!ran.stderr.contains("config"), "{args:?}: {}", ran.stderr);
    }
}

/// There is deliberately no `password` key: the file says why, rather
/// than calling it an unknown key, and never shows the value.
#[test]
fn a_password_in_the_config_file_is_explained_not_called_unknown() {
    let sandbox = Sandbox::new();
    write_config(&sandbox, "[default]\npassword = \"hunter2hunter2\"\n");
    let ran = run(sandbox.cmd().args(["config", "show"]));
    let message = ran.fails(2);
    assert!(
        message.ends_with(
            "line 2: a password cannot be kept in the config file, which is plain text \
             any program of yours can read (key `password`)"
        ),
        "{message}"
    );
    assert!(!message.contains("unknown"), "{message}");
    assert!(ran.hint().starts_with("remove the line;"), "{}", ran.hint());
    ran.leaks_none(&["hunter2"]);
}
