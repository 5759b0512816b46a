//! `cargo bench --bench compare`: the release binary against `curl | jq`
//! doing the same request, and against itself, on the test server at
//! 127.0.0.1. Machines are noisy, so the claims are ratios of medians taken
//! side by side in one run (A, B, A, B, ... after warm-ups, so drift hits
//! both); absolute times are printed for context only. A missed target is
//! printed as MISS, never asserted: this is a measurement, not a test.
//!
//! `BENCH_RUNS` (default 30) sets the runs per single-run case; the
//! 50-parallel case does a third of that in rounds (10 by default). The
//! Secret Service row needs a session bus: `benches/run.sh --keyring` runs
//! this inside a private one with a throwaway GNOME Keyring.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use regards_test_server::{DEMO_LOGIN, DEMO_PASSWORD, Server, TOKEN_PATH, User};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_regards-token");
const FILE_ONLY: &str = "secret-service,keyutils,keychain,windows";
const WARMUP: usize = 3;
const PARALLEL: usize = 50;
const OTHER_TOKENS: usize = 1000;
const CURL: &str = "`curl \\| jq`"; // escaped for a Markdown table

/// The request the tool sends (README, "The request"), by hand.
const CURL_JQ: &str = r#"curl -sS -X POST "$HOST$TOKEN_PATH?scope=project1" -u client:secret \
  -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$BODY" \
  | jq -r .access_token"#;

/// A home of its own for each cache, as the integration tests do: nothing
/// of the machine's environment, keyrings or caches leaks in or out.
struct Sandbox(TempDir);

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox(tempfile::tempdir().expect("cannot create a temp dir"))
    }

    fn cmd(&self, program: &str) -> Command {
        let home = self.0.path();
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", home.join("run"))
            .current_dir(home)
            .stdin(Stdio::null());
        cmd
    }

    /// `regards-token ARGS` as `user`, with the file store as the only
    /// store. The account goes in variables so `status` and `logout` see it.
    fn tool(&self, server: &Server, user: &str, password: &str, args: &[&str]) -> Command {
        let mut cmd = self.cmd(BIN);
        cmd.args(args)
            .env("REGARDS_HOST", server.url())
            .env("REGARDS_SCOPE", "project1")
            .env("REGARDS_USERNAME", user)
            .env("REGARDS_PASSWORD", password)
            .env("REGARDS_TOKEN_SKIP_STORES", FILE_ONLY);
        cmd
    }

    /// `get --cache CACHE` as the demo user.
    fn get(&self, server: &Server, cache: &str) -> Command {
        self.tool(
            server,
            DEMO_LOGIN,
            DEMO_PASSWORD,
            &["get", "--cache", cache],
        )
    }

    /// The same request by hand; values go in variables so the shell line
    /// needs no quoting.
    fn curl_jq(&self, server: &Server) -> Command {
        let body = serde_json::json!({"username": DEMO_LOGIN, "password": DEMO_PASSWORD,
            "scope": "project1", "grant_type": "password"});
        let mut cmd = self.cmd("sh");
        cmd.args(["-c", CURL_JQ])
            .env("HOST", server.url())
            .env("TOKEN_PATH", TOKEN_PATH)
            .env("BODY", body.to_string());
        cmd
    }
}

/// Runs `cmd` to the end and says how long it took. A run that fails or
/// prints no token is a broken set-up, not a fast run: it stops the bench.
fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let out = cmd.output().expect("cannot start a measured command");
    let took = start.elapsed();
    check(&out);
    took
}

fn check(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.starts_with("eyJ") {
        let stderr = String::from_utf8_lossy(&out.stderr);
        panic!(
            "a run failed ({}): stdout {stdout:?}, stderr {stderr}",
            out.status
        );
    }
}

