//! Findings as text (a linter's `where: severity RULE-ID message` and the fix) and as JSON.

use crate::contracts::{Finding, Severity};
use crate::plan::Origin;
use serde_json::{json, Value};
use std::fmt::Write as _;

pub fn text(findings: &[Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let _ = writeln!(s, "{}: {} {} {}", f.origin, f.severity, f.rule, f.message);
        let _ = writeln!(s, "  fix: {}", f.fix);
    }
    s
}

/// One line that counts findings by severity, e.g. `1 error, 2 warnings, 0 infos`.
pub fn summary(findings: &[Finding]) -> String {
    let n = |sev| findings.iter().filter(|f| f.severity == sev).count();
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}",
        plural(n(Severity::Error), "error"),
        plural(n(Severity::Warning), "warning"),
        plural(n(Severity::Info), "info")
    )
}

pub fn finding_json(f: &Finding) -> Value {
    let mut v = json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "message": f.message,
        "fix": f.fix,
    });
    let obj = v.as_object_mut().expect("built as an object");
    match &f.origin {
        Origin::Answer(key) => {
            obj.insert("answer".into(), json!(key));
        }
        Origin::File { path, line, column } => {
            obj.insert("file".into(), json!(path));
            obj.insert("line".into(), json!(line));
            obj.insert("column".into(), json!(column));
        }
        Origin::Default(what) => {
            obj.insert("default".into(), json!(what));
        }
    }
    v
}

pub fn findings_json(findings: &[Finding]) -> Value {
    Value::Array(findings.iter().map(finding_json).collect())
}
