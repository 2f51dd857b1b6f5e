//! The real binary in a pseudo-terminal: driven through every step for each host, it writes
//! exactly what `apply` writes for the same answers; stopped half-way by SIGTERM it leaves the
//! terminal as it found it and no file behind; a resize redraws.
//!
//! The screen is rebuilt from the program's output with a VT100 parser, so the test reads what
//! an operator would see rather than escape sequences.

#![cfg(unix)]

use crate::support::pty::{Pty, BACKSPACE, ENTER, TAB};
use crate::Test;
use expectrl::process::unix::Signal;
use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_step_of_every_host_writes_what_apply_writes() {
    for (preset, extra_step) in [
        ("k8s-ha-worker", None),
        ("vps-worker", None),
        ("gcp-cloud-run-worker", Some("TF enables APIs")),
    ] {
        let home = tempfile::tempdir().unwrap();
        let out = home.path().join("wizard-out");
        let mut t = Pty::spawn(
            &["wizard", "--preset", preset, "--out", out.to_str().unwrap()],
            home.path(),
        );
        t.wait_for("Contracts");
        t.keys(TAB);
        t.wait_for("Web host");
        // Change the web host: edit, clear, type, keep.
        t.keys(ENTER);
        t.keys(&BACKSPACE.repeat(40));
        t.keys("shop.acme.io");
        t.keys(ENTER);
        t.wait_for("shop.acme.io");
        t.keys(TAB);
        t.wait_for("Billing worker");
        if let Some(text) = extra_step {
            t.keys(TAB);
            t.wait_for(text);
        }
        t.keys(TAB);
        t.wait_for("new ·");
        t.keys(TAB);
        t.wait_for("Press ⏎ to write");
        t.keys(ENTER);
        t.wait_for("Written. Next:");
        t.keys("q");
        assert_eq!(t.exit_code(), 0, "{preset}");

        let reference = home.path().join("apply-out");
        Test::in_dir(home.path())
            .args([
                "apply",
                "--preset",
                preset,
                "--set",
                "domains.web=shop.acme.io",
                "--out",
            ])
            .args([&reference])
            .args(["--yes"])
            .run()
            .status(0);
        assert_eq!(
            files(&out),
            files(&reference),
            "{preset}: the wizard writes what apply writes"
        );
        let raw = String::from_utf8_lossy(&t.raw);
        assert!(
            raw.contains("\x1b[?1049l"),
            "{preset}: left the alternate screen"
        );
    }
}

#[test]
fn sigterm_half_way_restores_the_terminal_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let mut t = Pty::spawn(
        &[
            "wizard",
            "--preset",
            "vps-worker",
            "--out",
            out.to_str().unwrap(),
        ],
        home.path(),
    );
    t.wait_for("Contracts");
    assert!(!t.canonical(), "raw mode while running");
    t.keys(TAB);
    t.keys(TAB);
    t.wait_for("Billing worker");
    t.session.get_process_mut().signal(Signal::SIGTERM).unwrap();
    assert_eq!(t.exit_code(), 128 + 15);
    t.pump();
    let said = String::from_utf8_lossy(&t.raw).to_string();
    assert!(said.contains("answers saved for resume"), "{said}");
    assert!(said.contains("resuming needs the same --out"), "{said}");
    assert!(t.canonical(), "cooked mode restored");
    let raw = String::from_utf8_lossy(&t.raw);
    assert!(raw.contains("\x1b[?1049l"), "alternate screen left");
    assert!(raw.contains("\x1b[?25h"), "cursor shown");
    assert!(!out.exists(), "no file written");
}

#[test]
fn a_resize_redraws_and_a_small_terminal_says_what_it_needs() {
    let home = tempfile::tempdir().unwrap();
    let mut t = Pty::spawn(&["wizard", "--preset", "k8s-single"], home.path());
    t.wait_for("Contracts");
    t.session.get_process_mut().set_window_size(60, 20).unwrap();
    t.screen.screen_mut().set_size(20, 60);
    t.wait_for("at least 80×24");
    t.session
        .get_process_mut()
        .set_window_size(120, 40)
        .unwrap();
    t.screen.screen_mut().set_size(40, 120);
    t.wait_for("Contracts");
    t.keys("q");
    assert_eq!(t.exit_code(), 0);
    assert!(t.canonical(), "cooked mode restored after quit");
}

