//! No verbosity level, no failure and no request style ever shows the
//! password, the client secret or the token on stderr (and the token
//! reaches stdout only on success).

use crate::common::*;

// Reserved characters, so that an encoded copy (in a query string, a JSON
// string, a Basic header) would be a different string to look for too.
const PASSWORD: &str = "Pa55 w&rd+SENTINEL%/=\"";
const CLIENT_SECRET: &str = "client-secret-SENTINEL";

/// Every form in which `secret` could leak: as is, form-encoded (query
/// style), percent-encoded, JSON-escaped (once, as in a body, and twice,
/// as in a server message quoting the body), and the Basic header's base64.
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine;
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap();
    let twice = serde_json::to_string(&json).unwrap();
    let basic = format!("client:{secret}");
    let engine = base64::engine::general_purpose::STANDARD;
    // Encoded once more, as a URL quoted in another URL's query.
    let again =
        |text: &str| -> String { url::form_urlencoded::byte_serialize(text.as_bytes()).collect() };
    let html = secret
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    vec![
        secret.to_string(),
        form.clone(),
        form.replace('+', "%20"),
        again(&form),
        again(&form.replace('+', "%20")),
        json.trim_matches('"').to_string(),
        twice.trim_matches('"').to_string(),
        html,
        engine.encode(&basic),
        engine.encode(&basic).trim_end_matches('=').to_string(),
    ]
}

/// Every file the run left under the sandbox (the cache, the lock folder,
/// the refusal marker), with its content.
fn files_under(root: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    found
}

fn leaks_no_secret(ran: &Ran, also: &[&str]) {
    let mut all = forms(PASSWORD);
    all.extend(forms(CLIENT_SECRET));
    for extra in also {
        all.extend(forms(extra));
    }
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    ran.leaks_none(&all);
}

fn server(script: Vec<Canned>) -> Server {
    Server::builder()
        .client("client", CLIENT_SECRET)
        .user(User::new("sam@example.org", PASSWORD).in_project("project1", "ADMIN"))
        .script(script)
        .start()
}

fn get(server: &Server, password: &str, extra: &[&str]) -> Ran {
    run(Sandbox::new()
        .cmd()
        .args([
            "get",
            "--host",
            &server.url(),
            "-s",
            "project1",
            "-u",
            "sam@example.org",
            "-vv",
        ])
        .args(["--password-stdin", "--retries", "1", "--timeout", "700ms"])
        .args(extra)
        .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET)
        .write_stdin(format!("{password}\n")))
}

#[test]
fn success_at_vv_logs_the_exchange_but_no_secret() {
    for style in ["json", "query"] {
        let server = server(vec![]);
        let ran = get(&server, PASSWORD, &["--request-style", style]);
        let token = ran.ok().trim_end().to_string();
        // Logs what happened...
        assert!(
            ran.stderr.contains("regards-token: POST http://127.0.0.1:"),
            "{}",
            ran.stderr
        );
        assert!(
            ran.stderr
                .contains("regards-token: > authorization: [redacted]")
        );
        assert!(ran.stderr.contains("regards-token: answer HTTP 200"));
        assert!(
            ran.stderr
                .contains("regards-token: < content-type: application/json")
        );
        // ...but no secret, and the token only on stdout.
        assert!(!ran.stderr.contains(&token), "stderr leaks the token");
        leaks_no_secret(&ran, &[]);
        if style == "query" {
            assert!(ran.stderr.contains("password=[redacted]"), "{}", ran.stderr);
        }
    }
}

#[test]
fn failures_at_vv_leak_nothing() {
    let scripts: Vec<(Vec<Canned>, i32)> = vec![
        (
            vec![Canned::GatewayError(503), Canned::GatewayError(503)],
            4,
        ),
        (vec![Canned::Hang, Canned::Hang], 4),
        (vec![Canned::CloseMidBody, Canned::CloseWithoutAnswer], 4),
        (vec![Canned::IndexHtml], 5),
        (
            vec![Canned::Redirect(307, "https://elsewhere.example/".into())],
            5,
        ),
        (vec![Canned::Messages(500, "boom".into())], 4),
        (vec![Canned::Huge(2 << 20)], 5),
    ];
    for (script, code) in scripts {
        for style in ["json", "query"] {
            let server = server(script.clone());
            let ran = get(&server, PASSWORD, &["--request-style", style]);
            ran.fails(code);
            leaks_no_secret(&ran, &[]);
        }
    }
}

