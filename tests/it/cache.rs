//! The token cache with the file store (the keyring tiers have their own
//! tests): hits, misses, expiry margins, corrupt entries, parallel runs,
//! refusals shared between waiters, file modes, `status` and `logout`.

use std::path::{Path, PathBuf};

use crate::common::*;

/// `get` as the demo user with the file cache.
fn get(sandbox: &Sandbox, server: &Server) -> assert_cmd::Command {
    let mut cmd = sandbox.get(server);
    cmd.args(["--cache", "file"]);
    cmd
}

fn json(ran: &Ran) -> serde_json::Value {
    serde_json::from_str(ran.ok()).unwrap()
}

#[test]
fn a_hit_sends_nothing_and_asks_no_password() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let first = json(&run(get(&sandbox, &server).args(["--format", "json"])));
    assert_eq!(first["source"], "network");

    // No password source at all: a hit must not need one.
    let mut cmd = sandbox.login(&server);
    cmd.args(["--cache", "file", "--format", "json"]);
    let second = json(&run(&mut cmd));
    assert_eq!(second["source"], "cache");
    assert_eq!(second["access_token"], first["access_token"]);
    assert_eq!(second["expires_at"], first["expires_at"]);
    assert_eq!(second["role"], "REGISTERED_USER");
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn the_cache_keeps_servers_projects_and_accounts_apart() {
    let server = two_projects();
    let other = Server::builder().start();
    let sandbox = Sandbox::new();
    let a = run(&mut get(&sandbox, &server)).ok().to_string();
    let b = run(get(&sandbox, &server).args(["--scope", "project2"]))
        .ok()
        .to_string();
    let c = run(&mut get(&sandbox, &other)).ok().to_string();
    assert!(a != b && b != c && a != c);
    assert_eq!(claims(b.trim_end())["role"], "ADMIN");
    // Each is a hit now.
    assert_eq!(run(&mut get(&sandbox, &server)).ok(), a);
    assert_eq!(
        run(get(&sandbox, &server).args(["--scope", "project2"])).ok(),
        b
    );
    assert_eq!(run(&mut get(&sandbox, &other)).ok(), c);
    assert_eq!(server.token_requests() + other.token_requests(), 3);
}

