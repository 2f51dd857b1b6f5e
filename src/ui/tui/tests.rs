//! The full-screen wizard without a terminal: `update` fed keys, and `view` drawn into a
//! TestBackend and snapshotted, for every step at 80×24 and 120×40.

use crate::ui::session;
use crate::ui::tui::app::{self, Cmd, Modal, Msg, State};
use crate::ui::tui::view;
use crate::ui::wizard::Start;
use hostwiz::answers::RawAnswers;
use hostwiz::questions::Step;
use hostwiz::source::{self, Source};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

fn start(preset: Option<&str>) -> State {
    let raw = match preset {
        Some(p) => source::load(&Source::Preset(p.into()), &[])
            .unwrap()
            .to_raw(),
        None => session::blank(),
    };
    State::new(Start {
        raw,
        out: Some("out".into()),
        resume: None,
        existing: Vec::new(),
        repo: None,
    })
}

fn press(s: &mut State, code: KeyCode) -> Vec<Cmd> {
    app::update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn shift_tab(s: &mut State) -> Vec<Cmd> {
    app::update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    )
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

/// Focuses the question with this key on the current step.
fn focus(s: &mut State, key: &str) {
    s.field = s
        .questions()
        .iter()
        .position(|q| q.key == key)
        .unwrap_or_else(|| panic!("{key} not on {:?}", s.step));
}

fn screen(s: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::draw(s, f)).unwrap();
    t.backend().to_string()
}

fn snap(name: &str, s: &State) {
    insta::assert_snapshot!(format!("{name}-80x24"), screen(s, 80, 24));
    insta::assert_snapshot!(format!("{name}-120x40"), screen(s, 120, 40));
}

#[test]
fn host_step_chooses_with_arrows_and_marks_the_step_list() {
    let mut s = start(None);
    assert_eq!(s.step, Step::Host);
    press(&mut s, KeyCode::Right);
    assert_eq!(s.raw.get("host"), "vps");
    press(&mut s, KeyCode::Left);
    press(&mut s, KeyCode::Left);
    assert_eq!(s.raw.get("host"), "gcp");
    assert!(s.steps().contains(&Step::Services));
    snap("blank-host-gcp", &s);
}

#[test]
fn typing_validates_live_and_enter_keeps_only_accepted_values() {
    let mut s = start(None);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.step, Step::Domains);
    focus(&mut s, "domains.web");
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "app.example.com {");
    assert!(s.edit_error().unwrap().contains("DNS hostname"));
    snap("domains-typing-invalid", &s);
    press(&mut s, KeyCode::Enter);
    assert!(s.edit.is_some(), "an invalid value is not kept");
    assert!(s.status.as_deref().unwrap().contains("domains.web"));
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.raw.get("domains.web"), "app.example.com");
    // Esc undoes an edit.
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "zzz");
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.raw.get("domains.web"), "app.example.com");
}

#[test]
fn contracts_rerun_on_every_keystroke_and_a_fix_applies_from_explain() {
    let mut s = start(Some("k8s-single"));
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.step, Step::Scale);
    focus(&mut s, "scale.api_replicas");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Backspace);
    type_text(&mut s, "3");
    assert!(
        s.findings.iter().any(|f| f.rule == "BILL-004"),
        "judged while typing"
    );
    press(&mut s, KeyCode::Enter);
    assert!(s.hint().unwrap().contains("dedicated"));
    snap("scale-failing-bill-004", &s);
    press(&mut s, KeyCode::Char('?'));
    assert_eq!(s.modal, Some(Modal::Explain { selected: 0 }));
    assert_eq!(
        app::explainable(&s)[0].id,
        "BILL-004",
        "failing rules first"
    );
    snap("explain-bill-004", &s);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.raw.get("billing.worker"), "dedicated");
    assert!(s.findings.iter().all(|f| f.rule != "BILL-004"));
    assert_eq!(s.modal, None);
}

