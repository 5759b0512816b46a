//! Property tests of the pure functions that read untrusted input: the
//! token endpoint's answer, a token's JWT claims, the `--host` URL and a
//! cache entry. Whatever the bytes, each must give its documented error or
//! a valid value, never a panic, and never quote a secret back.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use proptest::prelude::*;
use regards_token::cache::{CacheKey, entry};
use regards_token::host::Host;
use regards_token::regards::{Granted, Outcome, Unexpected, Verdict, classify};
use regards_token::secret::Secret;
use regards_token::token::{Token, decode_claims};
use serde_json::{Map, Value, json};

/// 256 cases per property; failures are reported, not saved to a file
/// next to the tests.
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(256)
    }
}

/// RFC 6750's b64token: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// Any JSON value, a few levels deep, with the awkward numbers included.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("NaN and infinities are not JSON", |f| {
            serde_json::Number::from_f64(f).map(Value::Number)
        }),
        ".{0,12}".prop_map(Value::String),
        "[A-Za-z0-9._~+/=-]{1,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value for one field of a token answer: absent, right, or wrong.
fn field(right: BoxedStrategy<Value>) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        1 => Just(None),
        4 => right.prop_map(Some),
        3 => json_value().prop_map(Some),
    ]
}

fn access_token_value() -> BoxedStrategy<Value> {
    prop_oneof![
        "[A-Za-z0-9._~+/-]{1,40}={0,2}".prop_map(Value::String),
        // Header-breaking or shell-breaking characters, and the empty token.
        "[A-Za-z0-9 ;\"'$`\\\\\r\n\t\u{0}é=]{0,20}".prop_map(Value::String),
        Just(Value::String(String::new())),
        Just(Value::String("===".into())),
    ]
    .boxed()
}

fn token_type_value() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(json!("bearer")),
        Just(json!("Bearer")),
        Just(json!("BEARER")),
        Just(json!("mac")),
        Just(json!("")),
        Just(json!(" bearer")),
    ]
    .boxed()
}

fn expires_in_value() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<u64>().prop_map(|n| Value::String(n.to_string())),
        any::<i64>().prop_map(|n| Value::String(format!(" {n} "))),
        "[0-9eE.+-]{0,25}".prop_map(Value::String),
    ]
    .boxed()
}

/// The documented reading of a 200 JSON answer: the token and its lifetime,
/// or the name of the first field that is wrong.
fn expected_grant(body: &Value) -> Result<(String, u64), &'static str> {
    let Some(object) = body.as_object() else {
        return Err("access_token");
    };
    let token = match object.get("access_token") {
        Some(Value::String(t)) if is_b64token(t) => t.clone(),
        _ => return Err("access_token"),
    };
    match object.get("token_type").and_then(Value::as_str) {
        Some(kind) if kind.eq_ignore_ascii_case("bearer") => {}
        _ => return Err("token_type"),
    }
    let expires_in = match object.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64().ok_or("expires_in")?,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| "expires_in")?,
        _ => return Err("expires_in"),
    };
    Ok((token, expires_in))
}

fn text_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Checks what holds for every outcome, whatever the input.
fn check_invariants(status: u16, outcome: &Outcome) -> Result<(), TestCaseError> {
    if let Outcome::Granted(granted) = outcome {
        prop_assert_eq!(status, 200, "a token only comes with a 200");
        prop_assert!(!granted.access_token.expose().is_empty());
        prop_assert!(
            is_b64token(granted.access_token.expose()),
            "not a b64token: {:?}",
            granted.access_token
        );
    }
    // Only the gateway's own 503 proves the request was not forwarded.
    let retry_worthy = matches!(outcome, Outcome::GatewayUnavailable { .. });
    prop_assert_eq!(outcome.retryable(), retry_worthy, "{:?}", outcome);
    if retry_worthy {
        prop_assert_eq!(status, 503);
    }
    // Nothing else proves the password was not checked: everything else
    // holds back runs with the same secrets.
    let unjudged = matches!(
        outcome,
        Outcome::GatewayUnavailable { .. } | Outcome::RequestRejected { .. }
    );
    prop_assert_eq!(
        outcome.verdict() == Verdict::NotJudged,
        unjudged,
        "{:?}",
        outcome
    );
    Ok(())
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_string())),
        Just(Some("application/json;charset=UTF-8".to_string())),
        Just(Some("text/html; charset=utf-8".to_string())),
        Just(Some("text/plain".to_string())),
        ".{0,30}".prop_map(Some),
    ]
}

