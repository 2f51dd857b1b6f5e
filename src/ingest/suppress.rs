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

/// Every suppression comment in a file. Only a real comment counts: a `#` or `//` that starts
/// a line or follows a space, outside quotes, and not on a line of a YAML block scalar (`|`,
/// `>`) or a heredoc (`<<EOF`), where it is text of a value. So a value that happens to
/// contain the mark (`image: "x # hostwiz:ignore …"`) suppresses nothing.
pub fn scan(input: &Input) -> Vec<Suppression> {
    let mut found = Vec::new();
    // Most files have none: one pass over the whole text instead of one search per line.
    if !input.text.contains(MARK) {
        return found;
    }
    let mut inside = Inside::Nothing;
    for (i, line) in input.text.lines().enumerate() {
        let comment = match inside.step(line) {
            true => None,
            false => comment_start(line),
        };
        let Some(at) = comment.and_then(|c| line[c..].find(MARK).map(|m| c + m)) else {
            continue;
        };
        let rest = &line[at + MARK.len()..];
        let mut s = Suppression {
            path: input.path.clone(),
            line: input.line(i as u32 + 1),
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

/// A multi-line value the scan is in: its lines are text, never comments.
enum Inside {
    Nothing,
    /// A YAML block scalar, and the indentation of the line that opened it.
    Block(usize),
    /// A heredoc and the word that ends it.
    Heredoc(String),
}

impl Inside {
    /// Reads `line`; whether it is part of a multi-line value.
    fn step(&mut self, line: &str) -> bool {
        let indent = line.len() - line.trim_start().len();
        match self {
            Inside::Block(parent) if line.trim().is_empty() || indent > *parent => return true,
            Inside::Heredoc(end) => {
                if line.trim() == end {
                    *self = Inside::Nothing;
                }
                return true;
            }
            _ => *self = Inside::Nothing,
        }
        let code = &line[..comment_start(line).unwrap_or(line.len())];
        let code = code.trim_end();
        let last = code.rsplit(char::is_whitespace).next().unwrap_or("");
        let before_last = code[..code.len() - last.len()].trim_end();
        let block = last.starts_with(['|', '>'])
            && last[1..]
                .bytes()
                .all(|b| b == b'-' || b == b'+' || b.is_ascii_digit())
            && (before_last.ends_with(':') || before_last.ends_with('-') || before_last.is_empty());
        if block {
            *self = Inside::Block(indent);
        } else if let Some(at) = code.find("<<") {
            let word = code[at + 2..].trim_start_matches(['-', '~']);
            let word = word.trim_matches('"');
            if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                *self = Inside::Heredoc(word.to_string());
            }
        }
        false
    }
}

/// Where the comment on `line` starts: a `#` or `//` at the start or after a space, outside
/// single and double quotes.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => {
                let starts = i == 0 || bytes[i - 1].is_ascii_whitespace();
                if starts && (b == b'#' || line[i..].starts_with("//")) {
                    return Some(i);
                }
                if (b == b'"' || b == b'\'') && starts_value(bytes, i) {
                    quote = Some(b);
                }
            }
        }
        i += 1;
    }
    None
}

/// Whether a quote at `i` opens a quoted string rather than sitting inside a bare word
/// (`it's`): at the start, or after a space or one of `:=,[{(`.
fn starts_value(bytes: &[u8], i: usize) -> bool {
    i == 0 || bytes[i - 1].is_ascii_whitespace() || b":=,[{(".contains(&bytes[i - 1])
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

/// `YYYY-MM-DD`, digits only, a day that exists in that month (2026-02-31 does not).
fn date(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return None;
    }
    if !digits(5..7) || !digits(8..10) {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
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
        for bad in [
            "2026-02-31",
            "+2099-01-01",
            "999999-12-31",
            "2026-4-01",
            "2027-02-29",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        assert_eq!(date("2028-02-29"), Some((2028, 2, 29)));
    }

    #[test]
    fn the_mark_inside_a_value_is_not_a_suppression() {
        for text in [
            "image: \"x # hostwiz:ignore BILL-004 reason=x\"\nb: 1\n",
            "image: 'x # hostwiz:ignore BILL-004 reason=x'\n",
            "script: |\n  echo # hostwiz:ignore BILL-004 reason=x\nb: 1\n",
            "- >-\n  x # hostwiz:ignore BILL-004 reason=x\n",
            "env: {A: \"x # hostwiz:ignore BILL-004 reason=x\"}\n",
            "x = <<EOF\na # hostwiz:ignore BILL-004 reason=x\nEOF\n",
            "image: x#hostwiz:ignore BILL-004 reason=x\n",
        ] {
            assert!(scan(&Input::new("v.yaml", text)).is_empty(), "{text:?}");
        }
        for text in [
            "a: 1 # hostwiz:ignore BILL-004 reason=x\n",
            "script: |\n  echo\n# hostwiz:ignore BILL-004 reason=x\nb: 1\n",
            "x = <<EOF\na\nEOF\n# hostwiz:ignore BILL-004 reason=x\n",
            "a: \"it's\" # hostwiz:ignore BILL-004 reason=x\n",
            "name: it's # hostwiz:ignore BILL-004 reason=x\n",
        ] {
            assert_eq!(scan(&Input::new("v.yaml", text)).len(), 1, "{text:?}");
        }
    }
}
