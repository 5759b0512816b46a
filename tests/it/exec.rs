//! `exec` runs a command with the token in its environment: the command's
//! own exit status and signals, no password in its environment, no token
//! on any command line. And `get --format curl` for `curl -K-`.

use std::ffi::OsStr;
use std::path::Path;

use crate::common::*;

/// A command that prints its whole environment, a `NAME=value` a line.
#[cfg(unix)]
const PRINT_ENV: &[&str] = &["env"];
#[cfg(windows)]
const PRINT_ENV: &[&str] = &["cmd", "/C", "set"];

/// A command that exits with `code`.
fn exit_with(code: i32) -> Vec<String> {
    let shell = if cfg!(windows) {
        ["cmd", "/C"]
    } else {
        ["sh", "-c"]
    };
    let mut command: Vec<String> = shell.map(String::from).into();
    command.push(format!("exit {code}"));
    command
}

/// A command that leaves `path` behind if it runs.
fn leave(path: &Path) -> Vec<String> {
    let path = path.to_str().expect("a UTF-8 path").to_string();
    if cfg!(windows) {
        vec!["cmd".into(), "/C".into(), "mkdir".into(), path]
    } else {
        vec!["touch".into(), path]
    }
}

/// `exec` as the demo user, password from the environment, then `command`.
fn exec(
    sandbox: &Sandbox,
    server: &Server,
    command: &[impl AsRef<OsStr>],
) -> std::process::Command {
    let mut cmd = exec_with(sandbox, server, &[], command);
    cmd.env("REGARDS_PASSWORD", DEMO_PASSWORD);
    cmd
}

/// `exec` as the demo user with `options` before `--`, no password given.
fn exec_with(
    sandbox: &Sandbox,
    server: &Server,
    options: &[&str],
    command: &[impl AsRef<OsStr>],
) -> std::process::Command {
    let mut cmd = sandbox.std_cmd();
    cmd.args([
        "exec",
        "--host",
        &server.url(),
        "-s",
        "project1",
        "-u",
        DEMO_LOGIN,
    ])
    .args(options)
    .arg("--")
    .args(command);
    cmd
}

// Runs `sh`; the next test checks the same through the whole environment,
// on every system.
#[cfg(unix)]
#[test]
fn the_command_gets_the_token_and_host_but_not_the_password() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let script =
        r#"printf '%s\n' "$REGARDS_TOKEN" "$REGARDS_HOST" "${REGARDS_PASSWORD-no password}""#;
    let out = exec(&sandbox, &server, &["sh", "-c", script])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(claims(lines[0])["sub"], DEMO_LOGIN);
    assert_eq!(lines[1], server.url());
    assert_eq!(lines[2], "no password");
    assert_eq!(server.token_requests(), 1);
}

/// The child prints its whole environment: the credentials are in no
/// variable, under any name, whichever variables brought them in.
#[test]
fn the_command_gets_no_credential_in_its_environment() {
    const SECRET: &str = "client-secret-EXEC-SENTINEL";
    let server = Server::builder().client("client", SECRET).start();
    let sandbox = Sandbox::new();
    let out = exec(&sandbox, &server, PRINT_ENV)
        .env("REGARDS_CLIENT_SECRET", SECRET)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let env = String::from_utf8(out.stdout).unwrap();
    assert!(env.contains("REGARDS_TOKEN="), "{env}");
    let host = format!("REGARDS_HOST={}", server.url());
    assert!(env.lines().any(|line| line == host), "{env}");
    for secret in [DEMO_PASSWORD, SECRET] {
        assert!(
            !env.contains(secret),
            "the command's environment holds {secret}:\n{env}"
        );
    }
    assert!(!env.contains("REGARDS_PASSWORD"));
    assert!(!env.contains("REGARDS_CLIENT_SECRET"));
    assert_eq!(server.token_requests(), 1);
}

/// Each setting that has a variable reaches the command with the value
/// this run used, whatever brought it in: an option beats a variable the
/// command would otherwise inherit, and one unset is not inherited.
#[test]
fn the_command_gets_the_settings_this_run_used() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let out = exec_with(
        &sandbox,
        &server,
        &[
            "--client-id",
            "client",
            "--cache",
            "file",
            "--min-ttl",
            "90s",
        ],
        PRINT_ENV,
    )
    .env("REGARDS_PASSWORD", DEMO_PASSWORD)
    .env("REGARDS_CLIENT_ID", "another-client")
    .env("REGARDS_TOKEN_CACHE", "none")
    .env("REGARDS_CA_CERT", "")
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let env = String::from_utf8(out.stdout).unwrap();
    for line in [
        "REGARDS_SCOPE=project1",
        &format!("REGARDS_USERNAME={DEMO_LOGIN}"),
        "REGARDS_CLIENT_ID=client",
        "REGARDS_TOKEN_CACHE=file",
        "REGARDS_TOKEN_MIN_TTL=1m30s",
    ] {
        assert!(env.lines().any(|l| l == line), "no {line} in:\n{env}");
    }
    assert!(!env.contains("REGARDS_CA_CERT"), "{env}");
    assert!(!env.contains("REGARDS_PROFILE"), "{env}");
}

