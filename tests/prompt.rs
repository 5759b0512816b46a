//! The hidden password prompt, under a real pseudo-terminal made by
//! `script` (util-linux): it appears only when a person is at a terminal,
//! reads the terminal even when stdout is captured, and echoes nothing.

mod common;

use std::io::{Read, Write};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

/// Runs `shell` in a new pseudo-terminal; types `answer` once the prompt is
/// on screen. Returns the exit code and everything the terminal showed.
fn at_a_terminal(
    sandbox: &Sandbox,
    shell: &str,
    env: &[(&str, &str)],
    answer: Option<&str>,
) -> (i32, String) {
    at_a_terminal_when(sandbox, shell, env, answer, |screen| {
        screen.contains("Password for")
    })
}

/// `at_a_terminal`, typing `answer` once `prompted` says the prompt is
/// out, given what the terminal showed so far.
fn at_a_terminal_when(
    sandbox: &Sandbox,
    shell: &str,
    env: &[(&str, &str)],
    answer: Option<&str>,
    prompted: impl Fn(&str) -> bool,
) -> (i32, String) {
    // The sandbox's whole environment: the tool run at the terminal must
    // not reach this machine's keyrings or the user's config either.
    let mut cmd = sandbox.program("script");
    cmd.args(["-qec", shell, "/dev/null"]);
    cmd.envs(env.iter().copied());
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the prompt tests");
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let screen = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                screen.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let shown = || String::from_utf8_lossy(&screen.lock().unwrap()).to_string();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(answer) = answer {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !prompted(&shown()) {
            assert!(Instant::now() < deadline, "no prompt; screen:\n{}", shown());
            std::thread::sleep(Duration::from_millis(20));
        }
        // rpassword turns echo off before it writes the prompt, so what is
        // typed now is not shown.
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running; screen:\n{}", shown());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    reader.join().unwrap();
    (status.code().unwrap_or(-1), shown())
}

fn get_line(server: &Server) -> String {
    format!(
        "'{}' get --host {} --scope project1 --username {DEMO_LOGIN}",
        bin().display(),
        server.url()
    )
}

#[test]
fn prompts_on_the_terminal_even_when_stdout_is_captured() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let shell = format!("T=$({}) && echo \"captured:$T\"", get_line(&server));
    let (code, screen) = at_a_terminal(&sandbox, &shell, &[], Some(DEMO_PASSWORD));
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains(&format!("Password for {DEMO_LOGIN} on {}: ", server.url())),
        "{screen}"
    );
    let captured = screen
        .split("captured:")
        .nth(1)
        .expect("the token was captured")
        .trim();
    assert_eq!(claims(captured)["sub"], DEMO_LOGIN);
    assert!(
        !screen.contains(DEMO_PASSWORD),
        "the password is not echoed: {screen}"
    );
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn ci_means_no_prompt_even_at_a_terminal() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let (code, screen) = at_a_terminal(&sandbox, &get_line(&server), &[("CI", "true")], None);
    assert_eq!(code, 2, "{screen}");
    assert!(
        screen.contains("no password given, and CI is set: not prompting"),
        "{screen}"
    );
    assert!(!screen.contains("Password for"));
    assert_eq!(server.token_requests(), 0);
}

#[test]
fn a_non_interactive_source_beats_the_prompt() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let (code, screen) = at_a_terminal(
        &sandbox,
        &get_line(&server),
        &[("REGARDS_PASSWORD", DEMO_PASSWORD)],
        None,
    );
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Password for"));
}

/// What runs at the pseudo-terminal has the sandbox's isolation, so the
/// tool started there never reaches this machine's keyrings or config.
#[test]
fn the_terminal_runs_with_the_sandbox_isolation() {
    let sandbox = Sandbox::new();
    let (code, screen) = at_a_terminal(&sandbox, "env", &[], None);
    assert_eq!(code, 0, "{screen}");
    for line in [
        format!("REGARDS_TOKEN_SKIP_STORES={ALL_KEYRINGS}"),
        format!("HOME={}", sandbox.path().display()),
        format!("XDG_RUNTIME_DIR={}", sandbox.path().join("run").display()),
        "REGARDS_TOKEN_CACHE=none".to_string(),
    ] {
        assert!(screen.contains(&line), "{line} not in:\n{screen}");
    }
}

/// A person is at the terminal when stdin or stderr is one: with stderr
/// sent to a file, or stdin from /dev/null, the prompt still comes (on the
/// terminal, or wherever stderr goes) and the typed password is used.
#[test]
fn prompts_when_only_stdin_or_only_stderr_is_a_terminal() {
    for redirect in ["2>\"$HOME/stderr\"", "</dev/null"] {
        let server = Server::builder().start();
        let sandbox = Sandbox::new();
        let stderr_file = sandbox.path().join("stderr");
        let shell = format!("{} {redirect}", get_line(&server));
        let prompted = |screen: &str| {
            screen.contains("Password for")
                || std::fs::read_to_string(&stderr_file).is_ok_and(|e| e.contains("Password for"))
        };
        let (code, screen) =
            at_a_terminal_when(&sandbox, &shell, &[], Some(DEMO_PASSWORD), prompted);
        assert_eq!(code, 0, "{redirect}: {screen}");
        assert_eq!(server.token_requests(), 1, "{redirect}");
        assert!(!screen.contains(DEMO_PASSWORD), "{redirect}: {screen}");
    }
}

/// With neither a terminal, there is nobody to ask: exit 2, no prompt.
#[test]
fn no_prompt_when_neither_stdin_nor_stderr_is_a_terminal() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let shell = format!(
        "{} </dev/null 2>\"$HOME/stderr\"; echo \"exit:$?\"",
        get_line(&server)
    );
    let (_, screen) = at_a_terminal(&sandbox, &shell, &[], None);
    assert!(screen.contains("exit:2"), "{screen}");
    let stderr = std::fs::read_to_string(sandbox.path().join("stderr")).unwrap();
    assert!(
        stderr.contains("no password given and no terminal to ask for one"),
        "{stderr}"
    );
    assert!(!screen.contains("Password for") && !stderr.contains("Password for"));
    assert_eq!(server.token_requests(), 0);
}
