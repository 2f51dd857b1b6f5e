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
//! marks, nesting deeper than 100 levels, and anything saphyr would reject.

use super::yaml::{Node, Value};
use std::cell::Cell;

/// Deeper nesting is left to saphyr.
const MAX_DEPTH: u32 = 100;

/// saphyr only takes a simple key whose `:` is within 1024 characters of its start; longer
/// keys (counted in bytes, which are never fewer) are left to it.
const MAX_KEY: usize = 1000;

/// The tree `yaml::load_all` builds for `text`, or `None` when `text` is outside the subset.
pub fn load_all(text: &str) -> Option<Vec<Node>> {
    documents(text).collect()
}

/// The documents of `text` one at a time, as [`load_all`] reads them (empty documents
/// skipped), for a reader that keeps less than the whole tree. An item `None` means the stream
/// is outside the subset after all (the iteration ends there): the documents given so far
/// must then be dropped and the whole text read with saphyr.
pub fn documents(text: &str) -> Documents<'_> {
    let src = text.as_bytes();
    Documents {
        scanner: Scanner {
            text,
            src,
            pos: 0,
            line: 1,
            line_start: 0,
            depth: 0,
            placed: Cell::new((usize::MAX, 0, 0)),
            entries: Vec::new(),
            items: Vec::new(),
            made: 0,
        },
        at: Some(At::Start),
        // NUL ends saphyr's input early, and a byte 0 is this scanner's end-of-input sentinel.
        outside: memchr::memchr(0, src).is_some() || text.starts_with('\u{FEFF}'),
    }
}

/// See [`documents`].
pub struct Documents<'a> {
    scanner: Scanner<'a>,
    /// Where the scanner stands; `None` once the iteration is over.
    at: Option<At>,
    /// Known to be outside the subset before the first line.
    outside: bool,
}

impl Iterator for Documents<'_> {
    type Item = Option<Node>;

    fn next(&mut self) -> Option<Option<Node>> {
        let s = &mut self.scanner;
        if self.outside {
            self.outside = false;
            self.at = None;
            return Some(None);
        }
        loop {
            let at = match self.at.take()? {
                At::Start | At::Doc => s.next_content(),
                at => Some(at),
            };
            match at {
                None => return Some(None),
                Some(At::End) => return None,
                Some(At::Line(indent)) => {
                    s.made = 0;
                    let Some((node, next)) = s.node(-1, indent, Start::Line) else {
                        return Some(None);
                    };
                    if matches!(next, At::Line(_)) {
                        return Some(None);
                    }
                    self.at = Some(next);
                    if !node.is_null() {
                        return Some(Some(node));
                    }
                }
                Some(at) => self.at = Some(at),
            }
        }
    }
}

/// Where the next content line stands: the end of the input, a `---` line, or content at an
/// indentation (the scanner is then on its first non-space byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    /// Before the first line (never returned by the scanner).
    Start,
    End,
    Doc,
    Line(usize),
}

/// Where a node starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Start {
    /// The first content of its line.
    Line,
    /// After the `- ` of a sequence entry.
    Entry,
    /// The first content of its line, at its mapping's indentation (it can only be a sequence).
    Indentless,
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
    /// The last mark placed: its line's start, its offset, and its column in characters.
    placed: Cell<(usize, usize, usize)>,
    /// Entries and items of the collections being built, so each collection is allocated once
    /// at its final size.
    entries: Vec<(Node, Node)>,
    items: Vec<Node>,
    /// Nodes made in the current document: past the expansion budget the fast path declines,
    /// and saphyr's reader refuses the document, before a 200 MB flow sequence takes gigabytes.
    made: usize,
}

/// The bytes other than `stop` and control characters (and 0xEF, which may start a byte
/// order mark): those a scalar takes without a second look.
const fn table(stop: &[u8]) -> [bool; 256] {
    let mut t = [true; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = false;
        i += 1;
    }
    t[0xEF] = false;
    let mut i = 0;
    while i < stop.len() {
        t[stop[i] as usize] = false;
        i += 1;
    }
    t
}
static PLAIN: [bool; 256] = table(b" :");
static DOUBLE: [bool; 256] = table(b"\"\\");
static SINGLE: [bool; 256] = table(b"'");
/// Only the space.
static SPACE: [bool; 256] = {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t
};

