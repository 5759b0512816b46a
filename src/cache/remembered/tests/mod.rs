//! Remembering, recalling, disabling and forgetting passwords, against an
//! in-memory store that can be made to fail.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::cache::tests::Memory;

const PASSWORD_TEXT: &str = "correct horse battery staple";

fn account(user: &str) -> CacheKey {
    CacheKey {
        host: "https://regards.example.org".into(),
        scope: "project1".into(),
        username: user.into(),
        client_id: "client".into(),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    paths: CachePaths,
    entries: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let paths = CachePaths {
            cache_dir: dir.path().join("cache"),
            lock_dir: dir.path().join("locks"),
        };
        std::fs::create_dir_all(&paths.cache_dir).unwrap();
        std::fs::create_dir_all(&paths.lock_dir).unwrap();
        Fixture {
            _dir: dir,
            paths,
            entries: Arc::default(),
        }
    }

    fn store(&self) -> Memory {
        Memory {
            name: "keyutils",
            entries: Arc::clone(&self.entries),
            ..Memory::default()
        }
    }

    fn opener(&self) -> impl Fn(&str) -> Result<Box<dyn Store>, Skipped> + '_ {
        move |name| {
            assert_eq!(name, "keyutils", "the tier the index names");
            Ok(Box::new(self.store()))
        }
    }

    fn remember(&self, user: &str) {
        self.remember_key(&account(user));
    }

    fn remember_key(&self, key: &CacheKey) {
        let password = Secret::new(PASSWORD_TEXT.to_string());
        remember_with(&self.store(), &self.opener(), &self.paths, key, &password).unwrap();
    }

    fn recall(&self, key: &CacheKey) -> Option<Recalled> {
        recall_with(&self.opener(), &self.paths, key)
    }

    fn stored(&self) -> Vec<u8> {
        self.entries
            .lock()
            .unwrap()
            .values()
            .flatten()
            .copied()
            .collect()
    }

    fn index_text(&self) -> String {
        std::fs::read_to_string(self.paths.cache_dir.join("passwords.json")).unwrap_or_default()
    }
}

fn recalled_password(recalled: Option<Recalled>) -> String {
    match recalled {
        Some(Recalled::Password { password, store }) => {
            assert_eq!(store, "keyutils");
            password.expose().clone()
        }
        Some(Recalled::Disabled { why, .. }) => panic!("disabled: {why}"),
        Some(Recalled::Held { unproven, .. }) => panic!("held after {unproven}"),
        None => panic!("nothing recalled"),
    }
}

#[test]
fn a_remembered_password_is_recalled_and_listed_without_the_secret() {
    let f = Fixture::new();
    f.remember("a");
    assert_eq!(
        recalled_password(recall_with(&f.opener(), &f.paths, &account("a"))),
        PASSWORD_TEXT
    );
    let listed = index(&f.paths).records();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, account("a"));
    assert_eq!(listed[0].store, "keyutils");
    assert!(!f.index_text().contains("horse"), "{}", f.index_text());
    // Another account has nothing, and its recall opens no keyring.
    let never = |_: &str| -> Result<Box<dyn Store>, Skipped> { panic!("opened a keyring") };
    assert!(recall_with(&never, &f.paths, &account("b")).is_none());
}

#[test]
fn a_password_entry_is_never_a_token_entry() {
    let token_key = account("a");
    let password_key = entry_key(&token_key);
    assert_ne!(password_key.account(), token_key.account());
    // A token's host is a URL that `Host` parsed: never with a space.
    assert!(crate::host::Host::parse(&password_key.host).is_err());
    let f = Fixture::new();
    f.remember("a");
    let names: Vec<String> = f.entries.lock().unwrap().keys().cloned().collect();
    assert_eq!(names, vec![password_key.account()]);
}

#[test]
fn a_keyring_that_refuses_keeps_nothing_and_exits_6() {
    let f = Fixture::new();
    let refusing = Memory {
        refuse_writes: true,
        ..f.store()
    };
    let password = Secret::new(PASSWORD_TEXT.to_string());
    let err =
        remember_with(&refusing, &f.opener(), &f.paths, &account("a"), &password).unwrap_err();
    let typed = err.downcast_ref::<Error>().expect("a typed error");
    assert_eq!(typed.kind, Kind::KeyringUnavailable);
    assert!(!err.to_string().contains("horse"));
    assert!(index(&f.paths).records().is_empty());
    assert!(f.entries.lock().unwrap().is_empty());
}

