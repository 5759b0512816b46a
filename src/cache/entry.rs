//! The bytes of one cache entry: the token, when it was received and when
//! it expires, and who it is for. Never the password.
//!
//! Decoding is strict and never panics: anything unexpected (an older
//! format, a truncated write by another tool, garbage) is a miss, and the
//! next good token replaces it.
//!
//! The file store's entries can be edited by any program running as the
//! same user, so an entry is trusted no more than a server's answer: it
//! names the cache key it was written for (an entry copied under another
//! host's key is refused), its token is capped in size like the server's,
//! and the expiry used is the earlier of the stored one and the JWT's own
//! `exp`, checked on every read.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::key::CacheKey;
use crate::secret::Secret;
use crate::token::{self, MAX_TOKEN_BYTES, Token};

/// Version 2 added `key`; older entries are misses, replaced by the next
/// login.
const VERSION: u32 = 2;
/// The token plus room for the key, the times and the claims: anything
/// longer was not written by this tool, and is not parsed.
pub const MAX_ENTRY_BYTES: usize = MAX_TOKEN_BYTES + 16 * 1024;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    version: u32,
    /// The cache key's `account()` (host, scope, username, client id).
    key: String,
    token: String,
    /// Unix seconds.
    received_at: u64,
    expires_at: u64,
    role: Option<String>,
    tenant: Option<String>,
    email: Option<String>,
}

/// Any JSON object with a version.
#[derive(Deserialize)]
struct Versioned {
    version: u32,
}

pub fn encode(token: &Token, key: &CacheKey) -> Vec<u8> {
    let entry = Entry {
        version: VERSION,
        key: key.account(),
        token: token.value.expose().clone(),
        received_at: unix(token.received_at),
        expires_at: unix(token.expires_at),
        role: token.role.clone(),
        tenant: token.tenant.clone(),
        email: token.email.clone(),
    };
    // SAFETY-style note: a struct of strings and integers always serializes.
    serde_json::to_vec(&entry).expect("a plain struct serializes")
}

/// The token in `bytes` if they are an entry for `key`, or why not. The
/// reason never quotes the bytes: they may hold a token.
pub fn decode(bytes: &[u8], key: &CacheKey) -> Result<Token, String> {
    if bytes.len() > MAX_ENTRY_BYTES {
        return Err(format!(
            "the cache entry is {} bytes, more than the {MAX_ENTRY_BYTES} an entry can have",
            bytes.len()
        ));
    }
    let not_an_entry = |err: serde_json::Error| {
        format!(
            "not a cache entry ({:?} at line {} column {})",
            err.classify(),
            err.line(),
            err.column()
        )
    };
    // The version first, so that an older entry is told apart from garbage.
    let Versioned { version } = serde_json::from_slice(bytes).map_err(not_an_entry)?;
    if version != VERSION {
        return Err(format!("cache entry format {version} is not {VERSION}"));
    }
    let entry: Entry = serde_json::from_slice(bytes).map_err(not_an_entry)?;
    if entry.key != key.account() {
        return Err(
            "the cache entry was written for another host, project, login or client id".into(),
        );
    }
    if entry.token.len() > MAX_TOKEN_BYTES {
        return Err(format!(
            "the cached token is longer than {MAX_TOKEN_BYTES} bytes"
        ));
    }
    if !token::is_b64token(&entry.token) {
        // A tampered entry must not smuggle shell syntax into `--format env`.
        return Err("the cached token has characters a bearer token cannot have".into());
    }
    if entry.expires_at < entry.received_at {
        return Err("the cached token expires before it was received".into());
    }
    let stored_expiry = from_unix(entry.expires_at).ok_or("the expiry is out of range")?;
    // The stored expiry is only what this tool wrote, or what someone else
    // wrote in its place: the token's own `exp` can only make it earlier.
    let expires_at =
        token::claimed_expiry(&entry.token).map_or(stored_expiry, |exp| exp.min(stored_expiry));
    Ok(Token {
        received_at: from_unix(entry.received_at).ok_or("the receive time is out of range")?,
        value: Secret::new(entry.token),
        expires_at,
        role: entry.role,
        tenant: entry.tenant,
        email: entry.email,
    })
}

