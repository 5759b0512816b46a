//! What of a URL, and of text a server sent, may be shown to a person.
//!
//! Two tools, used wherever such text is printed (errors, `-v` logs,
//! `config show`, `doctor`, `status`) and before it is stored (the
//! failed-login marker):
//!
//! - `url` hides the userinfo (`login:password@`) and the values of the
//!   query and fragment keys that carry credentials. It knows no secret, so
//!   it also protects URLs the user typed.
//! - `Scrubber` knows this login's secrets and hides them wherever a server
//!   quotes them back (an error that echoes the request), in the encodings
//!   the request used: as sent, percent- or form-encoded, JSON-escaped,
//!   HTML-escaped, and the Basic header's base64.
//!
//! Both run on the raw text, before `error::sanitize` escapes and caps it:
//! a secret cut in two by the cap would no longer be found.

mod scrub;

use std::borrow::Cow;

use reqwest::Url;

pub use scrub::Scrubber;

/// What replaces a hidden value.
pub const HIDDEN: &str = "[redacted]";

/// Query and fragment keys whose values are credentials, compared after
/// percent-decoding and without regard to case.
const SECRET_KEYS: [&str; 4] = ["password", "client_secret", "token", "access_token"];

/// `text` (a URL, or what was meant as one) with its userinfo replaced by
/// `***` and the values of `password`, `client_secret`, `token` and
/// `access_token` in its query and fragment by `[redacted]`.
pub fn url(text: &str) -> String {
    hide_pairs(&without_userinfo(text))
}

fn without_userinfo(text: &str) -> Cow<'_, str> {
    // A well-formed http(s) URL: the parser knows where the userinfo ends.
    // An '@' in the path is suspect (a password holding '/' shifts the
    // authority's end), so such a URL is treated as malformed.
    if let Ok(mut parsed) = Url::parse(text)
        && matches!(parsed.scheme(), "http" | "https")
        && !parsed.path().contains('@')
    {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return Cow::Borrowed(text);
        }
        // The text as written, up to the last '@' of the authority, which
        // ends where the parser ends it...
        if let Some(start) = text.find("://").map(|i| i + "://".len()) {
            let end = text[start..]
                .find(['/', '?', '#', '\\'])
                .map_or(text.len(), |i| start + i);
            if let Some(at) = text[start..end].rfind('@') {
                return Cow::Owned(format!("{}***@{}", &text[..start], &text[start + at + 1..]));
            }
        }
        // ...or, written with characters the parser drops (tabs, newlines),
        // the URL as parsed.
        // SAFETY-style note: an http(s) URL has a host, so both succeed.
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        let shown = parsed.as_str();
        let after = parsed.scheme().len() + "://".len();
        return Cow::Owned(format!("{}***@{}", &shown[..after], &shown[after..]));
    }
    // Anything else (relative, malformed, no scheme): the password itself
    // may hold '/', '?' or '#', so everything up to the last '@' is hidden.
    // Masking an '@' that was in a path or a query only hides more.
    let start = if let Some(i) = text.find("://") {
        i + "://".len()
    } else if text.starts_with("//") {
        2
    } else if text.starts_with(['/', '?', '#']) {
        return Cow::Borrowed(text);
    } else {
        0
    };
    match text[start..].rfind('@') {
        Some(at) => Cow::Owned(format!("{}***@{}", &text[..start], &text[start + at + 1..])),
        None => Cow::Borrowed(text),
    }
}

/// Replaces the values of secret keys in the query and the fragment. A
/// secret value runs to the next `&`: a `?` or `#` inside it (a password
/// the server failed to encode) does not end it.
fn hide_pairs(text: &str) -> String {
    let Some(start) = text.find(['?', '#']) else {
        return text.to_string();
    };
    let mut out = String::from(&text[..start]);
    let mut hiding = false;
    let mut rest = &text[start..];
    while let Some(delimiter) = rest.chars().next() {
        let end = rest[1..]
            .find(['?', '#', '&'])
            .map_or(rest.len(), |i| i + 1);
        let (segment, next) = rest.split_at(end);
        rest = next;
        if hiding && delimiter != '&' {
            continue;
        }
        hiding = false;
        match segment[1..].split_once('=') {
            Some((key, _)) if is_secret_key(key) => {
                out.push(delimiter);
                out.push_str(key);
                out.push('=');
                out.push_str(HIDDEN);
                hiding = true;
            }
            _ => out.push_str(segment),
        }
    }
    out
}

fn is_secret_key(key: &str) -> bool {
    // `&amp;` separators: a URL copied out of HTML.
    let key = key.strip_prefix("amp;").unwrap_or(key);
    let decoded: String = url::form_urlencoded::parse(key.as_bytes())
        .next()
        .map(|(key, _)| key.into_owned())
        .unwrap_or_default();
    let decoded = decoded.trim().to_lowercase();
    SECRET_KEYS.contains(&decoded.as_str())
}

#[cfg(test)]
mod tests;
