//! A write that is killed or fails part-way never leaves a broken file. `apply` is killed with
//! SIGKILL at every point a commit passes (the debug build's `HOSTWIZ_KILL_AT`: each file
//! staged, half-written, synced, journaled, renamed) and at random moments from outside; each
//! time every file in the output folder is wholly its old content or wholly its new, every
//! backup is a whole copy of the old content, the next run that opens the folder (even a dry
//! run) leaves it wholly from one answer set, and the next full run finishes the job. Runs into
//! one folder at the same time take turns. A read-only, full or nearly full
//! output folder (a tmpfs in a private mount namespace) gives a clear error and changes nothing.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

type Tree = BTreeMap<String, Vec<u8>>;

/// An old deployment and what the next answers write over it: updates and, for VPS, a creation.
const PAIRS: &[(&str, &str)] = &[
    ("k8s-single", "k8s-ha-worker"),
    ("vps-single", "vps-worker"),
];

fn hostwiz(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hostwiz"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("HOSTWIZ_KILL_AT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn apply(home: &Path, preset: &str, out: &Path) -> Command {
    let mut cmd = hostwiz(home);
    cmd.args(["apply", "--preset", preset, "--yes", "--out"])
        .arg(out);
    cmd
}

fn run_ok(mut cmd: Command) {
    let out = cmd.output().expect("run hostwiz");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, by its path relative to `dir`.
fn tree(dir: &Path) -> Tree {
    fn walk(root: &Path, dir: &Path, into: &mut Tree) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                into.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut t = Tree::new();
    walk(dir, dir, &mut t);
    t
}

fn is_temp(name: &str) -> bool {
    Path::new(name).file_name().is_some_and(|f| {
        let f = f.to_string_lossy();
        (f.starts_with('.') && name.ends_with(".tmp")) || f.starts_with(".hostwiz")
    })
}

/// For a backup (`dir/values.yaml.2.bak`), the path of the file it backs up.
fn backup_of(name: &str) -> Option<String> {
    let path = Path::new(name);
    let file = path.file_name()?.to_str()?;
    let (original, _) = hostwiz::write::backed_up(file)?;
    Some(path.with_file_name(original).to_string_lossy().into_owned())
}

/// The files of one answer set, without backups and hostwiz's own temporary files.
fn deployed(t: &Tree) -> Tree {
    t.iter()
        .filter(|(k, _)| !is_temp(k) && backup_of(k).is_none())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Each file is its old content or its new, each backup a whole old file; temporary files are
/// allowed (a kill leaves them) but nothing else is.
fn assert_whole(after: &Tree, old: &Tree, new: &Tree, when: &str) {
    for (name, bytes) in after {
        if is_temp(name) {
            continue;
        }
        if let Some(original) = backup_of(name) {
            let expected = old
                .get(&original)
                .unwrap_or_else(|| panic!("{when}: {name} backs up a file that did not exist"));
            assert!(
                bytes == expected,
                "{when}: {name} is not a whole copy of the old {original}"
            );
            continue;
        }
        let is_old = old.get(name) == Some(bytes);
        let is_new = new.get(name) == Some(bytes);
        assert!(
            is_old || is_new,
            "{when}: {name} is neither its old content nor its new ({} bytes)",
            bytes.len()
        );
        if old.contains_key(name) && !is_old {
            assert!(
                after
                    .keys()
                    .any(|k| backup_of(k).as_deref() == Some(name.as_str())),
                "{when}: {name} changed before its backup was in place"
            );
        }
    }
    for name in old.keys() {
        assert!(after.contains_key(name), "{when}: {name} disappeared");
    }
}

/// After a run that finished: exactly the new files, a backup of every file that changed, and
/// no temporary file left over.
fn assert_finished(after: &Tree, old: &Tree, new: &Tree, when: &str) {
    let mut expected = new.clone();
    for (name, bytes) in old {
        if new.get(name) != Some(bytes) {
            expected.insert(format!("{name}.1.bak"), bytes.clone());
        }
    }
    let names = |t: &Tree| t.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(after),
        names(&expected),
        "{when}: the files after the run"
    );
    for (name, bytes) in &expected {
        assert!(
            &after[name] == bytes,
            "{when}: {name} has the wrong content"
        );
    }
}

struct Scenario {
    home: tempfile::TempDir,
    old_preset: &'static str,
    new_preset: &'static str,
    old: Tree,
    new: Tree,
}

impl Scenario {
    fn new(old_preset: &'static str, new_preset: &'static str) -> Self {
        let home = tempfile::tempdir().unwrap();
        let (o, n) = (home.path().join("old"), home.path().join("new"));
        run_ok(apply(home.path(), old_preset, &o));
        run_ok(apply(home.path(), new_preset, &n));
        let (old, new) = (tree(&o), tree(&n));
        assert!(
            old.keys().any(|k| new.get(k).is_some_and(|v| v != &old[k])),
            "no update"
        );
        Self {
            home,
            old_preset,
            new_preset,
            old,
            new,
        }
    }

    /// A fresh output folder holding the old deployment.
    fn old_folder(&self, name: &str) -> PathBuf {
        let out = self.home.path().join(name);
        run_ok(apply(self.home.path(), self.old_preset, &out));
        assert!(tree(&out) == self.old);
        out
    }

    fn update(&self, out: &Path) -> Command {
        apply(self.home.path(), self.new_preset, out)
    }

    /// The next run that opens the folder, a dry run here, finds it wholly from one answer set:
    /// an interrupted commit is finished before anything is read.
    fn reopen(&self, out: &Path, when: &str) {
        let mut dry = self.update(out);
        dry.arg("--dry-run");
        run_ok(dry);
        let now = deployed(&tree(out));
        assert!(
            now == self.old || now == self.new,
            "{when}, then a dry run: files from both answer sets side by side (changed: {:?})",
            now.iter()
                .filter(|(k, v)| self.new.get(*k) == Some(v) && self.old.get(*k) != Some(v))
                .map(|(k, _)| k)
                .collect::<Vec<_>>()
        );
    }

    /// The next run, unkilled, completes the update whatever the killed one left.
    fn recover(&self, out: &Path, when: &str) {
        run_ok(self.update(out));
        assert_finished(
            &tree(out),
            &self.old,
            &self.new,
            &format!("{when}, then a full run"),
        );
    }
}

fn killed(status: ExitStatus) -> bool {
    status.signal() == Some(libc::SIGKILL)
}

#[test]
fn a_kill_at_every_point_of_a_commit_leaves_every_file_whole() {
    for (old_preset, new_preset) in PAIRS {
        let s = Scenario::new(old_preset, new_preset);
        let mut point = 1;
        loop {
            let when = format!("{old_preset} → {new_preset}, killed at point {point}");
            let out = s.old_folder(&format!("at-{point}"));
            let status = s
                .update(&out)
                .env("HOSTWIZ_KILL_AT", point.to_string())
                .status()
                .unwrap();
            if status.success() {
                assert_finished(&tree(&out), &s.old, &s.new, &when);
                break;
            }
            assert!(
                killed(status),
                "{when}: exited with {status} instead of being killed"
            );
            assert_whole(&tree(&out), &s.old, &s.new, &when);
            s.reopen(&out, &when);
            s.recover(&out, &when);
            point += 1;
        }
        // Each changed file passes at least staged, half-written and synced, then renamed; a
        // count below that means the switch is no longer reached.
        let changed = s
            .new
            .iter()
            .filter(|(k, v)| s.old.get(*k) != Some(v))
            .count();
        assert!(
            point > 4 * changed,
            "{old_preset} → {new_preset}: only {point} kill points"
        );
        eprintln!(
            "{old_preset} → {new_preset}: killed at each of {} points",
            point - 1
        );
    }
}

#[test]
fn a_kill_from_outside_at_random_moments_leaves_every_file_whole() {
    let s = Scenario::new("k8s-single", "k8s-ha-worker");
    let started = Instant::now();
    run_ok(s.update(&s.old_folder("timing")));
    let span = started.elapsed().as_micros().max(1000) as u64;
    // A fixed sequence (xorshift), so a failure is repeatable, spread over the whole run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut caught_mid_write = 0;
    for round in 0..60 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_micros(x % span);
        let out = s.old_folder(&format!("random-{round}"));
        let mut child = s.update(&out).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        let when = format!("killed after {delay:?} (round {round})");
        let after = tree(&out);
        assert_whole(&after, &s.old, &s.new, &when);
        if killed(status) && after != s.old {
            caught_mid_write += 1;
        }
        s.reopen(&out, &when);
        s.recover(&out, &when);
    }
    eprintln!("60 random kills, {caught_mid_write} of them after the first change");
}

/// Many `apply` runs with two answer sets into one folder at once: each one finishes or says
/// the folder changed since its preview, none breaks another's files, and the folder ends with
/// exactly one answer set and a whole backup of every generation replaced.
#[test]
fn runs_into_one_folder_at_the_same_time_take_turns() {
    let s = Scenario::new("k8s-single", "k8s-ha-worker");
    for round in 0..3 {
        let out = s.old_folder(&format!("together-{round}"));
        let children: Vec<_> = (0..10)
            .map(|i| {
                let preset = if i % 2 == 0 {
                    s.new_preset
                } else {
                    s.old_preset
                };
                let mut cmd = apply(s.home.path(), preset, &out);
                cmd.spawn().unwrap()
            })
            .collect();
        for child in children {
            let run = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(
                run.status.success() || stderr.contains("changed since the preview"),
                "round {round}: a run failed otherwise: {stderr}"
            );
        }
        let after = tree(&out);
        let now = deployed(&after);
        assert!(
            now == s.old || now == s.new,
            "round {round}: files from both answer sets"
        );
        for (name, bytes) in &after {
            if let Some(original) = backup_of(name) {
                assert!(
                    s.old.get(&original) == Some(bytes) || s.new.get(&original) == Some(bytes),
                    "round {round}: {name} is not a whole earlier {original}"
                );
            }
        }
        assert!(
            after.keys().all(|k| !is_temp(k)),
            "round {round}: left over: {:?}",
            after.keys().filter(|k| is_temp(k)).collect::<Vec<_>>()
        );
    }
}

/// Runs `script` as root in a private mount namespace, where it can mount a small tmpfs; `None`
/// (with a note, or a failure in CI) where that is not allowed.
fn in_mount_namespace(script: &str, vars: &[(&str, &Path)]) -> Option<std::process::Output> {
    let probe = Command::new("unshare").args(["-m", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        let why = "`unshare -m` is not allowed here (it needs root), so no tmpfs can be mounted";
        if std::env::var("HOSTWIZ_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1") {
            panic!("{why}, and HOSTWIZ_REQUIRE_VALIDATORS=1");
        }
        eprintln!("skipped: {why}");
        return None;
    }
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-euc", script]);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    Some(cmd.output().unwrap())
}

/// Old files in a tmpfs, then `prepare` (in shell) makes it read-only or full and the update
/// runs; returns the update's exit code and stderr with the folder before and after.
fn update_in_tmpfs(prepare: &str) -> Option<(i32, String, Tree, Tree)> {
    let home = tempfile::tempdir().unwrap();
    let (mnt, res) = (home.path().join("mnt"), home.path().join("res"));
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(&res).unwrap();
    let script = format!(
        r#"mount -t tmpfs -o size=256k hostwiz-test "$MNT"
"$BIN" apply --preset vps-single --yes --out "$MNT/out" >/dev/null
cp -a "$MNT/out" "$RES/before"
{prepare}
set +e
"$BIN" apply --preset vps-worker --yes --out "$MNT/out" >/dev/null 2>"$RES/stderr"
echo $? >"$RES/code"
cp -a "$MNT/out" "$RES/after"
"#
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_hostwiz"));
    let out = in_mount_namespace(
        &script,
        &[
            ("MNT", &mnt),
            ("RES", &res),
            ("BIN", &bin),
            ("XDG_STATE_HOME", home.path()),
            ("XDG_CONFIG_HOME", home.path()),
        ],
    )?;
    assert!(
        out.status.success(),
        "the namespace script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let code = std::fs::read_to_string(res.join("code"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let stderr = std::fs::read_to_string(res.join("stderr")).unwrap();
    Some((
        code,
        stderr,
        tree(&res.join("before")),
        tree(&res.join("after")),
    ))
}

fn assert_refused_cleanly(prepare: &str, says: &str) {
    let Some((code, stderr, before, after)) = update_in_tmpfs(prepare) else {
        return;
    };
    assert_eq!(code, 2, "exit code; stderr: {stderr}");
    assert!(
        stderr.contains(says),
        "the error should say {says:?}: {stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        after == before,
        "the old files changed: {:?} → {:?}",
        before.keys(),
        after.keys()
    );
}

#[test]
fn a_read_only_output_folder_is_refused_and_left_intact() {
    assert_refused_cleanly(
        r#"mount -o remount,ro "$MNT""#,
        "read-only file system: choose another --out",
    );
}

#[test]
fn a_full_output_folder_is_refused_and_left_intact() {
    assert_refused_cleanly(
        r#"dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true"#,
        "the disk is full",
    );
}

/// Room for a file or two: the first changes are staged before the disk fills, and must be
/// taken back.
#[test]
fn a_disk_that_fills_during_a_commit_leaves_the_old_files_intact() {
    assert_refused_cleanly(
        r#"avail=$(df -k --output=avail "$MNT" | tail -n 1)
dd if=/dev/zero of="$MNT/filler" bs=1k count=$((avail - 8)) 2>/dev/null"#,
        "the disk is full",
    );
}
