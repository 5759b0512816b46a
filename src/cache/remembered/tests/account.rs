//! What one account's passwords do together: a refusal or a silence for
//! one project reaches the others, and `login` gives them all the new
//! password.

use std::time::{Duration, SystemTime};

use super::*;

/// `account("a")` in another project, with another client id, or on
/// another name of the same host.
fn elsewhere(project: &str, client_id: &str, host: &str) -> CacheKey {
    CacheKey {
        host: host.into(),
        scope: project.into(),
        client_id: client_id.into(),
        ..account("a")
    }
}

fn is_disabled(recalled: Option<Recalled>) -> bool {
    matches!(recalled, Some(Recalled::Disabled { .. }))
}

#[test]
fn a_refusal_disables_the_password_for_the_whole_account() {
    let f = Fixture::new();
    let host = "https://regards.example.org";
    let project2 = elsewhere("project2", "client", host);
    let other_client = elsewhere("project3", "other", host);
    f.remember("a");
    f.remember_key(&project2);
    f.remember_key(&other_client);
    f.remember("b");
    disable_with(&f.opener(), &f.paths, &account("a"), "refused", false);
    for key in [&account("a"), &project2, &other_client] {
        assert!(is_disabled(f.recall(key)), "{key:?}");
    }
    // Another login on the same server is another account.
    assert_eq!(recalled_password(f.recall(&account("b"))), PASSWORD_TEXT);
    // The keyring holds no copy of it for the account any more.
    let stored = f.stored();
    assert_eq!(
        String::from_utf8_lossy(&stored)
            .matches(PASSWORD_TEXT)
            .count(),
        1,
        "only b's is left"
    );
}

#[test]
fn a_refusal_of_one_project_disables_that_project_only() {
    let f = Fixture::new();
    let host = "https://regards.example.org";
    let project2 = elsewhere("project2", "client", host);
    let same_project = elsewhere("project1", "other", host);
    f.remember("a");
    f.remember_key(&project2);
    f.remember_key(&same_project);
    disable_with(
        &f.opener(),
        &f.paths,
        &account("a"),
        "USER_ACCESS_DENIED",
        true,
    );
    assert!(is_disabled(f.recall(&account("a"))));
    assert!(is_disabled(f.recall(&same_project)));
    assert_eq!(recalled_password(f.recall(&project2)), PASSWORD_TEXT);
}

#[test]
fn localhost_and_127_0_0_1_are_one_account() {
    let f = Fixture::new();
    let by_name = elsewhere("project1", "client", "http://localhost:8034");
    let by_address = elsewhere("project2", "client", "http://127.0.0.1:8034");
    f.remember_key(&by_name);
    f.remember_key(&by_address);
    disable_with(&f.opener(), &f.paths, &by_name, "refused", false);
    assert!(is_disabled(f.recall(&by_address)));
}

fn held(recalled: Option<Recalled>) -> Option<(Option<SystemTime>, u32)> {
    match recalled {
        Some(Recalled::Held { until, unproven }) => Some((until, unproven)),
        _ => None,
    }
}

/// A cron-like run whose login got no verdict: the record is made to say
/// its hold is over, as the next run minutes later would find it.
fn unanswered(f: &Fixture, key: &CacheKey) {
    let sending = sending(&f.paths, key, Duration::from_secs(60)).unwrap();
    drop(sending);
}

fn time_passes(f: &Fixture) {
    index(&f.paths)
        .update(|entries| {
            for entry in entries.iter_mut() {
                entry.held_until = entry.held_until.map(|_| 1);
            }
        })
        .unwrap();
}

#[test]
fn a_login_without_a_verdict_holds_the_password_back_for_the_account() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    f.remember("a");
    f.remember_key(&project2);
    f.remember("b");
    let before = SystemTime::now();
    unanswered(&f, &account("a"));
    // Held for the attempt's bound and ten minutes, in every project.
    for key in [&account("a"), &project2] {
        let (until, unproven) = held(f.recall(key)).expect("held");
        assert_eq!(unproven, 1);
        let until = until.expect("for a while");
        let hold = until.duration_since(before).unwrap();
        assert!(
            hold >= Duration::from_secs(659) && hold <= Duration::from_secs(661),
            "{hold:?}"
        );
    }
    assert_eq!(recalled_password(f.recall(&account("b"))), PASSWORD_TEXT);
    // Ten minutes later: one more try; twenty minutes' hold after it.
    time_passes(&f);
    assert_eq!(recalled_password(f.recall(&project2)), PASSWORD_TEXT);
    let before = SystemTime::now();
    unanswered(&f, &project2);
    let (until, unproven) = held(f.recall(&account("a"))).unwrap();
    assert_eq!(unproven, 2);
    let hold = until.unwrap().duration_since(before).unwrap();
    assert!(hold >= Duration::from_secs(1259), "{hold:?}");
    // The third without a verdict: held until a person runs login.
    time_passes(&f);
    unanswered(&f, &account("a"));
    assert_eq!(held(f.recall(&account("a"))), Some((None, 3)));
    time_passes(&f);
    assert_eq!(
        held(f.recall(&project2)),
        Some((None, 3)),
        "time does not end it"
    );
    // login remembers the password anew: sent again.
    f.remember("a");
    assert_eq!(recalled_password(f.recall(&account("a"))), PASSWORD_TEXT);
    // The index never holds the password.
    assert!(!f.index_text().contains(PASSWORD_TEXT));
}

