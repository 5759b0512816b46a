//! A wrapper for passwords, client secrets and tokens.
//!
//! The only way to read the value is `expose()`, so every place a secret
//! leaves the program is greppable. `Debug` prints `[redacted]` and there is
//! no `Display`: a secret that slips into a `{:?}` in a log line or an error
//! message shows nothing. Dropping it overwrites its memory (its whole
//! allocation, spare capacity included), so a password read from a file or
//! a prompt does not linger in the heap after the login. Copies made by the
//! HTTP library to send it are outside its reach.

use std::fmt;

use zeroize::Zeroize;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T: Zeroize>(T);

impl<T: Zeroize> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> Secret<T> {
    pub fn new(value: T) -> Self {
        Secret(value)
    }

    /// The value itself. Call it only where the secret must go: the request
    /// body, the Authorization header, stdout on success.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records that it was wiped, since reading freed memory is not allowed.
    struct Watched(std::rc::Rc<std::cell::Cell<bool>>);

    impl Zeroize for Watched {
        fn zeroize(&mut self) {
            self.0.set(true);
        }
    }

    #[test]
    fn dropping_wipes_the_value() {
        let wiped = std::rc::Rc::new(std::cell::Cell::new(false));
        let secret = Secret::new(Watched(wiped.clone()));
        assert!(!wiped.get());
        drop(secret);
        assert!(wiped.get());
    }

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2".to_string());
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(secret.expose(), "hunter2");
    }
}