/// Content types under which a JSON body is read as JSON (no `html`).
fn json_content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_string())),
        Just(Some("application/json;charset=UTF-8".to_string())),
        Just(Some("text/plain".to_string())),
        Just(Some("application/problem+json".to_string())),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Whatever a server sends back (any status, headers, bytes), the
    /// classifier answers without panicking, and the answer keeps the
    /// promises the rest of the program relies on.
    #[test]
    fn classify_never_panics_on_anything(
        status in 100u16..=999,
        content_type in content_type(),
        location in proptest::option::of(".{0,40}"),
        body in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let outcome = classify(status, content_type.as_deref(), location.as_deref(), &body);
        check_invariants(status, &outcome)?;
    }

    /// The same with bodies that are JSON (so the deeper branches run), of
    /// any shape, under any status.
    #[test]
    fn classify_never_panics_on_any_json(
        status in 100u16..=999,
        content_type in json_content_type(),
        body in json_value(),
    ) {
        let bytes = body.to_string().into_bytes();
        let outcome = classify(status, content_type.as_deref(), None, &bytes);
        check_invariants(status, &outcome)?;
        if (300..400).contains(&status) {
            prop_assert!(matches!(outcome, Outcome::Redirect { .. }), "{:?}", outcome);
        }
    }

    /// Non-UTF-8 bytes inside an otherwise well-formed token answer are
    /// invalid JSON, never a token with garbage in it.
    #[test]
    fn non_utf8_in_a_token_answer_is_invalid_json(
        garbage in prop::collection::vec(0x80u8..=0xff, 1..8)
            .prop_filter("not UTF-8", |g| std::str::from_utf8(g).is_err()),
        at in 0usize..3,
    ) {
        let mut body = br#"{"access_token":"abc"#.to_vec();
        let tail: &[u8] = br#"","token_type":"bearer","expires_in":60}"#;
        match at {
            0 => body.extend_from_slice(&garbage),
            1 => body.insert(0, garbage[0]),
            _ => {}
        }
        body.extend_from_slice(tail);
        if at == 2 {
            body.extend_from_slice(&garbage);
        }
        let outcome = classify(200, Some("application/json"), None, &body);
        prop_assert!(
            matches!(
                outcome,
                Outcome::NotRegards { status: 200, what: Unexpected::InvalidJson }
            ),
            "{:?}",
            outcome
        );
    }

    /// A 200 JSON answer with each field absent, right or of a wrong type
    /// gives the token and its lifetime exactly when every field is right,
    /// and otherwise an unexpected-answer error naming the first wrong field.
    #[test]
    fn a_200_answer_is_a_token_or_names_the_wrong_field(
        access_token in field(access_token_value()),
        token_type in field(token_type_value()),
        expires_in in field(expires_in_value()),
        role in field(".{0,10}".prop_map(Value::String).boxed()),
        tenant in field(".{0,10}".prop_map(Value::String).boxed()),
        extra in prop::collection::btree_map("[a-z_]{1,12}", json_value(), 0..3),
        content_type in json_content_type(),
    ) {
        let mut object: Map<String, Value> = extra.into_iter().collect();
        for (key, value) in [
            ("access_token", access_token),
            ("token_type", token_type),
            ("expires_in", expires_in),
            ("role", role),
            ("tenant", tenant),
        ] {
            match value {
                Some(value) => object.insert(key.to_string(), value),
                None => object.remove(key),
            };
        }
        let body = Value::Object(object.clone());
        let outcome = classify(200, content_type.as_deref(), None, body.to_string().as_bytes());
        check_invariants(200, &outcome)?;
        match expected_grant(&body) {
            Ok((token, lifetime)) => prop_assert_eq!(
                outcome,
                Outcome::Granted(Granted {
                    access_token: Secret::new(token),
                    expires_in: lifetime,
                    role: text_field(&object, "role"),
                    tenant: text_field(&object, "tenant"),
                    email: text_field(&object, "email"),
                    sub: text_field(&object, "sub"),
                    identity_provider: object
                        .get("service_provider_name")
                        .is_some_and(|v| !v.is_null()),
                })
            ),
            Err(wrong) => match outcome {
                Outcome::NotRegards { status: 200, what: Unexpected::BadAnswer(why) } => {
                    prop_assert!(why.contains(wrong), "{} should name {}", why, wrong);
                }
                other => prop_assert!(false, "expected a bad answer about {}, got {:?}", wrong, other),
            },
        }
    }

    /// `expires_in` written as any JSON number literal, including ones too
    /// large for any integer type, or as a quoted string: a whole number that
    /// fits in u64 is the lifetime, everything else an error about it.
    #[test]
    fn expires_in_literals_are_read_or_refused(
        literal in prop_oneof![
            Just("0".to_string()),
            Just("-0".to_string()),
            Just("18446744073709551615".to_string()),
            Just("18446744073709551616".to_string()),
            Just("99999999999999999999999999999999".to_string()),
            Just("1e400".to_string()),
            Just("-1e400".to_string()),
            Just("1E3".to_string()),
            Just("60.0".to_string()),
            Just("-60".to_string()),
            Just("\"\"".to_string()),
            Just("\"-5\"".to_string()),
            Just("\"+5\"".to_string()),
            Just("\"1e3\"".to_string()),
            Just("\"99999999999999999999999\"".to_string()),
            Just("null".to_string()),
            Just("[60]".to_string()),
            Just("{\"s\":60}".to_string()),
            "-?[0-9]{1,30}(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?",
            "\"[ 0-9a-z.+-]{0,25}\"",
        ],
    ) {
        let text = format!(
            r#"{{"access_token":"a.b.c","token_type":"bearer","expires_in":{literal}}}"#
        );
        let outcome = classify(200, Some("application/json"), None, text.as_bytes());
        check_invariants(200, &outcome)?;
        match serde_json::from_str::<Value>(&text) {
            Err(_) => prop_assert!(
                matches!(outcome, Outcome::NotRegards { what: Unexpected::InvalidJson, .. }),
                "{:?}",
                outcome
            ),
            Ok(body) => match (expected_grant(&body), outcome) {
                (Ok((_, lifetime)), Outcome::Granted(granted)) => {
                    prop_assert_eq!(granted.expires_in, lifetime);
                }
                (Err(_), Outcome::NotRegards { what: Unexpected::BadAnswer(why), .. }) => {
                    prop_assert!(why.contains("expires_in"), "{}", why);
                }
                (expected, outcome) => {
                    prop_assert!(false, "expected {:?}, got {:?}", expected, outcome);
                }
            },
        }
    }

    /// REGARDS reports a judged login as a 400 with
    /// `additionalInformation.error`: whatever else the body holds, that is
    /// a refusal carrying that code, never retried, never a request error.
    #[test]
    fn a_400_with_a_refusal_code_is_always_a_refused_login(
        code in ".{0,30}",
        detail in proptest::option::of(json_value()),
        others in prop::collection::btree_map("[a-zA-Z_]{1,12}", json_value(), 0..4),
        info_others in prop::collection::btree_map("[a-z]{1,8}", json_value(), 0..3),
        content_type in json_content_type(),
    ) {
        let mut object: Map<String, Value> = others.into_iter().collect();
        let mut info: Map<String, Value> = info_others.into_iter().collect();
        info.insert("error".into(), Value::String(code.clone()));
        object.insert("additionalInformation".into(), Value::Object(info));
        match &detail {
            Some(detail) => object.insert("detailMessage".into(), detail.clone()),
            None => object.remove("detailMessage"),
        };
        let body = Value::Object(object).to_string();
        let outcome = classify(400, content_type.as_deref(), None, body.as_bytes());
        check_invariants(400, &outcome)?;
        let detail = detail.and_then(|d| d.as_str().map(str::to_string));
        prop_assert_eq!(outcome, Outcome::LoginRefused { code, detail });
    }
}

