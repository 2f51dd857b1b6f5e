//! Secret-looking values hidden in what hostwiz shows (diffs in text, JSON and the wizard): a
//! password in `compose.env` must not end up in a terminal's scroll-back or a CI log because a
//! file around it changed. The file on disk keeps the value; only the preview hides it.

use std::borrow::Cow;

/// What a hidden value is shown as.
pub const MASK: &str = "********";

/// Parts of a key name that say its value is a secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "private",
    "credential",
    "auth",
    "cookie",
    "session_key",
    "signing",
    "dsn",
];

/// Whether a key (`DB_PASSWORD`, `stripeSecretKey`, `jwt-token`) names a secret.
pub fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    // `secretName`, `DB_PASSWORD_FILE`, `tokenRef`: where a secret is kept, not the secret.
    let pointer = ["name", "ref", "file", "path"]
        .iter()
        .any(|s| key.ends_with(s));
    !pointer && SECRET_WORDS.iter().any(|w| key.contains(w))
}

/// `line` with the value of a secret-looking `KEY=value`, `key: value` or `key = "value"`, and
/// the password of any `scheme://user:password@host`, replaced by [`MASK`]. References to a
/// secret kept elsewhere (`${X}`, `{$X}`, `{{ … }}`) stay, since they are not the secret.
pub fn line(line: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(line);
    if let Some(masked) = assignment(line) {
        out = Cow::Owned(masked);
    }
    if let Some(masked) = url_password(&out) {
        out = Cow::Owned(masked);
    }
    out
}

fn assignment(line: &str) -> Option<String> {
    let sep = line.find(['=', ':'])?;
    let key = line[..sep]
        .trim()
        .trim_start_matches("export ")
        .trim_start_matches("- ")
        .trim_matches(|c| c == '"' || c == '\'');
    if key.is_empty() || key.contains(char::is_whitespace) || !secret_key(key) {
        return None;
    }
    let rest = &line[sep + 1..];
    let value = rest.trim();
    let bare = value.trim_matches(|c| c == '"' || c == '\'');
    let reference = bare.starts_with("${")
        || bare.starts_with("{$")
        || bare.starts_with("{{")
        || bare.starts_with("var.");
    if bare.is_empty() || reference || value.starts_with('{') || value == "|" || value == ">" {
        return None;
    }
    let lead = &rest[..rest.len() - rest.trim_start().len()];
    let trail = &rest[rest.trim_end().len()..];
    Some(format!("{}{lead}{MASK}{trail}", &line[..=sep]))
}

fn url_password(line: &str) -> Option<String> {
    let scheme = line.find("://")?;
    let after = &line[scheme + 3..];
    let end = after.find(|c: char| c == '/' || c.is_whitespace() || c == '"' || c == '\'');
    let authority = &after[..end.unwrap_or(after.len())];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    if authority[colon + 1..at].is_empty() {
        return None;
    }
    let start = scheme + 3 + colon + 1;
    let stop = scheme + 3 + at;
    Some(format!("{}{MASK}{}", &line[..start], &line[stop..]))
}

/// A unified diff with every changed or context line masked.
pub fn diff(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len());
    for l in diff.split_inclusive('\n') {
        let header = l.starts_with("+++ ") || l.starts_with("--- ") || l.starts_with("@@");
        match l.chars().next() {
            Some(c @ ('+' | '-' | ' ')) if !header => {
                out.push(c);
                out.push_str(&line(&l[1..]));
            }
            _ => out.push_str(l),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_the_rest_kept() {
        for (input, want) in [
            (
                "POSTGRES_PASSWORD=hunter2\n",
                "POSTGRES_PASSWORD=********\n",
            ),
            ("export API_TOKEN='abc'", "export API_TOKEN=********"),
            (
                "  stripeSecretKey: sk_live_1",
                "  stripeSecretKey: ********",
            ),
            ("db_password = \"x\"", "db_password = ********"),
            (
                "DATABASE_URL=postgres://app:s3cret@db:5432/app",
                "DATABASE_URL=postgres://app:********@db:5432/app",
            ),
            (
                "POSTGRES_PASSWORD=${DB_PASSWORD}",
                "POSTGRES_PASSWORD=${DB_PASSWORD}",
            ),
            ("APP_HOST=app.example.com", "APP_HOST=app.example.com"),
            ("secretName: api-tls", "secretName: api-tls"),
            ("replicaCount: 3", "replicaCount: 3"),
            (
                "url: https://example.com/a:b@c",
                "url: https://example.com/a:b@c",
            ),
        ] {
            assert_eq!(line(input), want, "{input}");
        }
    }

    #[test]
    fn a_diff_masks_its_lines_not_its_headers() {
        let d = "--- a/compose.env\n+++ b/compose.env\n@@ -1 +1 @@\n-DB_PASSWORD=old\n+DB_PASSWORD=new\n";
        let m = diff(d);
        assert!(!m.contains("old\n") && !m.contains("new\n"), "{m}");
        assert!(
            m.starts_with("--- a/compose.env\n+++ b/compose.env\n@@"),
            "{m}"
        );
    }
}
