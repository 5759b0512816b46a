//! The files the tool reads and writes, against surroundings that try to
//! hang it, fill its memory or slip it someone else's file: FIFOs and
//! symbolic links in place of its files, `/dev/zero` and oversized files
//! as its inputs, and (run as root, which can hand files to another user)
//! cache files and folders that belong to someone else.
//!
//! Every run here is bounded: a run that would hang is killed and the test
//! fails, rather than the test suite hanging.
//!
//! Most of these surroundings are Unix's (FIFOs, devices, file modes and
//! owners, symbolic links any user can make); those tests are Unix-only,
//! each saying why. The size caps hold everywhere.

use std::io::Read;
#[cfg(unix)]
use std::path::Path;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Far above what any of these runs needs (a fraction of a second), far
/// below "forever".
const LIMIT: Duration = Duration::from_secs(30);
/// Another user, for files that must not be trusted.
#[cfg(unix)]
const NOBODY: u32 = 65534;
/// Virtual memory for runs fed an endless or huge input (`ulimit -v`, in
/// KiB): a run needs a few tens of MiB; reading 1 GiB whole cannot fit.
#[cfg(unix)]
const MEMORY_KIB: u32 = 512 * 1024;

/// Runs `cmd`, killing it and failing the test if it is still running
/// after `LIMIT`.
fn bounded(cmd: &mut Command) -> Ran {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start regards-token");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the run hung: killed after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        code: status.code().expect("exited, not killed by a signal"),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// `get` as the demo user with the file cache, the password in the
/// environment.
fn get(sandbox: &Sandbox, server: &Server) -> Command {
    let mut cmd = sandbox.std_login(server);
    cmd.args(["--cache", "file"])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD);
    cmd
}

/// `cmd` run by `shell -c` after `ulimit -v MEMORY_KIB` and `line`, which
/// starts the tool as `"$0"` with its arguments as `"$@"`.
#[cfg(unix)]
fn under(shell: &str, cmd: &Command, line: &str) -> Command {
    let mut wrapped = around(shell, cmd);
    wrapped
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; {line}"))
        .arg(cmd.get_program())
        .args(cmd.get_args());
    wrapped
}

