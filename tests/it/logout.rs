//! `logout` removes a token from every store, not only the one the index
//! names, and fails (exit 6) only where the token may still be. The real
//! keyrings are covered by `keyring_get.rs`; here the keyring tiers are
//! passed over, as on a machine without one.

use crate::common::*;

/// A token in the file store, and the index saying it is in `store`.
fn cached_in_file_recorded_as(sandbox: &Sandbox, server: &Server, store: &str) {
    let mut cmd = sandbox.get(server);
    run(cmd.args(["--cache", "file"])).ok();
    assert_eq!(sandbox.token_files().len(), 1);
    if store != "file" {
        let index = sandbox.cache_dir().join("index.json");
        let text = std::fs::read_to_string(&index).unwrap();
        let edited = text.replace("\"store\": \"file\"", &format!("\"store\": \"{store}\""));
        assert_ne!(edited, text);
        std::fs::write(&index, edited).unwrap();
    }
}

#[test]
fn logout_removes_the_file_copy_even_when_the_index_names_a_keyring() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached_in_file_recorded_as(&sandbox, &server, "keyutils");

    let ran = run(sandbox.cmd().args(["logout", "--all"]));
    assert_eq!(
        ran.fails(6),
        format!(
            "regards-token: error: cannot remove {} project1 {DEMO_LOGIN} \
             (keyutils: skipped on request (REGARDS_TOKEN_SKIP_STORES))",
            server.url()
        )
    );
    assert!(ran.hint().contains("run logout again"));
    assert!(sandbox.token_files().is_empty(), "the file copy is gone");
    // The keyring may still hold it: the record stays for the next logout.
    let listed = run(sandbox.cmd().arg("status")).ok().to_string();
    assert!(listed.contains("store=keyutils"), "{listed}");
}

#[test]
fn logout_says_when_a_token_was_already_gone() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached_in_file_recorded_as(&sandbox, &server, "file");
    std::fs::remove_file(&sandbox.token_files()[0]).unwrap();

    let ran = run(sandbox.cmd().args(["logout", "--all", "-v"]));
    assert_eq!(
        ran.ok(),
        format!(
            "removed {} project1 {DEMO_LOGIN} (already gone)\n",
            server.url()
        )
    );
    // Each keyring of this system was passed over, as the sandbox asks.
    for tier in regards_token::cache::keyring::tiers() {
        assert!(
            ran.stderr
                .contains(&format!("not looking in {tier}: skipped on request")),
            "{}",
            ran.stderr
        );
    }
    let ran = run(sandbox.cmd().arg("status"));
    assert_eq!(ran.ok(), "");
    let ran = run(sandbox.cmd().args(["logout", "--all"]));
    assert_eq!(ran.ok(), "");
    assert!(
        ran.stderr.contains("no cached token matched"),
        "{}",
        ran.stderr
    );
}
