//! YAML documents as trees that remember where each node stands (line and column), built from
//! saphyr's event stream. Aliases are expanded under a budget, so an alias bomb is refused
//! instead of eating memory; merge keys (`<<`) are applied as YAML 1.1 tools apply them.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A scalar with whether it was written plain (unquoted): plain `true` is a boolean,
    /// `"true"` a string.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// At most this many nodes may exist after alias and merge-key expansion, whatever the input
/// size: the expansion budget every reader shares.
const NODE_BUDGET: usize = super::budget::EXPANSION_LIMIT;

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of map keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A boolean as YAML 1.2 core schema and Helm read it (plain `true`/`false` in any usual case).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar { text, plain: true } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_u32(&self) -> Option<u32> {
        match &self.value {
            Value::Scalar { text, plain: true } => text.parse().ok(),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar { .. } => 0,
            Value::Seq(items) => items.iter().map(Node::size).sum(),
            Value::Map(entries) => entries.iter().map(|(k, v)| k.size() + v.size()).sum(),
        }
    }
}

fn at(span: &Span) -> (u32, u32) {
    (span.start.line() as u32, span.start.col() as u32 + 1)
}

enum Frame {
    Seq(Node, usize),
    Map(Node, usize, Option<Node>),
}

/// Every document of a YAML stream. Empty documents are skipped.
pub fn load_all(text: &str) -> Result<Vec<Node>, YamlError> {
    super::yaml_fast::load_all(text).map_or_else(|| load_all_saphyr(text), Ok)
}

/// [`load_all`] by saphyr's event parser alone (the whole YAML syntax, errors with a position).
pub fn load_all_saphyr(text: &str) -> Result<Vec<Node>, YamlError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut total = 0usize;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| YamlError {
            line: e.marker().line() as u32,
            column: e.marker().col() as u32 + 1,
            message: e.info().to_string(),
        })?;
        let (line, column) = at(&span);
        let complete = match event {
            Event::Scalar(text, style, anchor, _) => {
                let node = Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    line,
                    column,
                };
                Some((node, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                let node = Node {
                    value: Value::Seq(Vec::new()),
                    line,
                    column,
                };
                stack.push(Frame::Seq(node, anchor));
                None
            }
            Event::MappingStart(anchor, _) => {
                let node = Node {
                    value: Value::Map(Vec::new()),
                    line,
                    column,
                };
                stack.push(Frame::Map(node, anchor, None));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(node, anchor)) => Some((node, anchor)),
                _ => return Err(unexpected(line, column)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(node, anchor, _)) => {
                    let (node, copied) = apply_merge_keys(node);
                    total += copied;
                    if total > NODE_BUDGET {
                        return Err(YamlError {
                            line,
                            column,
                            message: format!(
                                "merge keys (`<<`) expand to more than {NODE_BUDGET} nodes; refusing"
                            ),
                        });
                    }
                    Some((node, anchor))
                }
                _ => return Err(unexpected(line, column)),
            },
            Event::Alias(id) => {
                let node = anchors.get(&id).ok_or_else(|| YamlError {
                    line,
                    column,
                    message: "alias to an unknown anchor".into(),
                })?;
                total += node.size();
                if total > NODE_BUDGET {
                    return Err(YamlError {
                        line,
                        column,
                        message: format!(
                            "aliases expand to more than {NODE_BUDGET} nodes; refusing (an alias bomb?)"
                        ),
                    });
                }
                Some((node.clone(), 0))
            }
            _ => None,
        };
        if let Some((node, anchor)) = complete {
            total += 1;
            if total > NODE_BUDGET {
                return Err(YamlError {
                    line,
                    column,
                    message: format!(
                        "a document of more than {NODE_BUDGET} nodes; refusing (not a deployment file)"
                    ),
                });
            }
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                None => {
                    if !node.is_null() {
                        docs.push(node);
                    }
                    anchors.clear();
                    // The budget is per document, as anchors are.
                    total = 0;
                }
                Some(Frame::Seq(seq, _)) => {
                    if let Value::Seq(items) = &mut seq.value {
                        items.push(node);
                    }
                }
                Some(Frame::Map(map, _, key)) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => {
                        if let Value::Map(entries) = &mut map.value {
                            entries.push((k, node));
                        }
                    }
                },
            }
        }
    }
    Ok(docs)
}

fn unexpected(line: u32, column: u32) -> YamlError {
    YamlError {
        line,
        column,
        message: "unbalanced YAML structure".into(),
    }
}