// ---- JWT claims and expiry --------------------------------------------------

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn jwt(payload: &[u8]) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(br#"{"alg":"HS512"}"#),
        b64(payload)
    )
}

fn claims_object() -> impl Strategy<Value = Value> {
    let exp = prop_oneof![
        any::<u64>().prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(253_402_300_799u64)),
        Just(Value::from(253_402_300_800u64)),
        any::<i64>().prop_map(Value::from),
        json_value(),
    ];
    (
        proptest::option::of(exp),
        proptest::option::of(prop_oneof![".{0,10}".prop_map(Value::String), json_value()]),
        proptest::option::of(".{0,10}".prop_map(Value::String)),
        prop::collection::btree_map("[a-z]{1,8}", json_value(), 0..3),
    )
        .prop_map(|(exp, tenant, role, others)| {
            let mut object: Map<String, Value> = others.into_iter().collect();
            for (key, value) in [("exp", exp), ("tenant", tenant), ("role", role)] {
                match value {
                    Some(value) => object.insert(key.into(), value),
                    None => object.remove(key),
                };
            }
            Value::Object(object)
        })
}

fn far_future() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(253_402_300_799)
}

/// "received + expires_in", saturating at the latest expiry the tool keeps.
fn by_lifetime(received_at: SystemTime, expires_in: u64) -> SystemTime {
    received_at
        .checked_add(Duration::from_secs(expires_in))
        .unwrap_or(far_future())
}

