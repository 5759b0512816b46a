use super::*;

fn key(scope: &str) -> CacheKey {
    CacheKey {
        host: "https://h".into(),
        scope: scope.into(),
        username: "u".into(),
        client_id: "client".into(),
    }
}

struct Secrets {
    client_secret: Secret<String>,
    password: Secret<String>,
}

fn secrets(password: &str) -> Secrets {
    Secrets {
        client_secret: Secret::new("secret".into()),
        password: Secret::new(password.into()),
    }
}

fn login<'a>(secrets: &'a Secrets, scope: &'a str) -> Login<'a> {
    Login {
        scope,
        client_id: "client",
        client_secret: &secrets.client_secret,
        password: &secrets.password,
    }
}

fn failed(kind: Kind, verdict: Verdict, scoped: bool) -> LoginFailed {
    LoginFailed {
        error: Error::new(kind, "it failed").with_hint("do this"),
        verdict,
        scoped,
    }
}

/// Whether `error` says the secrets are held back for `secs` seconds (or
/// one less: the run may cross a second boundary).
fn held_for(error: &Error, secs: u64) -> bool {
    let text = error.to_string();
    [secs, secs - 1]
        .iter()
        .any(|s| text.contains(&format!("the same password is not sent again for {s}s)")))
}

fn marker_file(dir: &Path) -> PathBuf {
    dir.join(format!("{}.attempt", key("p").account_digest()))
}

fn entries(dir: &Path) -> Vec<Marker> {
    serde_json::from_slice(&std::fs::read(marker_file(dir)).unwrap()).unwrap()
}

/// Rewrites the marker's times as if it had been written `age` ago.
fn age_marker(dir: &Path, age: Duration) {
    let mut entries = entries(dir);
    for entry in &mut entries {
        entry.at -= age.as_secs();
        entry.until -= age.as_secs();
    }
    std::fs::write(marker_file(dir), serde_json::to_vec(&entries).unwrap()).unwrap();
}

#[test]
fn a_refusal_is_replayed_for_the_same_secrets_only() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let wrong = secrets("wrong-password");
    markers
        .sending(&login(&wrong, "p"), Duration::from_secs(1))
        .unwrap();
    markers.failed(
        &login(&wrong, "p"),
        &failed(Kind::Refused, Verdict::Refused, false),
    );
    let file = std::fs::read_to_string(marker_file(dir.path())).unwrap();
    assert!(!file.contains("wrong-password"), "never the password");

    let replay = markers.check(&login(&wrong, "p")).unwrap_err();
    assert_eq!(replay.kind, Kind::Refused);
    assert!(
        replay
            .to_string()
            .starts_with("it failed (met by a regards-token run "),
        "{replay}"
    );
    assert!(held_for(&replay, 60), "{replay}");
    assert_eq!(replay.hint(), Some("do this"));
    // The same account in another project: a wrong password is the
    // account's, so it is held back there too.
    let other_project = Markers::of(dir.path(), &key("p2"));
    assert!(other_project.check(&login(&wrong, "p2")).is_err());
    // Another password, or another client secret, goes through.
    let right = secrets("right");
    assert!(markers.check(&login(&right, "p")).is_ok());
    let other_client = Secrets {
        client_secret: Secret::new("other".into()),
        password: Secret::new("wrong-password".into()),
    };
    assert!(markers.check(&login(&other_client, "p")).is_ok());
    let mut other_id = login(&wrong, "p");
    other_id.client_id = "other-client";
    assert!(markers.check(&other_id).is_ok());
    assert!(
        marker_file(dir.path()).exists(),
        "left for the same secrets"
    );

    // The right password's success leaves what the wrong one met.
    markers
        .sending(&login(&right, "p"), Duration::from_secs(1))
        .unwrap();
    markers.succeeded(&login(&right, "p"));
    assert!(markers.check(&login(&wrong, "p")).is_err());
    assert!(markers.check(&login(&right, "p")).is_ok());
    assert_eq!(entries(dir.path()).len(), 1);

    markers.clear();
    assert!(markers.check(&login(&wrong, "p")).is_ok());
    assert!(!marker_file(dir.path()).exists());
}

