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

/// At most this many nodes may exist after alias expansion, whatever the input size.
const NODE_BUDGET: usize = 1_000_000;

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
                Some(Frame::Map(node, anchor, _)) => Some((apply_merge_keys(node), anchor)),
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
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                None => {
                    if !node.is_null() {
                        docs.push(node);
                    }
                    anchors.clear();
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
/// set itself.
fn apply_merge_keys(mut node: Node) -> Node {
    let Value::Map(entries) = &mut node.value else {
        return node;
    };
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return node;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries
        .drain(..)
        .partition(|(k, _)| k.as_str() == Some("<<"));
    for (_, m) in merges {
        let sources: Vec<Node> = match m.value {
            Value::Seq(items) => items,
            _ => vec![m],
        };
        for source in sources {
            for (k, v) in source.entries() {
                if !own.iter().any(|(ok, _)| ok.as_str() == k.as_str()) {
                    own.push((k.clone(), v.clone()));
                }
            }
        }
    }
    *entries = own;
    node
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
}
