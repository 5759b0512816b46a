//! Where the password comes from, and reading it. The password is read
//! only when a login is about to be sent: a cache hit must not prompt.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::Server;
use super::layers::var;
use crate::cli::PasswordArgs;
use crate::error::Error;
use crate::secret::Secret;

/// A password, perhaps followed by notes as `pass` keeps them: a file (or
/// a stdin line) larger than this is not a password file.
pub(super) const MAX_PASSWORD_BYTES: u64 = 64 * 1024;

#[derive(Debug)]
pub enum PasswordSource {
    Stdin,
    File(PathBuf),
    Env(Secret<String>),
    Prompt,
    /// No source, and nobody at a terminal to ask; says why.
    Missing {
        why: &'static str,
    },
}

impl PasswordSource {
    /// How `config show` and `doctor` name the source, never the value.
    pub fn describe(&self) -> String {
        match self {
            PasswordSource::Stdin => "read from stdin (--password-stdin)".into(),
            PasswordSource::File(path) => format!("read from {} (--password-file)", path.display()),
            PasswordSource::Env(_) => "from env REGARDS_PASSWORD".into(),
            PasswordSource::Prompt => "asked on the terminal".into(),
            PasswordSource::Missing { why } => format!("none: {why}"),
        }
    }
}

impl PasswordSource {
    /// Whether a password was given (stdin, file, variable): it then
    /// comes before a remembered one.
    pub fn is_given(&self) -> bool {
        matches!(
            self,
            PasswordSource::Stdin | PasswordSource::File(_) | PasswordSource::Env(_)
        )
    }

    pub fn resolve(args: &PasswordArgs) -> PasswordSource {
        if args.password_stdin {
            PasswordSource::Stdin
        } else if let Some(path) = &args.password_file {
            PasswordSource::File(path.clone())
        } else if let Some(password) = var("REGARDS_PASSWORD") {
            PasswordSource::Env(Secret::new(password))
        } else if var("CI").is_some() {
            PasswordSource::Missing {
                why: "no password given, and CI is set: not prompting",
            }
        } else if someone_at_a_terminal() {
            PasswordSource::Prompt
        } else {
            PasswordSource::Missing {
                why: "no password given and no terminal to ask for one",
            }
        }
    }

    /// Reads the password. Called once per command, only when a login is
    /// actually going to be sent.
    pub fn read(&self, server: &Server) -> anyhow::Result<Secret<String>> {
        // Wrapped at once, so that every early return below wipes it.
        let password = Secret::new(match self {
            PasswordSource::Stdin => read_stdin_line().map_err(|err| {
                Error::usage(format!("cannot read the password from stdin: {err}"))
            })?,
            PasswordSource::File(path) => read_password_file(path)?,
            PasswordSource::Env(password) => return Ok(password.clone()),
            PasswordSource::Prompt => {
                let prompt = format!("Password for {} on {}: ", server.username, server.host);
                super::prompt::ask(&prompt).map_err(|err| {
                    if err.kind() == std::io::ErrorKind::UnexpectedEof {
                        no_password_source("no password typed at the prompt (end of input)")
                    } else {
                        no_password_source(&format!(
                            "cannot read the password from the terminal: {err}"
                        ))
                    }
                })?
            }
            PasswordSource::Missing { why } => return Err(no_password_source(why).into()),
        });
        if password.expose().is_empty() {
            let from = match self {
                PasswordSource::File(path) => format!("the password file {}", path.display()),
                PasswordSource::Stdin => "stdin".into(),
                _ => "the prompt".into(),
            };
            return Err(Error::usage(format!("the password from {from} is empty")).into());
        }
        Ok(password)
    }
}

