//! `doctor` checks the set-up without logging in: one line per check, ok,
//! warn or fail; exit 0 unless something failed.

use crate::common::*;

fn doctor(sandbox: &Sandbox, host: &str, extra: &[&str]) -> Ran {
    run(sandbox.cmd().args(["doctor", "--host", host]).args(extra))
}

fn line<'a>(ran: &'a Ran, check: &str) -> &'a str {
    ran.stdout
        .lines()
        .find(|l| l[5..].starts_with(check))
        .unwrap_or_else(|| panic!("no {check} line in:\n{}", ran.stdout))
}

#[test]
fn a_healthy_set_up_passes() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = doctor(&sandbox, &server.url(), &["--cache", "file"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(line(&ran, "config").starts_with("ok   config  no file at "));
    assert_eq!(line(&ran, "cache"), "ok   cache   --cache file");
    assert!(line(&ran, "server").starts_with(&format!(
        "ok   server  {} answers like a REGARDS gateway (HTTP 401",
        server.url()
    )));
    assert_eq!(
        line(&ran, "tls"),
        "ok   tls     plain http, on this machine only"
    );
    assert!(
        line(&ran, "clock").starts_with("ok   clock   the server's clock is within 1s"),
        "{}",
        ran.stdout
    );
    assert_eq!(server.token_requests(), 1);
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.header("authorization"), None, "no credential is sent");
    assert!(seen.body.is_empty());
}

#[test]
fn a_wrong_host_fails() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = doctor(
        &sandbox,
        &format!("{}/ui", server.url()),
        &["--cache", "file"],
    );
    assert_eq!(ran.code, 1);
    assert!(
        line(&ran, "server").starts_with("fail server"),
        "{}",
        ran.stdout
    );
    assert!(line(&ran, "server").contains("web page"));
    assert!(
        ran.stderr
            .contains("regards-token: error: some checks failed")
    );

    let closed = closed_port();
    let ran = doctor(
        &sandbox,
        &format!("http://127.0.0.1:{closed}"),
        &["--cache", "file"],
    );
    assert_eq!(ran.code, 1);
    assert!(
        line(&ran, "server").contains("cannot connect"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_skewed_clock_warns() {
    let ahead =
        httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(300));
    let server = scripted(vec![Canned::Raw {
        status: 401,
        content_type: None,
        body: vec![],
        extra_headers: vec![("Date".into(), ahead)],
    }]);
    let sandbox = Sandbox::new();
    let ran = doctor(&sandbox, &server.url(), &["--cache", "file"]);
    assert_eq!(ran.code, 0, "a warning is not a failure");
    let clock = line(&ran, "clock");
    assert!(
        clock.starts_with("warn clock   the server's clock is 4m 5")
            || clock.starts_with("warn clock   the server's clock is 5m ahead"),
        "{clock}"
    );
    assert!(clock.contains("ahead of this machine's"));
}

/// Without a keyring, `auto` is a warning in `get`'s words and `keyring`
/// a failure with `get`'s error; the real keyrings are checked by
/// `keyring_get.rs` under `.ci/keyring-tests`.
#[test]
fn keyrings_are_reported() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = doctor(&sandbox, &server.url(), &["--cache", "auto"]);
    assert_eq!(ran.code, 0);
    assert_eq!(
        line(&ran, "cache"),
        format!(
            "warn cache   no system keyring is usable ({SKIPPED_IN_WORDS}), so get keeps \
             tokens in private files under {}",
            sandbox.cache_dir().join("tokens").display()
        )
    );
    assert!(!sandbox.cache_dir().exists(), "doctor wrote no file");

    let ran = doctor(&sandbox, &server.url(), &["--cache", "keyring"]);
    assert_eq!(ran.code, 1);
    assert_eq!(
        line(&ran, "cache"),
        format!("fail cache   keyring unavailable ({SKIPPED_REASONS})"),
        "{}",
        ran.stdout
    );
    assert_eq!(ran.stderr, "regards-token: error: some checks failed\n");
    let get = run(sandbox.get(&server).args(["--cache", "keyring"]));
    assert_eq!(
        get.fails(6),
        format!("regards-token: error: {}", &line(&ran, "cache")[13..]),
        "doctor says what get says"
    );
}