#[test]
fn a_refusal_at_vv_leaks_nothing() {
    for style in ["json", "query"] {
        let wrong = "Wr0ng-SENTINEL-pw";
        let server = server(vec![]);
        let ran = get(&server, wrong, &["--request-style", style]);
        ran.fails(3);
        leaks_no_secret(&ran, &[wrong]);
    }
}

#[test]
fn the_client_secret_is_hidden_from_help() {
    let ran = run(Sandbox::new()
        .cmd()
        .args(["get", "--help"])
        .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET)
        .env("REGARDS_PASSWORD", PASSWORD));
    ran.ok();
    leaks_no_secret(&ran, &[]);
}

#[test]
fn connection_failures_leak_nothing() {
    let port = closed_port();
    let ran = run(Sandbox::new()
        .cmd()
        .args([
            "get",
            "--host",
            &format!("http://127.0.0.1:{port}"),
            "-s",
            "p",
            "-u",
            "u",
        ])
        .args(["-vv", "--request-style", "query", "--retries", "0"])
        .env("REGARDS_PASSWORD", PASSWORD)
        .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET));
    ran.fails(4);
    leaks_no_secret(&ran, &[]);
}

/// A server that quotes the request back (its target, the password it
/// decoded, the Authorization header, the body) in a redirect's Location,
/// a refusal's detail or a 500's `messages`: at -vv, in both request
/// styles, neither secret appears in any encoding on stdout, stderr, or in
/// any file the run left (the refusal marker included).
#[test]
fn a_server_quoting_the_request_leaks_nothing() {
    let cases = [
        (Echo::Location(307), 5),
        (Echo::LoginPage(302), 5),
        (Echo::Refusal, 3),
        (Echo::Messages(500), 4),
        (Echo::Messages(400), 5),
        (Echo::Gateway(503), 4),
    ];
    for (echo, code) in cases {
        for style in ["json", "query"] {
            let server = server(vec![Canned::Echo(echo)]);
            let sandbox = Sandbox::new();
            let ran = run(sandbox
                .cmd()
                .args(["get", "--host", &server.url(), "-s", "project1"])
                .args(["-u", "sam@example.org", "-vv", "--password-stdin"])
                .args([
                    "--request-style",
                    style,
                    "--cache",
                    "file",
                    "--retries",
                    "0",
                ])
                .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET)
                .write_stdin(format!("{PASSWORD}\n")));
            let line = ran.fails(code);
            leaks_no_secret(&ran, &[]);
            // The server's text is shown, with the secrets hidden in it
            // (a redirect holds the password in the query style only).
            let redirect = matches!(echo, Echo::Location(_) | Echo::LoginPage(_));
            if !redirect || style == "query" {
                assert!(line.contains("[redacted]"), "{echo:?} {style}: {line}");
            }
            let files = files_under(sandbox.path());
            // Every answer but those that prove the password was not
            // checked (a request problem, the gateway's own 503) leaves a
            // failed-login marker holding the error as shown: scrubbed too.
            let marker = files
                .iter()
                .find(|(path, _)| path.extension().is_some_and(|ext| ext == "attempt"));
            if matches!(echo, Echo::Messages(400) | Echo::Gateway(503)) {
                assert!(marker.is_none(), "{echo:?} {style}");
            } else {
                let (_, marker) = marker.expect("a failed-login marker was written");
                if !redirect || style == "query" {
                    assert!(marker.contains("[redacted]"), "{echo:?} {style}: {marker}");
                }
            }
            let mut all = forms(PASSWORD);
            all.extend(forms(CLIENT_SECRET));
            for (path, content) in &files {
                for form in &all {
                    assert!(
                        !content.contains(form.as_str()),
                        "{} holds {form:?}",
                        path.display()
                    );
                }
            }
            assert_eq!(server.token_requests(), 1);
        }
    }
}

