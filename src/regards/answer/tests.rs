//! The classification table, row by row, including the shapes the
//! integration tests' server does not produce.

use super::*;

fn json(status: u16, body: &str) -> Outcome {
    classify(
        status,
        Some("application/json;charset=UTF-8"),
        None,
        body.as_bytes(),
    )
}

fn html(status: u16, body: &str) -> Outcome {
    classify(status, Some("text/html"), None, body.as_bytes())
}

#[test]
fn a_token_answer() {
    let outcome = json(
        200,
        r#"{"access_token":"a.b.c","token_type":"bearer","expires_in":7199,
            "tenant":"p1","role":"ADMIN","email":"e@x","service_provider_name":"ldap"}"#,
    );
    assert_eq!(
        outcome,
        Outcome::Granted(Granted {
            access_token: Secret::new("a.b.c".into()),
            expires_in: 7199,
            role: Some("ADMIN".into()),
            tenant: Some("p1".into()),
            email: Some("e@x".into()),
            sub: None,
            identity_provider: true,
        })
    );
}

#[test]
fn expires_in_as_a_string_of_digits_is_accepted() {
    let outcome = json(
        200,
        r#"{"access_token":"t","token_type":"Bearer","expires_in":"60"}"#,
    );
    assert!(matches!(
        outcome,
        Outcome::Granted(Granted { expires_in: 60, .. })
    ));
}

#[test]
fn wrong_types_are_bad_answers_not_panics() {
    for body in [
        r#"{"access_token":5,"token_type":"bearer","expires_in":1}"#,
        r#"{"access_token":"t","token_type":"bearer","expires_in":1.5}"#,
        r#"{"access_token":"t","token_type":"bearer","expires_in":1e400}"#,
        r#"{"access_token":"t","token_type":"bearer","expires_in":[1]}"#,
        r#"{"access_token":"t","token_type":null,"expires_in":1}"#,
        r#"[1,2,3]"#,
        r#""just a string""#,
    ] {
        let outcome = json(200, body);
        assert!(
            matches!(outcome, Outcome::NotRegards { status: 200, .. }),
            "{body}: {outcome:?}"
        );
    }
    assert_eq!(
        classify(200, None, None, &[0xff, 0xfe, 0x00]),
        Outcome::NotRegards {
            status: 200,
            what: Unexpected::InvalidJson
        }
    );
}

