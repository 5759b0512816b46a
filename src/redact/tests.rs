use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

use super::*;

#[test]
fn url_hides_userinfo() {
    for (input, shown) in [
        ("https://user:pw@h.org/x", "https://***@h.org/x"),
        ("https://TOKEN@h.org", "https://***@h.org"),
        (
            "https://u:p@h.org/x?user=a@b.org",
            "https://***@h.org/x?user=a@b.org",
        ),
        ("https://u:p\t@h.org", "https://***@h.org"),
        ("https:/\t/u:p@h.org", "https://***@h.org/"),
        (
            "http://u:p@127.0.0.1:8034/a?b=c",
            "http://***@127.0.0.1:8034/a?b=c",
        ),
        // Malformed: the password holds '/', '#' or '?'.
        ("https://u:S/e?c#r@h.org", "https://***@h.org"),
        ("https://u:12/ss@h.org/p", "https://***@h.org/p"),
        // No scheme, or scheme-relative.
        ("user:hunter2@h.org/x", "***@h.org/x"),
        ("//u:p@h.org/x", "//***@h.org/x"),
        ("https://h.org/x", "https://h.org/x"),
        ("not a url", "not a url"),
    ] {
        assert_eq!(url(input), shown, "{input}");
    }
}

#[test]
fn url_hides_credential_values_in_query_and_fragment() {
    for (input, shown) in [
        (
            "http://h/t?grant_type=password&scope=p&username=sam%40x.org&password=Pa55%20w%26rd",
            "http://h/t?grant_type=password&scope=p&username=sam%40x.org&password=[redacted]",
        ),
        // Keys in any case, percent- or form-encoded.
        (
            "https://h/t?PASSWORD=a&Client_Secret=b&pass%77ord=c&%70assword=d&client%5Fsecret=e",
            "https://h/t?PASSWORD=[redacted]&Client_Secret=[redacted]&pass%77ord=[redacted]&%70assword=[redacted]&client%5Fsecret=[redacted]",
        ),
        (
            "https://h/t?+password+=x",
            "https://h/t?+password+=[redacted]",
        ),
        // Tokens, in the query and in the fragment (the implicit flow).
        (
            "https://h/cb?token=abc&x=1#access_token=def&token_type=bearer",
            "https://h/cb?token=[redacted]&x=1#access_token=[redacted]&token_type=bearer",
        ),
        // Relative Locations.
        (
            "/api/v1/rs-authentication/oauth/token?scope=p&password=x",
            "/api/v1/rs-authentication/oauth/token?scope=p&password=[redacted]",
        ),
        ("?password=x", "?password=[redacted]"),
        // A value holding an unencoded '#' or '?' is hidden whole.
        (
            "/t?password=ab#cd?ef&scope=p",
            "/t?password=[redacted]&scope=p",
        ),
        // Separators written as HTML entities.
        ("/t?a=1&amp;password=x", "/t?a=1&amp;password=[redacted]"),
        // Other keys, and keys merely containing a secret key's name, stay.
        (
            "/t?passwords=1&token_type=bearer&x",
            "/t?passwords=1&token_type=bearer&x",
        ),
    ] {
        assert_eq!(url(input), shown, "{input}");
    }
}

const PASSWORD: &str = "Pa55 w&rd+\"é%/=";
const SECRET: &str = "s3cr3t-client";

fn scrubber() -> Scrubber {
    Scrubber::new(PASSWORD).with_client("client", SECRET)
}

/// `%2F` written `%2f`, as some encoders do.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::new();
    let mut rest = encoded;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        out.push_str(&rest[at..at + 3].to_lowercase());
        rest = &rest[at + 3..];
    }
    out + rest
}

#[test]
fn scrub_finds_the_secrets_in_every_encoding() {
    let form: String = url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
    let json = serde_json::to_string(PASSWORD).unwrap();
    let json = json.trim_matches('"');
    let basic = STANDARD.encode(format!("client:{SECRET}"));
    let forms = [
        PASSWORD.to_string(),
        form.clone(),
        form.replace('+', "%20"),
        lower_hex(&form),
        json.to_string(),
        // Every character as a JSON \u escape, and JSON-escaped slashes.
        PASSWORD
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        json.replace('/', "\\/"),
        // HTML-escaped.
        PASSWORD.replace('&', "&amp;").replace('"', "&quot;"),
        PASSWORD.replace('&', "&#38;").replace('"', "&#x22;"),
        SECRET.to_string(),
        SECRET.replace('-', "%2D"),
        basic.clone(),
        basic.trim_end_matches('=').to_string(),
        URL_SAFE.encode(format!("client:{SECRET}")),
    ];
    for form in forms {
        let text = format!("Access denied for {form}. cause: x");
        assert_eq!(
            scrubber().scrub(&text),
            "Access denied for [redacted]. cause: x",
            "{form}"
        );
    }
}

