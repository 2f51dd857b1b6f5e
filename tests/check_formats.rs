//! `check --format github|gitlab|junit`: the CI formats hold their shape on a small fixed input
//! (an error, warnings in two files, a suppressed finding, a path that needs escaping), the
//! GitLab report has the Code Quality fields with unique fingerprints, the JUnit XML parses with
//! one testcase per rule and file, and the exit code follows `--fail-on` as for the other formats.

use hostwiz::contracts::{Finding, Severity};
use hostwiz::plan::Origin;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Test;

const DIR: &str = "edge,a:b%";

const CADDYFILE: &str = "{$APP_HOST} {\n\
    \treverse_proxy web:3000\n\
    \treverse_proxy /api/* api:8000 # hostwiz:ignore ROUTE-001 reason=\"legacy <mobile> & clients\" until=2026-12-31\n\
    }\n\
    api.example.com {\n\
    \treverse_proxy api:8000\n\
    }\n\
    www.example.com {\n\
    \treverse_proxy /api/* api:8000\n\
    \treverse_proxy web:3000\n\
    }\n";

const ENV: &str = "APP_HOST=app.example.com\nAPI_HOST=internal.example.com\n";

fn hostwiz(args: &[&str], dir: &Path) -> (i32, String, String) {
    let run = Test::in_dir(dir)
        .args(args)
        .env("HOSTWIZ_TODAY", "2026-11-25")
        .run();
    (run.status, run.stdout, run.stderr)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

/// The fixed input in a temporary folder; `check` runs there so every path is relative.
fn input(caddyfile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &format!("{DIR}/Caddyfile"), caddyfile);
    write(dir.path(), &format!("{DIR}/compose.env"), ENV);
    dir
}

fn check(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let caddyfile = format!("{DIR}/Caddyfile");
    let env = format!("{DIR}/compose.env");
    let mut args = vec!["check", &caddyfile, "--env-file", &env];
    args.extend_from_slice(extra);
    hostwiz(&args, dir)
}

#[test]
fn github_annotations() {
    let dir = input(CADDYFILE);
    let (code, out, err) = check(dir.path(), &["--format", "github"]);
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("check-github", out);
    assert!(
        out.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{out}"
    );
    assert!(
        !out.contains("legacy"),
        "suppressed findings are left out:\n{out}"
    );
}

