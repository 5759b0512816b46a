//! The Secret Service tier (GNOME Keyring, KWallet) over D-Bus.
//!
//! Without a session bus there is nothing to talk to, and finding that out
//! by connecting can take the whole deadline, so the bus is looked for
//! first. zbus reads `DBUS_SESSION_BUS_ADDRESS` itself; the settings module
//! hands in the same value, which is only used for this look. With no
//! address, zbus falls back to the per-user socket `/run/user/<uid>/bus`,
//! so that is where the look goes then.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::CredentialStore;

use super::Backend;

const NO_BUS: &str = "no D-Bus session bus";

pub(super) fn backend(session_bus: Option<&str>) -> Result<Backend, String> {
    bus_present(session_bus)?;
    Ok(Backend {
        tier: "secret-service",
        connect: Box::new(|| {
            let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
            Ok(store)
        }),
        chunk_limit: None,
    })
}

/// Whether a session bus may be listening: `Err` only when it surely is not.
pub(super) fn bus_present(session_bus: Option<&str>) -> Result<(), String> {
    let Some(address) = session_bus else {
        let path = default_bus().ok_or_else(|| NO_BUS.to_string())?;
        return if path.exists() {
            Ok(())
        } else {
            Err(NO_BUS.into())
        };
    };
    // Several addresses may be given, tried in turn: the bus is absent only
    // when each one is a socket path with nothing there.
    let mut missing = Vec::new();
    for one in address.split(';').map(str::trim).filter(|a| !a.is_empty()) {
        match socket_path(one) {
            Some(path) if !path.exists() => missing.push(path),
            _ => return Ok(()),
        }
    }
    match missing.first() {
        Some(path) => Err(format!("{NO_BUS} (nothing at {})", path.display())),
        None => Err(NO_BUS.into()),
    }
}

/// The socket file of a `unix:path=...` address; `None` for every other
/// kind (abstract sockets, TCP, ...), which cannot be looked at cheaply.
fn socket_path(address: &str) -> Option<PathBuf> {
    let params = address.strip_prefix("unix:")?;
    params
        .split(',')
        .find_map(|param| param.strip_prefix("path="))
        .map(|value| PathBuf::from(unescape(value)))
}

/// D-Bus addresses escape bytes as `%XX`.
fn unescape(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `/run/user/<uid>/bus`; the uid is the owner of `/proc/self`, which is
/// the process's effective uid (no libc call needed).
fn default_bus() -> Option<PathBuf> {
    let uid = Path::new("/proc/self").metadata().ok()?.uid();
    Some(PathBuf::from(format!("/run/user/{uid}/bus")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_socket_means_no_bus() {
        let reason = bus_present(Some("unix:path=/nonexistent/bus,guid=0123")).unwrap_err();
        assert_eq!(reason, "no D-Bus session bus (nothing at /nonexistent/bus)");
        assert!(bus_present(Some("")).is_err());
    }

    #[test]
    fn addresses_that_cannot_be_checked_count_as_present() {
        assert_eq!(
            bus_present(Some("unix:abstract=/tmp/dbus-x,guid=1")),
            Ok(())
        );
        assert_eq!(bus_present(Some("tcp:host=localhost,port=1")), Ok(()));
        assert_eq!(
            bus_present(Some("unix:path=/nonexistent;unix:abstract=/tmp/x")),
            Ok(())
        );
    }

    #[test]
    fn an_existing_socket_path_counts_as_present() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("a bus");
        std::fs::write(&path, b"").expect("a file");
        let escaped = path.display().to_string().replace(' ', "%20");
        assert_eq!(bus_present(Some(&format!("unix:path={escaped}"))), Ok(()));
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(unescape("/tmp/a%20b%2c"), "/tmp/a b,");
        assert_eq!(unescape("/tmp/100%"), "/tmp/100%");
    }
}
