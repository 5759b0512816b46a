//! Helpers shared by the integration tests: an isolated environment for
//! each run of the real binary, and assertions on what a run printed.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use base64::Engine;
pub use regards_test_server::{
    AccessState, AccountStatus, Canned, DEMO_LOGIN, DEMO_PASSWORD, Echo, Server, TOKEN_PATH, User,
};
use tempfile::TempDir;

pub const ALL_KEYRINGS: &str = "secret-service,keyutils,keychain,windows";

/// The line after the warning of `--cache auto` keeping a token in a file.
pub const CHOOSE_FILES: &str = "hint: to keep tokens in files without this warning, \
     set REGARDS_TOKEN_CACHE=file (or pass --cache file)\n";

/// The variable that moves the cache folder: Windows has no XDG folders
/// and takes `%LOCALAPPDATA%` instead.
#[cfg(not(windows))]
pub const CACHE_HOME: &str = "XDG_CACHE_HOME";
#[cfg(windows)]
pub const CACHE_HOME: &str = "LOCALAPPDATA";

/// How `auto` words this system's keyrings when all of them are skipped
/// (as `ALL_KEYRINGS` has them), and how `-v`, `doctor` and the
/// `--cache keyring` error list them.
#[cfg(target_os = "linux")]
pub const SKIPPED_IN_WORDS: &str =
    "the Secret Service was skipped on request, the kernel keyring was skipped on request";
#[cfg(target_os = "linux")]
pub const SKIPPED_REASONS: &str = "secret-service: skipped on request \
     (REGARDS_TOKEN_SKIP_STORES); keyutils: skipped on request (REGARDS_TOKEN_SKIP_STORES)";
#[cfg(target_os = "macos")]
pub const SKIPPED_IN_WORDS: &str = "the Keychain was skipped on request";
#[cfg(target_os = "macos")]
pub const SKIPPED_REASONS: &str = "keychain: skipped on request (REGARDS_TOKEN_SKIP_STORES)";
#[cfg(windows)]
pub const SKIPPED_IN_WORDS: &str = "the Windows Credential Manager was skipped on request";
#[cfg(windows)]
pub const SKIPPED_REASONS: &str = "windows: skipped on request (REGARDS_TOKEN_SKIP_STORES)";
#[cfg(all(secret_service, not(keyutils)))]
pub const SKIPPED_IN_WORDS: &str = "the Secret Service was skipped on request";
#[cfg(all(secret_service, not(keyutils)))]
pub const SKIPPED_REASONS: &str = "secret-service: skipped on request (REGARDS_TOKEN_SKIP_STORES)";