#[test]
fn tls_is_checked() {
    let server = Server::builder().tls(true).start();
    let sandbox = Sandbox::new();
    let ran = doctor(&sandbox, &server.url(), &["--cache", "file"]);
    assert_eq!(ran.code, 1);
    assert!(
        line(&ran, "tls").starts_with("fail tls     TLS handshake"),
        "{}",
        ran.stdout
    );
    let ca = sandbox.file("ca.pem", &server.ca_pem().unwrap());
    let ran = doctor(
        &sandbox,
        &server.url(),
        &["--cache", "file", "--ca-cert", ca.to_str().unwrap()],
    );
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    assert_eq!(line(&ran, "tls"), "ok   tls     certificate verified");
}

#[test]
fn a_bad_config_fails_its_check() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let bad = sandbox.file("bad.toml", "[default]\nhots = 1\n");
    let ran = run(sandbox
        .cmd()
        .args(["doctor", "--host", &server.url(), "--cache", "file"])
        .env("REGARDS_TOKEN_CONFIG", &bad));
    assert_eq!(ran.code, 1);
    assert!(
        line(&ran, "config").contains("line 2: unknown field `hots`"),
        "{}",
        ran.stdout
    );
    assert!(
        line(&ran, "server").starts_with("ok"),
        "the other checks still run"
    );
}

#[test]
fn plain_http_off_this_machine_fails_unless_allowed() {
    // An IPv4-mapped address reaches the test server but is not a loopback
    // spelling, as in errors.rs.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let host = format!("http://[::ffff:127.0.0.1]:{}", server.port());
    let ran = doctor(&sandbox, &host, &["--cache", "file"]);
    assert_eq!(ran.code, 1);
    assert_eq!(
        line(&ran, "tls"),
        "fail tls     plain http to another machine: get refuses it without --allow-http"
    );
    let ran = doctor(&sandbox, &host, &["--cache", "file", "--allow-http"]);
    assert_eq!(ran.code, 0, "{}", ran.stdout);
    assert!(line(&ran, "tls").starts_with("warn tls     plain http (--allow-http)"));
}

/// `doctor` fails with `get`'s own error and hint where the connection
/// fails: an unknown certificate authority (the hint names --ca-cert),
/// `http://` to a TLS port, whether it answers plain HTTP with a TLS alert
/// or closes the connection without a byte (Netty).
#[test]
fn doctor_gives_gets_diagnosis_and_hint() {
    let tls = Server::builder().tls(true).start();
    let closing = Server::builder().tls(true).closes_plain_text(true).start();
    let cases = [
        (&tls, tls.url(), "tls"),
        (&tls, format!("http://127.0.0.1:{}", tls.port()), "server"),
        (
            &closing,
            format!("http://127.0.0.1:{}", closing.port()),
            "server",
        ),
    ];
    for (server, host, check) in cases {
        let sandbox = Sandbox::new();
        let get = run(sandbox.get(server).args(["--host", &host]));
        let code = get.code;
        let error = get.fails(code).to_string();
        let ran = doctor(&sandbox, &host, &["--cache", "file"]);
        assert_eq!(ran.code, 1, "{}", ran.stdout);
        let failed = line(&ran, check);
        assert_eq!(
            format!("regards-token: error: {}", &failed[13..]),
            error,
            "{host}:\n{}",
            ran.stdout
        );
        let lines: Vec<&str> = ran.stdout.lines().collect();
        let at = lines.iter().position(|l| *l == failed).unwrap();
        assert_eq!(
            lines.get(at + 1).copied(),
            Some(format!("{:13}hint: {}", "", get.hint()).as_str()),
            "{host}:\n{}",
            ran.stdout
        );
    }
    let sandbox = Sandbox::new();
    let ran = doctor(&sandbox, &tls.url(), &["--cache", "file"]);
    assert!(
        ran.stdout.contains(
            "hint: if the server uses a private certificate authority, \
                             pass its certificate with --ca-cert PEM"
        ),
        "{}",
        ran.stdout
    );
}
