//! The token value, its expiry, and offline decoding of its JWT claims.
//!
//! A REGARDS token is an HS512 JWT. There is no key to check its signature
//! on the client, and no need: the claims are read only to learn when the
//! token really expires, which can be earlier than `expires_in` says when
//! the answer sat in a slow proxy.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use serde::Deserialize;

use crate::secret::Secret;

/// The longest token accepted, from the server or from the cache. A
/// REGARDS JWT is under a few KiB, and one that carries an identity
/// provider's access token 10 to 20 KiB; 64 KiB leaves that room three
/// times over and is already more than web servers accept in a header by
/// default (8 to 16 KiB), so no token that could be used is refused, while
/// a value of megabytes (in a forged answer or an edited cache file) is
/// never handed to a program as a token.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug)]
pub struct Token {
    pub value: Secret<String>,
    pub received_at: SystemTime,
    pub expires_at: SystemTime,
    pub role: Option<String>,
    pub tenant: Option<String>,
    pub email: Option<String>,
}

impl Token {
    /// Expiry is the earlier of "received + expires_in" and the JWT's `exp`:
    /// REGARDS allows no clock skew, so trusting the later one could hand
    /// out a token the server already refuses.
    pub fn new(value: String, expires_in: u64, received_at: SystemTime) -> Token {
        let by_lifetime = received_at
            .checked_add(Duration::from_secs(expires_in))
            .unwrap_or(far_future());
        let claims = decode_claims(&value);
        let by_claim = claims.as_ref().and_then(Claims::expiry);
        let expires_at = by_claim.map_or(by_lifetime, |exp| exp.min(by_lifetime));
        Token {
            value: Secret::new(value),
            received_at,
            expires_at,
            role: claims.as_ref().and_then(|c| c.role.clone()),
            tenant: claims.as_ref().and_then(|c| c.tenant.clone()),
            email: claims.and_then(|c| c.email),
        }
    }

    /// Time left before expiry, zero once expired.
    pub fn time_left(&self, now: SystemTime) -> Duration {
        self.expires_at.duration_since(now).unwrap_or_default()
    }
}

/// RFC 6750's b64token: what may follow `Bearer ` in a header. Every token
/// the tool prints passes this, from the server or from the cache, so the
/// `env` and `curl` lines it prints are safe to evaluate.
pub fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/".contains(&b))
}

/// The claims REGARDS puts in its tokens. All optional: a token from another
/// issuer, or no JWT at all, is still a token; it just tells us less.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub exp: Option<u64>,
    pub tenant: Option<String>,
    pub role: Option<String>,
    pub sub: Option<String>,
    pub email: Option<String>,
}

impl Claims {
    /// When `exp` says the token expires; an `exp` past what the system
    /// can represent saturates to the far future, never a panic.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.exp.map(unix_time)
    }
}

/// When the JWT `jwt` says it expires, if it is one and says so.
pub fn claimed_expiry(jwt: &str) -> Option<SystemTime> {
    decode_claims(jwt)?.expiry()
}

/// Reads the payload of a compact JWT without checking its signature.
/// Anything malformed gives `None`, never a panic.
pub fn decode_claims(jwt: &str) -> Option<Claims> {
    let (_, payload) = split(jwt).ok()?;
    // Claims are a JSON object (RFC 7519); serde would also read a struct
    // written as an array.
    match serde_json::from_slice(&decode_part(payload).ok()?).ok()? {
        object @ serde_json::Value::Object(_) => serde_json::from_value(object).ok(),
        _ => None,
    }
}

/// A JWT's header and claims as JSON objects (for `inspect`), or what is
/// wrong with it. The signature is never decoded or returned.
pub fn decode(jwt: &str) -> Result<(JsonObject, JsonObject), String> {
    let (header, payload) = split(jwt.trim())?;
    let object = |part: &str, what: &str| -> Result<JsonObject, String> {
        let bytes = decode_part(part).map_err(|_| format!("its {what} is not base64url"))?;
        match serde_json::from_slice(&bytes) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            _ => Err(format!("its {what} is not a JSON object")),
        }
    };
    Ok((object(header, "header")?, object(payload, "claims")?))
}

pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// What a token looks like, for messages about input that is not one.
pub const TOKEN_SHAPE: &str = "three base64url parts separated by dots, like eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";

/// The header and payload of a compact signed JWT (three parts).
fn split(jwt: &str) -> Result<(&str, &str), String> {
    if jwt.is_empty() {
        return Err("the input is empty".into());
    }
    if !is_b64token(jwt) {
        // A whole line (`Authorization: Bearer ...`, an `export` line):
        // say so, rather than which part of it failed to decode.
        return Err(format!(
            "the input has characters a token cannot have (spaces, quotes, ':'); a token is {TOKEN_SHAPE}"
        ));
    }
    let parts: Vec<&str> = jwt.split('.').collect();
    match parts.as_slice() {
        [header, payload, _signature] => Ok((header, payload)),
        // Five parts would be an encrypted JWT, which cannot be read here.
        _ => Err(format!(
            "a token is {TOKEN_SHAPE}; this has {} part{}",
            parts.len(),
            if parts.len() == 1 { "" } else { "s" }
        )),
    }
}

fn decode_part(part: &str) -> Result<Vec<u8>, base64::DecodeError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part.trim_end_matches('='))
}

fn unix_time(secs: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(far_future())
}

fn far_future() -> SystemTime {
    // Far enough for any token, small enough for every platform's SystemTime.
    UNIX_EPOCH + Duration::from_secs(253_402_300_799) // 9999-12-31T23:59:59Z
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2ln", enc(r#"{"alg":"HS512"}"#), enc(claims))
    }

    #[test]
    fn reads_regards_claims() {
        let claims = decode_claims(&jwt(
            r#"{"tenant":"project1","role":"ADMIN","sub":"a@b","email":"a@b","exp":1700000000}"#,
        ))
        .unwrap();
        assert_eq!(claims.tenant.as_deref(), Some("project1"));
        assert_eq!(claims.role.as_deref(), Some("ADMIN"));
        assert_eq!(claims.exp, Some(1_700_000_000));
    }

    #[test]
    fn garbage_is_not_a_jwt() {
        for bad in [
            "",
            "abc",
            "a.b",
            "a.!!!.c",
            "a.e30.c.d",
            &jwt("[1,2]"),
            &jwt(r#"{"exp":-5}"#),
        ] {
            assert_eq!(decode_claims(bad), None, "{bad}");
        }
    }

    #[test]
    fn expiry_is_the_earlier_of_lifetime_and_exp() {
        let received = unix_time(1_000_000);
        let early = Token::new(jwt(r#"{"exp":1000100}"#), 7200, received);
        assert_eq!(early.expires_at, unix_time(1_000_100));
        let late = Token::new(jwt(r#"{"exp":9000000}"#), 7200, received);
        assert_eq!(late.expires_at, unix_time(1_007_200));
        let opaque = Token::new("opaque".into(), 60, received);
        assert_eq!(opaque.expires_at, unix_time(1_000_060));
        assert_eq!(
            opaque.time_left(unix_time(1_000_030)),
            Duration::from_secs(30)
        );
        assert_eq!(opaque.time_left(unix_time(2_000_000)), Duration::ZERO);
    }

    #[test]
    fn huge_lifetimes_do_not_overflow() {
        let token = Token::new("t".into(), u64::MAX, UNIX_EPOCH);
        assert_eq!(token.expires_at, far_future());
        let now = SystemTime::now();
        let token = Token::new("t".into(), u64::MAX, now);
        assert_eq!(token.expires_at, far_future());
        let far = jwt(r#"{"exp":18446744073709551615}"#);
        assert_eq!(claimed_expiry(&far), Some(far_future()));
        let token = Token::new(far, u64::MAX, now);
        assert_eq!(token.expires_at, far_future());
        assert!(token.time_left(now) > Duration::from_secs(1 << 36));
    }
}