#[test]
fn each_set_of_secrets_keeps_its_own_entry() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let one = secrets("one");
    let two = secrets("two");
    let refused = failed(Kind::Refused, Verdict::Refused, false);
    markers.failed(&login(&one, "p"), &refused);
    // Another password sent meanwhile does not erase what the first met.
    markers
        .sending(&login(&two, "p"), Duration::from_secs(1))
        .unwrap();
    assert!(markers.check(&login(&one, "p")).is_err());
    assert!(
        markers.check(&login(&two, "p")).is_err(),
        "sent, no answer yet"
    );
    let unknown = failed(Kind::Unavailable, Verdict::Unknown, false);
    markers.failed(&login(&two, "p"), &unknown);
    let kind = |s: &Secrets| markers.check(&login(s, "p")).unwrap_err().kind;
    assert_eq!(kind(&one), Kind::Refused);
    assert_eq!(kind(&two), Kind::Unavailable);
    assert_eq!(entries(dir.path()).len(), 2);
    // The file stays bounded, keeping the newest entries.
    for n in 0..20 {
        let other = secrets(&format!("other-{n}"));
        markers.failed(&login(&other, "p"), &refused);
    }
    assert_eq!(entries(dir.path()).len(), MAX_ENTRIES);
    assert!(markers.check(&login(&secrets("other-19"), "p")).is_err());
}

#[test]
fn a_refusal_of_one_project_holds_back_that_project_only() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let pw = secrets("pw");
    markers.failed(
        &login(&pw, "p"),
        &failed(Kind::Refused, Verdict::Refused, true),
    );
    assert!(markers.check(&login(&pw, "p")).is_err());
    assert!(markers.check(&login(&pw, "p2")).is_ok());
}

#[test]
fn a_sent_marker_holds_back_until_the_attempt_could_have_ended() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let pw = secrets("pw");
    markers
        .sending(&login(&pw, "p"), Duration::from_secs(60))
        .unwrap();
    // The run was killed: the next one with the same secrets meets it.
    let replay = markers.check(&login(&pw, "p")).unwrap_err();
    assert_eq!(replay.kind, Kind::Unavailable);
    assert!(
        replay.to_string().contains("ended without an answer"),
        "{replay}"
    );
    assert!(held_for(&replay, 90), "{replay}");
    age_marker(dir.path(), Duration::from_secs(80));
    assert!(markers.check(&login(&pw, "p")).is_err(), "60 s + 30 s");
    age_marker(dir.path(), Duration::from_secs(15));
    assert!(markers.check(&login(&pw, "p")).is_ok());
    assert!(
        !marker_file(dir.path()).exists(),
        "an expired marker is removed"
    );
}

#[test]
fn an_attempt_without_a_verdict_is_replayed_with_its_own_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let pw = secrets("pw");
    for (kind, replayed) in [
        (Kind::Unavailable, Kind::Unavailable),
        (Kind::NotRegards, Kind::NotRegards),
        // No refusal was seen: never exit 3.
        (Kind::Refused, Kind::Unavailable),
    ] {
        markers.failed(&login(&pw, "p"), &failed(kind, Verdict::Unknown, false));
        let replay = markers.check(&login(&pw, "p")).unwrap_err();
        assert_eq!(replay.kind, replayed, "{kind:?}");
        assert!(held_for(&replay, 30), "{replay}");
    }
}

#[test]
fn an_attempt_that_was_not_judged_removes_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let pw = secrets("pw");
    markers
        .sending(&login(&pw, "p"), Duration::from_secs(1))
        .unwrap();
    markers.failed(
        &login(&pw, "p"),
        &failed(Kind::NotRegards, Verdict::NotJudged, false),
    );
    assert!(!marker_file(dir.path()).exists());
    assert!(markers.check(&login(&pw, "p")).is_ok());
}

