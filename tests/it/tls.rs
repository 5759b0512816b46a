//! HTTPS: the system trust store, `--ca-cert` adding to it, `--insecure`.

use crate::common::*;

#[test]
fn an_unknown_certificate_authority_fails_without_sending_anything() {
    let server = Server::builder().tls(true).start();
    let ran = run(Sandbox::new().get(&server).arg("-v"));
    assert!(
        !ran.stderr.contains("retrying"),
        "a certificate problem is not retried"
    );
    assert!(
        ran.fails(4)
            .contains("TLS handshake with https://127.0.0.1:"),
        "{}",
        ran.stderr
    );
    assert!(ran.hint().contains("--ca-cert"));
    assert_eq!(
        server.token_requests(),
        0,
        "no request without a trusted certificate"
    );
}

#[test]
fn ca_cert_adds_a_trusted_authority() {
    let server = Server::builder().tls(true).start();
    let sandbox = Sandbox::new();
    let ca = sandbox.file("ca.pem", &server.ca_pem().unwrap());
    run(sandbox.get(&server).arg("--ca-cert").arg(&ca)).ok();
    // The same through the environment.
    run(sandbox.get(&server).env("REGARDS_CA_CERT", &ca)).ok();
    assert_eq!(server.token_requests(), 2);
}

#[test]
fn insecure_works_and_warns_every_time() {
    let server = Server::builder().tls(true).start();
    let sandbox = Sandbox::new();
    for _ in 0..2 {
        let ran = run(sandbox.get(&server).arg("--insecure"));
        ran.ok();
        assert!(ran.stderr.contains("warning: --insecure"), "{}", ran.stderr);
    }
}

/// `get` with `http://` to `server`'s TLS port: the scheme is named, with
/// the `--host` to use, exit 5, never retried, and no marker holds the
/// password back (a TLS server cannot read it).
fn names_the_scheme_to_use(server: &Server) -> Ran {
    let host = format!("http://127.0.0.1:{}", server.port());
    let sandbox = Sandbox::new();
    let ran = run(sandbox.get(server).args(["--host", &host]));
    assert_eq!(
        ran.fails(5),
        format!("regards-token: error: {host} speaks HTTPS, not plain HTTP")
    );
    assert_eq!(
        ran.hint(),
        format!("use --host https://127.0.0.1:{}", server.port())
    );
    assert!(!ran.stderr.contains("retrying"));
    assert!(!ran.stderr.contains("try again later"));
    assert!(
        sandbox.marker_files().is_empty(),
        "the password was not judged"
    );
    ran
}

/// `http://` to a port that speaks TLS: said at once.
#[test]
fn plain_http_to_a_tls_port_names_the_scheme_to_use() {
    names_the_scheme_to_use(&Server::builder().tls(true).start());
}

/// `http://` to a TLS port that closes a connection not beginning with a
/// handshake without a byte, as Netty's TLS handler does: the port is
/// probed with a TLS handshake (and with plain HTTP, which it does not
/// answer) before the closed connection is taken for a login the server
/// may have judged.
#[test]
fn plain_http_to_a_tls_port_that_just_closes_names_the_scheme_to_use() {
    let server = Server::builder().tls(true).closes_plain_text(true).start();
    let ran = names_the_scheme_to_use(&server);
    assert!(!ran.stderr.contains("may have checked the password"));
    // The login never reached the application: only the probe's GET did.
    let seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "GET");
}

