//! The hidden password prompt, and giving the terminal back.
//!
//! On Unix echo is turned off on the terminal for the time of the prompt,
//! and every way out puts the terminal's settings back as they were and
//! ends the prompt's line: Enter, Ctrl-D, an error, a panic (the panic
//! hook), and the signals a person or the system sends to end a program
//! (Ctrl-C, Ctrl-\, SIGTERM, SIGHUP). For those, a handler restores the
//! settings, then the process dies of the same signal, so the shell still
//! sees 128+N. Otherwise `T=$(regards-token get)`, interrupted at the
//! prompt, leaves a shell whose typed commands are invisible.
//!
//! rpassword, still used on other systems, cannot do this: it puts the
//! terminal in raw mode, raises SIGINT itself on Ctrl-C before restoring
//! it, and has no answer to a signal from outside. Here the terminal stays
//! in canonical mode: the kernel edits the line (Backspace, Ctrl-U) and
//! turns Ctrl-C into SIGINT, and the password is read only once Enter is
//! pressed.

use std::io;

/// Writes `prompt` on the terminal and reads a line with echo off. End of
/// input before Enter (Ctrl-D) is an `UnexpectedEof` error: what was typed
/// without Enter is never taken for a password.
#[cfg(unix)]
pub fn ask(prompt: &str) -> io::Result<String> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let echo_off = unix::EchoOff::new(tty)?;
    let mut tty = echo_off.tty();
    io::Write::write_all(&mut tty, prompt.as_bytes())?;
    read_line(tty)
}

#[cfg(not(unix))]
pub fn ask(prompt: &str) -> io::Result<String> {
    rpassword::prompt_password(prompt)
}

/// Puts the terminal's settings back and ends the prompt's line, if a
/// prompt has echo off; for the panic hook, which ends the process
/// without running destructors.
pub fn give_back_terminal() {
    #[cfg(unix)]
    unix::give_back();
}