/// `cmd` in bounded memory where the shell can set a limit.
#[cfg(unix)]
fn capped(cmd: &Command) -> Command {
    under("sh", cmd, r#"exec "$0" "$@""#)
}

/// Windows has no `ulimit`: only the time is bounded.
#[cfg(not(unix))]
fn capped(cmd: &Command) -> Command {
    let mut same = around(cmd.get_program(), cmd);
    same.args(cmd.get_args());
    same
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// The one token file a first run left.
fn token_file(sandbox: &Sandbox) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(sandbox.cache_dir().join("tokens"))
        .expect("the tokens folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// The one file with this extension in the lock folder (the account's
/// lock, or its failed-login marker).
#[cfg(unix)]
fn in_lock_dir(sandbox: &Sandbox, extension: &str) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(sandbox.lock_dir())
        .expect("the lock folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .filter(|p| !p.ends_with("index.lock"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// Where the account's failed-login marker is (or would be): beside its
/// lock, under the same name.
#[cfg(unix)]
fn refusal_marker(sandbox: &Sandbox) -> PathBuf {
    in_lock_dir(sandbox, "lock").with_extension("attempt")
}

/// A first run, which logs in and caches the demo user's token.
fn cached(sandbox: &Sandbox, server: &Server) -> String {
    let first = bounded(&mut get(sandbox, server));
    first.ok().trim_end().to_string()
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
fn chown(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).expect("chown");
}

// ---- FIFOs and symbolic links ---------------------------------------------

/// A FIFO nobody writes to, in place of the cache entry, the refusal
/// marker and the index: each is skipped with a warning naming it, the run
/// logs in, and the next token replaces the FIFO.
// FIFOs are Unix's.
#[cfg(unix)]
#[test]
fn fifos_in_place_of_cache_files_are_skipped_without_hanging() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached(&sandbox, &server);
    let entry = token_file(&sandbox);
    let marker = refusal_marker(&sandbox);
    let index = sandbox.cache_dir().join("index.json");
    for fifo in [&entry, &marker, &index] {
        mkfifo(fifo);
    }
    let out = bounded(&mut get(&sandbox, &server));
    assert!(claims(out.ok().trim_end())["sub"] == DEMO_LOGIN);
    for fifo in [&entry, &marker, &index] {
        let line = format!(
            "regards-token: warning: ignoring {}: it is a FIFO, not a regular file",
            fifo.display()
        );
        assert!(out.stderr.contains(&line), "{line}\n{}", out.stderr);
    }
    out.leaks_none(&[DEMO_PASSWORD]);
    assert_eq!(server.token_requests(), 2);
    assert!(std::fs::metadata(&entry).unwrap().is_file(), "replaced");
    assert!(std::fs::metadata(&index).unwrap().is_file(), "replaced");
}

/// A FIFO named as the config file, `--ca-cert` or `--password-file` is a
/// usage error at once (exit 2), before anything is sent.
// FIFOs are Unix's.
#[cfg(unix)]
#[test]
fn fifos_named_as_inputs_are_refused_at_once() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let fifo = sandbox.path().join("fifo");
    mkfifo(&fifo);
    let shown = fifo.display();

    let mut cmd = get(&sandbox, &server);
    cmd.env("REGARDS_TOKEN_CONFIG", &fifo);
    let error = bounded(&mut cmd).fails(2).to_string();
    assert_eq!(
        error,
        format!(
            "regards-token: error: cannot read the config file {shown}: it is a FIFO, not a regular file"
        )
    );

    let mut cmd = get(&sandbox, &server);
    cmd.arg("--ca-cert").arg(&fifo);
    let error = bounded(&mut cmd).fails(2).to_string();
    assert_eq!(
        error,
        format!(
            "regards-token: error: cannot read the CA file {shown}: it is a FIFO, not a regular file"
        )
    );

    let mut cmd = sandbox.std_login(&server);
    cmd.arg("--password-file").arg(&fifo);
    let ran = bounded(&mut cmd);
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: cannot open the password file {shown}: it is a FIFO, not a regular file"
        )
    );
    assert_eq!(
        ran.hint(),
        "to pipe the password in, use --password-stdin or --password-file <(COMMAND)"
    );
    ran.leaks_none(&[DEMO_PASSWORD]);
    assert_eq!(server.token_requests(), 0);
}

/// `--password-file <(pass show x)` (bash's process substitution: a pipe
/// at /dev/fd/N) and `--password-file /dev/stdin` fed by a pipe still
/// work: a pipe this process was handed is the user's own.
// Process substitution and /dev/stdin are a Unix shell's.
#[cfg(unix)]
#[test]
fn a_password_from_a_pipe_the_shell_passes_still_works() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.std_login(&server);
    cmd.env("PW", DEMO_PASSWORD);
    let out = bounded(&mut under(
        "bash",
        &cmd,
        r#""$0" "$@" --password-file <(sleep 0.2; printf '%s\n' "$PW")"#,
    ));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    out.leaks_none(&[DEMO_PASSWORD]);

    let out = bounded(&mut under(
        "sh",
        &cmd,
        r#"printf '%s\n' "$PW" | "$0" "$@" --password-file /dev/stdin"#,
    ));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    assert_eq!(server.token_requests(), 2);
}

