//! The full-screen wizard without a terminal: `update` fed keys, and `view` drawn into a
//! TestBackend and snapshotted, for every step at 80×24 and 120×40.

use crate::ui::session;
use crate::ui::tui::app::{self, Cmd, Modal, Msg, State};
use crate::ui::tui::{strings, view};
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
        resume_step: None,
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
    assert_eq!(
        s.raw.get("host"),
        "azure",
        "left of the first wraps to the last"
    );
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
        ("aws-ecs", "aws"),
        ("azure-container-apps", "azure"),
    ] {
        let mut s = start(Some(preset));
        for step in s.steps() {
            if step == Step::Review || step == Step::Write {
                continue;
            }
            s.step = step;
            s.field = 0;
            snap(
                &format!(
                    "{name}-{}",
                    step.title_for(s.host()).replace(' ', "").replace('&', "-")
                ),
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
    // The explicit choice of --generate-secrets: off until `g`, which previews it again.
    assert!(screen(&s, 120, 30).contains(strings::GENERATE_SECRETS_OFF));
    assert!(!s.generate_secrets);
    assert_eq!(press(&mut s, KeyCode::Char('g')), vec![Cmd::Review]);
    assert!(s.generate_secrets);
    assert!(screen(&s, 120, 30).contains(strings::GENERATE_SECRETS_ON));
    press(&mut s, KeyCode::Char('g'));
    assert!(!s.generate_secrets);
    assert_eq!(press(&mut s, KeyCode::Enter), vec![Cmd::Write]);
    app::update(
        &mut s,
        Msg::Written(Ok(vec!["create out/Caddyfile".into()])),
    );
    assert!(screen(&s, 80, 24).contains("Written. Next:"));
    assert_eq!(press(&mut s, KeyCode::Char('q')), vec![Cmd::Quit]);

    // Secrets in a store (External Secrets): nothing to generate, `g` does nothing.
    let mut eso = start(Some("k8s-single"));
    let a = eso.answers.clone().unwrap();
    let planned =
        hostwiz::write::prepare(&dir.path().join("k8s"), hostwiz::render::render(&a)).unwrap();
    app::update(&mut eso, Msg::Reviewed(Ok(planned)));
    eso.step = Step::Write;
    assert!(press(&mut eso, KeyCode::Char('g')).is_empty());
    assert!(!eso.generate_secrets);
    assert!(!screen(&eso, 120, 30).contains(strings::GENERATE_SECRETS_OFF));

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
    // Esc never quits (issue 15 item 9): on the first step it says how to quit.
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert_eq!(s.modal, None);
    assert!(s.status.as_deref().unwrap().contains("q quits"));
    assert!(press(&mut s, KeyCode::Char('q')).is_empty());
    assert_eq!(s.modal, Some(Modal::ConfirmQuit));
    snap("confirm-quit", &s);
    press(&mut s, KeyCode::Char('n'));
    assert_eq!(s.modal, None);
    assert_eq!(
        app::update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
        ),
        vec![Cmd::SaveSession, Cmd::Interrupt]
    );

    let mut saved = session::blank();
    saved.set("domains.web=saved.example.com").unwrap();
    let mut r = State::new(Start {
        raw: session::blank(),
        out: None,
        resume: Some(saved),
        existing: Vec::new(),
        repo: None,
        resume_step: None,
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
        resume_step: None,
    });
    assert_eq!(s.modal, Some(Modal::Welcome { selected: 0 }));
    press(&mut s, KeyCode::Down);
    let shown = screen(&s, 120, 40);
    assert!(shown.contains("BILL-004"), "{shown}");
    // Issue 15 item 7: the footer shows the welcome screen's keys, not the explain view's.
    assert!(shown.contains(strings::KEYS_WELCOME), "{shown}");
    assert!(!shown.contains(strings::KEYS_MODAL), "{shown}");
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
        ("aws-ecs", "aws"),
        ("azure-container-apps", "azure"),
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
        resume_step: None,
    });
    s.modal = Some(Modal::Welcome { selected: k8s });
    assert!(screen(&s, 120, 40).contains("m migrate this inline deployment"));
    assert_eq!(press(&mut s, KeyCode::Char('m')), vec![Cmd::PlanMigration]);
    // Issue 15 item 7: `m` on the k8s row plans that deployment alone, not the GCP one too.
    let opts = super::migrate_options(&s);
    assert!(opts.repo.is_none());
    assert!(!opts.paths.is_empty());
    assert!(opts
        .paths
        .iter()
        .all(|p| p.starts_with(repo.path().join("ops/charts/starter"))));
    let planned = hostwiz::migrate::plan(&opts).unwrap();
    // Issue 15 item 10: MIGRATION.md draws each phase's topology.
    let guide = planned
        .files
        .iter()
        .find(|f| f.path == hostwiz::migrate::GUIDE)
        .unwrap();
    assert_eq!(
        guide.contents.matches("```mermaid").count(),
        2,
        "{}",
        guide.contents
    );
    assert!(guide
        .contents
        .contains("worker[\"worker × 1 · owns retries + replay\"]"));
    assert!(
        planned.files.iter().all(|f| !f.path.ends_with(".tfvars")),
        "{:?}",
        planned.files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );

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

