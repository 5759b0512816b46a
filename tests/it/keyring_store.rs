//! The keyring tiers against the real keyrings: the Secret Service and
//! the kernel keyring on Linux, the Keychain on macOS, the Credential
//! Manager on Windows. A developer's machine may have none it can spare, so
//! each test is ignored by a plain `cargo test` and runs only when this
//! system's script (`SCRIPT`, which starts or prepares the keyring) runs
//! the ignored tests and sets its variable, and says so on stderr
//! otherwise; when it runs it prints a marker the script looks for, so that
//! a CI run cannot pass without having exercised the keyring. Run with
//! `-- --nocapture` to see those lines.

use std::env;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use regards_token::cache::CacheKey;
use regards_token::cache::keyring::{self, KeyringOptions};
use regards_token::cache::store::Store;

const MARKER: &str = "KEYRING-TEST-RAN";

/// The script that runs these tests against this system's keyrings.
#[cfg(not(any(target_os = "macos", windows)))]
const SCRIPT: &str = ".ci/keyring-tests";
#[cfg(target_os = "macos")]
const SCRIPT: &str = ".ci/keyring-tests-macos";
#[cfg(windows)]
const SCRIPT: &str = ".ci/keyring-tests-windows.ps1";

fn enabled(var: &str, tier: &str) -> bool {
    if env::var(var).as_deref() == Ok("1") {
        return true;
    }
    not_run(tier, &format!("set {var}=1 where one is running"));
    false
}

fn not_run(tier: &str, how: &str) {
    eprintln!(
        "keyring_store: the {tier} test was NOT run: it needs a real keyring; \
         run {SCRIPT} (or {how})"
    );
}

/// A key no earlier or concurrent run uses, so a leftover cannot make a
/// test pass.
fn fresh_key(tier: &str) -> CacheKey {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    CacheKey {
        host: "https://keyring-test.invalid".into(),
        scope: "test".into(),
        username: format!("{tier}-{}-{nanos}", std::process::id()),
        client_id: "regards-token-tests".into(),
    }
}

fn options(skip: &[&str], session_bus: Option<String>) -> KeyringOptions {
    KeyringOptions {
        interactive: false,
        skip: skip.iter().map(|s| s.to_string()).collect(),
        session_bus,
        // Generous, so a loaded CI machine does not fail the test; the
        // default deadline is measured and printed instead.
        deadline: Some(Duration::from_secs(10)),
    }
}

/// A value like a long token, with bytes that are not text.
fn long_value() -> Vec<u8> {
    (0..5000u32).map(|i| (i % 256) as u8).collect()
}

/// Deleting may take a moment to show in keyutils (its lookups are cached).
fn eventually_gone(store: &dyn Store, key: &CacheKey) {
    let start = Instant::now();
    loop {
        match store.get(key).expect("a read after delete") {
            None => return,
            Some(_) if start.elapsed() < Duration::from_secs(3) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Some(_) => panic!("the entry is still there after being deleted"),
        }
    }
}

fn exercise(opts: &KeyringOptions, tier: &str) {
    let key = fresh_key(tier);
    let start = Instant::now();
    let (store, found) = keyring::open(opts, &key).expect("the keyring opens");
    eprintln!(
        "keyring_store: {tier}: open + probe took {} ms",
        start.elapsed().as_millis()
    );
    assert_eq!(store.name(), tier);
    assert_eq!(found, None, "a fresh key has no entry");

    store.set(&key, b"first token").expect("set");
    assert_eq!(store.get(&key), Ok(Some(b"first token".to_vec())));
    store.set(&key, &long_value()).expect("overwrite");
    assert_eq!(store.get(&key), Ok(Some(long_value())));

    // A new process's view: the probe of `open` reads the entry.
    let start = Instant::now();
    let (again, found) = keyring::open(opts, &key).expect("the keyring opens again");
    eprintln!(
        "keyring_store: {tier}: open + probe of a stored entry took {} ms",
        start.elapsed().as_millis()
    );
    assert_eq!(again.name(), tier);
    assert_eq!(found, Some(long_value()));

    let named = keyring::open_named(opts, tier).expect("the tier opens by name");
    assert_eq!(named.delete(&key), Ok(true));
    eventually_gone(store.as_ref(), &key);
    assert_eq!(store.delete(&key), Ok(false));
    eprintln!("{MARKER} tier={tier}");
}

// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn secret_service_keeps_and_forgets_entries() {
    if !enabled("REGARDS_TOKEN_TEST_SECRET_SERVICE", "secret-service") {
        return;
    }
    let bus = env::var("DBUS_SESSION_BUS_ADDRESS").ok();
    assert!(bus.is_some(), "the script runs this test on a session bus");
    exercise(&options(&["keyutils"], bus.clone()), "secret-service");

    let mut default_deadline = options(&["keyutils"], bus);
    default_deadline.deadline = None;
    let start = Instant::now();
    keyring::open(&default_deadline, &fresh_key("secret-service"))
        .expect("the Secret Service answers within the default deadline");
    eprintln!(
        "keyring_store: secret-service: open + get within the default deadline took {} ms",
        start.elapsed().as_millis()
    );
}

// The kernel keyring is Linux's.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn keyutils_keeps_and_forgets_entries() {
    use std::process::Command;
    if !enabled("REGARDS_TOKEN_TEST_KEYUTILS", "keyutils") {
        return;
    }
    exercise(&options(&["secret-service"], None), "keyutils");

    // The key really is in the kernel, where another process finds it.
    let key = fresh_key("keyutils");
    let (store, _) = keyring::open(&options(&["secret-service"], None), &key).expect("opens");
    store.set(&key, b"seen from outside").expect("set");
    let description = format!("keyring:{}@regards-token", key.account());
    let found = Command::new("keyctl")
        .args(["search", "@s", "user", &description])
        .output()
        .expect("keyctl runs");
    assert!(found.status.success(), "keyctl does not find the key");
    assert_eq!(store.delete(&key), Ok(true));
}

// The kernel keyring is Linux's.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn without_a_session_bus_keyutils_is_used() {
    if !enabled("REGARDS_TOKEN_TEST_KEYUTILS", "keyutils fall-back") {
        return;
    }
    let opts = options(&[], Some("unix:path=/nonexistent".into()));
    exercise(&opts, "keyutils");
}

/// Needs no keyring: a bus that is not there is noticed without waiting.
// The Secret Service is the keyring of Linux and the BSDs only (elsewhere
// the system's keyring would be opened instead).
#[cfg(secret_service)]
#[test]
fn a_missing_session_bus_is_skipped_at_once() {
    let opts = options(&["keyutils"], Some("unix:path=/nonexistent".into()));
    let start = Instant::now();
    let skipped = keyring::open(&opts, &fresh_key("no-bus"))
        .err()
        .expect("no tier");
    assert!(start.elapsed() < Duration::from_secs(1));
    let ss = skipped
        .iter()
        .find(|s| s.tier == "secret-service")
        .expect("the Secret Service was considered");
    assert!(
        ss.reason.starts_with("no D-Bus session bus"),
        "{}",
        ss.reason
    );
    let named = keyring::open_named(&opts, "secret-service").err();
    assert_eq!(named.map(|s| s.tier), Some("secret-service"));
}

/// A bus that accepts the connection and then never answers, as a stuck
/// daemon does: the real Secret Service store must be given up at the
/// deadline. zbus reads the address from the environment itself, so the
/// script points `DBUS_SESSION_BUS_ADDRESS` at the socket this test makes.
// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn a_silent_session_bus_is_given_up_at_the_deadline() {
    let Ok(path) = env::var("REGARDS_TOKEN_TEST_SILENT_BUS") else {
        not_run(
            "silent bus",
            "set REGARDS_TOKEN_TEST_SILENT_BUS to a new socket's path \
             and DBUS_SESSION_BUS_ADDRESS to unix:path=<that path>",
        );
        return;
    };
    let address = format!("unix:path={path}");
    assert_eq!(env::var("DBUS_SESSION_BUS_ADDRESS"), Ok(address.clone()));
    let _listener = std::os::unix::net::UnixListener::bind(&path).expect("a socket");
    let mut opts = options(&["keyutils"], Some(address));
    opts.deadline = Some(Duration::from_millis(500));
    let start = Instant::now();
    let skipped = keyring::open(&opts, &fresh_key("silent"))
        .err()
        .expect("no tier");
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(skipped[0].tier, "secret-service");
    assert!(
        skipped[0].reason.starts_with("no answer within 500ms"),
        "{}",
        skipped[0].reason
    );
    eprintln!("{MARKER} tier=silent-bus");
}

