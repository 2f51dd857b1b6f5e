//! However the wizard ends, the operator gets their terminal back: SIGTERM, SIGINT, SIGHUP and
//! a panic (the debug build's `HOSTWIZ_PANIC_IN=STEP`), in every step of the full-screen wizard
//! and in the plain prompts, each leave cooked mode with echo on, the alternate screen left and
//! the cursor shown.

#![cfg(unix)]

use crate::support::pty::{Pty, ENTER, TAB};
use expectrl::process::unix::Signal;

/// Every step of the GCP wizard (the host with the most), with text only it shows; the last is
/// the screen after writing.
const STEPS: &[(&str, &str)] = &[
    ("host", "Contracts"),
    ("domains", "Web host"),
    ("scale", "Billing worker"),
    ("services", "TF enables APIs"),
    ("review", "new ·"),
    ("write", "Press ⏎ to write"),
    ("written", "Written. Next:"),
];

enum End {
    Signal(Signal),
    Panic,
}

/// Opens the wizard and moves to step `index`; with `panic_in`, the wizard panics on drawing
/// that step, so this returns as soon as the keys are sent.
fn open_at(index: usize, home: &std::path::Path, panic_in: Option<&str>) -> Pty {
    let out = home.join("out");
    let env: Vec<(&str, &str)> = panic_in
        .map(|s| ("HOSTWIZ_PANIC_IN", s))
        .into_iter()
        .collect();
    let mut t = Pty::spawn_with(
        &[
            "wizard",
            "--preset",
            "gcp-cloud-run-worker",
            "--out",
            out.to_str().unwrap(),
        ],
        home,
        &env,
    );
    for (i, (_, text)) in STEPS.iter().enumerate().take(index + 1) {
        if panic_in.is_some() && i == index {
            break;
        }
        t.wait_for(text);
        if i < index {
            t.keys(if STEPS[i].0 == "write" { ENTER } else { TAB });
        }
    }
    t
}

/// The program ended with `code` and left the terminal cooked, with echo.
fn assert_cooked(t: &mut Pty, code: i32, what: &str) {
    assert_eq!(
        t.exit_code(),
        code,
        "{what}: exit code; screen:\n{}",
        t.text()
    );
    assert!(t.canonical(), "{what}: cooked mode with echo restored");
}

fn assert_restored(t: &mut Pty, code: i32, what: &str) {
    assert_cooked(t, code, what);
    let raw = String::from_utf8_lossy(&t.raw);
    let entered = raw
        .rfind("\x1b[?1049h")
        .unwrap_or_else(|| panic!("{what}: never drew"));
    let after = &raw[entered..];
    assert!(
        after.contains("\x1b[?1049l"),
        "{what}: alternate screen left"
    );
    let hidden = after.rfind("\x1b[?25l");
    let shown = after.rfind("\x1b[?25h");
    assert!(
        shown > hidden,
        "{what}: cursor shown after it was last hidden"
    );
}

fn end_in_every_step(end: End) {
    for (index, (step, _)) in STEPS.iter().enumerate() {
        let home = tempfile::tempdir().unwrap();
        let (mut t, code, what) = match &end {
            End::Signal(sig) => {
                let mut t = open_at(index, home.path(), None);
                assert!(!t.canonical(), "{step}: raw mode while running");
                t.session.get_process_mut().signal(*sig).unwrap();
                (t, 128 + *sig as i32, format!("{sig:?} in {step}"))
            }
            End::Panic => {
                // The screen after writing is still the write step.
                let panic_in = if *step == "written" { "write" } else { step };
                if *step == "written" {
                    continue;
                }
                (
                    open_at(index, home.path(), Some(panic_in)),
                    101,
                    format!("panic in {step}"),
                )
            }
        };
        assert_restored(&mut t, code, &what);
        if matches!(end, End::Panic) {
            let raw = String::from_utf8_lossy(&t.raw);
            assert!(
                raw.contains("a panic on purpose"),
                "{what}: the panic is reported"
            );
        }
    }
}

#[test]
fn sigterm_in_every_step_restores_the_terminal() {
    end_in_every_step(End::Signal(Signal::SIGTERM));
}

#[test]
fn sigint_in_every_step_restores_the_terminal() {
    end_in_every_step(End::Signal(Signal::SIGINT));
}

#[test]
fn sighup_in_every_step_restores_the_terminal() {
    end_in_every_step(End::Signal(Signal::SIGHUP));
}

#[test]
fn a_panic_in_every_step_restores_the_terminal() {
    end_in_every_step(End::Panic);
}