fn received_at() -> impl Strategy<Value = SystemTime> {
    prop_oneof![
        (0u64..4_000_000_000).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        (0u64..1_000_000_000).prop_map(|ms| UNIX_EPOCH + Duration::from_millis(ms * 1_000 + 999)),
        Just(far_future()),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Any string handed out as a token decodes to claims or to nothing,
    /// never a panic, and a token made from it always gets an expiry no
    /// later than its lifetime allows.
    #[test]
    fn any_string_is_claims_or_nothing(
        value in prop_oneof![
            ".{0,60}",
            "[A-Za-z0-9_=.-]{0,60}",
            "[A-Za-z0-9_-]{0,20}\\.[A-Za-z0-9_=-]{0,40}\\.[A-Za-z0-9_-]{0,10}",
        ],
        expires_in in any::<u64>(),
        received_at in received_at(),
    ) {
        let _ = decode_claims(&value);
        let token = Token::new(value, expires_in, received_at);
        prop_assert!(token.expires_at <= by_lifetime(received_at, expires_in));
    }

    /// Three base64url parts with any JSON object as the payload: the claims
    /// are read when every known claim has its type (unknown claims are
    /// ignored), and the expiry is exactly the earlier of the lifetime and
    /// `exp`, however large either is.
    #[test]
    fn jwt_claims_and_expiry(
        payload in claims_object(),
        expires_in in prop_oneof![any::<u64>(), 0u64..100_000, Just(u64::MAX)],
        received_at in received_at(),
    ) {
        let value = jwt(payload.to_string().as_bytes());
        let claims = decode_claims(&value);
        let object = payload.as_object().expect("an object");
        let typed = |key: &str, ok: fn(&Value) -> bool| object.get(key).is_none_or(ok);
        let well_typed = typed("exp", |v| v.is_null() || v.is_u64())
            && ["tenant", "role", "sub", "email"]
                .iter()
                .all(|key| typed(key, |v| v.is_null() || v.is_string()));
        prop_assert_eq!(claims.is_some(), well_typed, "{}", payload);
        let token = Token::new(value, expires_in, received_at);
        let lifetime = by_lifetime(received_at, expires_in);
        prop_assert!(token.expires_at <= lifetime);
        let exp = claims.as_ref().and_then(|c| c.exp);
        if let Some(exp) = exp {
            let by_claim = UNIX_EPOCH
                .checked_add(Duration::from_secs(exp))
                .unwrap_or(far_future());
            prop_assert_eq!(token.expires_at, by_claim.min(lifetime));
            prop_assert_eq!(token.tenant.as_deref(), claims.as_ref().unwrap().tenant.as_deref());
        } else {
            prop_assert_eq!(token.expires_at, lifetime);
        }
    }

    /// A payload that is valid base64url but not JSON, or JSON but not an
    /// object, gives no claims: RFC 7519 makes the claims set an object.
    #[test]
    fn a_payload_that_is_not_an_object_gives_no_claims(
        payload in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..40),
            json_value()
                .prop_filter("not an object", |v| !v.is_object())
                .prop_map(|v| v.to_string().into_bytes()),
        ],
    ) {
        let is_object = serde_json::from_slice::<Value>(&payload).is_ok_and(|v| v.is_object());
        prop_assume!(!is_object);
        prop_assert_eq!(decode_claims(&jwt(&payload)), None);
    }
}

