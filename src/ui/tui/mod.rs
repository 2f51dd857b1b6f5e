//! The full-screen wizard: terminal setup and restore, and the loop that feeds events to
//! `app::update`, runs the commands it returns, and draws `view::draw`.
//!
//! The loop blocks on the next event, so an idle wizard uses no CPU. The terminal is restored
//! on every exit: quit, error (a guard), panic (ratatui's hook, which runs before color-eyre's
//! report), Ctrl-C (a key in raw mode), and SIGTERM/SIGHUP/SIGINT/SIGQUIT (a thread that restores
//! and exits).

pub mod app;
mod failure;
pub mod strings;
pub mod view;
pub(crate) mod widgets;

use crate::ui::session;
use crate::ui::wizard::{self, Start};
use app::{Cmd, Msg, State};
use failure::Failure;
use hostwiz::answers::Answers;
use hostwiz::apply;
use hostwiz::error::{Error, Result};
use hostwiz::write;
use ratatui::crossterm::event::{self, Event};
use std::io::Write;

/// Restores the terminal when the loop ends in any way but a panic (see `show_cursor_on_panic`).
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        ratatui::restore();
        show_cursor();
    }
}

fn show_cursor() {
    let _ = ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::cursor::Show);
}

/// ratatui's panic hook leaves raw mode and the alternate screen but not a hidden cursor; the
/// operator's shell would have no cursor until `reset`.
fn show_cursor_on_panic() {
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        show_cursor();
        restore(info);
    }));
}

