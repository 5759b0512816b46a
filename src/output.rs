//! The `--format` renderings. The only module that writes to stdout, and it
//! writes only on success: a script that captures stdout gets a token or
//! nothing.

use std::io::Write;
use std::time::SystemTime;

use serde::Serialize;

use crate::cli::Format;
use crate::regards::Server;
use crate::token::Token;

/// Where the printed token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Network,
    Cache,
}

#[derive(Serialize)]
struct JsonToken<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
    expires_at: String,
    host: &'a str,
    scope: &'a str,
    username: &'a str,
    role: Option<&'a str>,
    tenant: Option<&'a str>,
    source: Source,
}

pub fn render(
    format: Format,
    token: &Token,
    server: &Server,
    source: Source,
    now: SystemTime,
) -> String {
    let value = token.value.expose();
    match format {
        Format::Token => format!("{value}\n"),
        // Always "Bearer": REGARDS says "bearer" but its services only
        // accept the capitalized spelling.
        Format::Header => format!("Authorization: Bearer {value}\n"),
        // Quoted: RFC 6750 token characters include `~`, which a shell
        // expands to a home folder at the start of an assignment's value.
        Format::Env => format!("export REGARDS_TOKEN={}\n", shell_quote(value)),
        Format::Curl => format!(
            "header = \"Authorization: Bearer {}\"\n",
            curl_escape(value)
        ),
        Format::Json => {
            let doc = JsonToken {
                access_token: value,
                token_type: "Bearer",
                expires_in: token.time_left(now).as_secs(),
                expires_at: humantime::format_rfc3339_seconds(token.expires_at).to_string(),
                host: server.host.as_str(),
                scope: &server.scope,
                username: &server.username,
                role: token.role.as_deref(),
                tenant: token.tenant.as_deref(),
                source,
            };
            // SAFETY-style note: a struct of strings and numbers serializes.
            let mut text = serde_json::to_string_pretty(&doc).expect("a plain struct serializes");
            text.push('\n');
            text
        }
    }
}

/// `text` as one shell word that `eval` turns back into exactly `text`:
/// single quotes, inside which a shell interprets nothing, with any single
/// quote written as `'\''`. The answer parser admits no quote in a token;
/// this does not rely on it.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` for the inside of a double-quoted string in a curl config file,
/// where a backslash starts an escape and a double quote ends the string.
fn curl_escape(text: &str) -> String {
    text.replace('\\', r"\\").replace('"', r#"\""#)
}

/// Registers the token with the GitHub Actions runner's log masking. The
/// runner reads workflow commands on stderr as well as stdout, and stderr
/// is not what `$(...)` captures, so the token is masked in the job log
/// without reaching the command's output.
pub fn mask_in_ci_logs(token: &Token) {
    if crate::settings::in_github_actions() {
        let _ = writeln!(
            std::io::stderr().lock(),
            "::add-mask::{}",
            token.value.expose()
        );
    }
}

/// A duration as people read it, to the second: `1h 59m 58s`.
pub fn human(duration: std::time::Duration) -> String {
    humantime::format_duration(std::time::Duration::from_secs(duration.as_secs())).to_string()
}

/// Writes the rendering to stdout. A reader that went away (`| head -c0`)
/// is not an error: there is nobody left to tell.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other.map_err(|err| anyhow::anyhow!("cannot write to stdout: {err}"))?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_line_evaluates_to_exactly_the_token() {
        for token in ["~root", "=a", "a+b/c==", "~", "it's $HOME `id` \\ \"x\""] {
            let line = format!("export REGARDS_TOKEN={}", shell_quote(token));
            let out = std::process::Command::new("sh")
                .args(["-c", &format!("{line}\nprintf %s \"$REGARDS_TOKEN\"")])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), token, "{line}");
        }
    }

    #[test]
    fn the_curl_line_escapes_quotes_and_backslashes() {
        assert_eq!(curl_escape("~root"), "~root");
        assert_eq!(curl_escape(r#"a\"b"#), r#"a\\\"b"#);
    }
}
