//! Everything around the logic: paths, scripts, broken sockets, TLS.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

#[test]
fn paths_outside_the_token_endpoint() {
    let server = Server::builder()
        .script(vec![Canned::GatewayError(503)])
        .start();
    let get = |path: &str| exchange(&server, format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes());
    let slash = get(&format!("{TOKEN_PATH}/"));
    assert_eq!(slash.status, 404);
    assert_eq!(slash.json()["error"], "Not Found");
    let ui = get("/some/page");
    assert_eq!(ui.status, 200);
    assert!(ui.body.contains("<title>REGARDS</title>"));
    // Other paths did not consume the script.
    let first = login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD);
    assert_eq!(
        (first.status, first.json()["status"].clone()),
        (503, Value::from(503))
    );
    assert_eq!(
        login(&server, "project1", DEMO_LOGIN, DEMO_PASSWORD).status,
        200
    );
    let bad = exchange(&server, b"NONSENSE\r\n\r\n");
    assert_eq!(bad.status, 400);
    let big = format!("POST {TOKEN_PATH}?scope=project1 HTTP/1.1\r\nContent-Length: 70000\r\n\r\n");
    assert_eq!(exchange(&server, big.as_bytes()).status, 413);
}

#[test]
fn broken_connections_and_drop_release_hangs() {
    let server = Server::builder()
        .script(vec![
            Canned::CloseWithoutAnswer,
            Canned::CloseMidBody,
            Canned::Hang,
        ])
        .start();
    let req = post("?scope=project1", "", "", Some(&basic("client", "secret")));
    assert_eq!(exchange(&server, &req).status, 0);
    let mid = exchange(&server, &req);
    assert!(mid.head.contains("Content-Length: 4096") && mid.body.len() < 4096);
    let mut hung = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    hung.write_all(&req).unwrap();
    while server.token_requests() < 3 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = Instant::now();
    drop(server);
    hung.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut rest = Vec::new();
    let _ = hung.read_to_end(&mut rest);
    assert!(rest.is_empty() && started.elapsed() < Duration::from_secs(3));
}

#[test]
fn tls_handshake_with_the_servers_ca() {
    let server = Server::builder().tls(true).start();
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let mut roots = rustls::RootCertStore::empty();
    let pem = server.ca_pem().unwrap();
    let der = rustls::pki_types::pem::PemObject::from_pem_slice(pem.as_bytes()).unwrap();
    roots.add(der).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    tls.read_to_end(&mut raw).unwrap();
    assert_eq!(parse(&raw).status, 200);
}

/// Plain HTTP to the TLS port: rustls' alert by default, not a byte with
/// `closes_plain_text`.
#[test]
fn plain_text_to_the_tls_port_gets_an_alert_or_nothing() {
    for (closes, alert) in [(false, true), (true, false)] {
        let server = Server::builder()
            .tls(true)
            .closes_plain_text(closes)
            .start();
        let mut tcp = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut raw = Vec::new();
        let _ = tcp.read_to_end(&mut raw);
        // A TLS alert record begins with 0x15.
        assert_eq!(raw.first() == Some(&0x15), alert, "{closes}: {raw:?}");
        assert_eq!(raw.is_empty(), closes, "{closes}: {raw:?}");
        assert_eq!(server.requests().len(), 0);
    }
}

#[test]
fn echo_quotes_the_request_back() {
    let server = Server::builder()
        .script(vec![
            Canned::Echo(Echo::Location(307)),
            Canned::Echo(Echo::Refusal),
            Canned::Echo(Echo::Messages(500)),
        ])
        .start();
    let req = post(
        "?scope=p&password=a%26b",
        "application/json",
        r#"{"password":"x\"y"}"#,
        Some(&basic("client", "secret")),
    );
    let redirect = exchange(&server, &req);
    assert_eq!(redirect.status, 307);
    assert!(
        redirect
            .head
            .contains(&format!("Location: {TOKEN_PATH}?scope=p&password=a%26b")),
        "{}",
        redirect.head
    );
    let quoted = |answer: &Answer, text: &str| {
        assert!(
            text.contains("?scope=p&password=a%26b (password \"a&b\")"),
            "{text}"
        );
        assert!(text.contains(&basic("client", "secret")), "{text}");
        assert!(
            text.contains(r#"body {"password":"x\"y"}"#),
            "{}",
            answer.body
        );
    };
    let refusal = exchange(&server, &req);
    assert_eq!(refusal.status, 400);
    assert_eq!(
        refusal.json()["additionalInformation"]["error"],
        "ACCOUNT_UNKNOWN"
    );
    quoted(&refusal, refusal.json()["detailMessage"].as_str().unwrap());
    let messages = exchange(&server, &req);
    assert_eq!(messages.status, 500);
    quoted(&messages, messages.json()["messages"][0].as_str().unwrap());
}