/// A home of its own for each test: no `REGARDS_*`, proxy or `CI` variable
/// of the machine running the tests leaks in, and nothing the run writes
/// leaks out.
pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The tool's cache folder for this sandbox's home.
    pub fn cache_dir(&self) -> PathBuf {
        self.path().join("cache").join("regards-token")
    }

    /// Where login locks and failed-login markers go.
    pub fn lock_dir(&self) -> PathBuf {
        self.path().join("run").join("regards-token")
    }

    /// The failed-login markers in the lock folder.
    pub fn marker_files(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.lock_dir()) {
            Ok(dir) => dir
                .map(|e| e.expect("a folder entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "attempt"))
                .collect(),
            Err(_) => vec![],
        }
    }

    /// The file store's token entries (not its temporary files).
    pub fn token_files(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.cache_dir().join("tokens")) {
            Ok(dir) => dir
                .map(|e| e.expect("a folder entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect(),
            Err(_) => vec![],
        }
    }

    /// Writes a file in the sandbox and returns its path.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write test file");
        path
    }

    /// The binary with a clean environment.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// `sh -c LINE` in the sandbox's environment, for tests of what a shell
    /// sees (umask, `$?` after a signal, pipelines).
    #[cfg(unix)]
    pub fn shell(&self, line: &str) -> std::process::Command {
        let mut shell = self.program("sh");
        shell.args(["-c", line]);
        shell
    }

    /// Any program (a shell, `script`) with exactly the sandbox's
    /// environment, so that the tool it starts is isolated like `cmd`'s:
    /// its own home and folders, no machine keyring, no `REGARDS_*`.
    #[cfg(unix)]
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        around(program, &self.std_cmd())
    }

    /// The same, as a standard library command, for tests that redirect
    /// stdout themselves.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(bin());
        cmd.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        let home = self.dir.path();
        cmd.env("HOME", home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            // The last resort for the login lock, never the machine's /tmp.
            .env("TMPDIR", home.join("tmp"))
            // Tests of the login itself run without a cache, so each run
            // sends its request; the cache tests choose their store.
            .env("REGARDS_TOKEN_CACHE", "none")
            // Never the keyrings of the machine running the tests.
            .env("REGARDS_TOKEN_SKIP_STORES", ALL_KEYRINGS)
            .current_dir(home);
        // Windows names its folders in variables of its own, and its
        // network calls need SystemRoot.
        #[cfg(windows)]
        {
            cmd.env(CACHE_HOME, home.join("cache"))
                .env("APPDATA", home.join("config"))
                .env("TEMP", home.join("tmp"))
                .env("TMP", home.join("tmp"));
            if let Some(root) = std::env::var_os("SYSTEMROOT") {
                cmd.env("SYSTEMROOT", root);
            }
        }
        cmd
    }

    /// `get` against `server` as the demo user, password on stdin.
    pub fn get(&self, server: &Server) -> Command {
        let mut cmd = self.login(server);
        cmd.arg("--password-stdin")
            .write_stdin(format!("{DEMO_PASSWORD}\n"));
        cmd
    }

    /// Every file under the sandbox's home, as text: where a secret must
    /// not be found.
    pub fn all_text(&self) -> String {
        fn walk(dir: &Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
        }
        let mut text = String::new();
        walk(self.path(), &mut text);
        text
    }

    /// `get` against `server` as the demo user, with no password source.
    pub fn login(&self, server: &Server) -> Command {
        Command::from_std(self.std_login(server))
    }

    pub fn std_login(&self, server: &Server) -> std::process::Command {
        let mut cmd = self.std_cmd();
        cmd.args(["get", "--host", &server.url(), "--scope", "project1"])
            .args(["--username", DEMO_LOGIN]);
        cmd
    }
}

/// `program` with `cmd`'s environment (only that) and folder, to run
/// `cmd` inside it: a shell that sets limits, then execs the tool.
pub fn around(
    program: impl AsRef<std::ffi::OsStr>,
    cmd: &std::process::Command,
) -> std::process::Command {
    let mut wrapped = std::process::Command::new(program);
    wrapped.env_clear();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            wrapped.env(key, value);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

/// Makes a file readable and writable by its owner only, as a password
/// file should be. Windows files have no mode bits: one in the sandbox,
/// under the user's profile, is the user's own already.
pub fn make_private(path: &Path) {
    #[cfg(unix)]
    set_mode(path, 0o600);
    #[cfg(not(unix))]
    let _ = path;
}

/// Sets the Unix mode of a file or folder.
#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The Unix mode of a file or folder, without its type bits.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("regards-token")
}

/// A port on 127.0.0.1 where nothing listens (it was free a moment ago).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

/// Starts `n` runs made by `make` at once, each given `stdin` (then end of
/// file), and waits for all of them: for what parallel CI jobs do.
pub fn parallel(n: usize, make: impl Fn() -> std::process::Command, stdin: &str) -> Vec<Ran> {
    use std::io::Write;
    use std::process::Stdio;
    let children: Vec<_> = (0..n)
        .map(|_| {
            let mut child = make()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start regards-token");
            let mut pipe = child.stdin.take().expect("piped stdin");
            pipe.write_all(stdin.as_bytes()).expect("write stdin");
            child
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("wait for regards-token");
            Ran {
                code: out.status.code().expect("exited, not killed"),
                stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
                stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
            }
        })
        .collect()
}

