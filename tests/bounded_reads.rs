//! Inputs that never end (issue 14, item 3): a device such as `/dev/zero` and a named pipe
//! nobody writes to, given wherever a file is read, end within seconds with exit 2 and a
//! message, instead of growing until killed or hanging for ever.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs hostwiz in `dir`; kills it and fails the test if it is not done within 10 s.
fn run_bounded(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostwiz"))
        .current_dir(dir)
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code().unwrap_or(-1), err);
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hostwiz {args:?} still running after 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

const CADDYFILE: &str = "app.example.com {\n\treverse_proxy web:3000\n}\n";

#[test]
fn a_device_is_refused_wherever_a_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Caddyfile"), CADDYFILE).unwrap();
    for args in [
        &["apply", "--answers", "/dev/zero", "--dry-run", "--out", "o"][..],
        &["gcp", "services", "--enabled", "/dev/zero"],
        &["check", "/dev/zero"],
        &["check", "Caddyfile", "--env-file", "/dev/zero"],
        &["check", "Caddyfile", "--enabled-services", "/dev/zero"],
    ] {
        let (code, err) = run_bounded(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("is a device"), "{args:?}: {err}");
    }
}

#[test]
fn a_device_on_standard_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostwiz"))
        .current_dir(dir.path())
        .args(["check", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still reading /dev/zero"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a device"), "{err}");
}

#[test]
fn a_named_pipe_nobody_writes_to_ends_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Caddyfile"), CADDYFILE).unwrap();
    mkfifo(&dir.path().join("p"));
    for args in [
        &["apply", "--answers", "p", "--dry-run", "--out", "o"][..],
        &["gcp", "services", "--enabled", "p"],
        &["check", "p"],
        &["check", "Caddyfile", "--env-file", "p"],
        &["check", "Caddyfile", "--enabled-services", "p"],
    ] {
        let (code, err) = run_bounded(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("named pipe"), "{args:?}: {err}");
    }
}

#[test]
fn a_pipe_with_a_writer_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Caddyfile"), CADDYFILE).unwrap();
    let fifo = dir.path().join("env");
    mkfifo(&fifo);
    let writer = std::thread::spawn(move || {
        // Opening for writing waits until hostwiz opened it for reading.
        std::fs::write(&fifo, "APP_HOST=app.example.com\n").unwrap();
    });
    std::thread::sleep(Duration::from_millis(50));
    let (code, err) = run_bounded(dir.path(), &["check", "Caddyfile", "--env-file", "env"]);
    writer.join().unwrap();
    assert!(code == 0 || code == 1, "{err}");
}
