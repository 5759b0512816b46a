//! The binary against hostile or broken surroundings: servers that send
//! too much, too slowly or nothing; a keyring that never answers; runs
//! killed at the worst moment; a cache that cannot be written. Every run
//! here is made at `-vv` under `umask 000`, with a password and a client
//! secret the server knows, and is checked for leaking either (or the
//! token, outside stdout on success) and for leaving anything readable by
//! group or others under its sandbox.
//!
//! On Windows the runs are made as they are: it has no umask and no mode
//! bits to check, no `sh` for the preludes, and no Secret Service.

use std::collections::hash_map::RandomState;
use std::ffi::OsStr;
use std::fs::{File, TryLockError};
use std::hash::BuildHasher;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
#[cfg(secret_service)]
use std::os::unix::net::{UnixListener, UnixStream};
#[cfg(unix)]
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::*;

const LOGIN: &str = "sam@example.org";
const PASSWORD: &str = "Pa55-w0rd-HARDENING";
const CLIENT_SECRET: &str = "client-secret-HARDENING";
const MIB: usize = 1024 * 1024;

/// A server that knows `LOGIN`/`PASSWORD` and the client secret, with the
/// scripted answers first.
fn server(script: Vec<Canned>) -> Server {
    Server::builder()
        .client("client", CLIENT_SECRET)
        .user(User::new(LOGIN, PASSWORD).in_project("project1", "ADMIN"))
        .script(script)
        .start()
}

/// The cache key `get` files the entries of `server` under.
fn entry_key(server: &Server) -> regards_token::cache::CacheKey {
    regards_token::cache::CacheKey {
        host: regards_token::host::Host::parse(&server.url())
            .expect("the test server's URL")
            .as_str()
            .to_string(),
        scope: "project1".into(),
        username: LOGIN.into(),
        client_id: "client".into(),
    }
}

/// `get` at `-vv` with the password and the client secret in the
/// environment (where CI systems put them).
fn get(sandbox: &Sandbox, url: &str) -> Command {
    let mut cmd = sandbox.std_cmd();
    cmd.args(["get", "--host", url, "-s", "project1", "-u", LOGIN, "-vv"])
        .env("REGARDS_PASSWORD", PASSWORD)
        .env("REGARDS_CLIENT_SECRET", CLIENT_SECRET);
    cmd
}

/// `cmd` started by `sh` after `umask 000` and `prelude` (more shell
/// commands, e.g. `ulimit`), with the same environment and folder. `exec`
/// keeps the process id, so killing the child kills the tool itself.
#[cfg(unix)]
fn hostile(cmd: &Command, prelude: &str) -> Command {
    let mut shell = around("sh", cmd);
    shell
        .arg("-c")
        .arg(format!("umask 000; {prelude} exec \"$0\" \"$@\""))
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdin(Stdio::null());
    shell
}

/// Windows has no umask and no `sh`: `cmd` as it is.
#[cfg(not(unix))]
fn hostile(cmd: &Command, prelude: &str) -> Command {
    assert_eq!(prelude, "", "shell preludes are for Unix");
    let mut same = around(cmd.get_program(), cmd);
    same.args(cmd.get_args()).stdin(Stdio::null());
    same
}

/// Whether a child ended because it was killed.
#[cfg(unix)]
fn was_killed(status: ExitStatus) -> bool {
    status.signal().is_some()
}

/// Windows ends a killed process with exit code 1 (`TerminateProcess`);
/// the runs killed here exit 0 when they finish first.
#[cfg(not(unix))]
fn was_killed(status: ExitStatus) -> bool {
    !status.success()
}

