//! Findings as text (a linter's `where: severity RULE-ID message` and the fix) and as JSON.

use crate::contracts::{Finding, Severity};
use crate::plan::Origin;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// `s` with every control character but newline and tab written as an escape (`\x1b`,
/// `\u009b`), and the bidirectional overrides too: a value read from a file (`ESC[3A ESC[J`)
/// must not move the cursor, erase lines or reorder text in the terminal that shows it.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    // Reports are mostly printable ASCII, checked a byte at a time (which the compiler
    // vectorizes); characters are decoded only when there is something else.
    let printable = |b: u8| matches!(b, b' '..=b'~' | b'\n' | b'\t');
    if s.bytes().all(printable) || !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if hidden(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // JSON's own escape, so a JSON report stays valid and means the same value.
            c if hidden(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

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
    let mut count = [0usize; 3];
    for f in findings {
        count[f.severity as usize] += 1;
    }
    counted(count)
}

/// `1 error, 2 warnings, 0 infos` of the counts by severity (info, warning, error).
fn counted(count: [usize; 3]) -> String {
    let plural = |k: usize, word: &str| format!("{k} {word}{}", if k == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}",
        plural(count[Severity::Error as usize], "error"),
        plural(count[Severity::Warning as usize], "warning"),
        plural(count[Severity::Info as usize], "info")
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
    let mut text = CheckText::default();
    for (primary, findings) in results {
        text.add(primary, findings);
    }
    text.finish()
}

/// [`check_text`] a deployment at a time, so `check` writes each deployment's lines while
/// the next ones are judged instead of all of them after the last.
#[derive(Default)]
pub struct CheckText {
    text: String,
    /// Active findings by severity (info, warning, error), and the suppressed ones.
    count: [usize; 3],
    suppressed: usize,
}

impl CheckText {
    pub fn add(&mut self, primary: &str, findings: &[Finding]) {
        let s = &mut self.text;
        for f in findings {
            if f.suppressed.is_some() {
                self.suppressed += 1;
                continue;
            }
            self.count[f.severity as usize] += 1;
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

    /// The lines and the summary.
    pub fn finish(mut self) -> String {
        let summary = counted(self.count);
        let _ = writeln!(self.text, "{summary}, {} suppressed", self.suppressed);
        self.text
    }
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
    let rules: &[&crate::contracts::Rule] = &crate::contracts::rules::ALL;
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
                "level": level(f.severity),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(path)},
                        "region": {"startLine": line, "startColumn": column},
                    }
                }],
            });
            // Every finding a check builds names a rule of the table, so its index is there.
            if let Some(i) = rules.iter().position(|r| r.id == f.rule) {
                result["ruleIndex"] = json!(i);
            }
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

/// GitHub Actions workflow commands, one per active finding:
/// `::error file=…,line=…,col=…,title=RULE-ID::message (fix: …)`, with `warning` and `notice`
/// for the other severities. Suppressed findings are left out.
pub fn github(results: &[(&str, &[Finding])]) -> String {
    let mut s = String::new();
    for (primary, findings) in results {
        for f in findings.iter().filter(|f| f.suppressed.is_none()) {
            let (path, line, col) = location(f, primary);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let _ = writeln!(
                s,
                "::{command} file={},line={line},col={col},title={}::{}",
                gh_property(path),
                gh_property(f.rule),
                gh_data(&format!("{} (fix: {})", f.message, f.fix))
            );
        }
    }
    s
}

/// A workflow command's message, escaped as the runner unescapes it.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: the message escapes plus `:` and `,`.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitLab Code Quality report: an array of issues with a stable fingerprint (a hash of rule,
/// path, line and message; a repeat of the same finding gets its occurrence number mixed in).
/// Suppressed findings are left out.
pub fn gitlab(results: &[(&str, &[Finding])]) -> Value {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (primary, findings) in results {
        for f in findings.iter().filter(|f| f.suppressed.is_none()) {
            let (path, line, _) = location(f, primary);
            let key = format!("{}\0{path}\0{line}\0{}", f.rule, f.message);
            let mut fingerprint = fingerprint(&key);
            let mut n = 1u32;
            while !seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint = self::fingerprint(&format!("{key}\0{n}"));
            }
            let severity = match f.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            out.push(json!({
                "description": format!("{} (fix: {})", f.message, f.fix),
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": {"path": path, "lines": {"begin": line}},
            }));
        }
    }
    Value::Array(out)
}