#[test]
fn a_verdict_ends_the_hold_and_an_unjudged_attempt_leaves_none() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    f.remember("a");
    f.remember_key(&project2);
    unanswered(&f, &account("a"));
    time_passes(&f);
    // Provably not judged (no connection): as before the send, which
    // here is the first one's hold, over.
    sending(&f.paths, &account("a"), Duration::from_secs(60))
        .unwrap()
        .not_judged(&f.paths);
    let record = &index(&f.paths).records()[0];
    assert_eq!((record.unproven, record.held_until), (1, Some(1)));
    assert_eq!(recalled_password(f.recall(&account("a"))), PASSWORD_TEXT);
    // A success clears it for the account.
    unanswered(&f, &account("a"));
    proven(&f.paths, &project2);
    for record in index(&f.paths).records() {
        assert_eq!((record.unproven, record.held_until), (0, None));
    }
}

#[test]
fn a_send_that_cannot_be_recorded_is_an_error() {
    let f = Fixture::new();
    f.remember("a");
    let blocked = f.paths.cache_dir.join("passwords.json");
    std::fs::remove_file(&blocked).unwrap();
    std::fs::create_dir(&blocked).unwrap();
    assert!(sending(&f.paths, &account("a"), Duration::from_secs(1)).is_err());
}

#[test]
fn login_keeps_the_password_in_the_first_tier_that_can_store_and_remove() {
    let refusing_writes = Memory {
        refuse_writes: true,
        ..Memory::named("secret-service")
    };
    let refusing_deletes = Memory {
        refuse_deletes: true,
        ..Memory::named("keyutils")
    };
    let working = Memory::named("keychain");
    let left = [
        refusing_writes.entries.clone(),
        refusing_deletes.entries.clone(),
        working.entries.clone(),
    ];
    let stores = std::cell::RefCell::new(vec![
        Some(refusing_writes),
        Some(refusing_deletes),
        Some(working),
    ]);
    let open = |name: &str| -> Result<Box<dyn Store>, Skipped> {
        let index = ["secret-service", "keyutils", "keychain"]
            .iter()
            .position(|t| *t == name)
            .unwrap();
        Ok(Box::new(stores.borrow_mut()[index].take().unwrap()))
    };
    let store = open_store_with(&open, &["secret-service", "keyutils", "keychain"]).unwrap();
    assert_eq!(store.name(), "keychain");
    // The test entry was removed where it could be; the keyring that
    // cannot remove one was passed over for that reason.
    assert!(left[0].lock().unwrap().is_empty());
    assert!(left[2].lock().unwrap().is_empty());
}

#[test]
fn login_with_no_tier_that_can_store_and_remove_exits_6() {
    let open = |name: &str| -> Result<Box<dyn Store>, Skipped> {
        let name: &'static str = if name == "keyutils" {
            "keyutils"
        } else {
            "secret-service"
        };
        Ok(Box::new(Memory {
            refuse_deletes: true,
            ..Memory::named(name)
        }))
    };
    let Err(err) = open_store_with(&open, &["secret-service", "keyutils"]) else {
        panic!("a tier was chosen");
    };
    let typed = err.downcast_ref::<Error>().expect("a typed error");
    assert_eq!(typed.kind, Kind::KeyringUnavailable);
    assert_eq!(
        typed.to_string(),
        "no keyring to remember the password in (the Secret Service could not remove a test \
         entry (collection is locked), the kernel keyring could not remove a test entry \
         (collection is locked))"
    );
    let Err(none) = open_store_with(&open, &[]) else {
        panic!("a tier was chosen");
    };
    assert!(none.to_string().contains("this system has none"), "{none}");
}