#[test]
fn steps_move_both_ways_without_losing_answers() {
    let mut s = start(Some("vps-worker"));
    let before = s.raw.clone();
    let mut seen = vec![s.step];
    for _ in 0..6 {
        let cmds = press(&mut s, KeyCode::Tab);
        if seen.last() != Some(&s.step) {
            assert!(
                cmds.contains(&Cmd::SaveSession),
                "saved when leaving a step"
            );
            seen.push(s.step);
        }
    }
    assert_eq!(
        seen,
        [
            Step::Host,
            Step::Domains,
            Step::Scale,
            Step::Review,
            Step::Write
        ]
    );
    for _ in 0..6 {
        shift_tab(&mut s);
    }
    assert_eq!(s.step, Step::Host);
    assert_eq!(s.raw, before);
}

#[test]
fn every_step_of_every_host_draws() {
    for (preset, name) in [
        ("k8s-ha-worker", "k8s"),
        ("vps-worker", "vps"),
        ("gcp-cloud-run-worker", "gcp"),
    ] {
        let mut s = start(Some(preset));
        for step in s.steps() {
            if step == Step::Review || step == Step::Write {
                continue;
            }
            s.step = step;
            s.field = 0;
            snap(
                &format!("{name}-{}", step.title().replace(' ', "").replace('&', "-")),
                &s,
            );
        }
    }
}

#[test]
fn review_and_write_show_files_and_refuse_broken_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = start(Some("vps-single"));
    s.out = Some(dir.path().join("out"));
    let cmds = press(&mut s, KeyCode::Char('p'));
    assert_eq!(s.step, Step::Review);
    assert!(cmds.contains(&Cmd::Review));
    let a = s.answers.clone().unwrap();
    let planned =
        hostwiz::write::prepare(&dir.path().join("out"), hostwiz::render::render(&a)).unwrap();
    app::update(&mut s, Msg::Reviewed(Ok(planned)));
    // vps-single: CHECKLIST.md, Caddyfile, api.env.local, compose.env, the egress override,
    // hostwiz.toml, web.env.local.
    assert_eq!(s.review.len(), 7);
    press(&mut s, KeyCode::Down);
    assert_eq!(s.selected_file, 1);
    let screen80 = screen(&s, 80, 24);
    assert!(screen80.contains("compose.env"), "{screen80}");
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.step, Step::Write);
    assert_eq!(press(&mut s, KeyCode::Enter), vec![Cmd::Write]);
    app::update(
        &mut s,
        Msg::Written(Ok(vec!["create out/Caddyfile".into()])),
    );
    assert!(screen(&s, 80, 24).contains("Written. Next:"));
    assert_eq!(press(&mut s, KeyCode::Char('q')), vec![Cmd::Quit]);

    let mut broken = start(Some("k8s-single"));
    broken.raw.set("scale.api_replicas=4").unwrap();
    broken.evaluate();
    broken.step = Step::Write;
    assert!(
        press(&mut broken, KeyCode::Enter).is_empty(),
        "nothing is written while a contract fails"
    );
    assert!(broken.status.is_some());
}

#[test]
fn quitting_asks_when_answers_changed_and_resume_restores_them() {
    let mut s = start(Some("k8s-single"));
    assert_eq!(
        press(&mut s, KeyCode::Char('q')),
        vec![Cmd::Quit],
        "nothing changed: no question"
    );
    press(&mut s, KeyCode::Right);
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert_eq!(s.modal, Some(Modal::ConfirmQuit));
    snap("confirm-quit", &s);
    press(&mut s, KeyCode::Char('n'));
    assert_eq!(s.modal, None);
    assert_eq!(
        app::update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
        ),
        vec![Cmd::SaveSession, Cmd::Quit]
    );

    let mut saved = session::blank();
    saved.set("domains.web=saved.example.com").unwrap();
    let mut r = State::new(Start {
        raw: session::blank(),
        out: None,
        resume: Some(saved),
        existing: Vec::new(),
        repo: None,
    });
    assert_eq!(r.modal, Some(Modal::Resume));
    snap("resume", &r);
    press(&mut r, KeyCode::Char('y'));
    assert_eq!(r.raw.get("domains.web"), "saved.example.com");
}

