//! Whether a token names the account and the project it was asked for.
//!
//! A token is cached under the key of the request (host, project, login,
//! client id) and handed to every later run with that key. An answer that
//! names another user, or another project (a proxy that mixes up sessions,
//! a server that is not REGARDS), must not be served in its place: it is
//! refused whole, and nothing is cached.
//!
//! REGARDS names the account by e-mail address, in the answer (`email`)
//! and in the token's claims (`sub`, `email`), and the project in
//! `tenant`. Only what is there is checked: a token that is no JWT, or
//! claims without these, tells nothing. A login that is no e-mail address
//! (an identity provider's own login name) is not compared with the
//! address the token names, and nor is the `instance` scope, whose tenant
//! is not a project. The role cannot be checked: nothing says which one
//! was expected.

use super::Granted;
use crate::error::{Error, Kind, sanitize};
use crate::settings::Server;
use crate::token::Claims;

/// Fails when `granted`, or its token's `claims`, name another account or
/// another project than `server` asked for.
pub fn check(server: &Server, granted: &Granted, claims: Option<&Claims>) -> Result<(), Error> {
    let claimed = |pick: fn(&Claims) -> Option<&String>| claims.and_then(pick).cloned();
    if server.username.contains('@') {
        let names: Vec<String> = [
            granted.email.clone(),
            claimed(|c| c.sub.as_ref()),
            claimed(|c| c.email.as_ref()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let same = |name: &String| name.trim().eq_ignore_ascii_case(&server.username);
        if let Some(other) = names.iter().find(|name| !same(name)) {
            return Err(mismatch(
                server,
                format!("user {}, not {}", shown(other), server.username),
            ));
        }
    }
    if server.scope != "instance" {
        let tenants = [granted.tenant.clone(), claimed(|c| c.tenant.as_ref())];
        if let Some(other) = tenants.iter().flatten().find(|t| **t != server.scope) {
            return Err(mismatch(
                server,
                format!("project {}, not {}", shown(other), server.scope),
            ));
        }
    }
    Ok(())
}

/// Server text, one line and short.
fn shown(text: &str) -> String {
    let text: String = text.chars().take(100).collect();
    format!("'{}'", sanitize(&text))
}

fn mismatch(server: &Server, what: String) -> Error {
    Error::new(
        Kind::NotRegards,
        format!(
            "{} answered with a token for {what}; it was not used nor cached",
            server.host
        ),
    )
    .with_hint(
        "check --host (a proxy or another service may be answering) and --username; \
         tell the server's administrators if it persists",
    )
}
