//! The completion scripts committed in `completions/` and the manual
//! pages in `man/` are the ones the binary generates. To regenerate them
//! after changing the command line:
//!
//!     SNAPSHOTS=overwrite cargo test --test it generated::

use crate::common::*;

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
         regenerate them with: SNAPSHOTS=overwrite cargo test --test generated"
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

/// Every page `regards-token man` prints, by the words that ask for it,
/// and its file in `man/`.
const PAGES: [(&[&str], &str); 13] = [
    (&[], "regards-token.1"),
    (&["get"], "regards-token-get.1"),
    (&["login"], "regards-token-login.1"),
    (&["status"], "regards-token-status.1"),
    (&["logout"], "regards-token-logout.1"),
    (&["exec"], "regards-token-exec.1"),
    (&["inspect"], "regards-token-inspect.1"),
    (&["doctor"], "regards-token-doctor.1"),
    (&["config"], "regards-token-config.1"),
    (&["config", "path"], "regards-token-config-path.1"),
    (&["config", "show"], "regards-token-config-show.1"),
    (&["completions"], "regards-token-completions.1"),
    (&["man"], "regards-token-man.1"),
];

fn page(words: &[&str]) -> String {
    run(Sandbox::new().cmd().arg("man").args(words))
        .ok()
        .to_string()
}

#[test]
fn committed_man_pages_are_current() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    if overwrite {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut stale = Vec::new();
    for (words, file) in PAGES {
        let generated = page(words);
        let path = dir.join(file);
        if overwrite {
            std::fs::write(&path, &generated).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(generated.as_str()) {
            stale.push(file);
        }
    }
    // No page left over from a command that is gone.
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    let mut expected: Vec<String> = PAGES.iter().map(|(_, f)| f.to_string()).collect();
    expected.sort();
    assert_eq!(
        committed, expected,
        "man/ holds other pages than the binary's"
    );
    assert!(
        stale.is_empty(),
        "man/{stale:?} differ from what the binary generates; \
         regenerate them with: SNAPSHOTS=overwrite cargo test --test generated"
    );
    // Every page the binary can print is here: the error for an unknown
    // one lists them.
    let ran = run(Sandbox::new().cmd().args(["man", "nothing"]));
    assert_eq!(
        ran.fails(2),
        "regards-token: error: there is no manual page for 'nothing'"
    );
    let listed = ran.hint().trim_start_matches("the pages are: ").to_string();
    let words: Vec<String> = PAGES[1..].iter().map(|(w, _)| w.join(" ")).collect();
    assert_eq!(listed, words.join(", "));
    // Each name as the list spells it, quoted as one word, is its page.
    for (words, _) in &PAGES[1..] {
        assert_eq!(page(&[words.join(" ").as_str()]), page(words), "{words:?}");
    }
}

/// Each page has every option its command takes, and the sections clap
/// knows nothing of, with what applies to that command only.
#[test]
fn each_page_documents_its_options_exit_codes_environment_and_files() {
    for (words, _) in PAGES {
        let text = page(words);
        let help = run(Sandbox::new().cmd().args(words).arg("--help"))
            .ok()
            .to_string();
        let roff_text = text.replace("\\-", "-");
        // The options the help lists, one per line that starts with one.
        let option_lines = help.lines().filter(|l| l.trim_start().starts_with('-'));
        for long in option_lines
            .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == ','))
            .map(|w| w.trim_end_matches('.'))
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            assert!(
                roff_text.contains(&format!("\\fB{long}\\fR")),
                "{words:?} lacks {long}"
            );
        }
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH \"EXIT STATUS\"",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(text.contains(section), "{words:?} lacks {section}");
        }
    }
    let get = page(&["get"]);
    for expected in [
        // The synopsis gives each option's value, as the README does.
        "[\\fB\\-\\-host\\fR \\fIURL\\fR]",
        "[\\fB\\-\\-min\\-ttl\\fR \\fIDURATION\\fR]",
        "[\\fB\\-\\-refresh\\fR]",
        "\\fB3\\fR\nThe server refused the credentials. Do not retry",
        "\\fB6\\fR\n",
        "\\fBREGARDS_PASSWORD\\fR",
        "\\fBREGARDS_HOST\\fR",
        "\\fBREGARDS_TOKEN_MIN_TTL\\fR",
        ".SH FILES",
        "config.toml",
        "failed\\-login markers",
    ] {
        assert!(get.contains(expected), "get lacks {expected}");
    }
    // What does not apply to a command is not on its page.
    let status = page(&["status"]);
    for absent in [
        "REGARDS_PASSWORD",
        "REGARDS_HOST",
        "\\fB3\\fR",
        "config.toml",
    ] {
        assert!(!status.contains(absent), "status has {absent}");
    }
    let doctor = page(&["doctor"]);
    assert!(doctor.contains("\\fB1\\fR\nA check failed."));
    assert!(!doctor.contains("REGARDS_PASSWORD"));
    let exec = page(&["exec"]);
    assert!(exec.contains("\\fB127\\fR\nThe command is not found."));
    assert!(exec.contains(
        "The command is given REGARDS_TOKEN, and the value this run used of each setting that \
         has a variable (REGARDS_HOST, REGARDS_SCOPE, REGARDS_USERNAME, REGARDS_CLIENT_ID, \
         REGARDS_CA_CERT, REGARDS_TOKEN_CACHE, REGARDS_TOKEN_MIN_TTL, REGARDS_PROFILE;"
    ));
    let top = page(&[]);
    for sub in ["get", "exec", "config", "man"] {
        assert!(
            top.contains(&format!("regards\\-token\\-{sub}(1)")),
            "{sub}"
        );
    }
    assert!(page(&["config"]).contains("regards\\-token\\-config\\-show(1)"));
    assert!(page(&["completions"]).contains("bash, zsh, fish, powershell or elvish"));
}