/// `<<: *base` (or a list of them) copies the base's entries under the keys the map does not
/// set itself. Returns the map and how many nodes were copied. The keys already set are looked
/// up in a set, so a merge of n keys costs n, not n².
fn apply_merge_keys(mut node: Node) -> (Node, usize) {
    let Value::Map(entries) = &mut node.value else {
        return (node, 0);
    };
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return (node, 0);
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries
        .drain(..)
        .partition(|(k, _)| k.as_str() == Some("<<"));
    let mut set: std::collections::HashSet<String> = own
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_owned))
        .collect();
    let mut copied = 0;
    for (_, m) in merges {
        let sources: Vec<Node> = match m.value {
            Value::Seq(items) => items,
            _ => vec![m],
        };
        for source in sources {
            for (k, v) in source.entries() {
                let new = match k.as_str() {
                    Some(name) => set.insert(name.to_owned()),
                    None => !own.iter().any(|(ok, _)| ok.as_str().is_none()),
                };
                if new {
                    copied += k.size() + v.size();
                    own.push((k.clone(), v.clone()));
                }
            }
        }
    }
    *entries = own;
    (node, copied)
}

// Scalars as Helm reads values: go-yaml v2 (YAML 1.1) through sigs.k8s.io/yaml, then Go
// templates. Kept apart from `as_bool`/`as_u32` (YAML 1.2), which the other formats use.

/// A scalar as go-yaml v2 types it: plain `y`/`yes`/`on` (any usual case) are booleans, `010`
/// is octal, `0x1F` hex, `1_000` a thousand; quoted scalars are strings. Every number is an
/// f64, as the JSON conversion in sigs.k8s.io/yaml makes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GoScalar<'a> {
    Null,
    Bool(bool),
    Num(f64),
    Str(&'a str),
}

impl Node {
    /// `None` for lists and maps.
    pub fn go_scalar(&self) -> Option<GoScalar<'_>> {
        let Value::Scalar { text, plain } = &self.value else {
            return None;
        };
        if !plain {
            return Some(GoScalar::Str(text));
        }
        Some(match text.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => GoScalar::Null,
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
                GoScalar::Bool(true)
            }
            "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off"
            | "OFF" => GoScalar::Bool(false),
            t => go_number(t).map_or(GoScalar::Str(t), GoScalar::Num),
        })
    }

    /// The value as Helm's `toString` prints it: `true` for `yes`, `1e+06` for `1000000`,
    /// `<nil>` for null, Go's `[a b]` and `map[k:v]` for collections.
    pub fn go_string(&self) -> String {
        match (self.go_scalar(), &self.value) {
            (Some(GoScalar::Null), _) => "<nil>".into(),
            (Some(GoScalar::Bool(b)), _) => b.to_string(),
            (Some(GoScalar::Num(f)), _) => go_float(f),
            (Some(GoScalar::Str(s)), _) => s.to_string(),
            (None, Value::Seq(items)) => {
                let items: Vec<_> = items.iter().map(Node::go_string).collect();
                format!("[{}]", items.join(" "))
            }
            (None, _) => {
                // Go prints map keys sorted; a repeated key keeps its last value.
                let map: std::collections::BTreeMap<_, _> = self
                    .entries()
                    .iter()
                    .map(|(k, v)| (k.go_string(), v.go_string()))
                    .collect();
                let pairs: Vec<_> = map.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("map[{}]", pairs.join(" "))
            }
        }
    }

    /// Go template truthiness (`if`, `with`, `default`): false, 0, null and empty strings or
    /// collections are false; anything else, a quoted `"false"` included, is true.
    pub fn go_truthy(&self) -> bool {
        match (self.go_scalar(), &self.value) {
            (Some(GoScalar::Null), _) => false,
            (Some(GoScalar::Bool(b)), _) => b,
            (Some(GoScalar::Num(f)), _) => f != 0.0,
            (Some(GoScalar::Str(s)), _) => !s.is_empty(),
            (None, Value::Seq(items)) => !items.is_empty(),
            (None, _) => !self.entries().is_empty(),
        }
    }
}

/// A number as Go's YAML decoders read one: an integer literal (with its sign kept apart,
/// since Go tries int64 and then uint64), or a decimal float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum GoNumber {
    Int {
        negative: bool,
        magnitude: u64,
        decimal: bool,
    },
    Float(f64),
}

