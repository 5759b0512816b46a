//! Cache entries edited behind the tool's back. The file store's entries
//! are written by the tool, but any program running as the same user can
//! change them: an entry copied from another key, a token whose `exp` has
//! passed under a stored expiry that has not, an oversized token, an entry
//! of the previous format. Each is a miss, replaced by a fresh login, and
//! a server's oversized token is refused like any answer that is not
//! REGARDS'.

use std::path::PathBuf;

use base64::Engine;

use crate::common::*;

/// `get` as the demo user with the file cache, at `-v` so the reason for a
/// miss is shown.
fn get(sandbox: &Sandbox, server: &Server) -> assert_cmd::Command {
    let mut cmd = sandbox.get(server);
    cmd.args(["--cache", "file", "-v"]);
    cmd
}

/// The only entry file, as JSON.
fn only_entry(sandbox: &Sandbox) -> (PathBuf, serde_json::Value) {
    let files = sandbox.token_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let doc = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    (files[0].clone(), doc)
}

fn write_json(path: &PathBuf, doc: &serde_json::Value) {
    std::fs::write(path, serde_json::to_vec(doc).unwrap()).unwrap();
}

/// `jwt` with its claims changed by `edit` (the signature is kept: the
/// tool cannot check it anyway).
fn forged(jwt: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut claims = claims(jwt);
    edit(&mut claims);
    let parts: Vec<&str> = jwt.split('.').collect();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

#[test]
fn an_entry_copied_from_another_hosts_key_is_a_miss() {
    let ours = Server::builder().start();
    let theirs = Server::builder().start();
    let sandbox = Sandbox::new();
    let our_token = run(&mut get(&sandbox, &ours)).ok().to_string();
    let (our_file, _) = only_entry(&sandbox);
    let their_token = run(&mut get(&sandbox, &theirs)).ok().to_string();
    let their_file = sandbox
        .token_files()
        .into_iter()
        .find(|f| *f != our_file)
        .unwrap();
    // Their entry, under our key's file name.
    std::fs::copy(&their_file, &our_file).unwrap();

    let ran = run(&mut get(&sandbox, &ours));
    let printed = ran.ok().to_string();
    assert_ne!(printed, their_token, "another host's token was served");
    assert_ne!(printed, our_token);
    assert!(
        ran.stderr.contains(
            "ignoring the cached entry (file): the cache entry was written for another host, project, login or client id"
        ),
        "{}",
        ran.stderr
    );
    ran.leaks_none(&[their_token.trim_end()]);
    assert_eq!(ours.token_requests(), 2, "a fresh login replaced it");
    assert_eq!(theirs.token_requests(), 1);
    // The fresh token was stored in its place: a hit now.
    assert_eq!(run(&mut get(&sandbox, &ours)).ok(), printed);
    assert_eq!(ours.token_requests(), 2);
}

#[test]
fn a_token_whose_exp_has_passed_is_not_used_whatever_the_stored_expiry() {
    let server = Server::builder().lifetime(3600).start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    let (file, mut doc) = only_entry(&sandbox);
    let real = doc["token"].as_str().unwrap().to_string();
    let exp = claims(&real)["exp"].as_u64().unwrap();
    let expired = forged(&real, |c| c["exp"] = (exp - 7200).into());
    doc["token"] = expired.clone().into();
    // The stored expiry says a year from now.
    doc["expires_at"] = (exp + 365 * 86400).into();
    write_json(&file, &doc);

    let ran = run(&mut get(&sandbox, &server));
    let printed = ran.ok().trim_end().to_string();
    assert_ne!(printed, expired, "an expired token was served");
    assert_eq!(claims(&printed)["sub"], DEMO_LOGIN);
    assert!(
        ran.stderr
            .contains("the cached token has 0s left, less than --min-ttl 5m"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 2);

    // An `exp` only minutes away also wins over a later stored expiry.
    let (file, mut doc) = only_entry(&sandbox);
    let real = doc["token"].as_str().unwrap().to_string();
    let exp = claims(&real)["exp"].as_u64().unwrap();
    doc["token"] = forged(&real, |c| c["exp"] = (exp - 3600 + 120).into()).into();
    write_json(&file, &doc);
    let ran = run(&mut get(&sandbox, &server));
    ran.ok();
    assert!(
        ran.stderr
            .contains("less than --min-ttl 5m: logging in again"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 3);
}

#[test]
fn an_oversized_cached_token_is_a_miss() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    run(&mut get(&sandbox, &server)).ok();
    let (file, mut doc) = only_entry(&sandbox);
    // Characters a bearer token may have, 70 KiB of them: over the cap on
    // tokens, under the one on whole entries.
    let huge = "A".repeat(70 * 1024);
    doc["token"] = huge.clone().into();
    write_json(&file, &doc);

    let ran = run(&mut get(&sandbox, &server));
    let printed = ran.ok();
    assert_eq!(claims(printed.trim_end())["sub"], DEMO_LOGIN);
    assert!(
        ran.stderr.contains(
            "ignoring the cached entry (file): the cached token is longer than 65536 bytes"
        ),
        "{}",
        ran.stderr
    );
    assert!(!ran.stdout.contains(&huge[..1024]));
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn an_entry_of_the_previous_format_is_replaced_by_the_next_login() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let first = run(&mut get(&sandbox, &server)).ok().to_string();
    let (file, mut doc) = only_entry(&sandbox);
    doc.as_object_mut().unwrap().remove("key");
    doc["version"] = 1.into();
    write_json(&file, &doc);

    let ran = run(&mut get(&sandbox, &server));
    let second = ran.ok().to_string();
    assert_ne!(second, first);
    assert!(
        ran.stderr.contains("cache entry format 1 is not 2"),
        "{}",
        ran.stderr
    );
    assert_eq!(run(&mut get(&sandbox, &server)).ok(), second);
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn an_oversized_token_from_the_server_is_not_a_regards_answer() {
    let huge = format!("eyJ{}", "A".repeat(100 * 1024));
    let server = scripted(vec![fixed_answer(&huge, 3600)]);
    let sandbox = Sandbox::new();
    let ran = run(&mut get(&sandbox, &server));
    assert_eq!(
        ran.fails(5),
        format!(
            "regards-token: error: {} answered with JSON that is not a token: access_token is longer than 65536 bytes",
            server.url()
        )
    );
    ran.leaks_none(&[&huge[..64]]);
    assert!(sandbox.token_files().is_empty(), "nothing was cached");
    assert_eq!(server.token_requests(), 1, "a bad answer is not retried");

    // The longest token accepted goes through and is cached.
    let longest = format!("eyJ{}", "A".repeat(64 * 1024 - 3));
    let server = scripted(vec![fixed_answer(&longest, 3600)]);
    let sandbox = Sandbox::new();
    assert_eq!(
        run(&mut get(&sandbox, &server)).ok(),
        format!("{longest}\n")
    );
    assert_eq!(
        run(&mut get(&sandbox, &server)).ok(),
        format!("{longest}\n")
    );
    assert_eq!(server.token_requests(), 1);
}
