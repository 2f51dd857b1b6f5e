//! Caddyfile text to tokens, as Caddy's lexer reads it: `{$VAR}` placeholders replaced first,
//! quotes, backquotes and heredocs as one token, comments and line continuations dropped.

use super::Token;
use crate::ingest::{Input, ParseError, Vars};

/// `{$VAR}` and `{$VAR:default}` as Caddy replaces them before lexing; an unknown variable
/// without a default stays as written, so findings can name it.
pub(super) fn substitute(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if !after[..end].contains(['\n', '{']) => {
                let inner = &after[..end];
                let (name, default) = match inner.split_once(':') {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                };
                match (vars.get(name), default) {
                    (Some(v), _) => out.push_str(&v.value),
                    (None, Some(d)) => out.push_str(d),
                    (None, None) => out.push_str(&rest[start..start + 3 + end]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("{$");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn lex(input: &Input, text: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1u32, 0u32);
    let mut line_start = true;
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                line_start = true;
            }
            c if c.is_whitespace() => {}
            '\\' if chars.peek() == Some(&'\n') => {} // continuation: the newline is eaten next
            '#' => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            _ => {
                let (l, col) = (line, column);
                let mut word = String::new();
                let quoted = c == '"' || c == '`' || (c == '<' && heredoc_marker(&chars).is_some());
                if c == '<' && quoted {
                    word = heredoc(input, &mut chars, (l, col), &mut line, &mut column)?;
                } else if c == '"' || c == '`' {
                    let mut closed = false;
                    while let Some(n) = chars.next() {
                        column += 1;
                        if n == '\n' {
                            line += 1;
                            column = 0;
                        }
                        if n == '\\'
                            && c == '"'
                            && chars.peek().is_some_and(|&p| p == '"' || p == '\\')
                        {
                            word.push(chars.next().expect("peeked"));
                            column += 1;
                        } else if n == c {
                            closed = true;
                            break;
                        } else {
                            word.push(n);
                        }
                    }
                    if !closed {
                        return Err(input.error(
                            l,
                            col,
                            format!("unterminated {c}quoted{c} token"),
                        ));
                    }
                } else {
                    word.push(c);
                    while let Some(&n) = chars.peek() {
                        if n.is_whitespace() {
                            break;
                        }
                        word.push(n);
                        chars.next();
                        column += 1;
                    }
                }
                tokens.push(Token {
                    text: word,
                    line: l,
                    column: col,
                    starts_line: line_start,
                    quoted,
                });
                line_start = false;
            }
        }
    }
    Ok(tokens)
}

/// After a first `<`: the marker of a heredoc (`<<MARKER` then a newline), if this is one.
fn heredoc_marker(chars: &std::iter::Peekable<std::str::Chars>) -> Option<String> {
    let mut ahead = chars.clone();
    if ahead.next() != Some('<') {
        return None;
    }
    let marker: String = ahead
        .clone()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut after = ahead.skip(marker.chars().count());
    let newline = match after.next() {
        Some('\n') => true,
        Some('\r') => after.next() == Some('\n'),
        _ => false,
    };
    (!marker.is_empty() && newline).then_some(marker)
}

/// A heredoc's text, as Caddy reads it: the lines up to the one holding only the marker, with
/// the closing marker's indentation removed from each. Its text is never a directive.
fn heredoc(
    input: &Input,
    chars: &mut std::iter::Peekable<std::str::Chars>,
    start: (u32, u32),
    line: &mut u32,
    column: &mut u32,
) -> Result<String, ParseError> {
    let marker = heredoc_marker(chars).expect("checked by the caller");
    let rest: String = chars.by_ref().take_while(|c| *c != '\n').collect();
    debug_assert!(rest.trim_end_matches('\r').ends_with(&marker));
    let mut lines = Vec::new();
    loop {
        let Some(_) = chars.peek() else {
            return Err(input.error(
                start.0,
                start.1,
                format!("heredoc <<{marker} has no closing {marker} line"),
            ));
        };
        *line += 1;
        let raw: String = chars.clone().take_while(|c| *c != '\n').collect();
        let text = raw.trim_end_matches('\r');
        let indent = text.len() - text.trim_start().len();
        let closes = text.trim_start().strip_prefix(marker.as_str());
        if closes.is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            // The rest of the closing line is lexed as usual (`TXT 200`).
            let taken = text[..indent].chars().count() + marker.chars().count();
            chars.nth(taken - 1);
            *column = taken as u32;
            let strip = &text[..indent];
            let body: Vec<&str> = lines
                .iter()
                .map(|l: &String| l.strip_prefix(strip).unwrap_or(l))
                .collect();
            return Ok(body.join("\n"));
        }
        chars.nth(raw.chars().count()); // the line and its newline
        lines.push(text.to_string());
    }
}
