//! Every row of the exit-code table: what went wrong, the one-line message,
//! the hint, the code, an empty stdout, and how many requests were sent.

use crate::common::*;

// ---- 2: usage or configuration -------------------------------------------

#[test]
fn unknown_flag_is_a_usage_error() {
    let ran = run(Sandbox::new().cmd().args(["get", "--hots", "x"]));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: 'get' takes no option --hots"
    );
    assert_eq!(ran.hint(), "did you mean --host?");
}

#[test]
fn no_command_is_a_usage_error() {
    run(&mut Sandbox::new().cmd()).fails(2);
}

#[test]
fn missing_settings_are_named_with_their_flag_and_variable() {
    let sandbox = Sandbox::new();
    let cases: [(&[&str], &str, &str); 4] = [
        // Everything missing is named at once, not one per run.
        (
            &[],
            "no host, project and username given",
            "pass --host URL, --scope PROJECT and --username LOGIN, set REGARDS_HOST, \
             REGARDS_SCOPE and REGARDS_USERNAME, or add host, scope and username to the \
             config file",
        ),
        (
            &["-s", "p"],
            "no host and username given",
            "pass --host URL and --username LOGIN, set REGARDS_HOST and REGARDS_USERNAME, \
             or add host and username to the config file",
        ),
        (
            &["--host", "https://h.example", "-u", "me"],
            "no project given",
            "pass --scope PROJECT, set REGARDS_SCOPE, or add scope to the config file",
        ),
        (
            &["--host", "https://h.example", "-s", "p"],
            "no username given",
            "pass --username LOGIN, set REGARDS_USERNAME, or add username to the config file",
        ),
    ];
    for (args, message, hint) in cases {
        let ran = run(sandbox.cmd().arg("get").args(args));
        assert_eq!(ran.fails(2), format!("regards-token: error: {message}"));
        assert_eq!(ran.hint(), hint);
    }
}

#[test]
fn no_password_source_without_a_terminal() {
    let server = Server::builder().start();
    let ran = run(&mut Sandbox::new().login(&server));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: no password given and no terminal to ask for one"
    );
    assert_eq!(
        ran.hint(),
        "use --password-stdin, --password-file PATH or the REGARDS_PASSWORD variable, \
         or run 'regards-token login' once to remember it"
    );
    assert_eq!(server.token_requests(), 0);
}

#[test]
fn empty_or_missing_password_files_are_usage_errors() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let empty = sandbox.file("empty", "\n");
    let base = || sandbox.login(&server);
    let ran = run(base().arg("--password-file").arg(&empty));
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: the password from the password file {} is empty",
            empty.display()
        )
    );
    let ran = run(base().args(["--password-file", "/nonexistent/pw"]));
    assert!(
        ran.fails(2)
            .contains("cannot open the password file /nonexistent/pw")
    );
    let ran = run(base().arg("--password-stdin").write_stdin(""));
    assert!(ran.fails(2).contains("the password from stdin is empty"));
    let ran = run(base().args(["--password-stdin", "--password-file", "x"]));
    assert!(ran.fails(2).contains("cannot be used with"));
    assert_eq!(server.token_requests(), 0);
}

#[test]
fn plain_http_is_refused_off_this_machine() {
    let ran = run(Sandbox::new()
        .cmd()
        .args([
            "get",
            "--host",
            "http://regards.example.org",
            "-s",
            "p",
            "-u",
            "u",
        ])
        .env("REGARDS_PASSWORD", "pw"));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: refusing to send a password over plain http to http://regards.example.org"
    );
    assert!(ran.hint().contains("--allow-http"));
}

#[test]
fn allow_http_sends_with_a_warning() {
    // An IPv4-mapped IPv6 address reaches the test server on 127.0.0.1 but
    // is not one of the loopback spellings that plain http is allowed to.
    let server = Server::builder().start();
    let host = format!("http://[::ffff:127.0.0.1]:{}", server.port());
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).args(["--host", &host]));
    assert!(
        ran.fails(2)
            .contains("refusing to send a password over plain http")
    );
    let ran = run(sandbox.get(&server).args(["--host", &host, "--allow-http"]));
    ran.ok();
    assert!(
        ran.stderr
            .contains("warning: the password is sent unencrypted")
    );
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn malformed_hosts_are_usage_errors() {
    let sandbox = Sandbox::new();
    for (host, why) in [
        ("regards.example.org", "it has no scheme"),
        ("https://h.example/?tenant=x", "it must not have a query"),
        ("https://h.example/#x", "it must not have a query"),
        (
            "https://u:p@h.example",
            "it must not contain a login or password",
        ),
    ] {
        let ran = run(sandbox
            .cmd()
            .args(["get", "--host", host, "-s", "p", "-u", "u"]));
        assert!(ran.fails(2).contains(why), "{host}: {}", ran.stderr);
    }
}

