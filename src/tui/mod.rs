//! The full-screen wizard: terminal setup and restore, and the loop that feeds events to
//! `app::update`, runs the commands it returns, and draws `view::draw`.
//!
//! The loop blocks on the next event, so an idle wizard uses no CPU. The terminal is restored
//! on every exit: quit, error (a guard), panic (ratatui's hook, which runs before color-eyre's
//! report), Ctrl-C (a key in raw mode), and SIGTERM/SIGHUP (a thread that restores and exits).

pub mod app;
pub mod strings;
pub mod view;
mod widgets;

use crate::answers::Answers;
use crate::apply;
use crate::error::{Error, Result};
use crate::session;
use crate::wizard::{self, Start};
use crate::write;
use app::{Cmd, Msg, State};
use ratatui::crossterm::event::{self, Event};
use std::io::Write;

/// Restores the terminal when the loop ends in any way but a panic (ratatui's hook does that).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

pub fn run(start: Start, out: &mut impl Write) -> Result<()> {
    let key = wizard::session_key(start.out.as_deref());
    let mut state = State::new(start);
    watch_signals();
    let io = |e: std::io::Error| Error::io("the terminal", "use", e);
    let mut terminal = ratatui::try_init().map_err(io)?;
    let guard = Restore;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    loop {
        terminal.draw(|f| view::draw(&state, f)).map_err(io)?;
        let msg = match event::read().map_err(io)? {
            Event::Key(k) => Msg::Key(k),
            Event::Resize(w, h) => Msg::Resize(w, h),
            _ => continue,
        };
        let mut pending = app::update(&mut state, msg);
        let mut quit = false;
        while let Some(cmd) = pending.first().cloned() {
            pending.remove(0);
            match cmd {
                Cmd::Quit => quit = true,
                Cmd::SaveSession => {
                    if state.dirty {
                        let _ = session::save(&key, &state.raw);
                    }
                }
                Cmd::Review => {
                    let reviewed = review(&state);
                    pending.extend(app::update(&mut state, Msg::Reviewed(reviewed)));
                }
                Cmd::Write => {
                    let result = write_files(&state);
                    if result.is_ok() {
                        session::clear(&key);
                    }
                    pending.extend(app::update(&mut state, Msg::Written(result)));
                }
            }
        }
        if quit {
            break;
        }
    }
    drop(guard);
    if let Some(lines) = &state.done {
        for l in lines {
            writeln!(out, "{l}").map_err(|e| Error::io("standard output", "write to", e))?;
        }
    }
    Ok(())
}

fn checked(state: &State) -> std::result::Result<&Answers, String> {
    state.answers.as_ref().map_err(Clone::clone)
}

/// What writing would do, read from the disk for the diff.
fn review(state: &State) -> std::result::Result<Vec<write::Planned>, String> {
    let a = checked(state)?;
    match apply::prepare(a.clone(), state.out.as_deref()) {
        Ok(o) => Ok(o.planned),
        Err((_, Error::Refused { .. })) => Ok(prepare_anyway(state, a)?),
        Err((_, e)) => Err(e.to_string()),
    }
}

/// The files of answers that break a contract, so the review can still show them.
fn prepare_anyway(state: &State, a: &Answers) -> std::result::Result<Vec<write::Planned>, String> {
    let out = wizard::out_dir(state.out.as_deref(), a);
    write::prepare(&out, crate::render::render(a)).map_err(|e| e.to_string())
}

fn write_files(state: &State) -> std::result::Result<Vec<String>, String> {
    let a = checked(state)?;
    let outcome =
        apply::prepare(a.clone(), state.out.as_deref()).map_err(|(_, e)| e.to_string())?;
    let written = write::commit(&outcome.out, &outcome.planned).map_err(|e| e.to_string())?;
    let mut lines: Vec<String> = written
        .iter()
        .map(|w| match &w.backup {
            Some(b) => format!(
                "{:<10} {} (old kept as {})",
                w.change,
                w.target.display(),
                b.display()
            ),
            None => format!("{:<10} {}", w.change, w.target.display()),
        })
        .collect();
    lines.push(String::new());
    lines.extend(wizard::next_commands(a, &outcome.out));
    Ok(lines)
}

/// SIGTERM and SIGHUP end the wizard with the terminal restored, as Ctrl-C does.
fn watch_signals() {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // The main thread holds the stdout lock for the whole run, so restore through the
            // controlling terminal instead of stdout.
            let _ = ratatui::crossterm::terminal::disable_raw_mode();
            if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                let _ = tty.write_all(b"\x1b[?1049l\x1b[?25h");
            }
            eprintln!("hostwiz: stopped by signal {sig}; answers of finished steps are saved");
            std::process::exit(128 + sig);
        }
    });
}
