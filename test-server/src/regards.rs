//! What the gateway, rs-authentication and rs-admin answer, as the public
//! REGARDS sources show it: the security filters first (scope, client
//! Basic auth), then the token controller, then the account checks in the
//! order that decides what a wrong guess costs (status before password).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::http::Response;
use crate::jwt::{self, Claims};
use crate::pages::{
    access_code, gateway_error, index_html, messages, oauth_error, refusal, status_code,
};
use crate::server::Shared;
use crate::{AccountStatus, MYUSER_PATH, Recorded, TOKEN_PATH};

pub(crate) fn answer(shared: &Shared, req: &Recorded) -> Response {
    if req.path == TOKEN_PATH {
        token(shared, req)
    } else if req.path == MYUSER_PATH {
        myuser(shared, req)
    } else if req.path.starts_with("/api/v1/") {
        gateway_error(404, &req.path)
    } else {
        index_html()
    }
}

fn non_empty(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

#[derive(Default)]
struct Params {
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    grant_type: Option<String>,
}

impl Params {
    fn set_if_empty(&mut self, name: &str, value: String) {
        let slot = match name {
            "username" => &mut self.username,
            "password" => &mut self.password,
            "scope" => &mut self.scope,
            "grant_type" => &mut self.grant_type,
            _ => return,
        };
        if slot.as_deref().is_none_or(str::is_empty) {
            *slot = Some(value);
        }
    }
}

fn token(shared: &Shared, req: &Recorded) -> Response {
    let config = &shared.config;
    // The scope filter reads the query string and the header only, never the body.
    let filter_scope =
        non_empty(req.query_param("scope")).or_else(|| non_empty(req.header("scope")));
    if filter_scope.is_none() {
        return Response::empty(401);
    }
    if !client_authenticated(req, &config.client_id, &config.client_secret) {
        return Response::empty(401);
    }
    // Method dispatch belongs to the controller, which runs after the filters.
    if req.method != "POST" {
        return messages(
            405,
            &format!("Request method '{}' is not supported", req.method),
        )
        .header("Allow", "POST");
    }
    let params = if config.legacy_v1 {
        legacy_params(req)
    } else {
        match v2_params(req) {
            Ok(p) => p,
            Err(resp) => return resp,
        }
    };
    if config.legacy_v1 {
        match params.grant_type.as_deref() {
            None | Some("") => return oauth_error("invalid_request", "Missing grant type"),
            Some("password") => {}
            Some(other) => {
                let msg = format!("Unsupported grant type: {other}");
                return oauth_error("unsupported_grant_type", &msg);
            }
        }
    }
    let (Some(login), Some(password)) = (
        non_empty(params.username.as_deref()),
        non_empty(params.password.as_deref()),
    ) else {
        const WHY: &str = "User login / password cannot be empty";
        return if config.legacy_v1 {
            oauth_error("invalid_grant", WHY)
        } else {
            messages(
                500,
                &format!(
                    "An unexpected error occurred: org.springframework.security.authentication.\
                     InternalAuthenticationServiceException: BadCredentialsException, message: {WHY}"
                ),
            )
        };
    };
    let scope = params
        .scope
        .as_deref()
        .and_then(|s| non_empty(Some(s)))
        .or(filter_scope)
        .unwrap_or_default()
        .to_owned();
    let bad_credentials = || {
        if config.legacy_v1 {
            oauth_error("invalid_grant", "Bad credentials")
        } else {
            refusal(login, "ACCOUNT_UNKNOWN")
        }
    };

    let mut state = shared.state();
    let Some(user) = state.users.get(login).cloned() else {
        return bad_credentials();
    };
    if user.status != AccountStatus::Active {
        return refusal(login, status_code(user.status));
    }
    if user.password != password {
        let count = state.failed.entry(login.to_owned()).or_insert(0);
        *count += 1;
        // A threshold of 0 disables the lockout, for tests of repeated failures.
        if config.lockout_threshold > 0 && *count >= config.lockout_threshold {
            if let Some(u) = state.users.get_mut(login) {
                u.status = AccountStatus::Locked;
            }
        }
        return bad_credentials();
    }
    // Inferred: the reference deployment counts consecutive failures, so a
    // good password starts the count again.
    state.failed.insert(login.to_owned(), 0);

    let (tenant, role) = if scope == "instance" {
        if !user.root {
            return refusal(login, "INSTANCE_ACCESS_DENIED");
        }
        ("instance".to_owned(), "INSTANCE_ADMIN".to_owned())
    } else {
        if !config.projects.contains(&scope) {
            return messages(
                500,
                &format!("An unexpected error occurred: unknown tenant {scope}"),
            );
        }
        let Some(role) = user.role_in(&scope) else {
            return refusal(login, "USER_UNKNOWN");
        };
        if let Some(code) = access_code(user.access_in(&scope)) {
            return refusal(login, code);
        }
        (scope.clone(), role.to_owned())
    };

    let claims = Claims {
        tenant: tenant.clone(),
        role: role.clone(),
        sub: login.to_owned(),
        exp: jwt::now_secs() + config.lifetime,
    };
    let token = jwt::encode(&claims, config.min_token_size);
    state.issued.insert(token.clone(), claims);
    drop(state);
    let body = json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": config.lifetime.saturating_sub(1),
        "tenant": tenant,
        "scope": scope,
        "role": role,
        "sub": login,
        "email": login,
    });
    Response::json(200, &body)
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
}

