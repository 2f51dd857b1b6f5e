//! Giving the operator's terminal back when a signal ends hostwiz while it holds the terminal
//! raw: the full-screen wizard for its whole run, the plain wizard during each prompt.

use std::io::Write;
use std::sync::OnceLock;

/// What the signal handler says after "stopped by signal N": the wizards set how to resume.
static FAREWELL: OnceLock<String> = OnceLock::new();

/// Sets the last line a signal prints (once per run; the first call wins).
pub fn on_signal_say(line: String) {
    let _ = FAREWELL.set(line);
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end hostwiz with the terminal restored: raw mode off,
/// then `escapes` (leave the alternate screen, show the cursor) written to the terminal. In raw
/// mode Ctrl-C is a key, so SIGINT and SIGQUIT come only from `kill`, but they come.
pub fn restore_on_signals(escapes: &'static [u8]) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])
    else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            // The main thread may hold the stdout lock, so restore through the controlling
            // terminal instead of stdout.
            let _ = ratatui::crossterm::terminal::disable_raw_mode();
            if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                let _ = tty.write_all(escapes);
            }
            let said = FAREWELL
                .get()
                .map_or("answers of finished steps are saved", String::as_str);
            eprintln!("hostwiz: stopped by signal {sig}; {said}");
            std::process::exit(128 + sig);
        }
    });
}