/// Starts every command before waiting for any, as parallel CI jobs do;
/// how long until the last one ended, and what they printed.
fn together(cmds: impl Iterator<Item = Command>) -> (Duration, Vec<Output>) {
    let start = Instant::now();
    let children: Vec<_> = cmds
        .map(|mut cmd| {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().expect("cannot start a parallel run")
        })
        .collect();
    let outs = children.into_iter().map(|c| c.wait_with_output());
    let outs = outs.map(|o| o.expect("parallel run")).collect();
    (start.elapsed(), outs)
}

/// A then B, `runs` times, after `warmup` unmeasured pairs (page cache,
/// the server's first connections); the medians of A and B.
fn interleave(
    (warmup, runs): (usize, usize),
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    for _ in 0..warmup {
        a();
        b();
    }
    let pairs: Vec<_> = (0..runs).map(|_| (a(), b())).collect();
    let (xs, ys) = pairs.into_iter().unzip();
    (median(xs), median(ys))
}

fn median<T: Ord + Copy>(mut xs: Vec<T>) -> T {
    xs.sort_unstable();
    xs[xs.len() / 2]
}

/// One line of the table: case, compared with, median, baseline median,
/// ratio, target; then whether the target was met (`Err`: skipped, why).
struct Row {
    cells: [String; 6],
    met: Result<bool, String>,
}

impl Row {
    fn ratio(case: &str, against: &str, (a, b): (Duration, Duration), max: f64) -> Row {
        let ratio = a.as_secs_f64() / b.as_secs_f64();
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        let (a, b, ratio_cell) = (ms(a), ms(b), format!("{ratio:.2}×"));
        let cells = [case, against, &a, &b, &ratio_cell, &format!("≤ {max}×")];
        let met = Ok(ratio <= max);
        Row {
            cells: cells.map(String::from),
            met,
        }
    }

    /// A row with no baseline: the measure and its verdict only.
    fn alone(case: &str, measured: &str, target: &str, met: Result<bool, String>) -> Row {
        let cells = [case, "—", measured, "—", "—", target].map(String::from);
        Row { cells, met }
    }
}

fn main() {
    for tool in ["curl", "jq"] {
        let found = Command::new(tool).arg("--version").output();
        if !found.is_ok_and(|o| o.status.success()) {
            eprintln!("compare: `{tool}` is needed as the baseline (apt-get install -y curl jq)");
            std::process::exit(2);
        }
    }
    let runs = std::env::var("BENCH_RUNS").map_or(30, |n| n.parse().expect("BENCH_RUNS: a number"));
    let runs: usize = runs.max(1);
    let started = Instant::now();
    // One server for every case: the demo user, plus the accounts whose
    // tokens fill the cache in the 1,000-tokens case.
    let mut builder = Server::builder();
    for i in 0..OTHER_TOKENS {
        let user = User::new(&other(i), "bench-password");
        builder = builder.user(user.in_project("project1", "REGISTERED_USER"));
    }
    let server = builder.start();

    let mut rows = vec![cached_file(&server, runs), secret_service(&server, runs)];
    rows.push(cold(&server, runs));
    rows.extend(parallel(&server, (runs / 3).max(1)));
    rows.push(big_cache(&server, runs));
    rows.push(peak_memory(&server, runs.min(10)));
    print_report(&rows);
    eprintln!("(measuring took {:.0} s)", started.elapsed().as_secs_f64());
}

fn other(i: usize) -> String {
    format!("bench-{i:04}@example.org")
}

fn cached_file(server: &Server, runs: usize) -> Row {
    let (cache, plain) = (Sandbox::new(), Sandbox::new());
    time(&mut cache.get(server, "file"));
    let medians = interleave(
        (WARMUP, runs),
        || time(&mut cache.get(server, "file")),
        || time(&mut plain.curl_jq(server)),
    );
    Row::ratio("cached `get` (`--cache file`)", CURL, medians, 0.25)
}