#[test]
fn refusals_are_told_apart_from_request_problems_by_their_keys() {
    let refusal = json(
        400,
        r#"{"additionalInformation":{"error":"ACCOUNT_LOCKED"},"detailMessage":"Access denied","stackTrace":[]}"#,
    );
    assert_eq!(
        refusal,
        Outcome::LoginRefused {
            code: "ACCOUNT_LOCKED".into(),
            detail: Some("Access denied".into())
        }
    );
    assert_eq!(
        json(400, r#"{"messages":["JSON parse error"]}"#),
        Outcome::RequestRejected {
            status: 400,
            message: Some("JSON parse error".into())
        }
    );
    assert_eq!(
        json(
            400,
            r#"{"error":"invalid_grant","error_description":"Bad credentials"}"#
        ),
        Outcome::LoginRefused {
            code: "invalid_grant".into(),
            detail: Some("Bad credentials".into())
        }
    );
    assert_eq!(
        json(
            400,
            r#"{"error":"invalid_request","error_description":"Missing grant type"}"#
        ),
        Outcome::RequestRejected {
            status: 400,
            message: Some("Missing grant type".into())
        }
    );
    assert!(matches!(
        json(400, r#"{"what":"ever"}"#),
        Outcome::NotRegards { .. }
    ));
    assert!(!refusal.retryable(), "a refusal is never retried");
}

#[test]
fn the_security_filters_answer_401_or_403_in_any_body() {
    for outcome in [
        json(401, ""),
        html(401, "<html>Tomcat</html>"),
        classify(403, None, None, b""),
    ] {
        assert!(
            matches!(outcome, Outcome::ClientRejected { .. }),
            "{outcome:?}"
        );
        assert!(!outcome.retryable());
    }
}

#[test]
fn only_a_gateway_that_did_not_forward_is_retryable() {
    let gateway = |status: u16| {
        format!(
            r#"{{"timestamp":"t","path":"/p","status":{status},"error":"Service Unavailable","requestId":"r"}}"#
        )
    };
    // The gateway's own 503: nothing was forwarded.
    let outcome = json(503, &gateway(503));
    assert!(outcome.retryable(), "{outcome:?}");
    assert_eq!(outcome.verdict(), Verdict::NotJudged);
    assert_eq!(
        outcome,
        Outcome::GatewayUnavailable {
            message: Some("Service Unavailable".into())
        }
    );
    // 502 and 504 may come after rs-authentication checked the password;
    // a 503 in REGARDS' own shape came from behind the gateway; a proxy's
    // page, an empty 503 or another JSON shape (an envoy's "upstream
    // reset") may come after the request went through.
    for outcome in [
        html(502, "<html>Bad Gateway</html>"),
        json(502, &gateway(502)),
        html(504, "<html>Gateway Timeout</html>"),
        json(504, &gateway(504)),
        json(503, r#"{"messages":["rs-authentication is starting"]}"#),
        html(503, "<html>Service Unavailable</html>"),
        json(503, ""),
        json(
            503,
            r#"{"error":"upstream connect error or disconnect/reset before headers"}"#,
        ),
        json(
            503,
            r#"{"timestamp":"t","path":"/p","status":503,"error":"e","messages":["m"]}"#,
        ),
    ] {
        assert!(!outcome.retryable(), "{outcome:?}");
        assert_eq!(outcome.verdict(), Verdict::Unknown, "{outcome:?}");
        assert!(
            matches!(outcome, Outcome::ServerError { .. }),
            "{outcome:?}"
        );
    }
    for status in [500, 501, 515] {
        assert!(!json(status, "").retryable(), "{status}");
        assert_eq!(json(status, "").verdict(), Verdict::Unknown, "{status}");
    }
    assert_eq!(classify(515, None, None, b""), Outcome::Maintenance);
}

#[test]
fn only_refusals_are_refused_verdicts() {
    let refusal = json(
        400,
        r#"{"additionalInformation":{"error":"ACCOUNT_UNKNOWN"},"detailMessage":"x"}"#,
    );
    assert_eq!(refusal.verdict(), Verdict::Refused);
    assert_eq!(json(401, "").verdict(), Verdict::Refused);
    // A request the application could not read had no password checked,
    // and is not sent again as it is either.
    for outcome in [
        json(400, r#"{"messages":["JSON parse error"]}"#),
        json(400, r#"{"error":"invalid_request"}"#),
        json(415, ""),
    ] {
        assert_eq!(outcome.verdict(), Verdict::NotJudged, "{outcome:?}");
        assert!(!outcome.retryable(), "{outcome:?}");
    }
    for outcome in [
        html(200, "<html></html>"),
        json(200, "{}"),
        classify(302, None, Some("/x"), b""),
        json(404, ""),
    ] {
        assert_eq!(outcome.verdict(), Verdict::Unknown, "{outcome:?}");
        assert!(!outcome.retryable(), "{outcome:?}");
    }
}

#[test]
fn web_pages_redirects_and_odd_statuses() {
    assert_eq!(
        html(200, "<!doctype html><title>REGARDS</title>"),
        Outcome::NotRegards {
            status: 200,
            what: Unexpected::WebPage
        }
    );
    // Some proxies send HTML labelled as JSON.
    assert_eq!(
        json(200, "  <html>"),
        Outcome::NotRegards {
            status: 200,
            what: Unexpected::WebPage
        }
    );
    assert_eq!(
        html(
            403,
            "<h1>Request Rejected</h1>The requested URL was rejected."
        ),
        Outcome::NotRegards {
            status: 403,
            what: Unexpected::Firewall
        }
    );
    // Either phrase, even served as plain text or deep in the page.
    let deep = format!("{}The requested URL was rejected.", " ".repeat(60 * 1024));
    for (content_type, body) in [
        (Some("text/plain"), "Request Rejected"),
        (None, deep.as_str()),
    ] {
        assert_eq!(
            classify(403, content_type, None, body.as_bytes()),
            Outcome::NotRegards {
                status: 403,
                what: Unexpected::Firewall
            }
        );
    }
    // Past the first 64 KiB, or quoted in REGARDS' JSON, it is not one.
    let past = format!("<html>{}Request Rejected", " ".repeat(64 * 1024));
    assert_eq!(html(403, &past), Outcome::ClientRejected { status: 403 });
    assert!(matches!(
        json(
            400,
            r#"{"additionalInformation":{"error":"ACCOUNT_UNKNOWN"},"detailMessage":"request rejected"}"#
        ),
        Outcome::LoginRefused { .. }
    ));
    assert_eq!(
        classify(301, None, Some("https://x/"), b""),
        Outcome::Redirect {
            status: 301,
            location: Some("https://x/".into())
        }
    );
    assert_eq!(
        json(404, "{}"),
        Outcome::NotRegards {
            status: 404,
            what: Unexpected::NotFound
        }
    );
    assert_eq!(
        json(418, "{}"),
        Outcome::NotRegards {
            status: 418,
            what: Unexpected::Status
        }
    );
    assert_eq!(
        classify(415, None, None, b""),
        Outcome::RequestRejected {
            status: 415,
            message: None
        }
    );
}

#[test]
fn a_token_of_the_largest_size_is_taken_and_one_byte_more_is_not() {
    use crate::token::MAX_TOKEN_BYTES;
    let answer = |size: usize| {
        let token = format!("a.{}", "b".repeat(size - 2));
        json(
            200,
            &format!(r#"{{"access_token":"{token}","token_type":"bearer","expires_in":60}}"#),
        )
    };
    assert!(matches!(answer(MAX_TOKEN_BYTES), Outcome::Granted(_)));
    assert!(matches!(
        answer(MAX_TOKEN_BYTES + 1),
        Outcome::NotRegards {
            what: Unexpected::BadAnswer(_),
            ..
        }
    ));
}

#[test]
fn a_413_is_an_answer_too_large_for_a_token() {
    assert_eq!(
        json(413, ""),
        Outcome::NotRegards {
            status: 413,
            what: Unexpected::TooLarge
        }
    );
}

/// A 5xx that no REGARDS deployment or proxy in front of one sends is not
/// REGARDS, whatever its body: `python3 -m http.server` answers a POST with
/// a 501 page. The statuses of a failing deployment stay server errors.
#[test]
fn statuses_no_regards_deployment_sends_are_not_regards() {
    let python = "<!DOCTYPE HTML>\n<html lang=\"en\">\n<head><title>Error response</title></head>\n\
                  <body><h1>Error response</h1><p>Error code: 501</p>\
                  <p>Message: Unsupported method ('POST').</p></body></html>\n";
    assert_eq!(
        classify(
            501,
            Some("text/html;charset=utf-8"),
            None,
            python.as_bytes()
        ),
        Outcome::NotRegards {
            status: 501,
            what: Unexpected::WebPage
        }
    );
    for status in [501, 505, 506, 507, 508, 510, 511] {
        for outcome in [
            html(status, "<html>x</html>"),
            json(status, ""),
            json(status, "{}"),
        ] {
            assert!(
                matches!(outcome, Outcome::NotRegards { status: s, .. } if s == status),
                "{status}: {outcome:?}"
            );
            // As every answer that is not REGARDS': it may have come from
            // something that still forwarded the login.
            assert_eq!(outcome.verdict(), Verdict::Unknown);
            assert!(!outcome.retryable());
        }
    }
    for status in [500, 502, 503, 504, 520, 599] {
        assert!(
            matches!(html(status, "<html>x</html>"), Outcome::ServerError { .. }),
            "{status}"
        );
    }
    assert_eq!(
        html(515, "<html>x</html>"),
        Outcome::ServerError {
            status: 515,
            message: None
        }
    );
}
