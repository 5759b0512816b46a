//! Turns whatever came back from the token endpoint into one typed outcome.
//!
//! This is the only place that looks at status numbers and body shapes; the
//! rest of the program matches on `Outcome`. It is a pure function of the
//! answer so that every row of the protocol's error table is unit-tested.

use serde_json::Value;

use super::failure::Verdict;
use crate::redact::Scrubber;
use crate::secret::Secret;
use crate::token::{MAX_TOKEN_BYTES, is_b64token};

/// What one answer from the token endpoint means.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Granted(Granted),
    /// REGARDS judged the login and said no (`additionalInformation.error`,
    /// or a 1.x `invalid_grant`). Never retried: it counts towards lockout.
    LoginRefused {
        code: String,
        detail: Option<String>,
    },
    /// 401/403: the client id/secret or the scope did not pass the
    /// security filters.
    ClientRejected {
        status: u16,
    },
    /// REGARDS understood it was asked something but not what: a malformed
    /// body, a 415, a 1.x server given JSON.
    RequestRejected {
        status: u16,
        message: Option<String>,
    },
    /// 515: the project is in maintenance.
    Maintenance,
    /// 503 in the gateway's own JSON: it had no instance of
    /// rs-authentication to forward to.
    GatewayUnavailable {
        message: Option<String>,
    },
    ServerError {
        status: u16,
        message: Option<String>,
    },
    Redirect {
        status: u16,
        location: Option<String>,
    },
    NotRegards {
        status: u16,
        what: Unexpected,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub struct Granted {
    pub access_token: Secret<String>,
    pub expires_in: u64,
    pub role: Option<String>,
    pub tenant: Option<String>,
    pub email: Option<String>,
    pub sub: Option<String>,
    /// `service_provider_name`: the login went through an identity
    /// provider (LDAP, say), whose login name need not be the address the
    /// REGARDS account has.
    pub identity_provider: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Unexpected {
    /// An HTML page: the web UI's index.html, a proxy's error page...
    WebPage,
    /// A web application firewall's "Request Rejected" page.
    Firewall,
    NotFound,
    InvalidJson,
    /// Valid JSON that is not a token answer; says what is wrong with it.
    BadAnswer(String),
    /// A status the endpoint never sends.
    Status,
    /// Larger than any token answer could be.
    TooLarge,
}

impl Outcome {
    /// The same outcome with every text the server wrote scrubbed of
    /// this login's secrets.
    pub fn scrubbed(self, scrubber: &Scrubber) -> Outcome {
        let text = |text: Option<String>| text.map(|t| scrubber.scrub(&t));
        match self {
            Outcome::LoginRefused { code, detail } => Outcome::LoginRefused {
                code: scrubber.scrub(&code),
                detail: text(detail),
            },
            Outcome::RequestRejected { status, message } => Outcome::RequestRejected {
                status,
                message: text(message),
            },
            Outcome::ServerError { status, message } => Outcome::ServerError {
                status,
                message: text(message),
            },
            Outcome::Redirect { status, location } => Outcome::Redirect {
                status,
                location: text(location),
            },
            Outcome::GatewayUnavailable { message } => Outcome::GatewayUnavailable {
                message: text(message),
            },
            // Every variant is named, so that one added later with server
            // text in it cannot pass through unscrubbed.
            Outcome::Granted(granted) => Outcome::Granted(granted),
            Outcome::ClientRejected { status } => Outcome::ClientRejected { status },
            Outcome::Maintenance => Outcome::Maintenance,
            Outcome::NotRegards { status, what } => Outcome::NotRegards {
                status,
                what: match what {
                    Unexpected::BadAnswer(why) => Unexpected::BadAnswer(scrubber.scrub(&why)),
                    other => other,
                },
            },
        }
    }

    /// Whether the server may have judged the password. A 502 or a 504
    /// may come after rs-authentication checked it, and an answer that is
    /// not REGARDS' may come from something that still forwarded it; only
    /// a gateway that did not forward, or a request the application could
    /// not read, proves it was not checked.
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::LoginRefused { .. } | Outcome::ClientRejected { .. } => Verdict::Refused,
            Outcome::GatewayUnavailable { .. } | Outcome::RequestRejected { .. } => {
                Verdict::NotJudged
            }
            _ => Verdict::Unknown,
        }
    }

    /// Whether the failure concerns the project rather than the account:
    /// no access to it, an unknown one (REGARDS answers 500), one in
    /// maintenance, or client credentials and scope the filters rejected.
    /// A refusal of the password itself, or an attempt without a verdict,
    /// holds back every project of the account.
    pub fn scoped(&self) -> bool {
        match self {
            Outcome::LoginRefused { code, .. } => {
                code.starts_with("USER_") || code == "INSTANCE_ACCESS_DENIED"
            }
            Outcome::ClientRejected { .. }
            | Outcome::Maintenance
            | Outcome::ServerError { status: 500, .. } => true,
            _ => false,
        }
    }

    /// Only the gateway's own 503 may be retried: the password was not
    /// checked, and the service may be back in a moment. A request the
    /// server could not read would not be read the second time either.
    pub fn retryable(&self) -> bool {
        matches!(self, Outcome::GatewayUnavailable { .. })
    }
}