pub fn unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn from_unix(secs: u64) -> Option<SystemTime> {
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;

    fn key(host: &str) -> CacheKey {
        CacheKey {
            host: host.into(),
            scope: "p1".into(),
            username: "u@h.org".into(),
            client_id: "client".into(),
        }
    }

    fn here() -> CacheKey {
        key("https://h.org")
    }

    fn token_valued(value: &str) -> Token {
        Token {
            value: Secret::new(value.into()),
            received_at: from_unix(1_000).unwrap(),
            expires_at: from_unix(8_200).unwrap(),
            role: Some("ADMIN".into()),
            tenant: Some("p1".into()),
            email: None,
        }
    }

    fn token() -> Token {
        token_valued("a.b.c")
    }

    fn jwt(claims: &str) -> String {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2ln", enc(r#"{"alg":"HS512"}"#), enc(claims))
    }

    #[test]
    fn round_trip() {
        let decoded = decode(&encode(&token(), &here()), &here()).unwrap();
        assert_eq!(decoded.value.expose(), "a.b.c");
        assert_eq!(decoded.received_at, from_unix(1_000).unwrap());
        assert_eq!(decoded.expires_at, from_unix(8_200).unwrap());
        assert_eq!(decoded.role.as_deref(), Some("ADMIN"));
        assert_eq!(decoded.tenant.as_deref(), Some("p1"));
    }

    #[test]
    fn an_entry_is_only_good_for_its_own_key() {
        let bytes = encode(&token(), &here());
        let err = decode(&bytes, &key("https://other.org")).unwrap_err();
        assert_eq!(
            err,
            "the cache entry was written for another host, project, login or client id"
        );
        let mut other_user = here();
        other_user.username = "v@h.org".into();
        assert!(decode(&bytes, &other_user).is_err());
    }

    #[test]
    fn entries_of_the_previous_format_are_misses() {
        let old = r#"{"version":1,"token":"a.b.c","received_at":1000,"expires_at":8200,"role":null,"tenant":null,"email":null}"#;
        assert!(decode(old.as_bytes(), &here()).is_err());
    }

    #[test]
    fn the_jwt_exp_wins_when_it_is_earlier() {
        let early = jwt(r#"{"exp":5000}"#);
        let decoded = decode(&encode(&token_valued(&early), &here()), &here()).unwrap();
        assert_eq!(decoded.expires_at, from_unix(5_000).unwrap());
        let late = jwt(r#"{"exp":99999}"#);
        let decoded = decode(&encode(&token_valued(&late), &here()), &here()).unwrap();
        assert_eq!(decoded.expires_at, from_unix(8_200).unwrap());
        let far = jwt(r#"{"exp":18446744073709551615}"#);
        let decoded = decode(&encode(&token_valued(&far), &here()), &here()).unwrap();
        assert_eq!(decoded.expires_at, from_unix(8_200).unwrap());
    }

    #[test]
    fn oversized_tokens_and_entries_are_refused() {
        let longest = "t".repeat(MAX_TOKEN_BYTES);
        assert!(decode(&encode(&token_valued(&longest), &here()), &here()).is_ok());
        let longer = "t".repeat(MAX_TOKEN_BYTES + 1);
        let err = decode(&encode(&token_valued(&longer), &here()), &here()).unwrap_err();
        assert_eq!(err, "the cached token is longer than 65536 bytes");
        let huge = "t".repeat(50 << 20);
        let err = decode(&encode(&token_valued(&huge), &here()), &here()).unwrap_err();
        assert!(err.starts_with("the cache entry is 52428"), "{err}");
    }

    #[test]
    fn corrupt_entries_are_errors_that_quote_nothing() {
        let good = String::from_utf8(encode(&token(), &here())).unwrap();
        let cases = [
            b"".to_vec(),
            b"\xff\xfe garbage".to_vec(),
            good.as_bytes()[..good.len() / 2].to_vec(),
            good.replace("\"version\":2", "\"version\":3").into_bytes(),
            good.replace("8200", "10").into_bytes(),
            good.replace("8200", "-1").into_bytes(),
            good.replace("8200", "99999999999999999999999").into_bytes(),
            good.replace("a.b.c", "a b").into_bytes(),
            good.replace("a.b.c", "").into_bytes(),
            good.replace("\"email\"", "\"extra\":1,\"email\"")
                .into_bytes(),
            good.replacen("\"key\":", "\"key\":null,\"k\":", 1)
                .into_bytes(),
        ];
        for bytes in cases {
            let err = decode(&bytes, &here()).unwrap_err();
            assert!(!err.contains("a.b.c"), "{err}");
        }
    }
}
