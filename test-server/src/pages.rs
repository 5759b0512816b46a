//! The bodies the real deployment answers with: REGARDS' refusal and
//! `messages` shapes, the gateway's errors, nginx's web UI page, a firewall's
//! page. Clients tell failures apart by these shapes, so they must be exact.

use serde_json::json;

use crate::http::Response;
use crate::jwt;
use crate::{AccessState, AccountStatus};

pub(crate) fn status_code(status: AccountStatus) -> &'static str {
    match status {
        AccountStatus::Active => "ACCOUNT_ACTIVE",
        AccountStatus::Pending => "ACCOUNT_PENDING",
        AccountStatus::Inactive => "ACCOUNT_INACTIVE",
        AccountStatus::InactivePassword => "ACCOUNT_INACTIVE_PASSWORD",
        AccountStatus::Locked => "ACCOUNT_LOCKED",
    }
}

pub(crate) fn access_code(state: AccessState) -> Option<&'static str> {
    match state {
        AccessState::Granted => None,
        AccessState::WaitingAccess => Some("USER_WAITING_ACCESS"),
        AccessState::WaitingEmailVerification => Some("USER_WAITING_EMAIL_VERIFICATION"),
        AccessState::AccessDenied => Some("USER_ACCESS_DENIED"),
        AccessState::AccessInactive => Some("USER_ACCESS_INACTIVE"),
    }
}

/// A login refusal: the 400 whose `additionalInformation.error` says why.
pub(crate) fn refusal(login: &str, code: &str) -> Response {
    Response::json(
        400,
        &json!({
            "additionalInformation": {"error": code},
            "detailMessage": format!("Access denied for user {login}. cause: {code}"),
            "stackTrace": [],
            "suppressedExceptions": [],
        }),
    )
}

/// Spring Security OAuth2's error shape, only seen from 1.x servers.
pub(crate) fn oauth_error(error: &str, description: &str) -> Response {
    Response::json(
        400,
        &json!({"error": error, "error_description": description}),
    )
    .header("Cache-Control", "no-store")
}

/// REGARDS' generic error shape: a problem with the request, not a refusal.
pub(crate) fn messages(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "messages": [message] }))
}

/// The gateway's own error shape (Spring Cloud Gateway defaults).
pub(crate) fn gateway_error(status: u16, path: &str) -> Response {
    let request_id = format!(
        "{:08x}-{}",
        jwt::random_u64() as u32,
        jwt::random_u64() % 100
    );
    Response::json(
        status,
        &json!({
            "timestamp": jwt::iso_timestamp(),
            "path": path,
            "status": status,
            "error": crate::http::reason(status),
            "requestId": request_id,
        }),
    )
}

/// What nginx serves for any path outside `/api/v1/`: a client that gets
/// this instead of JSON was pointed at the wrong URL.
pub(crate) fn index_html() -> Response {
    Response::html(200, INDEX_HTML)
}

pub(crate) fn firewall_page(status: u16) -> Response {
    Response::html(status, FIREWALL_HTML)
}

const INDEX_HTML: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n\
<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>REGARDS</title>\n<link rel=\"icon\" href=\"/favicon.ico\">\n</head>\n<body>\n\
<noscript>You need to enable JavaScript to run the REGARDS web interface.</noscript>\n\
<div id=\"app\"></div>\n<script src=\"/staticConfiguration.js\"></script>\n\
<script src=\"/core.bundle.js\"></script>\n</body>\n</html>\n";

const FIREWALL_HTML: &str = "<html><head><title>Request Rejected</title></head>\
<body>The requested URL was rejected. Please consult with your administrator.<br><br>\
Your support ID is: 1234567890<br><br>\
<a href='javascript:history.back();'>[Go Back]</a></body></html>";
