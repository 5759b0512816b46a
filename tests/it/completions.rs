//! The completion scripts at work: each shell loads the script the binary
//! generates and is asked for the candidates at a cursor, the way a Tab
//! asks. `generated.rs` checks the committed scripts are these.
//!
//! bash is everywhere the tests run; zsh and fish may not be, so their
//! tests are ignored by a plain `cargo test` and run by `.ci/run` (which
//! installs both) with `--include-ignored`, where a missing shell fails.

// The shells are driven as Unix programs.
#![cfg(unix)]

use std::path::PathBuf;

use crate::common::*;

/// The script the binary prints for `shell`, saved in the sandbox.
fn script(sandbox: &Sandbox, shell: &str, file: &str) -> PathBuf {
    let text = run(sandbox.cmd().args(["completions", shell]))
        .ok()
        .to_string();
    sandbox.file(file, &text)
}

/// Runs `program` in the sandbox's environment and returns its stdout,
/// one candidate a line, sorted and without repeats.
fn candidates(mut cmd: std::process::Command, shell: &str) -> Vec<String> {
    let out = cmd
        .output()
        .unwrap_or_else(|err| panic!("{shell} runs the completion tests: {err}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{shell} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut found: Vec<String> = stdout
        .lines()
        // fish follows each candidate with a tab and its description.
        .map(|l| l.split('\t').next().unwrap_or_default().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    found.sort();
    found.dedup();
    found
}

fn sorted(words: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    words.sort();
    words
}

const FORMATS: [&str; 5] = ["token", "json", "header", "env", "curl"];

/// What every shell must complete: a subcommand's option and its values,
/// and a nested subcommand's option, where the cursor is after the last
/// word (an empty last word is a cursor after a space).
fn cases() -> Vec<(&'static [&'static str], Vec<String>)> {
    vec![
        (&["ge"][..], sorted(&["get"])),
        (&["get", "--form"][..], sorted(&["--format"])),
        (&["get", "--format", ""][..], sorted(&FORMATS)),
        (&["doctor", "--ca-"][..], sorted(&["--ca-cert"])),
        (
            &["config", "show", "--client-s"][..],
            sorted(&["--client-secret"]),
        ),
        (&["status", "--format", ""][..], sorted(&["text", "json"])),
    ]
}

/// bash: the completion function is called as `complete -F` calls it,
/// with `COMP_WORDS` and `COMP_CWORD` set; `COMPREPLY` is printed.
#[test]
fn bash_completes_after_a_subcommand() {
    let sandbox = Sandbox::new();
    let file = script(&sandbox, "bash", "regards-token.bash");
    for (words, expected) in cases() {
        let mut cmd = sandbox.program("bash");
        cmd.args([
            "--norc",
            "--noprofile",
            "-c",
            r#"source "$1" || exit 1; shift
               COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
               _regards__token regards-token "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
               printf '%s\n' "${COMPREPLY[@]}""#,
            "bash",
        ]);
        cmd.arg(&file).arg("regards-token").args(words);
        assert_eq!(candidates(cmd, "bash"), expected, "regards-token {words:?}");
    }
}

/// fish: `complete -C LINE` prints the candidates for the cursor at the
/// end of LINE. Loading the script must not fail either (fish refuses a
/// whole script over one badly quoted help).
#[test]
#[ignore = "needs fish; .ci/run installs it and runs this with --include-ignored"]
fn fish_completes_after_a_subcommand() {
    let sandbox = Sandbox::new();
    let file = script(&sandbox, "fish", "regards-token.fish");
    for (words, expected) in cases() {
        let line = format!("regards-token {}", words.join(" "));
        let mut cmd = sandbox.program("fish");
        cmd.args([
            "--no-config",
            "-c",
            "source $argv[1]; or exit 1; complete -C $argv[2]",
        ]);
        cmd.arg(&file).arg(&line);
        assert_eq!(candidates(cmd, "fish"), expected, "{line:?}");
    }
}

/// zsh completes only in its line editor: an interactive zsh runs in a
/// pseudo-terminal (zsh/zpty), loads the script through compinit, and is
/// sent the line and a Tab; every candidate the script adds is written to
/// a file, then a marker once the completion is over.
const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty || exit 1
dir=$1 out=$2 line=$3
zpty z zsh -f -i
zpty -w z "fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' insert-tab false"
zpty -w z "compadd () { local -a hits; builtin compadd -A hits \"\$@\"; print -rl -- \$hits >> ${(q)out}; builtin compadd \"\$@\" }"
zpty -w z "over () { print -r -- '<over>' >> ${(q)out} }; comppostfuncs=(over)"
zpty -w z "bindkey '^I' complete-word; bindkey -r '^M'"
zpty -w -n z "$line"$'\t'
for i in {1..600}; do
  grep -q '<over>' $out && break
  sleep 0.1
done
zpty -d z
grep -q '<over>' $out
"#;

#[test]
#[ignore = "needs zsh; .ci/run installs it and runs this with --include-ignored"]
fn zsh_completes_after_a_subcommand() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("functions");
    std::fs::create_dir(&dir).unwrap();
    let text = run(sandbox.cmd().args(["completions", "zsh"]))
        .ok()
        .to_string();
    std::fs::write(dir.join("_regards-token"), text).unwrap();
    for (words, expected) in cases() {
        let line = format!("regards-token {}", words.join(" "));
        let out = sandbox.path().join("candidates");
        std::fs::write(&out, "").unwrap();
        let mut cmd = sandbox.program("zsh");
        cmd.args(["-f", "-c", ZSH_DRIVER, "zsh"])
            .arg(&dir)
            .arg(&out)
            .arg(&line)
            .stdin(std::process::Stdio::null());
        candidates(cmd, "zsh");
        let seen = std::fs::read_to_string(&out).unwrap();
        let mut found: Vec<String> = seen
            .lines()
            .take_while(|l| *l != "<over>")
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        found.sort();
        found.dedup();
        assert_eq!(found, expected, "{line:?}");
    }
}
