//! With a `caddy` binary, Caddy's own config (`caddy adapt`) decides where a Caddyfile sends
//! each request: the tricky forms around `/api` get an exact verdict (never "cannot tell"),
//! each finding at the Caddyfile line that proxies there; a file Caddy refuses is an error with
//! Caddy's reason; a caddy that cannot be run leaves the reader to judge, and the report says
//! so once.

use crate::support::validators;
use crate::test::Test;
use std::path::PathBuf;

/// The exact findings with caddy: (rule, line), every one an error.
type Expected = &'static [(&'static str, u64)];

/// Each case: its name, the Caddyfile, and what caddy's verdict gives.
const CASES: &[(&str, &str, Expected)] = &[
    ("path_regexp", "app.example.com {\n\t@api path_regexp ^/api\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 4)]),
    ("not path", "app.example.com {\n\t@web not path /api*\n\thandle @web {\n\t\treverse_proxy web:3000\n\t}\n\thandle {\n\t\treverse_proxy api:8000\n\t}\n}\n", &[("ROUTE-001", 7)]),
    ("substring path", "app.example.com {\n\t@api path */api/*\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 4)]),
    ("rewrite into the API route", "app.example.com {\n\trewrite /api* /backend\n\thandle /backend* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 4)]),
    ("handle /api/* before /api*", "app.example.com {\n\thandle /api/* {\n\t\treverse_proxy web:3000\n\t}\n\thandle /api* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 6)]),
    ("two-path matcher", "app.example.com {\n\t@a path /x /api*\n\thandle /api/* {\n\t\treverse_proxy web:3000\n\t}\n\thandle @a {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 7)]),
    ("https and http", "https://app.example.com {\n\treverse_proxy web:3000\n}\nhttp://app.example.com {\n\treverse_proxy api:8000\n}\n", &[("ROUTE-001", 5), ("ROUTE-002", 5)]),
    ("http and https", "http://app.example.com {\n\treverse_proxy api:8000\n}\nhttps://app.example.com {\n\treverse_proxy web:3000\n}\n", &[("ROUTE-001", 2), ("ROUTE-002", 2)]),
    ("rewrite away from the API route", "app.example.com {\n\trewrite /api* /app\n\thandle /api* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[]),
    ("heredoc mentions reverse_proxy", "app.example.com {\n\trespond /notes <<TXT\n\t\treverse_proxy /api* api:8000\n\t\tTXT 200\n\treverse_proxy web:3000\n}\n", &[]),
    ("quoted brace", "app.example.com {\n\theader X-Brace \"{\"\n\treverse_proxy web:3000\n}\n", &[]),
    ("top-level snippet import", "(site) {\n\tapp.example.com {\n\t\treverse_proxy web:3000\n\t}\n}\nimport site\n", &[]),
    ("named route", "&(web) {\n\treverse_proxy web:3000\n}\napp.example.com {\n\tinvoke web\n}\n", &[]),
    ("named route to the API", "&(api) {\n\treverse_proxy api:8000\n}\napp.example.com {\n\thandle /api* {\n\t\tinvoke api\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 2)]),
    ("the starter before its remediation, APP_HOST unset", "{$APP_HOST} {\n\t@api path /api /api/*\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n", &[("ROUTE-001", 4)]),
];

fn caddy() -> Option<PathBuf> {
    validators::require("caddy")
}

/// `check Caddyfile --caddy CADDY --format json` in a folder of its own: exit code, the
/// (rule, severity, line) of each finding, and standard error.
fn judged(caddy: &std::path::Path, text: &str) -> (i32, Vec<(String, String, u64)>, String) {
    let run = Test::new()
        .file("Caddyfile", text)
        .env("PATH", "/usr/bin:/bin")
        .args(["check", "Caddyfile", "--format", "json", "--caddy"])
        .args([caddy])
        .run();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    let findings = json["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    (run.status, findings, run.stderr)
}

#[test]
fn with_caddy_every_tricky_form_gets_an_exact_verdict_at_its_line() {
    let Some(caddy) = caddy() else { return };
    for (name, text, expected) in CASES {
        let (status, found, stderr) = judged(&caddy, text);
        let expected: Vec<(String, String, u64)> = expected
            .iter()
            .map(|(rule, line)| (rule.to_string(), "error".to_string(), *line))
            .collect();
        assert_eq!(found, expected, "{name}: {stderr}");
        assert_eq!(status, if expected.is_empty() { 0 } else { 1 }, "{name}");
        assert!(!stderr.contains("note:"), "{name}: {stderr}");
    }
}

#[test]
fn a_file_caddy_refuses_is_an_error_with_caddys_reason() {
    let Some(caddy) = caddy() else { return };
    let run = Test::new()
        .file(
            "Caddyfile",
            "app.example.com {\n\treverse_proxy web:3000 {\n\t\tbogus\n\t}\n}\n",
        )
        .args(["check", "Caddyfile", "--caddy"])
        .args([&caddy])
        .run()
        .status(2);
    assert!(
        run.stderr.contains(
            "Caddyfile:3:1: caddy adapt refuses it: parsing caddyfile tokens for \
             'reverse_proxy': unrecognized subdirective bogus, at Caddyfile:3"
        ),
        "{}",
        run.stderr
    );
    // Caddy's message is escaped like every text from a file.
    let run = Test::new()
        .file(
            "Caddyfile",
            "app.example.com {\n\tbad\u{1b}[2Jdirective\n}\n",
        )
        .args(["check", "Caddyfile", "--caddy"])
        .args([&caddy])
        .run()
        .status(2);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    assert!(run.stderr.contains("\\x1b[2J"), "{}", run.stderr);
}

#[test]
fn imports_resolve_beside_the_caddyfile_and_hostwiz_caddy_is_honoured() {
    let Some(caddy) = caddy() else { return };
    // A relative --caddy is relative to where hostwiz runs, not to the Caddyfile's folder.
    let t = Test::new().file(
        "ops/compose/caddy/Caddyfile",
        "app.example.com {\n\treverse_proxy /api/* api:8000\n\treverse_proxy web:3000\n}\n",
    );
    std::fs::create_dir_all(t.path("bin")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&caddy, t.path("bin/caddy")).unwrap();
    let run = t
        .env("PATH", "/usr/bin:/bin")
        .args([
            "check",
            "ops/compose/caddy/Caddyfile",
            "--caddy",
            "bin/caddy",
        ])
        .run()
        .status(1);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    Test::new()
        .file(
            "ops/compose/caddy/Caddyfile",
            "app.example.com {\n\timport routes/*.caddy\n\treverse_proxy web:3000\n}\n",
        )
        .file(
            "ops/compose/caddy/routes/api.caddy",
            "handle /api/* {\n\treverse_proxy api:8000\n}\n",
        )
        .env("PATH", "/usr/bin:/bin")
        .env("HOSTWIZ_CADDY", &caddy)
        .args(["check", "ops/compose/caddy/Caddyfile"])
        .run()
        .status(1)
        .stdout_has("ops/compose/caddy/Caddyfile:2:2: error ROUTE-001 /api/ on app.example.com");
}

#[test]
fn a_caddy_that_cannot_run_leaves_the_reader_to_judge_and_says_so() {
    let text = CASES[0].1; // path_regexp: the reader cannot tell
    let run = Test::new()
        .file("Caddyfile", text)
        .env("PATH", "/usr/bin:/bin")
        .args(["check", "Caddyfile", "--caddy", "/nonexistent/caddy"])
        .run()
        .status(0)
        .stdout_has("info ROUTE-001 cannot tell where /api on app.example.com goes");
    assert_eq!(run.stderr.matches("note:").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("caddy could not be run"),
        "{}",
        run.stderr
    );
    let run = Test::new()
        .file("Caddyfile", text)
        .env("PATH", "/usr/bin:/bin")
        .env("HOSTWIZ_CADDY", "")
        .args(["check", "Caddyfile"])
        .run()
        .status(0);
    assert!(
        run.stderr
            .starts_with("note: caddy not found (--caddy, HOSTWIZ_CADDY or PATH)"),
        "{}",
        run.stderr
    );
}

#[test]
fn reports_judged_by_caddy() {
    let Some(caddy) = caddy() else { return };
    for (name, snap) in [
        ("handle /api/* before /api*", "caddy-adapted-handle-order"),
        ("https and http", "caddy-adapted-two-schemes"),
    ] {
        let text = CASES.iter().find(|c| c.0 == name).unwrap().1;
        let run = Test::new()
            .file("Caddyfile", text)
            .env("PATH", "/usr/bin:/bin")
            .args(["check", "Caddyfile", "--caddy"])
            .args([&caddy])
            .run()
            .status(1);
        insta::assert_snapshot!(snap, run.stdout);
    }
}
