//! Tokens that look like REGARDS' HS512 JWTs. Nobody verifies the signature
//! (the client must treat the token as opaque), so it is random bytes; what
//! matters is the claim set and that every token is different.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// 64 unpredictable bits from std alone: each `RandomState` is freshly keyed,
/// and the counter keeps two calls in the same instant apart.
pub(crate) fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Claims of an issued token, kept by the server to check `Bearer` tokens.
#[derive(Clone, Debug)]
pub(crate) struct Claims {
    pub tenant: String,
    pub role: String,
    pub sub: String,
    pub exp: u64,
}

/// Encodes the claims the real server puts in (no `iat`, `iss` or `jti`),
/// and, when the token would be shorter than `min_size` bytes, a `padding`
/// claim that makes it at least that long: a token from an identity
/// provider's login carries that provider's own token in a claim, and
/// clients must store such long tokens as well.
pub(crate) fn encode(claims: &Claims, min_size: usize) -> String {
    let header = json!({"alg": "HS512", "typ": "JWT"});
    let mut payload = json!({
        "tenant": claims.tenant,
        "role": claims.role,
        "sub": claims.sub,
        "email": claims.sub,
        "exp": claims.exp,
    });
    let signature: Vec<u8> = (0..8).flat_map(|_| random_u64().to_le_bytes()).collect();
    let join = |payload: &serde_json::Value| {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(payload.to_string()),
            URL_SAFE_NO_PAD.encode(&signature)
        )
    };
    let token = join(&payload);
    if token.len() >= min_size {
        return token;
    }
    // Base64 makes 4 bytes of 3: this many bytes of claim (plus its name)
    // add at least the missing length.
    let missing = min_size - token.len();
    payload["padding"] = json!("x".repeat(missing.div_ceil(4) * 3));
    join(&payload)
}

/// `2024-05-10T08:15:30.123+00:00`, the way the gateway's error bodies show time.
pub(crate) fn iso_timestamp() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm), so that no date crate is needed for one timestamp.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn tokens_differ_and_carry_claims() {
        let claims = Claims {
            tenant: "p".into(),
            role: "R".into(),
            sub: "u@x".into(),
            exp: 42,
        };
        let (a, b) = (encode(&claims, 0), encode(&claims, 0));
        assert_ne!(a, b);
        let payload = URL_SAFE_NO_PAD
            .decode(a.split('.').nth(1).unwrap())
            .unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(payload["exp"], 42);
        assert_eq!(payload["email"], "u@x");
        assert_eq!(payload.get("padding"), None);
    }

    #[test]
    fn padding_makes_tokens_at_least_the_size_asked() {
        let claims = Claims {
            tenant: "p".into(),
            role: "R".into(),
            sub: "u@x".into(),
            exp: 42,
        };
        let short = encode(&claims, 0).len();
        assert_eq!(encode(&claims, short).len(), short, "no padding needed");
        for min_size in [short + 1, short + 2, short + 3, 2561, 6000] {
            let token = encode(&claims, min_size);
            assert!(token.len() >= min_size, "{} < {min_size}", token.len());
            assert!(
                token.len() < min_size + 40,
                "{} for {min_size}",
                token.len()
            );
            let payload = URL_SAFE_NO_PAD
                .decode(token.split('.').nth(1).unwrap())
                .unwrap();
            let payload: serde_json::Value = serde_json::from_slice(&payload).unwrap();
            assert_eq!(payload["exp"], 42);
        }
    }
}
