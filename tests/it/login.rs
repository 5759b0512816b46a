//! `login`, `get --no-login` and what `exec` hands its command, without a
//! keyring (the sandbox has none): a password is never kept in a file, and
//! `--no-login` never sends anything. `keyring_login.rs` runs the rest
//! against real keyrings.

use crate::common::*;

/// `exec` for the demo account with the password on stdin, then
/// `options`, `--` and the command.
fn exec(sandbox: &Sandbox, server: &Server, options: &[&str]) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.args(["exec", "--host", &server.url(), "-s", "project1"])
        .args(["-u", DEMO_LOGIN, "--password-stdin"])
        .args(options)
        .write_stdin(format!("{DEMO_PASSWORD}\n"));
    cmd
}

fn login(sandbox: &Sandbox, server: &Server) -> assert_cmd::Command {
    let mut cmd = sandbox.cmd();
    cmd.args(["login", "--host", &server.url(), "-s", "project1"])
        .args(["-u", DEMO_LOGIN, "--password-stdin", "--cache", "file"])
        .write_stdin(format!("{DEMO_PASSWORD}\n"));
    cmd
}

#[test]
fn login_without_a_keyring_keeps_nothing_and_sends_nothing() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(&mut login(&sandbox, &server));
    let message = ran.fails(6);
    assert!(
        message.starts_with("regards-token: error: no keyring to remember the password in ("),
        "{message}"
    );
    assert!(ran.hint().contains("never in a file"), "{}", ran.hint());
    assert_eq!(server.token_requests(), 0, "nothing sent");
    assert!(!sandbox.all_text().contains(DEMO_PASSWORD));
    ran.leaks_none(&[DEMO_PASSWORD]);
    // Nothing remembered: status lists nothing.
    let status = run(sandbox.cmd().args(["status", "--format", "json"]));
    assert_eq!(status.ok(), "[]\n");
}

#[test]
fn no_login_prints_a_cached_token_or_exits_7_without_a_request() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let no_login = |extra: &[&str]| {
        let mut cmd = sandbox.login(&server);
        cmd.args(["--cache", "file", "--no-login"]).args(extra);
        // A password on stdin and in the environment: neither is used.
        cmd.env("REGARDS_PASSWORD", DEMO_PASSWORD)
            .write_stdin(format!("{DEMO_PASSWORD}\n"));
        run(&mut cmd)
    };
    let ran = no_login(&[]);
    assert_eq!(
        ran.fails(7),
        format!(
            "regards-token: error: no usable cached token for {DEMO_LOGIN} on {} (project1), \
             and --no-login forbids logging in",
            server.url()
        )
    );
    assert_eq!(server.token_requests(), 0);
    // With a cached token, it is printed.
    let token = run(sandbox.get(&server).args(["--cache", "file"]))
        .ok()
        .to_string();
    assert_eq!(no_login(&[]).ok(), token);
    // One with less than --min-ttl left is not usable: 7 again.
    no_login(&["--min-ttl", "1year"]).fails(7);
    assert_eq!(server.token_requests(), 1);
    // exec too: the command does not run.
    let mut exec = sandbox.cmd();
    exec.args(["exec", "--host", &server.url(), "-s", "project2"])
        .args(["-u", DEMO_LOGIN, "--no-login", "--", "sh", "-c", "echo ran"]);
    run(&mut exec).fails(7);
    // --no-login and --refresh contradict each other.
    run(sandbox.login(&server).args(["--no-login", "--refresh"])).fails(2);
}

// Lists the command's environment with sh, env, grep and sort.
#[cfg(unix)]
#[test]
fn exec_gives_its_command_the_account() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = exec(
        &sandbox,
        &server,
        &["--client-id", "client", "--cache", "file", "--", "sh", "-c"],
    );
    cmd.arg("env | grep '^REGARDS_' | grep -v '^REGARDS_TOKEN=' | sort");
    let env = run(&mut cmd).ok().to_string();
    assert_eq!(
        env,
        format!(
            "REGARDS_CLIENT_ID=client\nREGARDS_HOST={}\nREGARDS_SCOPE=project1\n\
             REGARDS_TOKEN_CACHE=file\nREGARDS_TOKEN_MIN_TTL=5m\n\
             REGARDS_TOKEN_SKIP_STORES={ALL_KEYRINGS}\nREGARDS_USERNAME={DEMO_LOGIN}\n",
            server.url()
        )
    );
}

