//! A demo REGARDS server for trying the client by hand (the README's quick
//! start): the default project, user and client, on a fixed port so the
//! printed `export` lines stay valid across restarts.

use std::process::ExitCode;

use regards_test_server::{DEMO_LOGIN, DEMO_PASSWORD, DEMO_PROJECT, Server};

const DEFAULT_PORT: u16 = 8034;
const USAGE: &str = "usage: regards-test-server [--port N] [--tls] [--token-size BYTES]

Serves a fake REGARDS token endpoint on 127.0.0.1 until Ctrl-C.
  --port N             port to listen on (default 8034, 0 = any free port)
  --tls                serve HTTPS with a fresh certificate; its CA is written to a file
  --token-size BYTES   hand out tokens of at least BYTES bytes (a padding claim),
                       e.g. 6000: more than one Windows credential holds
";

struct Args {
    port: u16,
    tls: bool,
    token_size: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut parsed = Args {
        port: DEFAULT_PORT,
        tls: false,
        token_size: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        match name.as_str() {
            "--tls" if inline.is_none() => parsed.tls = true,
            "--port" | "--token-size" => {
                let value = match inline {
                    Some(value) => value,
                    None => args.next().ok_or(format!("{name} needs a value"))?,
                };
                let invalid = || format!("invalid {}: {value}", &name[2..]);
                if name == "--port" {
                    parsed.port = value.parse().map_err(|_| invalid())?;
                } else {
                    parsed.token_size = value.parse().map_err(|_| invalid())?;
                }
            }
            _ => return Err(format!("unknown argument: {arg}")),
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let Args {
        port,
        tls,
        token_size,
    } = match parse_args() {
        Ok(parsed) => parsed,
        Err(why) => {
            eprintln!("regards-test-server: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::builder()
        .port(port)
        .tls(tls)
        .min_token_size(token_size)
        .log_requests(true)
        .try_start()
    {
        Ok(server) => server,
        Err(err) => {
            eprintln!(
                "regards-test-server: cannot listen on 127.0.0.1:{port}: {err}\n\
                 (another server there? pick another port with --port N, or 0 for any)"
            );
            return ExitCode::from(1);
        }
    };
    let url = server.url();
    println!("REGARDS test server listening on {url}");
    println!();
    println!("export REGARDS_HOST={url}");
    println!("export REGARDS_SCOPE={DEMO_PROJECT}");
    println!("export REGARDS_USERNAME={DEMO_LOGIN}");
    println!();
    println!("The password is: {DEMO_PASSWORD}");
    if let Some(pem) = server.ca_pem() {
        let path =
            std::env::temp_dir().join(format!("regards-test-server-{}-ca.pem", server.port()));
        if let Err(e) = std::fs::write(&path, pem) {
            eprintln!("regards-test-server: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("CA certificate (for --ca-cert): {}", path.display());
    }
    println!();
    println!("Requests are logged to stderr. Press Ctrl-C to stop.");
    // The server lives on its own threads; Ctrl-C's default action ends the process.
    loop {
        std::thread::park();
    }
}