#[test]
fn a_small_terminal_is_told_the_size_needed() {
    let s = start(None);
    let text = screen(&s, 60, 20);
    assert!(text.contains("at least 80×24"), "{text}");
    assert!(text.contains("60×20"), "{text}");
    let _ = RawAnswers::default();
}

#[test]
fn the_welcome_screen_shows_what_check_finds_and_starts_from_it() {
    let repo = tempfile::tempdir().unwrap();
    let chart = repo.path().join("ops/charts/starter");
    std::fs::create_dir_all(&chart).unwrap();
    let a = source::load(&Source::Preset("k8s-ha-worker".into()), &[]).unwrap();
    for f in hostwiz::render::render(&a) {
        if f.path.starts_with("values-") {
            std::fs::write(chart.join("values.prod.yaml"), &f.contents).unwrap();
        }
    }
    std::fs::write(chart.join("values.yaml"), "ingress:\n  enabled: false\n").unwrap();
    std::fs::write(
        chart.join("values.staging.yaml"),
        "api:\n  replicaCount: 2\n",
    )
    .unwrap();
    let existing = crate::ui::wizard::existing(repo.path(), &session::blank()).unwrap();
    assert_eq!(existing.len(), 2);
    assert!(
        existing[1].summary.starts_with("1 error"),
        "{:?}",
        existing[1]
    );
    let mut s = State::new(Start {
        raw: session::blank(),
        out: None,
        resume: None,
        existing,
        repo: None,
    });
    assert_eq!(s.modal, Some(Modal::Welcome { selected: 0 }));
    press(&mut s, KeyCode::Down);
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("BILL-004"), "{shown}");
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.modal, None);
    assert_eq!(s.raw.get("host"), "k8s");
    assert_eq!(s.raw.get("domains.web"), "app.example.com");
    assert_eq!(s.raw.get("domains.api"), "api.example.com");
    assert_eq!(s.raw.get("billing.worker"), "dedicated");
    assert_eq!(s.raw.get("scale.api_replicas"), "3");
    assert_eq!(s.raw.get("scale.api_min_replicas"), "2");
    assert_eq!(s.raw.get("scale.autoscaling"), "true");
}

#[test]
fn review_and_write_steps_draw() {
    for (preset, name) in [
        ("k8s-ha-worker", "k8s"),
        ("vps-worker", "vps"),
        ("gcp-cloud-run-worker", "gcp"),
    ] {
        let mut s = start(Some(preset));
        // A folder that does not exist: every file is a creation, and the paths are stable.
        s.out = Some("no-such-folder/out".into());
        let a = s.answers.clone().unwrap();
        let planned =
            hostwiz::write::prepare(s.out.as_deref().unwrap(), hostwiz::render::render(&a))
                .unwrap();
        s.step = Step::Review;
        app::update(&mut s, Msg::Reviewed(Ok(planned)));
        snap(&format!("{name}-review"), &s);
        s.step = Step::Write;
        snap(&format!("{name}-write"), &s);
    }
    let mut s = start(Some("vps-single"));
    s.step = Step::Write;
    app::update(
        &mut s,
        Msg::Written(Ok(vec![
            "create     out/Caddyfile".into(),
            String::new(),
            "less out/CHECKLIST.md".into(),
        ])),
    );
    snap("written", &s);
}

/// A checkout with an inline Helm deployment and a GCP blueprint.
fn checkout() -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let chart = repo.path().join("ops/charts/starter");
    let gcp = repo.path().join("ops/infra/gcp");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::create_dir_all(&gcp).unwrap();
    for (preset, dir) in [("k8s-single", &chart), ("gcp-cloud-run", &gcp)] {
        let a = source::load(&Source::Preset(preset.into()), &[]).unwrap();
        for f in hostwiz::render::render(&a) {
            if f.path.starts_with("values-") {
                std::fs::write(dir.join("values.prod.yaml"), &f.contents).unwrap();
            } else if f.path.ends_with(".tfvars") {
                std::fs::write(dir.join(&f.path), &f.contents).unwrap();
            }
        }
    }
    std::fs::write(chart.join("values.yaml"), "# chart defaults\n").unwrap();
    std::fs::write(
        gcp.join("locals.tf"),
        "locals {\n  required_project_services = toset([\n    \"run.googleapis.com\",\n  ])\n}\n",
    )
    .unwrap();
    repo
}

