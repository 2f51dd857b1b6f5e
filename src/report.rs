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

/// Where a finding is reported: its own file and line, or, for a documented default, the
/// deployment's first file at line 1.
pub fn location<'a>(f: &'a Finding, primary: &'a str) -> (&'a str, u32, u32) {
    match &f.origin {
        Origin::File { path, line, column } => (path, *line, *column),
        _ => (primary, 1, 1),
    }
}

/// A finding as a linter prints it: `path:line:col: severity RULE-ID message`, then the fix.
pub fn check_text(results: &[(&str, &[Finding])]) -> String {
    let mut s = String::new();
    let mut all = Vec::new();
    for (primary, findings) in results {
        for f in findings.iter() {
            all.push(f.clone());
            if f.suppressed.is_some() {
                continue;
            }
            let (path, line, col) = location(f, primary);
            let _ = writeln!(
                s,
                "{path}:{line}:{col}: {} {} {}",
                f.severity, f.rule, f.message
            );
            if let Origin::Default(what) = &f.origin {
                let _ = writeln!(s, "  from: the default of {what}");
            }
            let _ = writeln!(s, "  fix: {}", f.fix);
        }
    }
    let suppressed = all.iter().filter(|f| f.suppressed.is_some()).count();
    let active: Vec<Finding> = all.into_iter().filter(|f| f.suppressed.is_none()).collect();
    let _ = writeln!(s, "{}, {suppressed} suppressed", summary(&active));
    s
}

pub fn check_json(results: &[(&str, &[Finding])]) -> Value {
    let mut findings = Vec::new();
    let mut counts = [0usize; 4];
    for (primary, fs) in results {
        for f in fs.iter() {
            let (path, line, column) = location(f, primary);
            findings.push(json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "message": f.message,
                "fix": f.fix,
                "file": path,
                "line": line,
                "column": column,
                "suppressed": f.suppressed.is_some(),
            }));
            let i = match (f.suppressed.is_some(), f.severity) {
                (true, _) => 3,
                (false, Severity::Error) => 0,
                (false, Severity::Warning) => 1,
                (false, Severity::Info) => 2,
            };
            counts[i] += 1;
        }
    }
    json!({
        "findings": findings,
        "summary": {"errors": counts[0], "warnings": counts[1], "infos": counts[2], "suppressed": counts[3]},
    })
}

/// SARIF 2.1.0: the rules as the driver's metadata with their help text, every result with a
/// physical location and region, suppressed results marked `inSource` with their reason.
pub fn sarif(results: &[(&str, &[Finding])]) -> Value {
    let rules: Vec<&crate::contracts::Rule> = crate::contracts::rules().collect();
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id.replace('-', ""),
                "shortDescription": {"text": r.rule},
                "fullDescription": {"text": r.why},
                "help": {
                    "text": format!("{}\n\nWhy: {}\n\nFix: {}", r.rule, r.why, r.fix),
                    "markdown": format!("{}\n\n**Why:** {}\n\n**Fix:** {}", r.rule, r.why, r.fix),
                },
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": [r.contract.as_str()]},
            })
        })
        .collect();
    let mut out = Vec::new();
    for (primary, fs) in results {
        for f in fs.iter() {
            let (path, line, column) = location(f, primary);
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": rules.iter().position(|r| r.id == f.rule).unwrap_or(0),
                "level": level(f.severity),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(path)},
                        "region": {"startLine": line, "startColumn": column},
                    }
                }],
            });
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            out.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hostwiz",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": driver_rules,
            }},
            "results": out,
        }],
    })
}

/// A relative path as a SARIF URI reference: forward slashes, spaces and `%` escaped.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
}
