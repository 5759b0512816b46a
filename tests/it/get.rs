//! `get` end to end: the request a REGARDS gateway expects, every password
//! source, every output format.

use base64::Engine;

use crate::common::*;

const TRICKY: &str = "p&ss #50% +x= y";

#[test]
fn json_style_sends_the_request_regards_2_expects() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let token = run(&mut sandbox.get(&server)).ok().to_string();

    assert_eq!(server.token_requests(), 1);
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, TOKEN_PATH);
    assert_eq!(req.raw_query.as_deref(), Some("scope=project1"));
    assert_eq!(
        req.json_body().expect("a JSON body"),
        serde_json::json!({"username": DEMO_LOGIN, "password": DEMO_PASSWORD,
                           "scope": "project1", "grant_type": "password"})
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    let basic = base64::engine::general_purpose::STANDARD.encode("client:secret");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
    let agent = format!("regards-token/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(req.header("user-agent"), Some(agent.as_str()));

    // stdout is exactly the server's token and a newline.
    assert!(token.ends_with('\n') && token.matches('\n').count() == 1);
    let claims = claims(token.trim_end());
    assert_eq!(claims["sub"], DEMO_LOGIN);
    assert_eq!(claims["tenant"], "project1");
}

#[test]
fn query_style_puts_everything_in_the_query_and_warns() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).args(["--request-style", "query"]));
    ran.ok();
    assert!(
        ran.stderr
            .contains("warning: --request-style query puts the password in the URL")
    );
    let req = &server.requests()[0];
    assert_eq!(
        req.query,
        [
            ("grant_type", "password"),
            ("scope", "project1"),
            ("username", DEMO_LOGIN),
            ("password", DEMO_PASSWORD)
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
    assert!(req.body.is_empty(), "no body in the query style");
    assert_eq!(req.header("content-type"), None);
}

#[test]
fn passwords_with_reserved_characters_survive_both_styles() {
    let server = Server::builder()
        .user(User::new("odd@example.org", TRICKY).in_project("project1", "ADMIN"))
        .start();
    let sandbox = Sandbox::new();
    for style in ["json", "query"] {
        let mut cmd = sandbox.cmd();
        cmd.args([
            "get",
            "--host",
            &server.url(),
            "-s",
            "project1",
            "-u",
            "odd@example.org",
        ])
        .args(["--password-stdin", "--request-style", style])
        .write_stdin(format!("{TRICKY}\n"));
        run(&mut cmd).ok();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].json_body().unwrap()["password"], TRICKY);
    let raw = requests[1].raw_query.as_deref().unwrap();
    assert!(
        raw.ends_with("password=p%26ss+%2350%25+%2Bx%3D+y"),
        "percent-encoded query: {raw}"
    );
    assert_eq!(server.failed_attempts("odd@example.org"), 0);
}

#[test]
fn password_from_stdin_is_its_first_line() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.get(&server);
    cmd.write_stdin(format!("{DEMO_PASSWORD}\r\nsecond line is not read\n"));
    run(&mut cmd).ok();
}

#[test]
fn password_from_a_file_is_its_first_line_and_beats_the_environment() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let file = sandbox.file("pw", &format!("{DEMO_PASSWORD}\nnot this\n"));
    make_private(&file);
    let ran = run(sandbox
        .login(&server)
        .arg("--password-file")
        .arg(&file)
        .env("REGARDS_PASSWORD", "wrong-password"));
    ran.ok();
    assert!(
        !ran.stderr.contains("warning"),
        "no warning for a 0600 file: {}",
        ran.stderr
    );
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 0);
}

// File modes are Unix's; the tool checks no Windows ACL.
#[cfg(unix)]
#[test]
fn a_password_file_others_can_read_is_used_with_a_warning() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let file = sandbox.file("pw", DEMO_PASSWORD);
    set_mode(&file, 0o644);
    let ran = run(sandbox.login(&server).arg("--password-file").arg(&file));
    ran.ok();
    assert!(
        ran.stderr
            .contains("can be read by other users; run: chmod 600")
    );
}

#[test]
fn password_from_the_environment_and_settings_from_variables() {
    let server = Server::builder().start();
    let ran = run(Sandbox::new()
        .cmd()
        .arg("get")
        .env("REGARDS_HOST", server.url())
        .env("REGARDS_SCOPE", "project1")
        .env("REGARDS_USERNAME", DEMO_LOGIN)
        .env("REGARDS_PASSWORD", DEMO_PASSWORD));
    assert_eq!(claims(ran.ok().trim_end())["sub"], DEMO_LOGIN);
}