#[test]
fn login_gives_every_project_of_the_account_the_new_password() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    let other_client = elsewhere("project3", "other", "https://regards.example.org");
    f.remember("a");
    f.remember_key(&project2);
    f.remember_key(&other_client);
    f.remember("b");
    // The password changed: refused in project1, so disabled everywhere.
    disable_with(&f.opener(), &f.paths, &account("a"), "refused", false);
    assert!(is_disabled(f.recall(&project2)));
    // login with the new one, in project1: project2 and project3 get it
    // too, and are no longer disabled; b's is untouched.
    let new = Secret::new("the new one".to_string());
    remember_with(&f.store(), &f.opener(), &f.paths, &account("a"), &new).unwrap();
    for key in [&account("a"), &project2, &other_client] {
        assert_eq!(recalled_password(f.recall(key)), "the new one", "{key:?}");
    }
    assert_eq!(recalled_password(f.recall(&account("b"))), PASSWORD_TEXT);
    assert_eq!(index(&f.paths).records().len(), 4);
    assert!(!f.index_text().contains("the new one"));
}

#[test]
fn a_password_of_another_project_that_cannot_be_replaced_is_forgotten() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    f.remember_key(&project2);
    // A keyring that takes project1's entry and refuses project2's.
    struct Picky(Memory);
    impl Store for Picky {
        fn name(&self) -> &'static str {
            self.0.name()
        }
        fn get(&self, key: &CacheKey) -> Result<Option<Vec<u8>>, crate::cache::StoreError> {
            self.0.get(key)
        }
        fn set(&self, key: &CacheKey, value: &[u8]) -> Result<(), crate::cache::StoreError> {
            if key.scope == "project2" {
                return Err(crate::cache::StoreError("refused".into()));
            }
            self.0.set(key, value)
        }
        fn delete(&self, key: &CacheKey) -> Result<bool, crate::cache::StoreError> {
            self.0.delete(key)
        }
    }
    let new = Secret::new("the new one".to_string());
    remember_with(
        &Picky(f.store()),
        &f.opener(),
        &f.paths,
        &account("a"),
        &new,
    )
    .unwrap();
    assert_eq!(recalled_password(f.recall(&account("a"))), "the new one");
    assert!(f.recall(&project2).is_none(), "forgotten, not stale");
    assert!(!String::from_utf8_lossy(&f.stored()).contains(PASSWORD_TEXT));
    assert_eq!(index(&f.paths).records().len(), 1);
}

#[test]
fn a_failure_of_one_project_holds_back_that_project_only() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    let same_project = elsewhere("project1", "other", "https://regards.example.org");
    f.remember("a");
    f.remember_key(&project2);
    f.remember_key(&same_project);
    // A 500 for an unknown project1, say: project1 is held, whatever the
    // client id; project2 as before.
    sending(&f.paths, &account("a"), Duration::from_secs(60))
        .unwrap()
        .concerns_only(&f.paths, &account("a"));
    assert!(held(f.recall(&account("a"))).is_some());
    assert!(held(f.recall(&same_project)).is_some());
    assert_eq!(recalled_password(f.recall(&project2)), PASSWORD_TEXT);
    let project2_record = index(&f.paths)
        .records()
        .into_iter()
        .find(|r| r.key == project2)
        .unwrap();
    assert_eq!(
        (project2_record.unproven, project2_record.held_until),
        (0, None)
    );
    // The index alone says so.
    assert!(held_now(&f.paths, &account("a")).is_some());
    assert_eq!(held_now(&f.paths, &project2), None);
}

#[test]
fn login_moves_the_other_projects_passwords_to_its_keyring() {
    let f = Fixture::new();
    let project2 = elsewhere("project2", "client", "https://regards.example.org");
    // project2's password was kept in the Secret Service; login now keeps
    // the account's in the kernel keyring.
    let secret_service = Memory::named("secret-service");
    let old_entries = secret_service.entries.clone();
    secret_service
        .set(&entry_key(&project2), b"password\nthe old one")
        .unwrap();
    let record = PasswordRecord {
        key: project2.clone(),
        store: "secret-service".into(),
        remembered_at: 1,
        disabled_at: None,
        refusal: None,
        unproven: 0,
        held_until: None,
    };
    index(&f.paths).upsert(record).unwrap();
    let open = |name: &str| -> Result<Box<dyn Store>, Skipped> {
        match name {
            "secret-service" => Ok(Box::new(Memory {
                entries: old_entries.clone(),
                ..Memory::named("secret-service")
            })),
            _ => Ok(Box::new(f.store())),
        }
    };
    let password = Secret::new(PASSWORD_TEXT.to_string());
    remember_with(&f.store(), &open, &f.paths, &account("a"), &password).unwrap();
    assert!(
        old_entries.lock().unwrap().is_empty(),
        "the old copy is gone"
    );
    assert_eq!(recalled_password(f.recall(&project2)), PASSWORD_TEXT);
    assert!(
        index(&f.paths)
            .records()
            .iter()
            .all(|r| r.store == "keyutils")
    );
}