fn ran(output: std::process::Output) -> Ran {
    Ran {
        code: output.status.code().unwrap_or_else(|| {
            panic!(
                "killed ({}); stderr:\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
        }),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// Runs `cmd` hostilely, then checks what every run must keep: no secret
/// in its output, and nothing readable by others under the sandbox.
fn run_checked(sandbox: &Sandbox, cmd: &Command, prelude: &str) -> Ran {
    let out = ran(hostile(cmd, prelude).output().expect("run sh"));
    out.leaks_none(&[PASSWORD, CLIENT_SECRET]);
    if out.code == 0 {
        let token = out.stdout.trim_end();
        assert!(!token.is_empty());
        assert!(
            !out.stderr.contains(token),
            "stderr leaks the token:\n{}",
            out.stderr
        );
    }
    // Windows files have no mode bits to check.
    #[cfg(unix)]
    assert_private(sandbox.path(), &[]);
    #[cfg(not(unix))]
    let _ = sandbox;
    out
}

/// Asserts no file or folder under `root` (other than `except`) can be
/// read, written or entered by group or others. Returns how many were
/// checked.
#[cfg(unix)]
fn assert_private(root: &Path, except: &[&Path]) -> usize {
    let mut checked = 0;
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("list folder").path();
            if except.contains(&path.as_path()) {
                continue;
            }
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::symlink_metadata(&path).expect("stat");
            assert_eq!(
                meta.permissions().mode() & 0o077,
                0,
                "{} is mode {:o}",
                path.display(),
                meta.permissions().mode() & 0o7777
            );
            checked += 1;
            if meta.is_dir() {
                pending.push(path);
            }
        }
    }
    checked
}

fn tokens_dir(sandbox: &Sandbox) -> PathBuf {
    sandbox.path().join("cache/regards-token/tokens")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("list").path()).collect(),
        Err(_) => vec![],
    }
}

fn named(path: &Path) -> &str {
    path.file_name().and_then(OsStr::to_str).expect("a name")
}

/// The lock file of the one cache key the tests use.
fn key_lock(sandbox: &Sandbox) -> PathBuf {
    files_in(&sandbox.path().join("run/regards-token"))
        .into_iter()
        .find(|p| named(p).ends_with(".lock") && named(p) != "index.lock")
        .expect("a login lock file")
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < limit,
            "{what} did not happen in {limit:?}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

// ---- a raw HTTP server, for answers the test server cannot script ----------

/// Serves every connection with `answer` after reading the request, and
/// counts the body bytes it managed to write.
struct RawServer {
    url: String,
    written: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(answer: fn(&mut TcpStream, &AtomicUsize)) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let written = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (w, r) = (written.clone(), requests.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                r.fetch_add(1, Ordering::SeqCst);
                let w = w.clone();
                thread::spawn(move || {
                    if read_request(&mut stream).is_ok() {
                        answer(&mut stream, &w);
                    }
                });
            }
        });
        RawServer {
            url,
            written,
            requests,
        }
    }
}

/// Reads one request head and its `Content-Length` body.
fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !seen.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        seen.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&seen).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)
}

/// A 200 with no length that never ends (up to 256 MiB).
fn endless_body(stream: &mut TcpStream, written: &AtomicUsize) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let chunk = [b'7'; 64 * 1024];
    while written.load(Ordering::SeqCst) < 256 * MIB {
        match stream.write(&chunk) {
            Ok(n) => written.fetch_add(n, Ordering::SeqCst),
            Err(_) => return,
        };
    }
}

/// A complete head announcing 100000 bytes, then one byte every 100 ms
/// for 15 s.
fn trickled_body(stream: &mut TcpStream, written: &AtomicUsize) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"access_token\":\"";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    trickle(stream, written);
}

/// The status line, then a header one byte every 100 ms for 15 s.
fn trickled_head(stream: &mut TcpStream, written: &AtomicUsize) {
    if stream.write_all(b"HTTP/1.1 200 OK\r\nX-Slow: ").is_err() {
        return;
    }
    trickle(stream, written);
}

fn trickle(stream: &mut TcpStream, written: &AtomicUsize) {
    for _ in 0..150 {
        thread::sleep(Duration::from_millis(100));
        if stream
            .write_all(b"a")
            .and_then(|()| stream.flush())
            .is_err()
        {
            return;
        }
        written.fetch_add(1, Ordering::SeqCst);
    }
}

// ---- 1. hostile or broken servers ------------------------------------------

/// An answer announcing 64 MiB is refused as not a token answer (exit 5)
/// right away, not downloaded first, and not retried: a misconfigured
/// host serving a large file must not cost the download, nor memory.
#[test]
fn a_64_mib_answer_is_refused_without_downloading_it() {
    let server = server(vec![Canned::Huge(64 * MIB)]);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &server.url()).args(["--cache", "file"]),
        "",
    );
    assert!(
        out.fails(5).contains("more than 1048576 bytes"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(20), "bounded");
    assert_eq!(server.token_requests(), 1, "not retried");
}