#[test]
fn sunpy_regards_variable_names_are_fallbacks() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let base = || {
        let mut cmd = sandbox.cmd();
        cmd.arg("get")
            .env("REGARDS_BASE_URL", server.url())
            .env("REGARDS_TENANT", "project1")
            .env("REGARDS_USERNAME", DEMO_LOGIN)
            .env("REGARDS_PASSWORD", DEMO_PASSWORD);
        cmd
    };
    run(&mut base()).ok();
    // The tool's own names win over the fallbacks, and a flag over both.
    let ran = run(base().env("REGARDS_SCOPE", "nope"));
    ran.fails(4);
    run(base()
        .env("REGARDS_SCOPE", "nope")
        .args(["--scope", "project1"]))
    .ok();
    assert_eq!(server.requests()[1].query_param("scope"), Some("nope"));
}

#[test]
fn client_id_and_secret_can_be_changed() {
    let server = Server::builder().client("portal", "s3cr3t").start();
    let sandbox = Sandbox::new();
    run(sandbox
        .get(&server)
        .args(["--client-id", "portal"])
        .env("REGARDS_CLIENT_SECRET", "s3cr3t"))
    .ok();
    let basic = base64::engine::general_purpose::STANDARD.encode("portal:s3cr3t");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}

#[test]
fn host_may_have_a_trailing_slash() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.get(&server);
    cmd.args(["--host", &format!("{}/", server.url())]);
    run(&mut cmd).ok();
    assert_eq!(server.requests()[0].path, TOKEN_PATH);
}

#[test]
fn every_format_prints_exactly_what_it_promises() {
    let token = "eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJkZW1vQGV4YW1wbGUub3JnIn0.c2lnbmF0dXJl";
    let sandbox = Sandbox::new();
    let print = |format: &str| {
        let server = scripted(vec![fixed_answer(token, 3600)]);
        run(sandbox.get(&server).args(["--format", format]))
            .ok()
            .to_string()
    };
    assert_eq!(print("token"), format!("{token}\n"));
    assert_eq!(print("header"), format!("Authorization: Bearer {token}\n"));
    assert_eq!(print("env"), format!("export REGARDS_TOKEN='{token}'\n"));

    let server = scripted(vec![fixed_answer(token, 3600)]);
    let json: serde_json::Value =
        serde_json::from_str(run(sandbox.get(&server).args(["--format", "json"])).ok()).unwrap();
    assert_eq!(json["access_token"], token);
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["host"], server.url());
    assert_eq!(json["scope"], "project1");
    assert_eq!(json["username"], DEMO_LOGIN);
    assert_eq!(json["role"], "REGISTERED_USER");
    assert_eq!(json["tenant"], "project1");
    assert_eq!(json["source"], "network");
    let left = json["expires_in"].as_u64().unwrap();
    assert!((3590..=3600).contains(&left), "expires_in {left}");
    let expires_at = humantime::parse_rfc3339(json["expires_at"].as_str().unwrap()).unwrap();
    let from_now = expires_at
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!((3590..=3600).contains(&from_now.as_secs()));
    assert_eq!(
        json.as_object().unwrap().len(),
        10,
        "no other field: {json}"
    );
}

// The `env` format is for a POSIX shell, run here by `sh`.
#[cfg(unix)]
#[test]
fn env_format_evaluates_in_a_shell() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let exported = run(sandbox.get(&server).args(["--format", "env"]))
        .ok()
        .to_string();
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("{exported}\nprintf %s \"$REGARDS_TOKEN\"")])
        .output()
        .unwrap();
    let token = String::from_utf8(out.stdout).unwrap();
    assert_eq!(claims(&token)["sub"], DEMO_LOGIN);
}

/// Tokens made of the characters a shell or curl's config syntax reads
/// specially (a leading `~` expands to a home folder after `=`): `eval`
/// of the `env` line and curl reading the `curl` line get exactly the token.
// Runs `sh` and the README's `curl -K-` recipe.
#[cfg(unix)]
#[test]
fn env_and_curl_formats_give_exactly_the_token() {
    for token in ["~root", "a+b/c==", "~", "x.y_z-~/+=="] {
        let sandbox = Sandbox::new();
        let server = scripted(vec![fixed_answer(token, 3600), fixed_answer(token, 3600)]);
        let exported = run(sandbox.get(&server).args(["--format", "env"]))
            .ok()
            .to_string();
        let out = std::process::Command::new("sh")
            .args(["-c", &format!("{exported}\nprintf %s \"$REGARDS_TOKEN\"")])
            .env("HOME", "/home-of-someone")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), token, "{exported}");

        let config = run(sandbox.get(&server).args(["--format", "curl"]))
            .ok()
            .to_string();
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                "curl -sS -K- -o /dev/null \"$1/api/v1/rs-admin/users/myuser\"",
                "sh",
                &server.url(),
            ])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(config.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success(), "curl failed");
        let sent = server.requests().pop().unwrap();
        assert_eq!(
            sent.header("authorization"),
            Some(&*format!("Bearer {token}")),
            "{config}"
        );
    }
}