/// A redirect to a URL holding credentials the tool does not know (another
/// service's token): the error and the -vv `location:` line show the URL
/// with those values hidden.
#[test]
fn a_redirect_never_shows_credentials_in_its_location() {
    let location = "https://U5ER:PW-SENTINEL@sso.example/cb?Access_Token=AT-SENTINEL&pass%77ord=P-SENTINEL&x=1#token=T-SENTINEL";
    for style in ["json", "query"] {
        let server = server(vec![Canned::Redirect(302, location.into())]);
        let ran = get(&server, PASSWORD, &["--request-style", style]);
        let line = ran.fails(5);
        leaks_no_secret(
            &ran,
            &[
                "PW-SENTINEL",
                "AT-SENTINEL",
                "P-SENTINEL",
                "T-SENTINEL",
                "U5ER",
            ],
        );
        let shown = "https://***@sso.example/cb?Access_Token=[redacted]&pass%77ord=[redacted]&x=1#token=[redacted]";
        assert!(line.ends_with(&format!("to {shown}")), "{line}");
        assert!(
            ran.stderr.contains(&format!("< location: {shown}")),
            "{}",
            ran.stderr
        );
    }
}

/// The request line at -v shows the URL through the same redaction.
#[test]
fn the_logged_request_url_hides_the_password() {
    let server = server(vec![]);
    let ran = get(&server, PASSWORD, &["--request-style", "query"]);
    ran.ok();
    let expected = format!(
        "POST {}/api/v1/rs-authentication/oauth/token?grant_type=password&scope=project1&username=sam%40example.org&password=[redacted]\n",
        server.url()
    );
    assert!(ran.stderr.contains(&expected), "{}", ran.stderr);
}

/// `config show` and `doctor` print the host as typed: a login, a
/// password or a token in it is hidden.
#[test]
fn config_show_and_doctor_hide_credentials_in_the_host() {
    for host in [
        "https://user:PW-SENTINEL@regards.example.org",
        "https://regards.example.org/?password=PW-SENTINEL",
        "https://regards.example.org/#access_token=PW-SENTINEL",
        "regards.example.org?client_secret=PW-SENTINEL",
    ] {
        let sandbox = Sandbox::new();
        let ran = run(sandbox.cmd().args(["config", "show", "--host", host]));
        let shown = ran.ok();
        assert!(shown.contains("host "), "{shown}");
        ran.leaks_none(&["PW-SENTINEL", "user:"]);
        let ran = run(sandbox.cmd().args(["doctor", "--host", host]));
        assert_eq!(ran.code, 1, "{}", ran.stdout);
        assert!(ran.stdout.contains("fail server"), "{}", ran.stdout);
        ran.leaks_none(&["PW-SENTINEL", "user:"]);
        let ran = run(sandbox
            .cmd()
            .args(["get", "--host", host, "-s", "p", "-u", "u"]));
        ran.fails(2);
        ran.leaks_none(&["PW-SENTINEL", "user:"]);
    }
}

/// A mistyped secret in the config file (unquoted, of the wrong type, or a
/// password written under a key that does not exist): the error names the
/// file, the line and the key, and shows no value, on stderr for `get` and
/// `config show`, and on stdout for `doctor`.
#[test]
fn config_errors_never_show_a_secret_value() {
    for (line, value) in [
        ("client_secret = 987654321", "987654321"),
        ("client_secret = 98765.4321", "98765"),
        ("client_secret = S3cr3tSENTINEL", "S3cr3tSENTINEL"),
        ("password = \"Pa55-SENTINEL\"", "Pa55-SENTINEL"),
        ("password = 987654321", "987654321"),
    ] {
        let sandbox = Sandbox::new();
        let config = sandbox.file(
            "config.toml",
            &format!("[default]\nhost = \"https://regards.example.org\"\n{line}\n"),
        );
        for command in [&["get", "-s", "p", "-u", "u"][..], &["config", "show"]] {
            let ran = run(sandbox
                .cmd()
                .args(command)
                .env("REGARDS_TOKEN_CONFIG", &config)
                .env("REGARDS_PASSWORD", PASSWORD));
            let error = ran.fails(2);
            assert!(error.contains("config.toml, line 3: "), "{error}");
            ran.leaks_none(&[value]);
        }
        let ran = run(sandbox
            .cmd()
            .arg("doctor")
            .env("REGARDS_TOKEN_CONFIG", &config));
        assert_eq!(ran.code, 1);
        assert!(
            ran.stdout.contains("config.toml, line 3: "),
            "{}",
            ran.stdout
        );
        ran.leaks_none(&[value]);
    }
}

