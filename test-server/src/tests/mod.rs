//! Talks to the server over raw sockets, so these tests check the bytes on
//! the wire rather than an HTTP client's interpretation of them.

mod token;
mod transport;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::*;

pub(super) struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

pub(super) fn parse(raw: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

pub(super) fn exchange(server: &Server, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

pub(super) fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A token request the way the 2.x protocol wants it, with overridable parts.
pub(super) fn post(query: &str, content_type: &str, body: &str, auth: Option<&str>) -> Vec<u8> {
    let mut req = format!("POST {TOKEN_PATH}{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if let Some(auth) = auth {
        req.push_str(&format!("Authorization: {auth}\r\n"));
    }
    if !content_type.is_empty() {
        req.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    req.into_bytes()
}

pub(super) fn login(server: &Server, scope: &str, username: &str, password: &str) -> Answer {
    let body = serde_json::json!({
        "username": username, "password": password, "scope": scope, "grant_type": "password"
    })
    .to_string();
    let req = post(
        &format!("?scope={scope}"),
        "application/json",
        &body,
        Some(&basic("client", "secret")),
    );
    exchange(server, &req)
}