/// A `Content-Length` over 1 MiB is refused on its own, before any of
/// the body is read: here the server then closes without sending one,
/// which a client reading on would report as a broken connection (exit 4).
/// One of exactly 1 MiB is read (and is no JSON here).
#[test]
fn an_over_long_content_length_is_refused_before_the_body() {
    let head = |len: usize| {
        format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n{{\"a")
            .into_bytes()
    };
    let over = server(vec![Canned::Bytes(head(MIB + 1))]);
    let sandbox = Sandbox::new();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &over.url()).args(["--retries", "2"]),
        "",
    );
    assert_eq!(
        out.fails(5),
        format!(
            "regards-token: error: {} answered with more than 1048576 bytes, far more than a token",
            over.url()
        )
    );
    assert_eq!(over.token_requests(), 1);

    let exact = server(vec![Canned::Huge(MIB)]);
    let out = run_checked(
        &sandbox,
        get(&sandbox, &exact.url()).args(["--retries", "2"]),
        "",
    );
    assert!(
        out.fails(5)
            .contains("answered with something that is not JSON (HTTP 200)"),
        "{}",
        out.stderr
    );
}

/// An answer with no length that never ends can only stop if the client
/// cuts it: it is reported after about 1 MiB (exit 5), and the server
/// could write no more than that plus the sockets' buffers.
#[test]
fn an_endless_answer_is_cut_off_after_1_mib() {
    let raw = RawServer::start(endless_body);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &raw.url).args(["--cache", "file", "--timeout", "30s", "--retries", "0"]),
        "",
    );
    assert!(
        out.fails(5).contains("more than 1048576 bytes"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(20), "bounded");
    assert_eq!(raw.requests.load(Ordering::SeqCst), 1);
    // Loopback socket buffers hold a few MiB at most; reading it all
    // would have taken the whole 256 MiB.
    thread::sleep(Duration::from_millis(200));
    let written = raw.written.load(Ordering::SeqCst);
    assert!(written >= MIB, "the server wrote {written} bytes");
    assert!(written < 32 * MIB, "the client read on: {written} bytes");
}

/// A server that accepts the request and never answers costs `--timeout`
/// per attempt, not forever (exit 4).
#[test]
fn a_server_that_never_answers_costs_the_timeout() {
    let server = server(vec![Canned::Hang]);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &server.url()).args([
            "--cache",
            "file",
            "--timeout",
            "500ms",
            "--retries",
            "0",
        ]),
        "",
    );
    let error = out.fails(4);
    assert!(error.contains("no answer from"), "{}", out.stderr);
    assert!(error.contains("within 500ms"), "{}", out.stderr);
    // At most about twice the timeout (see README), plus a process start.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "bounded by --timeout: {:?}",
        started.elapsed()
    );
    assert_eq!(server.token_requests(), 1);
}

/// Runs `get --timeout 1s --retries 0` against `raw` and asserts the
/// attempt was cut at the timeout (exit 4), whatever the server still
/// meant to send.
fn bounded_by_a_1s_timeout(answer: fn(&mut TcpStream, &AtomicUsize)) {
    let raw = RawServer::start(answer);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &raw.url).args(["--cache", "file", "--timeout", "1s", "--retries", "0"]),
        "",
    );
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(4),
        "a 1s timeout took {elapsed:?}; stderr:\n{}",
        out.stderr
    );
    let error = out.fails(4);
    assert!(
        error.contains("no answer from") && error.contains("within 1s"),
        "{}",
        out.stderr
    );
    assert_eq!(raw.requests.load(Ordering::SeqCst), 1);
}

/// README: `--timeout` "bounds each attempt from connecting to the last
/// byte of the answer". A server that sends its headers, then keeps the
/// connection alive with one body byte every 100 ms (for 15 s), must not
/// stretch a 1 s attempt.
#[test]
fn a_trickling_body_costs_the_timeout() {
    bounded_by_a_1s_timeout(trickled_body);
}

/// The same with the headers themselves trickling in.
#[test]
fn trickling_headers_cost_the_timeout() {
    bounded_by_a_1s_timeout(trickled_head);
}

