//! Exit codes 4 (unreachable or failing: retry later) and 5 (not a REGARDS
//! answer), and the retry rules between them.

use std::time::{Duration, Instant};

use crate::common::*;

// ---- retries ----------------------------------------------------------------

#[test]
fn two_503s_then_a_token_is_a_success_after_two_announced_retries() {
    let server = scripted(vec![Canned::GatewayError(503), Canned::GatewayError(503)]);
    let ran = run(Sandbox::new().get(&server).arg("-v"));
    assert_eq!(claims(ran.ok().trim_end())["sub"], DEMO_LOGIN);
    assert_eq!(server.token_requests(), 3);
    assert_eq!(
        ran.stderr.matches("regards-token: retrying in ").count(),
        2,
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("attempt 3 of 3"));
}

#[test]
fn retries_stop_at_the_limit() {
    let server = scripted(vec![
        Canned::GatewayError(503),
        Canned::GatewayError(503),
        Canned::GatewayError(503),
    ]);
    let ran = run(&mut Sandbox::new().get(&server));
    assert!(
        ran.fails(4)
            .contains("could not reach its login service (HTTP 503)"),
        "{}",
        ran.stderr
    );
    assert!(ran.hint().starts_with("the password was not checked"));
    assert_eq!(server.token_requests(), 3);

    let server = scripted(vec![Canned::GatewayError(503)]);
    run(Sandbox::new().get(&server).args(["--retries", "0"])).fails(4);
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn other_server_errors_are_not_retried_and_show_the_message() {
    let server = scripted(vec![Canned::Messages(
        500,
        "Something broke\nat line 2".into(),
    )]);
    let ran = run(&mut Sandbox::new().get(&server));
    assert!(
        ran.fails(4)
            .ends_with("failed to answer (HTTP 500): Something broke\\nat line 2"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn an_unknown_project_is_the_servers_500() {
    let server = Server::builder().start();
    let ran = run(Sandbox::new()
        .get(&server)
        .args(["--scope", "nosuchproject"]));
    assert!(ran.fails(4).contains("(HTTP 500)"));
    assert!(
        ran.hint()
            .starts_with("check that project nosuchproject exists"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn maintenance_is_not_retried() {
    let server = scripted(vec![Canned::Raw {
        status: 515,
        content_type: None,
        body: vec![],
        extra_headers: vec![],
    }]);
    let ran = run(&mut Sandbox::new().get(&server));
    assert!(ran.fails(4).contains("project project1 on"));
    assert!(ran.stderr.contains("is in maintenance (HTTP 515)"));
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn a_refused_connection_is_retried_then_reported() {
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
            "-v",
        ])
        .env("REGARDS_PASSWORD", "pw"));
    // The innermost cause says what happened.
    assert!(
        ran.fails(4).contains(&format!(
            "cannot connect to http://127.0.0.1:{port}: Connection refused"
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stderr.matches("retrying in").count(), 2);
}

/// The delays `-v` announced, in milliseconds, in order.
fn announced_delays(stderr: &str) -> Vec<u64> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("regards-token: retrying in "))
        .map(|rest| {
            let ms = rest.split(" ms").next().unwrap();
            ms.parse().unwrap_or_else(|_| panic!("a delay: {rest}"))
        })
        .collect()
}

/// A 503 in the gateway's JSON with these extra headers.
fn gateway_503(extra_headers: Vec<(String, String)>) -> Canned {
    let body = serde_json::json!({
        "timestamp": "2026-01-01T00:00:00.000+00:00", "path": TOKEN_PATH,
        "status": 503, "error": "Service Unavailable", "requestId": "r-1",
    });
    Canned::Raw {
        status: 503,
        content_type: Some("application/json".into()),
        body: body.to_string().into_bytes(),
        extra_headers,
    }
}

/// Retries back off: about 0.25 to 0.5 s before the second attempt, 0.5
/// to 1 s before the third (half the step, plus up to as much again of
/// jitter), and each announced wait is really waited. The jitter is random,
/// so eight runs are measured: a backoff twice too long or too spread out
/// would show in at least one of them all but once in tens of thousands.
#[test]
fn retries_back_off_within_the_announced_bounds() {
    let runs: Vec<(Ran, Duration, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let server =
                        scripted(vec![Canned::GatewayError(503), Canned::GatewayError(503)]);
                    let started = Instant::now();
                    let ran = run(Sandbox::new().get(&server).args(["-v", "--retries", "2"]));
                    (ran, started.elapsed(), server.token_requests())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (ran, took, requests) in runs {
        assert_eq!(claims(ran.ok().trim_end())["sub"], DEMO_LOGIN);
        assert_eq!(requests, 3);
        let delays = announced_delays(&ran.stderr);
        assert_eq!(delays.len(), 2, "{}", ran.stderr);
        assert!((250..=500).contains(&delays[0]), "first wait {delays:?}");
        assert!((500..=1000).contains(&delays[1]), "second wait {delays:?}");
        let waited = Duration::from_millis(delays.iter().sum());
        assert!(took >= waited, "announced {delays:?}, took {took:?}");
    }
}

/// A `Retry-After` in seconds replaces the backoff.
#[test]
fn retry_after_is_honoured() {
    let server = scripted(vec![gateway_503(vec![("Retry-After".into(), "1".into())])]);
    let started = Instant::now();
    let ran = run(Sandbox::new().get(&server).args(["-v", "--retries", "1"]));
    assert_eq!(claims(ran.ok().trim_end())["sub"], DEMO_LOGIN);
    assert_eq!(announced_delays(&ran.stderr), [1000], "{}", ran.stderr);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.token_requests(), 2);
}

/// A `Retry-After` of an hour would make the command look hung: it is cut
/// to 30 s. The run is stopped once it has announced its wait.
#[test]
fn a_long_retry_after_is_capped() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let server = scripted(vec![gateway_503(vec![(
        "Retry-After".into(),
        "3600".into(),
    )])]);
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .std_login(&server)
        .args(["-v", "--retries", "1"])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start regards-token");
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut announced = None;
    for line in stderr.lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("retrying in") {
            announced = Some(announced_delays(&line));
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(announced, Some(vec![30_000]), "{seen}");
    assert_eq!(server.token_requests(), 1);
}

/// The server got the request and may be checking the password: a second
/// try could be a second judged failure, so there is none.
#[test]
fn a_silent_server_is_bounded_by_the_timeout_and_not_retried() {
    let server = scripted(vec![Canned::Hang, Canned::Hang]);
    let started = Instant::now();
    let ran = run(Sandbox::new()
        .get(&server)
        .args(["--timeout", "300ms", "--retries", "1"]));
    assert!(ran.fails(4).contains("no answer from"));
    assert!(ran.stderr.contains("within 300ms after the login was sent"));
    assert!(
        ran.stderr
            .contains("the server may have checked the password, so it was not sent again")
    );
    assert!(ran.hint().contains("raise --timeout"), "{}", ran.stderr);
    assert_eq!(server.token_requests(), 1);
    assert!(!ran.stderr.contains("retrying"));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded by the timeout"
    );
}

#[test]
fn a_connection_closed_after_the_request_is_not_retried() {
    for canned in [Canned::CloseMidBody, Canned::CloseWithoutAnswer] {
        let server = scripted(vec![canned, Canned::Normal]);
        let ran = run(&mut Sandbox::new().get(&server));
        let line = ran.fails(4);
        assert!(line.contains("broke after the login was sent"), "{line}");
        assert!(line.ends_with("so it was not sent again"), "{line}");
        assert_eq!(server.token_requests(), 1, "{line}");
    }
}

#[test]
fn a_502_or_504_may_come_after_the_password_was_checked() {
    for status in [502, 504] {
        let server = scripted(vec![Canned::GatewayError(status), Canned::Normal]);
        let ran = run(&mut Sandbox::new().get(&server));
        let line = ran.fails(4);
        assert!(
            line.contains(&format!(
                "got no answer from its login service (HTTP {status})"
            )),
            "{line}"
        );
        assert!(line.ends_with("so it was not sent again"), "{line}");
        assert!(
            ran.hint()
                .starts_with("each failed login counts towards locking")
        );
        assert_eq!(server.token_requests(), 1, "{status}");
    }
}

// ---- 5: not a REGARDS answer -----------------------------------------------

fn not_regards(answer: Canned) -> (Ran, usize) {
    let server = scripted(vec![answer]);
    let ran = run(&mut Sandbox::new().get(&server));
    ran.fails(5);
    (ran, server.token_requests())
}

#[test]
fn the_web_uis_page_means_a_wrong_host() {
    let (ran, requests) = not_regards(Canned::IndexHtml);
    assert!(
        ran.stderr
            .contains("answered with a web page, not a token (HTTP 200)")
    );
    assert!(ran.hint().starts_with("check --host"));
    assert_eq!(requests, 1);
}

/// Another web server at the URL (`python3 -m http.server` answers a POST
/// with a 501 page) is not REGARDS: exit 5 and "check --host", not exit 4
/// and "try again later", which would never help. A proxy's 502 page in
/// front of REGARDS stays a server that may come back.
#[test]
fn a_501_page_from_another_web_server_is_not_regards() {
    let page = "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head><title>Error response</title></head>\n\
                <body><h1>Error response</h1><p>Error code: 501</p>\
                <p>Message: Unsupported method ('POST').</p></body></html>\n";
    let (ran, requests) = not_regards(Canned::Raw {
        status: 501,
        content_type: Some("text/html;charset=utf-8".into()),
        body: page.as_bytes().to_vec(),
        extra_headers: vec![("Server".into(), "SimpleHTTP/0.6 Python/3.11.2".into())],
    });
    let line = ran.stderr.lines().next().unwrap_or_default();
    assert!(
        line.starts_with("regards-token: error: http://127.0.0.1:")
            && line.ends_with(" answered with a web page, not a token (HTTP 501)"),
        "{line}"
    );
    assert!(ran.hint().starts_with("check --host"), "{}", ran.hint());
    assert!(!ran.stderr.contains("try again later"));
    assert_eq!(requests, 1);

    let server = scripted(vec![Canned::Raw {
        status: 502,
        content_type: Some("text/html".into()),
        body: b"<html><head><title>502 Bad Gateway</title></head></html>".to_vec(),
        extra_headers: vec![],
    }]);
    run(&mut Sandbox::new().get(&server)).fails(4);
}

#[test]
fn a_path_outside_the_api_serves_the_web_ui() {
    // A host with a wrong prefix reaches nginx's index.html, like a real gateway.
    let server = Server::builder().start();
    let ran = run(Sandbox::new()
        .get(&server)
        .args(["--host", &format!("{}/ui", server.url())]));
    assert!(ran.fails(5).contains("answered with a web page"));
}

#[test]
fn a_firewall_page_is_named_whatever_its_status() {
    for status in [200, 403] {
        let (ran, requests) = not_regards(Canned::FirewallPage(status));
        assert!(
            ran.stderr.contains("a web application firewall"),
            "{}",
            ran.stderr
        );
        assert!(ran.stderr.contains(&format!("(HTTP {status})")));
        assert_eq!(requests, 1);
    }
}

/// A firewall page naming only one of its phrases, past the first KiB:
/// an HTML page, or the same text served as plain text.
fn firewall_page(status: u16, html: bool, phrase: &str) -> Canned {
    let (body, content_type) = if html {
        let padding = "<!-- the firewall's styles and scripts -->\n".repeat(100);
        let body = format!(
            "<html><head>{padding}</head><body>{phrase}.<br>Your support ID is: 1234567890</body></html>"
        );
        (body, "text/html; charset=utf-8")
    } else {
        let padding = "This page was generated by the firewall.\n".repeat(100);
        (
            format!("{padding}{phrase}. Your support ID is: 1234567890\n"),
            "text/plain",
        )
    };
    assert!(body.find(phrase).unwrap() > 4096);
    Canned::Raw {
        status,
        content_type: Some(content_type.into()),
        body: body.into_bytes(),
        extra_headers: vec![],
    }
}

/// Either of a firewall's phrases is enough, at any status it uses, deep
/// in a page, in HTML or not: exit 5 after one request, and no refusal
/// recorded (the firewall did not judge the password, whatever its 403
/// says, and the same password may go out once it lets it through).
#[test]
fn a_firewall_page_with_either_phrase_is_exit_5_and_no_refusal() {
    for phrase in ["Request Rejected", "The requested URL was rejected"] {
        for (status, html) in [(403, true), (503, true), (403, false), (503, false)] {
            let what = format!("{phrase:?} at {status}, html: {html}");
            let server = scripted(vec![firewall_page(status, html, phrase)]);
            let sandbox = Sandbox::new();
            let ran = run(sandbox.get(&server).args(["--retries", "2"]));
            let line = ran.fails(5);
            assert!(
                line.contains(&format!(
                    "a web application firewall in front of {} rejected the request (HTTP {status})",
                    server.url()
                )),
                "{what}: {line}"
            );
            assert_eq!(server.token_requests(), 1, "{what}");
            for file in sandbox.marker_files() {
                let marker = std::fs::read_to_string(&file).unwrap();
                assert!(!marker.contains("\"refused\""), "{what}: {marker}");
            }
        }
    }
}

#[test]
fn invalid_json_and_missing_fields() {
    let raw = |body: &str| Canned::Raw {
        status: 200,
        content_type: Some("application/json".into()),
        body: body.as_bytes().to_vec(),
        extra_headers: vec![],
    };
    let cases = [
        (raw("{not json"), "something that is not JSON"),
        (
            raw(r#"{"token_type":"bearer","expires_in":60}"#),
            "it has no access_token",
        ),
        (
            raw(r#"{"access_token":"","token_type":"bearer","expires_in":60}"#),
            "access_token is empty",
        ),
        (
            raw(r#"{"access_token":"abc","token_type":"bearer"}"#),
            "it has no expires_in",
        ),
        (
            raw(r#"{"access_token":"abc","token_type":"mac","expires_in":60}"#),
            "token_type is not bearer",
        ),
        (
            raw(r#"{"access_token":"abc","token_type":"bearer","expires_in":-5}"#),
            "expires_in is not a whole number of seconds",
        ),
        (
            raw(r#"{"access_token":"a b;rm -rf ~","token_type":"bearer","expires_in":60}"#),
            "characters a bearer token cannot have",
        ),
    ];
    for (answer, why) in cases {
        let (ran, _) = not_regards(answer);
        assert!(ran.stderr.contains(why), "{why}: {}", ran.stderr);
    }
}

#[test]
fn a_token_type_in_any_case_and_unknown_fields_are_accepted() {
    let body = serde_json::json!({"access_token": "abc.def.ghi", "token_type": "BEARER",
        "expires_in": 60, "service_provider_name": "ldap", "extra": {"nested": [1, 2]}});
    let server = scripted(vec![json_answer(200, &body)]);
    assert_eq!(run(&mut Sandbox::new().get(&server)).ok(), "abc.def.ghi\n");
}

#[test]
fn a_redirect_is_never_followed() {
    let server = Server::builder().start();
    let target = format!("{}/elsewhere", server.url());
    let scripted = scripted(vec![Canned::Redirect(302, target.clone())]);
    let ran = run(&mut Sandbox::new().get(&scripted));
    assert!(
        ran.fails(5)
            .contains(&format!("answered with a redirect (HTTP 302) to {target}"))
    );
    assert_eq!(scripted.requests().len(), 1);
    assert_eq!(server.requests().len(), 0, "the password went nowhere else");
}

#[test]
fn unsupported_media_type_suggests_the_query_style() {
    let (ran, _) = not_regards(Canned::Raw {
        status: 415,
        content_type: None,
        body: vec![],
        extra_headers: vec![],
    });
    assert!(ran.stderr.contains("(HTTP 415)"));
    assert!(ran.hint().contains("--request-style query"));
}

#[test]
fn a_regards_1_server_needs_the_query_style() {
    let server = Server::builder().legacy_v1(true).start();
    let sandbox = Sandbox::new();
    let ran = run(&mut sandbox.get(&server));
    assert!(
        ran.fails(5)
            .contains("could not read the login request (HTTP 400): Missing grant type")
    );
    assert!(ran.hint().contains("--request-style query"));
    run(sandbox.get(&server).args(["--request-style", "query"])).ok();
    assert_eq!(server.token_requests(), 2);
    assert_eq!(
        server.failed_attempts(DEMO_LOGIN),
        0,
        "the JSON attempt judged no password"
    );
}

#[test]
fn a_malformed_request_answer_is_not_a_refusal() {
    let body = serde_json::json!({"messages": ["JSON parse error: Unexpected character"]});
    let (ran, requests) = not_regards(json_answer(400, &body));
    assert!(ran.stderr.contains("JSON parse error"));
    assert_eq!(requests, 1);
}

#[test]
fn a_huge_answer_is_cut_off() {
    let (ran, _) = not_regards(Canned::Huge(3 * 1024 * 1024));
    assert!(
        ran.stderr.contains("more than 1048576 bytes"),
        "{}",
        ran.stderr
    );
}

#[test]
fn server_text_is_sanitized_and_capped() {
    let detail = format!("\u{1b}]0;pwned\u{7}\u{1b}[2J{}", "x".repeat(5000));
    let body = serde_json::json!({"additionalInformation": {"error": "ACCOUNT_UNKNOWN"}, "detailMessage": detail});
    let server = scripted(vec![json_answer(400, &body)]);
    let ran = run(&mut Sandbox::new().get(&server));
    let line = ran.fails(3);
    assert!(
        !ran.stderr.contains('\u{1b}'),
        "no escape sequence reaches the terminal"
    );
    assert!(line.contains("\\u{1b}]0;pwned"));
    assert!(line.len() < 600, "capped: {} bytes", line.len());
}

#[test]
fn bidi_and_invisible_server_text_is_escaped() {
    let hidden = [
        '\u{202e}', '\u{202a}', '\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
        '\u{200b}', '\u{200d}', '\u{2060}', '\u{feff}', '\u{ad}', '\u{2028}', '\u{2029}',
    ];
    let detail: String = hidden.iter().map(|c| format!("{c}x")).collect();
    let body = serde_json::json!({"additionalInformation": {"error": "ACCOUNT_UNKNOWN\u{202e}"}, "detailMessage": detail});
    let server = scripted(vec![json_answer(400, &body)]);
    let ran = run(Sandbox::new().get(&server).arg("-v"));
    let line = ran.fails(3);
    for c in hidden {
        assert!(
            !ran.stderr.contains(c),
            "U+{:04X} reached the terminal",
            c as u32
        );
        assert!(line.contains(&c.escape_unicode().to_string()), "{line}");
    }
}

// ---- a token for someone else -----------------------------------------------

/// A JWT with these claims, signed by nobody: the tool reads claims only.
fn jwt_with(claims: &serde_json::Value) -> String {
    use base64::Engine;
    let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.c2lnbmF0dXJl",
        enc(r#"{"alg":"HS512"}"#),
        enc(&claims.to_string())
    )
}

#[test]
fn a_token_for_another_user_or_project_is_refused_and_not_cached() {
    let exp = 4_000_000_000u64;
    let other_user = jwt_with(&serde_json::json!({
        "sub": "someone@example.org", "email": "someone@example.org",
        "tenant": "project1", "role": "ADMIN", "exp": exp,
    }));
    let other_project = jwt_with(&serde_json::json!({
        "sub": DEMO_LOGIN, "tenant": "project9", "exp": exp,
    }));
    let right = jwt_with(&serde_json::json!({
        "sub": DEMO_LOGIN, "email": DEMO_LOGIN.to_uppercase(), "tenant": "project1", "exp": exp,
    }));
    let answer = |token: &str, email: &str| {
        json_answer(
            200,
            &serde_json::json!({
                "access_token": token, "token_type": "bearer", "expires_in": 3600,
                "tenant": "project1", "email": email,
            }),
        )
    };
    let cases = [
        (
            answer(&other_user, DEMO_LOGIN),
            "a token for user 'someone@example.org', not demo@example.org",
        ),
        (
            answer(&other_project, DEMO_LOGIN),
            "a token for project 'project9', not project1",
        ),
        // The answer's own fields count too.
        (
            answer(&right, "else@example.org"),
            "a token for user 'else@example.org', not demo@example.org",
        ),
    ];
    for (canned, said) in cases {
        let server = scripted(vec![canned]);
        let sandbox = Sandbox::new();
        let ran = run(sandbox
            .get(&server)
            .args(["--cache", "file", "--format", "json"]));
        let line = ran.fails(5);
        assert_eq!(
            line,
            format!(
                "regards-token: error: {} answered with {said}; it was not used nor cached",
                server.url()
            )
        );
        assert!(ran.hint().contains("check --host"), "{}", ran.hint());
        ran.leaks_none(&[&other_user, &other_project, &right, DEMO_PASSWORD]);
        assert!(sandbox.token_files().is_empty(), "nothing cached");
        let status = run(sandbox.cmd().args(["status", "--format", "json"]));
        assert_eq!(status.ok(), "[]\n");
        // The server took the password: the same one is not sent again
        // at once.
        let again = run(sandbox.get(&server).args(["--cache", "file"]));
        assert!(
            again
                .fails(5)
                .contains("the same password is not sent again"),
            "{}",
            again.stderr
        );
        assert_eq!(server.token_requests(), 1);
    }
}

#[test]
fn a_token_naming_the_login_in_another_case_or_no_one_is_served() {
    let exp = 4_000_000_000u64;
    for claims in [
        serde_json::json!({"sub": "Demo@Example.ORG", "tenant": "project1", "exp": exp}),
        serde_json::json!({"exp": exp}),
    ] {
        let token = jwt_with(&claims);
        let server = scripted(vec![fixed_answer(&token, 3600)]);
        let ran = run(&mut Sandbox::new().get(&server));
        assert_eq!(ran.ok(), format!("{token}\n"));
    }
}
