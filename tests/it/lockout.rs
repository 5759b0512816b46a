//! One command costs at most one password attempt the server could have
//! judged, and parallel runs share one login and one refusal: on slow
//! servers, broken answers, answers that are not HTTP, in every cache
//! mode, and whatever the spelling of the host.

use std::time::Duration;

use crate::common::*;

/// `n` runs of `get` at once, each with `password` on stdin and `args`.
fn get_in_parallel(
    sandbox: &Sandbox,
    server: &Server,
    n: usize,
    password: &str,
    args: &[&str],
) -> Vec<Ran> {
    let make = || {
        let mut cmd = sandbox.std_login(server);
        cmd.arg("--password-stdin").args(args);
        cmd
    };
    parallel(n, make, &format!("{password}\n"))
}

/// A server that takes 1.5 s to answer a login, judging it at once.
fn slow_server() -> Server {
    Server::builder()
        .login_delay(Duration::from_millis(1500))
        .lockout_threshold(0)
        .start()
}

// ---- a timed-out attempt ----------------------------------------------------

#[test]
fn a_login_slower_than_the_timeout_is_sent_once() {
    let server = slow_server();
    let sandbox = Sandbox::new();
    let ran = run(sandbox
        .login(&server)
        .args(["--password-stdin", "--timeout", "1s", "--retries", "2"])
        .write_stdin("wrong\n"));
    let line = ran.fails(4);
    assert!(
        line.contains("within 1s after the login was sent"),
        "{line}"
    );
    assert!(
        line.ends_with("the server may have checked the password, so it was not sent again"),
        "{line}"
    );
    assert!(
        ran.hint().contains("counts towards locking the account"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 1);
    // The server judged it all the same.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
}

#[test]
fn parallel_runs_behind_a_timed_out_attempt_do_not_send_it_again() {
    for cache in ["file", "none"] {
        let server = slow_server();
        let sandbox = Sandbox::new();
        let runs = get_in_parallel(
            &sandbox,
            &server,
            20,
            "wrong",
            &["--timeout", "1s", "--cache", cache],
        );
        for ran in &runs {
            let line = ran.fails(4);
            assert!(line.contains("no answer from"), "{cache}: {line}");
        }
        let replays = runs
            .iter()
            .filter(|r| r.stderr.contains("the same password is not sent again for"))
            .count();
        assert_eq!(replays, 19, "{cache}");
        assert_eq!(server.token_requests(), 1, "{cache}: one judged attempt");
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(server.failed_attempts(DEMO_LOGIN), 1, "{cache}");
    }
}

/// A marker holds back the same secrets only: the right password, or the
/// right client secret, goes through at once.
#[test]
fn a_timed_out_attempt_holds_back_only_the_same_secrets() {
    let server = Server::builder().script(vec![Canned::Hang]).start();
    let sandbox = Sandbox::new();
    run(sandbox
        .login(&server)
        .args(["--password-stdin", "--timeout", "300ms"])
        .write_stdin("wrong\n"))
    .fails(4);
    let ran = run(sandbox
        .login(&server)
        .args(["--password-stdin"])
        .write_stdin("wrong\n"));
    assert!(ran.fails(4).contains("the same password is not sent again"));
    assert_eq!(server.token_requests(), 1);
    run(&mut sandbox.get(&server)).ok();
    assert_eq!(server.token_requests(), 2);
}

/// A listening socket whose accept queue is full: the kernel drops new
/// connection requests, so a connect to it hangs until its timeout.
// Unix only: Windows refuses a connection past the queue at once instead.
#[cfg(unix)]
struct FullBacklog {
    fd: i32,
    port: u16,
    _queued: Vec<std::net::TcpStream>,
}

#[cfg(unix)]
impl FullBacklog {
    fn new() -> FullBacklog {
        // SAFETY: plain socket calls on a descriptor this test owns; the
        // address structure is fully initialised before use.
        unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket");
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let ptr = &addr as *const libc::sockaddr_in as *const libc::sockaddr;
            assert_eq!(libc::bind(fd, ptr, len), 0, "bind");
            assert_eq!(libc::listen(fd, 0), 0, "listen");
            let mut bound: libc::sockaddr_in = std::mem::zeroed();
            let mut bound_len = len;
            let bound_ptr = &mut bound as *mut libc::sockaddr_in as *mut libc::sockaddr;
            assert_eq!(libc::getsockname(fd, bound_ptr, &mut bound_len), 0);
            let port = u16::from_be(bound.sin_port);
            // Fill the queue; a connect past it hangs, which is the point.
            let target = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            let queued = (0..4)
                .filter_map(|_| {
                    std::net::TcpStream::connect_timeout(&target, Duration::from_millis(200)).ok()
                })
                .collect();
            FullBacklog {
                fd,
                port,
                _queued: queued,
            }
        }
    }
}

