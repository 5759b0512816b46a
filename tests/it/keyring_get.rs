//! `get`, `status` and `logout` with the real keyrings, driven through the
//! binary. Like `keyring_store.rs`, each test runs only where this
//! system's script (`SCRIPT`) started or prepared that keyring, and prints
//! the marker the script checks, so a CI run cannot pass without
//! exercising it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use regards_token::cache::CacheKey;
use regards_token::cache::key::PROBE_HOST;
use regards_token::cache::keyring::{self, KeyringOptions};

use crate::common::*;

const MARKER: &str = "KEYRING-TEST-RAN";

/// The script that runs these tests against this system's keyrings.
#[cfg(not(any(target_os = "macos", windows)))]
const SCRIPT: &str = ".ci/keyring-tests";
#[cfg(target_os = "macos")]
const SCRIPT: &str = ".ci/keyring-tests-macos";
#[cfg(windows)]
const SCRIPT: &str = ".ci/keyring-tests-windows.ps1";

fn enabled(var: &str, tier: &str) -> bool {
    let on = std::env::var(var).as_deref() == Ok("1");
    if !on {
        eprintln!("keyring_get: the {tier} test was NOT run: run {SCRIPT} (or set {var}=1)");
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

/// `doctor` against `server` with the real keyring tier `tier` only.
fn doctor(sandbox: &Sandbox, server: &Server, tier: &str, cache: &str) -> Ran {
    let mut cmd = sandbox.cmd();
    cmd.args(["doctor", "--host", &server.url(), "--cache", cache]);
    run(in_tier(&mut cmd, tier))
}

fn cache_line(ran: &Ran) -> &str {
    ran.stdout
        .lines()
        .find(|l| l.get(5..).is_some_and(|c| c.starts_with("cache")))
        .unwrap_or_else(|| panic!("no cache line in:\n{}", ran.stdout))
}

/// Whether a `doctor` test entry that was not in `tier` `before` is
/// there, allowing the kernel keyring a moment to drop a removed key.
/// Entries found before the test (left by an interrupted run, say) are
/// not this test's business.
fn doctor_entry_left(tier: &str, before: &[String]) -> bool {
    let start = Instant::now();
    while has_new_doctor_entry(tier, before) {
        if start.elapsed() > Duration::from_secs(3) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn has_new_doctor_entry(tier: &str, before: &[String]) -> bool {
    doctor_entries(tier).iter().any(|e| !before.contains(e))
}

/// The `doctor` test entries in `tier`, each named by something unique.
/// `login`'s, of scope `login`, are not `doctor`'s: a login running beside
/// this test makes and removes its own.
fn doctor_entries(tier: &str) -> Vec<String> {
    let doctors = format!("[\"{PROBE_HOST}\",\"\",");
    // Wherever the key is linked: in a process without a session keyring
    // of its own, a key left behind sat in the user's default one, where
    // `keyctl show @s` of this process would not look.
    #[cfg(target_os = "linux")]
    if tier == "keyutils" {
        return live_kernel_keys(&doctors);
    }
    // Only Linux has a second tier; elsewhere it is the system's one.
    #[cfg(not(target_os = "linux"))]
    let _ = tier;
    native_store_probes()
        .into_iter()
        .filter(|user| user.contains(&doctors))
        .collect()
}

/// Leaves a test entry in `tier` and checks `doctor_entries` sees it,
/// so that its "nothing left" cannot pass by looking in the wrong place.
fn a_planted_entry_is_seen(tier: &str) {
    let before = doctor_entries(tier);
    let other = if tier == "keyutils" {
        "secret-service"
    } else {
        "keyutils"
    };
    let opts = KeyringOptions {
        interactive: false,
        skip: vec![other.into()],
        session_bus: std::env::var("DBUS_SESSION_BUS_ADDRESS").ok(),
        deadline: Some(Duration::from_secs(10)),
    };
    let planted = CacheKey {
        host: PROBE_HOST.into(),
        scope: String::new(),
        username: "planted".into(),
        client_id: String::new(),
    };
    let (store, _) = keyring::open(&opts, &planted).expect("the keyring opens");
    store.set(&planted, b"planted").expect("set");
    assert!(has_new_doctor_entry(tier, &before), "a test entry is seen");
    store.delete(&planted).expect("delete");
    assert!(!doctor_entry_left(tier, &before));
}

/// Whether the Secret Service holds a `doctor` test entry.
#[cfg(secret_service)]
fn native_store_probes() -> Vec<String> {
    use keyring_core::api::CredentialStoreApi;
    let store = zbus_secret_service_keyring_store::Store::new().expect("the Secret Service");
    let spec = HashMap::from([("service", "regards-token")]);
    store
        .search(&spec)
        .expect("search")
        .iter()
        .filter_map(|entry| {
            let attributes = entry.get_attributes().expect("attributes");
            let user = attributes.get("username")?;
            user.contains(PROBE_HOST).then(|| user.clone())
        })
        .collect()
}

/// Whether the default keychain holds a `doctor` test entry (its
/// attributes only are read: no secret, so no access prompt).
#[cfg(target_os = "macos")]
fn native_store_probes() -> Vec<String> {
    let store = apple_native_keyring_store::keychain::Store::new().expect("the Keychain");
    probes_in(&*store)
}

/// Whether the Credential Manager holds a `doctor` test entry.
#[cfg(windows)]
fn native_store_probes() -> Vec<String> {
    let store = windows_native_keyring_store::Store::new().expect("the Credential Manager");
    probes_in(&*store)
}

/// The entries of this tool for a `doctor` test key in `store`.
#[cfg(any(target_os = "macos", windows))]
fn probes_in(store: &impl keyring_core::api::CredentialStoreApi) -> Vec<String> {
    store
        .search(&HashMap::new())
        .expect("search")
        .iter()
        .filter_map(|entry| entry.get_specifiers())
        .filter(|(service, user)| {
            service == regards_token::cache::key::SERVICE && user.contains(PROBE_HOST)
        })
        .map(|(_, user)| user)
        .collect()
}

/// The logins `server` saw (`doctor` sends an anonymous GET instead).
fn logins(server: &Server) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

/// `doctor` stores, reads back and removes a test entry in the tier `get`
/// uses, and leaves nothing behind.
fn doctor_checks(tier: &str) {
    a_planted_entry_is_seen(tier);
    let before = doctor_entries(tier);
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    for cache in ["keyring", "auto"] {
        let ran = doctor(&sandbox, &server, tier, cache);
        assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
        assert_eq!(
            cache_line(&ran),
            format!(
                "ok   cache   keyring: {tier} (a test entry was stored, read back and removed)"
            )
        );
        assert!(
            !doctor_entry_left(tier, &before),
            "the test entry was removed"
        );
    }
    assert_eq!(logins(&server), 0, "doctor never logs in");
    assert!(!sandbox.cache_dir().exists(), "no file, no index record");
}

fn keeps_tokens_in(tier: &str) {
    doctor_checks(tier);
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

// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn get_keeps_tokens_in_the_secret_service() {
    if enabled("REGARDS_TOKEN_TEST_SECRET_SERVICE", "secret-service") {
        keeps_tokens_in("secret-service");
    }
}

// The kernel keyring is Linux's.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn get_keeps_tokens_in_the_kernel_keyring() {
    if enabled("REGARDS_TOKEN_TEST_KEYUTILS", "keyutils") {
        keeps_tokens_in("keyutils");
    }
}

/// A kernel keyring that can be searched but not written, as in some
/// containers and services: a read of a missing entry succeeds, every
/// write is denied. `doctor` must see what `get` runs into, in its words;
/// `get --cache auto` says once, in plain words, that the token went to a
/// file, and a hit says nothing. `.ci/keyring-tests` makes the session
/// keyring read-only for this test.
// The kernel keyring is Linux's.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn doctor_and_get_agree_on_a_kernel_keyring_that_refuses_writes() {
    if !enabled("REGARDS_TOKEN_TEST_KEYUTILS_READONLY", "read-only keyutils") {
        return;
    }
    let tier = "keyutils";
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let refused = "cannot store the token in the keyring (keyutils): \
                   keyring not accessible: AccessDenied";
    let before = doctor_entries(tier);

    let ran = doctor(&sandbox, &server, tier, "keyring");
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(cache_line(&ran), format!("fail cache   {refused}"));
    let ran = run(&mut get(&sandbox, &server, tier, "keyring"));
    assert_eq!(ran.fails(6), format!("regards-token: error: {refused}"));

    let ran = doctor(&sandbox, &server, tier, "auto");
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(
        cache_line(&ran),
        format!(
            "warn cache   the kernel keyring refused the write (keyring not accessible: \
             AccessDenied), so get keeps tokens in private files under {}",
            sandbox.cache_dir().join("tokens").display()
        )
    );

    let mut cmd = sandbox.get(&server);
    cmd.args(["--cache", "auto"]);
    in_tier(&mut cmd, tier);
    let ran = run(&mut cmd);
    ran.ok();
    let files = sandbox.token_files();
    assert_eq!(files.len(), 1);
    assert_eq!(
        ran.stderr,
        format!(
            "regards-token: warning: the kernel keyring refused the write, so the token \
             was kept in a private file: {}\n{CHOOSE_FILES}",
            files[0].display()
        )
    );
    let ran = run(&mut cmd);
    ran.ok();
    assert_eq!(ran.stderr, "", "a hit says nothing");
    assert_eq!(logins(&server), 2, "the keyring run, then one for auto");
    assert!(!doctor_entry_left(tier, &before));

    // `login` needs a keyring that keeps and removes an entry: with none,
    // nothing is sent, and nothing is left in the kernel.
    let mut login = sandbox.cmd();
    login
        .args(["login", "--host", &server.url(), "-s", "project1"])
        .args(["-u", DEMO_LOGIN, "--password-stdin"])
        .write_stdin(format!("{DEMO_PASSWORD}\n"));
    let ran = run(in_tier(&mut login, tier));
    assert_eq!(
        ran.fails(6),
        "regards-token: error: no keyring to remember the password in \
         (the Secret Service was skipped on request, the kernel keyring refused to store \
         a test entry (keyring not accessible: AccessDenied))"
    );
    assert_eq!(logins(&server), 2, "nothing sent");
    assert_eq!(kernel_keys_left(&server.url()), Vec::<String>::new());
    ran.leaks_none(&[DEMO_PASSWORD]);
    eprintln!("{MARKER} tier=keyutils-readonly");
}

/// A kernel keyring that answers, but holds an entry under the token's
/// key that this process cannot search (so not read nor remove): `get`
/// keeps its token in a file, and `logout` removes it there, passing over
/// the kernel keyring, which the index does not name, instead of failing
/// every time. (A process without a session keyring of its own met this
/// with every key it had added.)
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn logout_passes_over_a_kernel_keyring_entry_it_cannot_remove() {
    if !enabled(
        "REGARDS_TOKEN_TEST_KEYUTILS_UNREMOVABLE",
        "unremovable keyutils entry",
    ) {
        return;
    }
    let tier = "keyutils";
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let key = CacheKey {
        host: server.url(),
        scope: "project1".into(),
        username: DEMO_LOGIN.into(),
        client_id: "client".into(),
    };
    let description = format!("keyring:{}@regards-token", key.account());
    let keyctl = |args: &[&str]| {
        let out = std::process::Command::new("keyctl")
            .args(args)
            .output()
            .expect("keyctl runs");
        assert!(out.status.success(), "keyctl {args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let id = keyctl(&["add", "user", &description, "decoy", "@s"]);
    keyctl(&["setperm", &id, "0x01010000"]);

    let mut cmd = sandbox.get(&server);
    cmd.args(["--cache", "auto"]);
    run(in_tier(&mut cmd, tier)).ok();
    assert_eq!(sandbox.token_files().len(), 1, "kept in a file");
    for mode in ["auto", "file"] {
        let mut logout = sandbox.cmd();
        logout
            .args(["logout", "--all", "-v"])
            .env("REGARDS_TOKEN_CACHE", mode);
        let ran = run(in_tier(&mut logout, tier));
        if mode == "auto" {
            assert_eq!(
                ran.ok(),
                format!("removed {} project1 {DEMO_LOGIN} (file)\n", server.url())
            );
            assert!(
                ran.stderr.contains(&format!(
                    "regards-token: warning: passed over keyutils for {} project1 \
                     {DEMO_LOGIN}: keyring not accessible: AccessDenied (the token was kept \
                     in file)",
                    server.url()
                )),
                "{}",
                ran.stderr
            );
        } else {
            assert_eq!(ran.ok(), "", "nothing left to remove");
        }
    }
    assert!(sandbox.token_files().is_empty());
    eprintln!("{MARKER} tier=keyutils-unremovable");
}

/// The Keychain, as `.ci/keyring-tests-macos` prepared it (a throwaway
/// keychain, unlocked, made this user's default).
#[cfg(target_os = "macos")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn get_keeps_tokens_in_the_keychain() {
    if enabled("REGARDS_TOKEN_TEST_KEYCHAIN", "keychain") {
        keeps_tokens_in("keychain");
    }
}

/// The Windows Credential Manager of the user running the tests.
#[cfg(windows)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn get_keeps_tokens_in_the_credential_manager() {
    if enabled("REGARDS_TOKEN_TEST_WINDOWS", "windows") {
        keeps_tokens_in("windows");
    }
}