/// The plain wizard's steps for GCP: the prompt that opens each, and its first prompt that takes
/// text, whose validator is the only code of ours that runs while inquire holds raw mode.
const PLAIN_STEPS: &[(&str, &str, Option<&str>)] = &[
    ("host", "? Host", Some("? Environment")),
    ("domains", "? Web host", Some("? Web host")),
    ("scale", "? Billing worker", Some("? Stripe price map")),
    ("services", "? GCP project", Some("? GCP project")),
    ("review", "? Write ", None),
];

/// Opens the plain wizard and presses Enter (keeping every preset answer) until `prompt`.
fn plain_at(prompt: &str, home: &std::path::Path, env: &[(&str, &str)]) -> Pty {
    let out = home.join("out");
    let mut t = Pty::spawn_with(
        &[
            "wizard",
            "--plain",
            "--preset",
            "gcp-cloud-run-worker",
            "--out",
            out.to_str().unwrap(),
        ],
        home,
        env,
    );
    loop {
        t.wait_for("? ");
        if t.last_prompt().starts_with(prompt) {
            return t;
        }
        let before = t.last_prompt();
        t.keys(ENTER);
        t.wait_until(
            |t| t.last_prompt() != before,
            &format!("the prompt after {before:?}"),
        );
    }
}

/// Plain mode has no alternate screen: cooked mode with echo and a visible cursor are its
/// terminal.
fn assert_plain_restored(t: &mut Pty, code: i32, what: &str) {
    assert_cooked(t, code, what);
    let raw = String::from_utf8_lossy(&t.raw);
    assert!(
        raw.rfind("\x1b[?25h") >= raw.rfind("\x1b[?25l"),
        "{what}: cursor shown after it was last hidden"
    );
}

#[test]
fn signals_at_every_plain_step_restore_the_terminal() {
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
        for (step, prompt, _) in PLAIN_STEPS {
            let home = tempfile::tempdir().unwrap();
            let mut t = plain_at(prompt, home.path(), &[]);
            assert!(!t.canonical(), "{step}: raw mode while a prompt waits");
            t.session.get_process_mut().signal(sig).unwrap();
            assert_plain_restored(
                &mut t,
                128 + sig as i32,
                &format!("plain {sig:?} in {step}"),
            );
        }
    }
}

#[test]
fn a_panic_in_a_plain_prompt_restores_the_terminal() {
    for (step, _, text_prompt) in PLAIN_STEPS {
        let Some(prompt) = text_prompt else { continue };
        let home = tempfile::tempdir().unwrap();
        let mut t = plain_at(prompt, home.path(), &[("HOSTWIZ_PANIC_IN", step)]);
        t.keys(ENTER);
        let what = format!("plain panic in {step}");
        assert_plain_restored(&mut t, 101, &what);
        let raw = String::from_utf8_lossy(&t.raw);
        assert!(
            raw.contains("a panic on purpose"),
            "{what}: the panic is reported"
        );
    }
}

/// `kill -TSTP` then `fg`: while stopped the terminal is cooked with echo, off the alternate
/// screen with the cursor shown; once continued the wizard is raw again, back on the alternate
/// screen and drawn again without a key press.
#[test]
fn suspend_and_continue_give_the_terminal_back_and_take_it_again() {
    let home = tempfile::tempdir().unwrap();
    let mut t = open_at(0, home.path(), None);
    assert!(!t.canonical(), "raw mode while running");
    t.session.get_process_mut().signal(Signal::SIGTSTP).unwrap();
    let started = std::time::Instant::now();
    while !t.canonical() && started.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(t.canonical(), "cooked mode with echo while stopped");
    std::thread::sleep(std::time::Duration::from_millis(200));
    t.pump();
    let raw = String::from_utf8_lossy(&t.raw).into_owned();
    let entered = raw.rfind("\x1b[?1049h").expect("drew");
    assert!(
        raw[entered..].contains("\x1b[?1049l"),
        "left the alternate screen"
    );
    assert!(raw[entered..].contains("\x1b[?25h"), "showed the cursor");
    let before = t.raw.len();

    t.session.get_process_mut().signal(Signal::SIGCONT).unwrap();
    let started = std::time::Instant::now();
    while t.canonical() && started.elapsed() < std::time::Duration::from_secs(5) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(!t.canonical(), "raw mode again after continuing");
    t.wait_for("Contracts");
    let again = String::from_utf8_lossy(&t.raw[before..]).into_owned();
    assert!(
        again.contains("\x1b[?1049h"),
        "back on the alternate screen"
    );
    assert!(again.contains("Contracts"), "drawn again: {again:?}");

    t.session.get_process_mut().signal(Signal::SIGTERM).unwrap();
    assert_restored(
        &mut t,
        128 + Signal::SIGTERM as i32,
        "SIGTERM after continuing",
    );
}