pub fn classify(
    status: u16,
    content_type: Option<&str>,
    location: Option<&str>,
    body: &[u8],
) -> Outcome {
    let not_regards = |what| Outcome::NotRegards { status, what };
    if (300..400).contains(&status) {
        return Outcome::Redirect {
            status,
            location: location.map(str::to_string),
        };
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    // A firewall's page names it, whatever its status and however it is
    // served (HTML or plain text): it rejected the request, so it is no
    // refusal by REGARDS, even at 403.
    if json.is_none() && is_firewall_page(body) {
        return not_regards(Unexpected::Firewall);
    }
    let html = looks_like_html(content_type, body);
    if never_regards(status) {
        let what = if html {
            Unexpected::WebPage
        } else {
            Unexpected::Status
        };
        return not_regards(what);
    }
    if html {
        return if matches!(status, 401 | 403) {
            // Servlet containers answer filter rejections with their own page.
            Outcome::ClientRejected { status }
        } else if status >= 500 {
            Outcome::ServerError {
                status,
                message: None,
            }
        } else if status == 404 {
            not_regards(Unexpected::NotFound)
        } else {
            not_regards(Unexpected::WebPage)
        };
    }
    match status {
        200 => match json {
            Some(json) => granted(&json).map_or_else(
                |why| not_regards(Unexpected::BadAnswer(why)),
                Outcome::Granted,
            ),
            None => not_regards(Unexpected::InvalidJson),
        },
        400 => match json.as_ref().map(Shape::of) {
            Some(Shape::Refusal { code, detail }) => Outcome::LoginRefused { code, detail },
            Some(Shape::OAuth { error, description }) if error == "invalid_grant" => {
                Outcome::LoginRefused {
                    code: error,
                    detail: description,
                }
            }
            Some(Shape::OAuth { description, error }) => Outcome::RequestRejected {
                status,
                message: Some(description.unwrap_or(error)),
            },
            Some(Shape::Messages(message)) => Outcome::RequestRejected { status, message },
            Some(Shape::Other) => not_regards(Unexpected::BadAnswer(
                "a 400 answer of an unknown shape".into(),
            )),
            None => not_regards(Unexpected::InvalidJson),
        },
        401 | 403 => Outcome::ClientRejected { status },
        404 => not_regards(Unexpected::NotFound),
        413 => not_regards(Unexpected::TooLarge),
        415 => Outcome::RequestRejected {
            status,
            message: None,
        },
        515 => Outcome::Maintenance,
        // Only the gateway's own error proves it did not forward: a proxy
        // page or an empty 503 may come after the request went through.
        503 if json.as_ref().is_some_and(is_gateway_error) => Outcome::GatewayUnavailable {
            message: json.as_ref().and_then(server_message),
        },
        500..=599 => Outcome::ServerError {
            status,
            message: json.as_ref().and_then(server_message),
        },
        _ => not_regards(Unexpected::Status),
    }
}

/// The error bodies REGARDS and its framework produce.
enum Shape {
    /// `{"additionalInformation":{"error":"ACCOUNT_LOCKED"},"detailMessage":...}`
    Refusal {
        code: String,
        detail: Option<String>,
    },
    /// Spring Security OAuth2 (REGARDS 1.x): `{"error":..,"error_description":..}`
    OAuth {
        error: String,
        description: Option<String>,
    },
    /// `{"messages":["..."]}`
    Messages(Option<String>),
    Other,
}

impl Shape {
    fn of(json: &Value) -> Shape {
        let text = |v: &Value| v.as_str().map(str::to_string);
        if let Some(code) = json.pointer("/additionalInformation/error").and_then(text) {
            return Shape::Refusal {
                code,
                detail: json.get("detailMessage").and_then(text),
            };
        }
        // The gateway's own errors also have "error", next to a "status".
        if let Some(error) = json.get("error").and_then(text)
            && json.get("status").is_none()
        {
            return Shape::OAuth {
                error,
                description: json.get("error_description").and_then(text),
            };
        }
        if json.get("messages").is_some() {
            return Shape::Messages(first_message(json));
        }
        Shape::Other
    }
}

fn first_message(json: &Value) -> Option<String> {
    json.get("messages")?.get(0)?.as_str().map(str::to_string)
}

/// The gateway's own error body: `{"timestamp","path","status","error",
/// "requestId"}`, with no REGARDS `messages` (which would mean the request
/// got past it).
fn is_gateway_error(json: &Value) -> bool {
    ["timestamp", "path", "status", "error"]
        .iter()
        .all(|key| json.get(key).is_some())
        && json.get("messages").is_none()
}

/// `messages[0]` from REGARDS, or the gateway's own `error` text.
fn server_message(json: &Value) -> Option<String> {
    first_message(json).or_else(|| json.get("error")?.as_str().map(str::to_string))
}

fn granted(json: &Value) -> Result<Granted, String> {
    let access_token = match json.get("access_token") {
        Some(Value::String(token)) if !token.is_empty() => token.clone(),
        Some(Value::String(_)) => return Err("access_token is empty".into()),
        Some(_) => return Err("access_token is not a string".into()),
        None => return Err("it has no access_token".into()),
    };
    if access_token.len() > MAX_TOKEN_BYTES {
        return Err(format!(
            "access_token is longer than {MAX_TOKEN_BYTES} bytes"
        ));
    }
    if !is_b64token(&access_token) {
        // A token with spaces, quotes or control characters would break the
        // header it goes into, and the shell line `--format env` prints.
        return Err("access_token contains characters a bearer token cannot have".into());
    }
    match json.get("token_type") {
        Some(Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => {}
        Some(_) => return Err("token_type is not bearer".into()),
        None => return Err("it has no token_type".into()),
    }
    let expires_in = match json.get("expires_in") {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or("expires_in is not a whole number of seconds")?,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| "expires_in is not a number")?,
        Some(_) => return Err("expires_in is not a number".into()),
        None => return Err("it has no expires_in".into()),
    };
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
    Ok(Granted {
        access_token: Secret::new(access_token),
        expires_in,
        role: text("role"),
        tenant: text("tenant"),
        email: text("email"),
        sub: text("sub"),
        identity_provider: json
            .get("service_provider_name")
            .is_some_and(|v| !v.is_null()),
    })
}

/// 5xx statuses that neither REGARDS, its gateway, nor a proxy or load
/// balancer in front of them sends for a JSON POST: 501 (the server does
/// not do POST there, as `python3 -m http.server` answers) and 505 to 511
/// (HTTP version, content negotiation, WebDAV storage and loops,
/// extensions, a captive portal's login). What answers so is not REGARDS
/// or its way in; "try again later" would never help. The statuses a
/// failing deployment gives, 500, 502, 503, 504, the maintenance 515 and
/// a CDN's 52x about its origin, stay server errors.
fn never_regards(status: u16) -> bool {
    matches!(status, 501 | 505..=511)
}

fn looks_like_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let declared = content_type.is_some_and(|ct| ct.to_ascii_lowercase().contains("html"));
    declared || body.trim_ascii_start().starts_with(b"<")
}

fn is_firewall_page(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]).to_ascii_lowercase();
    text.contains("request rejected") || text.contains("the requested url was rejected")
}

#[cfg(test)]
mod tests;