/// A plain-HTTP server that closes the connection after the login: the
/// probe's handshake fails, so it stays a login the server may have
/// judged, held back by a marker.
#[test]
fn a_connection_closed_by_a_plain_http_server_is_not_taken_for_tls() {
    let server = scripted(vec![Canned::CloseWithoutAnswer]);
    let sandbox = Sandbox::new();
    let ran = run(&mut sandbox.get(&server));
    assert!(
        ran.fails(4).contains("broke after the login was sent"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        sandbox.marker_files().len(),
        1,
        "the login may have been judged"
    );
}

/// `https://` to a plain-HTTP server is said with the `--host` to use;
/// nothing sent, no retry. Whether the server answers the handshake with
/// a 400 at once (nginx, Tomcat: the TLS library sees plain HTTP), or
/// waits for a request line that never comes (Netty: the handshake times
/// out, and a GET without credentials finds plain HTTP).
#[test]
fn https_to_a_plain_http_server_names_the_scheme_to_use() {
    for waits in [false, true] {
        let server = Server::builder().waits_for_a_line(waits).start();
        let host = format!("https://127.0.0.1:{}", server.port());
        let ran = run(Sandbox::new().get(&server).args([
            "--host",
            &host,
            "--retries",
            "2",
            "--timeout",
            "1s",
        ]));
        assert_eq!(
            ran.fails(5),
            format!("regards-token: error: {host} speaks plain HTTP, not HTTPS"),
            "waits {waits}"
        );
        assert_eq!(
            ran.hint(),
            format!("use --host http://127.0.0.1:{}", server.port())
        );
        assert!(!ran.stderr.contains("retrying"));
        // Only the probe's GET, without credentials, reached the server.
        let requests = server.requests();
        assert!(requests.iter().all(|r| r.method == "GET"), "waits {waits}");
        assert_eq!(
            requests.len(),
            usize::from(waits),
            "one probe, when it waits"
        );
    }
}

/// `https://` to a port where nothing listens is a connection failure,
/// retried, not a wrong scheme: the check for plain HTTP there fails too.
#[test]
fn https_to_a_closed_port_cannot_connect() {
    let host = format!("https://127.0.0.1:{}", closed_port());
    let ran = run(Sandbox::new()
        .cmd()
        .args([
            "get", "--host", &host, "-s", "project1", "-u", DEMO_LOGIN, "-v",
        ])
        .args(["--retries", "1"])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD));
    assert!(
        ran.fails(4)
            .starts_with(&format!("regards-token: error: cannot connect to {host}: ")),
        "{}",
        ran.stderr
    );
    assert_eq!(
        ran.stderr.matches("retrying in").count(),
        1,
        "{}",
        ran.stderr
    );
}

/// `https://` to a plain-HTTP server that answers the TLS handshake with
/// an HTTP error at once, as nginx does: said at once, with the `--host`
/// to use, without waiting for a timeout; nothing sent, no retry.
#[test]
fn https_to_a_server_answering_in_plain_http_names_the_scheme_to_use() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&connections);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut hello = [0u8; 512];
            let _ = stream.read(&mut hello);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let host = format!("https://127.0.0.1:{port}");
    let sandbox = Sandbox::new();
    let ran = run(sandbox
        .cmd()
        .args(["get", "--host", &host, "-s", "project1", "-u", DEMO_LOGIN])
        .args(["--retries", "2", "--timeout", "20s"])
        .env("REGARDS_PASSWORD", DEMO_PASSWORD));
    assert_eq!(
        ran.fails(5),
        format!("regards-token: error: {host} speaks plain HTTP, not HTTPS")
    );
    assert_eq!(ran.hint(), format!("use --host http://127.0.0.1:{port}"));
    assert!(!ran.stderr.contains("retrying"));
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(sandbox.marker_files().is_empty(), "nothing was judged");
}

#[test]
fn a_bad_ca_cert_is_reported_before_anything_else() {
    let server = Server::builder().start();
    let sandbox = Sandbox::new();
    // Cached token, no password source: neither hides the bad file.
    run(sandbox.get(&server).args(["--cache", "file"])).ok();
    let ran =
        run(sandbox
            .login(&server)
            .args(["--cache", "file", "--ca-cert", "/nonexistent/ca.pem"]));
    assert!(
        ran.fails(2)
            .contains("cannot read the CA file /nonexistent/ca.pem"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.token_requests(), 1);
}
