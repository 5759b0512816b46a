//! The `Scrubber`: this login's secrets, hidden wherever a server quotes
//! them back, through the encodings the request may have gone through.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use super::HIDDEN;

/// How much of one server text is kept (and scrubbed): far more than any
/// message shows (`error::sanitize` caps at a few hundred characters).
const MAX_SCRUBBED_CHARS: usize = 16 * 1024;
use crate::secret::Secret;

/// A secret shorter than this is hidden only where it stands alone, not
/// next to a letter or a digit: hiding a two-letter password inside every
/// word would make the message unreadable, and inside a word it is not
/// recognisable as the password anyway.
const MIN_HIDDEN_ANYWHERE: usize = 4;

/// Hides this login's secrets in text a server sent back.
pub struct Scrubber {
    secrets: Vec<Needle>,
}

struct Needle {
    value: Secret<String>,
    /// Found through the encodings a server may have applied, or only as is.
    decode: bool,
    /// Hidden only where it is not next to a letter or a digit.
    alone: bool,
}

impl Scrubber {
    /// Hides the password.
    pub fn new(password: &str) -> Scrubber {
        let mut scrubber = Scrubber {
            secrets: Vec::new(),
        };
        scrubber.add(password);
        scrubber
    }

    /// Also hides the client secret, and the Basic header's base64 of the
    /// client id and secret.
    pub fn with_client(mut self, client_id: &str, client_secret: &str) -> Scrubber {
        self.add(client_secret);
        let basic = Secret::new(format!("{client_id}:{client_secret}"));
        for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            self.secrets.push(Needle {
                value: Secret::new(engine.encode(basic.expose())),
                decode: false,
                alone: false,
            });
        }
        self
    }

    fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        self.secrets.push(Needle {
            value: Secret::new(secret.to_string()),
            decode: true,
            alone: secret.chars().count() < MIN_HIDDEN_ANYWHERE,
        });
    }

    /// `text` with every occurrence of a secret replaced by `[redacted]`.
    pub fn scrub(&self, text: &str) -> String {
        // Nothing shows more than a few hundred characters of server text;
        // the cap keeps a hostile megabyte of near-matches cheap.
        let (text, cut) = match text.char_indices().nth(MAX_SCRUBBED_CHARS) {
            Some((at, _)) => (&text[..at], true),
            None => (text, false),
        };
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            let found = self
                .secrets
                .iter()
                .filter_map(|needle| needle.end_of_match(text, i))
                .max();
            match found {
                Some(end) => {
                    out.push_str(HIDDEN);
                    i = end;
                }
                // A secret the cut runs through is hidden too, and the
                // text ends there: its first characters would show, and
                // after trimmed spaces they would be all that shows.
                None if cut && self.secrets.iter().any(|n| n.runs_out(text, i)) => {
                    out.push_str(HIDDEN);
                    break;
                }
                None => {
                    // SAFETY-style note: `i` is always on a character
                    // boundary: it starts at 0 and moves by whole
                    // characters or to the end of a match, which ends
                    // with a whole character of the secret.
                    let ch = text[i..].chars().next().expect("i < len");
                    out.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        out
    }
}

impl Needle {
    /// Where a match of this secret starting at `start` ends, if one does.
    fn end_of_match(&self, text: &str, start: usize) -> Option<usize> {
        let secret = self.value.expose().as_bytes();
        let end = if self.decode {
            decoded_match(text.as_bytes(), start, secret)?
        } else {
            text[start..]
                .starts_with(self.value.expose().as_str())
                .then_some(start + secret.len())?
        };
        if self.alone {
            let before = text[..start].chars().next_back();
            let after = text.get(end..).and_then(|rest| rest.chars().next());
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                return None;
            }
        }
        Some(end)
    }

    /// Whether `text` from `start` to its end is a beginning of this
    /// secret, or may be: whether a match could go on past the end.
    fn runs_out(&self, text: &str, start: usize) -> bool {
        let secret = self.value.expose().as_bytes();
        if self.decode {
            explore(text.as_bytes(), start, secret).1
        } else {
            secret.starts_with(&text.as_bytes()[start..])
        }
    }
}

/// The end of the longest stretch of `text` from `start` that decodes to
/// `secret`, each character taken as is or through one of the escapes a
/// server may have applied (mixed freely, hex digits in either case).
fn decoded_match(text: &[u8], start: usize, secret: &[u8]) -> Option<usize> {
    explore(text, start, secret).0
}