/// A connection that breaks mid-body broke after the server had the
/// password: it may have been judged, so it is not sent again, whatever
/// `--retries` says, and the next run with it is held back too.
#[test]
fn an_answer_broken_mid_body_is_one_attempt() {
    let server = server(vec![
        Canned::CloseMidBody,
        Canned::CloseMidBody,
        Canned::CloseMidBody,
    ]);
    let sandbox = Sandbox::new();
    let out = run_checked(
        &sandbox,
        get(&sandbox, &server.url()).args(["--cache", "file", "--retries", "2"]),
        "",
    );
    assert!(
        out.fails(4).contains("broke after the login was sent"),
        "{}",
        out.stderr
    );
    assert_eq!(server.token_requests(), 1);
    assert!(!out.stderr.contains("retrying"), "{}", out.stderr);
    let again = run_checked(
        &sandbox,
        get(&sandbox, &server.url()).args(["--cache", "file"]),
        "",
    );
    assert!(
        again
            .fails(4)
            .contains("the same password is not sent again"),
        "{}",
        again.stderr
    );
    assert_eq!(server.token_requests(), 1);
}

// ---- 2. a keyring that hangs -------------------------------------------------

/// A D-Bus "session bus" that accepts connections and never says a word:
/// what a wedged dbus-daemon or a keyring stuck on a prompt looks like.
// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
struct SilentBus {
    _dir: tempfile::TempDir,
    address: String,
    accepted: Arc<std::sync::Mutex<Vec<UnixStream>>>,
}

#[cfg(secret_service)]
impl SilentBus {
    fn start() -> SilentBus {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bus");
        let listener = UnixListener::bind(&path).expect("bind a unix socket");
        let accepted = Arc::new(std::sync::Mutex::new(Vec::new()));
        let held = accepted.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // Held open, never read or answered.
                held.lock().expect("not poisoned").push(stream);
            }
        });
        SilentBus {
            address: format!("unix:path={}", path.display()),
            _dir: dir,
            accepted,
        }
    }

    fn connections(&self) -> usize {
        self.accepted.lock().expect("not poisoned").len()
    }

    /// `get` with only the Secret Service tier, on this bus.
    fn get(&self, sandbox: &Sandbox, server: &Server, cache: &str) -> Command {
        let mut cmd = get(sandbox, &server.url());
        cmd.args(["--cache", cache])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("REGARDS_TOKEN_SKIP_STORES", "keyutils,keychain,windows");
        cmd
    }
}

/// Under `--cache auto` a keyring that never answers costs the probe's
/// deadline (2 s without a terminal), then the token is kept in a file with
/// the one warning saying why, and the run succeeds.
// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
#[test]
fn a_silent_keyring_costs_auto_its_deadline_then_files_are_used() {
    let bus = SilentBus::start();
    let server = server(vec![]);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(&sandbox, &bus.get(&sandbox, &server, "auto"), "");
    let elapsed = started.elapsed();
    let token = out.ok().trim_end().to_string();
    assert_eq!(claims(&token)["sub"], LOGIN);
    // The 2 s probe deadline, and not much more.
    assert!(elapsed < Duration::from_secs(6), "took {elapsed:?}");
    assert!(bus.connections() >= 1, "the bus was really tried");
    let warning = out
        .stderr
        .lines()
        .find(|l| l.starts_with("regards-token: warning: no system keyring is usable ("))
        .unwrap_or_else(|| panic!("no fallback warning:\n{}", out.stderr));
    assert!(
        warning.contains("the Secret Service did not answer in time"),
        "{warning}"
    );
    assert!(
        warning.contains("so the token was kept in a private file: "),
        "{warning}"
    );
    let stored: Vec<PathBuf> = files_in(&tokens_dir(&sandbox))
        .into_iter()
        .filter(|p| named(p).ends_with(".json"))
        .collect();
    assert_eq!(stored.len(), 1, "the token went to the file store");
    assert_eq!(server.token_requests(), 1);
}

/// Under `--cache keyring` the same silent keyring is exit 6 "keyring
/// unavailable" within the same bound, before any password is sent.
// The Secret Service is the keyring of Linux and the BSDs only.
#[cfg(secret_service)]
#[test]
fn a_silent_keyring_fails_cache_keyring_with_code_6_in_time() {
    let bus = SilentBus::start();
    let server = server(vec![]);
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = run_checked(&sandbox, &bus.get(&sandbox, &server, "keyring"), "");
    let elapsed = started.elapsed();
    assert!(
        out.fails(6).starts_with(
            "regards-token: error: keyring unavailable (secret-service: no answer within 2s"
        ),
        "{}",
        out.stderr
    );
    assert!(out.hint().contains("--cache auto"), "{}", out.stderr);
    // The 2 s probe deadline, and not much more.
    assert!(elapsed < Duration::from_secs(6), "took {elapsed:?}");
    assert!(bus.connections() >= 1, "the bus was really tried");
    assert_eq!(server.token_requests(), 0, "no password was sent");
}