/// A symbolic link in place of the cache entry is not followed, even to a
/// good entry of the same user: it is skipped with a warning and replaced,
/// and what it pointed to is left alone.
// Unix only: the tool refuses links with O_NOFOLLOW there, and making a
// link on Windows needs a privilege the tests do not have.
#[cfg(unix)]
#[test]
fn a_symbolic_link_in_place_of_a_cache_entry_is_not_followed() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached(&sandbox, &server);
    let entry = token_file(&sandbox);
    let elsewhere = sandbox.path().join("elsewhere.json");
    std::fs::rename(&entry, &elsewhere).unwrap();
    let before = std::fs::read(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &entry).unwrap();

    let out = bounded(&mut get(&sandbox, &server));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    let line = format!(
        "regards-token: warning: ignoring {}: it is a symbolic link",
        entry.display()
    );
    assert!(out.stderr.contains(&line), "{}", out.stderr);
    assert_eq!(server.token_requests(), 2, "the link was not read");
    let meta = std::fs::symlink_metadata(&entry).unwrap();
    assert!(meta.is_file(), "the link was replaced by the new entry");
    assert_eq!(std::fs::read(&elsewhere).unwrap(), before);
}

/// A cache or lock folder that is a symbolic link is not used, and the
/// folder it points to keeps its mode: the tool never changes a link's
/// target. Without the token folder the token is printed with a warning;
/// without the lock folder no login is sent (exit 2).
// Unix only: links and folder modes, as above.
#[cfg(unix)]
#[test]
fn folders_that_are_symbolic_links_are_not_used_or_changed() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let target = sandbox.path().join("somewhere");
    std::fs::create_dir(&target).unwrap();
    set_mode(&target, 0o755);
    let tokens = sandbox.cache_dir().join("tokens");
    std::fs::create_dir_all(sandbox.cache_dir()).unwrap();
    std::os::unix::fs::symlink(&target, &tokens).unwrap();

    let out = bounded(&mut get(&sandbox, &server));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    let warning = format!(
        "regards-token: warning: the token was not cached (file): {} is not safe to use: it is a symbolic link",
        tokens.display()
    );
    assert!(out.stderr.contains(&warning), "{}", out.stderr);
    assert_eq!(mode(&target), 0o755, "the link's target was not chmod-ed");
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);

    let locks = sandbox.lock_dir();
    std::fs::remove_dir_all(&locks).unwrap();
    std::os::unix::fs::symlink(&target, &locks).unwrap();
    let ran = bounded(&mut get(&sandbox, &server));
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: {} is not safe for a lock: it is a symbolic link",
            locks.display()
        )
    );
    assert_eq!(mode(&target), 0o755, "the link's target was not chmod-ed");
    assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0);
    assert_eq!(server.token_requests(), 1);
}

/// A config file others can read is normal; one others can change gets a
/// warning (its host decides where the password goes), and is still used.
// File modes are Unix's; the tool checks no Windows ACL.
#[cfg(unix)]
#[test]
fn a_config_file_others_can_change_draws_a_warning() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let config = sandbox.file("config.toml", "[default]\nscope = \"project1\"\n");
    let warning = format!(
        "regards-token: warning: the config file {} can be changed by other users",
        config.display()
    );
    for (mode, warned) in [(0o644, false), (0o664, false), (0o666, true)] {
        set_mode(&config, mode);
        let mut cmd = sandbox.std_login(&server);
        cmd.env("REGARDS_TOKEN_CONFIG", &config)
            .env("REGARDS_PASSWORD", DEMO_PASSWORD);
        let out = bounded(&mut cmd);
        assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
        assert_eq!(
            out.stderr.contains(&warning),
            warned,
            "{mode:o}: {}",
            out.stderr
        );
    }
}

// ---- sizes -------------------------------------------------------------------