/// What one run printed, with the checks every test makes.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Ran {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run regards-token");
    Ran {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(stderr).expect("utf-8 stderr"),
    }
}

impl Ran {
    /// Asserts success and returns stdout.
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}", self.stderr);
        &self.stdout
    }

    /// Asserts a failure with `code`, nothing on stdout, and one error line
    /// (plus an optional hint line, after any warnings) on stderr. Returns
    /// the error line.
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "exit code; stderr:\n{}", self.stderr);
        assert_eq!(self.stdout, "", "stdout must stay empty on failure");
        let errors: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("regards-token: error: "))
            .collect();
        assert_eq!(errors.len(), 1, "one error line; stderr:\n{}", self.stderr);
        let last_lines: Vec<&str> = self.stderr.lines().rev().take(2).collect();
        assert!(
            last_lines
                .iter()
                .any(|l| l.starts_with("regards-token: error: ")),
            "the error comes last (then its hint); stderr:\n{}",
            self.stderr
        );
        errors[0]
    }

    pub fn hint(&self) -> &str {
        self.stderr
            .lines()
            .find_map(|l| l.strip_prefix("hint: "))
            .unwrap_or_else(|| panic!("no hint in:\n{}", self.stderr))
    }

    /// Asserts none of `secrets` appears in stdout or stderr.
    pub fn leaks_none(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(!self.stdout.contains(secret), "stdout leaks {secret:?}");
            assert!(
                !self.stderr.contains(secret),
                "stderr leaks {secret:?}:\n{}",
                self.stderr
            );
        }
    }
}

/// The claims of a JWT, for checking that a printed token is the server's.
pub fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url payload");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// A 200 answer with a fixed token, for tests that assert exact output.
pub fn fixed_answer(token: &str, expires_in: i64) -> Canned {
    let body = serde_json::json!({
        "access_token": token, "token_type": "bearer", "expires_in": expires_in,
        "tenant": "project1", "scope": "project1", "role": "REGISTERED_USER",
        "sub": DEMO_LOGIN, "email": DEMO_LOGIN,
    });
    json_answer(200, &body)
}

pub fn json_answer(status: u16, body: &serde_json::Value) -> Canned {
    Canned::Raw {
        status,
        content_type: Some("application/json;charset=UTF-8".into()),
        body: body.to_string().into_bytes(),
        extra_headers: vec![],
    }
}

/// A server whose next answers are `script`, on the reference deployment.
pub fn scripted(script: Vec<Canned>) -> Server {
    Server::builder().script(script).start()
}

/// The live keys of the kernel keyring this user can see whose description
/// contains `text`, wherever they are linked (the session keyring, the
/// persistent keyring, or the user's default session keyring of a process
/// without one of its own): `/proc/keys` lists them all. Keys that were
/// removed (invalidated, revoked, dead) and are waiting for the kernel's
/// collector are not listed.
#[cfg(target_os = "linux")]
pub fn live_kernel_keys(text: &str) -> Vec<String> {
    let keys = std::fs::read_to_string("/proc/keys").expect("/proc/keys is readable");
    keys.lines()
        .filter(|line| line.contains(text))
        .filter(|line| {
            let flags = line.split_whitespace().nth(1).unwrap_or("");
            !flags.contains(['R', 'D', 'i'])
        })
        .map(str::to_string)
        .collect()
}

/// `live_kernel_keys`, once the kernel has had a moment to drop what was
/// just removed.
#[cfg(target_os = "linux")]
pub fn kernel_keys_left(text: &str) -> Vec<String> {
    let start = std::time::Instant::now();
    loop {
        let left = live_kernel_keys(text);
        if left.is_empty() || start.elapsed() > std::time::Duration::from_secs(3) {
            return left;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
