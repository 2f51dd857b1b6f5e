//! Format-preserving edits of a Helm values file: the YAML tree (with each node's line and
//! column, from `ingest::yaml`) says where a setting stands, and only the bytes of that setting
//! change. An existing scalar is replaced where it is written; a missing key is inserted under
//! its map with the map's own indentation (a block created when the map is absent). Comments,
//! ordering and every unrelated setting stay byte for byte.

use crate::ingest::yaml::{self, Node, Value};

/// Indentation of a nested block hostwiz creates.
const STEP: usize = 2;

/// `path` set to `value` (YAML text of a scalar, such as `"false"` or `1`) in the first
/// document of `text`. The error says what form could not be edited.
pub fn set(text: &str, path: &[&str], value: &str) -> Result<String, String> {
    let docs =
        yaml::load_all(text).map_err(|e| format!("{}:{}: {}", e.line, e.column, e.message))?;
    let Some(root) = docs.into_iter().next() else {
        return Ok(append_top(text, path, value));
    };
    if !root.is_map() {
        return Err("the top level is not a map".into());
    }
    let mut cur = &root;
    for (i, key) in path.iter().enumerate() {
        let entry = cur
            .entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key));
        let Some((k, child)) = entry else {
            return insert(text, cur, &path[i..], value);
        };
        let last = i + 1 == path.len();
        match &child.value {
            Value::Scalar { .. } if last => return replace_scalar(text, child, value),
            Value::Map(_) if !last => cur = child,
            Value::Scalar { .. } if child.is_null() => {
                // `key:` or `key: ~`: make it an empty map, then set inside it.
                let opened = null_to_map(text, k, child)?;
                return set(&opened, path, value);
            }
            _ => {
                return Err(format!(
                    "{} at line {} is not {}",
                    path[..=i].join("."),
                    child.line,
                    if last { "a single value" } else { "a map" }
                ))
            }
        }
    }
    Err(format!("{} is a map, not a value", path.join(".")))
}

/// Byte offset of a 1-based line and (character) column.
fn offset(text: &str, line: u32, column: u32) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[start..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i)
}

fn replace_scalar(text: &str, node: &Node, value: &str) -> Result<String, String> {
    let start = offset(text, node.line, node.column);
    let end = scalar_end(text, start, node).ok_or_else(|| {
        format!(
            "the value at line {} is not a plain or quoted scalar",
            node.line
        )
    })?;
    Ok(format!("{}{value}{}", &text[..start], &text[end..]))
}

/// Where the scalar that starts at `start` ends: after its closing quote, or after its text
/// when plain. `None` for forms hostwiz does not rewrite (block scalars, tags, anchors).
fn scalar_end(text: &str, start: usize, node: &Node) -> Option<usize> {
    let rest = &text[start..];
    let Value::Scalar { text: value, .. } = &node.value else {
        return None;
    };
    match rest.chars().next()? {
        '"' => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return Some(start + i + 1),
                    _ => escaped = false,
                }
            }
            None
        }
        '\'' => {
            let b = rest.as_bytes();
            let mut i = 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(start + i + 1);
                }
                i += 1;
            }
            None
        }
        '|' | '>' | '&' | '!' | '*' => None,
        _ => rest
            .starts_with(value.as_str())
            .then(|| start + value.len()),
    }
}

/// `key:` (nothing) or `key: ~` / `key: null` becomes `key: {}`.
fn null_to_map(text: &str, key: &Node, value: &Node) -> Result<String, String> {
    let k = offset(text, key.line, key.column);
    let line_end = text[k..].find('\n').map_or(text.len(), |n| k + n);
    let key_text = key.as_str().unwrap_or_default();
    let colon = text[k..line_end]
        .find(':')
        .filter(|c| text[k..k + c].trim_matches(['"', '\'']) == key_text)
        .map(|c| k + c)
        .ok_or_else(|| format!("cannot find the `:` of {key_text} at line {}", key.line))?;
    let after = &text[colon + 1..line_end];
    let token = after.trim_start();
    if token.is_empty() || token.starts_with('#') {
        return Ok(format!("{} {{}}{}", &text[..=colon], &text[colon + 1..]));
    }
    let v = offset(text, value.line, value.column);
    for null in ["~", "null", "Null", "NULL"] {
        if text[v..].starts_with(null) && v > colon && v < line_end {
            return Ok(format!("{}{{}}{}", &text[..v], &text[v + null.len()..]));
        }
    }
    Err(format!(
        "the null at line {} is not a form hostwiz rewrites",
        key.line
    ))
}

/// The lines of a nested block: `k1:` / `  k2:` / … / `kn: value`.
fn block(indent: usize, path: &[&str], value: &str) -> String {
    let mut s = String::new();
    for (d, key) in path.iter().enumerate() {
        let pad = " ".repeat(indent + d * STEP);
        if d + 1 == path.len() {
            s.push_str(&format!("{pad}{key}: {value}\n"));
        } else {
            s.push_str(&format!("{pad}{key}:\n"));
        }
    }
    s
}

/// A flow entry: `k1: {k2: value}`.
fn flow(path: &[&str], value: &str) -> String {
    match path {
        [key] => format!("{key}: {value}"),
        [key, rest @ ..] => format!("{key}: {{{}}}", flow(rest, value)),
        [] => String::new(),
    }
}

