//! Durations a user sets have sane upper bounds, and one past its bound is
//! a usage error (exit 2) naming the setting, the bound and an example,
//! from the flag, the environment or the config file, on a cache hit as on
//! a login. Lifetimes a server states (`expires_in`, the JWT's `exp`) too
//! large for the clock saturate instead of panicking.

use base64::Engine;

use crate::common::*;

/// The demo user's `get` with the file cache.
fn get(sandbox: &Sandbox, server: &Server) -> assert_cmd::Command {
    let mut cmd = sandbox.get(server);
    cmd.args(["--cache", "file"]);
    cmd
}

/// (flag, value past its bound, the bound as printed, the example given)
const TOO_LONG: [(&str, &str, &str, &str); 6] = [
    ("--timeout", "584000000000y", "1h", "30s or 2m"),
    ("--timeout", "61m", "1h", "30s or 2m"),
    ("--lock-timeout", "584000000000y", "1h", "60s or 5m"),
    ("--lock-timeout", "2h", "1h", "60s or 5m"),
    ("--min-ttl", "584000000000y", "1year", "5m or 1h"),
    ("--min-ttl", "400days", "1year", "5m or 1h"),
];

#[test]
fn flags_past_their_bound_are_usage_errors_even_on_a_cache_hit() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let token = run(&mut get(&sandbox, &server)).ok().trim_end().to_string();
    for (flag, value, bound, example) in TOO_LONG {
        for cached in [true, false] {
            let mut cmd = get(&sandbox, &server);
            cmd.args([flag, value]);
            if !cached {
                cmd.arg("--refresh");
            }
            let ran = run(&mut cmd);
            assert_eq!(
                ran.fails(2),
                format!(
                    "regards-token: error: invalid value '{value}' for {flag}: \
                     longer than the {bound} allowed (write e.g. {example})"
                )
            );
            ran.leaks_none(&[&token, DEMO_PASSWORD]);
        }
    }
    assert_eq!(
        server.token_requests(),
        1,
        "nothing sent past a usage error"
    );
}

#[test]
fn the_bounds_themselves_are_accepted() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(get(&sandbox, &server).args(["--timeout", "1h", "--lock-timeout", "1h"])).ok();
    // A year of margin: no token lasts that long, so it always logs in.
    let ran = run(get(&sandbox, &server).args(["--min-ttl", "1year"]));
    ran.ok();
    assert!(
        ran.stderr.contains("less than --min-ttl 1year"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn the_environment_and_the_config_file_have_the_same_bounds() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let token = run(&mut get(&sandbox, &server)).ok().trim_end().to_string();
    let ran = run(get(&sandbox, &server).env("REGARDS_TOKEN_MIN_TTL", "584000000000y"));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: REGARDS_TOKEN_MIN_TTL is '584000000000y': \
         longer than the 1year allowed (write e.g. 5m or 1h)"
    );
    ran.leaks_none(&[&token]);

    for (key, value, bound) in [
        ("timeout", "584000000000y", "1h"),
        ("min_ttl", "584000000000y", "1year"),
    ] {
        let config = sandbox.file(
            "config.toml",
            &format!("[default]\nscope = \"project1\"\n{key} = \"{value}\"\n"),
        );
        let ran = run(get(&sandbox, &server).env("REGARDS_TOKEN_CONFIG", &config));
        let error = ran.fails(2).to_string();
        assert!(
            error.starts_with(&format!(
                "regards-token: error: config file {}, line 3: {key}: longer than the {bound} allowed",
                config.display()
            )),
            "{error}"
        );
        ran.leaks_none(&[&token]);
    }
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn huge_lifetimes_from_the_server_saturate_instead_of_panicking() {
    let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let jwt = format!(
        "{}.{}.c2ln",
        enc(r#"{"alg":"HS512"}"#),
        enc(r#"{"sub":"demo@example.org","exp":18446744073709551615}"#)
    );
    let body = serde_json::json!({
        "access_token": jwt, "token_type": "bearer",
        "expires_in": u64::MAX,
    });
    let server = scripted(vec![json_answer(200, &body)]);
    let sandbox = Sandbox::new();
    for source in ["network", "cache"] {
        let ran = run(get(&sandbox, &server).args(["--format", "json"]));
        let doc: serde_json::Value = serde_json::from_str(ran.ok()).unwrap();
        assert_eq!(doc["access_token"], jwt.as_str());
        assert_eq!(doc["source"], source);
        assert_eq!(doc["expires_at"], "9999-12-31T23:59:59Z");
    }
    assert_eq!(server.token_requests(), 1);
    let status = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(status.contains("expires=9999-12-31T23:59:59Z"), "{status}");
}
