//! Remembered passwords against the real keyrings: `login` once, then
//! `get` renews tokens unattended; a password changed on the server costs
//! exactly one refused attempt; `logout` leaves no password behind; the
//! password reaches no file, log or child environment. Like
//! `keyring_get.rs`, each test runs only where `.ci/keyring-tests` started
//! that keyring, and prints the marker the script checks.

use crate::common::*;

const MARKER: &str = "KEYRING-TEST-RAN";
const NEW_PASSWORD: &str = "a-new-password-7";

fn enabled(var: &str, tier: &str) -> bool {
    let on = std::env::var(var).as_deref() == Ok("1");
    if !on {
        eprintln!(
            "keyring_login: the {tier} test was NOT run: run .ci/keyring-tests (or set {var}=1)"
        );
    }
    on
}

/// `regards-token ARGS` for the demo account, in the real keyring `tier`
/// only, never prompting (CI is set), with no password given.
fn tool_std(
    sandbox: &Sandbox,
    server: &Server,
    tier: &str,
    args: &[&str],
) -> std::process::Command {
    tool_in(sandbox, server, tier, "project1", args)
}

/// `tool_std` in another project.
fn tool_in(
    sandbox: &Sandbox,
    server: &Server,
    tier: &str,
    project: &str,
    args: &[&str],
) -> std::process::Command {
    let mut cmd = sandbox.std_cmd();
    cmd.args(args)
        .args(["--host", &server.url(), "-s", project, "-u", DEMO_LOGIN])
        .env("CI", "true");
    only_tier(&mut cmd, tier);
    cmd
}

fn tool(sandbox: &Sandbox, server: &Server, tier: &str, args: &[&str]) -> assert_cmd::Command {
    assert_cmd::Command::from_std(tool_std(sandbox, server, tier, args))
}

/// `regards-token ARGS`, without the account, in `tier` only.
fn plain(sandbox: &Sandbox, tier: &str, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = sandbox.std_cmd();
    cmd.args(args);
    only_tier(&mut cmd, tier);
    assert_cmd::Command::from_std(cmd)
}

/// Lets `cmd` use the real keyring tier `tier` only.
fn only_tier(cmd: &mut std::process::Command, tier: &str) {
    let other = if tier == "keyutils" {
        "secret-service"
    } else {
        "keyutils"
    };
    // Tokens in the keyring too, as by default.
    cmd.env("REGARDS_TOKEN_SKIP_STORES", other)
        .env("REGARDS_TOKEN_CACHE", "keyring");
    if let Ok(bus) = std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
    }
}

fn login(sandbox: &Sandbox, server: &Server, tier: &str, password: &str) -> Ran {
    let mut cmd = tool(sandbox, server, tier, &["login", "--password-stdin"]);
    cmd.write_stdin(format!("{password}\n"));
    run(&mut cmd)
}

/// A `get` that must log in (a token never has a year left), with the
/// remembered password only.
fn renew(sandbox: &Sandbox, server: &Server, tier: &str) -> Ran {
    run(&mut tool(
        sandbox,
        server,
        tier,
        &["get", "--min-ttl", "1year", "-vv"],
    ))
}

fn status_json(sandbox: &Sandbox) -> serde_json::Value {
    serde_json::from_str(run(sandbox.cmd().args(["status", "--format", "json"])).ok()).unwrap()
}