/// `status` prints the host of each cached token like every URL: an index
/// edited to hold credentials in a host does not get them printed.
#[test]
fn status_hides_credentials_in_a_listed_host() {
    let server = server(vec![]);
    let sandbox = Sandbox::new();
    run(sandbox
        .cmd()
        .args(["get", "--host", &server.url(), "-s", "project1"])
        .args([
            "-u",
            "sam@example.org",
            "--password-stdin",
            "--cache",
            "file",
        ])
        .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET)
        .write_stdin(format!("{PASSWORD}\n")))
    .ok();
    let index = sandbox.path().join("cache/regards-token/index.json");
    let text = std::fs::read_to_string(&index).unwrap();
    let edited = text.replace(
        &server.url(),
        "http://me:PW-SENTINEL@127.0.0.1:1/?access_token=AT-SENTINEL",
    );
    assert_ne!(text, edited);
    std::fs::write(&index, edited).unwrap();
    for format in ["text", "json"] {
        let ran = run(sandbox.cmd().args(["status", "--format", format]));
        let listed = ran.ok();
        assert!(
            listed.contains("http://***@127.0.0.1:1/?access_token=[redacted]"),
            "{listed}"
        );
        ran.leaks_none(&["PW-SENTINEL", "AT-SENTINEL"]);
    }
}

/// Any header shown at -vv may hold a URL: all go through the redaction.
#[test]
fn headers_at_vv_never_show_credentials_in_urls() {
    let answer = Canned::Raw {
        status: 503,
        content_type: Some("application/json".into()),
        body: b"{}".to_vec(),
        extra_headers: vec![
            ("Link".into(), "</t?token=T-SENTINEL>; rel=next".into()),
            (
                "Refresh".into(),
                "0; url=https://sso.example/#access_token=AT-SENTINEL".into(),
            ),
            (
                "Content-Location".into(),
                "https://me:PW-SENTINEL@h.example/".into(),
            ),
        ],
    };
    let server = server(vec![answer]);
    let ran = get(&server, PASSWORD, &["--retries", "0"]);
    ran.fails(4);
    assert!(
        ran.stderr.contains("< link: </t?token=[redacted]"),
        "{}",
        ran.stderr
    );
    leaks_no_secret(&ran, &["T-SENTINEL", "AT-SENTINEL", "PW-SENTINEL"]);
}

/// The paths where a login is final without a verdict, and the runs that
/// replay a failed login from its marker: at -vv, in both request styles,
/// neither secret appears in any form on stdout, stderr or in any file
/// left behind (the marker holds the error, scrubbed, and a salted hash).
#[test]
fn failed_logins_and_their_replays_at_vv_leak_nothing() {
    let garbage = b"\x00\x01\xff garbage\r\n\r\n".to_vec();
    let cases: Vec<(&str, Vec<Canned>, i32)> = vec![
        ("a login slower than --timeout", vec![Canned::Hang], 4),
        ("an answer broken mid-body", vec![Canned::CloseMidBody], 4),
        ("a 502", vec![Canned::GatewayError(502)], 4),
        ("a 504", vec![Canned::GatewayError(504)], 4),
        (
            "an answer that is not HTTP",
            vec![Canned::Bytes(garbage)],
            5,
        ),
        ("a refusal", vec![], 3),
    ];
    for (what, script, code) in cases {
        for style in ["json", "query"] {
            let server = server(script.clone());
            let sandbox = Sandbox::new();
            let attempt = || {
                let mut cmd = sandbox.cmd();
                cmd.args(["get", "--host", &server.url(), "-s", "project1"])
                    .args(["-u", "sam@example.org", "-vv", "--password-stdin"])
                    .args(["--request-style", style, "--timeout", "700ms"])
                    .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET)
                    .write_stdin(format!("wrong-{PASSWORD}\n"));
                run(&mut cmd)
            };
            let first = attempt();
            first.fails(code);
            leaks_no_secret(&first, &[&format!("wrong-{PASSWORD}")]);
            let replay = attempt();
            assert!(
                replay
                    .fails(code)
                    .contains("the same password is not sent again"),
                "{what} {style}: {}",
                replay.stderr
            );
            leaks_no_secret(&replay, &[&format!("wrong-{PASSWORD}")]);
            assert_eq!(server.token_requests(), 1, "{what} {style}");
            let mut all = forms(&format!("wrong-{PASSWORD}"));
            all.extend(forms(CLIENT_SECRET));
            for (path, content) in files_under(sandbox.path()) {
                for form in &all {
                    assert!(
                        !content.contains(form.as_str()),
                        "{what} {style}: {} holds {form:?}",
                        path.display()
                    );
                }
            }
        }
    }
}