#[test]
fn the_token_is_usable_on_the_gateway() {
    // The README's curl recipe, with the header format.
    let server = Server::builder().start();
    let header = run(Sandbox::new().get(&server).args(["--format", "header"]))
        .ok()
        .to_string();
    // Windows ships curl too; its null device is NUL.
    let null = if cfg!(windows) { "NUL" } else { "/dev/null" };
    let out = std::process::Command::new("curl")
        .args(["-sS", "-o", null, "-w", "%{http_code}", "-H", "@-"])
        .arg(format!("{}/api/v1/rs-admin/users/myuser", server.url()))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(header.as_bytes())?;
            child.wait_with_output()
        });
    match out {
        Ok(out) => assert_eq!(String::from_utf8_lossy(&out.stdout), "200"),
        Err(err) => panic!("curl is needed for this test (apt-get install curl): {err}"),
    }
}

#[test]
fn help_and_version_go_to_stdout() {
    let sandbox = Sandbox::new();
    let ran = run(sandbox.cmd().arg("--version"));
    assert_eq!(
        ran.ok(),
        format!("regards-token {}\n", env!("CARGO_PKG_VERSION"))
    );
    let ran = run(sandbox.cmd().args(["get", "--help"]));
    assert!(ran.ok().contains("--password-stdin"));
    assert_eq!(ran.stderr, "");
}

/// The help teaches what the README teaches: no `export X=$(...)` (it
/// hides a failure), the `eval` form that keeps the exit status, every
/// format, and a `-v` that does not promise requests where none are made.
#[test]
fn help_says_what_the_readme_says() {
    let sandbox = Sandbox::new();
    // Lines are wrapped to the terminal: compare with spaces folded.
    let help = |args: &[&str]| {
        let text = run(sandbox.cmd().args(args)).ok().to_string();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let top = help(&["--help"]);
    assert!(!top.contains("export REGARDS_TOKEN=$("), "{top}");
    assert!(
        top.contains("REGARDS_TOKEN=$(regards-token get) && export REGARDS_TOKEN"),
        "{top}"
    );
    let get = help(&["get", "--help"]);
    assert!(!get.contains(r#"eval "$(...)""#), "{get}");
    assert!(get.contains(r#"out=$(...) && eval "$out""#), "{get}");
    assert!(get.contains("or curl (a curl config line)"), "{get}");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(
            "REGARDS_TOKEN=$(regards-token get --scope project1) && export REGARDS_TOKEN"
        )
    );
    for command in ["status", "logout", "config"] {
        let text = help(&[command, "--help"]);
        assert!(!text.contains("Log requests"), "{command}: {text}");
    }
}

#[test]
fn empty_variables_count_as_unset() {
    // A CI system expands a missing secret to "": that must mean "not
    // given", not an empty value.
    let server = Server::builder().start();
    let ran = run(Sandbox::new()
        .cmd()
        .arg("get")
        .env("REGARDS_HOST", "")
        .env("REGARDS_BASE_URL", server.url())
        .env("REGARDS_SCOPE", "")
        .env("REGARDS_TENANT", "project1")
        .env("REGARDS_USERNAME", DEMO_LOGIN)
        .env("REGARDS_PASSWORD", DEMO_PASSWORD)
        .env("REGARDS_CLIENT_ID", "")
        .env("REGARDS_CLIENT_SECRET", " ")
        .env("REGARDS_CA_CERT", "")
        .env("REGARDS_TOKEN_CACHE", "")
        .env("REGARDS_TOKEN_MIN_TTL", ""));
    ran.ok();
    let basic = base64::engine::general_purpose::STANDARD.encode("client:secret");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}

#[test]
fn bad_cache_variables_are_usage_errors() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).env("REGARDS_TOKEN_CACHE", "memory"));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: REGARDS_TOKEN_CACHE is 'memory': use auto, keyring, file or none"
    );
    let ran = run(sandbox.get(&server).env("REGARDS_TOKEN_MIN_TTL", "soon"));
    assert!(ran.fails(2).contains("REGARDS_TOKEN_MIN_TTL is 'soon'"));
}

#[test]
fn a_proxy_never_carries_a_loopback_login() {
    // Were the proxy used, the password would reach it in clear; it is a
    // closed port here, so using it would fail the run.
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.get(&server);
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env(var, &closed);
    }
    run(&mut cmd).ok();
    assert_eq!(server.token_requests(), 1);
}