/// The Keychain: `.ci/keyring-tests-macos` made a throwaway keychain,
/// unlocked, this user's default one, which is the one the tier uses.
#[cfg(target_os = "macos")]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn keychain_keeps_and_forgets_entries() {
    use std::process::Command;
    if !enabled("REGARDS_TOKEN_TEST_KEYCHAIN", "keychain") {
        return;
    }
    // The entry really is in the default keychain, where `security`
    // finds it (without -w: its attributes only, no secret is printed).
    let key = fresh_key("keychain");
    let (store, _) = keyring::open(&options(&[], None), &key).expect("opens");
    store.set(&key, b"seen from outside").expect("set");
    let found = Command::new("security")
        .args(["find-generic-password", "-s", "regards-token", "-a"])
        .arg(key.account())
        .output()
        .expect("security runs");
    assert!(found.status.success(), "security does not find the entry");
    assert_eq!(store.delete(&key), Ok(true));

    exercise(&options(&[], None), "keychain");
}

/// The Credential Manager, which holds at most 2,560 bytes a credential:
/// a longer value is kept in several, read back whole, and deleted with
/// every one of them.
#[cfg(windows)]
#[test]
#[ignore = "needs a real keyring: the keyring-tests script runs it with --include-ignored"]
fn windows_keeps_and_forgets_entries() {
    if !enabled("REGARDS_TOKEN_TEST_WINDOWS", "windows") {
        return;
    }
    let key = fresh_key("windows");
    let (store, _) = keyring::open(&options(&[], None), &key).expect("opens");
    let value = long_value();
    assert!(value.len() > 2560);
    store.set(&key, &value).expect("set");
    let chunks = credentials_of(&key.account());
    assert_eq!(chunks.len(), 2, "{chunks:?}");
    assert!(chunks.iter().all(|(_, size)| *size <= 2560), "{chunks:?}");
    assert_eq!(store.get(&key), Ok(Some(value)));
    assert_eq!(store.delete(&key), Ok(true));
    assert_eq!(credentials_of(&key.account()), vec![], "no chunk is left");

    exercise(&options(&[], None), "windows");
}

/// The credentials the Credential Manager holds for `account` (its first
/// chunk) and for its other chunks (`account#N`), with their sizes.
#[cfg(windows)]
fn credentials_of(account: &str) -> Vec<(String, usize)> {
    use keyring_core::api::CredentialStoreApi;
    let native = windows_native_keyring_store::Store::new().expect("the Credential Manager");
    let chunk_prefix = format!("{account}#");
    let mut found: Vec<(String, usize)> = native
        .search(&std::collections::HashMap::new())
        .expect("search")
        .iter()
        .filter_map(|entry| {
            let (service, user) = entry.get_specifiers()?;
            let ours = service == regards_token::cache::key::SERVICE
                && (user == account || user.starts_with(&chunk_prefix));
            ours.then(|| {
                let size = entry.get_secret().expect("read a chunk").len();
                (user, size)
            })
        })
        .collect();
    found.sort();
    found
}

/// A plain `cargo test` reports the tests that need a real keyring as
/// ignored, not as passed: every test that reads a keyring switch is
/// marked `#[ignore]`, and the scripts run them with `--include-ignored`.
#[test]
fn tests_that_need_a_keyring_are_ignored_by_a_plain_cargo_test() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Split, so that this test's own text is not a switch read.
    let switch = concat!("(\"REGARDS_TOKEN", "_TEST_");
    let mut gated = 0;
    for file in ["keyring_store.rs", "keyring_get.rs", "keyring_login.rs"] {
        let text = std::fs::read_to_string(dir.join("tests").join("it").join(file)).unwrap();
        // Each test: its attributes, then its body up to the next test.
        for test in text.split("#[test]\n").skip(1) {
            let body = test.split("\n}\n").next().unwrap_or(test);
            let name = test.lines().find(|l| l.starts_with("fn ")).unwrap_or("?");
            if body.contains(switch) {
                gated += 1;
                assert!(
                    test.starts_with("#[ignore"),
                    "{file}: {name} is not ignored"
                );
            }
        }
    }
    assert!(gated >= 15, "{gated} tests read a switch");
}
