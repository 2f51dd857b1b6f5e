//! The secret values in the private (0600) templates hostwiz writes: values an operator already
//! filled in are kept on every later run, and `--generate-secrets` fills the random ones
//! (`runtime::RANDOM_SECRETS`, what the checklists make with `openssl rand -hex 32`).
//!
//! A template holds each secret on a line of its own, empty: `KEY=` in an env file,
//! `KEY: ""` in a Helm values file. Only such lines are touched, so a comment or another
//! setting can never be rewritten.

use super::File;
use crate::error::{Error, Result};
use crate::ingest::bounded;
use crate::runtime::RANDOM_SECRETS;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// A template line: its indentation, the key, and how it assigns (`=` or `: `).
struct Slot<'a> {
    indent: &'a str,
    key: &'a str,
    yaml: bool,
    value: &'a str,
}

fn slot(line: &str) -> Option<Slot<'_>> {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    if body.starts_with('#') {
        return None;
    }
    let key_end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (key, rest) = body.split_at(key_end);
    if key.is_empty() {
        return None;
    }
    if let Some(v) = rest.strip_prefix('=') {
        return Some(Slot {
            indent,
            key,
            yaml: false,
            value: v.trim(),
        });
    }
    let v = rest.strip_prefix(':')?.trim();
    Some(Slot {
        indent,
        key,
        yaml: true,
        value: v,
    })
}

fn empty(s: &Slot) -> bool {
    match s.yaml {
        true => s.value == "\"\"" || s.value == "''",
        false => s.value.is_empty(),
    }
}

fn line_with(s: &Slot, value: &str) -> String {
    match s.yaml {
        true => format!("{}{}: {}", s.indent, s.key, super::yaml_str(value)),
        false => format!("{}{}={value}", s.indent, s.key),
    }
}

/// The filled values of a file, by key: the first non-empty one of each.
fn filled(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        if let Some(s) = slot(line).filter(|s| !empty(s)) {
            let value = match s.yaml {
                true => match serde_json::from_str::<String>(s.value) {
                    Ok(v) => v,
                    Err(_) => s.value.trim_matches('\'').to_string(),
                },
                false => s.value.to_string(),
            };
            out.entry(s.key.to_string()).or_insert(value);
        }
    }
    out
}

/// Replaces each empty slot whose key `fill` gives a value for; returns how many.
fn fill_slots(file: &mut File, fill: impl Fn(&str) -> Option<String>) -> usize {
    let mut n = 0;
    let lines: Vec<String> = file
        .contents
        .lines()
        .map(|line| match slot(line).filter(empty) {
            Some(s) => match fill(s.key) {
                Some(v) => {
                    n += 1;
                    line_with(&s, &v)
                }
                None => line.to_string(),
            },
            None => line.to_string(),
        })
        .collect();
    if n > 0 {
        let newline = if file.contents.ends_with('\n') {
            "\n"
        } else {
            ""
        };
        file.contents = lines.join("\n") + newline;
    }
    n
}

/// Keeps what the operator (or an earlier `--generate-secrets`) filled into the private
/// templates already in `out`: a re-run must never blank a pepper, which would lock every
/// user out. Files that do not exist yet are left as rendered.
pub fn keep_filled(files: &mut [File], out: &Path) -> Result<()> {
    for file in files.iter_mut().filter(|f| f.private) {
        let path = out.join(&file.path);
        if !path.is_file() {
            continue;
        }
        let bytes = bounded::read(
            &path,
            bounded::MAX_LIST,
            "a secrets file",
            "read the secrets file",
        )?;
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let old = filled(&text);
        fill_slots(file, |k| old.get(k).cloned());
    }
    Ok(())
}

/// Whether the file is a private template holding a random secret `--generate-secrets` fills.
pub fn holds_random(f: &File) -> bool {
    f.private
        && f.contents
            .lines()
            .filter_map(slot)
            .any(|s| RANDOM_SECRETS.contains(&s.key))
}

/// Whether any of the files holds a random secret `--generate-secrets` can fill.
pub fn generatable(files: &[File]) -> bool {
    files.iter().any(holds_random)
}