/// What `decoded_match` returns, and whether a stretch from `start` that
/// decodes to a beginning of `secret` reaches the end of `text`, or an
/// escape there that the end may have cut short. Every (text position,
/// secret position) pair is visited once, so a hostile text cannot make
/// this slow.
fn explore(text: &[u8], start: usize, secret: &[u8]) -> (Option<usize>, bool) {
    let Some(&first) = text.get(start) else {
        return (None, false);
    };
    if first != secret[0] && !matches!(first, b'%' | b'+' | b'\\' | b'&') {
        return (None, false);
    }
    let mut pending = vec![(start, 0)];
    let mut seen = std::collections::HashSet::new();
    let (mut best, mut runs_out) = (None, false);
    while let Some((i, j)) = pending.pop() {
        if j == secret.len() {
            best = best.max(Some(i));
            continue;
        }
        runs_out |= cut_short(&text[i..]);
        for (used, decoded) in decodings(text, i) {
            let next = (i + used, j + decoded.len());
            if secret[j..].starts_with(&decoded) && seen.insert(next) {
                pending.push(next);
            }
        }
    }
    (best, runs_out)
}

/// The longest escape `decodings` reads in one step: `\uD83D\uDE00`, or
/// an HTML reference of up to 12 bytes, `;` included.
const LONGEST_ESCAPE: usize = 12;

/// Whether `rest`, the end of a text, may be an escape the end cut short:
/// shorter than the longest escape, or a percent-escape encoded again and
/// again (`%252525...`), all hex digits after its `%`.
fn cut_short(rest: &[u8]) -> bool {
    rest.len() < LONGEST_ESCAPE || (rest[0] == b'%' && rest[1..].iter().all(u8::is_ascii_hexdigit))
}

/// The ways to read the text at `i`: how many bytes, giving which bytes.
fn decodings(text: &[u8], i: usize) -> Vec<(usize, Vec<u8>)> {
    let Some(&byte) = text.get(i) else {
        return Vec::new();
    };
    let mut ways = vec![(1, vec![byte])];
    let rest = &text[i..];
    match byte {
        // Percent-encoding; `+` is a space in form encoding.
        b'%' => {
            // Encoded again, and again: `%2540` is `%40` is `@`, as in a
            // redirect to a login page that carries the request's URL.
            // Every depth is a way: `%252541` is `%2541` (`A` encoded
            // twice), `%41` or `A`.
            let mut at = 1;
            while let Some(value) = rest.get(at..at + 2).and_then(hex) {
                ways.push((at + 2, vec![value as u8]));
                // A `+` encoded once more was a form-encoded space.
                if value == u32::from(b'+') {
                    ways.push((at + 2, vec![b' ']));
                }
                if value != 0x25 {
                    break;
                }
                at += 2;
            }
        }
        b'+' => ways.push((1, vec![b' '])),
        // JSON string escapes.
        b'\\' => match rest.get(1) {
            Some(b'u') => {
                if let Some((used, ch)) = json_unicode(rest) {
                    ways.push((used, ch.to_string().into_bytes()));
                }
            }
            Some(&escaped) => {
                let value = match escaped {
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    other => other,
                };
                ways.push((2, vec![value]));
            }
            None => {}
        },
        // HTML character references.
        b'&' => {
            if let Some((used, ch)) = html_reference(rest) {
                ways.push((used, ch.to_string().into_bytes()));
            }
        }
        _ => {}
    }
    ways
}

/// The value of one or more hex digits (no sign, which `from_str_radix`
/// would take), or `None`.
fn hex(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u32, |value, &digit| {
        value
            .checked_mul(16)?
            .checked_add(char::from(digit).to_digit(16)?)
    })
}

/// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, at the start of `rest`.
fn json_unicode(rest: &[u8]) -> Option<(usize, char)> {
    let unit = |at: usize| {
        (rest.get(at..at + 2) == Some(b"\\u"))
            .then(|| rest.get(at + 2..at + 6).and_then(hex))
            .flatten()
    };
    let high = unit(0)?;
    if (0xd800..0xdc00).contains(&high) {
        let low = unit(6).filter(|low| (0xdc00..0xe000).contains(low))?;
        let code = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
        return char::from_u32(code).map(|ch| (12, ch));
    }
    char::from_u32(high).map(|ch| (6, ch))
}

/// `&amp;`, `&#38;`, `&#x26;`... at the start of `rest`.
fn html_reference(rest: &[u8]) -> Option<(usize, char)> {
    let end = rest.iter().take(12).position(|&b| b == b';')?;
    let name = std::str::from_utf8(&rest[1..end]).ok()?;
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(digits) => hex(digits.as_bytes())?,
                None if number.bytes().all(|b| b.is_ascii_digit()) => number.parse().ok()?,
                None => return None,
            };
            char::from_u32(code)?
        }
    };
    Some((end + 1, ch))
}
