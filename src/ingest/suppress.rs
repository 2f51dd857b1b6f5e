//! In-file suppressions: `hostwiz:ignore RULE-ID reason="…" [until=YYYY-MM-DD]` in a comment on
//! the offending line or the line above, in any format hostwiz reads. A suppression must say
//! why; one past its date stops hiding its finding and says so.

use super::Input;
use crate::contracts::{self, Finding, Severity};
use crate::plan::Origin;

const MARK: &str = "hostwiz:ignore";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub rule: String,
    pub reason: Option<String>,
    /// `(year, month, day)` after which the suppression no longer applies.
    pub until: Option<(i32, u32, u32)>,
    /// What was wrong with the comment itself, if anything.
    pub problem: Option<String>,
}

/// Every suppression comment in a file. Only text after a comment marker (`#` or `//`) counts,
/// so a value that happens to contain the mark is not a suppression.
pub fn scan(input: &Input) -> Vec<Suppression> {
    let mut found = Vec::new();
    // Most files have none: one pass over the whole text instead of one search per line.
    if !input.text.contains(MARK) {
        return found;
    }
    for (i, line) in input.text.lines().enumerate() {
        let Some(at) = line.find(MARK) else { continue };
        let before = &line[..at];
        if !(before.contains('#') || before.contains("//")) {
            continue;
        }
        let rest = &line[at + MARK.len()..];
        let mut s = Suppression {
            path: input.path.clone(),
            line: i as u32 + 1,
            column: at as u32 + 1,
            rule: String::new(),
            reason: None,
            until: None,
            problem: None,
        };
        let rest = rest.trim_start();
        let (rule, mut tail) = rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len()));
        s.rule = rule.to_ascii_uppercase();
        if contracts::rule(&s.rule).is_none() {
            s.problem = Some(format!(
                "names no known rule ({rule:?}); `hostwiz rules` lists them"
            ));
        }
        while let Some((key, value, next)) = attribute(tail) {
            match key {
                "reason" if !value.trim().is_empty() => s.reason = Some(value.to_string()),
                "until" => match date(value) {
                    Some(d) => s.until = Some(d),
                    None => {
                        s.problem = Some(format!("until={value:?} is not a date like 2026-12-31"))
                    }
                },
                _ => {}
            }
            tail = next;
        }
        if s.reason.is_none() && s.problem.is_none() {
            s.problem = Some("has no reason=\"…\": say why the rule does not apply here".into());
        }
        found.push(s);
    }
    found
}

/// `key="value"` or `key=value`, and the text after it.
fn attribute(s: &str) -> Option<(&str, &str, &str)> {
    let s = s.trim_start();
    let (key, rest) = s.split_once('=')?;
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    if let Some(quoted) = rest.strip_prefix('"') {
        let end = quoted.find('"')?;
        Some((key, &quoted[..end], &quoted[end + 1..]))
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        Some((key, &rest[..end], &rest[end..]))
    }
}

fn date(s: &str) -> Option<(i32, u32, u32)> {
    let mut parts = s.splitn(3, '-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Today's date (UTC), or `HOSTWIZ_TODAY=YYYY-MM-DD` when set, for reproducible runs.
pub fn today() -> (i32, u32, u32) {
    if let Some(d) = std::env::var("HOSTWIZ_TODAY")
        .ok()
        .as_deref()
        .and_then(date)
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// Marks the findings that a valid, unexpired suppression covers, notes expired ones, and adds
/// an IGNORE-001 error for every malformed suppression comment.
pub fn apply(findings: &mut Vec<Finding>, suppressions: &[Suppression], today: (i32, u32, u32)) {
    for f in findings.iter_mut() {
        let Origin::File { path, line, .. } = &f.origin else {
            continue;
        };
        let hit = suppressions.iter().find(|s| {
            s.problem.is_none()
                && &s.path == path
                && s.rule == f.rule
                && (s.line == *line || s.line + 1 == *line)
        });
        let Some(s) = hit else { continue };
        match s.until {
            Some(until) if until < today => {
                let (y, m, d) = until;
                f.message.push_str(&format!(
                    " (its suppression at {}:{} expired on {y:04}-{m:02}-{d:02})",
                    s.path, s.line
                ));
            }
            _ => f.suppressed = s.reason.clone(),
        }
    }
    for s in suppressions {
        if let Some(problem) = &s.problem {
            findings.push(
                Finding::new(
                    &contracts::rules::IGNORE_001,
                    Origin::File {
                        path: s.path.clone(),
                        line: s.line,
                        column: s.column,
                    },
                    format!("this hostwiz:ignore {problem}"),
                )
                .severity(Severity::Error),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_comments_in_any_format() {
        let input = Input::new(
            "v.yaml",
            "a: 1 # hostwiz:ignore BILL-004 reason=\"migration phase 1 of 2\" until=2026-12-01\n\
             # hostwiz:ignore route-005\n\
             b: \"hostwiz:ignore BILL-001 reason=x\"\n\
             // hostwiz:ignore NOPE-1 reason=\"x\"\n",
        );
        let s = scan(&input);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].rule, "BILL-004");
        assert_eq!(s[0].reason.as_deref(), Some("migration phase 1 of 2"));
        assert_eq!(s[0].until, Some((2026, 12, 1)));
        assert!(s[0].problem.is_none());
        assert!(s[1].problem.as_deref().unwrap().contains("no reason"));
        assert!(s[2].problem.as_deref().unwrap().contains("no known rule"));
    }

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_597), (2026, 5, 24));
        assert_eq!(date("2026-13-01"), None);
    }
}