/// Fills every empty random secret of the private templates with 32 bytes from the operating
/// system's CSPRNG, hex-encoded (`openssl rand -hex 32`). One value per key and run, so the
/// API and the worker of one file share it (a pepper must be the same in both). Returns how
/// many lines were filled; an error where hostwiz writes no such file (the secrets live in a
/// store it does not write to).
pub fn generate(files: &mut [File]) -> Result<usize> {
    if !generatable(files) {
        return Err(Error::Usage(
            "--generate-secrets fills the random secrets (SECRET_KEY and the peppers) of the \
             files hostwiz writes only: the env files of a VPS, or the chart's own Secret \
             (k8s.secret_store empty). Here they live in a secret store: create them as \
             CHECKLIST.md says, with `openssl rand -hex 32`."
                .into(),
        ));
    }
    let mut values = BTreeMap::new();
    for key in RANDOM_SECRETS {
        values.insert(key, random_hex()?);
    }
    let mut n = 0;
    for file in files.iter_mut().filter(|f| f.private) {
        n += fill_slots(file, |k| values.get(k).cloned());
    }
    Ok(n)
}

/// 32 bytes of `/dev/urandom` as 64 hex digits.
fn random_hex() -> Result<String> {
    let path = Path::new("/dev/urandom");
    let mut bytes = [0u8; 32];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| Error::io(path, "read random bytes", e))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> File {
        File::new(
            "api.env.local",
            "# openssl rand -hex 32\nSECRET_KEY=\nAUTH_PASSWORD_PEPPER=\nREDIS_URL=\n".into(),
        )
        .private()
    }

    fn yaml() -> File {
        File::new(
            "secrets-prod.yaml",
            "api:\n  secrets:\n    # openssl rand -hex 32\n    SECRET_KEY: \"\"\n    DATABASE_URL: \"\"\nworker:\n  secrets:\n    SECRET_KEY: \"\"\n".into(),
        )
        .private()
    }

    fn value<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
        text.lines()
            .filter_map(|l| l.trim_start().strip_prefix(key))
            .map(|r| r.trim_start_matches(['=', ':', ' ']).trim_matches('"'))
            .collect()
    }

    #[test]
    fn generates_only_the_random_secrets_and_the_same_value_for_every_process() {
        let mut files = vec![
            env(),
            yaml(),
            File::new("compose.env", "SECRET_KEY=\n".into()),
        ];
        assert_eq!(generate(&mut files).unwrap(), 4);
        let key = value(&files[0].contents, "SECRET_KEY")[0];
        assert!(key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(value(&files[0].contents, "REDIS_URL"), [""]);
        assert_eq!(value(&files[1].contents, "SECRET_KEY"), [key, key]);
        assert_eq!(value(&files[1].contents, "DATABASE_URL"), [""]);
        assert!(files[1].contents.contains("    # openssl rand -hex 32\n"));
        // Not private: not a template of secrets, left alone.
        assert_eq!(files[2].contents, "SECRET_KEY=\n");
        let mut again = vec![env()];
        generate(&mut again).unwrap();
        assert_ne!(value(&again[0].contents, "SECRET_KEY")[0], key);
    }

    #[test]
    fn filled_values_are_kept_and_not_regenerated() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("api.env.local"),
            "SECRET_KEY=kept-one\nREDIS_URL=rediss://:p@h:6379/0\nAUTH_PASSWORD_PEPPER=\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("secrets-prod.yaml"),
            "api:\n  secrets:\n    SECRET_KEY: \"kept \\\"two\\\"\"\n",
        )
        .unwrap();
        let mut files = vec![env(), yaml()];
        keep_filled(&mut files, dir.path()).unwrap();
        assert_eq!(value(&files[0].contents, "SECRET_KEY"), ["kept-one"]);
        assert_eq!(
            value(&files[0].contents, "REDIS_URL"),
            ["rediss://:p@h:6379/0"]
        );
        assert!(files[1]
            .contents
            .contains("SECRET_KEY: \"kept \\\"two\\\"\""));
        generate(&mut files).unwrap();
        assert_eq!(value(&files[0].contents, "SECRET_KEY"), ["kept-one"]);
        assert_eq!(
            value(&files[0].contents, "AUTH_PASSWORD_PEPPER")[0].len(),
            64
        );
    }

    #[test]
    fn without_a_template_of_random_secrets_the_flag_is_refused() {
        let mut files = vec![File::new("prod.tfvars", "x = 1\n".into())];
        let e = generate(&mut files).unwrap_err();
        assert!(e.to_string().contains("files hostwiz writes only"), "{e}");
    }
}
