//! Just enough HTTP/1.1 to read one request and write one answer per
//! connection. Strict where a sloppy client would hide a bug (lengths,
//! encodings), lenient where real servers are too (header case, `\n` lines).

use std::io::{self, Read, Write};

use crate::Recorded;

/// Larger bodies are refused with 413: a token request is a few hundred bytes,
/// so anything near this size is a client bug, not something to buffer.
pub(crate) const MAX_BODY: usize = 64 * 1024;
const MAX_HEAD: usize = 32 * 1024;

pub(crate) enum ReadError {
    /// The client went away before sending a full request head; nothing to answer.
    Closed,
    /// Unparseable: answer 400 (nothing was recorded).
    Malformed(&'static str),
    /// The head was fine but the body exceeds [`MAX_BODY`]: record it, answer 413.
    TooLarge(Box<Recorded>),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// Buffered reader that keeps what was read past the head for the body.
struct Input<'a, S> {
    stream: &'a mut S,
    buf: Vec<u8>,
}

impl<S: Read> Input<'_, S> {
    fn fill(&mut self) -> Result<(), ReadError> {
        let mut chunk = [0u8; 8192];
        let n = self.stream.read(&mut chunk)?;
        if n == 0 {
            return Err(ReadError::Closed);
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<Vec<u8>, ReadError> {
        while self.buf.len() < n {
            self.fill()?;
        }
        Ok(self.buf.drain(..n).collect())
    }

    fn line(&mut self) -> Result<String, ReadError> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                let text = String::from_utf8(line).map_err(|_| ReadError::Malformed("bad line"))?;
                return Ok(text.trim_end_matches(['\r', '\n']).to_owned());
            }
            if self.buf.len() > MAX_HEAD {
                return Err(ReadError::Malformed("line too long"));
            }
            self.fill()?;
        }
    }
}

/// Reads one request. Writes `100 Continue` when asked, since curl waits a
/// second for it before sending a body larger than 1 KiB. Bytes that
/// cannot begin a request are refused as soon as they come or, with
/// `waits_for_a_line` (see `Builder::waits_for_a_line`), never answered.
pub(crate) fn read_request<S: Read + Write>(
    stream: &mut S,
    waits_for_a_line: bool,
) -> Result<Recorded, ReadError> {
    let mut input = Input {
        stream,
        buf: Vec::new(),
    };
    let head_end = loop {
        if let Some(end) = find_head_end(&input.buf) {
            break end;
        }
        if input.buf.len() > MAX_HEAD {
            return Err(ReadError::Malformed("request head too large"));
        }
        input.fill()?;
        if !may_start_request(&input.buf) {
            if waits_for_a_line {
                // Whatever comes next, this is no request: wait until the
                // client gives up (or the read times out), and say nothing.
                loop {
                    input.buf.clear();
                    input.fill()?;
                }
            }
            return Err(ReadError::Malformed("not an HTTP request"));
        }
    };
    let head: Vec<u8> = input.buf.drain(..head_end).collect();
    let head = String::from_utf8(head).map_err(|_| ReadError::Malformed("head is not UTF-8"))?;
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed("bad request line"));
    };
    if method.is_empty() || !version.starts_with("HTTP/1.") {
        return Err(ReadError::Malformed("bad request line"));
    }
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            return Err(ReadError::Malformed("obsolete header folding"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(ReadError::Malformed("header without colon"))?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(ReadError::Malformed("bad header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }

    let (path, raw_query) = split_target(target);
    let query = raw_query
        .as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let mut recorded = Recorded {
        method: method.to_owned(),
        path,
        raw_query,
        query,
        headers,
        body: Vec::new(),
    };

    let chunked = recorded
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"));
    let length = match recorded.header("content-length") {
        Some(_) if chunked => None,
        Some(v) => Some(
            v.parse::<usize>()
                .map_err(|_| ReadError::Malformed("bad Content-Length"))?,
        ),
        None => None,
    };
    if length.is_some_and(|n| n > MAX_BODY) {
        return Err(ReadError::TooLarge(Box::new(recorded)));
    }
    let wants_body = chunked || length.is_some_and(|n| n > 0);
    if wants_body
        && recorded
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        input.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        input.stream.flush()?;
    }
    if chunked {
        let mut body = Vec::new();
        loop {
            let size_line = input.line()?;
            let size_hex = size_line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_hex, 16)
                .map_err(|_| ReadError::Malformed("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line that ends the message.
                while !input.line()?.is_empty() {}
                break;
            }
            if body.len() + size > MAX_BODY {
                return Err(ReadError::TooLarge(Box::new(recorded)));
            }
            body.extend(input.take(size)?);
            input.line()?;
        }
        recorded.body = body;
    } else if let Some(n) = length {
        recorded.body = input.take(n)?;
    }
    Ok(recorded)
}

/// Whether `buf` can be the beginning of a request: empty lines (which
/// RFC 9112 lets a server skip), then a method made of token characters.
fn may_start_request(buf: &[u8]) -> bool {
    let start = buf
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(buf.len());
    let rest = &buf[start..];
    let method_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    rest[..method_end]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// Index just past the blank line ending the head; bare `\n` tolerated for
/// requests typed by hand.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    (0..buf.len()).find_map(|i| {
        if buf[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if buf[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else {
            None
        }
    })
}

/// Splits origin-form (and absolute-form, sent to proxies) into path and raw query.
fn split_target(target: &str) -> (String, Option<String>) {
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    let target = target.split('#').next().unwrap_or_default();
    match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.to_owned(), None),
    }
}

/// An answer to write; `Content-Length` and `Connection: close` are added on write.
#[derive(Debug)]
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Spring's spelling of the JSON content type, which clients must accept.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response::empty(status)
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(value.to_string().into_bytes())
    }

    pub fn html(status: u16, body: &str) -> Self {
        Response::empty(status)
            .header("Content-Type", "text/html")
            .body(body.as_bytes().to_vec())
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// `head_only` for HEAD requests: same headers, no body.
    pub fn write_to<W: Write>(&self, out: &mut W, head_only: bool) -> io::Result<()> {
        let mut head = status_line(self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        // Real gateways send the date (clients compare clocks with it);
        // a canned answer may bring its own, e.g. a skewed one.
        if !self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("date"))
        {
            let now = httpdate::fmt_http_date(std::time::SystemTime::now());
            head.push_str(&format!("Date: {now}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str("Connection: close\r\n\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

pub(crate) fn status_line(status: u16, reason: &str) -> String {
    format!("HTTP/1.1 {status} {reason}\r\n")
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        // 515 is REGARDS' own "project in maintenance".
        _ => "Unknown",
    }
}