fn read_password_file(path: &Path) -> anyhow::Result<String> {
    let file = crate::files::open_input(path).map_err(|err| {
        let error = Error::usage(format!(
            "cannot open the password file {}: {err}",
            path.display()
        ));
        // A FIFO made with mkfifo: the same pipe works when the shell hands it over.
        if err.kind() == std::io::ErrorKind::InvalidInput {
            error.with_hint(
                "to pipe the password in, use --password-stdin or --password-file <(COMMAND)",
            )
        } else {
            error
        }
    })?;
    warn_if_others_can_read(&file, path);
    // Read into a buffer that is wiped when dropped, rather than through a
    // BufReader whose internal buffer would keep the file's bytes; sized
    // for the cap, so that it never moves (leaving an unwiped copy).
    let mut bytes = Zeroizing::new(Vec::with_capacity(MAX_PASSWORD_BYTES as usize + 1));
    crate::files::read_capped(&file, MAX_PASSWORD_BYTES, &mut bytes).map_err(|err| {
        Error::usage(format!(
            "cannot read the password file {}: {err}",
            path.display()
        ))
    })?;
    first_line(&bytes[..]).map_err(|err| {
        Error::usage(format!(
            "cannot read the password file {}: {err}",
            path.display()
        ))
        .into()
    })
}

#[cfg(unix)]
fn warn_if_others_can_read(file: &std::fs::File, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // A pipe or a terminal passed as /dev/fd/N is no file others could read.
    if let Ok(meta) = file.metadata()
        && meta.is_file()
        && meta.permissions().mode() & 0o077 != 0
    {
        crate::warning!(
            "the password file {} can be read by other users; run: chmod 600 {}",
            path.display(),
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_file: &std::fs::File, _path: &Path) {}

/// The first line of stdin, read a byte at a time straight from the file
/// descriptor (the handle on Windows): a buffered reader would also take
/// what follows, which belongs to the command `exec` runs next.
fn read_stdin_line() -> std::io::Result<String> {
    use std::io::Read;
    let mut stdin = stdin_file()?;
    // Sized for the cap, so that it never moves (leaving an unwiped copy).
    let mut line = Zeroizing::new(Vec::with_capacity(MAX_PASSWORD_BYTES as usize));
    let mut byte = [0u8; 1];
    loop {
        match stdin.read(&mut byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) if line.len() as u64 == MAX_PASSWORD_BYTES => {
                return Err(crate::files::too_large(MAX_PASSWORD_BYTES));
            }
            Ok(_) => line.push(byte[0]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    first_line(&line[..])
}

/// Stdin as a file of its own, unbuffered. One function for every
/// system, so that a change to it compiles, and is tested, on each.
fn stdin_file() -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    let own = {
        use std::os::fd::AsFd;
        std::io::stdin().as_fd().try_clone_to_owned()?
    };
    #[cfg(windows)]
    let own = {
        use std::os::windows::io::AsHandle;
        std::io::stdin().as_handle().try_clone_to_owned()?
    };
    Ok(std::fs::File::from(own))
}

/// The first line, without its line ending. A file written by an editor
/// ends with a newline that is not part of the password.
/// The password is copied once, into a string of its exact size: a
/// growing string would leave unwiped copies behind each time it moved.
pub(super) fn first_line(bytes: &[u8]) -> std::io::Result<String> {
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    String::from_utf8(line.to_vec()).map_err(|err| {
        // The bytes are the password: wipe the copy the error holds.
        zeroize::Zeroize::zeroize(&mut err.into_bytes());
        std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not valid UTF-8")
    })
}

/// A prompt is only useful when a person can answer it. `CI` is set by
/// every common CI system, where a prompt would hang the job until its
/// timeout. stdout is not checked: `TOKEN=$(regards-token get)` captures
/// it, yet the person is still at the terminal.
pub(super) fn someone_at_a_terminal() -> bool {
    var("CI").is_none() && (std::io::stdin().is_terminal() || std::io::stderr().is_terminal())
}

fn no_password_source(message: &str) -> Error {
    Error::usage(message).with_hint(
        "use --password-stdin, --password-file PATH or the REGARDS_PASSWORD variable, \
             or run 'regards-token login' once to remember it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_strips_the_line_ending_only() {
        let read = |s: &str| first_line(s.as_bytes()).unwrap();
        assert!(first_line(b"\xff\xfe\n").is_err());
        assert_eq!(read("p@ss w0rd\n"), "p@ss w0rd");
        assert_eq!(read("crlf\r\nsecond"), "crlf");
        assert_eq!(read(" spaces kept \n"), " spaces kept ");
        assert_eq!(read("no newline"), "no newline");
        assert_eq!(read(""), "");
    }
}