// ---- 3. killed at the worst moment --------------------------------------------

fn is_held(lock: &Path) -> bool {
    match File::open(lock).expect("open the lock").try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(err)) => panic!("cannot try the lock: {err}"),
    }
}

/// A run killed (SIGKILL: no clean-up code runs) while it holds the login
/// lock must not leave the lock taken: the next run gets it at once.
#[test]
fn a_run_killed_inside_the_login_lock_does_not_block_the_next() {
    let server = server(vec![Canned::Delay(Duration::from_secs(3))]);
    let sandbox = Sandbox::new();
    let mut cmd = get(&sandbox, &server.url());
    cmd.args(["--cache", "file"]);
    let mut child = hostile(&cmd, "")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    // The request reached the server: the run is inside the lock.
    wait_for("the login request", Duration::from_secs(10), || {
        server.token_requests() == 1
    });
    thread::sleep(Duration::from_millis(300));
    let lock = key_lock(&sandbox);
    assert!(is_held(&lock), "the run holds {}", lock.display());
    child.kill().expect("SIGKILL");
    let killed = child.wait_with_output().expect("reap");
    #[cfg(unix)]
    assert_eq!(killed.status.signal(), Some(libc::SIGKILL));
    #[cfg(not(unix))]
    assert!(was_killed(killed.status), "{:?}", killed.status);
    assert!(killed.stdout.is_empty());
    let said = String::from_utf8_lossy(&killed.stderr);
    for secret in [PASSWORD, CLIENT_SECRET] {
        assert!(!said.contains(secret), "stderr leaks {secret:?}:\n{said}");
    }
    assert!(!is_held(&lock), "the kernel released the lock");

    // The next run gets the lock at once, and meets what the killed run
    // left: it sent the password and got no answer, so the server may
    // have judged it. The same password is not sent again.
    let started = Instant::now();
    let next = || {
        let mut cmd = get(&sandbox, &server.url());
        cmd.args(["--cache", "file", "--lock-timeout", "2s"]);
        cmd
    };
    let out = run_checked(&sandbox, &next(), "");
    assert!(
        out.fails(4).contains("ended without an answer"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("waiting for another regards-token run"),
        "{}",
        out.stderr
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.token_requests(), 1);
    // Once the attempt could have ended (about twice --timeout), and half
    // a minute more, the password goes again; or at once after a logout,
    // which forgets the marker.
    let logout = sandbox.std_cmd().args(["logout", "--all"]).output();
    assert!(logout.expect("run logout").status.success());
    let out = run_checked(&sandbox, &next(), "");
    assert_eq!(claims(out.ok().trim_end())["sub"], LOGIN);
    assert_eq!(server.token_requests(), 2);
}

/// Runs killed at random moments of `get --refresh` (so some die while
/// storing the token) never leave a half-written entry: every entry file
/// is a complete, valid entry, the next run never finds a corrupt one, and
/// `status` still reads the index.
#[test]
fn runs_killed_while_storing_leave_a_whole_entry() {
    let server = server(vec![]);
    let sandbox = Sandbox::new();
    let file_get = || {
        let mut cmd = get(&sandbox, &server.url());
        cmd.args(["--cache", "file"]).arg("--refresh");
        cmd
    };
    // How long a whole run takes here, so that the kills spread over all of
    // it, the store at its end included.
    let mut whole = Duration::ZERO;
    for _ in 0..3 {
        let started = Instant::now();
        run_checked(&sandbox, &file_get(), "").ok();
        whole = whole.max(started.elapsed());
    }
    let whole = u64::try_from(whole.as_micros())
        .expect("a short run")
        .clamp(1_000, 30_000);
    let random = RandomState::new();
    let (mut killed, mut finished) = (0, 0);
    for round in 0..40u64 {
        let mut child = hostile(&file_get(), "")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start");
        thread::sleep(Duration::from_micros(random.hash_one(round) % whole));
        child.kill().expect("SIGKILL");
        if was_killed(child.wait().expect("reap")) {
            killed += 1;
        } else {
            finished += 1;
        }
        for path in files_in(&tokens_dir(&sandbox)) {
            if named(&path).ends_with(".json") {
                let bytes = std::fs::read(&path).expect("read the entry");
                if let Err(why) = regards_token::cache::entry::decode(&bytes, &entry_key(&server)) {
                    panic!("round {round}: {} is {why}", path.display());
                }
            }
        }
        let index = sandbox.path().join("cache/regards-token/index.json");
        if let Ok(bytes) = std::fs::read(&index) {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|err| panic!("round {round}: the index is not JSON: {err}"));
        }
        // Without --refresh: a hit on the entry left, never a corrupt one.
        let mut check = get(&sandbox, &server.url());
        check.args(["--cache", "file"]);
        let out = run_checked(&sandbox, &check, "");
        assert_eq!(claims(out.ok().trim_end())["sub"], LOGIN);
        assert!(
            !out.stderr.contains("ignoring the cached entry"),
            "round {round}:\n{}",
            out.stderr
        );
    }
    let leftovers = files_in(&tokens_dir(&sandbox))
        .iter()
        .filter(|p| named(p).starts_with(".tmp-"))
        .count();
    eprintln!(
        "{killed} runs killed, {finished} finished first (a run takes {whole} µs), \
         {leftovers} temporary files left"
    );
    assert!(killed > 0, "no run was killed: the test proved nothing");
    let status = ran(sandbox.cmd().arg("status").output().expect("status"));
    assert_eq!(status.ok().lines().count(), 1, "{}", status.stdout);
}

