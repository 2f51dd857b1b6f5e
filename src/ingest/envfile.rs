//! Env files as docker compose reads them (`--env-file`, `.env`, a service's `env_file`), and
//! the `${VAR}` template language that env files and Compose files share.
//!
//! The rules are compose-go's `dotenv` and `template` packages (Docker Compose v2), checked
//! against `docker compose config` 2.40: `export ` prefixes, `#` comment lines, `KEY=VALUE` (or
//! compose's `KEY: VALUE`), unquoted values cut at ` #` and trimmed, single quotes literal but
//! for `\'`, double quotes with escapes, quoted values may span lines, and unquoted and
//! double-quoted values are interpolated. hostwiz is stricter in two places, so that a typo is
//! reported instead of guessed at: only a comment may follow a closing quote, and `=` needs a
//! name before it.

use super::budget::Budget;
use super::{Input, ParseError, Vars};
use crate::plan::Sourced;

/// Variables of an env file as docker compose reads `--env-file`/.env: KEY=VALUE lines, `export `
/// prefix, comments, blank lines, single/double quotes (double quotes with escapes, single
/// literal), inline ` #` comments on unquoted values, each with the origin of its line. A
/// malformed line is a ParseError with line and what was expected.
pub fn parse(input: &Input) -> Result<Vars, ParseError> {
    parse_with(input, &Vars::default(), Vars::default())
}

/// [`parse`] for a service's `env_file`: `${VAR}` and a bare `KEY` line look in `outer` (for
/// compose, the project's variables over the service's `environment`) first, then in what
/// `seed` (earlier env files) and this file set before the line. Returns `seed` with this file
/// over it.
pub(crate) fn parse_with(input: &Input, outer: &Vars, seed: Vars) -> Result<Vars, ParseError> {
    let text = input.text.strip_prefix('\u{feff}').unwrap_or(&input.text);
    let mut c = Cursor {
        s: text,
        i: 0,
        line: 1,
        line_start: 0,
    };
    let mut vars = seed;
    let budget = Budget::default();
    loop {
        while c.peek().is_some_and(char::is_whitespace) {
            c.bump();
        }
        match c.peek() {
            None => break,
            Some('#') => {
                c.skip_line();
                continue;
            }
            Some(_) => {}
        }
        let (line, column) = (c.line, c.col());
        let err = |line, column, message: String| Err(input.error(line, column, message));
        if c.rest().starts_with("export") && c.rest()[6..].starts_with([' ', '\t']) {
            c.i += 6;
            c.skip_spaces();
        }
        let start = c.i;
        let sep = loop {
            match c.peek() {
                None | Some('\n') => break None,
                Some(ch @ ('=' | ':')) => break Some(ch),
                Some(ch) if is_space(ch) || ch.is_alphanumeric() || "_.-[]".contains(ch) => {
                    c.bump();
                }
                Some(ch) => {
                    let what = format!("unexpected `{ch}` in a variable name: expected KEY=VALUE");
                    return err(c.line, c.col(), what);
                }
            }
        };
        let key = c.s[start..c.i].trim_end();
        if key.contains(char::is_whitespace) {
            return err(
                line,
                column,
                "a variable name cannot contain a space".into(),
            );
        }
        let lookup = |name: &str| outer.get(name).or(vars.get(name)).map(|v| v.value.clone());
        let Some(sep) = sep else {
            // A bare `KEY` passes a variable through from outside; absent when nobody set it.
            if let Some(value) = lookup(key) {
                let value = Sourced::new(value, input.origin(line, column));
                vars.0.insert(key.to_string(), value);
            }
            continue;
        };
        if key.is_empty() {
            return err(
                line,
                column,
                format!("expected a variable name before `{sep}`"),
            );
        }
        c.bump();
        c.skip_spaces();
        let expand = |text: &str| {
            interpolate(text, &lookup, &budget)
                .map_err(|e| input.error(line, column, e.describe(text)))
        };
        let value = match c.peek() {
            Some(quote @ ('"' | '\'')) => {
                let Some(raw) = quoted(&mut c, quote) else {
                    return err(
                        line,
                        column,
                        format!("unterminated value: expected a closing {quote}"),
                    );
                };
                c.skip_spaces();
                match c.peek() {
                    None | Some('\n') => {}
                    Some('#') => c.skip_line(),
                    Some(_) => {
                        let what = "expected the end of the line or a `#` comment after the quote";
                        return err(c.line, c.col(), what.into());
                    }
                }
                if quote == '"' {
                    expand(&unescape(&raw))?
                } else {
                    raw
                }
            }
            _ => {
                let end = c.rest().find('\n').map_or(c.s.len(), |n| c.i + n);
                let raw = &c.s[c.i..end];
                c.i = end;
                expand(raw.split(" #").next().unwrap_or_default().trim_end())?
            }
        };
        vars.0.insert(
            key.to_string(),
            Sourced::new(value, input.origin(line, column)),
        );
    }
    Ok(vars)
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
    line: u32,
    line_start: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.i += ch.len_utf8();
        if ch == '\n' {
            self.line += 1;
            self.line_start = self.i;
        }
        Some(ch)
    }

    fn col(&self) -> u32 {
        self.s[self.line_start..self.i].chars().count() as u32 + 1
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.bump();
        }
    }

    fn skip_line(&mut self) {
        while self.peek().is_some_and(|ch| ch != '\n') {
            self.bump();
        }
    }
}