#[test]
fn bad_durations_and_retries_are_usage_errors() {
    let sandbox = Sandbox::new();
    for args in [
        ["--timeout", "30"],
        ["--timeout", "0s"],
        ["--retries", "-1"],
        ["--retries", "99"],
    ] {
        run(sandbox.cmd().arg("get").args(args)).fails(2);
    }
}

#[test]
fn unreadable_ca_cert_is_a_usage_error() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let not_pem = sandbox.file("ca.pem", "not a certificate\n");
    for path in [not_pem.to_str().unwrap(), "/nonexistent/ca.pem"] {
        let ran = run(sandbox.get(&server).args(["--ca-cert", path]));
        assert!(ran.fails(2).contains(path), "{}", ran.stderr);
    }
    assert_eq!(server.token_requests(), 0);
}

// ---- 3: credentials refused ------------------------------------------------

fn refused(server: &Server, user: &str, password: &str, scope: &str) -> Ran {
    run(Sandbox::new()
        .cmd()
        .args([
            "get",
            "--host",
            &server.url(),
            "-s",
            scope,
            "-u",
            user,
            "--password-stdin",
        ])
        .write_stdin(format!("{password}\n")))
}

#[test]
fn a_wrong_password_is_refused_once_and_never_retried() {
    let server = Server::builder().start();
    let ran = refused(&server, DEMO_LOGIN, "wrong", "project1");
    let line = ran.fails(3);
    assert!(
        line.starts_with(&format!(
            "regards-token: error: login refused by {} (ACCOUNT_UNKNOWN): Access denied",
            server.url()
        )),
        "{line}"
    );
    assert!(ran.hint().starts_with("wrong login or password"));
    assert_eq!(server.token_requests(), 1, "a refusal is never retried");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
}

#[test]
fn lockout_is_reported_as_such() {
    let server = Server::builder().lockout_threshold(3).start();
    for _ in 0..3 {
        refused(&server, DEMO_LOGIN, "wrong", "project1").fails(3);
    }
    // Now even the right password meets a locked account.
    let ran = refused(&server, DEMO_LOGIN, DEMO_PASSWORD, "project1");
    assert!(ran.fails(3).contains("(ACCOUNT_LOCKED)"));
    assert!(ran.hint().contains("ask an administrator to unlock it"));
    assert_eq!(server.token_requests(), 4);
}