/// Issue 15 item 1: the panel judges from the first answer on and never shows ✓ for a rule
/// whose inputs are missing, nor disagrees with the hint on screen.
#[test]
fn the_panel_is_never_falsely_green() {
    let mut s = start(None);
    let blank = screen(&s, 120, 40);
    assert!(blank.contains("⋯ ROUTE-001"), "{blank}");
    assert!(!blank.contains("✓ ROUTE-"), "{blank}");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.step, Step::Scale);
    focus(&mut s, "scale.api_replicas");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Backspace);
    type_text(&mut s, "3");
    press(&mut s, KeyCode::Enter);
    assert!(s.hint().unwrap().contains("dedicated"));
    let inline = screen(&s, 120, 40);
    assert!(inline.contains("✗ BILL-004"), "{inline}");
    shift_tab(&mut s);
    focus(&mut s, "domains.api");
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "api acme.io");
    let typing = screen(&s, 120, 40);
    assert!(typing.contains("⋯ ROUTE-003"), "{typing}");
}

/// Issue 15 item 9: a panel title that does not fit ends with `…`, never mid-word without a mark.
#[test]
fn cut_panel_titles_end_with_an_ellipsis() {
    let s = start(Some("k8s-single"));
    for width in [80, 100] {
        let text = screen(&s, width, 30);
        let row = text
            .lines()
            .find(|l| l.contains("ROUTE-004"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            row.contains("no public API") || row.contains('…'),
            "{width}: {row}"
        );
    }
}

/// Issue 15 item 5: on gcp the API host is required: its help says so, and leaving it empty
/// fails ROUTE-007 live, at the field, on the Domains step rather than at the end.
#[test]
fn the_gcp_api_host_is_required_at_its_field() {
    let mut s = start(Some("gcp-cloud-run"));
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.step, Step::Domains);
    focus(&mut s, "domains.api");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::End);
    for _ in 0..60 {
        press(&mut s, KeyCode::Backspace);
    }
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.raw.get("domains.api"), "");
    let text = screen(&s, 120, 40);
    assert!(text.contains("Required on gcp"), "{text}");
    assert!(text.contains("✗ ROUTE-007"), "{text}");
    assert!(s.findings_for("domains.api").any(|f| f.rule == "ROUTE-007"));
}

