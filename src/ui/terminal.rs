//! Giving the operator's terminal back when a signal ends or suspends hostwiz while it holds
//! the terminal raw: the full-screen wizard for its whole run, the plain wizard during each
//! prompt.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// What the signal handler says after "stopped by signal N": the wizards set how to resume.
static FAREWELL: OnceLock<String> = OnceLock::new();

/// Sets the last line a signal prints (once per run; the first call wins).
pub fn on_signal_say(line: String) {
    // It names the output folder, which may hold any character.
    let _ = FAREWELL.set(hostwiz::report::escape_controls(&line).into_owned());
}

/// Held while the wizard draws and while a signal restores the terminal, so a frame in flight
/// cannot hide the cursor again after the restore showed it.
static SCREEN: Mutex<()> = Mutex::new(());

/// The right to write to the screen; a signal's restore waits for the frame in flight.
pub fn screen() -> MutexGuard<'static, ()> {
    SCREEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Set when hostwiz was continued after a suspension: the screen must be drawn again whole.
static RESUMED: AtomicBool = AtomicBool::new(false);

/// Whether hostwiz was suspended and continued since the last call.
pub fn take_resumed() -> bool {
    RESUMED.swap(false, Ordering::SeqCst)
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end hostwiz with the terminal restored: raw mode off,
/// then `escapes` (leave the alternate screen, show the cursor) written to the terminal. In raw
/// mode Ctrl-C is a key, so SIGINT and SIGQUIT come only from `kill`, but they come.
/// SIGTSTP (`kill -TSTP`, Ctrl-Z in cooked mode) restores the terminal the same way and stops;
/// on SIGCONT (`fg`) raw mode comes back if it was on, `reenter` is written (the alternate
/// screen, the hidden cursor) and [`take_resumed`] tells the caller to redraw.
pub fn restore_on_signals(escapes: &'static [u8], reenter: &'static [u8]) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
    let Ok(mut signals) =
        signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGTSTP])
    else {
        return;
    };
    std::thread::spawn(move || {
        for sig in signals.forever() {
            use ratatui::crossterm::terminal;
            // Kept until exit, or until the terminal is taken again after a suspension.
            let held = screen();
            let raw = terminal::is_raw_mode_enabled().unwrap_or(false);
            // The main thread may hold the stdout lock, so restore through the controlling
            // terminal instead of stdout.
            let _ = terminal::disable_raw_mode();
            to_tty(escapes);
            if sig != SIGTSTP {
                let said = FAREWELL
                    .get()
                    .map_or("answers of finished steps are saved", String::as_str);
                eprintln!("hostwiz: stopped by signal {sig}; {said}");
                std::process::exit(128 + sig);
            }
            // SIGSTOP, not the default action of SIGTSTP: that one is ignored in an orphaned
            // process group, and hostwiz must stop whenever it let go of the terminal.
            // SAFETY: raise(3) of a signal that stops this process until SIGCONT.
            unsafe {
                libc::raise(libc::SIGSTOP);
            }
            if raw {
                let _ = terminal::enable_raw_mode();
                to_tty(reenter);
            }
            RESUMED.store(true, Ordering::SeqCst);
            drop(held);
            if raw {
                // Wakes the screen's blocking wait for input with a resize event (crossterm
                // listens for SIGWINCH), so it redraws now rather than at the next key.
                // SAFETY: raise(3) of a signal crossterm handles (or that is ignored by default).
                unsafe {
                    libc::raise(libc::SIGWINCH);
                }
            }
        }
    });
}

fn to_tty(bytes: &[u8]) {
    if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        let _ = tty.write_all(bytes);
    }
}
