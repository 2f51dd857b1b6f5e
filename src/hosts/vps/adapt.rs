//! Caddy's own reading of a Caddyfile: `caddy adapt` run on it, its JSON judged by
//! `ingest::caddy_json`, its refusal reported as the error it is. Without a caddy that runs,
//! hostwiz's reader judges the file and the report says so once.

use crate::ingest::caddy_json::{self, Config};
use crate::ingest::{Input, ParseError, Vars};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long `caddy adapt` may take, and how much it may print, before it counts as not run.
const TIMEOUT: Duration = Duration::from_secs(10);
const MAX_JSON: u64 = 16 << 20;
const MAX_MESSAGE: u64 = 64 << 10;

/// Stand-ins for unset `{$VAR}`s end in this, so they can be named again in findings.
const UNSET: &str = ".unset.hostwiz.invalid";

pub const NOT_FOUND: &str = "caddy not found (--caddy, HOSTWIZ_CADDY or PATH): Caddyfiles were \
     judged by hostwiz's own reader, not by `caddy adapt`";
pub const NOT_RUN: &str = "caddy could not be run, or could not adapt a Caddyfile with unset \
     variables (pass --env-file): it was judged by hostwiz's own reader, not by `caddy adapt`";

/// The `caddy` to adapt with: `--caddy`, then `HOSTWIZ_CADDY`, then `caddy` on PATH.
pub fn binary(given: Option<&Path>) -> Option<PathBuf> {
    // caddy runs in the Caddyfile's folder: a relative `./bin/caddy` must not be looked up
    // there (a bare name is still looked up on PATH).
    let absolute = |p: PathBuf| match p.components().count() > 1 && p.is_relative() {
        true => std::path::absolute(&p).unwrap_or(p),
        false => p,
    };
    if let Some(p) = given {
        return Some(absolute(p.to_path_buf()));
    }
    if let Some(p) = std::env::var_os("HOSTWIZ_CADDY").filter(|p| !p.is_empty()) {
        return Some(absolute(PathBuf::from(p)));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("caddy"))
        .find(|p| p.is_file())
}

/// Caddy's config for the Caddyfile, `None` when there is no caddy to judge it with (no
/// binary, it cannot be run, or it refused a file whose unset variables hostwiz stood in for),
/// or Caddy's refusal as an error at the line Caddy names.
pub fn judge(
    caddy: Option<&Path>,
    input: &Input,
    vars: &Vars,
) -> Result<Option<Config>, ParseError> {
    let Some(exe) = caddy else {
        return Ok(None);
    };
    let (env, stood_in) = environment(&input.text, vars);
    match adapted(exe, input, env) {
        Ran::Json(json) => Ok(caddy_json::parse(&json).ok()),
        Ran::Rejected(message) if !stood_in => {
            let (line, message) = located(&message, &input.path);
            Err(input.error(line, 1, format!("caddy adapt refuses it: {message}")))
        }
        Ran::Rejected(_) | Ran::Failed => Ok(None),
    }
}