/// Measured only when a session bus is up and its Secret Service stores
/// and finds the token; otherwise a skipped row saying why.
fn secret_service(server: &Server, runs: usize) -> Row {
    let case = "cached `get` (Secret Service, `--cache keyring`)";
    let skipped = |why: String| {
        let mut row = Row::alone(case, "—", "≤ 0.6×", Err(why));
        row.cells[1] = CURL.into();
        row
    };
    let bus = match std::env::var("DBUS_SESSION_BUS_ADDRESS") {
        Ok(bus) if !bus.is_empty() => bus,
        _ => return skipped("skipped: no session bus".into()),
    };
    let (ring, plain) = (Sandbox::new(), Sandbox::new());
    // Only keyutils is skipped: `--cache keyring` must use the Secret Service.
    let keyring = |args: &[&str]| {
        let mut cmd = ring.tool(server, DEMO_LOGIN, DEMO_PASSWORD, args);
        cmd.env("REGARDS_TOKEN_SKIP_STORES", "keyutils")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus);
        cmd
    };
    let get = ["get", "--cache", "keyring"];
    let first = keyring(&get).output().expect("cannot run get");
    let status = keyring(&["status"]).output().expect("cannot run status");
    if !String::from_utf8_lossy(&status.stdout).contains("store=secret-service") {
        let stderr = String::from_utf8_lossy(&first.stderr);
        let why = stderr.lines().find(|l| l.contains("error: "));
        let why = why.unwrap_or("nothing stored").replace('|', "/"); // a table cell
        return skipped(format!(
            "skipped: the secret-service tier did not answer ({why})"
        ));
    }
    let medians = interleave(
        (WARMUP, runs),
        || time(&mut keyring(&get)),
        || time(&mut plain.curl_jq(server)),
    );
    // The entry is in the session's real keyring: take it out again.
    let _ = keyring(&["logout", "--all"]).output();
    Row::ratio(case, CURL, medians, 0.6)
}

fn cold(server: &Server, runs: usize) -> Row {
    let sandbox = Sandbox::new();
    let medians = interleave(
        (WARMUP, runs),
        || time(&mut sandbox.get(server, "none")),
        || time(&mut sandbox.curl_jq(server)),
    );
    Row::ratio("cold `get` (`--cache none`)", CURL, medians, 1.1)
}

/// 50 runs on one fresh cache started together, as parallel CI jobs do:
/// one login for all, and little more time than starting 50 processes
/// takes on this machine, measured in the same rounds as 50 bare starts
/// (`regards-token --version`). A single cold run is no baseline here:
/// on two cores, starting 50 processes alone takes ten times as long.
fn parallel(server: &Server, rounds: usize) -> [Row; 2] {
    let mut logins = Vec::new();
    let medians = interleave(
        (1, rounds),
        || {
            let sandbox = Sandbox::new();
            let before = server.token_requests();
            let (took, outs) = together((0..PARALLEL).map(|_| sandbox.get(server, "file")));
            outs.iter().for_each(check);
            let same = outs.iter().all(|o| o.stdout == outs[0].stdout);
            assert!(same, "every parallel get must print the same token");
            logins.push(server.token_requests() - before);
            took
        },
        || {
            let sandbox = Sandbox::new();
            let version = (0..PARALLEL).map(|_| sandbox.tool(server, "", "", &["--version"]));
            let (took, outs) = together(version);
            assert!(outs.iter().all(|o| o.status.success()), "--version failed");
            took
        },
    );
    let case = format!("{PARALLEL} parallel cold `get`s (file cache), wall");
    let starts = format!("{PARALLEL} parallel `regards-token --version`");
    let wall = Row::ratio(&case, &starts, medians, 1.5);
    let case = format!("{PARALLEL} parallel cold `get`s, token requests at the server");
    let seen = format!("{logins:?} in {} rounds", logins.len());
    let exact = Ok(logins.iter().all(|&n| n == 1));
    let logins = Row::alone(&case, &seen, "exactly 1 per round", exact);
    [logins, wall]
}