/// Issue 15 item 7: the preview scrolls sideways to its wide lines, and PgDn stops with the last
/// line on screen instead of scrolling into blank space.
#[test]
fn the_preview_scrolls_to_its_ends_and_no_further() {
    let mut s = start(Some("k8s-ha-worker"));
    s.out = Some("no-such-folder/out".into());
    let a = s.answers.clone().unwrap();
    let planned =
        hostwiz::write::prepare(s.out.as_deref().unwrap(), hostwiz::render::render(&a)).unwrap();
    s.step = Step::Review;
    app::update(&mut s, Msg::Reviewed(Ok(planned)));
    app::update(&mut s, Msg::Resize(80, 24));
    let checklist = s
        .review
        .iter()
        .position(|p| p.file.path == "CHECKLIST.md")
        .unwrap();
    s.selected_file = checklist;
    let last = s.review[checklist]
        .file
        .contents
        .lines()
        .last()
        .unwrap()
        .to_string();
    for _ in 0..200 {
        press(&mut s, KeyCode::PageDown);
    }
    let (down, right) = crate::ui::tui::widgets::review::scroll_limits(&s);
    assert_eq!(s.scroll, down);
    let text = screen(&s, 80, 24);
    let tail: String = last.chars().take(20).collect();
    assert!(
        text.contains(&tail),
        "the last line {last:?} is on screen:\n{text}"
    );
    assert!(right > 0, "CHECKLIST.md has lines wider than the pane");
    assert!(text.contains("←→ for wide lines"), "{text}");
    for _ in 0..200 {
        press(&mut s, KeyCode::Right);
    }
    assert_eq!(s.hscroll, right);
    press(&mut s, KeyCode::Home);
    assert_eq!((s.scroll, s.hscroll), (0, 0));
}

/// Issue 15 item 7: starting from a Compose checkout takes the images and the ACME e-mail from
/// `ops/compose/.env`, not only what the plan says.
#[test]
fn starting_from_a_compose_checkout_reads_its_env_file() {
    let repo = tempfile::tempdir().unwrap();
    let compose = repo.path().join("ops/compose");
    std::fs::create_dir_all(compose.join("caddy")).unwrap();
    let a = source::load(&Source::Preset("vps-single".into()), &[]).unwrap();
    let mut env = String::new();
    for f in hostwiz::render::render(&a) {
        if f.path == "Caddyfile" {
            std::fs::write(compose.join("caddy/Caddyfile"), &f.contents).unwrap();
        } else if f.path == "compose.env" {
            env = f.contents.clone();
        }
    }
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/compose/docker-compose.prod.yml");
    std::fs::copy(base, compose.join("docker-compose.prod.yml")).unwrap();
    // The operator's own values, after what hostwiz would write (later lines win).
    env.push_str(
        "API_IMAGE=r.acme.io/api:7.1\nWEB_IMAGE=r.acme.io/web:7.1\nCADDY_EMAIL=ops@acme.io\n",
    );
    std::fs::write(compose.join(".env"), env).unwrap();
    let existing = crate::ui::wizard::existing(repo.path(), &session::blank()).unwrap();
    let vps = existing
        .iter()
        .find(|e| e.host.as_str() == "vps")
        .unwrap_or_else(|| panic!("{existing:?}"));
    assert_eq!(vps.answers.get("images.api"), "r.acme.io/api:7.1");
    assert_eq!(vps.answers.get("images.web"), "r.acme.io/web:7.1");
    assert_eq!(vps.answers.get("domains.tls_email"), "ops@acme.io");
}

/// Issue 15 item 10: the topology pane draws one box per process with its replicas and what it
/// does with billing.
#[test]
fn the_topology_draws_a_box_per_process() {
    let mut s = start(Some("k8s-ha-worker"));
    s.step = Step::Scale;
    let text = screen(&s, 120, 40);
    for part in ["┌web ×2–3", "┌api ×2–3", "┌worker ×1", "flags off", "BFF"] {
        assert!(text.contains(part), "{part}:\n{text}");
    }
}