#[test]
fn the_welcome_offers_the_migration_and_the_gcp_api_screens() {
    let repo = checkout();
    let existing = crate::ui::wizard::existing(repo.path(), &session::blank()).unwrap();
    let k8s = existing
        .iter()
        .position(|e| e.host.as_str() == "k8s")
        .unwrap();
    let gcp = existing
        .iter()
        .position(|e| e.host.as_str() == "gcp")
        .unwrap();
    let mut s = State::new(Start {
        raw: session::blank(),
        out: Some("wizard-out".into()),
        resume: None,
        existing,
        repo: Some(repo.path().to_path_buf()),
    });
    s.modal = Some(Modal::Welcome { selected: k8s });
    assert!(screen(&s, 120, 40).contains("m migrate this inline deployment"));
    assert_eq!(press(&mut s, KeyCode::Char('m')), vec![Cmd::PlanMigration]);

    // A copy at a fixed relative path, so MIGRATION.md (which names the files) snapshots the
    // same on every machine; the suppression's date is pinned by HOSTWIZ_TODAY.
    let fixed = std::path::Path::new("target/tui-test-checkout/ops/charts/starter");
    std::fs::create_dir_all(fixed).unwrap();
    for name in ["values.yaml", "values.prod.yaml"] {
        std::fs::copy(
            repo.path().join("ops/charts/starter").join(name),
            fixed.join(name),
        )
        .unwrap();
    }
    std::env::set_var("HOSTWIZ_TODAY", "2026-11-25");
    let opts = hostwiz::migrate::Options {
        paths: vec![fixed.join("values.yaml"), fixed.join("values.prod.yaml")],
        out: Some("no-such-folder/migrate".into()),
        ..Default::default()
    };
    let outcome = hostwiz::migrate::plan(&opts).unwrap();
    let doc = outcome
        .files
        .iter()
        .find(|f| f.path == "MIGRATION.md")
        .unwrap()
        .contents
        .clone();
    let planned = hostwiz::write::prepare(&outcome.out, outcome.files).unwrap();
    app::update(&mut s, Msg::Migration(Ok((doc, planned))));
    assert!(matches!(s.screen, Some(app::Screen::Migration { .. })));
    let shown = screen(&s, 80, 24);
    assert!(shown.contains("phase-1/values.prod.yaml"), "{shown}");
    assert!(shown.contains("Migration to a dedicated worker"), "{shown}");
    insta::assert_snapshot!("migration-screen-80x24", shown);
    insta::assert_snapshot!("migration-screen-120x40", screen(&s, 120, 40));
    assert_eq!(press(&mut s, KeyCode::Enter), vec![Cmd::WriteMigration]);
    press(&mut s, KeyCode::Esc);
    assert!(s.screen.is_none());

    s.modal = Some(Modal::Welcome { selected: gcp });
    assert_eq!(press(&mut s, KeyCode::Char('g')), vec![Cmd::ReviewServices]);
    let fixed_gcp = std::path::Path::new("target/tui-test-checkout/ops/infra/gcp");
    std::fs::create_dir_all(fixed_gcp).unwrap();
    for entry in std::fs::read_dir(repo.path().join("ops/infra/gcp")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, fixed_gcp.join(p.file_name().unwrap())).unwrap();
    }
    let services = hostwiz::hosts::gcp::services_review::load(
        &hostwiz::hosts::gcp::services_review::Options {
            tf: Some(fixed_gcp.to_path_buf()),
            answers: None,
            enabled: None,
        },
    )
    .unwrap();
    let text = hostwiz::hosts::gcp::services_review::text(
        &hostwiz::hosts::gcp::services_review::review(&services),
    );
    app::update(&mut s, Msg::Services(Ok(text)));
    let shown = screen(&s, 120, 40);
    assert!(
        shown.contains("add to required_project_services"),
        "{shown}"
    );
    insta::assert_snapshot!("gcp-api-screen-120x40", shown);
    insta::assert_snapshot!("gcp-api-screen-80x24", screen(&s, 80, 24));
}
