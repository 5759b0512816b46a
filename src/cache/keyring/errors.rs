//! Keyring errors in words that are safe to print.
//!
//! `keyring_core::Error` cannot be shown as it is: `BadEncoding` and
//! `BadDataFormat` carry the stored bytes, which are the token, and its
//! `Display` of `Ambiguous` lists every matching entry. So each variant is
//! named by its kind only; the platform error inside `PlatformFailure` and
//! `NoStorageAccess` is shown because it is the system's own message (a
//! D-Bus error, an errno) and holds no secret.
//!
//! Those messages name things like `AccessDenied`, which helps at `-v` and
//! in `doctor` but is noise in a warning everyone sees; `Cause` and
//! `plain_name` give the plain words for that warning.

use keyring_core::Error;

pub(crate) fn describe(err: &Error) -> String {
    match err {
        Error::PlatformFailure(source) => format!("keyring failure: {source}"),
        Error::NoStorageAccess(source) => format!("keyring not accessible: {source}"),
        Error::NoEntry => "no such keyring entry".into(),
        Error::BadEncoding(_) => "the stored entry is not valid text".into(),
        Error::BadDataFormat(_, _) => "the stored entry is malformed".into(),
        Error::BadStoreFormat(_) => "the keyring's data is malformed".into(),
        Error::TooLong(what, limit) => {
            format!("the {what} is longer than the keyring's limit of {limit}")
        }
        Error::Invalid(what, why) => format!("the keyring rejected the {what}: {why}"),
        Error::Ambiguous(items) => {
            format!("several matching keyring items ({})", items.len())
        }
        Error::NoDefaultStore => "no keyring store was chosen".into(),
        Error::NotSupportedByStore(what) => format!("not supported by the keyring: {what}"),
        _ => "unknown keyring error".into(),
    }
}

/// Why a tier was passed over, in the few kinds a person acts on
/// differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// `REGARDS_TOKEN_SKIP_STORES` named it.
    OnRequest,
    /// Nothing to talk to: another system's keyring, no session bus, no
    /// session keyring.
    Absent,
    /// It answered with a refusal (access denied, a locked collection).
    Refused,
    /// It did not answer within the deadline.
    Silent,
    /// Anything else.
    Failed,
}

impl Cause {
    /// What the tier did, after its plain name: "the kernel keyring
    /// refused access".
    pub fn words(self) -> &'static str {
        match self {
            Cause::OnRequest => "was skipped on request",
            Cause::Absent => "is not available here",
            Cause::Refused => "refused access",
            Cause::Silent => "did not answer in time",
            Cause::Failed => "failed",
        }
    }
}

pub(crate) fn cause(err: &Error) -> Cause {
    match err {
        Error::NoStorageAccess(_) => Cause::Refused,
        _ => Cause::Failed,
    }
}

/// A tier's name for people who do not know the tier names.
pub fn plain_name(tier: &str) -> &str {
    match tier {
        "secret-service" => "the Secret Service",
        "keyutils" => "the kernel keyring",
        "keychain" => "the Keychain",
        "windows" => "the Windows Credential Manager",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_is_a_refusal_in_plain_words() {
        // What the kernel keyring store returns for EACCES.
        let denied = Error::NoStorageAccess("AccessDenied".into());
        assert_eq!(describe(&denied), "keyring not accessible: AccessDenied");
        assert_eq!(cause(&denied), Cause::Refused);
        assert_eq!(
            format!("{} {}", plain_name("keyutils"), cause(&denied).words()),
            "the kernel keyring refused access"
        );
        assert_eq!(
            cause(&Error::PlatformFailure("D-Bus said no".into())),
            Cause::Failed
        );
    }
}
