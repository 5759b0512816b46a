//! The bytes of one cache entry: the token, when it was received and when
//! it expires, and who it is for. Never the password.
//!
//! Decoding is strict and never panics: anything unexpected (an older
//! format, a truncated write by another tool, garbage) is a miss, and the
//! next good token replaces it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::secret::Secret;
use crate::token::Token;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    version: u32,
    token: String,
    /// Unix seconds.
    received_at: u64,
    expires_at: u64,
    role: Option<String>,
    tenant: Option<String>,
    email: Option<String>,
}

pub fn encode(token: &Token) -> Vec<u8> {
    let entry = Entry {
        version: VERSION,
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

/// The token in `bytes`, or why they are not a cache entry. The reason
/// never quotes the bytes: they may hold a token.
pub fn decode(bytes: &[u8]) -> Result<Token, String> {
    let entry: Entry = serde_json::from_slice(bytes).map_err(|err| {
        format!(
            "not a cache entry ({:?} at line {} column {})",
            err.classify(),
            err.line(),
            err.column()
        )
    })?;
    if entry.version != VERSION {
        return Err(format!(
            "cache entry format {} is not {VERSION}",
            entry.version
        ));
    }
    if !crate::token::is_b64token(&entry.token) {
        // A tampered entry must not smuggle shell syntax into `--format env`.
        return Err("the cached token has characters a bearer token cannot have".into());
    }
    if entry.expires_at < entry.received_at {
        return Err("the cached token expires before it was received".into());
    }
    Ok(Token {
        value: Secret::new(entry.token),
        received_at: from_unix(entry.received_at).ok_or("the receive time is out of range")?,
        expires_at: from_unix(entry.expires_at).ok_or("the expiry is out of range")?,
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
    use super::*;

    fn token() -> Token {
        Token {
            value: Secret::new("a.b.c".into()),
            received_at: from_unix(1_000).unwrap(),
            expires_at: from_unix(8_200).unwrap(),
            role: Some("ADMIN".into()),
            tenant: Some("p1".into()),
            email: None,
        }
    }

    #[test]
    fn round_trip() {
        let decoded = decode(&encode(&token())).unwrap();
        assert_eq!(decoded.value.expose(), "a.b.c");
        assert_eq!(decoded.received_at, from_unix(1_000).unwrap());
        assert_eq!(decoded.expires_at, from_unix(8_200).unwrap());
        assert_eq!(decoded.role.as_deref(), Some("ADMIN"));
        assert_eq!(decoded.tenant.as_deref(), Some("p1"));
    }

    #[test]
    fn corrupt_entries_are_errors_that_quote_nothing() {
        let good = String::from_utf8(encode(&token())).unwrap();
        let cases = [
            b"".to_vec(),
            b"\xff\xfe garbage".to_vec(),
            good.as_bytes()[..good.len() / 2].to_vec(),
            good.replace("\"version\":1", "\"version\":2").into_bytes(),
            good.replace("8200", "10").into_bytes(),
            good.replace("8200", "-1").into_bytes(),
            good.replace("8200", "99999999999999999999999").into_bytes(),
            good.replace("a.b.c", "a b").into_bytes(),
            good.replace("a.b.c", "").into_bytes(),
            good.replace("\"email\"", "\"extra\":1,\"email\"")
                .into_bytes(),
        ];
        for bytes in cases {
            let err = decode(&bytes).unwrap_err();
            assert!(!err.contains("a.b.c"), "{err}");
        }
    }
}