/// Claims as a JSON array are not a claims set (RFC 7519 section 4: "a JSON
/// object"), yet serde's derived `Deserialize` reads a struct from an array
/// of its fields in order. `inspect` (which calls `token::decode`) refuses
/// such a token; its expiry must not come from it either.
#[test]
fn claims_in_an_array_are_not_claims() {
    let value = jwt(br#"[1000, "project1", "ADMIN", "a@b", "a@b"]"#);
    assert_eq!(
        decode_claims(&value),
        None,
        "an array payload was read as claims"
    );
    let received = UNIX_EPOCH + Duration::from_secs(1_000_000);
    let token = Token::new(value, 3600, received);
    assert_eq!(token.expires_at, received + Duration::from_secs(3600));
}

// ---- the --host URL ---------------------------------------------------------

fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        6 => Just("https://"),
        6 => Just("http://"),
        1 => Just("HTTPS://"),
        1 => Just("Http://"),
        1 => Just("http:/"),
        1 => Just("http:"),
        1 => Just("https:\\\\"),
        1 => Just("ftp://"),
        1 => Just("file://"),
        1 => Just(""),
        1 => Just("//"),
    ];
    let userinfo = prop_oneof![
        4 => Just(String::new()),
        1 => "[a-z]{1,5}(:[a-z0-9]{0,5})?@",
    ];
    let host = prop_oneof![
        "[a-zA-Z0-9-]{1,10}(\\.[a-zA-Z0-9-]{1,10}){0,3}\\.?",
        "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}",
        Just("[::1]".to_string()),
        Just("[fe80::1%25eth0]".to_string()),
        Just("localhost".to_string()),
        Just("xn--nxasmq6b.example".to_string()),
        Just("Ünïcode.example".to_string()),
        Just(String::new()),
        "[^/?#@:]{0,8}",
    ];
    let port = prop_oneof![
        3 => Just(String::new()),
        1 => "(:[0-9]{0,6})",
        1 => Just(":443".to_string()),
        1 => Just(":80".to_string()),
    ];
    let path = prop_oneof![
        2 => Just(String::new()),
        1 => Just("/".to_string()),
        1 => Just("/api/v1/rs-authentication/oauth/token".to_string()),
        1 => Just("/api/v1/rs-authentication/oauth/token/".to_string()),
        3 => "(/[a-zA-Z0-9._~%!$&'()*+,;=:@-]{0,8}){1,4}/{0,3}",
        1 => "(/(\\.|\\.\\.|%2e|%2E%2e|)){1,4}/?",
    ];
    let tail = prop_oneof![
        6 => Just(String::new()),
        1 => Just("?".to_string()),
        1 => Just("#".to_string()),
        1 => "\\?[a-z=&]{0,8}",
        1 => "#[a-z]{0,8}",
    ];
    let space = prop_oneof![Just(""), Just(" "), Just("\t"), Just("\n")];
    (
        space.clone(),
        scheme,
        userinfo,
        host,
        port,
        path,
        tail,
        space,
    )
        .prop_map(|(lead, scheme, user, host, port, path, tail, trail)| {
            format!("{lead}{scheme}{user}{host}{port}{path}{tail}{trail}")
        })
}

fn check_host(input: &str) -> Result<(), TestCaseError> {
    let Ok(host) = Host::parse(input) else {
        return Ok(());
    };
    let normalized = host.as_str().to_string();
    prop_assert!(
        !normalized.ends_with('/'),
        "{:?} -> {:?}",
        input,
        normalized
    );
    prop_assert!(
        normalized.starts_with("http://") || normalized.starts_with("https://"),
        "{:?} -> {:?}",
        input,
        normalized
    );
    prop_assert_eq!(host.to_string(), normalized.clone());
    // Building the token URL must not panic either (it has an `expect`).
    let token_url = host.token_url();
    prop_assert!(token_url.as_str().starts_with(&normalized));
    match Host::parse(&normalized) {
        Ok(again) => prop_assert_eq!(
            again.as_str(),
            normalized.as_str(),
            "not idempotent for {:?}",
            input
        ),
        Err(err) => prop_assert!(
            false,
            "{:?} normalized to {:?}, which is refused: {}",
            input,
            normalized,
            err
        ),
    }
    Ok(())
}