#[test]
fn gitlab_code_quality() {
    let dir = input(CADDYFILE);
    let (code, out, err) = check(dir.path(), &["--format", "gitlab"]);
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("check-gitlab", out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let items = v.as_array().expect("the report is an array");
    assert_eq!(items.len(), 3, "suppressed findings are left out:\n{out}");
    let mut fingerprints = HashSet::new();
    for item in items {
        let s = |v: &serde_json::Value| v.as_str().filter(|s| !s.is_empty()).is_some();
        assert!(s(&item["description"]), "{item}");
        assert!(s(&item["check_name"]), "{item}");
        assert!(s(&item["fingerprint"]), "{item}");
        assert!(
            ["blocker", "critical", "major", "minor", "info"]
                .contains(&item["severity"].as_str().unwrap_or("")),
            "{item}"
        );
        assert!(s(&item["location"]["path"]), "{item}");
        assert!(
            item["location"]["lines"]["begin"].as_u64().unwrap_or(0) >= 1,
            "{item}"
        );
        assert!(
            fingerprints.insert(item["fingerprint"].as_str().unwrap().to_string()),
            "fingerprints are unique: {out}"
        );
    }
    // Stable: the same input gives the same fingerprints.
    let (_, again, _) = check(dir.path(), &["--format", "gitlab"]);
    assert_eq!(out, again);
}

#[test]
fn junit_report() {
    let dir = input(CADDYFILE);
    let (code, out, err) = check(dir.path(), &["--format", "junit"]);
    assert_eq!(code, 1, "{out}{err}");
    insta::assert_snapshot!("check-junit", out);
    let file = write(dir.path(), "report.xml", &out);
    let parse = Command::new("python3")
        .args([
            "-c",
            "import sys,xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
        ])
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(parse.status.success(), "{parse:?}");
    let list = Command::new("python3")
        .args([
            "-c",
            "import sys,xml.dom.minidom\n\
             d = xml.dom.minidom.parse(sys.argv[1])\n\
             for s in d.getElementsByTagName('testsuite'):\n\
             \x20   for c in s.getElementsByTagName('testcase'):\n\
             \x20       kids = [k.tagName for k in c.childNodes if k.nodeType == k.ELEMENT_NODE]\n\
             \x20       print(s.getAttribute('name'), c.getAttribute('classname'), c.getAttribute('name'), ','.join(kids), sep='\\t')\n",
        ])
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(list.status.success(), "{list:?}");
    let list = String::from_utf8(list.stdout).unwrap();
    let cases: Vec<Vec<&str>> = list.lines().map(|l| l.split('\t').collect()).collect();
    // Answers-only rules (ANS-001) are never a file's test case.
    let rules = hostwiz::contracts::rules()
        .filter(|r| r.judges_files())
        .count();
    let files = [format!("{DIR}/Caddyfile"), format!("{DIR}/compose.env")];
    assert_eq!(cases.len(), rules * files.len(), "{list}");
    let mut seen = HashSet::new();
    for c in &cases {
        assert_eq!(
            c[0], c[1],
            "a testcase's classname is its suite's file: {c:?}"
        );
        assert!(files.iter().any(|f| f == c[1]), "{c:?}");
        assert!(
            seen.insert((c[1], c[2])),
            "one testcase per rule and file: {c:?}"
        );
    }
    let kind = |file: &str, rule: &str| {
        cases
            .iter()
            .find(|c| c[1].ends_with(file) && c[2] == rule)
            .map(|c| c[3])
            .unwrap()
    };
    assert_eq!(kind("Caddyfile", "ROUTE-001"), "failure");
    assert_eq!(kind("Caddyfile", "ROUTE-006"), "failure");
    assert_eq!(kind("compose.env", "ROUTE-006"), "failure");
    assert_eq!(kind("compose.env", "ROUTE-001"), "");
    assert_eq!(kind("Caddyfile", "BILL-001"), "");
    // A rule whose findings in a file are all suppressed is skipped there (with the reason);
    // above, ROUTE-001 also has an active finding in the Caddyfile, so it fails.
    let dir = input(warnings_only());
    let (_, out, _) = check(dir.path(), &["--format", "junit"]);
    assert!(
        out.contains(
            "<testcase name=\"ROUTE-001\" classname=\"edge,a:b%/Caddyfile\">\n      \
             <skipped message=\"suppressed: legacy &lt;mobile&gt; &amp; clients\"/>"
        ),
        "{out}"
    );
    assert!(
        out.contains("failures=\"2\" errors=\"0\" skipped=\"1\""),
        "{out}"
    );
}

/// The input without the `www` site that has the error: only warnings and the suppressed finding.
fn warnings_only() -> &'static str {
    CADDYFILE.split("www.example.com").next().unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = input(warnings_only());
    for format in ["github", "gitlab", "junit"] {
        let (code, out, err) = check(dir.path(), &["--format", format]);
        assert_eq!(code, 0, "{format}: {out}{err}");
        assert!(!out.is_empty(), "{format}");
        let (code, out2, err) = check(dir.path(), &["--format", format, "--fail-on", "warning"]);
        assert_eq!(code, 1, "{format}: {out2}{err}");
        assert_eq!(
            out, out2,
            "{format}: the report does not depend on --fail-on"
        );
    }
    let dir = input(CADDYFILE);
    for format in ["github", "gitlab", "junit"] {
        let (code, _, err) = check(dir.path(), &["--format", format]);
        assert_eq!(code, 1, "{format}: {err}");
        assert!(err.contains("at or above error"), "{format}: {err}");
    }
}

#[test]
fn escaping() {
    let finding = |severity, message: &str, path: &str| Finding {
        rule: "ROUTE-001",
        severity,
        message: message.into(),
        fix: "a, b: 100%".into(),
        origin: Origin::File {
            path: path.into(),
            line: 3,
            column: 7,
        },
        autofix: None,
        suppressed: None,
    };
    let findings = [
        finding(Severity::Error, "50% done\r\nnext: a, b", "a,b:c%d\ne.yaml"),
        finding(Severity::Warning, "w", "w.yaml"),
        finding(Severity::Info, "i", "i.yaml"),
    ];
    let results: Vec<(&str, &[Finding])> = vec![("primary.yaml", &findings)];
    let gh = hostwiz::report::github(&results);
    assert_eq!(
        gh,
        "::error file=a%2Cb%3Ac%25d%0Ae.yaml,line=3,col=7,title=ROUTE-001::50%25 done%0D%0Anext: a, b (fix: a, b: 100%25)\n\
         ::warning file=w.yaml,line=3,col=7,title=ROUTE-001::w (fix: a, b: 100%25)\n\
         ::notice file=i.yaml,line=3,col=7,title=ROUTE-001::i (fix: a, b: 100%25)\n"
    );
    let gl = hostwiz::report::gitlab(&results);
    let sev: Vec<&str> = gl
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sev, ["major", "minor", "info"]);

    // The same finding twice still gets two fingerprints.
    let twice = [findings[1].clone(), findings[1].clone()];
    let gl = hostwiz::report::gitlab(&[("primary.yaml", &twice[..])]);
    assert_ne!(gl[0]["fingerprint"], gl[1]["fingerprint"]);

    let xml = hostwiz::report::junit(&[(
        "<p>&\"q\"",
        &[finding(
            Severity::Error,
            "<x> & \"y\" 'z'\u{1}",
            "<p>&\"q\"",
        )][..],
    )]);
    assert!(
        xml.contains("classname=\"&lt;p&gt;&amp;&quot;q&quot;\""),
        "{xml}"
    );
    assert!(
        xml.contains("message=\"&lt;x&gt; &amp; &quot;y&quot; &apos;z&apos;\""),
        "{xml}"
    );
    assert!(!xml.contains('\u{1}'));
}