// ---- 4. a cache that cannot be written ---------------------------------------

/// A token that cannot be stored is still printed, with a warning, and
/// leaves no partial file: here the cache folder cannot exist (a path under
/// a regular file, which even root cannot make), then every file write
/// fails (a file size limit of 0, with SIGXFSZ ignored, as for a full
/// disk without root's mount rights).
#[test]
fn an_unwritable_cache_only_costs_a_warning() {
    let server = server(vec![]);
    let sandbox = Sandbox::new();
    let blocker = sandbox.path().join("not-a-folder");
    std::fs::write(&blocker, "").expect("write");
    make_private(&blocker);
    let mut cmd = get(&sandbox, &server.url());
    cmd.args(["--cache", "file"])
        .env(CACHE_HOME, blocker.join("cache"));
    let out = run_checked(&sandbox, &cmd, "");
    assert_eq!(claims(out.ok().trim_end())["sub"], LOGIN);
    assert!(
        out.stderr
            .contains("regards-token: warning: the token was not cached (file)"),
        "{}",
        out.stderr
    );

    // No file can be written at all (`ulimit -f 0`, a Unix shell's): not
    // even the marker that keeps parallel runs from each sending the
    // password. Then the run does not send it (exit 2), and leaves nothing
    // behind.
    #[cfg(unix)]
    {
        let sandbox = Sandbox::new();
        let mut cmd = get(&sandbox, &server.url());
        cmd.args(["--cache", "file"]);
        let out = run_checked(&sandbox, &cmd, "trap '' XFSZ; ulimit -f 0;");
        assert!(
            out.fails(2).contains("cannot write the login marker"),
            "{}",
            out.stderr
        );
        assert_eq!(server.token_requests(), 1, "not sent");
        assert_eq!(
            files_in(&tokens_dir(&sandbox)),
            Vec::<PathBuf>::new(),
            "no entry and no temporary file left"
        );
        // With room again, the next run logs in, and works.
        let out = run_checked(&sandbox, &cmd, "");
        assert_eq!(claims(out.ok().trim_end())["sub"], LOGIN);
        assert_eq!(server.token_requests(), 2);
    }
}

/// Unmounts a tmpfs when dropped, even when the test fails.
#[cfg(target_os = "linux")]
struct Mounted(PathBuf);