/// Every `{$NAME}` without a value or default replaced by its stand-in.
pub fn stand_in_all(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                out.push_str(&stand_in(&after[..end]));
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("{$");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Stand-ins named again as the `{$NAME}` they stand for.
pub fn unstand(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(UNSET) {
        let before = &rest[..at];
        let label = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .map_or(0, |i| i + 1);
        out.push_str(&before[..label]);
        let name = before[label..].replace('-', "_").to_ascii_uppercase();
        out.push_str(&format!("{{${name}}}"));
        rest = &rest[at + UNSET.len()..];
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn stand_in(name: &str) -> String {
    format!("{}{UNSET}", name.to_ascii_lowercase().replace('_', "-"))
}

/// The environment caddy substitutes `{$VAR}`s from: the variables hostwiz was given, a
/// stand-in for each one the file uses that is set nowhere (so a fresh clone adapts), and
/// nothing of this process's own environment but where caddy keeps its configuration.
/// Also whether any stand-in was used.
fn environment(text: &str, vars: &Vars) -> (Vec<(String, String)>, bool) {
    let mut env: Vec<(String, String)> = vars
        .0
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect();
    let mut stood_in = false;
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        let after = &rest[start + 2..];
        let end = after.find('}').unwrap_or(after.len());
        let name = &after[..end];
        if is_name(name) && vars.get(name).is_none() && !env.iter().any(|(k, _)| k == name) {
            env.push((name.to_string(), stand_in(name)));
            stood_in = true;
        }
        rest = after;
    }
    for keep in ["HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"] {
        if let Some(v) = std::env::var_os(keep).and_then(|v| v.into_string().ok()) {
            if !env.iter().any(|(k, _)| k == keep) {
                env.push((keep.to_string(), v));
            }
        }
    }
    env.sort();
    (env, stood_in)
}

/// What `caddy adapt` did with a file.
#[derive(Clone)]
enum Ran {
    Json(String),
    /// It ran and refused the file: its message.
    Rejected(String),
    /// It could not be run, ran out of time or printed too much.
    Failed,
}

type Key = (PathBuf, PathBuf, String, Vec<(String, String)>);

/// `caddy adapt` once per caddy, folder, text and environment: `migrate` reads the same
/// Caddyfile for the deployment as it is and for each phase.
fn adapted(exe: &Path, input: &Input, env: Vec<(String, String)>) -> Ran {
    static SEEN: Mutex<Vec<(Key, Ran)>> = Mutex::new(Vec::new());
    let dir = Path::new(&input.path)
        .parent()
        .filter(|d| d.is_dir())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let key = (exe.to_path_buf(), dir, input.text.clone(), env);
    if let Some((_, ran)) = SEEN
        .lock()
        .ok()
        .and_then(|s| s.iter().find(|(k, _)| *k == key).cloned())
    {
        return ran;
    }
    let ran = run(&key.0, &key.1, &key.2, &key.3);
    if let Ok(mut seen) = SEEN.lock() {
        if seen.len() >= 16 {
            seen.remove(0);
        }
        seen.push((key, ran.clone()));
    }
    ran
}

/// The one place hostwiz runs caddy: `caddy adapt --config - --adapter caddyfile` in the
/// Caddyfile's folder (its relative imports resolve there), the text on standard input, with
/// bounded time and output.
fn run(exe: &Path, dir: &Path, text: &str, env: &[(String, String)]) -> Ran {
    let mut cmd = Command::new(exe);
    cmd.args(["adapt", "--config", "-", "--adapter", "caddyfile"])
        .current_dir(dir)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group, so a timeout ends whatever it started too (a wrapper script's
    // children would keep the pipes open).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let child = cmd.spawn();
    let Ok(mut child) = child else {
        return Ran::Failed;
    };
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let (status, out, err) = std::thread::scope(|s| {
        s.spawn(move || {
            if let Some(mut pipe) = stdin {
                let _ = pipe.write_all(text.as_bytes());
            }
        });
        let out = s.spawn(move || bounded(stdout, MAX_JSON));
        let err = s.spawn(move || bounded(stderr, MAX_MESSAGE));
        let status = wait(&mut child);
        let out = out.join().ok().flatten();
        let err = err.join().ok().flatten();
        (status, out, err)
    });
    match (status, out, err) {
        (Some(st), Some(out), _) if st.success() => Ran::Json(out),
        (Some(st), Some(_), Some(err)) if st.code().is_some() => Ran::Rejected(message(&err)),
        _ => Ran::Failed,
    }
}

/// Waits for the child, killing it when time is up (`None` then).
fn wait(child: &mut std::process::Child) -> Option<ExitStatus> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                #[cfg(unix)]
                if let Ok(group) = i32::try_from(child.id()) {
                    // SAFETY: signals the process group this function started, nothing else.
                    unsafe { libc::kill(-group, libc::SIGKILL) };
                }
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// A pipe's text, or `None` when it is longer than `max` (the pipe is closed then, so the
/// child stops writing) or not text.
fn bounded(pipe: Option<impl Read>, max: u64) -> Option<String> {
    let mut buf = Vec::new();
    pipe?.take(max + 1).read_to_end(&mut buf).ok()?;
    if buf.len() as u64 > max {
        return None;
    }
    String::from_utf8(buf).ok()
}

/// Caddy's reason, from its log lines on standard error: the last error's `msg` (and `error`),
/// else the text itself, as one line.
fn message(stderr: &str) -> String {
    let logged = stderr.lines().rev().find_map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).ok()?;
        (v["level"] == "error").then(|| {
            let msg = v["msg"].as_str().unwrap_or_default();
            match v["error"].as_str() {
                Some(e) => format!("{msg}: {e}"),
                None => msg.to_string(),
            }
        })
    });
    let text = logged.unwrap_or_else(|| stderr.trim().to_string());
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// The line Caddy names (`-:12`, standard input being the file) and the message with the
/// file's own name in its place.
fn located(message: &str, path: &str) -> (u32, String) {
    let line = message.match_indices("-:").find_map(|(i, _)| {
        let before_ok = i == 0 || message[..i].ends_with([' ', '(', ',']);
        let digits: String = message[i + 2..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (before_ok && !digits.is_empty()).then_some((i, digits))
    });
    match line {
        Some((i, digits)) => (
            digits.parse().unwrap_or(1),
            format!("{}{path}:{}", &message[..i], &message[i + 2..]),
        ),
        None => (1, message.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_ins_are_named_again() {
        let s = stand_in_all("{$APP_HOST}:8443 {$X:y}");
        assert_eq!(s, "app-host.unset.hostwiz.invalid:8443 {$X:y}");
        assert_eq!(
            unstand("dial app-host.unset.hostwiz.invalid:80"),
            "dial {$APP_HOST}:80"
        );
    }

    #[test]
    fn caddys_reason_and_line() {
        let err = "{\"level\":\"warn\",\"msg\":\"x\"}\n{\"level\":\"error\",\"ts\":1,\"msg\":\"File to import not found: snip, at -:2\"}\n";
        let (line, msg) = located(&message(err), "ops/Caddyfile");
        assert_eq!(line, 2);
        assert_eq!(msg, "File to import not found: snip, at ops/Caddyfile:2");
        assert_eq!(
            located("port 99999 is out of range", "C"),
            (1, "port 99999 is out of range".into())
        );
    }
}
