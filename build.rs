//! Names for the sets of systems the code tells apart, so each list is
//! written once. Cargo.toml's `[target.'cfg(...)'.dependencies]` cannot use
//! these names and repeats the Secret Service list: keep the two alike.

fn main() {
    cfg_aliases::cfg_aliases! {
        // Systems whose desktop keyring speaks the Secret Service over D-Bus.
        secret_service: {
            any(target_os = "linux", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")
        },
        // The kernel keyring (keyutils): Linux only.
        keyutils: { target_os = "linux" },
        // Systems with at least one keyring tier.
        any_keyring: { any(secret_service, target_os = "macos", windows) },
    }
}