fn remembers_passwords_in(tier: &str) {
    let server = Server::builder().lifetime(3600).start();
    let sandbox = Sandbox::new();

    // A wrong password at login: refused now, nothing remembered.
    let ran = login(&sandbox, &server, tier, "not-the-password-9");
    ran.fails(3);
    assert_eq!(status_json(&sandbox), serde_json::json!([]));

    // The right one: remembered, and said where.
    let ran = login(&sandbox, &server, tier, DEMO_PASSWORD);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    let name = regards_token::cache::keyring::plain_name(tier);
    assert!(
        ran.stderr
            .contains(&format!("the password is remembered in {name}")),
        "{}",
        ran.stderr
    );
    assert_eq!(status_json(&sandbox)[0]["password"], tier);
    assert!(
        entry_in(tier, &server).is_some(),
        "the entry is where entry_in looks"
    );

    // Renewals with no password given, as across a week of expiries.
    let before = server.token_requests();
    for _ in 0..5 {
        let ran = renew(&sandbox, &server, tier);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(
            ran.stderr
                .contains("logging in with the password remembered in"),
            "{}",
            ran.stderr
        );
        ran.leaks_none(&[DEMO_PASSWORD]);
    }
    assert_eq!(server.token_requests(), before + 5);
    // No token left, the password kept: parallel renewals share one login.
    run(&mut plain(
        &sandbox,
        tier,
        &["logout", "--all", "--keep-password"],
    ))
    .ok();
    assert_eq!(status_json(&sandbox)[0]["password"], tier);
    let before = server.token_requests();
    let ran = parallel(8, || tool_std(&sandbox, &server, tier, &["get"]), "");
    for ran in &ran {
        assert_eq!(ran.code, 0, "{}", ran.stderr);
    }
    assert_eq!(server.token_requests(), before + 1, "one login for all");

    // `exec` gives its command the account, never the password.
    let url = server.url();
    let mut exec = plain(&sandbox, tier, &["exec", "--host", &url, "-s", "project1"]);
    exec.args(["-u", DEMO_LOGIN, "--"]).env("CI", "true");
    if cfg!(windows) {
        exec.args(["cmd", "/C", "set"]);
    } else {
        exec.arg("env");
    }
    let ran = run(&mut exec);
    assert!(ran.ok().contains("REGARDS_TOKEN="));
    ran.leaks_none(&[DEMO_PASSWORD]);

    // The password changed in the web interface: one refused attempt,
    // then no more requests, whatever the runs.
    server.set_password(DEMO_LOGIN, NEW_PASSWORD);
    let before = server.token_requests();
    let ran = renew(&sandbox, &server, tier);
    ran.fails(3);
    assert!(
        ran.stderr.contains("run 'regards-token login'"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), before + 1);
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
    for ran in parallel(
        6,
        || tool_std(&sandbox, &server, tier, &["get", "--refresh"]),
        "",
    ) {
        assert_eq!(ran.code, 3, "{}", ran.stderr);
        assert!(
            ran.stderr
                .contains("the server refused the remembered password"),
            "{}",
            ran.stderr
        );
    }
    let ran = renew(&sandbox, &server, tier);
    ran.fails(3);
    assert!(ran.hint().contains("regards-token login"), "{}", ran.hint());
    assert_eq!(server.token_requests(), before + 1, "never sent again");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
    assert_eq!(status_json(&sandbox)[0]["password"], "disabled");
    assert!(!sandbox.all_text().contains(DEMO_PASSWORD));

    // `login` with the new one: renewals work again.
    assert_eq!(login(&sandbox, &server, tier, NEW_PASSWORD).code, 0);
    assert_eq!(renew(&sandbox, &server, tier).code, 0);

    // `logout` forgets it.
    let said = run(&mut plain(&sandbox, tier, &["logout", "--all"]))
        .ok()
        .to_string();
    assert!(said.contains("forgot the password of"), "{said}");
    assert_eq!(status_json(&sandbox), serde_json::json!([]));
    let before = server.token_requests();
    run(&mut tool(&sandbox, &server, tier, &["get", "--refresh"])).fails(2);
    assert_eq!(server.token_requests(), before, "no password left to send");
    assert!(!sandbox.all_text().contains(NEW_PASSWORD));
    assert_eq!(
        entry_in(tier, &server),
        None,
        "no password left in the keyring"
    );
    #[cfg(target_os = "linux")]
    if tier == "keyutils" {
        // Nowhere in the kernel: not in a session keyring, the persistent
        // keyring, or the user's default session keyring.
        assert_eq!(kernel_keys_left(&server.url()), Vec::<String>::new());
    }
    refusals_and_silences_in(tier);
    eprintln!("{MARKER} tier={tier}");
}

/// A run minutes later, as cron makes them: the failed-login markers (a
/// minute at most) are gone.
fn minutes_later(sandbox: &Sandbox) {
    for marker in sandbox.marker_files() {
        std::fs::remove_file(marker).unwrap();
    }
}

/// The held-back password's hold is over, as it would be after its
/// minutes: the list of remembered passwords says it ended long ago.
fn hold_over(sandbox: &Sandbox) {
    minutes_later(sandbox);
    let path = sandbox.cache_dir().join("passwords.json");
    let mut index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for entry in index["entries"].as_array_mut().unwrap() {
        if !entry["held_until"].is_null() {
            entry["held_until"] = 1.into();
        }
    }
    std::fs::write(&path, index.to_string()).unwrap();
}

fn renew_in(sandbox: &Sandbox, server: &Server, tier: &str, project: &str) -> Ran {
    let args = ["get", "--min-ttl", "1year", "--timeout", "1s"];
    run(&mut assert_cmd::Command::from_std(tool_in(
        sandbox, server, tier, project, &args,
    )))
}

fn login_in(sandbox: &Sandbox, server: &Server, tier: &str, project: &str, password: &str) {
    let mut cmd = assert_cmd::Command::from_std(tool_in(
        sandbox,
        server,
        tier,
        project,
        &["login", "--password-stdin"],
    ));
    cmd.write_stdin(format!("{password}\n"));
    let ran = run(&mut cmd);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
}

/// What `status --format json` says of the password of `project`.
fn password_in(sandbox: &Sandbox, project: &str) -> (serde_json::Value, serde_json::Value) {
    let listed = status_json(sandbox);
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["scope"] == project)
        .unwrap_or_else(|| panic!("{project} is not listed: {listed}"))
        .clone();
    (
        entry["password"].clone(),
        entry["password_held_until"].clone(),
    )
}

