//! `get`, `status` and `logout` with the real keyrings, driven through the
//! binary. Like `keyring_store.rs`, each test runs only where
//! `.ci/keyring-tests` started that keyring, and prints the marker the
//! script checks, so a CI run cannot pass without exercising it.

mod common;

use common::*;

const MARKER: &str = "KEYRING-TEST-RAN";

fn enabled(var: &str, tier: &str) -> bool {
    let on = std::env::var(var).as_deref() == Ok("1");
    if !on {
        eprintln!(
            "keyring_get: the {tier} test was NOT run: run .ci/keyring-tests (or set {var}=1)"
        );
    }
    on
}

/// Lets `cmd` use the real keyring tier `tier` only.
fn in_tier<'a>(cmd: &'a mut assert_cmd::Command, tier: &str) -> &'a mut assert_cmd::Command {
    let other = if tier == "keyutils" {
        "secret-service"
    } else {
        "keyutils"
    };
    cmd.env("REGARDS_TOKEN_SKIP_STORES", other);
    if let Ok(bus) = std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", bus);
    }
    cmd
}

fn get(sandbox: &Sandbox, server: &Server, tier: &str, cache: &str) -> assert_cmd::Command {
    let mut cmd = sandbox.get(server);
    cmd.args(["--cache", cache, "--format", "json", "-v"]);
    in_tier(&mut cmd, tier);
    cmd
}

fn keeps_tokens_in(tier: &str) {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    for cache in ["keyring", "auto"] {
        let first = run(&mut get(&sandbox, &server, tier, cache));
        let doc: serde_json::Value = serde_json::from_str(first.ok()).unwrap();
        assert_eq!(
            doc["source"],
            if cache == "keyring" {
                "network"
            } else {
                "cache"
            }
        );
        assert!(
            first.stderr.contains(&format!("token cache: {tier}")),
            "{}",
            first.stderr
        );
        assert!(!first.stderr.contains("warning"), "{}", first.stderr);
    }
    assert_eq!(server.token_requests(), 1, "the second run was a hit");
    assert!(
        !sandbox.path().join("cache/regards-token/tokens").exists(),
        "nothing went to the file store"
    );

    let listed = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(listed.contains(&format!("store={tier}")), "{listed}");
    let removed = run(in_tier(sandbox.cmd().args(["logout", "--all"]), tier))
        .ok()
        .to_string();
    assert_eq!(
        removed,
        format!("removed {} project1 {DEMO_LOGIN} ({tier})\n", server.url())
    );
    run(&mut get(&sandbox, &server, tier, "keyring")).ok();
    assert_eq!(server.token_requests(), 2, "logged in again after logout");

    // A token left in the keyring while the index names a newer one in a
    // file: logout removes both, not only the one the index names.
    run(get(&sandbox, &server, tier, "file").arg("--refresh")).ok();
    let removed = run(in_tier(sandbox.cmd().args(["logout", "--all"]), tier))
        .ok()
        .to_string();
    assert_eq!(
        removed,
        format!(
            "removed {} project1 {DEMO_LOGIN} ({tier}, file)\n",
            server.url()
        )
    );
    run(&mut get(&sandbox, &server, tier, "keyring")).ok();
    assert_eq!(
        server.token_requests(),
        4,
        "nothing was left in the keyring"
    );
    run(in_tier(sandbox.cmd().args(["logout", "--all"]), tier)).ok();
    eprintln!("{MARKER} tier={tier}");
}

#[test]
fn get_keeps_tokens_in_the_secret_service() {
    if enabled("REGARDS_TOKEN_TEST_SECRET_SERVICE", "secret-service") {
        keeps_tokens_in("secret-service");
    }
}

#[test]
fn get_keeps_tokens_in_the_kernel_keyring() {
    if enabled("REGARDS_TOKEN_TEST_KEYUTILS", "keyutils") {
        keeps_tokens_in("keyutils");
    }
}