#[cfg(unix)]
impl Drop for FullBacklog {
    fn drop(&mut self) {
        // SAFETY: the descriptor is this struct's own and still open.
        unsafe { libc::close(self.fd) };
    }
}

/// A host that never completes the connection sent nothing: the attempt is
/// retried, announced as such, and leaves no marker behind.
// Needs `FullBacklog`, which is Unix-only.
#[cfg(unix)]
#[test]
fn a_connect_timeout_is_retried() {
    let backlog = FullBacklog::new();
    let sandbox = Sandbox::new();
    let host = format!("http://127.0.0.1:{}", backlog.port);
    let ran = run(sandbox
        .cmd()
        .args([
            "get",
            "--host",
            &host,
            "-s",
            "p",
            "-u",
            "u",
            "--password-stdin",
            "-v",
            "--timeout",
            "500ms",
            "--retries",
            "1",
        ])
        .write_stdin("pw\n"));
    let line = ran.fails(4);
    assert!(
        line.contains(&format!("cannot connect to {host}")),
        "{line}"
    );
    assert_eq!(
        ran.stderr
            .matches("the password was not checked): attempt 2 of 2")
            .count(),
        1,
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("may have checked"), "{}", ran.stderr);
    assert!(
        sandbox.marker_files().is_empty(),
        "nothing was sent, nothing to hold back"
    );
}

// ---- every cache mode -------------------------------------------------------

#[test]
fn parallel_wrong_passwords_send_one_login_in_every_cache_mode() {
    for args in [
        &["--cache", "none"][..],
        &["--no-cache"],
        &["--cache", "file"],
    ] {
        let server = Server::builder().lockout_threshold(0).start();
        let sandbox = Sandbox::new();
        let runs = get_in_parallel(&sandbox, &server, 20, "wrong", args);
        for ran in &runs {
            assert!(
                ran.fails(3).contains("login refused by"),
                "{args:?}: {}",
                ran.stderr
            );
        }
        assert_eq!(server.token_requests(), 1, "{args:?}");
        assert_eq!(server.failed_attempts(DEMO_LOGIN), 1, "{args:?}");
    }
}

// ---- one account, several projects and clients -----------------------------------

/// The server counts wrong passwords per account: runs for different
/// projects or client ids of one account share the lock and the marker.
#[test]
fn parallel_runs_for_several_projects_of_one_account_send_one_wrong_password() {
    let mut user = User::new(DEMO_LOGIN, DEMO_PASSWORD);
    for project in ["p1", "p2", "p3", "p4", "p5"] {
        user = user.in_project(project, "REGISTERED_USER");
    }
    let server = Server::builder().user(user).lockout_threshold(0).start();
    let sandbox = Sandbox::new();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let make = || {
        let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut cmd = sandbox.std_cmd();
        cmd.args(["get", "--host", &server.url(), "-u", DEMO_LOGIN])
            .args(["--scope", &format!("p{}", n % 5 + 1), "--password-stdin"]);
        cmd
    };
    let runs = parallel(10, make, "wrong\n");
    for ran in &runs {
        assert!(ran.fails(3).contains("login refused by"), "{}", ran.stderr);
    }
    assert_eq!(server.token_requests(), 1);
    assert_eq!(server.failed_attempts(DEMO_LOGIN), 1);
}