#[test]
fn scrub_leaves_other_text_alone() {
    let text = "Access denied for user sam@example.org. cause: ACCOUNT_UNKNOWN é 100% \\n";
    assert_eq!(scrubber().scrub(text), text);
    // Only the password, without the client's secret.
    let password_only = Scrubber::new("Pa55-w0rd");
    assert_eq!(password_only.scrub(SECRET), SECRET);
    assert_eq!(password_only.scrub("Pa55-w0rd"), "[redacted]");
}

#[test]
fn short_secrets_are_hidden_only_where_they_stand_alone() {
    let short = Scrubber::new("ab");
    assert_eq!(
        short.scrub("password=ab&scope=p, \"ab\", abc, cab, ab"),
        "password=[redacted]&scope=p, \"[redacted]\", abc, cab, [redacted]"
    );
    let four = Scrubber::new("abcd");
    assert_eq!(four.scrub("xabcdx"), "x[redacted]x");
}

/// An escape without digits (`&#x;`) is no character at all, not a NUL;
/// one with a sign (`%+1`, `&#+38;`) is none either.
#[test]
fn escapes_without_digits_or_with_a_sign_decode_to_nothing() {
    let nul = Scrubber::new("ab\0cd");
    assert_eq!(nul.scrub("ab&#x0;cd ab%00cd"), "[redacted] [redacted]");
    assert_eq!(nul.scrub("ab&#x;cd"), "ab&#x;cd");
    let one = Scrubber::new("ab\u{1}cd");
    assert_eq!(one.scrub("ab%01cd"), "[redacted]");
    assert_eq!(one.scrub("ab%+1cd ab&#x+1;cd"), "ab%+1cd ab&#x+1;cd");
    let amp = Scrubber::new("ab&cd");
    assert_eq!(amp.scrub("ab&#38;cd"), "[redacted]");
    assert_eq!(amp.scrub("ab&#+38;cd"), "ab&#+38;cd");
}

/// Each named HTML reference stands for its character.
#[test]
fn named_html_references_are_decoded() {
    let scrubber = Scrubber::new("1&2<3>4\"5'6");
    assert_eq!(
        scrubber.scrub("1&amp;2&lt;3&gt;4&quot;5&apos;6"),
        "[redacted]"
    );
    for (reference, plain) in [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&apos;", "'"),
    ] {
        let text = "1&2<3>4\"5'6".replacen(plain, reference, 1);
        assert_eq!(scrubber.scrub(&text), "[redacted]", "{reference}");
    }
}

#[test]
fn scrub_is_fast_on_hostile_text() {
    let scrubber = Scrubber::new("%%%%%%%%%%%%%%%%%%%%%%%%")
        .with_client("client", "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%");
    let text = "%25".repeat(20_000);
    let started = std::time::Instant::now();
    let scrubbed = scrubber.scrub(&text);
    assert!(
        !scrubbed
            .contains("%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25%25")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn a_secret_the_cap_cuts_through_is_hidden_whole() {
    let cap = 16 * 1024;
    let form: String = url::form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect();
    let twice: String = url::form_urlencoded::byte_serialize(form.as_bytes()).collect();
    // The space percent-encoded seven times over: an escape of 20 bytes.
    let deep = PASSWORD.replace(' ', &format!("%{}20", "25".repeat(6)));
    for secret in [PASSWORD, &form, &twice, &deep, SECRET] {
        let chars = secret.chars().count();
        for shown in 1..=chars {
            let text = format!("{}{secret} and more", " ".repeat(cap - shown));
            assert_eq!(
                scrubber().scrub(&text),
                format!("{}[redacted]", " ".repeat(cap - shown)),
                "{secret}, {shown} characters before the cap"
            );
        }
    }
    // What merely looks like the start of one is kept: at the end of a
    // text that is not cut, far from the cap, or followed by what cannot
    // be the start of an escape (12 bytes before the cap, or more).
    assert_eq!(scrubber().scrub("ends with Pa55"), "ends with Pa55");
    let text = format!("Pa {}", "x".repeat(cap));
    assert_eq!(scrubber().scrub(&text), text[..cap]);
    // `%` then what is not hex, or hex digits without a `%`: no escape.
    for tail in [
        "abcdefghijkl",
        "abcdefghijklm",
        "%zzzzzzzzzzzz",
        "0123456789abc",
    ] {
        let text = format!("{}Pa55{tail}{PASSWORD}", " ".repeat(cap - 4 - tail.len()));
        assert_eq!(scrubber().scrub(&text), text[..cap], "{tail}");
    }
}
