//! The README's recipes, run exactly as written there (each code block
//! after a `<!-- recipe: NAME -->` marker) against the test server, so the
//! documentation cannot drift from what the tool does.

// The recipes are Unix shell, make and cron ones.
#![cfg(unix)]

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::common::*;

/// The code block after `<!-- recipe: NAME -->` in the README.
fn recipe(name: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let marker = format!("<!-- recipe: {name} -->");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("no recipe {name} in the README"))
        .1;
    let block = after.split_once("```").unwrap().1;
    let block = block.split_once('\n').unwrap().1; // skip the language tag
    block.split_once("```").unwrap().0.to_string()
}

/// A shell whose PATH finds the binary under test first, with the
/// sandbox's environment and the demo account's settings.
fn shell(sandbox: &Sandbox, server: &Server, program: &str, args: &[&str]) -> Command {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut cmd = sandbox.program(program);
    cmd.args(args)
        .env("PATH", path)
        .env("REGARDS_HOST", server.url())
        .env("REGARDS_SCOPE", "project1")
        .env("REGARDS_USERNAME", DEMO_LOGIN)
        .env_remove("REGARDS_TOKEN_CACHE");
    cmd
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// What the gateway's myuser endpoint answers for the demo account.
fn is_myuser(text: &str) {
    let doc: serde_json::Value =
        serde_json::from_str(text.trim()).unwrap_or_else(|_| panic!("not JSON: {text}"));
    assert_eq!(doc["content"]["email"], DEMO_LOGIN, "{text}");
}

fn password_file(sandbox: &Sandbox, relative: &str) -> PathBuf {
    let path = sandbox.path().join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("{DEMO_PASSWORD}\n")).unwrap();
    set_mode(&path, 0o600);
    path
}

#[test]
fn the_shell_script() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    password_file(&sandbox, ".config/regards/password");
    let out = shell(&sandbox, &server, "sh", &["-c", &recipe("script")])
        .output()
        .unwrap();
    is_myuser(&ok(&out));
}

#[test]
fn the_pipe_keeps_the_exit_code() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let script = recipe("pipe");
    let out = shell(&sandbox, &server, "bash", &["-c", &script])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD)
        .output()
        .unwrap();
    is_myuser(&ok(&out));
    let out = shell(&sandbox, &server, "bash", &["-c", &script])
        .env("REGARDS_PASSWORD", "wrong")
        .env("REGARDS_TOKEN_CACHE", "none")
        .output()
        .unwrap();
    assert_ne!(
        out.status.code(),
        Some(0),
        "the pipeline fails with the tool"
    );
    // bash keeps the tool's own code for whoever needs it.
    let with_status = format!("{script}\necho \"tool exited ${{PIPESTATUS[0]}}\"");
    let out = shell(&sandbox, &server, "bash", &["-c", &with_status])
        .env("REGARDS_PASSWORD", "wrong")
        .env("REGARDS_TOKEN_CACHE", "none")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("tool exited 3\n"));
}

#[test]
fn the_exit_code_script_tells_refusals_from_outages() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let script = recipe("exit-codes");
    let run_with = |password: &str, host: &str| {
        shell(&sandbox, &server, "sh", &["-c", &script])
            .env("REGARDS_PASSWORD", password)
            .env("REGARDS_HOST", host)
            .env("REGARDS_TOKEN_CACHE", "none")
            .output()
            .unwrap()
    };
    let out = run_with(DEMO_PASSWORD, &server.url());
    assert!(ok(&out).starts_with("got a token of "));
    let out = run_with("wrong", &server.url());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("login refused: fix the credentials"));
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let out = run_with(DEMO_PASSWORD, &closed);
    assert_eq!(out.status.code(), Some(75));
}

#[test]
fn the_github_actions_step() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let yaml = recipe("github");
    let run_block = yaml.split_once("run: |\n").unwrap().1;
    let script: String = run_block
        .lines()
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    for var in [
        "REGARDS_HOST",
        "REGARDS_SCOPE",
        "REGARDS_USERNAME",
        "REGARDS_PASSWORD",
        "REGARDS_TOKEN_CACHE: file",
    ] {
        assert!(yaml.contains(var), "{var}");
    }
    // As the runner runs a `shell: bash` step.
    let out = shell(
        &sandbox,
        &server,
        "bash",
        &["--noprofile", "--norc", "-eo", "pipefail", "-c", &script],
    )
    .env("REGARDS_PASSWORD", DEMO_PASSWORD)
    .env("REGARDS_TOKEN_CACHE", "file")
    .env("GITHUB_ACTIONS", "true")
    .env("CI", "true")
    .output()
    .unwrap();
    is_myuser(&ok(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("::add-mask::ey")),
        "{stderr}"
    );
}

#[test]
fn the_gitlab_job() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let yaml = recipe("gitlab");
    let script = yaml.split_once("script:\n").unwrap().1;
    for line in script
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("- "))
    {
        let out = shell(&sandbox, &server, "sh", &["-ec", line])
            .env("REGARDS_PASSWORD", DEMO_PASSWORD)
            .env("REGARDS_TOKEN_CACHE", "file")
            .env("CI", "true")
            .output()
            .unwrap();
        is_myuser(&ok(&out));
    }
}

#[test]
fn the_cron_job() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let crontab = recipe("cron");
    let entry = crontab
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    // Five time fields, then the command, which cron runs with sh.
    let command = entry
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    let command = &entry[entry
        .find(command.split_whitespace().next().unwrap())
        .unwrap()..];
    let config = sandbox.path().join("config/regards-token/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[profiles.ops]\nhost = \"{}\"\nscope = \"project1\"\nusername = \"{DEMO_LOGIN}\"\n",
            server.url()
        ),
    )
    .unwrap();
    password_file(&sandbox, ".config/regards-token/ops-password");
    for _ in 0..2 {
        let out = shell(&sandbox, &server, "sh", &["-c", command])
            .env_remove("REGARDS_HOST")
            .env_remove("REGARDS_SCOPE")
            .env_remove("REGARDS_USERNAME")
            .env("XDG_CONFIG_HOME", sandbox.path().join("config"))
            .output()
            .unwrap();
        ok(&out);
        is_myuser(&std::fs::read_to_string(sandbox.path().join("regards-user.json")).unwrap());
    }
    assert_eq!(
        server.token_requests(),
        1,
        "the second run reused the cached token"
    );
}

#[test]
fn the_makefile_rule() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path().join("Makefile"), recipe("makefile")).unwrap();
    let out = shell(
        &sandbox,
        &server,
        "make",
        &["--no-print-directory", "user.json"],
    )
    .env("REGARDS_PASSWORD", DEMO_PASSWORD)
    .output()
    .unwrap();
    ok(&out);
    is_myuser(&std::fs::read_to_string(sandbox.path().join("user.json")).unwrap());
}

/// The download loop of "Remembered passwords": `get` inside `exec`'s
/// command finds the account and the cached token, with no password in
/// the command's environment.
#[test]
fn the_renewing_download_loop() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let myuser = "/api/v1/rs-admin/users/myuser";
    std::fs::write(
        sandbox.path().join("paths.txt"),
        format!("{myuser}\n{myuser}\n"),
    )
    .unwrap();
    let out = shell(&sandbox, &server, "sh", &["-c", &recipe("renewing-loop")])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD)
        .output()
        .unwrap();
    ok(&out);
    is_myuser(&std::fs::read_to_string(sandbox.path().join("myuser")).unwrap());
    assert_eq!(server.token_requests(), 1, "the loop used the cached token");
}