/// Whitespace that does not end a line, as compose-go's dotenv defines it.
fn is_space(ch: char) -> bool {
    matches!(
        ch,
        '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    )
}

/// The text up to the closing quote, or `None` when the file ends first. A backslash escapes
/// the quote itself; other escapes are kept whole, for [`unescape`] in double quotes.
fn quoted(c: &mut Cursor, quote: char) -> Option<String> {
    c.bump();
    let (mut out, mut escaped) = (String::new(), false);
    loop {
        match c.bump()? {
            ch if ch == quote && !escaped => return Some(out),
            '\\' if !escaped => escaped = true,
            ch => {
                if escaped && ch != quote {
                    out.push('\\');
                }
                escaped = false;
                out.push(ch);
            }
        }
    }
}

/// The escapes compose expands in double quotes: `\a \b \f \n \r \t \v \\ \"`, `\0NNN` (octal,
/// as Go's `\NNN`), and `\$`, kept as `$$` so interpolation leaves a literal `$`. Anything
/// else stays as written, backslash included.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let Some(next) = after.chars().next() else {
            out.push('\\');
            return out;
        };
        rest = &after[next.len_utf8()..];
        if let Some(at) = SIMPLE.iter().position(|&(c, _)| c == next) {
            out.push(SIMPLE[at].1);
        } else if next == '$' {
            out.push_str("$$");
        } else if next == '0' {
            let digits: String = rest
                .chars()
                .take(3)
                .take_while(char::is_ascii_digit)
                .collect();
            rest = &rest[digits.len()..];
            let octal = u32::from_str_radix(&digits, 8).ok().filter(|v| *v <= 255);
            match octal.filter(|_| digits.len() == 3).and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => out.extend(['\\'].into_iter().chain(digits.chars())),
            }
        } else {
            out.push('\\');
            out.push(next);
        }
    }
    out.push_str(rest);
    out
}

const SIMPLE: [(char, char); 9] = [
    ('a', '\u{7}'),
    ('b', '\u{8}'),
    ('f', '\u{c}'),
    ('n', '\n'),
    ('r', '\r'),
    ('t', '\t'),
    ('v', '\u{b}'),
    ('\\', '\\'),
    ('"', '"'),
];

/// Why a template could not be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TemplateError {
    /// Not a valid `${...}`: an unclosed brace, a bad name or operator.
    Invalid,
    /// `${VAR:?message}` / `${VAR?message}` with the variable missing (or empty for `:?`).
    Missing { name: String, message: String },
    /// The file's values grew past the expansion budget.
    TooLarge,
}

impl TemplateError {
    pub(crate) fn describe(&self, text: &str) -> String {
        match self {
            TemplateError::Invalid => format!(
                "invalid interpolation in `{text}`: expected `${{VAR}}`, `${{VAR:-default}}` or \
                 `${{VAR:?message}}` (write a literal `$` as `$$`)"
            ),
            TemplateError::Missing { name, message } if message.is_empty() => {
                format!("required variable {name} is missing a value")
            }
            TemplateError::Missing { name, message } => {
                format!("required variable {name} is missing a value: {message}")
            }
            TemplateError::TooLarge => super::budget::exceeded("the variables of this file"),
        }
    }
}

/// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
/// `${VAR:+alt}`, `${VAR+alt}` and `$$`, with templates nested in the word after the operator.
/// As in compose: an unset variable expands to nothing, a `$` before anything else stays, the
/// word is expanded even when unused (so a `:?` inside a default always applies), and the word
/// ends at the `}` that balances the `${` openings inside it.
pub(crate) fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    budget: &Budget,
) -> Result<String, TemplateError> {
    expand(text, lookup, 0, budget)
}

/// Templates nested deeper than this are refused rather than risk the stack.
const MAX_NESTING: usize = 32;

fn expand(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    budget: &Budget,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Every byte a variable adds is paid for before it is copied.
    let fetch = |name: &str| -> Result<Option<String>, TemplateError> {
        let value = lookup(name);
        match &value {
            Some(v) if !budget.spend(v.len()) => Err(TemplateError::TooLarge),
            _ => Ok(value),
        }
    };
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let Some(inner) = after.strip_prefix('{') else {
            let name = name_len(after);
            match name {
                0 => out.push('$'),
                _ => out.push_str(&fetch(&after[..name])?.unwrap_or_default()),
            }
            rest = &after[name..];
            continue;
        };
        let (var, tail) = inner.split_at(name_len(inner));
        if var.is_empty() {
            return Err(TemplateError::Invalid);
        }
        let value = fetch(var)?;
        if let Some(tail) = tail.strip_prefix('}') {
            out.push_str(&value.unwrap_or_default());
            rest = tail;
            continue;
        }
        let ops = [":-", "-", ":?", "?", ":+", "+"];
        let op = ops.into_iter().find(|op| tail.starts_with(op));
        let op = op.ok_or(TemplateError::Invalid)?;
        let tail = &tail[op.len()..];
        let close = closing_brace(tail).ok_or(TemplateError::Invalid)?;
        if depth == MAX_NESTING {
            return Err(TemplateError::Invalid);
        }
        let word = expand(&tail[..close], lookup, depth + 1, budget)?;
        let present = match op.starts_with(':') {
            true => value.as_deref().is_some_and(|v| !v.is_empty()),
            false => value.is_some(),
        };
        match (op.trim_start_matches(':'), present) {
            ("-" | "?", true) => out.push_str(&value.unwrap_or_default()),
            ("-", false) | ("+", true) => out.push_str(&word),
            ("?", false) => {
                let name = var.to_string();
                return Err(TemplateError::Missing {
                    name,
                    message: word,
                });
            }
            _ => {}
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Length of the variable name `[A-Za-z_][A-Za-z0-9_]*` at the start of `s`.
fn name_len(s: &str) -> usize {
    let b = s.as_bytes();
    if b.first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        b.iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count()
    } else {
        0
    }
}

/// Index of the `}` that ends a template word: each `${` inside opens one more level.
fn closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'$' if b.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}
