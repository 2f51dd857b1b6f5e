//! The real binary in a pseudo-terminal, its screen rebuilt by a VT100 parser so a test reads
//! what an operator would see; the raw bytes are kept too, for the escape sequences that set up
//! and restore the terminal.

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub const TAB: &str = "\t";
pub const ENTER: &str = "\r";
pub const BACKSPACE: &str = "\x7f";

pub struct Pty {
    pub session: OsSession,
    pub screen: vt100::Parser,
    pub raw: Vec<u8>,
}

impl Pty {
    pub fn spawn(args: &[&str], home: &Path) -> Self {
        Self::spawn_with(args, home, &[])
    }

    pub fn spawn_with(args: &[&str], home: &Path, env: &[(&str, &str)]) -> Self {
        // ptyprocess turns echo off in the child; an operator's terminal has it on, and the
        // tests check hostwiz gives it back, so turn it on before hostwiz starts.
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            "stty echo && exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_hostwiz"),
        ])
        .args(args)
        .envs(env.iter().copied())
        .env("TERM", "xterm-256color")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("NO_COLOR");
        let mut session = OsSession::spawn(cmd).expect("spawn in a pty");
        session.get_process_mut().set_window_size(100, 30).unwrap();
        Self {
            session,
            screen: vt100::Parser::new(30, 100, 0),
            raw: Vec::new(),
        }
    }

    pub fn pump(&mut self) {
        let mut buf = [0u8; 8192];
        loop {
            match self.session.try_read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    self.screen.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                Err(_) => return,
            }
        }
    }

    pub fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Waits until the screen shows `needle`; fails with the screen after 20 s.
    pub fn wait_for(&mut self, needle: &str) {
        self.wait_until(|t| t.text().contains(needle), &format!("{needle:?}"));
    }

    /// Waits until `done` holds; fails naming `what` with the screen after 20 s.
    pub fn wait_until(&mut self, done: impl Fn(&Self) -> bool, what: &str) {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            if done(self) {
                return;
            }
            assert!(
                Instant::now() < until,
                "timed out waiting for {what}; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last line on the screen that starts a prompt (`? `).
    pub fn last_prompt(&self) -> String {
        let text = self.text();
        text.lines()
            .rev()
            .find(|l| l.starts_with("? "))
            .unwrap_or_default()
            .to_string()
    }

    pub fn keys(&mut self, bytes: &str) {
        use std::io::Write;
        self.session.write_all(bytes.as_bytes()).unwrap();
        self.session.flush().unwrap();
    }

    /// Whether the terminal is in canonical (cooked) mode with echo: what raw mode turns off.
    pub fn canonical(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        let fd = self.session.get_process().get_raw_handle().unwrap();
        let t = nix::sys::termios::tcgetattr(&fd).unwrap();
        t.local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO)
    }

    pub fn exit_code(&mut self) -> i32 {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            self.pump();
            match self.session.get_process().status() {
                Ok(WaitStatus::Exited(_, code)) => return code,
                Ok(WaitStatus::Signaled(_, sig, _)) => return 128 + sig as i32,
                _ => {}
            }
            assert!(
                Instant::now() < until,
                "the wizard did not exit; screen:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