/// A session cookie or an Authorization header in the answer is shown at
/// -vv by name only: `[redacted]`, its value nowhere.
#[test]
fn answer_cookies_and_authorization_at_vv_are_redacted() {
    let body = serde_json::json!({
        "access_token": "eyJhbGciOiJIUzUxMiJ9.e30.c2ln", "token_type": "bearer",
        "expires_in": 7199,
    });
    let answer = Canned::Raw {
        status: 200,
        content_type: Some("application/json;charset=UTF-8".into()),
        body: body.to_string().into_bytes(),
        extra_headers: vec![
            (
                "Set-Cookie".into(),
                "SESSION=COOKIE-SENTINEL; Path=/; HttpOnly".into(),
            ),
            ("Authorization".into(), "Bearer AUTHZ-SENTINEL".into()),
        ],
    };
    let server = server(vec![answer]);
    let ran = get(&server, PASSWORD, &[]);
    assert_eq!(ran.ok(), "eyJhbGciOiJIUzUxMiJ9.e30.c2ln\n");
    for name in ["set-cookie", "authorization"] {
        assert!(
            ran.stderr.contains(&format!("< {name}: [redacted]\n")),
            "{name}: {}",
            ran.stderr
        );
    }
    leaks_no_secret(&ran, &["COOKIE-SENTINEL", "AUTHZ-SENTINEL"]);
}

/// A failure before any answer is shown with its cause, and the cause can
/// hold the server's text: a certificate's names. A server that learnt
/// the password (an earlier run against it) and names its certificate
/// after it sees it replaced by [redacted] in the error.
#[test]
fn a_failure_cause_quoting_the_password_is_scrubbed() {
    let password = "certname-sentinel";
    let server = Server::builder()
        .tls(true)
        .tls_names(&[&format!("{password}.example")])
        .start();
    let sandbox = Sandbox::new();
    let ca = sandbox.file("ca.pem", &server.ca_pem().unwrap());
    let ran = run(sandbox
        .cmd()
        .args(["get", "--host", &server.url(), "-s", "project1"])
        .args(["-u", DEMO_LOGIN, "-vv", "--password-stdin"])
        .arg("--ca-cert")
        .arg(&ca)
        .write_stdin(format!("{password}\n")));
    let line = ran.fails(4);
    assert!(
        line.contains("TLS handshake with") && line.contains("[redacted].example"),
        "{line}"
    );
    leaks_no_secret(&ran, &[password]);
    assert_eq!(server.token_requests(), 0);
}

/// Server text is scrubbed up to a cap (16 Ki characters: far more than a
/// message shows) and cut there. A password the cut runs through is
/// hidden all the same: after 16,380 spaces, which the message trims,
/// its first characters would be all that shows.
#[test]
fn a_password_cut_by_the_scrubbers_cap_does_not_show() {
    let detail = format!("{}{PASSWORD} and more", " ".repeat(16 * 1024 - 4));
    let body = serde_json::json!({
        "additionalInformation": {"error": "ACCOUNT_UNKNOWN"}, "detailMessage": detail,
    });
    let server = server(vec![json_answer(400, &body)]);
    let ran = get(&server, PASSWORD, &[]);
    let line = ran.fails(3);
    assert!(line.ends_with("(ACCOUNT_UNKNOWN): [redacted]"), "{line}");
    leaks_no_secret(&ran, &[]);
    assert!(!ran.stderr.contains(&PASSWORD[..4]), "{}", ran.stderr);
}