proptest! {
    // Only about one URL-like input in five is accepted: more cases, so
    // that a few hundred accepted ones are checked (still well under 1 s).
    #![proptest_config(ProptestConfig { cases: 1024, ..config() })]

    /// URL-like text: when accepted, the normalized form is an http(s) URL
    /// without a trailing slash that parses back to itself.
    #[test]
    fn host_normalization_is_idempotent(input in url_like()) {
        check_host(&input)?;
    }
}

/// Characters a password may hold, including the URL delimiters a person
/// would not think of escaping when pasting `login:password@` into a URL.
fn password() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{6,12}",
        "[A-Za-z0-9!$&'()*+,;=%~._-]{6,12}",
        "[A-Za-z0-9]{3,6}[/?#\\\\ \\[\\]][A-Za-z0-9]{3,6}",
    ]
    .prop_map(|p| format!("Zq{p}Xj"))
}

proptest! {
    #![proptest_config(config())]

    /// Any text given as `--host` is a host or a usage error, never a panic.
    #[test]
    fn host_parse_never_panics(input in ".{0,60}") {
        check_host(&input)?;
    }


    /// README: "A `login:password@` written into `--host` is refused and
    /// not echoed." Whatever the password holds, and wherever the rest of
    /// the URL is broken, neither the error nor its hint quotes it.
    #[test]
    fn a_password_in_the_host_is_never_echoed(
        scheme in prop_oneof![
            Just("https://"), Just("http://"), Just(""), Just("ftp://"), Just("HTTPS://"),
        ],
        login in "[a-z]{1,8}",
        secret in password(),
        host in prop_oneof![
            Just("regards.example.org".to_string()),
            Just("127.0.0.1:8034".to_string()),
            Just("h.org:99999".to_string()),
            Just("[::1".to_string()),
            "[a-z]{1,8}\\.org",
        ],
        rest in prop_oneof![
            Just(""), Just("/"), Just("/prefix/"), Just("?q=1"), Just("#top"), Just("/a@b"),
            Just("/api/v1/rs-authentication/oauth/token"),
        ],
    ) {
        let input = format!("{scheme}{login}:{secret}@{host}{rest}");
        let err = Host::parse(&input).expect_err("a login in the URL is refused");
        let message = err.to_string();
        let hint = err.hint().unwrap_or("");
        prop_assert!(!message.contains(&secret), "error echoes the password: {}", message);
        prop_assert!(!hint.contains(&secret), "hint echoes the password: {}", hint);
    }
}

// ---- cache entries ----------------------------------------------------------

/// A token-like string that cannot occur by chance in an error message.
fn sentinel_token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{24,40}".prop_map(|t| format!("eyJ{t}.sig"))
}

/// Asserts `message` quotes no part (8 characters or more) of `token`.
fn quotes_nothing_of(message: &str, token: &str) -> Result<(), TestCaseError> {
    let bytes = token.as_bytes();
    for window in bytes.windows(8) {
        let piece = std::str::from_utf8(window).expect("ASCII");
        prop_assert!(!message.contains(piece), "{:?} quotes {:?}", message, piece);
    }
    Ok(())
}

/// The key every entry of these properties is written for and read with.
fn entry_key() -> CacheKey {
    CacheKey {
        host: "https://regards.example.org".into(),
        scope: "project1".into(),
        username: "sam@example.org".into(),
        client_id: "client".into(),
    }
}

fn some_token(value: String, received: u64, lifetime: u64) -> Token {
    Token {
        value: Secret::new(value),
        received_at: UNIX_EPOCH + Duration::from_secs(received),
        expires_at: UNIX_EPOCH + Duration::from_secs(received + lifetime),
        role: Some("ADMIN".into()),
        tenant: Some("project1".into()),
        email: None,
    }
}