/// A file one byte over its cap: a usage error naming the cap (exit 2),
/// before any request.
#[test]
fn inputs_over_their_cap_are_refused() {
    const KIB: usize = 1024;
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let padded = |name: &str, start: &str, size: usize| {
        let mut text = start.to_string();
        text.push_str(&"#".repeat(size - start.len()));
        sandbox.file(name, &text)
    };

    let config = padded(
        "config.toml",
        "[default]\nscope = \"project1\"\n",
        KIB * KIB + 1,
    );
    let mut cmd = get(&sandbox, &server);
    cmd.env("REGARDS_TOKEN_CONFIG", &config);
    assert_eq!(
        bounded(&mut cmd).fails(2),
        format!(
            "regards-token: error: cannot read the config file {}: it is larger than 1 MiB",
            config.display()
        )
    );

    let ca = padded("ca.pem", "", 4 * KIB * KIB + 1);
    let mut cmd = get(&sandbox, &server);
    cmd.arg("--ca-cert").arg(&ca);
    assert_eq!(
        bounded(&mut cmd).fails(2),
        format!(
            "regards-token: error: cannot read the CA file {}: it is larger than 4 MiB",
            ca.display()
        )
    );

    let password = padded("password", &format!("{DEMO_PASSWORD}\n"), 64 * KIB + 1);
    make_private(&password);
    let mut cmd = sandbox.std_login(&server);
    cmd.arg("--password-file").arg(&password);
    let ran = bounded(&mut cmd);
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: cannot read the password file {}: it is larger than 64 KiB",
            password.display()
        )
    );
    ran.leaks_none(&[DEMO_PASSWORD]);

    // The same size just under the cap is read.
    std::fs::write(&password, &std::fs::read(&password).unwrap()[..64 * KIB]).unwrap();
    let mut cmd = sandbox.std_login(&server);
    cmd.arg("--password-file").arg(&password);
    assert_eq!(claims(bounded(&mut cmd).ok().trim_end())["sub"], DEMO_LOGIN);
    assert_eq!(server.token_requests(), 1);

    let token = padded("token", "", KIB * KIB + 1);
    let mut cmd = sandbox.std_cmd();
    cmd.args(["inspect", "-"])
        .stdin(std::fs::File::open(&token).unwrap());
    assert_eq!(
        bounded(&mut cmd).fails(2),
        "regards-token: error: cannot read the token from stdin: it is larger than 1 MiB"
    );
}

/// `/dev/zero` as every input: refused quickly with exit 2, in bounded
/// memory. Named as a file, it is a device, not a regular file; read
/// through stdin (where any file is accepted), the cap ends the read.
// /dev/zero and the `sh` redirections are Unix's.
#[cfg(unix)]
#[test]
fn dev_zero_as_any_input_ends_quickly_with_exit_2() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let cases: [(Command, &str, &str); 6] = [
        (
            get(&sandbox, &server),
            r#"REGARDS_TOKEN_CONFIG=/dev/zero exec "$0" "$@""#,
            "cannot read the config file /dev/zero: it is a character device, not a regular file",
        ),
        (
            get(&sandbox, &server),
            r#"exec "$0" "$@" --ca-cert /dev/zero"#,
            "cannot read the CA file /dev/zero: it is a character device, not a regular file",
        ),
        (
            sandbox.std_login(&server),
            r#"exec "$0" "$@" --password-file /dev/zero"#,
            "cannot open the password file /dev/zero: it is a character device, not a regular file",
        ),
        (
            sandbox.std_login(&server),
            r#"exec "$0" "$@" --password-file /dev/stdin </dev/zero"#,
            "cannot read the password file /dev/stdin: it is larger than 64 KiB",
        ),
        (
            sandbox.std_login(&server),
            r#"exec "$0" "$@" --password-stdin </dev/zero"#,
            "cannot read the password from stdin: it is larger than 64 KiB",
        ),
        (
            {
                let mut cmd = sandbox.std_cmd();
                cmd.args(["inspect", "-"]);
                cmd
            },
            r#"exec "$0" "$@" </dev/zero"#,
            "cannot read the token from stdin: it is larger than 1 MiB",
        ),
    ];
    for (cmd, line, error) in cases {
        let ran = bounded(&mut under("sh", &cmd, line));
        assert_eq!(ran.fails(2), format!("regards-token: error: {error}"));
    }
    assert_eq!(server.token_requests(), 0);
}