/// So that `regards-token get` inside the command finds the same account
/// and its cached token, with no password.
#[test]
fn get_inside_exec_finds_the_account_and_its_token() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = exec(&sandbox, &server, &["--cache", "file", "--"]);
    cmd.arg(bin())
        .args(["get", "--no-login", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(run(&mut cmd).ok()).unwrap();
    assert_eq!(doc["source"], "cache");
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn status_keeps_its_fields_and_says_no_password_is_remembered() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(sandbox.get(&server).args(["--cache", "file"])).ok();
    let listed: serde_json::Value =
        serde_json::from_str(run(sandbox.cmd().args(["status", "--format", "json"])).ok()).unwrap();
    let entry = &listed[0];
    for field in [
        "host",
        "scope",
        "username",
        "client_id",
        "role",
        "tenant",
        "store",
        "expires_at",
        "expires_in",
        "expired",
    ] {
        assert!(entry.get(field).is_some(), "{field} in {entry}");
    }
    assert_eq!(entry["password"], serde_json::Value::Null);
    let text = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(!text.contains("password="), "{text}");
    // logout takes --keep-password, and says what it removed.
    let out = run(sandbox.cmd().args(["logout", "--all", "--keep-password"]))
        .ok()
        .to_string();
    assert!(out.starts_with("removed "), "{out}");
}

/// Settings given as flags reach `get` inside the command through their
/// variables: a CA certificate (else renewing there fails with an unknown
/// issuer) and --min-ttl.
#[cfg(unix)] // runs the inner `get` through sh
#[test]
fn exec_hands_on_the_ca_certificate_and_min_ttl() {
    let server = Server::builder().tls(true).start();
    let sandbox = Sandbox::new();
    let ca = sandbox.path().join("ca.pem");
    std::fs::write(&ca, server.ca_pem().unwrap()).unwrap();
    let password = sandbox.path().join("password");
    std::fs::write(&password, format!("{DEMO_PASSWORD}\n")).unwrap();
    make_private(&password);
    let mut cmd = sandbox.cmd();
    cmd.args([
        "exec",
        "--host",
        &server.url(),
        "-s",
        "project1",
        "-u",
        DEMO_LOGIN,
    ])
    .arg("--ca-cert")
    .arg(&ca)
    .args(["--min-ttl", "90m", "--password-file"])
    .arg(&password)
    .args(["--", "sh", "-c"])
    .arg(r#"echo "$REGARDS_TOKEN_MIN_TTL"; "$1" get --refresh --password-file "$2" >/dev/null"#)
    .arg("sh")
    .arg(bin())
    .arg(&password);
    assert_eq!(run(&mut cmd).ok(), "1h30m\n");
    assert_eq!(server.token_requests(), 2, "the inner get renewed over TLS");
}

/// A remembered password the server refused is not sent again, even
/// where its keyring cannot be reached: the list of remembered passwords
/// says so, and `get` fails at once with exit 3 and the way out.
#[test]
fn a_refused_remembered_password_stops_get_without_a_request() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let dir = sandbox.cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let record = serde_json::json!({
        "version": 1,
        "entries": [{
            "host": server.url(),
            "scope": "project1",
            "username": DEMO_LOGIN,
            "client_id": "client",
            "store": "keyutils",
            "remembered_at": 1_700_000_000u64,
            "disabled_at": 1_700_000_100u64,
            "refusal": "wrong login or password (ACCOUNT_UNKNOWN)\u{1b}[31m",
        }],
    });
    std::fs::write(dir.join("passwords.json"), record.to_string()).unwrap();
    let ran = run(&mut sandbox.login(&server));
    assert_eq!(
        ran.fails(3),
        format!(
            "regards-token: error: the server refused the remembered password of {DEMO_LOGIN} \
             on {} (project1) at 2023-11-14T22:15:00Z: wrong login or password \
             (ACCOUNT_UNKNOWN)\\u{{1b}}[31m",
            server.url()
        )
    );
    assert!(ran.hint().contains("regards-token login"), "{}", ran.hint());
    assert_eq!(server.token_requests(), 0);
    // status says so, and a password given now is used.
    let listed = run(sandbox.cmd().args(["status", "--format", "json"]))
        .ok()
        .to_string();
    assert!(listed.contains("\"password\": \"disabled\""), "{listed}");
    run(&mut sandbox.get(&server)).ok();
    assert_eq!(server.token_requests(), 1);
}

/// A remembered password sent lately without a verdict is held back, from
/// the list of remembered passwords alone: `get` fails at once with exit 4,
/// says until when (or until `login`), and sends nothing; `status` shows
/// it; a password given now is still sent.
#[test]
fn a_held_remembered_password_stops_get_without_a_request() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let dir = sandbox.cache_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let plant = |unproven: u32, held_until: u64| {
        let record = serde_json::json!({
            "version": 1,
            "entries": [{
                "host": server.url(), "scope": "project1", "username": DEMO_LOGIN,
                "client_id": "client", "store": "keyutils",
                "remembered_at": 1_700_000_000u64, "disabled_at": null,
                "unproven": unproven, "held_until": held_until,
            }],
        });
        std::fs::write(dir.join("passwords.json"), record.to_string()).unwrap();
    };
    // 2100-01-01T00:00:00Z
    plant(1, 4_102_444_800);
    let ran = run(&mut sandbox.login(&server));
    assert_eq!(
        ran.fails(4),
        format!(
            "regards-token: error: the remembered password of {DEMO_LOGIN} on {} is held \
             back until 2100-01-01T00:00:00Z: 1 login with it got no answer, and the server \
             may have checked it",
            server.url()
        )
    );
    assert!(ran.hint().contains("regards-token login"), "{}", ran.hint());
    let listed: serde_json::Value =
        serde_json::from_str(run(sandbox.cmd().args(["status", "--format", "json"])).ok()).unwrap();
    assert_eq!(listed[0]["password"], "held");
    assert_eq!(listed[0]["password_held_until"], "2100-01-01T00:00:00Z");

    // After the third: until login, whatever the time.
    plant(3, 1);
    let ran = run(&mut sandbox.login(&server));
    assert!(
        ran.fails(4).contains(
            "is held back until 'regards-token login' is run: 3 logins with it got no answer"
        ),
        "{}",
        ran.stderr
    );
    let listed = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(listed.ends_with(" password=held-until-login\n"), "{listed}");
    let listed: serde_json::Value =
        serde_json::from_str(run(sandbox.cmd().args(["status", "--format", "json"])).ok()).unwrap();
    assert_eq!(listed[0]["password_held_until"], serde_json::Value::Null);
    assert_eq!(server.token_requests(), 0);

    // A hold that is over is no hold: the keyring is looked in (none
    // here, so the prompt's rule applies: no password in CI, exit 2).
    plant(1, 1);
    let ran = run(sandbox.login(&server).env("CI", "true"));
    ran.fails(2);
    assert_eq!(server.token_requests(), 0);
    // A password given now is sent.
    run(&mut sandbox.get(&server)).ok();
    assert_eq!(server.token_requests(), 1);
}