#[test]
fn each_account_and_access_state_has_its_hint() {
    let server = Server::builder()
        .project("project2")
        .user(User::new("pending@x", "pw").with_status(AccountStatus::Pending))
        .user(User::new("inactive@x", "pw").with_status(AccountStatus::Inactive))
        .user(User::new("expired@x", "pw").with_status(AccountStatus::InactivePassword))
        .user(
            User::new("waiting@x", "pw")
                .in_project("project1", "REGISTERED_USER")
                .with_access("project1", AccessState::WaitingAccess),
        )
        .user(
            User::new("email@x", "pw")
                .in_project("project1", "REGISTERED_USER")
                .with_access("project1", AccessState::WaitingEmailVerification),
        )
        .user(
            User::new("denied@x", "pw")
                .in_project("project1", "REGISTERED_USER")
                .with_access("project1", AccessState::AccessDenied),
        )
        .user(
            User::new("off@x", "pw")
                .in_project("project1", "REGISTERED_USER")
                .with_access("project1", AccessState::AccessInactive),
        )
        .start();
    let cases = [
        (
            "pending@x",
            "project1",
            "ACCOUNT_PENDING",
            "awaits validation",
        ),
        ("inactive@x", "project1", "ACCOUNT_INACTIVE", "reactivate"),
        (
            "expired@x",
            "project1",
            "ACCOUNT_INACTIVE_PASSWORD",
            "password has expired",
        ),
        (
            DEMO_LOGIN,
            "project2",
            "USER_UNKNOWN",
            "no access to project project2",
        ),
        (
            "waiting@x",
            "project1",
            "USER_WAITING_ACCESS",
            "awaits an administrator's approval",
        ),
        (
            "email@x",
            "project1",
            "USER_WAITING_EMAIL_VERIFICATION",
            "confirm the e-mail address",
        ),
        ("denied@x", "project1", "USER_ACCESS_DENIED", "was denied"),
        ("off@x", "project1", "USER_ACCESS_INACTIVE", "is inactive"),
        (
            DEMO_LOGIN,
            "instance",
            "INSTANCE_ACCESS_DENIED",
            "only instance administrators",
        ),
    ];
    for (user, scope, code, hint) in cases {
        let password = if user == DEMO_LOGIN {
            DEMO_PASSWORD
        } else {
            "pw"
        };
        let ran = refused(&server, user, password, scope);
        assert!(
            ran.fails(3).contains(&format!("({code})")),
            "{user}: {}",
            ran.stderr
        );
        assert!(ran.hint().contains(hint), "{user}: {}", ran.stderr);
    }
    assert_eq!(server.token_requests(), cases.len());
}

#[test]
fn a_wrong_client_secret_is_a_refusal() {
    let server = Server::builder().client("client", "other").start();
    let ran = run(&mut Sandbox::new().get(&server));
    assert!(
        ran.fails(3)
            .contains("rejected the client credentials or the scope (HTTP 401)")
    );
    assert!(ran.hint().contains("--client-secret"));
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn a_forbidden_answer_is_a_refusal() {
    let server = scripted(vec![Canned::Raw {
        status: 403,
        content_type: None,
        body: vec![],
        extra_headers: vec![],
    }]);
    let ran = run(&mut Sandbox::new().get(&server));
    assert!(ran.fails(3).contains("(HTTP 403)"));
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn a_regards_1_refusal_is_a_refusal() {
    let server = Server::builder().legacy_v1(true).start();
    let ran = run(Sandbox::new()
        .login(&server)
        .args(["--request-style", "query", "--password-stdin"])
        .write_stdin("wrong\n"));
    assert!(ran.fails(3).contains("(invalid_grant)"));
    assert_eq!(server.token_requests(), 1);
}

// ---- 1: unexpected failure ---------------------------------------------------

// Writes to /dev/full, a device only Linux has.
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_is_an_internal_failure() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = demo_get(&sandbox, &server).stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("regards-token: error: cannot write to stdout: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn a_closed_stdout_is_not_an_error() {
    // `regards-token get | true`: the reader is gone before the token is written.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = demo_get(&sandbox, &server).stdout(writer).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

fn demo_get(sandbox: &Sandbox, server: &Server) -> std::process::Command {
    let mut cmd = sandbox.std_login(server);
    cmd.env("REGARDS_PASSWORD", DEMO_PASSWORD);
    cmd
}

#[test]
fn a_password_in_the_host_url_is_not_echoed() {
    let ran = run(Sandbox::new().cmd().args([
        "get",
        "--host",
        "http://me:hunter2@127.0.0.1:1",
        "-s",
        "p",
        "-u",
        "u",
    ]));
    assert!(
        ran.fails(2).contains("'http://***@127.0.0.1:1'"),
        "{}",
        ran.stderr
    );
    ran.leaks_none(&["hunter2"]);
}

#[test]
fn an_empty_flag_value_is_a_usage_error_not_a_fallback() {
    // `--scope "$UNSET"` must not quietly use REGARDS_SCOPE or the config.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    for flag in [
        "--scope",
        "--host",
        "--username",
        "--client-id",
        "--client-secret",
    ] {
        let ran = run(sandbox
            .get(&server)
            .args([flag, ""])
            .env("REGARDS_SCOPE", "project1"));
        assert!(
            ran.fails(2).contains(&format!(
                "{flag} needs a value (an empty one counts as none)"
            )),
            "{}",
            ran.stderr
        );
    }
    assert_eq!(server.token_requests(), 0);
}