/// A stdin that cannot be read fails at once with exit 2, and sends
/// nothing: a folder (every read is an error, and must not be tried
/// again and again) or a closed descriptor (which the process starts with
/// as /dev/null: an empty password).
// A folder as stdin and a closed descriptor are made by sh.
#[cfg(unix)]
#[test]
fn an_unreadable_stdin_is_exit_2_at_once() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let cases = [
        (
            r#"exec "$0" "$@" --password-stdin <."#,
            "cannot read the password from stdin: Is a directory (os error 21)",
        ),
        (
            r#"exec "$0" "$@" --password-stdin <&-"#,
            "the password from stdin is empty",
        ),
    ];
    for (line, error) in cases {
        let started = Instant::now();
        let ran = bounded(&mut under("sh", &sandbox.std_login(&server), line));
        assert_eq!(ran.fails(2), format!("regards-token: error: {error}"));
        assert!(started.elapsed() < LIMIT / 2, "{line}: at once");
    }
    assert_eq!(server.token_requests(), 0);
}

/// A cache entry of 1 GiB (sparse: it costs no disk) is a miss, with a
/// `-v` line saying why, read no further than its cap.
#[test]
fn a_huge_cache_entry_is_a_miss_read_in_bounded_memory() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached(&sandbox, &server);
    let entry = token_file(&sandbox);
    std::fs::File::options()
        .write(true)
        .open(&entry)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let mut cmd = get(&sandbox, &server);
    cmd.arg("-v");
    let out = bounded(&mut capped(&cmd));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    let line = format!(
        "regards-token: ignoring {}: it is larger than 80 KiB",
        entry.display()
    );
    assert!(out.stderr.contains(&line), "{}", out.stderr);
    assert_eq!(server.token_requests(), 2);
}

// ---- other users' files (needs root to give files away) -------------------
// File owners and modes are Unix's: these tests are Unix-only.

#[cfg(unix)]
fn needs_root(test: &str) -> bool {
    if !is_root() {
        eprintln!("{test}: SKIPPED: only root can give a file to another user");
    }
    is_root()
}

/// Another user's entry (mode 0644, holding a token of its own) is not
/// served; nor is one of ours that others can write. Each is a miss with
/// a warning naming the file and the reason, then replaced.
#[cfg(unix)]
#[test]
fn cache_files_others_control_are_not_trusted() {
    if !needs_root("cache_files_others_control_are_not_trusted") {
        return;
    }
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let real = cached(&sandbox, &server);
    let entry = token_file(&sandbox);
    let index = sandbox.cache_dir().join("index.json");
    let planted = std::fs::read_to_string(&entry)
        .unwrap()
        .replace(&real, "planted.by.someone-else");
    std::fs::write(&entry, planted).unwrap();
    set_mode(&entry, 0o644);
    chown(&entry, NOBODY);
    chown(&index, NOBODY);

    let out = bounded(&mut get(&sandbox, &server));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    assert!(!out.stdout.contains("planted"));
    out.leaks_none(&[DEMO_PASSWORD, "planted.by.someone-else"]);
    for file in [&entry, &index] {
        let line = format!(
            "regards-token: warning: ignoring {}: it belongs to uid {NOBODY}, not to you (uid 0)",
            file.display()
        );
        assert!(out.stderr.contains(&line), "{line}\n{}", out.stderr);
    }
    assert_eq!(server.token_requests(), 2);
    use std::os::unix::fs::MetadataExt;
    assert_eq!(std::fs::metadata(&entry).unwrap().uid(), 0, "replaced");

    set_mode(&entry, 0o666);
    let out = bounded(&mut get(&sandbox, &server));
    let line = format!(
        "regards-token: warning: ignoring {}: other users can write to it (mode 666)",
        entry.display()
    );
    assert!(out.stderr.contains(&line), "{}", out.stderr);
    assert_eq!(server.token_requests(), 3);
}