// Reads the command line the kernel keeps in /proc, which only Linux has.
#[cfg(target_os = "linux")]
#[test]
fn the_token_is_on_no_command_line() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    // The command prints its own argv as the kernel records it.
    let script = r#"tr '\0' ' ' < /proc/$$/cmdline; echo; printf '%s' "$REGARDS_TOKEN""#;
    let out = exec(&sandbox, &server, &["sh", "-c", script])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (cmdline, token) = stdout.split_once('\n').unwrap();
    assert!(token.len() > 100, "the token reached the command");
    assert!(cmdline.starts_with("sh -c "), "{cmdline}");
    assert!(
        !cmdline.contains(token),
        "the token is not in /proc/PID/cmdline"
    );
}

#[test]
fn the_exit_status_is_the_commands() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    for code in [0, 1, 7, 255] {
        let out = exec(&sandbox, &server, &exit_with(code)).output().unwrap();
        assert_eq!(out.status.code(), Some(code));
    }
}

// Signals are Unix's.
#[cfg(unix)]
#[test]
fn a_signal_is_the_commands_too() {
    use std::os::unix::process::ExitStatusExt;
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let out = exec(&sandbox, &server, &["sh", "-c", "kill -TERM $$"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(15),
        "killed by SIGTERM, like the command"
    );
    // As a shell reports it: 128 + 15.
    let line = format!(
        "REGARDS_PASSWORD={DEMO_PASSWORD} '{}' exec --host {} -s project1 -u {DEMO_LOGIN} -- sh -c 'kill -TERM $$'; echo $?",
        bin().display(),
        server.url()
    );
    let shell = sandbox.shell(&line).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&shell.stdout), "143\n");
}

#[test]
fn a_command_that_cannot_start_is_a_clear_error() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let out = exec(&sandbox, &server, &["no-such-command-here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "regards-token: error: cannot run 'no-such-command-here': no such command"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    // Unix only: a file without its execute bit (Windows runs by extension).
    #[cfg(unix)]
    {
        let not_executable = sandbox.file("script.sh", "#!/bin/sh\necho hi\n");
        let out = exec(&sandbox, &server, &[not_executable.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(126));
        assert!(String::from_utf8_lossy(&out.stderr).contains("permission denied"));
    }
}

#[test]
fn no_token_no_command() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let marker = sandbox.path().join("ran");
    let mut cmd = exec(&sandbox, &server, &leave(&marker));
    let out = cmd.env("REGARDS_PASSWORD", "wrong").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(!marker.exists(), "the command did not run");
}

#[test]
fn exec_needs_a_command() {
    let ran = run(Sandbox::new()
        .cmd()
        .args(["exec", "--host", "https://h.example"]));
    ran.fails(2);
}

// The README's `curl -K-` recipe, run by `sh`.
#[cfg(unix)]
#[test]
fn curl_format_keeps_the_token_off_curls_command_line() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let config = run(sandbox.get(&server).args(["--format", "curl"]))
        .ok()
        .to_string();
    assert!(
        config.starts_with("header = \"Authorization: Bearer ey"),
        "{config}"
    );
    assert!(config.ends_with("\"\n"));
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            "curl -sS -K- -o /dev/null -w '%{http_code}' \"$1/api/v1/rs-admin/users/myuser\"",
            "sh",
            &server.url(),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(config.as_bytes())?;
            child.wait_with_output()
        })
        .expect("curl is needed for this test");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "200");
}

// Runs `cat`, a Unix program; the next test does the same everywhere.
#[cfg(unix)]
#[test]
fn password_stdin_leaves_the_rest_of_stdin_to_the_command() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = assert_cmd::Command::from_std(exec_with(
        &sandbox,
        &server,
        &["--password-stdin"],
        &["cat"],
    ));
    cmd.write_stdin(format!("{DEMO_PASSWORD}\nline two\nline three\n"));
    assert_eq!(run(&mut cmd).ok(), "line two\nline three\n");
    assert_eq!(server.token_requests(), 1);
}

/// The same on every system, with the tool itself as the command: the
/// password is read a byte at a time, so the command's `get
/// --password-stdin` reads the next line.
#[test]
fn the_command_reads_the_lines_after_the_password() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let bin = bin();
    let url = server.url();
    let inner = [
        bin.to_str().unwrap(),
        "get",
        "--refresh",
        "--password-stdin",
        "--host",
        &url,
        "-s",
        "project1",
        "-u",
        DEMO_LOGIN,
    ];
    let mut cmd =
        assert_cmd::Command::from_std(exec_with(&sandbox, &server, &["--password-stdin"], &inner));
    cmd.write_stdin(format!("{DEMO_PASSWORD}\n{DEMO_PASSWORD}\n"));
    assert!(run(&mut cmd).ok().starts_with("eyJ"));
    assert_eq!(
        server.token_requests(),
        2,
        "both logged in, each with its line"
    );
}