/// No access to one project is that project's affair: the same password
/// goes to another project of the account.
#[test]
fn a_refusal_for_one_project_does_not_hold_back_another() {
    let user = User::new(DEMO_LOGIN, DEMO_PASSWORD)
        .in_project("p1", "REGISTERED_USER")
        .with_access("p2", AccessState::AccessDenied);
    let server = Server::builder().user(user).start();
    let sandbox = Sandbox::new();
    let get = |scope: &str| {
        let mut cmd = sandbox.cmd();
        cmd.args(["get", "--host", &server.url(), "-u", DEMO_LOGIN])
            .args(["--scope", scope, "--password-stdin"])
            .write_stdin(format!("{DEMO_PASSWORD}\n"));
        cmd
    };
    assert!(run(&mut get("p2")).fails(3).contains("USER_ACCESS_DENIED"));
    let again = run(&mut get("p2"));
    assert!(
        again
            .fails(3)
            .contains("the same password is not sent again")
    );
    assert_eq!(server.token_requests(), 1);
    run(&mut get("p1")).ok();
    assert_eq!(server.token_requests(), 2);
}

// ---- tokens shorter than --min-ttl -------------------------------------------

#[test]
fn parallel_runs_share_a_token_shorter_than_min_ttl() {
    // Every run starts before the first login is answered.
    let server = Server::builder()
        .lifetime(120)
        .login_delay(Duration::from_millis(700))
        .start();
    let sandbox = Sandbox::new();
    let runs = get_in_parallel(&sandbox, &server, 30, DEMO_PASSWORD, &["--cache", "file"]);
    let first = runs[0].ok().to_string();
    for ran in &runs {
        assert_eq!(ran.ok(), first, "one token for all");
        assert!(
            ran.stderr
                .contains("warning: the new token lasts only 1m 5"),
            "{}",
            ran.stderr
        );
    }
    let shared = runs
        .iter()
        .filter(|r| r.stderr.contains("(another run just got it)"))
        .count();
    assert_eq!(shared, 29);
    assert_eq!(server.token_requests(), 1);
    // A later run still logs in again: the token is too short to keep.
    run(sandbox.get(&server).args(["--cache", "file"])).ok();
    assert_eq!(server.token_requests(), 2);
}

// ---- the host's spelling ------------------------------------------------------

#[test]
fn a_refusal_holds_back_the_same_host_however_it_is_spelled() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let port = server.port();
    // The names of this machine are one host, as the server's account
    // database is one.
    let spellings = [
        format!("HTTP://LOCALHOST:{port}/"),
        format!("http://localhost:{port}"),
        format!("http://LocalHost:{port}//"),
        format!("http://127.0.0.1:{port}"),
        format!("http://[::1]:{port}"),
    ];
    for (n, host) in spellings.iter().enumerate() {
        let ran = run(sandbox
            .login(&server)
            .args(["--host", host, "--password-stdin"])
            .write_stdin("wrong\n"));
        let line = ran.fails(3);
        if n > 0 {
            assert!(
                line.contains("the same password is not sent again"),
                "{line}"
            );
        }
    }
    assert_eq!(server.token_requests(), 1);
}

// ---- answers that are not HTTP ------------------------------------------------

