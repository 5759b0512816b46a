//! Whether a token names the account and the project it was asked for.
//!
//! A token is cached under the key of the request (host, project, login,
//! client id) and handed to every later run with that key. An answer that
//! names another user, or another project (a proxy that mixes up sessions,
//! a server that is not REGARDS), must not be served in its place: it is
//! refused whole, and nothing is cached.
//!
//! REGARDS names the account by e-mail address, in the answer (`sub`,
//! `email`) and in the token's claims (`sub`, `email`), and the project in
//! `tenant`. Only what is there is checked: a token that is no JWT, or
//! claims without these, tells nothing. A claim of another type than text
//! names nobody this tool asked for, and is a mismatch. A login that is no
//! e-mail address, or one made through an identity provider (the answer
//! has `service_provider_name`: an LDAP login name need not be the
//! account's address), is not compared with the address the token names;
//! nor is the `instance` scope, whose tenant is not a project. The role
//! cannot be checked: nothing says which one was expected.

use serde_json::Value;

use super::Granted;
use super::Server;
use crate::error::{Error, Kind, sanitize};
use crate::token::JsonObject;

/// Fails when `granted`, or its token's `claims`, name another account or
/// another project than `server` asked for.
pub fn check(server: &Server, granted: &Granted, claims: Option<&JsonObject>) -> Result<(), Error> {
    let claimed = |name: &str| -> Option<String> {
        match claims?.get(name)? {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    };
    let username = server.username.trim();
    if username.contains('@') && !granted.identity_provider {
        let names = [
            granted.sub.clone(),
            granted.email.clone(),
            claimed("sub"),
            claimed("email"),
        ];
        let same = |name: &String| name.trim().eq_ignore_ascii_case(username);
        if let Some(other) = names.iter().flatten().find(|name| !same(name)) {
            return Err(mismatch(
                server,
                format!("user {}, not {username}", shown(other)),
            ));
        }
    }
    if server.scope != "instance" {
        let tenants = [granted.tenant.clone(), claimed("tenant")];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn server(username: &str, scope: &str) -> Server {
        Server {
            host: crate::host::Host::parse("https://regards.example.org").unwrap(),
            scope: scope.into(),
            username: username.into(),
            client_id: "client".into(),
            client_secret: Secret::new("secret".into()),
            request_style: crate::regards::RequestStyle::Json,
            ca_roots: None,
            ca_cert: None,
            insecure: false,
            timeout: std::time::Duration::from_secs(30),
            retries: 0,
        }
    }

    fn granted(sub: Option<&str>, tenant: Option<&str>, identity_provider: bool) -> Granted {
        Granted {
            access_token: Secret::new("a.b.c".into()),
            expires_in: 60,
            role: None,
            tenant: tenant.map(Into::into),
            email: None,
            sub: sub.map(Into::into),
            identity_provider,
        }
    }

    fn claims(json: serde_json::Value) -> JsonObject {
        match json {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_login_and_the_project_must_match() {
        let s = server("demo@example.org", "p1");
        let ok = |g: &Granted, c: Option<&JsonObject>| check(&s, g, c).is_ok();
        assert!(ok(
            &granted(Some(" Demo@Example.org "), Some("p1"), false),
            None
        ));
        assert!(!ok(
            &granted(Some("x@example.org"), Some("p1"), false),
            None
        ));
        assert!(!ok(&granted(None, Some("p2"), false), None));
        assert!(
            !ok(&granted(None, Some("P1"), false), None),
            "a project is named exactly"
        );
        assert!(
            ok(&granted(None, None, false), None),
            "nothing said, nothing checked"
        );
        let other = claims(serde_json::json!({"sub": "x@example.org"}));
        assert!(!ok(&granted(None, None, false), Some(&other)));
        let numeric = claims(serde_json::json!({"sub": 42, "tenant": "p1"}));
        assert!(!ok(&granted(None, None, false), Some(&numeric)));
        let wrong_tenant = claims(serde_json::json!({"tenant": ["p1"]}));
        assert!(!ok(&granted(None, None, false), Some(&wrong_tenant)));
        let null = claims(serde_json::json!({"sub": null, "email": null, "tenant": null}));
        assert!(ok(&granted(None, None, false), Some(&null)));
    }

    #[test]
    fn what_cannot_be_compared_is_not() {
        let other = claims(serde_json::json!({"sub": "someone@example.org", "tenant": "p1"}));
        // An identity provider's login, a login that is no address.
        assert!(
            check(
                &server("jdoe@CORP", "p1"),
                &granted(None, None, true),
                Some(&other)
            )
            .is_ok()
        );
        assert!(
            check(
                &server("jdoe", "p1"),
                &granted(None, None, false),
                Some(&other)
            )
            .is_ok()
        );
        // The instance scope: its tenant is no project.
        let instance =
            claims(serde_json::json!({"sub": "root@example.org", "tenant": "instance-x"}));
        assert!(
            check(
                &server("root@example.org", "instance"),
                &granted(None, None, false),
                Some(&instance)
            )
            .is_ok()
        );
        // The project is still checked for an identity provider's login.
        assert!(
            check(
                &server("jdoe", "p2"),
                &granted(None, None, true),
                Some(&other)
            )
            .is_err()
        );
    }
}