impl GoNumber {
    pub(crate) fn as_f64(self) -> f64 {
        match self {
            // `-0` is the integer 0, which prints as `0`.
            GoNumber::Int {
                negative,
                magnitude,
                ..
            } if negative && magnitude > 0 => -(magnitude as f64),
            GoNumber::Int { magnitude, .. } => magnitude as f64,
            GoNumber::Float(f) => f,
        }
    }
}

/// Go's number syntax, shared by go-yaml v2 (Helm) and v3 (Compose): underscores dropped,
/// integers with Go's base prefixes (`0x`, `0o`, `0b`, a leading `0` for octal), else a
/// decimal float (`[-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?`).
pub(crate) fn go_number_literal(text: &str) -> Option<GoNumber> {
    let t: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(&t)),
    };
    let (radix, digits) = match body.get(..2) {
        Some("0x" | "0X") => (16, &body[2..]),
        Some("0o" | "0O") => (8, &body[2..]),
        Some("0b" | "0B") => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)) {
        if let Ok(magnitude) = u64::from_str_radix(digits, radix) {
            return Some(GoNumber::Int {
                negative,
                magnitude,
                decimal: radix == 10,
            });
        }
    }
    let (mantissa, exp) = body.split_once(['e', 'E']).unwrap_or((body, "0"));
    let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let shape = all_digits(int)
        && all_digits(frac)
        && (!int.is_empty() || !frac.is_empty())
        && !exp.is_empty()
        && all_digits(exp);
    shape.then(|| t.parse().ok()).flatten().map(GoNumber::Float)
}

fn go_number(text: &str) -> Option<f64> {
    go_number_literal(text).map(GoNumber::as_f64)
}

/// Go's `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`): the shortest digits, in
/// exponent form from 1e+06 up and below 1e-04.
pub(crate) fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_values() {
        let docs = load_all("a:\n  b: \"true\"\n  c: true\n  d: [1, 2]\n---\nx: 1\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].at(&["a", "b"]).unwrap();
        assert_eq!((b.line, b.column), (2, 6));
        assert_eq!(b.as_bool(), None);
        assert_eq!(b.as_str(), Some("true"));
        assert_eq!(docs[0].at(&["a", "c"]).unwrap().as_bool(), Some(true));
        assert_eq!(docs[0].at(&["a", "d"]).unwrap().as_seq().len(), 2);
        assert_eq!(docs[1].get("x").unwrap().as_u32(), Some(1));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let docs = load_all("base: &b\n  x: 1\n  y: 2\nthing:\n  <<: *b\n  y: 3\n").unwrap();
        let t = docs[0].get("thing").unwrap();
        assert_eq!(t.get("x").unwrap().as_u32(), Some(1));
        assert_eq!(t.get("y").unwrap().as_u32(), Some(3));
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            y.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = load_all(&y).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err:?}");
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = load_all("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
    }

    /// Each value as `helm template` printed it through `toString` (checked with the Helm SDK).
    #[test]
    fn scalars_as_helm_reads_them() {
        let doc = &load_all(
            "[yes, on, y, True, No, n, OFF, 010, 0017, 08, 0x_1F, 0o17, 0b101, 1e3, 1_000, .5, 1.0, -0, +12, \
             1_0.5, 1000000, 123456, 0.00001, 0.0001, 12345678901, 99999999999999999999, 1.5e300, .5e1, \
             '1e3', \"yes\", 1:20, 2001-12-14, 1., ., 1e, ~, '', [1, 2], {x: 1, a: b}]",
        )
        .unwrap()[0];
        let got: Vec<String> = doc.as_seq().iter().map(Node::go_string).collect();
        let want = "true true true true false false false 8 15 8 31 15 5 1000 1000 0.5 1 0 12 10.5 1e+06 \
                    123456 1e-05 0.0001 1.2345678901e+10 1e+20 1.5e+300 5 1e3 yes 1:20 2001-12-14 1 . 1e \
                    <nil>  [1 2] map[a:b x:1]";
        assert_eq!(got.join(" "), want);
        let doc = &load_all("[false, 'false', 0, '0', '', ~, [], {}, yes, 1, x]").unwrap()[0];
        let truthy: Vec<bool> = doc.as_seq().iter().map(Node::go_truthy).collect();
        let want = [
            false, true, false, true, false, false, false, false, true, true, true,
        ];
        assert_eq!(truthy, want);
    }
}