/// A well-formed entry holding `token`, then damaged in one of the ways a
/// disk, another program or an older version could damage it.
fn damaged_entry(token: String) -> impl Strategy<Value = Vec<u8>> {
    let good = entry::encode(
        &some_token(token.clone(), 1_700_000_000, 3600),
        &entry_key(),
    );
    let len = good.len();
    prop_oneof![
        (0..len).prop_map({
            let good = good.clone();
            move |cut| good[..cut].to_vec()
        }),
        (0..len, any::<u8>()).prop_map({
            let good = good.clone();
            move |(at, byte)| {
                let mut bytes = good.clone();
                bytes[at] = byte;
                bytes
            }
        }),
        (0..len, prop::collection::vec(any::<u8>(), 1..6)).prop_map({
            let good = good.clone();
            move |(at, junk)| {
                let mut bytes = good.clone();
                bytes.splice(at..at, junk);
                bytes
            }
        }),
        prop_oneof![
            Just(("\"version\":2", "\"version\":0")),
            Just(("\"version\":2", "\"version\":\"1\"")),
            Just(("\"version\":2", "\"version\":99999999999999999999")),
            Just(("\"received_at\":", "\"received_at\":-")),
            Just(("\"expires_at\":", "\"expires_at\":1e3,\"x\":")),
            Just(("\"role\":", "\"extra\":1,\"role\":")),
            Just(("\"role\":\"ADMIN\"", "\"role\":7")),
            Just(("{", "[")),
            Just(("\"token\":\"", "\"token\":\"\\u0000")),
            Just(("\"token\":\"", "\"token\":\" ")),
            Just(("\"token\":\"", "\"token\":\"\\u00e9")),
            Just(("\"token\":", "\"token\":\"x\",\"token\":")),
        ]
        .prop_map({
            let good = good.clone();
            move |(from, to)| {
                String::from_utf8(good.clone())
                    .expect("entries are UTF-8")
                    .replacen(from, to, 1)
                    .into_bytes()
            }
        }),
        Just(good),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Any bytes with a token somewhere in them: decoding never panics, and
    /// its reason (shown with `-v`) never quotes the token.
    #[test]
    fn decoding_any_bytes_quotes_no_token(
        token in sentinel_token(),
        before in prop::collection::vec(any::<u8>(), 0..40),
        after in prop::collection::vec(any::<u8>(), 0..40),
        quoted in any::<bool>(),
    ) {
        let mut bytes = before;
        if quoted {
            bytes.extend_from_slice(format!("{{\"token\":\"{token}\"").as_bytes());
        } else {
            bytes.extend_from_slice(token.as_bytes());
        }
        bytes.extend_from_slice(&after);
        if let Err(why) = entry::decode(&bytes, &entry_key()) {
            quotes_nothing_of(&why, &token)?;
        }
    }

    /// A real entry holding a token, truncated, with a byte changed, with
    /// junk inserted or a field changed: a valid token or a reason that
    /// quotes nothing of it, never a panic.
    #[test]
    fn decoding_a_damaged_entry_quotes_no_token(
        (token, bytes) in sentinel_token().prop_flat_map(|t| (Just(t.clone()), damaged_entry(t))),
    ) {
        match entry::decode(&bytes, &entry_key()) {
            Ok(decoded) => {
                let value = decoded.value.expose();
                prop_assert!(!value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic()));
                prop_assert!(decoded.expires_at >= decoded.received_at);
            }
            Err(why) => quotes_nothing_of(&why, &token)?,
        }
    }

    /// Any bearer token (RFC 6750 characters), with any whole-second times (expiry
    /// not before receipt) and any role, tenant and e-mail, comes back from
    /// the cache exactly as stored.
    #[test]
    fn encode_then_decode_round_trips(
        value in "[A-Za-z0-9._~+/-]{1,200}={0,2}",
        received in 0u64..=253_402_300_799,
        lifetime in prop_oneof![0u64..100_000, 0u64..=253_402_300_799],
        role in proptest::option::of(".{0,12}"),
        tenant in proptest::option::of(".{0,12}"),
        email in proptest::option::of(".{0,20}"),
    ) {
        let lifetime = lifetime.min(253_402_300_799 - received);
        let mut token = some_token(value.clone(), received, lifetime);
        token.role = role;
        token.tenant = tenant;
        token.email = email;
        let decoded = entry::decode(&entry::encode(&token, &entry_key()), &entry_key())
            .map_err(|why| TestCaseError::fail(format!("did not round-trip: {why}")))?;
        prop_assert_eq!(decoded.value.expose(), &value);
        prop_assert_eq!(decoded.received_at, token.received_at);
        prop_assert_eq!(decoded.expires_at, token.expires_at);
        prop_assert_eq!(decoded.role, token.role);
        prop_assert_eq!(decoded.tenant, token.tenant);
        prop_assert_eq!(decoded.email, token.email);
    }
}