/// A cached `get` with 1,000 other tokens in its cache folder against the
/// same with none. The cache is filled by real logins of 1,000 other
/// accounts of the test server, so the entries and the index are exactly
/// what the tool writes, in batches of 16 parallel runs to keep it quick.
fn big_cache(server: &Server, runs: usize) -> Row {
    let (small, big) = (Sandbox::new(), Sandbox::new());
    time(&mut small.get(server, "file"));
    time(&mut big.get(server, "file"));
    let users: Vec<String> = (0..OTHER_TOKENS).map(other).collect();
    for batch in users.chunks(16) {
        let get = ["get", "--cache", "file"];
        let cmds = batch
            .iter()
            .map(|u| big.tool(server, u, "bench-password", &get));
        together(cmds).1.iter().for_each(check);
    }
    let tokens = big.0.path().join("cache/regards-token/tokens");
    let entries = std::fs::read_dir(tokens).map_or(0, |d| d.count());
    assert!(entries > OTHER_TOKENS, "the cache holds {entries} entries");
    let medians = interleave(
        (WARMUP, runs),
        || time(&mut big.get(server, "file")),
        || time(&mut small.get(server, "file")),
    );
    let case = format!("cached `get`, {} other tokens cached", entries - 1);
    Row::ratio(&case, "cached `get`, 1 token cached", medians, 1.1)
}

const PEAK_MEMORY: &str = "peak memory (max RSS) of a cached `get`";

/// Max RSS of a cached `get`, as the kernel accounts it to the child.
#[cfg(unix)]
fn peak_memory(server: &Server, runs: usize) -> Row {
    let sandbox = Sandbox::new();
    time(&mut sandbox.get(server, "file"));
    let peaks = (0..runs).map(|_| max_rss_kib(sandbox.get(server, "file")));
    let mib = median(peaks.collect()) as f64 / 1024.0;
    let seen = format!("{mib:.1} MiB (median of {runs})");
    Row::alone(PEAK_MEMORY, &seen, "≤ 15 MiB", Ok(mib <= 15.0))
}

/// The child's peak memory comes from Unix's `wait4`: a skipped row here.
#[cfg(not(unix))]
fn peak_memory(_server: &Server, _runs: usize) -> Row {
    let why = "skipped: measured on Unix only (wait4)";
    Row::alone(PEAK_MEMORY, "—", "≤ 15 MiB", Err(why.into()))
}

#[cfg(unix)]
#[expect(clippy::zombie_processes, reason = "reaped by wait4, not by std")]
fn max_rss_kib(mut cmd: Command) -> i64 {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let child = cmd.spawn().expect("cannot start a cached get");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 only writes into these two
    // locals, for a child of ours that nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(
        pid > 0 && status == 0,
        "a cached get failed (wait status {status})"
    );
    // KiB on Linux and the BSDs, bytes on macOS.
    if cfg!(target_os = "macos") {
        usage.ru_maxrss / 1024
    } else {
        usage.ru_maxrss
    }
}

fn print_report(rows: &[Row]) {
    println!("| case | compared with | median | baseline median | ratio | target | result |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        let verdict = match &row.met {
            Ok(true) => "ok",
            Ok(false) => "**MISS**",
            Err(why) => why,
        };
        println!("| {} | {verdict} |", row.cells.join(" | "));
    }
    let size = std::fs::metadata(BIN).map_or(0, |m| m.len());
    println!("\nMachine: {}.", machine());
    println!(
        "Release binary: {:.2} MiB ({size} bytes).",
        size as f64 / 1048576.0
    );
    let missed: Vec<&str> = rows
        .iter()
        .filter(|r| r.met == Ok(false))
        .map(|r| r.cells[0].as_str())
        .collect();
    let measured = rows.iter().filter(|r| r.met.is_ok()).count();
    match missed.len() {
        0 => println!("Summary: all {measured} measured targets met."),
        n => println!(
            "Summary: {n} of {measured} targets MISSED: {}.",
            missed.join("; ")
        ),
    }
}

/// `nproc`, the CPU model and the kernel.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'));
    let model = model.map_or("unknown CPU", |(_, m)| m.trim());
    let system = match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(kernel) => format!("Linux {}", kernel.trim()),
        Err(_) => std::env::consts::OS.to_string(),
    };
    format!("{cpus} CPUs (nproc), {model}, {system}")
}
