//! Files to a [`Plan`]: each format's reader records the file, line and column of every
//! setting it reads, so a finding points at the line that caused it.
//!
//! These are the shared readers below the hosts (YAML with positions and its fast path, env
//! files, Caddyfiles, Compose files, suppressions, Terraform blueprints); each host module under `crate::hosts`
//! builds its Plan with them.

pub mod bounded;
pub mod budget;
pub mod caddy;
pub mod caddy_json;
pub mod compose;
pub mod detect;
pub mod envfile;
pub mod suppress;
pub mod terraform;
pub mod yaml;
pub mod yaml_fast;

use crate::error::Error;
use crate::plan::{Origin, Sourced};
use std::collections::BTreeMap;

/// One input file, read once. `path` is how findings name it (`-` is shown as `<stdin>`).
#[derive(Clone, Debug)]
pub struct Input {
    pub path: String,
    pub text: String,
    /// Where `text` skips lines of the file, sorted: from `text`'s line `.0` on, its lines are
    /// `.1` further down in the file. A release cut from a stream (`hosts::k8s::split`) holds
    /// only its own documents and still names the stream's lines. Empty: the file itself.
    pub skips: Vec<(u32, u32)>,
}

impl Input {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            skips: Vec::new(),
        }
    }

    pub fn origin(&self, line: u32, column: u32) -> Origin {
        Origin::File {
            path: self.path.clone(),
            line: self.line(line),
            column,
        }
    }

    /// The input as one JSON document, a syntax error pointing at its line and column.
    pub fn json(&self) -> Result<serde_json::Value, ParseError> {
        serde_json::from_str(&self.text).map_err(|e| {
            let at = (e.line() as u32, e.column() as u32);
            self.error(at.0, at.1, format!("not valid JSON: {e}"))
        })
    }

    /// The file's line of `text`'s line `line` (0, no line, stays 0).
    pub(crate) fn line(&self, line: u32) -> u32 {
        let at = self.skips.partition_point(|&(from, _)| from <= line);
        match (line, at) {
            (0, _) | (_, 0) => line,
            (n, at) => n.saturating_add(self.skips[at - 1].1),
        }
    }

    pub fn error(&self, line: u32, column: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            path: self.path.clone(),
            line: self.line(line),
            column,
            message: message.into(),
        }
    }
}

/// A file that cannot be read as the format it was taken for: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Syntax(e)
    }
}

/// Variables for `{$VAR}` / `${VAR}` placeholders, each with the env-file line that set it.
/// Only env files the operator names are read, never the shell's environment, so a check
/// gives the same answer on every machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars(pub BTreeMap<String, Sourced<String>>);

impl Vars {
    pub fn get(&self, name: &str) -> Option<&Sourced<String>> {
        self.0.get(name)
    }

    /// Later files win, as with repeated `--env-file`.
    pub fn extend(&mut self, other: Vars) {
        self.0.extend(other.0);
    }
}

/// How findings name a file: `..` and `.` resolved by the text alone (`ops/compose/../../x` is
/// `x`), and a path under the working directory shown relative to it.
pub fn shown_path(path: &std::path::Path) -> String {
    use std::path::Component;
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(c),
            },
            other => parts.push(other),
        }
    }
    let clean: std::path::PathBuf = parts.iter().collect();
    let relative = std::env::current_dir()
        .ok()
        .filter(|_| clean.is_absolute())
        .and_then(|cwd| {
            clean
                .strip_prefix(cwd)
                .ok()
                .map(std::path::Path::to_path_buf)
        })
        .filter(|r| !r.as_os_str().is_empty());
    let shown = relative.unwrap_or(clean);
    match shown.as_os_str().is_empty() {
        true => ".".into(),
        false => shown.display().to_string(),
    }
}

#[cfg(test)]
mod path_tests {
    use super::shown_path;
    use std::path::Path;

    #[test]
    fn paths_are_shown_resolved() {
        assert_eq!(
            shown_path(Path::new("ops/compose/../../apps/api/.env.local")),
            "apps/api/.env.local"
        );
        assert_eq!(shown_path(Path::new("./ops/x.yml")), "ops/x.yml");
        assert_eq!(shown_path(Path::new("../up/x")), "../up/x");
        assert_eq!(shown_path(Path::new("a/../../b")), "../b");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(shown_path(&cwd.join("ops/x.yml")), "ops/x.yml");
        assert_eq!(shown_path(Path::new("/nowhere/x")), "/nowhere/x");
    }
}
