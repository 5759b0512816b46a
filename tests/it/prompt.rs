//! The hidden password prompt, under a real pseudo-terminal made by
//! `script` (util-linux): it appears only when a person is at a terminal,
//! reads the terminal even when stdout is captured, and echoes nothing;
//! every way out of it gives the terminal back.

// Pseudo-terminals, `stty` and the signals sent here are Unix's.
#![cfg(unix)]
// `script -qec` is util-linux's; macOS's `script` takes other options, and
// Windows has no pseudo-terminal to drive this way.
#![cfg(target_os = "linux")]

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// A shell running in a new pseudo-terminal made by `script`, and what
/// the terminal has shown so far.
struct Terminal {
    child: std::process::Child,
    keys: std::process::ChildStdin,
    screen: Arc<Mutex<Vec<u8>>>,
    reader: std::thread::JoinHandle<()>,
}

/// The signals that end the prompt, and that the tests send.
const ENDING_SIGNALS: [libc::c_int; 4] = [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP];

/// Generous: the machine running the tests may be busy building.
const PATIENCE: Duration = Duration::from_secs(60);

impl Terminal {
    fn start(sandbox: &Sandbox, shell: &str, env: &[(&str, &str)]) -> Terminal {
        // The sandbox's whole environment: the tool run at the terminal must
        // not reach this machine's keyrings or the user's config either.
        let mut cmd = sandbox.program("script");
        cmd.args(["-qec", shell, "/dev/null"]);
        cmd.envs(env.iter().copied());
        // The signals the tests send act as they do at a user's terminal,
        // even when the tests themselves run with some ignored (`nohup`
        // ignores SIGHUP, a shell's background job SIGINT and SIGQUIT): an
        // ignored signal stays ignored across exec, and the tool rightly
        // leaves it so.
        // SAFETY: signal() is async-signal-safe, as pre_exec requires.
        unsafe {
            cmd.pre_exec(|| {
                for signal in ENDING_SIGNALS {
                    libc::signal(signal, libc::SIG_DFL);
                }
                Ok(())
            });
        }
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
        let keys = child.stdin.take().unwrap();
        Terminal {
            child,
            keys,
            screen,
            reader,
        }
    }

    fn shown(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().unwrap()).to_string()
    }

    /// Waits until `text` is on screen, rather than for a fixed time.
    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while !self.shown().contains(text) {
            assert!(
                Instant::now() < deadline,
                "{text:?} never shown; screen:\n{}",
                self.shown()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `keys` (control characters included) at the terminal.
    fn type_keys(&mut self, keys: &[u8]) {
        self.keys.write_all(keys).unwrap();
        self.keys.flush().unwrap();
    }

    /// Waits for the shell to end; returns its exit code and the screen.
    fn finish(mut self) -> (i32, String) {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("still running; screen:\n{}", self.shown());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(self.keys);
        self.reader.join().unwrap();
        let screen = String::from_utf8_lossy(&self.screen.lock().unwrap()).to_string();
        (status.code().unwrap_or(-1), screen)
    }
}

/// Runs `shell` in a new pseudo-terminal; types `answer` once the prompt is
/// on screen. Returns the exit code and everything the terminal showed.
fn at_a_terminal(
    sandbox: &Sandbox,
    shell: &str,
    env: &[(&str, &str)],
    answer: Option<&str>,
) -> (i32, String) {
    let mut terminal = Terminal::start(sandbox, shell, env);
    if let Some(answer) = answer {
        // Echo is off before the prompt is written, so what is typed now
        // is not shown.
        terminal.wait_for("Password for");
        terminal.type_keys(format!("{answer}\n").as_bytes());
    }
    terminal.finish()
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

// Every way out of the prompt gives the terminal back as it was. The tool
// runs as the README teaches, `T=$(regards-token get)`, in a shell that
// survives a Ctrl-C or a Ctrl-\ (its traps are reset for the tool), then
// shows the tool's exit status, what it printed, what was left typed and
// unread at the terminal, and whether the terminal's settings are still
// those it had before.

/// Typed at the prompt, never sent: no test here ends with Enter after it.
const TYPED: &str = "hunter2-typed";

/// The shell line: the tool's process id goes to `tool.pid` (the inner
/// shell execs the tool), for the tests that signal it.
fn prompt_and_report(server: &Server) -> String {
    format!(
        "trap : INT QUIT; ulimit -c 0; before=$(stty -g); \
         T=$(sh -c 'echo $$ > tool.pid; exec \"$@\"' sh {get}); status=$?; \
         after=$(stty -g); \
         stty -icanon min 0 time 0; left=$(dd bs=256 count=1 2>/dev/null); stty \"$after\"; \
         echo \"status:$status stdout:[$T] left:[$left]\"; \
         if [ \"$before\" = \"$after\" ]; then echo settings:same; else echo settings:changed; fi; \
         stty -a",
        get = get_line(server)
    )
}

/// Starts the tool at a terminal and waits for its prompt.
fn at_the_prompt(sandbox: &Sandbox, server: &Server) -> Terminal {
    let terminal = Terminal::start(sandbox, &prompt_and_report(server), &[]);
    terminal.wait_for(&prompt_text(server));
    terminal
}

fn prompt_text(server: &Server) -> String {
    format!("Password for {DEMO_LOGIN} on {}: ", server.url())
}

/// Sends `signal` to the tool waiting at its prompt.
fn signal_the_tool(sandbox: &Sandbox, signal: libc::c_int) {
    let pid: libc::pid_t = std::fs::read_to_string(sandbox.path().join("tool.pid"))
        .expect("the tool's pid")
        .trim()
        .parse()
        .expect("a pid");
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "kill {pid}");
}

/// What every way out of the prompt leaves: the exit status `status` in
/// the shell, nothing captured from stdout, nothing typed left for the
/// shell to read, the terminal's settings as they were (echo on), the
/// prompt's line ended, nothing typed shown and no login sent. Returns
/// what the terminal showed after the prompt.
fn gave_the_terminal_back((code, screen): (i32, String), server: &Server, status: i32) -> String {
    assert_eq!(code, 0, "the shell ran to its end:\n{screen}");
    assert!(
        screen.contains(&format!("status:{status} stdout:[] left:[]")),
        "exit status {status}, empty stdout, nothing left typed:\n{screen}"
    );
    assert!(
        screen.contains("settings:same"),
        "the terminal's settings are those it had before:\n{screen}"
    );
    let stty = screen.split("settings:").nth(1).unwrap_or_default();
    let words: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        words.contains(&"echo") && !words.contains(&"-echo"),
        "echo is on:\n{screen}"
    );
    let after = screen
        .split(&prompt_text(server))
        .nth(1)
        .unwrap_or_else(|| panic!("no prompt:\n{screen}"));
    assert!(
        after.starts_with("\r\n") || after.starts_with('\n'),
        "the prompt's line is ended before anything else is shown: {after:?}"
    );
    assert!(
        !screen.contains(TYPED),
        "what was typed is not shown:\n{screen}"
    );
    assert!(!screen.contains(DEMO_PASSWORD), "{screen}");
    assert_eq!(server.token_requests(), 0, "no login was sent");
    after.to_string()
}

