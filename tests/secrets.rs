//! No verbosity level, no failure and no request style ever shows the
//! password, the client secret or the token on stderr (and the token
//! reaches stdout only on success).

mod common;

use common::*;

// Reserved characters, so that an encoded copy (in a query string, a JSON
// string, a Basic header) would be a different string to look for too.
const PASSWORD: &str = "Pa55 w&rd+SENTINEL%/=\"";
const CLIENT_SECRET: &str = "client-secret-SENTINEL";

/// Every form in which `secret` could leak: as is, form-encoded (query
/// style), percent-encoded, JSON-escaped, and the Basic header's base64.
fn forms(secret: &str) -> Vec<String> {
    use base64::Engine;
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let json = serde_json::to_string(secret).unwrap();
    vec![
        secret.to_string(),
        form.clone(),
        form.replace('+', "%20"),
        json.trim_matches('"').to_string(),
        base64::engine::general_purpose::STANDARD.encode(format!("client:{secret}")),
    ]
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
