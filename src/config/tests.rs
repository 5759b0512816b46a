use super::*;

fn load_text(text: &str, profile: Option<&str>) -> Result<Selected, Error> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text).unwrap();
    load(&path, true, profile)
}

const FILE: &str = r#"
[default]
host = "https://regards.example.org"
scope = "project1"
min_ttl = "10m"

[profiles.work]
scope = "work"
username = "me@example.org"
cache = "file"
"#;

#[test]
fn a_profile_overrides_the_default_table() {
    let selected = load_text(FILE, Some("work")).unwrap();
    assert_eq!(selected.get("scope").unwrap().text, "work");
    assert_eq!(selected.get("scope").unwrap().table, "profile work");
    assert_eq!(selected.get("host").unwrap().table, "[default]");
    assert_eq!(selected.get("min_ttl").unwrap().text, "10m");
    assert!(selected.get("timeout").is_none());

    let plain = load_text(FILE, None).unwrap();
    assert_eq!(plain.get("scope").unwrap().text, "project1");
    assert!(plain.get("username").is_none());
}

#[test]
fn errors_name_the_file_the_line_and_the_key() {
    let cases = [
        ("[default]\nhots = \"x\"\n", "line 2: unknown field `hots`"),
        (
            "[default]\nscope = \"p\"\ntimeout = 30\n",
            "line 3: invalid type: integer `30`, expected a string (key `timeout`)",
        ),
        ("[default]\ntimeout = \"soon\"\n", "line 2: timeout: "),
        ("[profiles.x]\ncache = \"memory\"\n", "line 2: cache: "),
        (
            "[profiles.x]\nhost = \"regards.example.org\"\n",
            "line 2: host: invalid host URL",
        ),
        ("[default\n", "line 1: "),
        ("[servers]\n", "unknown field `servers`"),
    ];
    for (text, expected) in cases {
        let err = load_text(text, None).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("config file "), "{message}");
        assert!(message.contains(expected), "{text:?}: {message}");
    }
}

#[test]
fn an_unknown_profile_is_an_error_that_lists_the_known_ones() {
    let err = load_text(FILE, Some("home")).unwrap_err();
    assert_eq!(err.to_string(), "no profile 'home' in the config file");
    assert!(err.hint().unwrap().ends_with("work"));
}

#[test]
fn a_missing_file_is_empty_unless_required() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.toml");
    let selected = load(&path, false, None).unwrap();
    assert!(!selected.exists);
    assert!(selected.get("host").is_none());
    assert!(load(&path, true, None).is_err());
    assert!(
        load(&path, false, Some("work")).is_err(),
        "a profile needs a file"
    );
}

#[test]
fn errors_about_a_secret_key_never_show_its_value() {
    for (line, expected) in [
        ("client_secret = 987654321", "line 2: invalid type: integer"),
        (
            "client_secret = 98765.4321e3",
            "line 2: invalid type: floating point",
        ),
        (
            "client_secret = 9876_54321",
            "line 2: invalid type: integer",
        ),
        ("client_secret = true", "line 2: invalid type: boolean"),
        (
            "client_secret = 1979-05-27T07:32:00Z",
            "line 2: invalid type",
        ),
        (
            "client_secret = [987654321]",
            "line 2: invalid type: sequence",
        ),
        (
            "client_secret = s3cr3t987654321",
            "line 2: string values must be quoted",
        ),
        ("client_secret = \"s3cr3t987654321\" 987654321", "line 2: "),
        (
            "client_secret = \"s3cr3t987654321",
            "line 2: invalid basic string",
        ),
        ("x = { client_secret = 987654321 }", "line 2: "),
        (
            "password = \"987654321\"",
            "line 2: a password cannot be kept in the config file",
        ),
        (
            "password = 987654321",
            "line 2: a password cannot be kept in the config file",
        ),
        (
            "Password = 987654321",
            "line 2: a password cannot be kept in the config file",
        ),
    ] {
        for table in ["[default]", "[profiles.work]"] {
            let text = format!("{table}\n{line}\n");
            let err = load_text(&text, None).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(expected), "{text:?}: {message}");
            // What follows the file's (random) path.
            let (_, message) = message.split_once(", line ").unwrap();
            for part in [
                "987654321",
                "98765",
                "9876",
                "54321",
                "true",
                "1979",
                "s3cr3t",
            ] {
                assert!(!message.contains(part), "{text:?}: {message}");
            }
        }
    }
}

#[test]
fn an_error_with_no_line_hides_secret_values_too() {
    let text = "[default]\nclient_secret = 987654321\nhost = \"https://h.org\"\n";
    let err = located(
        Path::new("c.toml"),
        text,
        None,
        "invalid type: integer `987654321`, expected a string",
    );
    assert!(!err.to_string().contains("987654321"), "{err}");
    assert!(
        err.to_string()
            .starts_with("config file c.toml: invalid type: integer"),
        "{err}"
    );
}
