//! A fast path for the YAML that `helm template` and `kubectl get -o yaml` print: block
//! mappings and sequences, one scalar per line, `---` between documents. It builds the very
//! tree [`yaml::load_all`](super::yaml::load_all) builds (values, lines, columns, plain or
//! quoted) straight from the bytes, and gives up (`None`) on the first thing outside that
//! subset, so the caller falls back to saphyr. It never answers differently from saphyr:
//! `tests/yaml_fast.rs` holds it to that.
//!
//! The subset:
//! - documents separated by `---` (alone on its line, or with a comment), `# comments`, blank
//!   lines; indentation with spaces;
//! - block mappings whose keys are plain or quoted scalars on one line, followed by `: ` (or
//!   `:` at the end of the line);
//! - block sequences (`- item`), also at their mapping's indentation, and `- key: value`
//!   mappings inside them;
//! - plain scalars on one line; single- and double-quoted scalars on one line, with their
//!   escapes; empty values (null);
//! - flow collections on one line holding scalars only: `[]`, `{}`, `[a, "b"]`, `{a: b}`.
//!
//! Everything else falls back: anchors, aliases and tags (`&`, `*`, `!`), block scalars (`|`,
//! `>`), scalars over several lines, explicit keys (`?`), keys longer than 1000 bytes, merge
//! keys (`<<`), directives (`%`), `...`, content on the `---` line, nested or multi-line flow
//! collections, `- - x`, tabs, carriage returns and other control characters, byte order
//! marks, nesting deeper than [`MAX_DEPTH`], and anything saphyr would reject.

use super::yaml::{Node, Value};

/// Deeper nesting is left to saphyr.
const MAX_DEPTH: u32 = 100;

/// saphyr only takes a simple key whose `:` is within 1024 characters of its start; longer
/// keys (counted in bytes, which are never fewer) are left to it.
const MAX_KEY: usize = 1000;

/// The tree `yaml::load_all` builds for `text`, or `None` when `text` is outside the subset.
pub fn load_all(text: &str) -> Option<Vec<Node>> {
    let src = text.as_bytes();
    // NUL ends saphyr's input early, and a byte 0 is this scanner's end-of-input sentinel.
    if src.contains(&0) || text.starts_with('\u{FEFF}') {
        return None;
    }
    let mut s = Scanner {
        text,
        src,
        pos: 0,
        line: 1,
        line_start: 0,
        depth: 0,
        entries: Vec::new(),
        items: Vec::new(),
    };
    let mut docs = Vec::new();
    let mut at = s.next_content()?;
    loop {
        match at {
            At::End => return Some(docs),
            At::Doc => at = s.next_content()?,
            At::Line(indent) => {
                let (node, next) = s.node(-1, indent, false)?;
                if matches!(next, At::Line(_)) {
                    return None;
                }
                if !node.is_null() {
                    docs.push(node);
                }
                at = next;
            }
        }
    }
}

/// Where the next content line stands: the end of the input, a `---` line, or content at an
/// indentation (the scanner is then on its first non-space byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    End,
    Doc,
    Line(usize),
}

/// What follows a scalar on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    /// The end of the line, or a comment.
    Eol,
    /// `: ` or `:` at the end of the line (the scanner is past the `:`).
    Colon,
}

/// A position, kept as bytes until a node needs its column.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    line: u32,
    line_start: usize,
}

struct Scanner<'a> {
    text: &'a str,
    src: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    depth: u32,
    /// Entries and items of the collections being built, so each collection is allocated once
    /// at its final size.
    entries: Vec<(Node, Node)>,
    items: Vec<Node>,
}

/// Bytes a plain scalar in block context takes without a second look.
const fn plain_table() -> [bool; 256] {
    let mut t = [true; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = false;
        i += 1;
    }
    t[b' ' as usize] = false;
    t[b':' as usize] = false;
    t[0xEF] = false; // a possible byte order mark
    t
}
static PLAIN: [bool; 256] = plain_table();

