//! `inspect` decodes a token offline: the REGARDS claims with their values,
//! other claims by name only, never the signature; garbage is a clear
//! error, never a panic.

use base64::Engine;

use crate::common::*;

fn jwt(claims: &str) -> String {
    let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.U0lHTkFUVVJFLVNFTlRJTkVM",
        enc(r#"{"alg":"HS512","typ":"JWT"}"#),
        enc(claims)
    )
}

fn inspect(sandbox: &Sandbox, token: &str, extra: &[&str]) -> Ran {
    run(sandbox
        .cmd()
        .args(["inspect", "-"])
        .args(extra)
        .write_stdin(format!("{token}\n")))
}

#[test]
fn text_shows_the_claims_and_the_time_left() {
    let sandbox = Sandbox::new();
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let token = jwt(&format!(
        r#"{{"sub":"a@b.org","tenant":"p1","role":"ADMIN","email":"a@b.org","exp":{exp}}}"#
    ));
    let ran = inspect(&sandbox, &token, &[]);
    let text = ran.ok();
    let at = humantime::format_rfc3339_seconds(
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(exp),
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "algorithm  HS512",
            "type       JWT",
            "subject    a@b.org",
            "tenant     p1",
            "role       ADMIN",
            "email      a@b.org",
        ]
    );
    assert!(
        lines[6].starts_with(&format!("expires    {at} (59m 5")),
        "{}",
        lines[6]
    );
    assert_eq!(lines.len(), 7);
    assert!(!text.contains("U0lHTkFUVVJF"), "never the signature");
}

#[test]
fn json_and_expired_tokens() {
    let sandbox = Sandbox::new();
    let token = jwt(r#"{"sub":"a@b.org","exp":1000000000}"#);
    let doc: serde_json::Value =
        serde_json::from_str(inspect(&sandbox, &token, &["--format", "json"]).ok()).unwrap();
    assert_eq!(doc["header"]["alg"], "HS512");
    assert_eq!(doc["claims"]["sub"], "a@b.org");
    assert_eq!(doc["expires_at"], "2001-09-09T01:46:40Z");
    assert_eq!(doc["expired"], true);
    assert_eq!(doc["expires_in"], 0);
    let text = inspect(&sandbox, &token, &[]).ok().to_string();
    assert!(
        text.contains("expires    2001-09-09T01:46:40Z (expired "),
        "{text}"
    );
}

#[test]
fn other_claims_are_named_but_their_values_not_shown() {
    let sandbox = Sandbox::new();
    let token = jwt(r#"{"sub":"a@b.org","idp_access_token":"IDP-SECRET-SENTINEL","iat":5}"#);
    let text = inspect(&sandbox, &token, &[]).ok().to_string();
    assert!(
        text.contains("other      iat, idp_access_token (values not shown)"),
        "{text}"
    );
    assert!(text.contains("expires    - (no exp claim)"));
    let json = inspect(&sandbox, &token, &["--format", "json"])
        .ok()
        .to_string();
    assert!(!text.contains("IDP-SECRET-SENTINEL") && !json.contains("IDP-SECRET-SENTINEL"));
}

#[test]
fn garbage_is_a_clear_error() {
    let sandbox = Sandbox::new();
    for garbage in [
        "",
        "hello",
        "a.b",
        "a.b.c.d.e",
        "!!!.@@@.###",
        &jwt("[1,2]"),
        "\u{1b}[2J.x.y",
    ] {
        let ran = inspect(&sandbox, garbage, &[]);
        assert!(
            ran.fails(2)
                .starts_with("regards-token: error: not a token: "),
            "{garbage:?}: {}",
            ran.stderr
        );
        assert!(!ran.stderr.contains('\u{1b}'));
    }
}

#[test]
fn empty_input_and_whole_lines_are_named_as_such() {
    let sandbox = Sandbox::new();
    let ran = inspect(&sandbox, "", &[]);
    assert_eq!(
        ran.fails(2),
        "regards-token: error: not a token: the input is empty"
    );
    assert_eq!(
        ran.hint(),
        "pass the token alone, e.g. regards-token get | regards-token inspect -"
    );
    let token = jwt(r#"{"sub":"u"}"#);
    // What the other formats of `get` print is named, not quoted.
    for (line, named) in [
        (
            format!("Authorization: Bearer {token}"),
            "an `Authorization:` header line (what get --format header prints)",
        ),
        (
            format!("export REGARDS_TOKEN='{token}'"),
            "a shell `export` line (what get --format env prints)",
        ),
        (
            format!("header = \"Authorization: Bearer {token}\""),
            "a curl config line (what get --format curl prints)",
        ),
        (
            format!("{{\n  \"access_token\": \"{token}\"\n}}"),
            "a JSON document (get --format json prints one; its access_token is the token)",
        ),
    ] {
        let ran = inspect(&sandbox, &line, &[]);
        let error = ran.fails(2);
        assert_eq!(
            error,
            format!("regards-token: error: not a token: this is {named}, not the token alone")
        );
        assert!(!ran.stderr.contains(&token), "the input is not quoted");
    }
    // Any other line with a space still says what a token is.
    let ran = inspect(&sandbox, &format!("Bearer {token}"), &[]);
    let error = ran.fails(2);
    assert!(
        error.starts_with(
            "regards-token: error: not a token: the input has characters a token cannot have"
        ),
        "{error}"
    );
    assert!(error.contains("a token is three base64url parts separated by dots, like eyJ"));
    let ran = inspect(&sandbox, "hello", &[]);
    assert!(ran.fails(2).ends_with("this has 1 part"), "{}", ran.stderr);
}

#[test]
fn without_an_argument_the_cached_token_is_inspected() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let base = || {
        let mut cmd = sandbox.cmd();
        cmd.args([
            "inspect",
            "--host",
            &server.url(),
            "-s",
            "project1",
            "-u",
            DEMO_LOGIN,
            "--cache",
            "file",
        ]);
        cmd
    };
    let ran = run(&mut base());
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: no cached token for {DEMO_LOGIN} on {} (project1)",
            server.url()
        )
    );
    assert!(ran.hint().contains("regards-token get"));
    run(sandbox.get(&server).args(["--cache", "file"])).ok();
    let text = run(&mut base()).ok().to_string();
    assert!(text.contains(&format!("subject    {DEMO_LOGIN}")), "{text}");
    assert_eq!(server.token_requests(), 1, "inspect never logs in");
}
