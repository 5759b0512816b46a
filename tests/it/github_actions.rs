//! In a GitHub Actions step the token is registered with the runner's log
//! masking, on stderr (which the runner reads for workflow commands and
//! `$(...)` does not capture); nowhere else is it written to stderr.

use crate::common::*;

#[test]
fn the_token_is_masked_in_github_actions_only() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).env("GITHUB_ACTIONS", "true"));
    let token = ran.ok().trim_end().to_string();
    assert_eq!(ran.stderr, format!("::add-mask::{token}\n"));

    let ran = run(&mut sandbox.get(&server));
    ran.ok();
    assert_eq!(ran.stderr, "", "outside GitHub Actions nothing is printed");
    let ran = run(sandbox.get(&server).env("GITHUB_ACTIONS", "false"));
    assert_eq!(ran.stderr, "");
}