#[test]
fn markers_expire_and_are_removed_when_seen() {
    let pw = secrets("pw");
    for (verdict, memory) in [
        (Verdict::Refused, REFUSAL_MEMORY),
        (Verdict::Unknown, NO_VERDICT_MEMORY),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let markers = Markers::of(dir.path(), &key("p"));
        markers.failed(&login(&pw, "p"), &failed(Kind::Refused, verdict, false));
        age_marker(dir.path(), memory - Duration::from_secs(5));
        assert!(
            markers.check(&login(&pw, "p")).is_err(),
            "{verdict:?}: a marker younger than its lifetime is replayed"
        );
        age_marker(dir.path(), Duration::from_secs(10));
        assert!(
            markers.check(&login(&pw, "p")).is_ok(),
            "{verdict:?}: an older one is ignored"
        );
        assert!(
            !marker_file(dir.path()).exists(),
            "{verdict:?}: and removed"
        );
    }
    assert!(NO_VERDICT_MEMORY < REFUSAL_MEMORY);
}

#[test]
fn a_clock_set_back_or_a_tampered_expiry_holds_back_no_longer_than_meant() {
    let dir = tempfile::tempdir().unwrap();
    let markers = Markers::of(dir.path(), &key("p"));
    let pw = secrets("pw");
    markers.failed(
        &login(&pw, "p"),
        &failed(Kind::Refused, Verdict::Refused, false),
    );
    let mut marker = entries(dir.path()).remove(0);
    // Written "an hour from now": the clock was set back since.
    let now = unix(SystemTime::now());
    marker.at = now + 3600;
    marker.until = now + 3660;
    assert_eq!(time_left(&marker, SystemTime::now()), Some(REFUSAL_MEMORY));
    // An expiry a year away is held to the longest a marker can mean.
    marker.at = now;
    marker.until = now + 365 * 24 * 3600;
    assert_eq!(time_left(&marker, SystemTime::now()), Some(MAX_MEMORY));
    marker.until = now;
    assert_eq!(time_left(&marker, SystemTime::now()), None);
    // That longest is a "sent" marker of the longest attempt, no more.
    let longest_sent = MAX_TIMEOUT * 2 + NO_VERDICT_MEMORY;
    assert!(MAX_MEMORY >= longest_sent, "{MAX_MEMORY:?}");
    assert!(
        MAX_MEMORY <= longest_sent + Duration::from_secs(60),
        "{MAX_MEMORY:?}"
    );
}

#[test]
fn an_unreadable_marker_lets_the_login_through_and_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = marker_file(dir.path());
    std::fs::write(&path, b"{not json").unwrap();
    let pw = secrets("pw");
    let markers = Markers::of(dir.path(), &key("p"));
    assert!(markers.check(&login(&pw, "p")).is_ok());
    markers
        .sending(&login(&pw, "p"), Duration::from_secs(1))
        .unwrap();
    assert_eq!(entries(dir.path()).len(), 1);
    sweep(dir.path());
    assert!(path.exists(), "a live entry is not swept");
    std::fs::write(&path, b"{not json").unwrap();
    sweep(dir.path());
    assert!(!path.exists(), "an unreadable file is");
}

#[test]
fn a_marker_that_cannot_be_written_stops_the_login() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let markers = Markers::of(&blocker.join("locks"), &key("p"));
    let pw = secrets("pw");
    let err = markers
        .sending(&login(&pw, "p"), Duration::from_secs(1))
        .unwrap_err();
    assert_eq!(err.kind, Kind::Usage);
    assert!(
        err.to_string()
            .starts_with("cannot write the login marker "),
        "{err}"
    );
}

#[test]
fn a_sweep_removes_expired_markers_of_every_account_only() {
    let dir = tempfile::tempdir().unwrap();
    let pw = secrets("pw");
    let mut other = key("p");
    other.username = "someone-else".into();
    let live = Markers::of(dir.path(), &other);
    live.failed(
        &login(&pw, "p"),
        &failed(Kind::Refused, Verdict::Refused, false),
    );
    let old = Markers::of(dir.path(), &key("p"));
    old.failed(
        &login(&pw, "p"),
        &failed(Kind::Refused, Verdict::Refused, false),
    );
    age_marker(dir.path(), REFUSAL_MEMORY + Duration::from_secs(1));
    std::fs::write(dir.path().join("x.lock"), "").unwrap();
    sweep(dir.path());
    assert!(!marker_file(dir.path()).exists(), "expired: removed");
    assert!(live.check(&login(&pw, "p")).is_err(), "live: kept");
    assert!(dir.path().join("x.lock").exists(), "only markers");
}
