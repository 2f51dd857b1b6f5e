//! Terminal injection (issue 14, item 8): a control character read from a file or given on the
//! command line is shown escaped in every text output, never sent to the terminal, where
//! `ESC[3A ESC[J` would erase the lines above it.

use crate::Test;

const ESC: char = '\u{1b}';

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(ESC) && !text.contains('\u{9b}'),
        "{what} holds a raw control character: {text:?}"
    );
}

#[test]
fn a_host_with_escape_sequences_is_printed_escaped() {
    let values =
        "ingress:\n  enabled: true\n  hosts:\n    - host: \"app\\e[3A\\e[J.example.com\"\n";
    for format in ["text", "github", "junit"] {
        let run = Test::new()
            .file("values-prod.yaml", values)
            .args(["check", "values-prod.yaml", "--format", format])
            .run();
        assert_clean(&format!("check --format {format} stdout"), &run.stdout);
        assert_clean(&format!("check --format {format} stderr"), &run.stderr);
        if format == "text" {
            assert!(run.stdout.contains("\\x1b[3A"), "{}", run.stdout);
        }
    }
}

#[test]
fn unknown_set_keys_are_echoed_escaped() {
    let key = format!("{ESC}[3A{ESC}[Jevil=1");
    let run = Test::new()
        .args([
            "apply",
            "--preset",
            "k8s-single",
            "--dry-run",
            "--out",
            "o",
            "--set",
            &key,
        ])
        .run()
        .status(2);
    assert_clean("stderr", &run.stderr);
    assert!(run.stderr.contains("\\x1b[3A"), "{}", run.stderr);
}

#[test]
fn json_reports_stay_valid_and_mean_the_same_value() {
    let values =
        "ingress:\n  enabled: true\n  hosts:\n    - host: \"app\\u202e\\u009b.example.com\"\n";
    for format in ["json", "sarif"] {
        let run = Test::new()
            .file("values-prod.yaml", values)
            .args(["check", "values-prod.yaml", "--format", format])
            .run();
        assert_clean(format, &run.stdout);
        let json = run.json();
        assert!(
            json.to_string().contains("app\u{202e}\u{9b}.example.com"),
            "{format}: {json}"
        );
    }
}