/// The line read, without its line ending, up to the password cap.
#[cfg(unix)]
fn read_line(mut tty: impl io::Read) -> io::Result<String> {
    use super::password::{MAX_PASSWORD_BYTES, first_line};
    // Wiped when dropped, and sized for the cap so that it never moves
    // (leaving an unwiped copy).
    let mut line = zeroize::Zeroizing::new(vec![0u8; MAX_PASSWORD_BYTES as usize + 1]);
    let mut len = 0;
    // A terminal in canonical mode hands over a line at a time; Ctrl-D
    // after some characters hands them over without a line ending.
    while !line[..len].contains(&b'\n') {
        if len == line.len() {
            return Err(crate::files::too_large(MAX_PASSWORD_BYTES));
        }
        match tty.read(&mut line[len..]) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            Ok(n) => len += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    first_line(&line[..len])
}

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io;
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, Ordering};

    use rustix::termios::{self, LocalModes, OptionalActions, QueueSelector, Termios};

    /// Signals whose default action ends the process, sent by a person at
    /// the prompt (Ctrl-C, Ctrl-\, closing the window) or by the system
    /// (shutdown, a job's timeout).
    const ENDING: [libc::c_int; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP];

    /// The terminal and its settings from before the prompt.
    struct Saved {
        tty: File,
        settings: Termios,
    }

    /// What to give back while echo is off; null otherwise. Its target is
    /// never freed, nor its terminal closed (one prompt per command): a
    /// handler running on another thread while the prompt ends can never
    /// reach freed memory, or a descriptor reused for another file.
    static ECHO_OFF: AtomicPtr<Saved> = AtomicPtr::new(ptr::null_mut());

    /// Echo off on the terminal until dropped.
    pub struct EchoOff {
        saved: &'static Saved,
        /// The signals handled here, with what they had before.
        previous: Vec<(libc::c_int, libc::sigaction)>,
    }

    impl EchoOff {
        pub fn new(tty: File) -> io::Result<EchoOff> {
            let settings = termios::tcgetattr(&tty)?;
            let mut quiet = settings.clone();
            // ECHONL too: the line ending is written by `give_back`, on
            // every way out, not only after Enter.
            quiet
                .local_modes
                .remove(LocalModes::ECHO | LocalModes::ECHONL);
            let saved: &'static Saved = Box::leak(Box::new(Saved { tty, settings }));
            // Armed before echo goes off, so that no signal can come
            // between with nothing to restore.
            ECHO_OFF.store(ptr::from_ref(saved).cast_mut(), Ordering::SeqCst);
            let echo_off = EchoOff {
                saved,
                previous: handle_ending_signals(),
            };
            termios::tcsetattr(&saved.tty, OptionalActions::Now, &quiet)?;
            Ok(echo_off)
        }

        pub fn tty(&self) -> &'static File {
            &self.saved.tty
        }
    }

    impl Drop for EchoOff {
        fn drop(&mut self) {
            give_back();
            for (signal, action) in &self.previous {
                // SAFETY: puts back an action sigaction returned.
                unsafe { libc::sigaction(*signal, action, ptr::null_mut()) };
            }
        }
    }

    /// Async-signal-safe: atomics, two ioctls and a write. What was typed
    /// and not read is thrown away first, as readpassphrase(3) does: a
    /// password half typed when a signal came, or typed twice, must not be
    /// left for the shell to show and keep in its history. The settings
    /// are restored before the prompt is disarmed, so that a signal on
    /// another thread that finds it disarmed finds the terminal already
    /// restored; the line is ended once, by who disarms it.
    pub fn give_back() {
        // SAFETY: null, or a leaked `Saved`, never freed.
        let Some(saved) = (unsafe { ECHO_OFF.load(Ordering::SeqCst).as_ref() }) else {
            return;
        };
        let _ = termios::tcflush(&saved.tty, QueueSelector::IFlush);
        let _ = termios::tcsetattr(&saved.tty, OptionalActions::Now, &saved.settings);
        if !ECHO_OFF.swap(ptr::null_mut(), Ordering::SeqCst).is_null() {
            let _ = rustix::io::write(&saved.tty, b"\n");
        }
    }

    /// Handles the ending signals that have their default action. One
    /// that is ignored (`nohup`, a background job) stays ignored.
    fn handle_ending_signals() -> Vec<(libc::c_int, libc::sigaction)> {
        let mut previous = Vec::new();
        for signal in ENDING {
            // SAFETY: sigaction on a valid signal number, reading into and
            // installing plain structures; the handler is async-signal-safe.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, ptr::null(), &mut old) != 0
                    || old.sa_sigaction != libc::SIG_DFL
                {
                    continue;
                }
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction =
                    on_ending_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                if libc::sigaction(signal, &action, ptr::null_mut()) == 0 {
                    previous.push((signal, old));
                }
            }
        }
        previous
    }

    extern "C" fn on_ending_signal(signal: libc::c_int) {
        give_back();
        // SAFETY: signal and raise are async-signal-safe. With its default
        // action back, the signal raised again is held until this handler
        // returns, then ends the process as if it had never been caught.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_the_password_without_its_ending() {
        assert_eq!(read_line(&b"p@ss w0rd\n"[..]).unwrap(), "p@ss w0rd");
        // What Ctrl-D hands over before Enter is kept, up to the Enter.
        let chunks = io::Read::chain(&b"p@ss"[..], &b" w0rd\n"[..]);
        assert_eq!(read_line(chunks).unwrap(), "p@ss w0rd");
        assert_eq!(read_line(&b"\n"[..]).unwrap(), "");
    }

    #[test]
    fn end_of_input_before_enter_is_no_password() {
        for typed in [&b""[..], b"typed without enter"] {
            let err = read_line(typed).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        let err = read_line(&b"caf\xe9\n"[..]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_line_past_the_cap_is_refused() {
        let long = vec![b'x'; super::super::password::MAX_PASSWORD_BYTES as usize + 2];
        let err = read_line(&long[..]).unwrap_err();
        assert_eq!(err.to_string(), "it is larger than 64 KiB");
    }
}
