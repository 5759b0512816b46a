//! Diagnostics on stderr: warnings and `-v` logs.
//!
//! stdout belongs to `output`; everything a person reads about what the tool
//! is doing goes here. Verbosity is process-wide because it is set once from
//! the command line and read from deep inside the transport.

use std::sync::atomic::{AtomicU8, Ordering};

static VERBOSITY: AtomicU8 = AtomicU8::new(0);

pub fn set_verbosity(level: u8) {
    VERBOSITY.store(level, Ordering::Relaxed);
}

pub fn verbosity() -> u8 {
    VERBOSITY.load(Ordering::Relaxed)
}

/// Prints `regards-token: LINE` on stderr when `-v` was given at least
/// `level` times. Callers pass nothing secret: the password, the client
/// secret and the token never reach this function.
pub fn log(level: u8, line: std::fmt::Arguments<'_>) {
    if verbosity() >= level {
        write(format_args!("regards-token: {line}"));
    }
}

/// Prints `regards-token: LINE` on stderr whatever the verbosity: what a
/// command that prints nothing on stdout (`login`) did.
pub fn note(line: &str) {
    write(format_args!("regards-token: {line}"));
}

pub fn warn(line: std::fmt::Arguments<'_>) {
    write(format_args!("regards-token: warning: {line}"));
}

/// A `hint:` line after a warning: what to do about it, as after an error.
pub fn hint(line: &str) {
    write(format_args!("hint: {line}"));
}

/// A closed stderr is no reason to fail the command.
#[cfg(not(test))]
fn write(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Unit tests: through the test harness, which shows what a test printed
/// only when it fails, instead of in the middle of the test log.
#[cfg(test)]
fn write(line: std::fmt::Arguments<'_>) {
    eprintln!("{line}");
}

/// `verbose!(1, "...")`: a log line shown from `-v` on.
#[macro_export]
macro_rules! verbose {
    ($level:expr, $($arg:tt)*) => {
        $crate::diag::log($level, format_args!($($arg)*))
    };
}

#[macro_export]
macro_rules! warning {
    ($($arg:tt)*) => {
        $crate::diag::warn(format_args!($($arg)*))
    };
}