/// Across runs minutes apart, in several projects of one account: a
/// refused remembered password is sent for no other project, and one sent
/// to a server that does not answer is held back, then waits for `login`.
fn refusals_and_silences_in(tier: &str) {
    let demo = User::new(DEMO_LOGIN, DEMO_PASSWORD)
        .in_project("project1", "REGISTERED_USER")
        .in_project("project2", "REGISTERED_USER");
    let server = Server::builder().user(demo).lifetime(3600).start();
    let sandbox = Sandbox::new();
    for project in ["project1", "project2"] {
        login_in(&sandbox, &server, tier, project, DEMO_PASSWORD);
    }

    // The password changed in the web interface: project1 meets the
    // refusal; project2, a minute later, sends nothing.
    server.set_password(DEMO_LOGIN, NEW_PASSWORD);
    let before = server.token_requests();
    renew_in(&sandbox, &server, tier, "project1").fails(3);
    minutes_later(&sandbox);
    let ran = renew_in(&sandbox, &server, tier, "project2");
    ran.fails(3);
    assert!(
        ran.stderr
            .contains("the server refused the remembered password"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), before + 1, "one attempt in all");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
    for project in ["project1", "project2"] {
        assert_eq!(password_in(&sandbox, project).0, "disabled");
    }

    // The new password, given to login; then the server stops answering.
    for project in ["project1", "project2"] {
        login_in(&sandbox, &server, tier, project, NEW_PASSWORD);
    }
    server.then_answer(vec![Canned::Hang, Canned::Hang, Canned::Hang]);
    let before = server.token_requests();
    let ran = renew_in(&sandbox, &server, tier, "project1");
    ran.fails(4);
    assert!(
        ran.stderr
            .contains("the remembered password is not sent again until"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), before + 1);
    // A minute later, in the other project: held back, nothing sent.
    minutes_later(&sandbox);
    let ran = renew_in(&sandbox, &server, tier, "project2");
    assert!(
        ran.fails(4).contains("is held back until 20"),
        "{}",
        ran.stderr
    );
    assert!(ran.hint().contains("regards-token login"), "{}", ran.hint());
    assert_eq!(server.token_requests(), before + 1);
    let (state, until) = password_in(&sandbox, "project2");
    assert_eq!(state, "held");
    assert!(until.is_string(), "{until}");
    let text = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(text.contains("password=held-until-20"), "{text}");
    // Once the hold is over: one more try each time, twice; then it
    // waits for a person, however long.
    for sent in 2..=3 {
        hold_over(&sandbox);
        renew_in(&sandbox, &server, tier, "project2").fails(4);
        assert_eq!(server.token_requests(), before + sent);
    }
    hold_over(&sandbox);
    let ran = renew_in(&sandbox, &server, tier, "project1");
    assert!(
        ran.fails(4)
            .contains("held back until 'regards-token login' is run: 3 logins"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        server.token_requests(),
        before + 3,
        "three unproven at most"
    );
    assert_eq!(
        password_in(&sandbox, "project1"),
        ("held".into(), serde_json::Value::Null)
    );
    let text = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(text.contains("password=held-until-login"), "{text}");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 0);

    // login gives it again: renewals work, and the hold is gone.
    login_in(&sandbox, &server, tier, "project1", NEW_PASSWORD);
    assert_eq!(renew_in(&sandbox, &server, tier, "project2").code, 0);
    assert_eq!(password_in(&sandbox, "project2").0, tier);
    assert!(!sandbox.all_text().contains(NEW_PASSWORD));
    run(&mut plain(&sandbox, tier, &["logout", "--all"])).ok();
}

/// What the keyring `tier` holds under the demo account's password entry
/// (see `cache/remembered.rs`: the host prefixed with "password ").
fn entry_in(tier: &str, server: &Server) -> Option<Vec<u8>> {
    use regards_token::cache::CacheKey;
    use regards_token::cache::keyring::{self, KeyringOptions};
    let others = ["secret-service", "keyutils"]
        .iter()
        .filter(|t| **t != tier);
    let opts = KeyringOptions {
        interactive: false,
        skip: others.map(|t| t.to_string()).collect(),
        session_bus: std::env::var("DBUS_SESSION_BUS_ADDRESS").ok(),
        deadline: Some(std::time::Duration::from_secs(10)),
    };
    let key = CacheKey {
        host: format!("password {}", server.url()),
        scope: "project1".into(),
        username: DEMO_LOGIN.into(),
        client_id: "client".into(),
    };
    let (store, found) = keyring::open(&opts, &key).expect("the keyring opens");
    assert_eq!(store.name(), tier);
    found
}

#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn login_remembers_the_password_in_the_secret_service() {
    if enabled("REGARDS_TOKEN_TEST_SECRET_SERVICE", "secret-service") {
        remembers_passwords_in("secret-service");
    }
}

#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn login_remembers_the_password_in_the_kernel_keyring() {
    if enabled("REGARDS_TOKEN_TEST_KEYUTILS", "keyutils") {
        remembers_passwords_in("keyutils");
    }
}

#[cfg(target_os = "macos")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn login_remembers_the_password_in_the_keychain() {
    if enabled("REGARDS_TOKEN_TEST_KEYCHAIN", "keychain") {
        remembers_passwords_in("keychain");
    }
}

#[cfg(windows)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn login_remembers_the_password_in_the_credential_manager() {
    if enabled("REGARDS_TOKEN_TEST_WINDOWS", "windows") {
        remembers_passwords_in("windows");
    }
}