/// Bytes a quoted scalar takes without a second look.
const fn quoted_table() -> [bool; 256] {
    let mut t = [true; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = false;
        i += 1;
    }
    t[b'"' as usize] = false;
    t[b'\'' as usize] = false;
    t[b'\\' as usize] = false;
    t[0xEF] = false;
    t
}
static QUOTED: [bool; 256] = quoted_table();

fn blank_or_eol(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r' | 0)
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

fn null(line: u32, column: u32) -> Node {
    Node {
        value: Value::Scalar {
            text: "~".into(),
            plain: true,
        },
        line,
        column,
    }
}

impl<'a> Scanner<'a> {
    /// The byte at `i`, 0 past the end (the input holds no NUL).
    #[inline]
    fn byte(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn peek(&self) -> u8 {
        self.byte(self.pos)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    fn bom_at(&self, i: usize) -> bool {
        self.src.get(i..i + 3) == Some(&[0xEF, 0xBB, 0xBF][..])
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            line_start: self.line_start,
        }
    }

    /// saphyr's line and column (1-based, in characters) of a mark.
    fn place(&self, m: Mark) -> (u32, u32) {
        let prefix = &self.src[m.line_start..m.pos];
        let column = if prefix.is_ascii() {
            prefix.len()
        } else {
            self.text[m.line_start..m.pos].chars().count()
        };
        (m.line, column as u32 + 1)
    }

    fn here(&self) -> (u32, u32) {
        self.place(self.mark())
    }

    /// Past a comment (the scanner is on its `#`), up to its line break.
    fn skip_comment(&mut self) -> Option<()> {
        let mut i = self.pos;
        loop {
            match self.byte(i) {
                b'\n' | 0 => break,
                b'\t' => {}
                c if c < 0x20 => return None,
                _ => {}
            }
            i += 1;
        }
        self.pos = i;
        Some(())
    }

    /// The rest of a line after its content: spaces, then a comment, then the line break.
    fn end_line(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == b'#' {
            // A comment is separated from the content before it.
            if self.pos > self.line_start && self.src[self.pos - 1] != b' ' {
                return None;
            }
            self.skip_comment()?;
        }
        match self.peek() {
            b'\n' => {
                self.pos += 1;
                self.line += 1;
                self.line_start = self.pos;
                Some(())
            }
            0 => Some(()),
            _ => None,
        }
    }

    /// From the start of a line, past blank and comment lines, to the next content.
    fn next_content(&mut self) -> Option<At> {
        loop {
            let start = self.pos;
            self.skip_spaces();
            match self.peek() {
                0 => return Some(At::End),
                b'\n' => {
                    self.end_line()?;
                    continue;
                }
                b'#' => {
                    self.skip_comment()?;
                    if self.peek() == 0 {
                        return Some(At::End);
                    }
                    self.end_line()?;
                    continue;
                }
                _ => {}
            }
            let indent = self.pos - start;
            if indent == 0 {
                let rest = &self.src[self.pos..];
                let marker = rest.len() >= 3 && blank_or_eol(self.byte(self.pos + 3));
                if marker && rest.starts_with(b"---") {
                    self.pos += 3;
                    self.end_line()?;
                    return Some(At::Doc);
                }
                if (marker && rest.starts_with(b"...")) || rest[0] == b'%' {
                    return None;
                }
            }
            return Some(At::Line(indent));
        }
    }

    fn is_entry(&self) -> bool {
        self.peek() == b'-' && blank_or_eol(self.byte(self.pos + 1))
    }

    /// The node starting here (a line's first content at column `indent`, or the content after
    /// `- ` when `inline`), with what follows it. Its scalar lines may not be continued by lines
    /// indented deeper than `parent`.
    fn node(&mut self, parent: isize, indent: usize, inline: bool) -> Option<(Node, At)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let found = self.node_in(parent, indent, inline);
        self.depth -= 1;
        found
    }

    fn node_in(&mut self, parent: isize, indent: usize, inline: bool) -> Option<(Node, At)> {
        match self.peek() {
            b'-' if self.is_entry() => {
                if inline {
                    None
                } else {
                    self.block_seq(indent)
                }
            }
            b'[' | b'{' => {
                let node = self.flow()?;
                self.finish(node, parent)
            }
            _ => {
                let (node, tail) = self.scalar_tail()?;
                match tail {
                    Tail::Colon => self.block_map(indent, node),
                    Tail::Eol => self.finish(node, parent),
                }
            }
        }
    }

    /// Ends the line of a complete one-line node; the next content may not be indented deeper
    /// than `parent` (that would continue the scalar, or be an error).
    fn finish(&mut self, node: Node, parent: isize) -> Option<(Node, At)> {
        self.end_line()?;
        let at = self.next_content()?;
        match at {
            At::Line(i) if i as isize > parent => None,
            _ => Some((node, at)),
        }
    }

    /// A scalar and what follows it on the line.
    fn scalar_tail(&mut self) -> Option<(Node, Tail)> {
        let start = self.pos;
        let node = self.scalar()?;
        let tail = self.tail()?;
        if tail == Tail::Colon && self.pos - start > MAX_KEY {
            return None;
        }
        Some((node, tail))
    }

    fn tail(&mut self) -> Option<Tail> {
        let start = self.pos;
        self.skip_spaces();
        match self.peek() {
            b'\n' | 0 => Some(Tail::Eol),
            b'#' if self.pos > start => Some(Tail::Eol),
            b':' if matches!(self.byte(self.pos + 1), b' ' | b'\n' | 0) => {
                self.pos += 1;
                Some(Tail::Colon)
            }
            _ => None,
        }
    }

    /// A block mapping at column `indent` whose first key has been read (the scanner is past
    /// its `:`).
    fn block_map(&mut self, indent: usize, first: Node) -> Option<(Node, At)> {
        let (line, column) = (first.line, first.column);
        let base = self.entries.len();
        let mut key = first;
        let found = loop {
            if key.as_str() == Some("<<") {
                return None;
            }
            let colon = Mark {
                pos: self.pos - 1,
                ..self.mark()
            };
            self.skip_spaces();
            let (value, at) = match self.peek() {
                b'\n' | 0 | b'#' => {
                    self.end_line()?;
                    let at = self.next_content()?;
                    match at {
                        At::Line(i) if i > indent || (i == indent && self.is_entry()) => {
                            self.node(indent as isize, i, false)?
                        }
                        _ => {
                            let (l, c) = self.place(colon);
                            (null(l, c), at)
                        }
                    }
                }
                _ => self.inline_value(indent)?,
            };
            self.entries.push((key, value));
            match at {
                At::Line(i) if i == indent => {
                    let (k, tail) = self.scalar_tail()?;
                    if tail != Tail::Colon {
                        return None;
                    }
                    key = k;
                }
                At::Line(_) => return None,
                _ => break at,
            }
        };
        let entries = self.entries.drain(base..).collect();
        let node = Node {
            value: Value::Map(entries),
            line,
            column,
        };
        Some((node, found))
    }

    /// The value after `key: ` on the same line.
    fn inline_value(&mut self, indent: usize) -> Option<(Node, At)> {
        let node = match self.peek() {
            b'[' | b'{' => self.flow()?,
            _ => match self.scalar_tail()? {
                (node, Tail::Eol) => node,
                (_, Tail::Colon) => return None,
            },
        };
        self.finish(node, indent as isize)
    }

    /// A block sequence whose first `-` is here, at column `indent`.
    fn block_seq(&mut self, indent: usize) -> Option<(Node, At)> {
        let (line, column) = self.here();
        let base = self.items.len();
        let found = loop {
            let dash = self.mark();
            self.pos += 1;
            self.skip_spaces();
            let (item, at) = match self.peek() {
                b'\n' | 0 | b'#' => {
                    self.end_line()?;
                    let at = self.next_content()?;
                    match at {
                        At::Line(i) if i > indent => self.node(indent as isize, i, false)?,
                        _ => {
                            let (l, c) = self.place(dash);
                            (null(l, c), at)
                        }
                    }
                }
                _ => {
                    let column = self.pos - self.line_start;
                    self.node(indent as isize, column, true)?
                }
            };
            self.items.push(item);
            match at {
                At::Line(i) if i == indent && self.is_entry() => {}
                At::Line(i) if i > indent => return None,
                _ => break at,
            }
        };
        let items = self.items.drain(base..).collect();
        let node = Node {
            value: Value::Seq(items),
            line,
            column,
        };
        Some((node, found))
    }

    /// A scalar in block context (the scanner stops after it, before any spaces).
    fn scalar(&mut self) -> Option<Node> {
        let (line, column) = self.here();
        let (text, plain) = match self.peek() {
            b'"' => (self.double_quoted()?, false),
            b'\'' => (self.single_quoted()?, false),
            b'-' if !blank_or_eol(self.byte(self.pos + 1)) => (self.plain()?, true),
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
            _ => (self.plain()?, true),
        };
        Some(Node {
            value: Value::Scalar { text, plain },
            line,
            column,
        })
    }

    /// A plain scalar in block context: up to `: `, ` #` or the end of the line, trailing
    /// spaces dropped.
    fn plain(&mut self) -> Option<String> {
        let start = self.pos;
        let mut i = start;
        let mut end = start;
        loop {
            let c = self.byte(i);
            if PLAIN[c as usize] {
                i += 1;
                end = i;
                continue;
            }
            match c {
                b' ' => {
                    i += 1;
                    while self.byte(i) == b' ' {
                        i += 1;
                    }
                    if self.byte(i) == b'#' {
                        break;
                    }
                }
                b':' => {
                    if matches!(self.byte(i + 1), b' ' | b'\n' | 0) {
                        break;
                    }
                    i += 1;
                    end = i;
                }
                b'\n' | 0 => break,
                0xEF if !self.bom_at(i) => {
                    i += 1;
                    end = i;
                }
                _ => return None,
            }
        }
        self.pos = end;
        Some(self.text[start..end].to_owned())
    }

    /// A double-quoted scalar on one line, escapes resolved as saphyr resolves them.
    fn double_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = start;
        let mut out = loop {
            let c = self.byte(i);
            if QUOTED[c as usize] || c == b'\'' {
                i += 1;
                continue;
            }
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Some(self.text[start..i].to_owned());
                }
                b'\\' => break String::from(&self.text[start..i]),
                0xEF if !self.bom_at(i) => i += 1,
                _ => return None,
            }
        };
        loop {
            let c = self.byte(i);
            if QUOTED[c as usize] || c == b'\'' {
                let run = i;
                i += 1;
                while QUOTED[self.byte(i) as usize] || self.byte(i) == b'\'' {
                    i += 1;
                }
                out.push_str(&self.text[run..i]);
                continue;
            }
            match c {
                b'"' => {
                    self.pos = i + 1;
                    return Some(out);
                }
                b'\\' => {
                    let simple = match self.byte(i + 1) {
                        b'0' => '\0',
                        b'a' => '\x07',
                        b'b' => '\x08',
                        b't' => '\t',
                        b'n' => '\n',
                        b'v' => '\x0b',
                        b'f' => '\x0c',
                        b'r' => '\r',
                        b'e' => '\x1b',
                        b' ' => ' ',
                        b'"' => '"',
                        b'/' => '/',
                        b'\\' => '\\',
                        b'N' => '\u{85}',
                        b'_' => '\u{a0}',
                        b'L' => '\u{2028}',
                        b'P' => '\u{2029}',
                        b'x' | b'u' | b'U' => '\u{1}',
                        _ => return None,
                    };
                    let digits = match self.byte(i + 1) {
                        b'x' => 2,
                        b'u' => 4,
                        b'U' => 8,
                        _ => 0,
                    };
                    i += 2;
                    if digits == 0 {
                        out.push(simple);
                        continue;
                    }
                    let hex = self.src.get(i..i + digits)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
                    out.push(char::from_u32(code)?);
                    i += digits;
                }
                0xEF if !self.bom_at(i) => {
                    out.push_str(self.text.get(i..i + 3)?);
                    i += 3;
                }
                _ => return None,
            }
        }
    }

    /// A single-quoted scalar on one line (`''` is a quote).
    fn single_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = start;
        let mut out = String::new();
        let mut run = start;
        loop {
            let c = self.byte(i);
            if QUOTED[c as usize] || c == b'"' || c == b'\\' {
                i += 1;
                continue;
            }
            match c {
                b'\'' if self.byte(i + 1) == b'\'' => {
                    out.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                }
                b'\'' => {
                    self.pos = i + 1;
                    if run == start {
                        return Some(self.text[start..i].to_owned());
                    }
                    out.push_str(&self.text[run..i]);
                    return Some(out);
                }
                0xEF if !self.bom_at(i) => i += 1,
                _ => return None,
            }
        }
    }

    /// A flow collection on one line holding scalars only (the scanner is on its `[` or `{`).
    fn flow(&mut self) -> Option<Node> {
        let (line, column) = self.here();
        let map = self.peek() == b'{';
        let close = if map { b'}' } else { b']' };
        self.pos += 1;
        self.skip_spaces();
        let value = if map {
            let mut entries = Vec::new();
            if self.peek() != close {
                loop {
                    let key = self.flow_scalar()?;
                    if self.peek() != b':' || self.byte(self.pos + 1) != b' ' {
                        return None;
                    }
                    if key.as_str() == Some("<<") {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_spaces();
                    let value = self.flow_scalar()?;
                    entries.push((key, value));
                    if !self.flow_next(close)? {
                        break;
                    }
                }
            }
            Value::Map(entries)
        } else {
            let mut items = Vec::new();
            if self.peek() != close {
                loop {
                    items.push(self.flow_scalar()?);
                    if !self.flow_next(close)? {
                        break;
                    }
                }
            }
            Value::Seq(items)
        };
        self.pos += 1;
        Some(Node {
            value,
            line,
            column,
        })
    }

    /// After a flow entry: `true` past a `,` with another entry to come, `false` on the
    /// closing bracket (not consumed).
    fn flow_next(&mut self, close: u8) -> Option<bool> {
        match self.peek() {
            b',' => {
                self.pos += 1;
                self.skip_spaces();
                // A trailing comma is left to saphyr.
                (self.peek() != close).then_some(true)
            }
            c if c == close => Some(false),
            _ => None,
        }
    }

    /// A scalar inside a flow collection, and the spaces after it.
    fn flow_scalar(&mut self) -> Option<Node> {
        let (line, column) = self.here();
        let (text, plain) = match self.peek() {
            b'"' => (self.double_quoted()?, false),
            b'\'' => (self.single_quoted()?, false),
            b'-' if !blank_or_eol(self.byte(self.pos + 1)) => (self.flow_plain()?, true),
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
            _ => (self.flow_plain()?, true),
        };
        self.skip_spaces();
        Some(Node {
            value: Value::Scalar { text, plain },
            line,
            column,
        })
    }

    /// A plain scalar inside a flow collection: up to `,`, `]`, `}` or `:`; any `#`, `[`, `{`,
    /// and `-` before a flow indicator are left to saphyr.
    fn flow_plain(&mut self) -> Option<String> {
        let start = self.pos;
        let mut i = start;
        let mut end = start;
        loop {
            let c = self.byte(i);
            match c {
                b',' | b']' | b'}' | b':' => break,
                b' ' => i += 1,
                b'[' | b'{' | b'#' => return None,
                b'-' if is_flow(self.byte(i + 1)) => return None,
                0xEF if self.bom_at(i) => return None,
                c if c < 0x20 => return None,
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
        self.pos = end;
        Some(self.text[start..end].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::yaml::load_all_saphyr;

    /// The fast path takes `text` and gives saphyr's tree.
    #[track_caller]
    fn same(text: &str) {
        let fast = load_all(text).unwrap_or_else(|| panic!("fell back on {text:?}"));
        assert_eq!(Ok(fast), load_all_saphyr(text), "{text:?}");
    }

    #[track_caller]
    fn falls_back(text: &str) {
        assert_eq!(load_all(text), None, "{text:?}");
    }

    #[test]
    fn helm_shaped_documents() {
        same(
            "---\n# Source: starter/templates/api.yaml\napiVersion: apps/v1\nkind: Deployment\n\
             metadata:\n  name: starter-api\n  labels:\n    app.kubernetes.io/component: api\n\
             spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: api\n\
             \x20         image: \"ghcr.io/acme/starter-api:latest\"\n          ports:\n\
             \x20           - name: http\n              containerPort: 8000\n          env:\n\
             \x20           - name: A\n              value: \"true\"\n          args: []\n\
             ---\n# Source: starter/templates/svc.yaml\nkind: Service\nspec:\n  selector: {}\n",
        );
    }

    #[test]
    fn kubectl_shaped_documents() {
        // Sequences at their key's indentation, nulls, quoted keys, comments everywhere.
        same(
            "apiVersion: v1\nitems:\n- kind: Pod # the pod\n  metadata:\n    annotations:\n      \
             \"a/b\": 'it''s'\n    creationTimestamp: null\n  spec:\n    containers:\n    - args:\n      \
             - --x=1\n      -\n      - \"\"\n      name: c\n    empty:\n  status: {}\nkind: List\n\
             metadata:\n  resourceVersion: \"\"\n",
        );
    }

    #[test]
    fn scalars() {
        same("a: plain text  # comment\nb: 'single ''q'' #x'\nc: \"d \\\" \\\\ \\n \\t \\x41 \\u00e9 \\U0001F600\"\n");
        same("url: http://x:80/a#b\nneg: -1\nd: ---x\ne: a]b[c}{,\nf: é: no\n".replace(": no", "").as_str());
        same("k:\n  on its own line\nnext: 1\n");
        same("ünï: çödé\nx: \"ü\" # é\n- no\n".trim_end_matches("- no\n"));
        same("a:\nb:   \nc: # only a comment\n- x\n".trim_end_matches("- x\n"));
        same("\"quoted key\": 1\n'single' : 2\nplain key   : 3\n");
    }

    #[test]
    fn sequences() {
        same("- a\n- b: 1\n  c: 2\n-\n  - nested\n-   d: 3\n    e: [x, \"y\", 'z', -1]\n- {a: b, c: 'd'}\n-\n");
        same("a:\n- 1\n- 2\nb:\n  - 3\n");
    }

    #[test]
    fn documents() {
        same("");
        same("# only a comment\n");
        same("---\n---\n--- # c\na: 1\n---\n~\n---\nnull\n---\nscalar\n---\n[1, 2]\n");
        same("  a: 1\n  b: 2\n");
        same("a: 1");
        same("a:");
        same("- x");
    }

    #[test]
    fn outside_the_subset() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: two\n  lines\n",
            "a: \"two\n  lines\"\n",
            "? complex\n: key\n",
            "a:\tb\n",
            "a: b\r\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "--- a: 1\n",
            "- - a\n",
            "<<: {a: 1}\n",
            "a: [[1]]\n",
            "a: [1,\n  2]\n",
            "a: [1, ]\n",
            "\u{FEFF}a: 1\n",
            "a: 1\0\n",
            "a: b: c\n",
            "a: 1\n b: 2\n",
            "a\n",
        ] {
            falls_back(text);
        }
        let long = format!("{}: 1\n", "k".repeat(MAX_KEY + 1));
        falls_back(&long);
        let deep = "- ".repeat(1).repeat(1) + &"[".repeat(1);
        falls_back(&deep);
    }

    #[test]
    fn deep_nesting_falls_back() {
        let mut text = String::new();
        for i in 0..MAX_DEPTH + 5 {
            text.push_str(&" ".repeat(i as usize));
            text.push_str("a:\n");
        }
        falls_back(&text);
    }
}
