//! Error kinds, their exit codes and their hints.
//!
//! Errors that decide the exit code are typed (`Error`); everything else is
//! an `anyhow::Error` with context. `report` finds the first typed error in
//! the chain to pick the exit code and the hint, and prints the whole chain
//! as one line. An error with no typed cause is an internal failure (exit 1).

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

/// What kind of failure, and so which exit code. The numbers are part of the
/// interface: scripts test them, the README documents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad flags, missing settings, unreadable local files (exit 2).
    Usage,
    /// The server refused the credentials: retrying cannot help and may lock
    /// the account (exit 3).
    Refused,
    /// The server could not be reached or is failing: try again later (exit 4).
    Unavailable,
    /// Whatever answered is not a REGARDS token endpoint (exit 5).
    NotRegards,
    /// `--cache keyring` and no keyring could be used (exit 6).
    KeyringUnavailable,
    /// `--no-login`: no usable cached token, and logging in is not allowed
    /// (exit 7).
    LoginNeeded,
    /// `doctor`: at least one check failed (exit 1).
    DoctorFailed,
    /// `exec`: the command cannot be executed (exit 126, as in shells).
    CommandNotExecutable,
    /// `exec`: no such command (exit 127, as in shells).
    CommandNotFound,
}

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Usage => 2,
            Kind::Refused => 3,
            Kind::Unavailable => 4,
            Kind::NotRegards => 5,
            Kind::KeyringUnavailable => 6,
            Kind::LoginNeeded => 7,
            Kind::DoctorFailed => 1,
            Kind::CommandNotExecutable => 126,
            Kind::CommandNotFound => 127,
        }
    }

    /// The kind of a login failure that exits with `code` (2 to 6).
    pub fn from_exit_code(code: u8) -> Option<Kind> {
        [
            Kind::Usage,
            Kind::Refused,
            Kind::Unavailable,
            Kind::NotRegards,
            Kind::KeyringUnavailable,
        ]
        .into_iter()
        .find(|kind| kind.exit_code() == code)
    }
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    message: String,
    hint: Option<String>,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Kind::Usage, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub const INTERNAL_EXIT_CODE: u8 = 1;

/// Prints `regards-token: error: ...` and an optional `hint: ...` on stderr
/// and returns the exit code for it.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let typed = err.chain().find_map(|cause| cause.downcast_ref::<Error>());
    let code = typed.map_or(INTERNAL_EXIT_CODE, |e| e.kind.exit_code());
    let mut stderr = std::io::stderr().lock();
    // `{:#}` joins the context chain with ": " on one line.
    let _ = writeln!(stderr, "regards-token: error: {err:#}");
    if let Some(hint) = typed.and_then(Error::hint) {
        let _ = writeln!(stderr, "hint: {hint}");
    }
    ExitCode::from(code)
}

/// Longest piece of server-provided text shown to a person.
const MAX_SERVER_TEXT: usize = 300;

/// Makes text that came from the server safe for a terminal: control
/// characters (escape sequences, newlines) and the invisible characters
/// that reorder or hide text are escaped, and the length is capped, so a
/// hostile or broken server cannot rewrite the screen, make a message read
/// differently from what it says, or bury the error under a stack trace.
pub fn sanitize(text: &str) -> String {
    escape(text, MAX_SERVER_TEXT)
}

/// `sanitize` with room for a whole message of the tool's own that may
/// quote server text (a failed-login marker's, read back from its file).
pub fn sanitize_long(text: &str) -> String {
    escape(text, 4 * MAX_SERVER_TEXT)
}

fn escape(text: &str, cap: usize) -> String {
    let mut out = String::new();
    for (count, ch) in text.trim().chars().enumerate() {
        if count == cap {
            out.push('…');
            break;
        }
        match ch {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push(' '),
            c if c.is_control() || is_invisible(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// Characters a terminal does not show but that change what is shown: the
/// bidirectional controls (U+202E turns `exe.txt` into `txt.exe`), the
/// zero-width and other invisible format characters, the soft hyphen and
/// the line and paragraph separators (some terminals break lines there).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{61c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_control_characters() {
        assert_eq!(
            sanitize("bad\x1b[31m red\nline\u{7}"),
            "bad\\u{1b}[31m red\\nline\\u{7}"
        );
    }

    #[test]
    fn sanitize_escapes_bidi_and_invisible_characters() {
        let hostile = "ok\u{202e}txt.exe\u{2028}x\u{2029}\u{200b}\u{feff}\u{ad}\u{61c}\u{200e}\u{200f}\u{202a}\u{2066}\u{2069}\u{2060}\u{2064}\u{200d}";
        assert_eq!(
            sanitize(hostile),
            "ok\\u{202e}txt.exe\\u{2028}x\\u{2029}\\u{200b}\\u{feff}\\u{ad}\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{2066}\\u{2069}\\u{2060}\\u{2064}\\u{200d}"
        );
        // Visible non-ASCII text is left alone.
        assert_eq!(sanitize("Accès refusé – 拒绝"), "Accès refusé – 拒绝");
    }

    #[test]
    fn sanitize_caps_length() {
        let long = "x".repeat(1000);
        let cleaned = sanitize(&long);
        assert_eq!(cleaned.chars().count(), MAX_SERVER_TEXT + 1);
        assert!(cleaned.ends_with('…'));
    }

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(Kind::Usage.exit_code(), 2);
        assert_eq!(Kind::Refused.exit_code(), 3);
        assert_eq!(Kind::Unavailable.exit_code(), 4);
        assert_eq!(Kind::NotRegards.exit_code(), 5);
        assert_eq!(Kind::LoginNeeded.exit_code(), 7);
        assert_eq!(Kind::KeyringUnavailable.exit_code(), 6);
    }
}
