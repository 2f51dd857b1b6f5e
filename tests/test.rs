//! The one way the suite runs the binary, read like a spec:
//! `Test::new().file("Caddyfile", "…").args(["check", "Caddyfile"]).run().status(1).stdout_has("ROUTE-001")`.
//!
//! A `Test` runs in its own temporary folder (or, with `Test::in_dir`, in a folder the test
//! manages itself), with `XDG_CONFIG_HOME` inside that folder so the developer's own presets
//! never leak into a run. Tests that must control the process itself (a pty, SIGKILL) build a
//! `std::process::Command` from `env!("CARGO_BIN_EXE_hostwiz")` instead.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

enum Dir {
    Temp(tempfile::TempDir),
    Given(PathBuf),
}

/// One invocation of `hostwiz`: its folder, arguments, environment and standard input.
pub struct Test {
    dir: Dir,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
}

/// What a run gave back.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    /// A run in a fresh temporary folder, removed when the `Test` is dropped.
    pub fn new() -> Self {
        Self::with(Dir::Temp(tempfile::tempdir().unwrap()))
    }

    /// A run in `dir`, which the test fills and reads itself.
    pub fn in_dir(dir: &Path) -> Self {
        Self::with(Dir::Given(dir.to_path_buf()))
    }

    fn with(dir: Dir) -> Self {
        Self {
            dir,
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// The same folder and environment with other arguments: the next command of a session.
    pub fn again(mut self, args: &[&str]) -> Self {
        self.args.clear();
        self.args(args)
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.env.push((key.into(), value.as_ref().to_os_string()));
        self
    }

    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// Writes `contents` to `name` (relative to the folder), creating parent folders.
    pub fn file(self, name: &str, contents: &str) -> Self {
        let p = self.path(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, contents).unwrap();
        self
    }

    pub fn dir(&self) -> &Path {
        match &self.dir {
            Dir::Temp(t) => t.path(),
            Dir::Given(p) => p,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    pub fn run(&self) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hostwiz"));
        cmd.current_dir(self.dir())
            .args(&self.args)
            .env("XDG_CONFIG_HOME", self.path("config"))
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("run hostwiz");
        // Input is fed from its own thread so a large input never waits on unread output, and
        // a run that exits without reading it (no terminal, a usage error) is not an error here.
        let out = std::thread::scope(|s| {
            if let (Some(input), Some(mut pipe)) = (&self.stdin, child.stdin.take()) {
                s.spawn(move || {
                    let _ = pipe.write_all(input);
                });
            }
            child.wait_with_output().unwrap()
        });
        Run {
            status: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Run {
    pub fn status(self, code: i32) -> Self {
        assert_eq!(
            self.status, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stdout_has(self, s: &str) -> Self {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout
        );
        self
    }

    pub fn stderr_has(self, s: &str) -> Self {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap()
    }
}
