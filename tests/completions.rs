//! The completion scripts committed in `completions/` are the ones the
//! binary generates, and the manual page renders. To regenerate the
//! scripts after changing the command line:
//!
//!     SNAPSHOTS=overwrite cargo test --test completions

mod common;

use common::*;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "regards-token.bash"),
    ("zsh", "_regards-token"),
    ("fish", "regards-token.fish"),
    ("powershell", "_regards-token.ps1"),
    ("elvish", "regards-token.elv"),
];

#[test]
fn committed_completions_are_current() {
    let sandbox = Sandbox::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let generated = run(sandbox.cmd().args(["completions", shell]))
            .ok()
            .to_string();
        assert!(generated.contains("regards-token"), "{shell}");
        let path = dir.join(file);
        if overwrite {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{stale:?} differ from what the binary generates; \
         regenerate them with: SNAPSHOTS=overwrite cargo test --test completions"
    );
}

#[test]
fn completions_know_the_commands_and_flags() {
    let script = run(Sandbox::new().cmd().args(["completions", "bash"]))
        .ok()
        .to_string();
    for word in [
        "get",
        "status",
        "logout",
        "exec",
        "inspect",
        "doctor",
        "config",
        "--password-stdin",
        "--profile",
    ] {
        assert!(script.contains(word), "{word}");
    }
    run(Sandbox::new().cmd().args(["completions", "tcsh"])).fails(2);
}

#[test]
fn the_manual_page_renders() {
    let page = run(Sandbox::new().cmd().arg("man")).ok().to_string();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH regards-token"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains("Get an access token from a REGARDS server"));
    assert!(page.contains("doctor"));
}
