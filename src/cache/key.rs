//! Which cache entry a login belongs to. Several servers, projects and
//! accounts live side by side, so the key is everything that changes which
//! token the server would hand out: the normalized host, the scope, the
//! username and the client id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::settings::Server;

/// The keyring "service" every entry of this tool is filed under.
pub const SERVICE: &str = "regards-token";

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

    /// The keyring "user" of the entry: readable in a keyring browser and
    /// unambiguous (a JSON array, so no separator can be forged by a
    /// username that contains it).
    pub fn account(&self) -> String {
        // SAFETY-style note: an array of strings always serializes.
        serde_json::to_string(&[&self.host, &self.scope, &self.username, &self.client_id])
            .expect("strings serialize")
    }

    /// A file-name-safe digest of the key, for cache and lock files.
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.account().as_bytes());
        hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }
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
    fn digest_is_stable_and_file_name_safe() {
        let digest = key("a@b").digest();
        assert_eq!(digest.len(), 32);
        assert!(digest.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(digest, key("a@b").digest());
        assert_ne!(digest, key("a@c").digest());
    }
}