#[test]
fn refresh_fetches_and_stores_a_new_token() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let old = run(&mut get(&sandbox, &server)).ok().to_string();
    let new = run(get(&sandbox, &server).arg("--refresh"))
        .ok()
        .to_string();
    assert_ne!(old, new);
    assert_eq!(server.token_requests(), 2);
    assert_eq!(
        run(&mut get(&sandbox, &server)).ok(),
        new,
        "the new token was stored"
    );
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn min_ttl_longer_than_what_is_left_fetches_again() {
    let server = Server::builder().lifetime(3600).start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    run(get(&sandbox, &server).args(["--min-ttl", "59m"])).ok();
    assert_eq!(server.token_requests(), 1, "59 minutes are left");
    let ran = run(get(&sandbox, &server).args(["--min-ttl", "61m", "-v"]));
    ran.ok();
    assert!(
        ran.stderr
            .contains("less than --min-ttl 1h 1m: logging in again"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);
    // The variable works too.
    run(get(&sandbox, &server).env("REGARDS_TOKEN_MIN_TTL", "2h")).ok();
    assert_eq!(server.token_requests(), 3);
}

/// `-v` says once what the cache decided: each look (before and after
/// the login lock) used to log its own copy of the same decision.
#[test]
fn each_cache_decision_is_logged_once() {
    let server = Server::builder().lifetime(3600).start();
    let sandbox = Sandbox::new();
    let decisions = |ran: &Ran| -> Vec<String> {
        ran.stderr
            .lines()
            .filter(|l| l.contains("cached token"))
            .map(str::to_string)
            .collect()
    };
    let ran = run(get(&sandbox, &server).arg("-v"));
    ran.ok();
    assert_eq!(
        decisions(&ran),
        ["regards-token: no cached token: logging in"],
        "{}",
        ran.stderr
    );

    let ran = run(get(&sandbox, &server).args(["-v", "--min-ttl", "3h"]));
    ran.ok();
    let said = decisions(&ran);
    assert_eq!(said.len(), 1, "{}", ran.stderr);
    assert!(
        said[0].starts_with("regards-token: the cached token has 59m ")
            && said[0].ends_with("s left, less than --min-ttl 3h: logging in again"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);

    let ran = run(get(&sandbox, &server).arg("-v"));
    ran.ok();
    let said = decisions(&ran);
    assert_eq!(said.len(), 1, "{}", ran.stderr);
    assert!(
        said[0].starts_with("regards-token: using the cached token (59m "),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn a_lifetime_shorter_than_the_margin_is_printed_with_a_warning() {
    let server = Server::builder().lifetime(120).start();
    let sandbox = Sandbox::new();
    for round in 1..=2 {
        let ran = run(&mut get(&sandbox, &server));
        assert!(claims(ran.ok().trim_end())["sub"] == DEMO_LOGIN);
        let warning = ran
            .stderr
            .lines()
            .find(|l| l.contains("warning: the new token lasts only 1m 5"))
            .expect(&ran.stderr);
        assert!(warning.ends_with("s, less than --min-ttl 5m"), "{warning}");
        assert_eq!(server.token_requests(), round, "too short to be reused");
    }
}

#[test]
fn a_corrupt_entry_is_a_miss_and_is_replaced() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    let files = sandbox.token_files();
    assert_eq!(files.len(), 1);
    std::fs::write(&files[0], b"\x00garbage{").unwrap();
    let ran = run(get(&sandbox, &server).arg("-v"));
    let token = ran.ok().to_string();
    assert!(
        ran.stderr
            .contains("ignoring the cached entry (file): not a cache entry"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);
    assert_eq!(
        run(&mut get(&sandbox, &server)).ok(),
        token,
        "replaced by the good token"
    );
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn the_password_is_never_stored() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    run(get(&sandbox, &server)
        .arg("--refresh")
        .write_stdin("Wr0ng-SENTINEL\n"))
    .fails(3);
    for path in walk(sandbox.path()) {
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(DEMO_PASSWORD),
            "{}",
            path.display()
        );
        assert!(
            !String::from_utf8_lossy(&bytes).contains("Wr0ng-SENTINEL"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn no_cache_keeps_no_token_and_always_logs_in() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    for _ in 0..2 {
        run(sandbox
            .get(&server)
            .env_remove("REGARDS_TOKEN_CACHE")
            .arg("--no-cache"))
        .ok();
    }
    assert_eq!(server.token_requests(), 2);
    // The login lock is taken in every mode; it is an empty file.
    let files = walk(sandbox.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with(sandbox.path().join("run/regards-token")));
    assert!(files[0].extension().is_some_and(|e| e == "lock"));
    assert_eq!(std::fs::metadata(&files[0]).unwrap().len(), 0);
}

#[test]
fn thirty_parallel_cold_gets_send_one_login() {
    let server = Server::builder()
        .script(vec![Canned::Delay(std::time::Duration::from_millis(500))])
        .start();
    let sandbox = Sandbox::new();
    let make = || {
        let mut cmd = sandbox.std_login(&server);
        cmd.args(["--cache", "file"])
            .env("REGARDS_PASSWORD", DEMO_PASSWORD);
        cmd
    };
    let runs = parallel(30, make, "");
    let first = runs[0].ok();
    for ran in &runs {
        assert_eq!(ran.ok(), first, "every run prints the same token");
    }
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn a_refused_login_is_not_repeated_by_the_runs_waiting_for_it() {
    let server = Server::builder()
        .script(vec![Canned::Delay(std::time::Duration::from_millis(500))])
        .start();
    let sandbox = Sandbox::new();
    let cmd = |password: &str| {
        let mut cmd = sandbox.std_login(&server);
        cmd.args(["--cache", "file"])
            .env("REGARDS_PASSWORD", password);
        cmd
    };
    let runs = parallel(11, || cmd("wrong-password"), "");
    for ran in &runs {
        assert!(ran.fails(3).contains("(ACCOUNT_UNKNOWN)"), "{}", ran.stderr);
    }
    let replayed = runs
        .iter()
        .filter(|ran| ran.stderr.contains("the same password is not sent again"))
        .count();
    assert_eq!(replayed, 10);
    assert_eq!(
        server.token_requests(),
        1,
        "one password attempt for eleven runs"
    );
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);

    // Another password is not held back by the marker.
    let out = cmd(DEMO_PASSWORD).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(server.token_requests(), 2);
}

/// Under `auto` with no keyring, the fallback is said when a token is
/// stored, once, in plain words; a hit says nothing; `-v` gives each
/// keyring's own reason.
#[test]
fn auto_says_in_plain_words_when_a_token_goes_to_a_file() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let auto = || {
        let mut cmd = sandbox.get(&server);
        cmd.env_remove("REGARDS_TOKEN_CACHE");
        cmd
    };
    let ran = run(&mut auto());
    ran.ok();
    let files = sandbox.token_files();
    assert_eq!(files.len(), 1);
    assert_eq!(
        ran.stderr,
        format!(
            "regards-token: warning: no system keyring is usable ({SKIPPED_IN_WORDS}), \
             so the token was kept in a private file: {}\n{CHOOSE_FILES}",
            files[0].display()
        )
    );

    // A hit, through the variable too: not a word.
    let ran = run(auto().env("REGARDS_TOKEN_CACHE", "auto"));
    ran.ok();
    assert_eq!(ran.stderr, "");
    assert_eq!(server.token_requests(), 1);

    // Each token stored says it again, and `-v` names the reasons.
    let ran = run(auto().args(["--refresh", "-v"]));
    ran.ok();
    let warnings: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", ran.stderr);
    assert!(
        warnings[0].contains("so the token was kept in a private file: "),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains(&format!(
            "regards-token: no usable keyring ({SKIPPED_REASONS})"
        )),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);

    // Asking for files is not a fallback: nothing to say.
    let ran = run(get(&sandbox, &server).arg("--refresh"));
    ran.ok();
    assert_eq!(ran.stderr, "");
}

#[test]
fn cache_keyring_fails_with_code_6_when_no_keyring_answers() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).args(["--cache", "keyring"]));
    assert_eq!(
        ran.fails(6),
        format!("regards-token: error: keyring unavailable ({SKIPPED_REASONS})")
    );
    assert!(ran.hint().contains("--cache auto"));
    assert_eq!(server.token_requests(), 0);
}

// File modes and the umask are Unix's; Windows files have neither.
#[cfg(unix)]
#[test]
fn files_are_private_whatever_the_umask() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let line = format!(
        "umask 000 && exec '{}' get --host {} -s project1 -u {DEMO_LOGIN} --cache file",
        bin().display(),
        server.url()
    );
    let out = sandbox
        .shell(&line)
        .env("REGARDS_PASSWORD", DEMO_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut seen = 0;
    for dir in [
        sandbox.cache_dir(),
        sandbox.cache_dir().join("tokens"),
        sandbox.path().join("run/regards-token"),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for file in std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
        {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
            seen += 1;
        }
    }
    assert!(seen >= 3, "token, index and lock files checked");
}

#[test]
fn a_held_lock_is_waited_for_then_given_up() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    let lock = std::fs::read_dir(sandbox.path().join("run/regards-token"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "lock") && !p.ends_with("index.lock"))
        .unwrap();
    let held = std::fs::File::open(&lock).unwrap();
    held.lock().unwrap();
    let ran = run(get(&sandbox, &server).args(["--refresh", "--lock-timeout", "300ms"]));
    assert!(
        ran.fails(4)
            .contains("gave up after 300ms waiting for another regards-token run"),
        "{}",
        ran.stderr
    );
    assert!(ran.hint().contains("--lock-timeout"));
    // A hit needs no lock.
    run(&mut get(&sandbox, &server)).ok();
    drop(held);
    run(get(&sandbox, &server).arg("--refresh")).ok();
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn status_lists_and_logout_removes() {
    let server = two_projects();
    let short = Server::builder().lifetime(1).start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    run(get(&sandbox, &server).args(["--scope", "project2"])).ok();
    run(&mut get(&sandbox, &short)).ok();
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let listed = run(sandbox.cmd().arg("status")).ok().to_string();
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    assert!(
        lines[0].starts_with(&format!(
            "{} project1 {DEMO_LOGIN} role=REGISTERED_USER store=file expires=",
            server.url()
        )),
        "{listed}"
    );
    assert!(lines[0].ends_with(" left)"), "{listed}");
    assert!(lines[1].contains("project2") && lines[1].contains("role=ADMIN"));
    assert!(
        lines[2].starts_with(&short.url()) && lines[2].ends_with("(expired)"),
        "{listed}"
    );

    let doc: serde_json::Value =
        serde_json::from_str(run(sandbox.cmd().args(["status", "--format", "json"])).ok()).unwrap();
    let entries = doc.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["store"], "file");
    assert_eq!(entries[2]["expired"], true);
    assert!(
        !listed.contains("eyJ") && !doc.to_string().contains("eyJ"),
        "no token in status"
    );

    let ran = run(sandbox
        .cmd()
        .args(["logout", "--host", &server.url(), "--scope", "project2"]));
    assert_eq!(
        ran.ok(),
        format!("removed {} project2 {DEMO_LOGIN} (file)\n", server.url())
    );
    assert_eq!(run(sandbox.cmd().arg("status")).ok().lines().count(), 2);
    assert_eq!(sandbox.token_files().len(), 2);

    let ran = run(sandbox.cmd().args(["logout", "--all"]));
    assert_eq!(ran.ok().lines().count(), 2);
    assert!(sandbox.token_files().is_empty());
    let ran = run(sandbox.cmd().arg("status"));
    assert_eq!(ran.ok(), "");
    assert!(ran.stderr.contains("no cached token"));
    // After logout, get logs in again.
    run(&mut get(&sandbox, &server)).ok();
    assert_eq!(server.token_requests(), 3);
}

#[test]
fn logout_needs_to_be_told_what_to_remove() {
    let ran = run(Sandbox::new().cmd().arg("logout"));
    assert!(ran.fails(2).contains("say which tokens to remove"));
    assert!(ran.hint().contains("--all"));
}

/// The demo user in project1 and, as an administrator, in project2.
fn two_projects() -> Server {
    Server::builder()
        .user(
            User::new(DEMO_LOGIN, DEMO_PASSWORD)
                .in_project("project1", "REGISTERED_USER")
                .in_project("project2", "ADMIN"),
        )
        .start()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn an_unusable_lock_folder_stops_the_login() {
    // A path under a regular file cannot become a folder, even for root.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let blocker = sandbox.file("not-a-folder", "");
    for mode in ["none", "file", "auto"] {
        let ran = run(get(&sandbox, &server)
            .args(["--cache", mode])
            .env(CACHE_HOME, blocker.join("cache"))
            .env("XDG_RUNTIME_DIR", blocker.join("run")));
        assert!(
            ran.fails(2).contains("cannot take the login lock in "),
            "{}",
            ran.stderr
        );
        assert!(ran.hint().contains("XDG_RUNTIME_DIR"), "{}", ran.stderr);
    }
    assert_eq!(server.token_requests(), 0, "no lock, no password sent");
}

#[test]
fn an_unusable_cache_folder_only_costs_a_warning() {
    // A path under a regular file cannot become a folder, even for root.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let blocker = sandbox.file("not-a-folder", "");
    let ran = run(get(&sandbox, &server).env(CACHE_HOME, blocker.join("cache")));
    assert_eq!(claims(ran.ok().trim_end())["sub"], DEMO_LOGIN);
    assert!(
        ran.stderr
            .contains("warning: the token was not cached (file)"),
        "{}",
        ran.stderr
    );
}

#[test]
fn no_cache_needs_no_home() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(sandbox
        .get(&server)
        .env_remove("HOME")
        .env_remove(CACHE_HOME)
        .env_remove("XDG_RUNTIME_DIR"));
    ran.ok();
    // The login lock is still taken, in a folder of this user's own in
    // the temporary folder.
    let locks = walk(&sandbox.path().join("tmp"));
    assert_eq!(locks.len(), 1, "{locks:?}");
    let folder = locks[0].parent().unwrap();
    assert_eq!(folder, sandbox.path().join("tmp").join(per_user_folder()));
    #[cfg(unix)]
    assert_eq!(mode(folder), 0o700);
    let ran = run(sandbox
        .get(&server)
        .args(["--cache", "file"])
        .env_remove("HOME")
        .env_remove(CACHE_HOME));
    assert!(ran.fails(2).contains("cannot tell where to keep the cache"));
}

/// The lock folder's name in the temporary folder: the user's id on Unix,
/// where that folder is shared.
#[cfg(unix)]
fn per_user_folder() -> String {
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    format!("regards-token-{uid}")
}

/// Windows gives each user a temporary folder of their own.
#[cfg(not(unix))]
fn per_user_folder() -> String {
    "regards-token".into()
}

#[test]
fn a_tampered_entry_cannot_inject_shell_syntax() {
    // An entry written by someone else with a "token" that is shell code:
    // it is refused as corrupt, never printed into an `export` line.
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    let file = &sandbox.token_files()[0];
    let entry = std::fs::read_to_string(file).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let real = doc["token"].as_str().unwrap().to_string();
    std::fs::write(file, entry.replace(&real, "x;echo${IFS}INJECTED;#")).unwrap();
    let ran = run(get(&sandbox, &server).args(["--format", "env", "-v"]));
    let line = ran.ok().to_string();
    assert!(!line.contains("INJECTED"), "{line}");
    assert!(
        ran.stderr
            .contains("ignoring the cached entry (file): the cached token has characters"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2, "a fresh token replaced it");
}

#[test]
fn a_rejected_client_secret_does_not_hold_back_the_right_one() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(get(&sandbox, &server).args(["--client-secret", "wrong"]));
    assert!(ran.fails(3).contains("(HTTP 401)"));
    // Same password, right client secret: sent, and granted.
    run(&mut get(&sandbox, &server)).ok();
    assert_eq!(server.token_requests(), 2);
}