pub fn run(start: Start, out: &mut impl Write) -> Result<wizard::Ended> {
    let key = wizard::session_key(start.out.as_deref());
    let hint = wizard::resume_hint(start.out.as_deref(), false);
    let mut state = State::new(start);
    crate::ui::terminal::on_signal_say(hint.clone());
    crate::ui::terminal::restore_on_signals(b"\x1b[?1049l\x1b[?25h", b"\x1b[?1049h\x1b[?25l");
    let io = |e: std::io::Error| Error::io("the terminal", "use", e);
    let mut terminal = ratatui::try_init().map_err(io)?;
    show_cursor_on_panic();
    let guard = Restore;
    // crossterm starts listening for SIGWINCH at its first poll: before the size is read and
    // the first frame drawn, so a resize from then on is an event the blocking read below
    // wakes for (a resize before it was lost, and the screen kept its old size).
    event::poll(std::time::Duration::ZERO).map_err(io)?;
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let (mut saved, mut saved_step, mut interrupted) = (None, state.step, false);
    loop {
        if crate::ui::terminal::take_resumed() {
            // Back from a suspension: what ratatui thinks is on screen is gone. A blank frame
            // first makes the next one draw every cell (`clear` would ask the terminal for the
            // cursor position, which not every terminal answers).
            let blank = |f: &mut ratatui::Frame| f.render_widget(ratatui::widgets::Clear, f.area());
            let _screen = crate::ui::terminal::screen();
            terminal.draw(blank).map_err(io)?;
        }
        {
            let _screen = crate::ui::terminal::screen();
            terminal.draw(|f| view::draw(&state, f)).map_err(io)?;
        }
        // Blocks until a key or a resize: idle, the wizard uses no CPU. A continued wizard is
        // woken by the resize its SIGCONT handling raises (`terminal::restore_on_signals`).
        let msg = match event::read().map_err(io)? {
            Event::Key(k) => Msg::Key(k),
            Event::Resize(w, h) => Msg::Resize(w, h),
            _ => continue,
        };
        let mut pending = app::update(&mut state, msg);
        // Every change is kept at once, so a signal or a closed terminal loses nothing.
        if state.dirty
            && state.done.is_none()
            && (saved.as_ref() != Some(&state.raw) || saved_step != state.step)
        {
            pending.insert(0, Cmd::SaveSession);
        }
        let mut quit = false;
        while let Some(cmd) = pending.first().cloned() {
            pending.remove(0);
            match cmd {
                Cmd::Quit => quit = true,
                Cmd::Interrupt => {
                    quit = true;
                    interrupted = true;
                }
                Cmd::SaveSession => {
                    if state.dirty && state.done.is_none() {
                        let _ = session::save(&key, &state.raw);
                        let _ = session::save_step(&key, state.step);
                        saved = Some(state.raw.clone());
                        saved_step = state.step;
                    }
                }
                Cmd::Review => {
                    let reviewed = review(&state);
                    pending.extend(app::update(&mut state, Msg::Reviewed(reviewed)));
                }
                Cmd::PlanMigration => {
                    let planned = plan_migration(&state);
                    pending.extend(app::update(&mut state, Msg::Migration(planned)));
                }
                Cmd::WriteMigration => {
                    let result = write_migration(&state);
                    pending.extend(app::update(&mut state, Msg::Written(result)));
                }
                Cmd::ReviewServices => {
                    let review = review_services(&state);
                    pending.extend(app::update(&mut state, Msg::Services(review)));
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
    let say = |out: &mut dyn Write, l: &str| {
        writeln!(out, "{l}").map_err(|e| Error::io("standard output", "write to", e))
    };
    if let Some(lines) = &state.done {
        for l in lines {
            say(out, l)?;
        }
    } else if interrupted {
        return Ok(wizard::Ended::Interrupted(format!("interrupted; {hint}")));
    } else if state.dirty {
        say(out, &format!("Quit: {hint}."))?;
    }
    Ok(wizard::Ended::Done)
}

fn checked(state: &State) -> std::result::Result<&Answers, Failure> {
    state
        .answers
        .as_ref()
        .map_err(|e| Failure::Answers(e.clone()))
}

/// What writing would do, read from the disk for the diff.
fn review(state: &State) -> std::result::Result<Vec<write::Planned>, Failure> {
    let a = checked(state)?;
    match apply::prepare_with(a.clone(), state.out.as_deref(), state.generate_secrets) {
        Ok(o) => Ok(o.planned),
        Err((_, Error::Refused { .. })) => Ok(prepare_anyway(state, a)?),
        Err((_, e)) => Err(e.into()),
    }
}

/// The files of answers that break a contract, so the review can still show them.
fn prepare_anyway(state: &State, a: &Answers) -> Result<Vec<write::Planned>> {
    let out = wizard::out_dir(state.out.as_deref(), a);
    write::prepare(&out, hostwiz::render::render(a))
}

fn write_files(state: &State) -> std::result::Result<Vec<String>, Failure> {
    let a = checked(state)?;
    let outcome = apply::prepare_with(a.clone(), state.out.as_deref(), state.generate_secrets)
        .map_err(|(_, e)| e)?;
    let written = write::commit(&outcome.out, &outcome.planned)?;
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

/// Where the migration phases go: `<out>/migrate`, or migrate's own default.
fn migration_out(state: &State) -> std::path::PathBuf {
    state.out.as_ref().map_or_else(
        || hostwiz::migrate::DEFAULT_OUT.into(),
        |o| o.join("migrate"),
    )
}

/// The deployment chosen on the welcome screen, alone: `m` on one row migrates that row, not
/// every deployment of the checkout.
fn migrate_options(state: &State) -> hostwiz::migrate::Options {
    let chosen = match state.modal {
        Some(app::Modal::Welcome { selected }) => state.existing.get(selected),
        _ => None,
    };
    match chosen {
        Some(e) => hostwiz::migrate::Options {
            paths: e.files.clone(),
            out: Some(migration_out(state)),
            ..Default::default()
        },
        None => hostwiz::migrate::Options {
            repo: state.repo.clone(),
            out: Some(migration_out(state)),
            ..Default::default()
        },
    }
}

/// The checkout's migration plan: MIGRATION.md to read, and the phase files with their diffs.
fn plan_migration(state: &State) -> Result<(String, Vec<write::Planned>)> {
    let outcome = hostwiz::migrate::plan(&migrate_options(state))?;
    let doc = outcome
        .files
        .iter()
        .find(|f| f.path == hostwiz::migrate::GUIDE)
        .map(|f| f.contents.clone())
        .unwrap_or_else(|| "Already in dedicated mode: nothing to migrate.".to_string());
    let planned = write::prepare(&outcome.out, outcome.files)?;
    Ok((doc, planned))
}

fn write_migration(state: &State) -> std::result::Result<Vec<String>, Failure> {
    let Some(app::Screen::Migration { planned, .. }) = &state.screen else {
        return Err(Failure::NoMigrationPlan);
    };
    let out = migration_out(state);
    let written = hostwiz::migrate::write_phases(&out, planned)?;
    let mut lines: Vec<String> = written
        .iter()
        .map(|w| format!("{:<10} {}", w.change, w.target.display()))
        .collect();
    lines.push(format!(
        "next: follow {}",
        out.join(hostwiz::migrate::GUIDE).display()
    ));
    Ok(lines)
}

/// What `hostwiz gcp services` says of the checkout's blueprint.
fn review_services(state: &State) -> Result<String> {
    let tf = state.repo.as_ref().map(|r| r.join("ops/infra/gcp"));
    let opts = hostwiz::hosts::gcp::services_review::Options {
        tf,
        answers: None,
        enabled: None,
    };
    let services = hostwiz::hosts::gcp::services_review::load(&opts)?;
    Ok(hostwiz::hosts::gcp::services_review::text(
        &hostwiz::hosts::gcp::services_review::review(&services),
    ))
}

#[cfg(test)]
mod tests;