#[test]
fn the_migration_flow_from_the_welcome_screen_writes_both_phases() {
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("repo");
    let chart = repo.join("ops/charts/starter");
    std::fs::create_dir_all(&chart).unwrap();
    Test::in_dir(home.path())
        .args(["apply", "--preset", "k8s-single", "--yes", "--out"])
        .args([home.path().join("inline")])
        .run()
        .status(0);
    std::fs::copy(
        home.path().join("inline/values-prod.yaml"),
        chart.join("values.prod.yaml"),
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "# chart defaults\n").unwrap();
    let out = home.path().join("out");
    let mut t = Pty::spawn(
        &[
            "wizard",
            "--repo",
            repo.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        home.path(),
    );
    t.wait_for("Found in this checkout");
    t.wait_for("m migrate this inline deployment");
    t.keys("m");
    t.wait_for("Migration to a dedicated worker");
    t.wait_for("phase-1/values.prod.yaml");
    t.keys(ENTER);
    t.wait_for("next: follow");
    t.keys("q");
    assert_eq!(t.exit_code(), 0);
    let phase1 = std::fs::read_to_string(out.join("migrate/phase-1/values.prod.yaml")).unwrap();
    assert!(phase1.contains("hostwiz:ignore BILL-006"), "{phase1}");
    let phase2 = std::fs::read_to_string(out.join("migrate/phase-2/values.prod.yaml")).unwrap();
    assert!(phase2.contains("enabled: true"), "{phase2}");
    assert!(out.join("migrate/MIGRATION.md").is_file());
    assert!(t.canonical(), "terminal restored");
}

/// Issue 15 item 3: Ctrl-C saves the answers in progress, says how to resume and exits 130; the
/// resume reopens at the step the operator left.
#[test]
fn ctrl_c_saves_says_how_to_resume_and_reopens_at_the_step() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let args = [
        "wizard",
        "--preset",
        "vps-worker",
        "--out",
        out.to_str().unwrap(),
    ];
    let mut t = Pty::spawn(&args, home.path());
    t.wait_for("Contracts");
    t.keys(TAB);
    t.wait_for("Web host");
    t.keys(ENTER);
    t.keys(&BACKSPACE.repeat(40));
    t.keys("shop.acme.io");
    t.keys(ENTER);
    t.wait_for("shop.acme.io");
    t.keys("\x03");
    assert_eq!(t.exit_code(), 130);
    assert!(t.canonical(), "cooked mode restored");
    let said = String::from_utf8_lossy(&t.raw).to_string();
    assert!(
        said.contains("hostwiz: interrupted; answers saved for resume"),
        "{said}"
    );
    assert!(said.contains("resuming needs the same --out"), "{said}");

    let mut t = Pty::spawn(&["wizard", "--out", out.to_str().unwrap()], home.path());
    t.wait_for("Resume?");
    t.keys("y");
    t.wait_for("Web host");
    assert!(t.text().contains("shop.acme.io"), "{}", t.text());
    t.keys("q");
    t.wait_for("Quit?");
    t.keys("y");
    assert_eq!(t.exit_code(), 0);
    t.pump();
    let said = String::from_utf8_lossy(&t.raw).to_string();
    assert!(said.contains("Quit: answers saved for resume"), "{said}");
}

/// Issue 15 item 2: the full-screen wizard started from `--answers F` without `--out` writes
/// beside F, as `apply --answers F` does.
#[test]
fn answers_without_out_are_written_beside_them() {
    let home = tempfile::tempdir().unwrap();
    Test::in_dir(home.path())
        .args([
            "apply",
            "--preset",
            "vps-single",
            "--out",
            "deploy/prod",
            "--yes",
        ])
        .run()
        .status(0);
    let answers = home.path().join("deploy/prod/hostwiz.toml");
    let mut t = Pty::spawn(
        &["wizard", "--answers", answers.to_str().unwrap()],
        home.path(),
    );
    t.wait_for("Contracts");
    t.keys(TAB);
    t.wait_for("Web host");
    t.keys(ENTER);
    t.keys(&BACKSPACE.repeat(40));
    t.keys("shop.acme.io");
    t.keys(ENTER);
    t.wait_for("shop.acme.io");
    t.keys(TAB);
    t.wait_for("Billing worker");
    t.keys(TAB);
    t.wait_for("deploy/prod");
    t.keys(TAB);
    t.wait_for("Press ⏎ to write");
    t.keys(ENTER);
    t.wait_for("Written. Next:");
    t.keys("q");
    assert_eq!(t.exit_code(), 0);
    assert!(!home.path().join("hostwiz-out").exists());
    let env = std::fs::read_to_string(home.path().join("deploy/prod/compose.env")).unwrap();
    assert!(env.contains("APP_HOST=shop.acme.io"), "{env}");
}
