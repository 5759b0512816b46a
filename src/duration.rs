//! Durations as people write them (`750ms`, `30s`, `2m`, `1h30m`), with the
//! upper bound each setting puts on them. The bounds belong to the module
//! that owns each setting (`regards::MAX_TIMEOUT`, `cache::MAX_MIN_TTL`,
//! `account::lock::MAX_LOCK_TIMEOUT`); this module only reads and checks.

use std::time::Duration;

/// Durations read like `750ms`, `30s`, `2m` or `1h30m`.
pub fn parse(text: &str) -> Result<Duration, String> {
    let duration = parse_or_zero(text)?;
    if duration.is_zero() {
        return Err("it must be longer than zero".into());
    }
    Ok(duration)
}

/// A duration where zero makes sense (`--min-ttl 0s`: any unexpired token).
pub fn parse_or_zero(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text.trim())
        .map_err(|err| format!("{err}; write it like 750ms, 30s, 2m or 1h30m"))
}

/// Refuses durations past `max`, as usage errors (exit 2): each bound is
/// far beyond any sensible value, so it only catches typing errors, and
/// keeps clock arithmetic (now + timeout) far from overflowing.
pub fn at_most(duration: Duration, max: Duration, example: &str) -> Result<Duration, String> {
    if duration > max {
        return Err(format!(
            "longer than the {} allowed (write e.g. {example})",
            humantime::format_duration(max)
        ));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse("750ms"), Ok(Duration::from_millis(750)));
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert!(parse("30").is_err());
        assert!(parse("0s").is_err());
        assert!(parse("soon").is_err());
        assert_eq!(parse_or_zero("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn a_bound_is_allowed_and_past_it_is_not() {
        let hour = Duration::from_secs(3600);
        assert_eq!(at_most(hour, hour, "30s"), Ok(hour));
        assert_eq!(
            at_most(hour + Duration::from_nanos(1), hour, "30s or 2m"),
            Err("longer than the 1h allowed (write e.g. 30s or 2m)".into())
        );
    }
}