#[test]
fn ctrl_c_at_the_prompt_gives_the_terminal_back() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    terminal.type_keys(format!("{TYPED}\x03").as_bytes());
    gave_the_terminal_back(terminal.finish(), &server, 128 + libc::SIGINT);
}

#[test]
fn ctrl_backslash_at_the_prompt_gives_the_terminal_back() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    terminal.type_keys(format!("{TYPED}\x1c").as_bytes());
    gave_the_terminal_back(terminal.finish(), &server, 128 + libc::SIGQUIT);
}

#[test]
fn sigterm_at_the_prompt_gives_the_terminal_back() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let terminal = at_the_prompt(&sandbox, &server);
    signal_the_tool(&sandbox, libc::SIGTERM);
    gave_the_terminal_back(terminal.finish(), &server, 128 + libc::SIGTERM);
}

#[test]
fn sighup_at_the_prompt_gives_the_terminal_back() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let terminal = at_the_prompt(&sandbox, &server);
    signal_the_tool(&sandbox, libc::SIGHUP);
    gave_the_terminal_back(terminal.finish(), &server, 128 + libc::SIGHUP);
}

/// `cargo test` under `nohup` starts this test with SIGHUP ignored: it
/// still gets the tool a SIGHUP it acts on. The test runs again in a copy
/// of this test program that ignores SIGHUP, as `nohup` leaves it.
#[test]
fn the_sighup_test_passes_when_the_tests_ignore_sighup() {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "prompt::sighup_at_the_prompt_gives_the_terminal_back",
        "--exact",
        "--test-threads=1",
    ]);
    // SAFETY: signal() is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ctrl_d_at_the_prompt_ends_its_line_before_the_error() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    terminal.type_keys(b"\x04");
    let after = gave_the_terminal_back(terminal.finish(), &server, 2);
    let error = after.trim_start().lines().next().unwrap_or_default();
    assert_eq!(
        error.trim_end(),
        "regards-token: error: no password typed at the prompt (end of input)"
    );
}

/// Ctrl-D after some characters only hands them over; a second one ends
/// the input. What was typed without Enter is never sent as a password.
#[test]
fn ctrl_d_after_some_characters_sends_nothing() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    terminal.type_keys(format!("{TYPED}\x04\x04").as_bytes());
    let after = gave_the_terminal_back(terminal.finish(), &server, 2);
    assert!(after.contains("no password typed at the prompt"), "{after}");
}

/// A terminal that does not send UTF-8 (a Latin-1 `é`): the bytes are
/// refused, not sent as replacement characters the server would count as
/// a wrong password.
#[test]
fn a_password_that_is_not_utf8_is_refused_and_the_terminal_given_back() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    terminal.type_keys(b"caf\xe9\n");
    let after = gave_the_terminal_back(terminal.finish(), &server, 2);
    let error = after.trim_start().lines().next().unwrap_or_default();
    assert_eq!(
        error.trim_end(),
        "regards-token: error: cannot read the password from the terminal: it is not valid UTF-8"
    );
}

/// A second line typed after the answer (a password typed twice) is thrown
/// away with the prompt, not left for the shell to show and keep.
#[test]
fn what_was_typed_after_the_answer_is_not_left_for_the_shell() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut terminal = at_the_prompt(&sandbox, &server);
    // Not UTF-8, so no login is sent; one write, so the second line is at
    // the terminal before the first is answered.
    terminal.type_keys(&[&b"caf\xe9\n"[..], TYPED.as_bytes(), b"\n"].concat());
    let after = gave_the_terminal_back(terminal.finish(), &server, 2);
    assert!(after.contains("not valid UTF-8"), "{after}");
}

/// A person is at the terminal when stdin or stderr is one: with stderr
/// sent to a file, or stdin from /dev/null, the prompt still comes on the
/// terminal and the typed password is used.
#[test]
fn prompts_when_only_stdin_or_only_stderr_is_a_terminal() {
    for redirect in ["2>\"$HOME/stderr\"", "</dev/null"] {
        let server = Server::builder().start();
        let sandbox = Sandbox::new();
        let shell = format!("{} {redirect}", get_line(&server));
        let (code, screen) = at_a_terminal(&sandbox, &shell, &[], Some(DEMO_PASSWORD));
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