/// Issue 14 item 8: a value holding `ESC[3A ESC[J`, a carriage return and a bidi override.
const HOSTILE: &str = "a\u{1b}[3A\u{1b}[J\r\u{202e}b";
/// How every pane shows it: escaped, as text.
const HOSTILE_SHOWN: &str = "a\\x1b[3A\\x1b[J\\x0d\\u202eb";

/// The screen holds no raw control character and shows `HOSTILE` escaped.
fn assert_escaped(shown: &str, screen: &str) {
    assert!(
        !shown.contains(['\u{1b}', '\r', '\u{202e}', '\u{9b}']),
        "{screen}: {shown:?}"
    );
    assert!(shown.contains(HOSTILE_SHOWN), "{screen}:\n{shown}");
}

/// Issue 14 item 8: an answer typed or loaded with control characters is shown escaped where
/// the wizard draws it: its field, the reason it is refused, the panel, the review's header.
#[test]
fn a_hostile_answer_is_shown_escaped_on_every_screen() {
    let mut s = start(Some("k8s-ha-worker"));
    s.raw.set(&format!("domains.web={HOSTILE}")).unwrap();
    s.evaluate();
    s.step = Step::Domains;
    focus(&mut s, "domains.web");
    assert_escaped(&screen(&s, 120, 40), "domains step");
    assert!(!screen(&s, 80, 24).contains('\u{1b}'));
    // While it is edited, the buffer is drawn the same way.
    press(&mut s, KeyCode::Enter);
    assert!(s.edit.is_some());
    assert_escaped(&screen(&s, 120, 40), "editing");
    press(&mut s, KeyCode::Esc);
    s.step = Step::Review;
    app::update(&mut s, Msg::Reviewed(Ok(Vec::new())));
    let review = screen(&s, 120, 40);
    assert!(!review.contains(['\u{1b}', '\r', '\u{202e}']), "{review:?}");
    // A status line (an error the wizard reports) passes through the same place.
    s.status = Some(format!("cannot write {HOSTILE}"));
    assert_escaped(&screen(&s, 120, 40), "status");
}

/// Issue 14 item 8: a checkout whose values file holds a hostile host: the welcome screen's
/// findings and labels, and the answers started from it, are shown escaped.
#[test]
fn a_hostile_checkout_is_shown_escaped_from_the_welcome_on() {
    let repo = tempfile::tempdir().unwrap();
    let chart = repo.path().join("ops/charts/starter");
    std::fs::create_dir_all(&chart).unwrap();
    let a = source::load(&Source::Preset("k8s-ha-worker".into()), &[]).unwrap();
    for f in hostwiz::render::render(&a) {
        if f.path.starts_with("values-") {
            // YAML's own escapes in the double-quoted host, the file itself plain text; the
            // TLS hosts keep the old name, so the finding on the Ingress names the host.
            let hostile = f
                .contents
                .replacen("app.example.com", r"a\e[3A\e[J\r\u202eb", 1);
            std::fs::write(chart.join("values.prod.yaml"), hostile).unwrap();
        }
    }
    std::fs::write(chart.join("values.yaml"), "# chart defaults\n").unwrap();
    let existing = crate::ui::wizard::existing(repo.path(), &session::blank()).unwrap();
    let mut s = State::new(Start {
        raw: session::blank(),
        out: None,
        resume: None,
        existing,
        repo: None,
        resume_step: None,
    });
    assert_eq!(s.modal, Some(Modal::Welcome { selected: 0 }));
    assert_escaped(&screen(&s, 120, 40), "welcome");
    assert!(!screen(&s, 80, 24).contains('\u{1b}'));
    // Started from it, the host is not taken (not a hostname), and nothing raw is drawn.
    press(&mut s, KeyCode::Enter);
    s.step = Step::Domains;
    let domains = screen(&s, 120, 40);
    assert!(
        !domains.contains(['\u{1b}', '\r', '\u{202e}']),
        "{domains:?}"
    );
}