#[test]
fn answers_that_are_not_http_are_exit_5_and_sent_once() {
    let many_headers: String = (0..5000).map(|i| format!("X-Header-{i}: v\r\n")).collect();
    let answers: Vec<(&str, Vec<u8>)> = vec![
        (
            "binary bytes",
            b"\x00\x01\x02\xff\xfe\x16\x03\x01 garbage\r\n\r\n".to_vec(),
        ),
        (
            "5,000 headers",
            format!("HTTP/1.1 200 OK\r\n{many_headers}Content-Length: 0\r\n\r\n").into_bytes(),
        ),
        (
            "an 8 MiB header",
            format!("HTTP/1.1 200 OK\r\nX-Big: {}\r\n\r\n", "a".repeat(8 << 20)).into_bytes(),
        ),
        (
            "control bytes in a header",
            b"HTTP/1.1 200 OK\r\nX-Bad: a\x01b\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
    ];
    for (what, bytes) in answers {
        let server = scripted(vec![Canned::Bytes(bytes), Canned::Normal, Canned::Normal]);
        let ran = run(Sandbox::new().get(&server).args(["--retries", "2"]));
        let line = ran.fails(5);
        assert!(
            line.contains("answered with something that is not HTTP"),
            "{what}: {line}"
        );
        assert!(!ran.stderr.contains("retrying"), "{what}");
        assert_eq!(server.token_requests(), 1, "{what}");
    }
}

// ---- the refusal marker's lifetime ------------------------------------------

/// Rewrites every entry of the sandbox's failed-login markers as if it had
/// been written `secs` seconds earlier.
fn age_markers(sandbox: &Sandbox, secs: u64) {
    let files = sandbox.marker_files();
    assert_eq!(files.len(), 1, "one account, one marker file");
    for file in files {
        let mut entries: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for entry in entries.as_array_mut().expect("a list of entries") {
            for field in ["at", "until"] {
                let time = entry[field].as_u64().expect("unix seconds");
                entry[field] = (time - secs).into();
            }
        }
        std::fs::write(&file, entries.to_string()).unwrap();
    }
}

/// A refusal holds back the same password for a minute, not forever: a
/// marker younger than that is replayed without a request, an older one
/// is ignored, and exactly one login is sent.
#[test]
fn a_refusal_marker_expires_after_its_lifetime() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let wrong = || {
        run(sandbox
            .login(&server)
            .arg("--password-stdin")
            .write_stdin("wrong\n"))
    };
    assert!(
        !wrong().fails(3).contains("not sent again"),
        "the first run is the server's refusal"
    );
    assert_eq!(server.token_requests(), 1);

    age_markers(&sandbox, 45);
    let line = wrong().fails(3).to_string();
    assert!(
        line.contains("the same password is not sent again"),
        "{line}"
    );
    assert_eq!(server.token_requests(), 1, "a 45 s old refusal is replayed");

    age_markers(&sandbox, 20);
    let again = wrong();
    assert!(
        !again.fails(3).contains("not sent again"),
        "a 65 s old refusal is over: {}",
        again.stderr
    );
    assert_eq!(server.token_requests(), 2, "exactly one more login");
}

// ---- an answer broken after its status line ---------------------------------

/// A 400 refusal whose body is cut off: the server had judged the
/// password when it wrote the status line, so the attempt is final, sent
/// once whatever `--retries` says, and the next run does not send it.
#[test]
fn a_refusal_cut_off_mid_body_is_sent_once() {
    let cut = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\
        Content-Length: 200\r\n\r\n{\"additionalInformation\":{\"error\":\"ACC"
        .to_vec();
    let server = scripted(vec![Canned::Bytes(cut), Canned::Normal, Canned::Normal]);
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(&server).args(["--retries", "2", "-v"]));
    let line = ran.fails(4);
    assert!(line.contains("broke after the login was sent"), "{line}");
    assert!(line.ends_with("so it was not sent again"), "{line}");
    assert!(!ran.stderr.contains("retrying"), "{}", ran.stderr);
    assert_eq!(server.token_requests(), 1);
    let again = run(&mut sandbox.get(&server));
    assert!(
        again
            .fails(4)
            .contains("the same password is not sent again"),
        "{}",
        again.stderr
    );
    assert_eq!(server.token_requests(), 1);
}

/// The run that replays a refusal shows the first run's whole message,
/// the server's detail included (already capped at 300 characters), not
/// a shorter cut of it.
#[test]
fn a_replayed_refusal_shows_the_whole_first_message() {
    let detail = format!("Access denied for user {DEMO_LOGIN}. {}", "x".repeat(1000));
    let body = serde_json::json!({
        "additionalInformation": {"error": "ACCOUNT_UNKNOWN"}, "detailMessage": detail,
    });
    let server = scripted(vec![json_answer(400, &body)]);
    let sandbox = Sandbox::new();
    let first = run(&mut sandbox.get(&server));
    let message = first
        .fails(3)
        .strip_prefix("regards-token: error: ")
        .unwrap()
        .to_string();
    assert!(message.ends_with("xxx…"), "{message}");
    assert!(message.chars().count() > 340, "{message}");
    let replay = run(&mut sandbox.get(&server));
    let line = replay.fails(3);
    assert!(
        line.starts_with(&format!(
            "regards-token: error: {message} (met by a regards-token run "
        )),
        "{line}"
    );
    assert_eq!(replay.hint(), first.hint());
    assert_eq!(server.token_requests(), 1);
}
