//! `hostwiz wizard --plain` end to end: the real binary in a pseudo-terminal, answered key by
//! key as an operator would, then compared with what `hostwiz apply` writes for the same answers.
#![cfg(unix)]

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::Test;

const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";
/// Enter: inquire reads keys in raw mode, where `\n` is Ctrl-J and only `\r` is Enter.
const ENTER: &str = "\r";
const BACKSPACE: &str = "\x7f";
const CTRL_C: &str = "\x03";

/// The binary in a pty, with every exchange kept so a failure shows what the screen said.
struct Pty {
    session: OsSession,
    transcript: String,
}

impl Pty {
    fn spawn(home: &Path, args: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hostwiz"));
        cmd.args(args)
            .current_dir(home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm");
        let mut session = Session::spawn(cmd).expect("spawn hostwiz in a pty");
        // Left at the pty's 80x24: resizing while a prompt waits can strand the next keys in
        // crossterm (its resize event hides the input that arrived with it).
        session.set_expect_timeout(Some(Duration::from_secs(10)));
        Self {
            session,
            transcript: String::new(),
        }
    }

    /// Waits for `text` on the screen; the prompt is drawn only once raw mode is on, so keys
    /// sent after it are read as keys, not as a cooked line.
    fn expect(&mut self, text: &str) {
        match self.session.expect(text) {
            Ok(found) => {
                self.transcript.push_str(&plain(found.before()));
                self.transcript
                    .push_str(&plain(found.get(0).unwrap_or_default()));
            }
            Err(e) => {
                let mut rest = [0u8; 65536];
                let n = self.session.try_read(&mut rest).unwrap_or(0);
                panic!(
                    "waiting for {text:?}: {e}\n--- screen so far ---\n{}\n--- unread ---\n{}",
                    self.transcript,
                    plain(&rest[..n])
                );
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send keys");
    }

    /// Answers the prompt that shows `label` with `keys`.
    fn answer(&mut self, label: &str, keys: &str) {
        self.expect(label);
        self.send(keys);
    }

    fn exits_cleanly(self) -> String {
        self.exits_with(0)
    }

    fn exits_with(mut self, code: i32) -> String {
        let rest = self.session.expect(Eof).expect("hostwiz ends");
        self.transcript.push_str(&plain(rest.before()));
        self.transcript
            .push_str(&plain(rest.get(0).unwrap_or_default()));
        let status = self.session.get_process().wait().expect("wait for hostwiz");
        assert!(
            matches!(status, WaitStatus::Exited(_, c) if c == code),
            "{status:?}\n{}",
            self.transcript
        );
        self.transcript
    }
}

/// Terminal output without its escape sequences, for messages and assertions.
fn plain(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                if chars.next() == Some('[') {
                    for c in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                }
            }
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A question's prompt as drawn (`? Label`), its words taken from where the wizard takes them.
/// The startup contract's questions (issue 13), asked between the worker mode and the replicas.
const STARTUP_QUESTIONS: [&str; 8] = [
    "billing.enabled",
    "billing.price_map",
    "secrets.provider",
    "secrets.location",
    "secrets.signing_secret",
    "secrets.keyset_secret",
    "storage.provider",
    "storage.bucket",
];

fn q(key: &str) -> String {
    format!(
        "? {}",
        hostwiz::questions::find(key).expect("a question").label
    )
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn session_files(home: &Path) -> usize {
    std::fs::read_dir(home.join("state/hostwiz/sessions")).map_or(0, |d| d.count())
}

#[test]
fn a_vps_with_a_dedicated_worker_end_to_end() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut w = Pty::spawn(home, &["wizard", "--plain", "--out", "out"]);

    w.answer(&q("host"), &format!("{DOWN}{ENTER}"));
    w.answer(&q("environment"), ENTER);

    // Refused with its reason, then corrected in place.
    w.answer(
        &q("domains.web"),
        &format!("https://app.example.com{ENTER}"),
    );
    w.expect("expected a DNS hostname");
    let typed = "https://app.example.com".len();
    w.send(&format!(
        "{}app.example.com{ENTER}",
        BACKSPACE.repeat(typed)
    ));
    w.answer(&q("domains.api"), &format!("api.example.com{ENTER}"));
    w.answer(&q("domains.tls_email"), &format!("ops@example.com{ENTER}"));

    // Inline with three API processes breaks the billing contract, live. The startup
    // questions between the worker mode and the replicas keep their defaults.
    w.answer(&q("billing.worker"), ENTER);
    for key in STARTUP_QUESTIONS {
        // Secret Manager needs its project off GCP (BOOT-003); the rest keep their defaults.
        let keys = match key {
            "secrets.location" => format!("acme-prod{ENTER}"),
            _ => ENTER.to_string(),
        };
        w.answer(&q(key), &keys);
    }
    w.answer(&q("scale.api_replicas"), &format!("3{ENTER}"));
    w.expect("✗ BILL-004 inline mode with up to 3 API processes");
    w.expect("choose billing worker = dedicated");
    // Esc back to the worker mode, through the startup questions, and change it. Inline asks
    // nothing about the worker (issue 15), so the question after the replicas is the API image.
    w.answer(&q("images.api"), ESC);
    w.answer(&q("scale.api_replicas"), ESC);
    for key in STARTUP_QUESTIONS.iter().rev() {
        w.answer(&q(key), ESC);
    }
    w.answer(&q("billing.worker"), &format!("{DOWN}{ENTER}"));
    w.expect("✓ BILL-004 resolved");
    for key in STARTUP_QUESTIONS {
        w.answer(&q(key), ENTER);
    }
    w.answer(&q("scale.api_replicas"), ENTER);
    w.answer(&q("scale.worker_replicas"), ENTER);
    w.answer(
        &q("images.api"),
        &format!("ghcr.io/acme/starter-api:1.4.0{ENTER}"),
    );
    w.answer(
        &q("images.web"),
        &format!("ghcr.io/acme/starter-web:1.4.0{ENTER}"),
    );
    w.answer(&q("images.worker"), ENTER);

    w.expect("Step 4 of 5: Review");
    // The explicit choice of --generate-secrets, off unless chosen: chosen here.
    w.answer("Generate the random secrets", &format!("y{ENTER}"));
    w.expect("create");
    w.answer("Write 8 files to out?", &format!("y{ENTER}"));
    w.expect("wrote out/docker-compose.worker.yml");
    w.expect("Next:");
    w.expect("hostwiz check out/Caddyfile --env-file out/compose.env");
    w.expect("docker compose -f docker-compose.prod.yml");
    let screen = w.exits_cleanly();
    assert!(!screen.contains('┌') && !screen.contains('│'), "{screen}");
    assert_eq!(
        session_files(home),
        0,
        "a finished wizard leaves no session to resume"
    );

    let written = files(&home.join("out"));
    let answers = String::from_utf8(written["hostwiz.toml"].clone()).unwrap();
    for line in [
        "host = \"vps\"",
        "web = \"app.example.com\"",
        "api = \"api.example.com\"",
        "worker = \"dedicated\"",
        "api_replicas = 3",
    ] {
        assert!(answers.contains(line), "{line} in\n{answers}");
    }

    Test::in_dir(home)
        .args([
            "apply",
            "--answers",
            "out/hostwiz.toml",
            "--out",
            "other",
            "--yes",
        ])
        .run()
        .status(0);
    let applied = files(&home.join("other"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        applied.keys().collect::<Vec<_>>()
    );
    // The generated secrets are in the env file, never on the screen; apply without
    // --generate-secrets writes the same file with them left empty.
    let env = String::from_utf8(written["api.env.local"].clone()).unwrap();
    let mut blanked = String::new();
    for line in env.lines() {
        match line.split_once('=') {
            Some((k, v)) if k == "SECRET_KEY" || k.ends_with("_PEPPER") => {
                assert!(
                    v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()),
                    "{line}"
                );
                assert!(!screen.contains(v), "a generated secret was shown");
                blanked.push_str(&format!("{k}=\n"));
            }
            _ => blanked.push_str(&format!("{line}\n")),
        }
    }
    for (name, bytes) in &written {
        let bytes = match name.as_str() {
            "api.env.local" => blanked.as_bytes(),
            _ => bytes,
        };
        assert!(
            applied[name] == *bytes,
            "{name} differs from what apply writes"
        );
    }
}

/// Issue 15 item 3: Ctrl-C exits 130 on a line of its own, saying the answers are saved and the
/// command that resumes them; the resume reopens at the step the operator left.
#[test]
fn ctrl_c_keeps_the_answers_for_resume() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut w = Pty::spawn(home, &["wizard", "--plain", "--out", "out"]);
    w.answer(&q("host"), &format!("{DOWN}{ENTER}"));
    w.answer(&q("environment"), ENTER);
    w.answer(&q("domains.web"), CTRL_C);
    w.expect("interrupted; answers saved for resume");
    w.expect("`hostwiz wizard --plain --out out`");
    w.expect("resuming needs the same --out");
    let screen = w.exits_with(130);
    assert!(
        screen.contains("\nhostwiz: interrupted;"),
        "the message starts its own line:\n{screen}"
    );
    assert_eq!(session_files(home), 2, "the answers and the step");

    let mut w = Pty::spawn(home, &["wizard", "--plain", "--out", "out"]);
    w.answer("Resume the answers you left unfinished", ENTER);
    // Reopens at the step left (Domains), not at the host question.
    w.expect("Step 2 of");
    w.expect(&q("domains.web"));
    w.send(CTRL_C);
    w.expect("interrupted");
    let screen = w.exits_with(130);
    assert!(!screen.contains(&q("host")), "{screen}");
}

#[test]
fn without_a_terminal_it_points_at_apply() {
    let home = tempfile::tempdir().unwrap();
    let out = Test::in_dir(home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .args(["wizard", "--plain"])
        .stdin("vps\n")
        .run();
    let stderr = out.stderr;
    assert_eq!(out.status, 2, "{stderr}");
    assert!(stderr.contains("needs a terminal"), "{stderr}");
    assert!(stderr.contains("hostwiz apply --answers FILE"), "{stderr}");
}

/// Issue 15 item 2: `wizard --answers F` without `--out` writes beside F, as
/// `apply --answers F` does (the README's re-run updates deploy/prod, not hostwiz-out/prod).
#[test]
fn answers_without_out_are_written_beside_them() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    Test::in_dir(home)
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
    let before = files(&home.join("deploy/prod"));
    let mut w = Pty::spawn(
        home,
        &["wizard", "--plain", "--answers", "deploy/prod/hostwiz.toml"],
    );
    for key in ["host", "environment"] {
        w.answer(&q(key), ENTER);
    }
    // One answer changed, so there is something to write.
    w.answer(&q("domains.web"), &format!("shop.acme.io{ENTER}"));
    w.answer(&q("domains.api"), ENTER);
    w.answer(&q("domains.tls_email"), ENTER);
    // Issue 15 item 7: a VPS does not ask web replicas, and says why.
    w.expect("(Web replicas is not asked here: one server runs one web process");
    w.answer(&q("billing.worker"), ENTER);
    for key in STARTUP_QUESTIONS {
        w.answer(&q(key), ENTER);
    }
    for key in ["scale.api_replicas", "images.api", "images.web"] {
        w.answer(&q(key), ENTER);
    }
    w.expect("Step 4 of 5: Review");
    w.answer("Generate the random secrets", &format!("n{ENTER}"));
    w.answer("files to deploy/prod?", &format!("y{ENTER}"));
    w.expect("wrote deploy/prod/compose.env");
    w.expect("Next:");
    w.expect("less deploy/prod/CHECKLIST.md");
    w.exits_cleanly();
    assert!(!home.join("hostwiz-out").exists(), "nothing in hostwiz-out");
    let env = std::fs::read_to_string(home.join("deploy/prod/compose.env")).unwrap();
    assert!(env.contains("APP_HOST=shop.acme.io"), "{env}");
    let after = files(&home.join("deploy/prod"));
    let after: Vec<_> = after.keys().filter(|k| !k.ends_with(".bak")).collect();
    assert_eq!(
        after,
        before.keys().collect::<Vec<_>>(),
        "the same files, in place"
    );
}

/// Issue 16: Azure in the plain wizard, every question it asks in order. Its cloud step is
/// "Cloud settings" (no GCP API list), and the files written are the ones `apply` writes for
/// the same answers.
#[test]
fn an_azure_deployment_end_to_end() {
    use hostwiz::answers::{Host, RawAnswers};
    use hostwiz::questions::{for_step, Step};

    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut w = Pty::spawn(home, &["wizard", "--plain", "--out", "out"]);
    let azure = Host::ALL.iter().position(|h| *h == Host::Azure).unwrap();
    w.answer(&q("host"), &format!("{}{ENTER}", DOWN.repeat(azure)));

    let mut raw = RawAnswers::default();
    raw.set("host=azure").unwrap();
    let typed: BTreeMap<&str, &str> = BTreeMap::from([
        ("domains.web", "app.acme.io"),
        ("domains.api", "api.acme.io"),
        ("images.api", "ghcr.io/acme/starter-api:1.4.0"),
        ("images.web", "ghcr.io/acme/starter-web:1.4.0"),
        ("storage.provider", "azure_blob"),
        ("azure.storage_account", "acmeprodassets"),
        ("azure.key_vault", "acme-prod-kv"),
    ]);
    for step in Step::all(Some(Host::Azure)) {
        if step == Step::Services {
            w.expect("Cloud settings");
        }
        for question in for_step(step, &raw) {
            let key = question.key;
            if key == "host" {
                continue;
            }
            let keys = match (key, typed.get(key)) {
                // A choice filters its options as typed: the wizard's own default may differ.
                ("secrets.provider", _) => format!("azure_kv{ENTER}"),
                ("azure.blueprint_patched", _) => format!("y{ENTER}"),
                (_, Some(v)) => format!("{v}{ENTER}"),
                (_, None) => ENTER.to_string(),
            };
            w.answer(&q(key), &keys);
        }
    }
    w.expect("Write 4 files to out?");
    w.send(&format!("y{ENTER}"));
    w.expect("wrote out/prod.tfvars");
    w.exits_cleanly();

    let written = files(&home.join("out"));
    let answers = String::from_utf8(written["hostwiz.toml"].clone()).unwrap();
    for line in [
        "host = \"azure\"",
        "blueprint_patched = true",
        "key_vault = \"acme-prod-kv\"",
    ] {
        assert!(answers.contains(line), "{line} in\n{answers}");
    }
    Test::in_dir(home)
        .args([
            "apply",
            "--answers",
            "out/hostwiz.toml",
            "--out",
            "other",
            "--yes",
        ])
        .run()
        .status(0);
    let applied = files(&home.join("other"));
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        applied.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(
            applied[name] == *bytes,
            "{name} differs from what apply writes"
        );
    }
}