fn blank_or_eol(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r' | 0)
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// A `<<` key, which the fast path leaves to saphyr (compared directly: `Node::as_str` would
/// first rule out the five spellings of null, for every key of every map).
fn is_merge_key(key: &Node) -> bool {
    matches!(&key.value, Value::Scalar { text, .. } if text == "<<")
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
    /// Counts one more node of the document; `None` past the expansion budget.
    fn made(&mut self) -> Option<()> {
        self.made += 1;
        (self.made <= super::budget::EXPANSION_LIMIT).then_some(())
    }

    /// The byte at `i`, 0 past the end (the input holds no NUL).
    #[inline]
    fn byte(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn peek(&self) -> u8 {
        self.byte(self.pos)
    }

    /// Where the bytes from `i` stop being in `table` (`i` is at most the length).
    #[inline]
    fn run(&self, i: usize, table: &[bool; 256]) -> usize {
        let rest = &self.src[i..];
        i + rest
            .iter()
            .position(|&b| !table[b as usize])
            .unwrap_or(rest.len())
    }

    fn skip_spaces(&mut self) {
        self.pos = self.run(self.pos, &SPACE);
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

    /// saphyr's line and column (1-based, in characters) of a mark. Characters are counted
    /// on from the last mark placed when it is earlier on the same line, so a long line of
    /// flow entries is not counted again for each.
    fn place(&self, m: Mark) -> (u32, u32) {
        let (line_start, pos, chars) = self.placed.get();
        let (from, before) = if line_start == m.line_start && pos <= m.pos {
            (pos, chars)
        } else {
            (m.line_start, 0)
        };
        let part = &self.src[from..m.pos];
        let chars = before
            + if part.is_ascii() {
                part.len()
            } else {
                self.text[from..m.pos].chars().count()
            };
        self.placed.set((m.line_start, m.pos, chars));
        (m.line, chars as u32 + 1)
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

    /// The node starting here, at column `indent`, with what follows it. Lines indented deeper
    /// than `parent` may not follow a one-line node.
    fn node(&mut self, parent: isize, indent: usize, start: Start) -> Option<(Node, At)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let found = self.node_in(parent, indent, start);
        self.depth -= 1;
        found
    }

    fn node_in(&mut self, parent: isize, indent: usize, start: Start) -> Option<(Node, At)> {
        match self.peek() {
            b'-' if self.is_entry() => match start {
                Start::Line => self.block_seq(indent, false),
                Start::Indentless => self.block_seq(indent, true),
                Start::Entry => None,
            },
            _ if start == Start::Indentless => None,
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
            if is_merge_key(&key) {
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
                        At::Line(i) if i > indent => self.node(indent as isize, i, Start::Line)?,
                        At::Line(i) if i == indent && self.is_entry() => {
                            self.node(indent as isize, i, Start::Indentless)?
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
                At::Line(i) if i > indent => return None,
                _ => break at,
            }
        };
        self.made()?;
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

    /// A block sequence whose first `-` is here, at column `indent`. saphyr places a sequence
    /// at its first `-`, but one at its mapping's indentation (`key:\n- a`) where its first
    /// entry's content starts, and an empty entry at the end of its line.
    fn block_seq(&mut self, indent: usize, indentless: bool) -> Option<(Node, At)> {
        let mut start = self.here();
        let base = self.items.len();
        let found = loop {
            self.pos += 1;
            self.skip_spaces();
            if self.peek() == b'#' {
                self.skip_comment()?;
            }
            let entry = self.mark();
            if indentless && self.items.len() == base {
                start = self.place(entry);
            }
            let (item, at) = match self.peek() {
                b'\n' | 0 => {
                    self.end_line()?;
                    let at = self.next_content()?;
                    match at {
                        At::Line(i) if i > indent => self.node(indent as isize, i, Start::Line)?,
                        _ => {
                            let (l, c) = self.place(entry);
                            (null(l, c), at)
                        }
                    }
                }
                _ => {
                    let column = self.pos - self.line_start;
                    self.node(indent as isize, column, Start::Entry)?
                }
            };
            self.items.push(item);
            match at {
                At::Line(i) if i == indent && self.is_entry() => {}
                At::Line(i) if i > indent => return None,
                _ => break at,
            }
        };
        self.made()?;
        let items = self.items.drain(base..).collect();
        let node = Node {
            value: Value::Seq(items),
            line: start.0,
            column: start.1,
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
        self.made()?;
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
            let after = self.run(i, &PLAIN);
            if after > i {
                (i, end) = (after, after);
            }
            match self.byte(i) {
                b' ' => {
                    i = self.run(i, &SPACE);
                    if self.byte(i) == b'#' {
                        break;
                    }
                }
                b':' if !matches!(self.byte(i + 1), b' ' | b'\n' | 0) => (i, end) = (i + 1, i + 1),
                b':' | b'\n' | 0 => break,
                0xEF if !self.bom_at(i) => (i, end) = (i + 1, i + 1),
                _ => return None,
            }
        }
        self.pos = end;
        Some(self.text[start..end].to_owned())
    }

    /// A double-quoted scalar on one line, escapes resolved as saphyr resolves them.
    fn double_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = self.run(start, &DOUBLE);
        if self.byte(i) == b'"' {
            self.pos = i + 1;
            return Some(self.text[start..i].to_owned());
        }
        let mut out = String::new();
        let mut run = start;
        loop {
            match self.byte(i) {
                b'"' => {
                    out.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..i]);
                    let (c, len) = self.escape(i)?;
                    out.push(c);
                    i += len;
                    run = i;
                }
                0xEF if !self.bom_at(i) => i += 1,
                _ => return None,
            }
            i = self.run(i, &DOUBLE);
        }
    }

    /// The escape sequence whose backslash is at `i`: its character and its length in bytes.
    fn escape(&self, i: usize) -> Option<(char, usize)> {
        let digits = match self.byte(i + 1) {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            c => {
                let c = match c {
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
                    _ => return None,
                };
                return Some((c, 2));
            }
        };
        let hex = self.src.get(i + 2..i + 2 + digits)?;
        if !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
        Some((char::from_u32(code)?, 2 + digits))
    }

    /// A single-quoted scalar on one line (`''` is a quote).
    fn single_quoted(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let mut i = self.run(start, &SINGLE);
        if self.byte(i) == b'\'' && self.byte(i + 1) != b'\'' {
            self.pos = i + 1;
            return Some(self.text[start..i].to_owned());
        }
        let mut out = String::new();
        let mut run = start;
        loop {
            match self.byte(i) {
                b'\'' if self.byte(i + 1) == b'\'' => {
                    out.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                }
                b'\'' => {
                    out.push_str(&self.text[run..i]);
                    self.pos = i + 1;
                    return Some(out);
                }
                0xEF if !self.bom_at(i) => i += 1,
                _ => return None,
            }
            i = self.run(i, &SINGLE);
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
                    if is_merge_key(&key) {
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
        self.made()?;
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
        self.made()?;
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

    /// The fast path takes `text` and builds saphyr's tree.
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
        same("a: plain text  # comment\nb: 'single ''q'' #x'\nc: \"d \\\" \\\\ \\n \\x41\"\n");
        same("url: http://x:80/a#b\nneg: -1\nd: ---x\ne: a]b[c}{,\nf: x&y*z!w@`\n");
        same("k:\n  on its own line\nnext: 1\n");
        same("ünï: çödé 😀\nx: \"ü\" # é\n");
        same("a:\nb:   \nc: # only a comment\n");
        same("\"quoted key\": 1\n'single' : 2\nplain key   : 3\n");
        same(r#"a: "\0\a\b\t\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600""#);
        same("a: ''''\nb: 'x\\y\"z'\nc: \"  sp  \"\nd: '  '\ne: \"it's\"\n");
        let long = "v".repeat(3000);
        same(&format!("a: {long}\nb:\n  {long}\n"));
        same(&format!("- {long}\n"));
        same(&format!("{}: 1\n", "k".repeat(MAX_KEY - 1)));
    }

    #[test]
    fn sequences() {
        same("- a\n- b: 1\n  c: 2\n-\n  - nested\n-   d: 3\n    e: [x, \"y\", 'z', -1]\n");
        same("- {a: b, c: 'd'}\n-\n-   # empty, placed after the comment\n- é\n");
        same("a:\n- 1\n- 2\nb:\n  - 3\nc:\n-\n- x\n");
        same("- a:\n  - x\n- b:\n- c\n");
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
        same("-");
        same("a: 1\n---");
    }

    #[test]
    fn outside_the_subset() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  text\n",
            "a: >-\n  text\n",
            "a: two\n  lines\n",
            "a: \"two\n  lines\"\n",
            "- a\n  b\n",
            "? complex\n: key\n",
            "a:\tb\n",
            "a:\n\tb: 1\n",
            "a: b\r\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "--- a: 1\n",
            "- - a\n",
            "<<: {a: 1}\n",
            "'<<': 1\n",
            "a: [[1]]\n",
            "a: [1,\n  2]\n",
            "a: [1, ]\n",
            "a: [a: b]\n",
            "a: {a}\n",
            "\u{FEFF}a: 1\n",
            "a: x\u{FEFF}\n",
            "a: 1\0\n",
            "a: \u{1}\n",
            "[a]#c\n",
            "a: \"b\"#c\n",
            // Errors for saphyr too.
            "a: b: c\n",
            "a: 1\n b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 1\n- b\n",
            "a: \"\\q\"\n",
            "a: \"\\uD800\"\n",
            "a: \"open\n",
            "a: [1, 2\n",
            "a: @x\n",
        ] {
            falls_back(text);
        }
        falls_back(&format!("{}: 1\n", "k".repeat(MAX_KEY + 1)));
    }

    /// Columns are counted on along a line, not from its start for each entry.
    #[test]
    fn a_long_line_of_flow_entries() {
        let items: Vec<String> = (0..100_000).map(|i| format!("é{i}")).collect();
        same(&format!("a: [{}]\n", items.join(", ")));
    }

    #[test]
    fn deep_nesting_falls_back() {
        let mut text = String::new();
        for i in 0..MAX_DEPTH as usize + 5 {
            text.push_str(&" ".repeat(i));
            text.push_str("a:\n");
        }
        falls_back(&text);
        let shallow: String = text.lines().take(20).map(|l| format!("{l}\n")).collect();
        same(&shallow);
    }
}
