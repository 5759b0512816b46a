//! The server's lifetime: shared state, the accept loop (one thread per
//! connection) and stopping on drop.

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::jwt::Claims;
use crate::tls::TlsIdentity;
use crate::{Builder, Canned, Config, Recorded, User, conn};

/// What changes while serving; one lock, as nothing here is hot.
pub(crate) struct State {
    pub users: HashMap<String, User>,
    pub failed: HashMap<String, u32>,
    pub requests: Vec<Recorded>,
    pub token_requests: usize,
    pub script: VecDeque<Canned>,
    pub issued: HashMap<String, Claims>,
}

pub(crate) struct Shared {
    pub config: Config,
    state: Mutex<State>,
    pub stop: AtomicBool,
    pub tls: Option<Arc<TlsIdentity>>,
}

impl Shared {
    /// A panicking connection thread must not take every later request (and
    /// the test's assertions) down with it, so poisoning is ignored.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake gateway. Dropping it stops accepting connections and
/// releases any `Canned::Hang` in progress.
pub struct Server {
    shared: Arc<Shared>,
    port: u16,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Same as [`Builder::default`]: the reference deployment with the demo user.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Base URL of the gateway, e.g. `http://127.0.0.1:41234`; no trailing slash.
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// All requests received so far, in arrival order (any path).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.state().requests.clone()
    }

    /// Requests that reached [`TOKEN_PATH`](crate::TOKEN_PATH), whatever the method or answer:
    /// the number of password attempts a client made.
    pub fn token_requests(&self) -> usize {
        self.shared.state().token_requests
    }

    /// PEM of the CA that signed the server certificate, for `--ca-cert`.
    pub fn ca_pem(&self) -> Option<String> {
        self.shared.tls.as_ref().map(|t| t.ca_pem.clone())
    }

    /// Changes a user's password, as its owner would in the web interface.
    pub fn set_password(&self, login: &str, password: &str) {
        if let Some(user) = self.shared.state().users.get_mut(login) {
            user.password = password.to_string();
        }
    }

    /// Adds answers to the script, after those not used yet: the next
    /// token-path requests get them, in order (a server that turns slow
    /// after a good login, say).
    pub fn then_answer(&self, answers: Vec<Canned>) {
        self.shared.state().script.extend(answers);
    }

    /// Current wrong-password count for a login (0 when unknown).
    pub fn failed_attempts(&self, login: &str) -> u32 {
        self.shared.state().failed.get(login).copied().unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // `accept` has no timeout: a connection of our own wakes it up.
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

pub(crate) fn start(
    config: Config,
    users: HashMap<String, User>,
    script: VecDeque<Canned>,
    tls: Option<Arc<TlsIdentity>>,
    port: u16,
) -> std::io::Result<Server> {
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let port = listener.local_addr()?.port();
    let shared = Arc::new(Shared {
        config,
        state: Mutex::new(State {
            users,
            failed: HashMap::new(),
            requests: Vec::new(),
            token_requests: 0,
            script,
            issued: HashMap::new(),
        }),
        stop: AtomicBool::new(false),
        tls,
    });
    let accept_shared = Arc::clone(&shared);
    let accept = thread::Builder::new()
        .name(format!("regards-test-server:{port}"))
        .spawn(move || accept_loop(listener, accept_shared))?;
    Ok(Server {
        shared,
        port,
        accept: Some(accept),
    })
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        match conn {
            Ok(tcp) => {
                let shared = Arc::clone(&shared);
                let _ = thread::Builder::new()
                    .name("regards-test-server-conn".to_owned())
                    .spawn(move || conn::serve(tcp, &shared));
            }
            // Out of descriptors and the like: back off instead of spinning.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}