#[cfg(target_os = "linux")]
impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A cache folder on a full disk (a 4 KiB tmpfs, filled): the token is
/// printed with a warning and no partial file is left. Needs the right to
/// mount (root with CAP_SYS_ADMIN); skipped with a message otherwise.
// A tmpfs is Linux's.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_only_costs_a_warning() {
    let sandbox = Sandbox::new();
    let disk = tempfile::tempdir().expect("temp dir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4k,mode=0700", "tmpfs"])
        .arg(disk.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("a_full_disk_only_costs_a_warning: SKIPPED: cannot mount a tmpfs here");
        return;
    }
    let _unmount = Mounted(disk.path().to_path_buf());
    let filler = disk.path().join("filler");
    let mut file = std::fs::OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(&filler)
        .expect("create the filler");
    set_mode(&filler, 0o600);
    let chunk = [0u8; 4096];
    while file.write_all(&chunk).is_ok() {}
    drop(file);

    // The lock folder full too: the marker that keeps parallel runs from
    // each sending the password cannot be written, so none is sent.
    let server = server(vec![]);
    let mut cmd = get(&sandbox, &server.url());
    cmd.args(["--cache", "file"])
        .env(CACHE_HOME, disk.path().join("cache"))
        .env("XDG_RUNTIME_DIR", disk.path().join("run"));
    let out = run_checked(&sandbox, &cmd, "");
    assert!(
        out.fails(2).contains("cannot write the login marker"),
        "{}",
        out.stderr
    );
    assert!(out.hint().contains("free some space"), "{}", out.stderr);
    assert_eq!(server.token_requests(), 0);

    // Only the cache full: the token is printed, not cached.
    let mut cmd = get(&sandbox, &server.url());
    cmd.args(["--cache", "file"])
        .env(CACHE_HOME, disk.path().join("cache"));
    let out = run_checked(&sandbox, &cmd, "");
    assert_eq!(claims(out.ok().trim_end())["sub"], LOGIN);
    assert!(
        out.stderr
            .contains("regards-token: warning: the token was not cached (file)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("No space left on device"),
        "{}",
        out.stderr
    );
    let tokens = disk.path().join("cache/regards-token/tokens");
    assert_eq!(
        files_in(&tokens),
        Vec::<PathBuf>::new(),
        "no entry and no temporary file left"
    );
    let checked = assert_private(disk.path(), &[]);
    assert!(checked >= 3, "the cache and lock folders were made");
}

// ---- 5. secrets ------------------------------------------------------------------

/// README: "A `login:password@` written into `--host` is refused and not
/// echoed." Passwords often hold `/`, `?` or `#`, which a person pasting
/// `login:password@` into a URL does not percent-encode; the refusal (exit
/// 2) must not quote the password, from the flag or the variable.
#[test]
fn a_password_pasted_into_the_host_is_never_echoed() {
    let sandbox = Sandbox::new();
    for secret in [
        "Pasted-HOST-pw",
        "Pasted/HOST-pw",
        "Pasted#HOST-pw",
        "Pasted?HOST-pw",
    ] {
        let host = format!("https://me:{secret}@regards.example.org/");
        for from_variable in [false, true] {
            let mut cmd = sandbox.std_cmd();
            cmd.args(["get", "-s", "project1", "-u", LOGIN, "-vv"])
                .env("REGARDS_PASSWORD", PASSWORD);
            if from_variable {
                cmd.env("REGARDS_HOST", &host);
            } else {
                cmd.args(["--host", &host]);
            }
            let out = run_checked(&sandbox, &cmd, "");
            assert!(
                out.fails(2)
                    .starts_with("regards-token: error: invalid host URL '"),
                "{}",
                out.stderr
            );
            out.leaks_none(&[secret]);
        }
    }
}

/// A server that quotes the request back in its redirect, refusal or
/// `messages` answer: under `umask 000` at -vv, in both request styles,
/// with the file cache and its refusal marker, neither secret reaches the
/// output or any file, and the files stay private.
#[test]
fn a_server_echoing_the_request_gets_no_secret_shown_or_stored() {
    for (echo, code) in [
        (Echo::Location(302), 5),
        (Echo::Refusal, 3),
        (Echo::Messages(500), 4),
    ] {
        for style in ["json", "query"] {
            let sandbox = Sandbox::new();
            let server = server(vec![Canned::Echo(echo)]);
            let mut cmd = get(&sandbox, &server.url());
            cmd.args(["--request-style", style, "--cache", "file"]);
            let out = run_checked(&sandbox, &cmd, "");
            out.fails(code);
            let mut pending = vec![sandbox.path().to_path_buf()];
            let mut files = 0;
            while let Some(dir) = pending.pop() {
                for path in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
                    if path.is_dir() {
                        pending.push(path);
                        continue;
                    }
                    files += 1;
                    let content =
                        String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    for secret in [PASSWORD, CLIENT_SECRET] {
                        assert!(
                            !content.contains(secret),
                            "{} holds {secret}",
                            path.display()
                        );
                    }
                }
            }
            if echo == Echo::Refusal {
                assert!(files > 0, "the refusal marker was written");
            }
        }
    }
}
