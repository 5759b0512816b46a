//! The accounts of the fake instance and the states that make the real
//! server refuse a login.

/// Instance-wide account state; anything but `Active` is refused before the
/// password is even looked at, as the real server does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    Pending,
    Inactive,
    InactivePassword,
    Locked,
}

/// Per-project state of a user's access request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessState {
    Granted,
    WaitingAccess,
    WaitingEmailVerification,
    AccessDenied,
    AccessInactive,
}

/// An account known to the fake instance.
#[derive(Clone, Debug)]
pub struct User {
    pub login: String,
    pub password: String,
    pub status: AccountStatus,
    /// `(project, role)` pairs, e.g. `("project1", "REGISTERED_USER")`.
    pub projects: Vec<(String, String)>,
    /// Root users may ask for `scope=instance`.
    pub root: bool,
    /// Per-project access states; a project missing here is `Granted`.
    pub access: Vec<(String, AccessState)>,
}

impl User {
    /// An active, non-root account in no project.
    pub fn new(login: &str, password: &str) -> Self {
        User {
            login: login.to_owned(),
            password: password.to_owned(),
            status: AccountStatus::Active,
            projects: Vec::new(),
            root: false,
            access: Vec::new(),
        }
    }

    /// Member of `project` with `role`; the project becomes known to the server.
    pub fn in_project(mut self, project: &str, role: &str) -> Self {
        self.projects.retain(|(p, _)| p != project);
        self.projects.push((project.to_owned(), role.to_owned()));
        self
    }

    pub fn with_status(mut self, status: AccountStatus) -> Self {
        self.status = status;
        self
    }

    pub fn root(mut self) -> Self {
        self.root = true;
        self
    }

    /// Sets the access state in `project`; a project the user is not yet in is
    /// joined as `REGISTERED_USER`, because a pending access request still
    /// means the project user exists on the real server.
    pub fn with_access(mut self, project: &str, state: AccessState) -> Self {
        if !self.projects.iter().any(|(p, _)| p == project) {
            self.projects
                .push((project.to_owned(), "REGISTERED_USER".to_owned()));
        }
        self.access.retain(|(p, _)| p != project);
        self.access.push((project.to_owned(), state));
        self
    }

    pub(crate) fn role_in(&self, project: &str) -> Option<&str> {
        self.projects
            .iter()
            .find(|(p, _)| p == project)
            .map(|(_, r)| r.as_str())
    }

    pub(crate) fn access_in(&self, project: &str) -> AccessState {
        self.access
            .iter()
            .find(|(p, _)| p == project)
            .map_or(AccessState::Granted, |(_, s)| *s)
    }
}
