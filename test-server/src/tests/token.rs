//! The token endpoint's logic: filters, parameters, refusals, lockout.

use super::*;

#[test]
fn success_issues_a_token_that_rs_admin_accepts() {
    let server = Server::builder().lifetime(3600).start();
    let answer = login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.head.contains("Cache-Control: no-store"));
    assert!(answer.head.contains("application/json;charset=UTF-8"));
    let json = answer.json();
    assert_eq!(json["expires_in"], 3599);
    assert_eq!(json["token_type"], "bearer");
    assert_eq!(json["role"], "REGISTERED_USER");
    let token = json["access_token"].as_str().unwrap().to_owned();
    assert_eq!(token.split('.').count(), 3);

    let seen = &server.requests()[0];
    assert_eq!(seen.query_param("scope"), Some("project1"));
    assert_eq!(seen.json_body().unwrap()["password"], DEMO_PASSWORD);
    assert_eq!(server.token_requests(), 1);

    let check = |auth: &str| {
        let req = format!("GET {MYUSER_PATH} HTTP/1.1\r\nAuthorization: {auth}\r\n\r\n");
        exchange(&server, req.as_bytes()).status
    };
    assert_eq!(check(&format!("Bearer {token}")), 200);
    assert_eq!(check(&format!("bearer {token}")), 401);
    assert_eq!(check("Bearer not-a-token"), 401);
    assert_ne!(
        login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD).json()["access_token"],
        token
    );
}

#[test]
fn query_only_style_and_percent_encoding() {
    let server = Server::builder()
        .user(User::new("odd@example.org", "a&b+c#d% e").in_project("p2", "ADMIN"))
        .start();
    let query =
        "?grant_type=password&scope=p2&username=odd%40example.org&password=a%26b%2Bc%23d%25%20e";
    let answer = exchange(
        &server,
        &post(query, "", "", Some(&basic("client", "secret"))),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["role"], "ADMIN");
    assert_eq!(server.requests()[0].raw_query.as_deref(), Some(&query[1..]));
}

#[test]
fn filters_answer_401_with_an_empty_body() {
    let server = Server::builder().start();
    let body = r#"{"username":"demo@example.org","password":"demo-password","scope":"project1"}"#;
    let auth = basic("client", "secret");
    let no_scope = exchange(&server, &post("", "application/json", body, Some(&auth)));
    assert_eq!((no_scope.status, no_scope.body.as_str()), (401, ""));
    let no_basic = exchange(
        &server,
        &post("?scope=project1", "application/json", body, None),
    );
    assert_eq!(no_basic.status, 401);
    let wrong = basic("client", "nope");
    let bad = exchange(
        &server,
        &post("?scope=project1", "application/json", body, Some(&wrong)),
    );
    assert_eq!(bad.status, 401);
    // The header counts for the scope filter too.
    let with_header = post("", "application/json", body, Some(&auth));
    let text = String::from_utf8(with_header).unwrap();
    let text = text.replacen("\r\n", "\r\nScope: project1\r\n", 1);
    assert_eq!(exchange(&server, text.as_bytes()).status, 200);
    assert_eq!(server.token_requests(), 4);
}

#[test]
fn wrong_passwords_lock_the_account_at_the_threshold() {
    let server = Server::builder().lockout_threshold(3).start();
    for attempt in 1..=3 {
        let answer = login(&server, "project1", DEMO_LOGIN, "wrong");
        assert_eq!(answer.status, 400);
        assert_eq!(
            answer.json()["additionalInformation"]["error"],
            "ACCOUNT_UNKNOWN"
        );
        assert_eq!(server.failed_attempts(DEMO_LOGIN), attempt);
    }
    // Status is reported before the password is checked: no further count.
    let answer = login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD);
    assert_eq!(
        answer.json()["additionalInformation"]["error"],
        "ACCOUNT_LOCKED"
    );
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 3);
}

#[test]
fn a_good_password_resets_the_count() {
    let server = Server::builder().start();
    login(&server, "project1", DEMO_LOGIN, "wrong");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
    assert_eq!(
        login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD).status,
        200
    );
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 0);
}

#[test]
fn request_problems_use_the_messages_shape() {
    let server = Server::builder()
        .user(
            User::new("p@x", "pw")
                .in_project("project1", "R")
                .with_status(AccountStatus::Pending),
        )
        .user(User::new("w@x", "pw").with_access("project1", AccessState::WaitingAccess))
        .start();
    let auth = basic("client", "secret");
    let form = "grant_type=password&username=demo%40example.org&password=demo-password";
    let answer = exchange(
        &server,
        &post(
            "?scope=project1",
            "application/x-www-form-urlencoded",
            form,
            Some(&auth),
        ),
    );
    assert_eq!(answer.status, 415);
    let answer = exchange(
        &server,
        &post("?scope=project1", "application/json", "{oops", Some(&auth)),
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["messages"][0]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error")
    );
    let answer = login(&server, "project1", "", "x");
    assert_eq!(answer.status, 500);
    assert!(
        answer
            .body
            .contains("User login / password cannot be empty")
    );
    assert_eq!(
        login(&server, "nope", DEMO_LOGIN, DEMO_PASSWORD).status,
        500
    );
    let code = |a: Answer| a.json()["additionalInformation"]["error"].clone();
    assert_eq!(
        code(login(&server, "project1", "p@x", "bad")),
        "ACCOUNT_PENDING"
    );
    assert_eq!(server.failed_attempts("p@x"), 0);
    assert_eq!(
        code(login(&server, "project1", "w@x", "pw")),
        "USER_WAITING_ACCESS"
    );
    assert_eq!(
        code(login(&server, "instance", DEMO_LOGIN, DEMO_PASSWORD)),
        "INSTANCE_ACCESS_DENIED"
    );
}

#[test]
fn legacy_v1_reads_query_and_forms_only() {
    let server = Server::builder().legacy_v1(true).start();
    let auth = basic("client", "secret");
    let answer = login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["error"], "invalid_request");
    let form = "grant_type=password&username=demo%40example.org&password=demo-password";
    let answer = exchange(
        &server,
        &post(
            "?scope=project1",
            "application/x-www-form-urlencoded",
            form,
            Some(&auth),
        ),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let wrong = "grant_type=password&username=demo%40example.org&password=nope";
    let answer = exchange(
        &server,
        &post(
            "?scope=project1",
            "application/x-www-form-urlencoded",
            wrong,
            Some(&auth),
        ),
    );
    assert_eq!(answer.json()["error"], "invalid_grant");
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
}
