//! Keyring errors in words that are safe to print.
//!
//! `keyring_core::Error` cannot be shown as it is: `BadEncoding` and
//! `BadDataFormat` carry the stored bytes, which are the token, and its
//! `Display` of `Ambiguous` lists every matching entry. So each variant is
//! named by its kind only; the platform error inside `PlatformFailure` and
//! `NoStorageAccess` is shown because it is the system's own message (a
//! D-Bus error, an errno) and holds no secret.

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
