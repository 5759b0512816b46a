//! What the cache says when it cannot keep a token where it was asked to,
//! in one place, so that `get` and `doctor` use the same words.
//!
//! Two audiences: the warning everyone sees says in plain words what
//! happened and where the token went; `-v`, the errors of `--cache keyring`
//! and `doctor` give each keyring's own reason, which may name a system
//! error such as `AccessDenied`.

use std::path::Path;

use super::keyring::{Skipped, plain_name};
use super::store::StoreError;
use crate::error::{Error, Kind};

/// Each tier's own reason: "secret-service: no D-Bus session bus; ...".
pub fn reasons(skipped: &[Skipped]) -> String {
    skipped
        .iter()
        .map(|s| format!("{}: {}", s.tier, s.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why `auto` uses files, in plain words: "no system keyring is usable
/// (the kernel keyring refused access)".
pub fn no_keyring(skipped: &[Skipped]) -> String {
    let plain: Vec<String> = skipped.iter().map(Skipped::plain).collect();
    if plain.is_empty() {
        return "this system has no keyring this tool can use".into();
    }
    format!("no system keyring is usable ({})", plain.join(", "))
}

/// A keyring that answered but would not store, in plain words.
pub fn refused(tier: &str) -> String {
    format!("{} refused the write", plain_name(tier))
}

/// The one warning of `auto` when a token was kept in a file, `why` being
/// `no_keyring` or `refused`.
pub fn kept_in_file(why: &str, entry: &Path) -> String {
    format!(
        "{why}, so the token was kept in a private file: {}",
        entry.display()
    )
}

pub fn keyring_unavailable(skipped: &[Skipped]) -> Error {
    Error::new(
        Kind::KeyringUnavailable,
        format!("keyring unavailable ({})", reasons(skipped)),
    )
    .with_hint(FALLBACK_HINT)
}

/// The error for a keyring that failed after it was chosen.
pub fn store_failed(store: &str, err: &StoreError) -> Error {
    Error::new(
        Kind::KeyringUnavailable,
        format!("cannot store the token in the keyring ({store}): {err}"),
    )
    .with_hint(FALLBACK_HINT)
}

/// The hint after `kept_in_file`'s warning: files chosen on purpose are
/// not announced.
pub const CHOOSE_FILES: &str = "to keep tokens in files without this warning, set REGARDS_TOKEN_CACHE=file (or pass --cache file)";

const FALLBACK_HINT: &str = "use --cache auto to fall back to a private file, or --cache none";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::keyring::Cause;

    fn skipped(tier: &'static str, cause: Cause, reason: &str) -> Skipped {
        Skipped {
            tier,
            cause,
            reason: reason.into(),
        }
    }

    #[test]
    fn the_warning_is_plain_and_the_reasons_are_exact() {
        let both = [
            skipped("secret-service", Cause::Absent, "no D-Bus session bus"),
            skipped(
                "keyutils",
                Cause::Refused,
                "keyring not accessible: AccessDenied",
            ),
        ];
        let warning = kept_in_file(&no_keyring(&both), Path::new("/c/tokens/ab.json"));
        assert_eq!(
            warning,
            "no system keyring is usable (the Secret Service is not available here, \
             the kernel keyring refused access), so the token was kept in a private \
             file: /c/tokens/ab.json"
        );
        assert!(!warning.contains("AccessDenied"));
        assert_eq!(
            reasons(&both),
            "secret-service: no D-Bus session bus; keyutils: keyring not accessible: AccessDenied"
        );
        assert_eq!(
            kept_in_file(&refused("keyutils"), Path::new("/c/t.json")),
            "the kernel keyring refused the write, so the token was kept in a private \
             file: /c/t.json"
        );
    }
}