/// A refusal marker someone else left cannot stop a login: it is ignored
/// with a warning, and the password is judged by the server.
#[cfg(unix)]
#[test]
fn a_refusal_marker_left_by_someone_else_is_ignored() {
    if !needs_root("a_refusal_marker_left_by_someone_else_is_ignored") {
        return;
    }
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    cached(&sandbox, &server);
    let mut cmd = get(&sandbox, &server);
    cmd.env("REGARDS_PASSWORD", "wrong-password")
        .arg("--refresh");
    bounded(&mut cmd).fails(3);
    let marker = refusal_marker(&sandbox);
    chown(&marker, NOBODY);

    let out = bounded(&mut cmd);
    out.fails(3);
    let line = format!(
        "regards-token: warning: ignoring {}: it belongs to uid {NOBODY}, not to you (uid 0)",
        marker.display()
    );
    assert!(out.stderr.contains(&line), "{}", out.stderr);
    assert!(!out.stderr.contains("met by a regards-token run"));
    assert_eq!(server.token_requests(), 3);
}

/// A lock folder, or a lock file, that belongs to someone else stops the
/// login with a usage error naming it (exit 2): they could hold the lock or
/// swap it. Their folder is left as it was.
#[cfg(unix)]
#[test]
fn a_lock_someone_else_controls_stops_the_login() {
    if !needs_root("a_lock_someone_else_controls_stops_the_login") {
        return;
    }
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let locks = sandbox.lock_dir();
    std::fs::create_dir_all(&locks).unwrap();
    set_mode(&locks, 0o755);
    chown(&locks, NOBODY);

    let ran = bounded(&mut get(&sandbox, &server));
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: {} is not safe for a lock: it belongs to uid {NOBODY}, not to you (uid 0)",
            locks.display()
        )
    );
    assert!(ran.hint().contains(&format!("remove {}", locks.display())));
    assert!(ran.hint().contains("XDG_RUNTIME_DIR"));
    ran.leaks_none(&[DEMO_PASSWORD]);
    assert_eq!(mode(&locks), 0o755, "someone else's folder is not changed");
    assert_eq!(server.token_requests(), 0);

    // Our folder, with someone else's lock file in it.
    let sandbox2 = Sandbox::new();
    cached(&sandbox2, &server);
    let lock = in_lock_dir(&sandbox2, "lock");
    chown(&lock, NOBODY);
    let mut cmd = get(&sandbox2, &server);
    cmd.arg("--refresh");
    let ran = bounded(&mut cmd);
    assert_eq!(
        ran.fails(2),
        format!(
            "regards-token: error: {} is not safe for a lock: it belongs to uid {NOBODY}, not to you (uid 0)",
            lock.display()
        )
    );
    assert_eq!(server.token_requests(), 1);
}

/// A cache folder that belongs to someone else, or sits in a folder of
/// someone else's, is not written to: the token is printed with a
/// warning, and nothing is left in it.
#[cfg(unix)]
#[test]
fn a_cache_folder_someone_else_controls_is_not_written_to() {
    if !needs_root("a_cache_folder_someone_else_controls_is_not_written_to") {
        return;
    }
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    let cache = sandbox.cache_dir();
    std::fs::create_dir_all(&cache).unwrap();
    set_mode(&cache, 0o777);
    chown(&cache, NOBODY);

    let out = bounded(&mut get(&sandbox, &server));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    let warning = format!(
        "regards-token: warning: the token was not cached (file): {} is not safe to use: the folder {} that holds it belongs to uid {NOBODY}, who could replace it",
        cache.join("tokens").display(),
        cache.display()
    );
    assert!(out.stderr.contains(&warning), "{}", out.stderr);
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        0,
        "nothing left"
    );
    assert_eq!(mode(&cache), 0o777, "someone else's folder is not changed");

    // XDG_CACHE_HOME itself belongs to someone else.
    let sandbox = Sandbox::new();
    let home = sandbox.path().join("cache");
    std::fs::create_dir_all(&home).unwrap();
    chown(&home, NOBODY);
    let out = bounded(&mut get(&sandbox, &server));
    assert_eq!(claims(out.ok().trim_end())["sub"], DEMO_LOGIN);
    assert!(
        out.stderr.contains(&format!(
            "the folder {} that holds it belongs to uid {NOBODY}",
            home.display()
        )),
        "{}",
        out.stderr
    );
    assert!(!sandbox.cache_dir().join("tokens").exists());
}
