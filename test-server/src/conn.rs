//! One connection: read one request, record it, answer it (normally or as
//! scripted), close. The canned failure modes that need control over the
//! socket itself (hanging, closing early, streaming) live here.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::http::{self, ReadError, Response};
use crate::server::Shared;
use crate::{Canned, Echo, Recorded, TOKEN_PATH, pages, regards};

/// Long enough for any test, short enough that a client which never finishes
/// its request cannot pin a thread for the rest of the test run.
const IO_TIMEOUT: Duration = Duration::from_secs(30);
const HANG_LIMIT: Duration = Duration::from_secs(120);

/// The connection, plain or TLS, as one Read + Write.
enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
        }
    }

    /// Orderly close: TLS close_notify, FIN, then read what the client still
    /// sends so the kernel does not answer it with a reset that could make
    /// the client lose our response (e.g. after a 413 on an unread body).
    fn finish(mut self) {
        if let Stream::Tls(s) = &mut self {
            s.conn.send_close_notify();
            let _ = s.flush();
        }
        let tcp = self.tcp();
        let _ = tcp.shutdown(Shutdown::Write);
        let _ = tcp.set_read_timeout(Some(Duration::from_secs(2)));
        let mut sink = [0u8; 8192];
        let mut left: usize = 1 << 20;
        let mut raw = tcp;
        while left > 0 {
            match raw.read(&mut sink) {
                Ok(n) if n > 0 => left = left.saturating_sub(n),
                _ => break,
            }
        }
    }

    /// Abrupt close, no close_notify: what a crashing proxy looks like.
    fn abort(self) {
        let _ = self.tcp().shutdown(Shutdown::Both);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

pub(crate) fn serve(tcp: TcpStream, shared: &Shared) {
    if shared.stop.load(Ordering::SeqCst) {
        return;
    }
    let _ = tcp.set_read_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_write_timeout(Some(IO_TIMEOUT));
    let _ = tcp.set_nodelay(true);
    if shared.tls.is_some() && shared.config.closes_plain_text && !starts_a_handshake(&tcp) {
        // Read what came, so that closing sends no reset, then close.
        let _ = tcp.set_read_timeout(Some(Duration::from_millis(100)));
        let mut sink = [0u8; 16 * 1024];
        while matches!((&tcp).read(&mut sink), Ok(n) if n > 0) {}
        let _ = tcp.shutdown(Shutdown::Both);
        log(shared, "?", "?", "(not TLS: closed without answer)");
        return;
    }
    let mut stream = match &shared.tls {
        None => Stream::Plain(tcp),
        Some(identity) => match ServerConnection::new(Arc::clone(&identity.config)) {
            Ok(conn) => Stream::Tls(Box::new(StreamOwned::new(conn, tcp))),
            Err(_) => return,
        },
    };
    let req = match http::read_request(&mut stream, shared.config.waits_for_a_line) {
        Ok(req) => req,
        Err(ReadError::Closed) => return,
        Err(ReadError::Malformed(why)) => {
            let msg = serde_json::json!({ "messages": [format!("Bad request: {why}")] });
            let _ = Response::json(400, &msg).write_to(&mut stream, false);
            stream.finish();
            log(shared, "?", "?", "400 (malformed request)");
            return;
        }
        Err(ReadError::TooLarge(req)) => {
            record(shared, &req);
            let _ = Response::empty(413).write_to(&mut stream, false);
            stream.finish();
            log(shared, &req.method, &req.path, "413");
            return;
        }
    };
    let canned = record(shared, &req);
    let head_only = req.method == "HEAD";
    let outcome = match canned {
        None | Some(Canned::Normal) => {
            let resp = regards::answer(shared, &req);
            let delay = shared.config.login_delay;
            if !delay.is_zero() && req.path == TOKEN_PATH {
                wait_unless_stopped(shared, delay);
            }
            let _ = resp.write_to(&mut stream, head_only);
            stream.finish();
            resp.status.to_string()
        }
        Some(Canned::Bytes(bytes)) => {
            let _ = stream.write_all(&bytes);
            let _ = stream.flush();
            stream.finish();
            format!("({} raw bytes)", bytes.len())
        }
        Some(Canned::Delay(wait)) => {
            wait_unless_stopped(shared, wait);
            let resp = regards::answer(shared, &req);
            let _ = resp.write_to(&mut stream, head_only);
            stream.finish();
            format!("{} (delayed)", resp.status)
        }
        Some(Canned::Hang) => {
            wait_unless_stopped(shared, HANG_LIMIT);
            stream.abort();
            "(hung, then closed)".to_owned()
        }
        Some(Canned::CloseWithoutAnswer) => {
            stream.abort();
            "(closed without answer)".to_owned()
        }
        Some(Canned::CloseMidBody) => {
            let head = format!(
                "{}Content-Type: application/json;charset=UTF-8\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n",
                http::status_line(200, "OK")
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(b"{\"access_token\":\"eyJhbGciOiJIUzUxMiJ9.");
            let _ = stream.flush();
            stream.abort();
            "200 (closed mid-body)".to_owned()
        }
        Some(Canned::Huge(size)) => {
            let _ = write_huge(&mut stream, size);
            stream.finish();
            format!("200 (huge, {size} bytes)")
        }
        Some(other) => {
            let resp = canned_response(other, &req);
            let _ = resp.write_to(&mut stream, head_only);
            stream.finish();
            format!("{} (canned)", resp.status)
        }
    };
    log(shared, &req.method, &req.path, &outcome);
}

/// Whether the connection's first byte is that of a TLS handshake record.
fn starts_a_handshake(tcp: &TcpStream) -> bool {
    let mut first = [0u8; 1];
    matches!(tcp.peek(&mut first), Ok(1) if first[0] == 0x16)
}

/// Records the request and, for the token path, takes the next scripted
/// answer: both under one lock so concurrent requests pair up in order.
fn record(shared: &Shared, req: &Recorded) -> Option<Canned> {
    let mut state = shared.state();
    state.requests.push(req.clone());
    if req.path != TOKEN_PATH {
        return None;
    }
    state.token_requests += 1;
    state.script.pop_front()
}

/// Only method, path and outcome: queries, headers and bodies carry
/// passwords and tokens, which must never end up in a terminal or CI log.
fn log(shared: &Shared, method: &str, path: &str, outcome: &str) {
    if shared.config.log_requests {
        eprintln!("{method} {path} -> {outcome}");
    }
}

fn wait_unless_stopped(shared: &Shared, limit: Duration) {
    let start = Instant::now();
    while start.elapsed() < limit && !shared.stop.load(Ordering::SeqCst) {
        thread::sleep(Duration::from_millis(20).min(limit.saturating_sub(start.elapsed())));
    }
}

fn canned_response(canned: Canned, req: &Recorded) -> Response {
    match canned {
        Canned::Raw {
            status,
            content_type,
            body,
            extra_headers,
        } => {
            let mut resp = Response::empty(status).body(body);
            if let Some(ct) = content_type {
                resp = resp.header("Content-Type", &ct);
            }
            for (name, value) in extra_headers {
                resp = resp.header(&name, &value);
            }
            resp
        }
        Canned::GatewayError(status) => pages::gateway_error(status, &req.path),
        Canned::Messages(status, message) => pages::messages(status, &message),
        Canned::Redirect(status, location) => Response::empty(status).header("Location", &location),
        Canned::Echo(echo) => echo_response(echo, req),
        Canned::IndexHtml => pages::index_html(),
        Canned::FirewallPage(status) => pages::firewall_page(status),
        // Handled by `serve` because they need the socket itself.
        Canned::Hang
        | Canned::CloseMidBody
        | Canned::CloseWithoutAnswer
        | Canned::Huge(_)
        | Canned::Delay(_)
        | Canned::Bytes(_)
        | Canned::Normal => Response::empty(500),
    }
}

fn echo_response(echo: Echo, req: &Recorded) -> Response {
    let target = match &req.raw_query {
        Some(query) => format!("{}?{query}", req.path),
        None => req.path.clone(),
    };
    let quoted = format!(
        "cannot handle {} {target} (password {:?}) authorization {:?} body {}",
        req.method,
        req.query_param("password").unwrap_or_default(),
        req.header("authorization").unwrap_or_default(),
        String::from_utf8_lossy(&req.body),
    );
    match echo {
        Echo::Location(status) => Response::empty(status).header("Location", &target),
        Echo::Refusal => Response::json(
            400,
            &serde_json::json!({
                "additionalInformation": {"error": "ACCOUNT_UNKNOWN"},
                "detailMessage": quoted,
            }),
        ),
        Echo::Messages(status) => pages::messages(status, &quoted),
        Echo::Gateway(status) => Response::json(
            status,
            &serde_json::json!({
                "timestamp": "2026-01-01T00:00:00.000+00:00",
                "path": req.path,
                "status": status,
                "error": quoted,
                "requestId": "echo-1",
            }),
        ),
        Echo::LoginPage(status) => {
            let service: String = target
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            Response::empty(status).header(
                "Location",
                &format!("https://sso.example/login?service=http%3A%2F%2Fgateway{service}"),
            )
        }
    }
}

/// Streams the body so that a test can ask for a gigabyte without the
/// server holding it in memory; stops as soon as the client gives up.
fn write_huge(stream: &mut Stream, size: usize) -> io::Result<()> {
    let head = format!(
        "{}Content-Type: application/json;charset=UTF-8\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n",
        http::status_line(200, "OK")
    );
    stream.write_all(head.as_bytes())?;
    let prefix = b"{\"access_token\":\"";
    let first = prefix.len().min(size);
    stream.write_all(&prefix[..first])?;
    let filler = [b'A'; 64 * 1024];
    let mut left = size - first;
    while left > 0 {
        let n = left.min(filler.len());
        stream.write_all(&filler[..n])?;
        left -= n;
    }
    stream.flush()
}