#[test]
fn a_refused_password_is_replaced_by_the_refusal_and_never_recalled() {
    let f = Fixture::new();
    f.remember("a");
    disable_with(
        &f.opener(),
        &f.paths,
        &account("a"),
        "wrong login or password (ACCOUNT_UNKNOWN)",
        false,
    );
    assert!(!String::from_utf8_lossy(&f.stored()).contains("horse"));
    match recall_with(&f.opener(), &f.paths, &account("a")) {
        Some(Recalled::Disabled { at, why }) => {
            assert!(at.is_some());
            assert_eq!(why, "wrong login or password (ACCOUNT_UNKNOWN)");
        }
        _ => panic!("not disabled"),
    }
    // The index says so too, for `status`, and a run that reads only it.
    assert!(index(&f.paths).records()[0].disabled_at.is_some());
    // Even with the index's mark removed by hand, the keyring says so.
    let mut record = index(&f.paths).records().remove(0);
    record.disabled_at = None;
    index(&f.paths).upsert(record).unwrap();
    assert!(matches!(
        recall_with(&f.opener(), &f.paths, &account("a")),
        Some(Recalled::Disabled { .. })
    ));
}

#[test]
fn a_refused_password_the_keyring_cannot_overwrite_is_removed() {
    let f = Fixture::new();
    f.remember("a");
    let refusing = |_: &str| -> Result<Box<dyn Store>, Skipped> {
        Ok(Box::new(Memory {
            refuse_writes: true,
            ..f.store()
        }))
    };
    disable_with(&refusing, &f.paths, &account("a"), "refused", false);
    assert!(f.entries.lock().unwrap().is_empty());
    assert!(matches!(
        recall_with(&f.opener(), &f.paths, &account("a")),
        Some(Recalled::Disabled { .. })
    ));
}

#[test]
fn a_password_gone_from_the_keyring_or_unreadable_is_not_recalled() {
    let f = Fixture::new();
    f.remember("a");
    let unreadable = |_: &str| -> Result<Box<dyn Store>, Skipped> {
        Ok(Box::new(Memory {
            refuse_reads: true,
            ..f.store()
        }))
    };
    assert!(recall_with(&unreadable, &f.paths, &account("a")).is_none());
    // The kernel keyring is emptied at logout and reboot.
    f.entries.lock().unwrap().clear();
    assert!(recall_with(&f.opener(), &f.paths, &account("a")).is_none());
}

#[test]
fn forgetting_removes_the_selected_passwords_only() {
    let f = Fixture::new();
    f.remember("a");
    f.remember("b");
    let outcomes = forget_with(&f.opener(), &f.paths, |key| key.username == "a");
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].0.key, account("a"));
    assert_eq!(outcomes[0].1, Ok(()));
    assert!(recall_with(&f.opener(), &f.paths, &account("a")).is_none());
    assert_eq!(
        recalled_password(recall_with(&f.opener(), &f.paths, &account("b"))),
        PASSWORD_TEXT
    );
    // A keyring that cannot remove it keeps it listed, to try again.
    let refusing = |_: &str| -> Result<Box<dyn Store>, Skipped> {
        Ok(Box::new(Memory {
            refuse_deletes: true,
            ..f.store()
        }))
    };
    let outcomes = forget_with(&refusing, &f.paths, |_| true);
    assert!(outcomes[0].1.is_err());
    assert_eq!(index(&f.paths).records().len(), 1);
}

/// Options under which no keyring tier answers: the wrappers then work
/// from the index alone.
fn no_keyring() -> KeyringOptions {
    KeyringOptions {
        skip: ["secret-service", "keyutils", "keychain", "windows"]
            .map(String::from)
            .to_vec(),
        ..KeyringOptions::default()
    }
}

#[test]
fn without_its_keyring_a_refusal_is_still_recorded_and_forgetting_says_why_not() {
    let f = Fixture::new();
    f.remember("a");
    // The keyring is out of reach (another session): the index still
    // records the refusal, so no run sends the password again.
    disable(&no_keyring(), &f.paths, &account("a"), "refused", false);
    match recall(&no_keyring(), &f.paths, &account("a")) {
        Some(Recalled::Disabled { why, .. }) => assert_eq!(why, "refused"),
        _ => panic!("not disabled"),
    }
    // Forgetting it there fails, and says so; it stays listed.
    let outcomes = forget(&no_keyring(), &f.paths, |_| true);
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].1.is_err());
    assert_eq!(index(&f.paths).records().len(), 1);
}

#[test]
fn login_says_how_long_each_store_keeps_the_password() {
    assert!(lifetime("keyutils").contains("restarts"));
    assert!(lifetime("secret-service").contains("login keyring"));
    assert!(lifetime("keychain").contains("keychain"));
    assert_eq!(lifetime("windows"), "until you forget it");
}

mod account;
