//! One keystroke in the full-screen wizard: `update` (which re-runs every rule) and a full
//! redraw into a 200×60 TestBackend, beside drawing an empty frame of the same size.

// The wizard is part of the binary, not the library: the bench compiles the same front-end
// modules the binary does (they reach the core only through `hostwiz::`).
#[allow(unused)]
#[path = "../src/ui/mod.rs"]
mod ui;

use criterion::{criterion_group, criterion_main, Criterion};
use hostwiz::source::{self, Source};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ui::tui::app::{self, Msg, State};
use ui::tui::view;
use ui::wizard::Start;

fn keystroke(c: &mut Criterion) {
    let raw = source::load(&Source::Preset("gcp-cloud-run-worker".into()), &[])
        .unwrap()
        .to_raw();
    let mut state = State::new(Start {
        raw,
        out: None,
        resume: None,
        existing: Vec::new(),
        repo: None,
        resume_step: None,
    });
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).unwrap();
    c.bench_function("baseline/empty-frame-200x60", |b| {
        b.iter(|| {
            terminal.draw(|_| {}).unwrap();
        });
    });
    // Typing into a field: the most work a key does (the tentative answers are re-judged).
    app::update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
    );
    app::update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let mut flip = false;
    c.bench_function("keystroke/update+draw-200x60", |b| {
        b.iter(|| {
            flip = !flip;
            let code = if flip {
                KeyCode::Char('x')
            } else {
                KeyCode::Backspace
            };
            app::update(
                &mut state,
                Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            );
            terminal.draw(|f| view::draw(&state, f)).unwrap();
        })
    });
}

criterion_group!(benches, keystroke);
criterion_main!(benches);