/// A file without any document: the block goes at its end.
fn append_top(text: &str, path: &[&str], value: &str) -> String {
    let mut s = text.to_string();
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
    s.push_str(&block(0, path, value));
    s
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Inserts `path` (not yet present) into the map `map`.
fn insert(text: &str, map: &Node, path: &[&str], value: &str) -> Result<String, String> {
    let at = offset(text, map.line, map.column);
    if text[at..].starts_with('{') {
        return Ok(insert_flow(text, at, path, value));
    }
    let Some((first, _)) = map.entries().first() else {
        return Err(format!(
            "the map at line {} has no entries to align with",
            map.line
        ));
    };
    let indent = first.column as usize - 1;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let last_key = map
        .entries()
        .iter()
        .map(|(k, _)| k.line)
        .max()
        .unwrap_or(first.line) as usize;
    // The map's block ends before the first later line at its own indentation or less (a
    // list under its last key may sit at the key's indentation).
    let mut end = last_key;
    for (n, line) in lines.iter().enumerate().skip(last_key) {
        let t = line.trim_end();
        if t.trim().is_empty() {
            continue;
        }
        let lead = indent_of(t);
        let item = t.trim_start().starts_with("- ") || t.trim_start() == "-";
        let marker = lead == 0 && (t.starts_with("---") || t.starts_with("..."));
        if !marker && (lead > indent || (lead == indent && item)) {
            end = n + 1;
            continue;
        }
        break;
    }
    let before: usize = lines[..end].iter().map(|l| l.len()).sum();
    let mut head = text[..before].to_string();
    if !head.is_empty() && !head.ends_with('\n') {
        head.push('\n');
    }
    Ok(format!(
        "{head}{}{}",
        block(indent, path, value),
        &text[before..]
    ))
}

/// Inserts into a flow map `{…}` starting at byte `at`. An empty `{}` that ends its line
/// becomes a block under its key; otherwise the entry joins the flow map.
fn insert_flow(text: &str, at: usize, path: &[&str], value: &str) -> String {
    let close = matching_brace(text, at).unwrap_or(at + 1);
    let inner = &text[at + 1..close];
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[close..].find('\n').map_or(text.len(), |n| close + n);
    let tail = text[close + 1..line_end].trim();
    if inner.trim().is_empty() && (tail.is_empty() || tail.starts_with('#')) {
        let key_indent = indent_of(&text[line_start..at]);
        let head = text[..at].trim_end_matches(' ');
        let mut rest = text[close + 1..line_end].to_string();
        if !rest.trim().is_empty() {
            rest = format!(" {}", rest.trim());
        }
        let newline = if line_end < text.len() { 1 } else { 0 };
        return format!(
            "{head}{rest}\n{}{}",
            block(key_indent + STEP, path, value),
            &text[(line_end + newline).min(text.len())..]
        );
    }
    let sep = if inner.trim().is_empty() { "" } else { ", " };
    let body = inner.trim_end();
    let kept = &text[at + 1 + body.len()..close];
    format!(
        "{}{body}{sep}{}{kept}{}",
        &text[..=at],
        flow(path, value),
        &text[close..]
    )
}

/// The `}` closing the `{` at `open`, skipping quoted text and nested collections.
fn matching_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[open..].char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
        escaped = false;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_in_place_and_keeps_comments() {
        let t = "# head\napi:\n  env:\n    A: \"true\" # keep\n    B: yes\n";
        let t = set(t, &["api", "env", "A"], "\"false\"").unwrap();
        let t = set(&t, &["api", "env", "B"], "\"false\"").unwrap();
        assert_eq!(
            t,
            "# head\napi:\n  env:\n    A: \"false\" # keep\n    B: \"false\"\n"
        );
    }

    #[test]
    fn inserts_under_existing_maps_and_creates_blocks() {
        let t = "api:\n    image: x\n    hosts:\n    - a\n    # note\nweb:\n  image: y\n# tail\n";
        let t = set(t, &["api", "env", "A"], "\"false\"").unwrap();
        assert_eq!(
            t,
            "api:\n    image: x\n    hosts:\n    - a\n    env:\n      A: \"false\"\n    # note\nweb:\n  image: y\n# tail\n"
        );
        let t = set(&t, &["worker", "enabled"], "true").unwrap();
        assert!(
            t.ends_with("  image: y\nworker:\n  enabled: true\n# tail\n"),
            "{t}"
        );
    }

    #[test]
    fn flow_maps_and_nulls() {
        let t = set("api:\n  env: {}\n", &["api", "env", "A"], "\"x\"").unwrap();
        assert_eq!(t, "api:\n  env:\n    A: \"x\"\n");
        let t = set("api: {image: x}\n", &["api", "env", "A"], "\"x\"").unwrap();
        assert_eq!(t, "api: {image: x, env: {A: \"x\"}}\n");
        let t = set("worker:\napi: ~\n", &["api", "env", "A"], "\"x\"").unwrap();
        assert_eq!(t, "worker:\napi:\n  env:\n    A: \"x\"\n");
        let t = set("worker:\n", &["worker", "enabled"], "true").unwrap();
        assert_eq!(t, "worker:\n  enabled: true\n");
        assert!(set("api:\n  env: |\n    x\n", &["api", "env", "A"], "1").is_err());
    }
}
