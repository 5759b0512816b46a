//! Configuration of a [`Server`] before it starts.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use crate::{Canned, DEMO_LOGIN, DEMO_PASSWORD, DEMO_PROJECT, Server, User, server, tls};

/// Everything that does not change while the server runs.
#[derive(Debug)]
pub(crate) struct Config {
    pub projects: BTreeSet<String>,
    pub client_id: String,
    pub client_secret: String,
    pub lifetime: u64,
    pub min_token_size: usize,
    pub lockout_threshold: u32,
    pub legacy_v1: bool,
    pub log_requests: bool,
    pub login_delay: Duration,
    pub waits_for_a_line: bool,
    pub closes_plain_text: bool,
}

/// Configures a [`Server`]; start from [`Server::builder`] or [`Builder::default`].
#[derive(Debug)]
pub struct Builder {
    users: Vec<User>,
    projects: BTreeSet<String>,
    client_id: String,
    client_secret: String,
    lifetime: u64,
    min_token_size: usize,
    lockout_threshold: u32,
    legacy_v1: bool,
    tls: bool,
    tls_names: Vec<String>,
    script: VecDeque<Canned>,
    port: u16,
    log_requests: bool,
    login_delay: Duration,
    waits_for_a_line: bool,
    closes_plain_text: bool,
}

impl Default for Builder {
    /// Project `project1`, the demo user, client `client`/`secret`, 7200 s
    /// tokens and a lockout after 5 wrong passwords: the reference deployment.
    fn default() -> Self {
        Builder {
            users: vec![
                User::new(DEMO_LOGIN, DEMO_PASSWORD).in_project(DEMO_PROJECT, "REGISTERED_USER"),
            ],
            projects: BTreeSet::from([DEMO_PROJECT.to_owned()]),
            client_id: "client".to_owned(),
            client_secret: "secret".to_owned(),
            lifetime: 7200,
            min_token_size: 0,
            lockout_threshold: 5,
            legacy_v1: false,
            tls: false,
            tls_names: vec!["127.0.0.1".to_owned(), "localhost".to_owned()],
            script: VecDeque::new(),
            port: 0,
            log_requests: false,
            login_delay: Duration::ZERO,
            waits_for_a_line: false,
            closes_plain_text: false,
        }
    }
}

impl Builder {
    /// Adds an account; one with the login of an earlier one replaces it, so
    /// tests can redefine the demo user (e.g. locked).
    pub fn user(mut self, user: User) -> Self {
        self.users.retain(|u| u.login != user.login);
        self.users.push(user);
        self
    }

    /// Registers a tenant. Projects named by a user's `in_project` are
    /// registered too, so this is only needed for a project nobody is in.
    pub fn project(mut self, name: &str) -> Self {
        self.projects.insert(name.to_owned());
        self
    }

    /// The one OAuth client accepted in the Basic header.
    pub fn client(mut self, id: &str, secret: &str) -> Self {
        self.client_id = id.to_owned();
        self.client_secret = secret.to_owned();
        self
    }

    /// Token lifetime in seconds: the JWT's `exp` is now + this, and
    /// `expires_in` is one less, as the real server rounds down.
    pub fn lifetime(mut self, secs: u64) -> Self {
        self.lifetime = secs;
        self
    }

    /// Tokens of at least this many bytes (0, the default: as short as
    /// the claims make them, about 300), by a `padding` claim: a Windows
    /// credential holds 2,560 bytes, so a client must split a longer one.
    pub fn min_token_size(mut self, bytes: usize) -> Self {
        self.min_token_size = bytes;
        self
    }

    /// Wrong passwords after which the account becomes LOCKED; 0 never locks,
    /// for tests that need many failures in a row.
    pub fn lockout_threshold(mut self, n: u32) -> Self {
        self.lockout_threshold = n;
        self
    }

    /// Behave like REGARDS 1.x (Spring Security OAuth2): parameters only from
    /// the query string or a form body, OAuth2-shaped refusals.
    pub fn legacy_v1(mut self, on: bool) -> Self {
        self.legacy_v1 = on;
        self
    }

    /// Serve HTTPS with a fresh CA and a leaf certificate for 127.0.0.1 and localhost.
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// The names the HTTPS certificate is valid for (127.0.0.1 and
    /// localhost by default): others make a client's check of the name
    /// fail, with the names the certificate presents in its error.
    pub fn tls_names(mut self, names: &[&str]) -> Self {
        self.tls_names = names.iter().map(|n| n.to_string()).collect();
        self
    }

    /// Canned answers used first, one per token-path request, in order.
    pub fn script(mut self, answers: Vec<Canned>) -> Self {
        self.script.extend(answers);
        self
    }

    /// Port to bind on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Print one line per request (method, path, status) to stderr. Off by
    /// default; the demo binary turns it on. Never prints queries, bodies or
    /// headers, because they carry passwords and tokens.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log_requests = on;
        self
    }

    /// How long every unscripted login takes: the server judges the
    /// password at once (a wrong one counts towards lockout) and answers
    /// after this, whether or not the client still waits, as a slow
    /// rs-authentication does.
    pub fn login_delay(mut self, delay: Duration) -> Self {
        self.login_delay = delay;
        self
    }

    /// What to do with bytes that cannot begin a request, such as a TLS
    /// handshake sent to this plain-HTTP port. By default, answer 400 at
    /// once, as nginx and Tomcat do; with this on, say nothing until the
    /// client gives up, as a server waiting for a line end that does not
    /// come does (Netty, under the REGARDS gateway): a client's handshake
    /// hangs until its own timeout.
    pub fn waits_for_a_line(mut self, on: bool) -> Self {
        self.waits_for_a_line = on;
        self
    }

    /// With `tls` on: what to do with a connection that does not begin
    /// with a TLS handshake, such as plain HTTP sent to this port. By
    /// default rustls answers it with an alert, which is not HTTP; with
    /// this on, it is closed without a byte, as Netty's TLS handler (under
    /// the REGARDS gateway) does.
    pub fn closes_plain_text(mut self, on: bool) -> Self {
        self.closes_plain_text = on;
        self
    }

    /// Binds and starts serving; panics if it cannot, as this is a test helper.
    pub fn start(self) -> Server {
        self.try_start()
            .unwrap_or_else(|e| panic!("regards-test-server: cannot listen on 127.0.0.1: {e}"))
    }

    /// Binds and starts serving, or says why it could not (a port in use).
    pub fn try_start(self) -> std::io::Result<Server> {
        let mut projects = self.projects;
        for user in &self.users {
            projects.extend(user.projects.iter().map(|(p, _)| p.clone()));
        }
        let config = Config {
            projects,
            client_id: self.client_id,
            client_secret: self.client_secret,
            lifetime: self.lifetime,
            min_token_size: self.min_token_size,
            lockout_threshold: self.lockout_threshold,
            legacy_v1: self.legacy_v1,
            log_requests: self.log_requests,
            login_delay: self.login_delay,
            waits_for_a_line: self.waits_for_a_line,
            closes_plain_text: self.closes_plain_text,
        };
        let users: HashMap<String, User> = self
            .users
            .into_iter()
            .map(|u| (u.login.clone(), u))
            .collect();
        let names = self.tls_names;
        let tls = self
            .tls
            .then(|| Arc::new(tls::TlsIdentity::generate(names)));
        server::start(config, users, self.script, tls, self.port)
    }
}