fn client_authenticated(req: &Recorded, id: &str, secret: &str) -> bool {
    let Some(value) = req.header("authorization") else {
        return false;
    };
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    decoded == format!("{id}:{secret}").as_bytes()
}

fn media_type(req: &Recorded) -> String {
    req.header("content-type")
        .and_then(|ct| ct.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// 2.x: a plain controller with an optional JSON body; Spring refuses any
/// other body type with 415 (forms included, which is how 1.x clients break).
fn v2_params(req: &Recorded) -> Result<Params, Response> {
    let mut params = Params::default();
    if !req.body.is_empty() {
        let media = media_type(req);
        if media != "application/json" && !media.ends_with("+json") {
            let ct = req
                .header("content-type")
                .unwrap_or("application/octet-stream");
            return Err(messages(415, &format!("Content type '{ct}' not supported")));
        }
        let parse_error = |e: String| messages(400, &format!("JSON parse error: {e}"));
        let value: Value =
            serde_json::from_slice(&req.body).map_err(|e| parse_error(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(parse_error(
                "Cannot deserialize value of type `java.util.Map` from non-object value".into(),
            ));
        };
        for (name, value) in map {
            let text = match value {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                _ => {
                    return Err(parse_error(format!(
                        "Cannot deserialize value of type `java.lang.String` from `{name}`"
                    )));
                }
            };
            params.set_if_empty(&name, text);
        }
    }
    for (name, value) in &req.query {
        params.set_if_empty(name, value.clone());
    }
    Ok(params)
}

/// 1.x: servlet parameters, i.e. the query string then a form body; the first
/// value of a name wins, and a JSON body is never read.
fn legacy_params(req: &Recorded) -> Params {
    let mut params = Params::default();
    for (name, value) in &req.query {
        params.set_if_empty(name, value.clone());
    }
    if media_type(req) == "application/x-www-form-urlencoded" {
        for (name, value) in form_urlencoded::parse(&req.body) {
            params.set_if_empty(&name, value.into_owned());
        }
    }
    params
}

fn myuser(shared: &Shared, req: &Recorded) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return messages(
            405,
            &format!("Request method '{}' is not supported", req.method),
        )
        .header("Allow", "GET");
    }
    // Only this exact spelling is accepted by REGARDS services (see the protocol notes).
    let Some(token) = req
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Response::empty(401);
    };
    let claims = shared.state().issued.get(token.trim()).cloned();
    match claims {
        // No clock skew allowed, like the real server.
        Some(c) if c.exp > jwt::now_secs() => Response::json(
            200,
            &json!({
                "content": {
                    "id": 1,
                    "email": c.sub,
                    "role": {"name": c.role},
                    "status": "ACCESS_GRANTED",
                    "tenant": c.tenant,
                },
                "links": [],
            }),
        ),
        _ => Response::empty(401),
    }
}