/// 128 bits of two FNV-1a 64 hashes (different offsets) as 32 hex digits: stable across runs,
/// platforms and versions, unlike `std`'s hasher.
fn fingerprint(key: &str) -> String {
    let fnv = |offset: u64| {
        key.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016x}{:016x}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// JUnit XML: one `<testsuite>` per input file (each deployment's primary file, then the other
/// files its findings point at), one `<testcase name="RULE-ID" classname="path">` per rule and
/// file. A rule with active findings in that file fails with their text; one whose findings
/// there are all suppressed is `<skipped/>`; otherwise it passed.
pub fn junit(results: &[(&str, &[Finding])]) -> String {
    // The rules files can break: an answers-only rule (ANS-001) is never a test case of a file.
    let rules: Vec<&crate::contracts::Rule> = crate::contracts::rules::ALL
        .iter()
        .copied()
        .filter(|r| r.judges_files())
        .collect();
    let located: Vec<(&Finding, (&str, u32, u32))> = results
        .iter()
        .flat_map(|(primary, fs)| fs.iter().map(move |f| (f, location(f, primary))))
        .collect();
    let mut files: Vec<&str> = Vec::new();
    for p in results.iter().flat_map(|(primary, fs)| {
        std::iter::once(*primary).chain(fs.iter().map(|f| location(f, primary).0))
    }) {
        if !files.contains(&p) {
            files.push(p);
        }
    }
    let mut total = [0usize; 3];
    let mut suites = String::new();
    for path in &files {
        let found: Vec<(&Finding, u32, u32)> = located
            .iter()
            .filter(|(_, (p, _, _))| p == path)
            .map(|(f, (_, line, col))| (*f, *line, *col))
            .collect();
        let mut cases = String::new();
        let (mut failures, mut skipped) = (0, 0);
        for r in &rules {
            let mine: Vec<_> = found.iter().filter(|(f, _, _)| f.rule == r.id).collect();
            let active: Vec<_> = mine
                .iter()
                .filter(|(f, _, _)| f.suppressed.is_none())
                .collect();
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(r.id),
                xml(path)
            );
            if let Some(worst) = active.iter().map(|(f, _, _)| f.severity).max() {
                failures += 1;
                let message = match active.as_slice() {
                    [(f, _, _)] => f.message.clone(),
                    many => format!("{} findings", many.len()),
                };
                let mut body = String::new();
                for (f, line, col) in &active {
                    let _ = writeln!(
                        body,
                        "{path}:{line}:{col}: {} {} {}\n  fix: {}",
                        f.severity, f.rule, f.message, f.fix
                    );
                }
                let _ = writeln!(
                    cases,
                    "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                    xml(&message),
                    worst.as_str(),
                    xml(&body)
                );
            } else if let Some((f, _, _)) = mine.first() {
                skipped += 1;
                let reason = f.suppressed.as_deref().unwrap_or_default();
                let _ = writeln!(
                    cases,
                    "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                    xml(&format!("suppressed: {reason}"))
                );
            } else {
                let _ = writeln!(cases, "{open}/>");
            }
        }
        total[0] += rules.len();
        total[1] += failures;
        total[2] += skipped;
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            xml(path),
            rules.len()
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hostwiz check\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n{suites}</testsuites>\n",
        total[0], total[1], total[2]
    )
}

/// Text for an XML attribute or element: the five markup characters escaped, characters XML 1.0
/// cannot hold at all dropped, other control characters kept as character references.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape_controls("a\u{1b}[3A\u{1b}[Jb"), "a\\x1b[3A\\x1b[Jb");
        assert_eq!(
            escape_controls("x\ry\u{7f}\u{9b}\u{202e}"),
            "x\\x0dy\\x7f\\u009b\\u202e"
        );
        assert_eq!(escape_controls("line\n\tindented ü"), "line\n\tindented ü");
    }
}
