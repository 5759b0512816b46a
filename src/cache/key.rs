//! Which cache entry a login belongs to. Several servers, projects and
//! accounts live side by side, so the key is everything that changes which
//! token the server would hand out: the normalized host, the scope, the
//! username and the client id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::host::Host;
use crate::regards::Server;

/// The keyring "service" every entry of this tool is filed under.
pub const SERVICE: &str = "regards-token";

/// The host of `doctor`'s test entries. A real key's host is a normalized
/// `http://` or `https://` URL (see `Host`), so no real entry has it.
pub const PROBE_HOST: &str = "regards-token-doctor-probe";

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CacheKey {
    pub host: String,
    pub scope: String,
    pub username: String,
    pub client_id: String,
}

impl CacheKey {
    pub fn of(server: &Server) -> CacheKey {
        CacheKey {
            host: server.host.as_str().to_string(),
            scope: server.scope.clone(),
            username: server.username.clone(),
            client_id: server.client_id.clone(),
        }
    }

    /// A key of its own for one `doctor` run's test entry: it cannot be a
    /// real entry's (see `PROBE_HOST`), nor another run's, so removing it
    /// never removes anything else.
    pub fn probe() -> CacheKey {
        Self::probe_for("")
    }

    /// The same for `login`'s test entry, told apart from `doctor`'s by
    /// its scope, `login`.
    pub fn login_probe() -> CacheKey {
        Self::probe_for("login")
    }

    fn probe_for(scope: &str) -> CacheKey {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        CacheKey {
            host: PROBE_HOST.into(),
            scope: scope.into(),
            username: format!("{}-{nanos}", std::process::id()),
            client_id: String::new(),
        }
    }

    /// The keyring "user" of the entry: readable in a keyring browser and
    /// unambiguous (a JSON array, so no separator can be forged by a
    /// username that contains it).
    pub fn account(&self) -> String {
        // SAFETY-style note: an array of strings always serializes.
        serde_json::to_string(&[&self.host, &self.scope, &self.username, &self.client_id])
            .expect("strings serialize")
    }

    /// A file-name-safe digest of the key, for cache files.
    pub fn digest(&self) -> String {
        short_digest(&self.account())
    }

    /// A file-name-safe digest of the account alone (host and login), for
    /// the login lock and its markers: the server counts failed logins
    /// per account, whatever the project or the client.
    pub fn account_digest(&self) -> String {
        // SAFETY-style note: an array of strings always serializes.
        let account = serde_json::to_string(&["account", &self.account_host(), &self.username])
            .expect("strings serialize");
        short_digest(&account)
    }

    /// Whether `other` is a key of the same account (host and login),
    /// whatever its project or client id.
    pub fn same_account(&self, other: &CacheKey) -> bool {
        self.username == other.username && self.account_host() == other.account_host()
    }

    /// The host as far as accounts go: `localhost`, `127.0.0.1` and `[::1]`
    /// reach one server on this machine, so they are one account, and a
    /// failed login through one name holds back the others.
    fn account_host(&self) -> String {
        Host::parse(&self.host).map_or_else(|_| self.host.clone(), |host| host.on_loopback_as_one())
    }
}

fn short_digest(text: &str) -> String {
    let hash = Sha256::digest(text.as_bytes());
    hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(username: &str) -> CacheKey {
        CacheKey {
            host: "https://h.org".into(),
            scope: "p1".into(),
            username: username.into(),
            client_id: "client".into(),
        }
    }

    #[test]
    fn account_is_unambiguous() {
        assert_eq!(
            key("a@b").account(),
            r#"["https://h.org","p1","a@b","client"]"#
        );
        assert_ne!(key(r#"a","p1"#).account(), key("a").account());
    }

    #[test]
    fn a_probe_key_is_no_real_key() {
        for probe in [CacheKey::probe(), CacheKey::login_probe()] {
            assert!(crate::host::Host::parse(&probe.host).is_err());
            assert!(!probe.host.starts_with("http"));
        }
        assert_eq!(CacheKey::probe().scope, "");
        assert_eq!(CacheKey::login_probe().scope, "login");
    }

    #[test]
    fn digest_is_stable_and_file_name_safe() {
        let digest = key("a@b").digest();
        assert_eq!(digest.len(), 32);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(digest, key("a@b").digest());
        assert_ne!(digest, key("a@c").digest());
    }

    #[test]
    fn the_account_digest_ignores_the_project_and_the_client() {
        let mut other = key("a@b");
        other.scope = "p2".into();
        other.client_id = "other".into();
        assert_eq!(other.account_digest(), key("a@b").account_digest());
        assert_ne!(other.digest(), key("a@b").digest());
        assert_ne!(key("a@c").account_digest(), key("a@b").account_digest());
        let mut host = key("a@b");
        host.host = "https://other.org".into();
        assert_ne!(host.account_digest(), key("a@b").account_digest());
        assert_ne!(key("a@b").account_digest(), key("a@b").digest());
    }

    #[test]
    fn names_of_this_machine_are_one_account() {
        let on = |host: &str| CacheKey {
            host: host.into(),
            ..key("a@b")
        };
        let local = on("http://127.0.0.1:8034");
        for same in [
            "http://localhost:8034",
            "http://[::1]:8034",
            "http://127.0.0.2:8034",
        ] {
            assert_eq!(on(same).account_digest(), local.account_digest(), "{same}");
            assert!(on(same).same_account(&local), "{same}");
        }
        for other in [
            "http://127.0.0.1:8035",
            "https://127.0.0.1:8034",
            "http://127.0.0.1:8034/prefix",
            "http://localhost.example.org:8034",
        ] {
            assert_ne!(
                on(other).account_digest(),
                local.account_digest(),
                "{other}"
            );
            assert!(!on(other).same_account(&local), "{other}");
        }
        // The token cache keeps them apart: each name has its own entries.
        assert_ne!(on("http://localhost:8034").digest(), local.digest());
        assert!(!local.same_account(&CacheKey {
            username: "a@c".into(),
            ..local.clone()
        }));
    }
}