/// The ways a server may echo a secret it was sent.
fn echoed(secret: &str, how: u8) -> String {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    match how % 7 {
        0 => secret.to_string(),
        1 => form,
        // Encoded once more, as a URL quoted in another URL's query.
        5 => url::form_urlencoded::byte_serialize(form.as_bytes()).collect(),
        // HTML-escaped, as in an error page.
        6 => secret
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;"),
        // Hex digits in lower case.
        2 => {
            let spaced = form.replace('+', "%20");
            let mut parts = spaced.split('%');
            let mut out = parts.next().unwrap_or_default().to_string();
            for part in parts {
                let (hex, rest) = part.split_at(2);
                out.push('%');
                out.push_str(&hex.to_lowercase());
                out.push_str(rest);
            }
            out
        }
        3 => serde_json::to_string(secret).unwrap(),
        // Every character as JSON `\u` escapes, surrogate pairs included.
        _ => secret
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04X}"))
            .collect(),
    }
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the password and the text around it, and however the
    /// server encoded it, the scrubbed text does not hold it.
    #[test]
    fn scrubbed_server_text_never_holds_the_password(
        password in "[ -~é€😀]{4,24}",
        before in ".{0,40}",
        after in ".{0,40}",
        how in any::<u8>(),
    ) {
        let scrubber = regards_token::redact::Scrubber::new(&password);
        let echoed = echoed(&password, how);
        let scrubbed = scrubber.scrub(&format!("{before}{echoed}{after}"));
        prop_assert!(!scrubbed.contains(&password), "{scrubbed}");
        prop_assert!(!scrubbed.contains(&echoed), "{scrubbed}");
        prop_assert!(scrubbed.contains("[redacted]"));
    }

    /// The same for a client secret that is not the public default, as
    /// sent or inside the Basic header's base64.
    #[test]
    fn scrubbed_server_text_never_holds_the_client_secret(
        client_secret in "[!-~]{4,24}",
        before in ".{0,40}",
        after in ".{0,40}",
        how in any::<u8>(),
    ) {
        use base64::Engine;
        prop_assume!(client_secret != "secret");
        let scrubber = regards_token::redact::Scrubber::new("a-password")
            .with_client("client", &client_secret);
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("client:{client_secret}"));
        let echoed = if how % 2 == 0 { echoed(&client_secret, how / 2) } else { basic };
        let scrubbed = scrubber.scrub(&format!("{before}{echoed}{after}"));
        prop_assert!(!scrubbed.contains(&client_secret), "{scrubbed}");
        prop_assert!(!scrubbed.contains(&echoed), "{scrubbed}");
        prop_assert!(scrubbed.contains("[redacted]"));
    }

    /// Any text, URL or not: the redaction never panics, and a credential
    /// put in a query, a fragment or the userinfo does not come out.
    #[test]
    fn printed_urls_never_hold_credentials(
        text in ".{0,80}",
        key in prop::sample::select(vec!["password", "PassWord", "client_secret", "token", "access_token", "pass%77ord"]),
        value in "[A-Za-z0-9]{8,16}",
        at in prop::sample::select(vec!['?', '#', '&']),
    ) {
        let _ = regards_token::redact::url(&text);
        let url = format!("https://h.example/p?a=1{at}{key}={value}&b=2");
        prop_assert!(!regards_token::redact::url(&url).contains(&value));
        let url = format!("https://me:{value}@h.example/{text}");
        prop_assert!(!regards_token::redact::url(&url).contains(&value));
    }
}
