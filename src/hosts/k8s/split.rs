//! A rendered stream holding several releases (two namespaces, two Helm releases) is several
//! deployments: each is judged alone, or two inline releases with one API each would read as
//! one deployment with two APIs.
//!
//! A document belongs to the release of its `metadata.namespace` and its
//! `app.kubernetes.io/instance` label, or, without the label, its name with the role suffix
//! (`-api`, `-web`, `-worker`) taken off. Each release's deployment is the stream with the other
//! releases' documents blanked line for line, so every finding keeps its line.

use super::manifests::role_suffix;
use crate::ingest::yaml::{self, Node};
use crate::ingest::Input;
use std::collections::BTreeMap;

const INSTANCE: &str = "app.kubernetes.io/instance";

/// The stream once per release it holds, in order of first appearance; the stream itself when
/// it holds one (or none that can be told).
pub fn releases(input: &Input) -> Vec<(String, Input)> {
    let lines: Vec<&str> = input.text.split_inclusive('\n').collect();
    let mut docs: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut start = 0;
    for (i, line) in lines.iter().enumerate() {
        if is_separator(line) {
            docs.push((start, i, None));
            start = i + 1;
        }
    }
    docs.push((start, lines.len(), None));
    let mut order: Vec<String> = Vec::new();
    for doc in &mut docs {
        let text: String = lines[doc.0..doc.1].concat();
        let Ok(nodes) = yaml::load_all(&text) else {
            continue;
        };
        doc.2 = nodes.first().and_then(release_of);
        if let Some(r) = &doc.2 {
            if !order.contains(r) {
                order.push(r.clone());
            }
        }
    }
    if order.len() < 2 {
        return vec![(order.pop().unwrap_or_default(), input.clone())];
    }
    // A document with no release of its own (a parse error, a ConfigMap without labels) stays
    // with the first release, so an error in it is still reported once.
    let mut text: BTreeMap<&str, String> =
        order.iter().map(|r| (r.as_str(), String::new())).collect();
    let mut cursor = 0;
    for (from, to, release) in &docs {
        for (r, out) in &mut text {
            for line in &lines[cursor..*from] {
                out.push_str(line);
            }
            let mine = release.as_deref().unwrap_or(order[0].as_str()) == *r;
            for line in &lines[*from..*to] {
                match mine {
                    true => out.push_str(line),
                    false => out.push_str(if line.ends_with('\n') { "\n" } else { "" }),
                }
            }
        }
        cursor = *to;
    }
    order
        .iter()
        .map(|r| {
            let t = text.remove(r.as_str()).unwrap_or_default();
            (r.clone(), Input::new(input.path.clone(), t))
        })
        .collect()
}

/// A `---` line, as YAML and Helm split documents.
fn is_separator(line: &str) -> bool {
    let rest = line.trim_end_matches(['\n', '\r']);
    rest == "---" || rest.starts_with("--- ") || rest.starts_with("---\t")
}

/// `namespace/release` of an object (or of a List's first item).
fn release_of(doc: &Node) -> Option<String> {
    if let Some(first) = doc.get("items").and_then(|i| i.as_seq().first()) {
        return release_of(first);
    }
    let meta = doc.get("metadata")?;
    let namespace = meta.get("namespace").and_then(Node::as_str).unwrap_or("");
    let labelled = meta
        .get("labels")
        .and_then(|l| l.get(INSTANCE))
        .and_then(Node::as_str);
    let name = meta.get("name").and_then(Node::as_str)?;
    let release = match labelled {
        Some(r) => r.to_string(),
        None => match role_suffix(name) {
            Some(_) => name.rsplit_once('-').map_or(name, |(p, _)| p).to_string(),
            None => name.to_string(),
        },
    };
    Some(format!("{namespace}/{release}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_release_is_the_stream_itself() {
        let text = "kind: Deployment\nmetadata: {name: s-api}\n---\nkind: Service\nmetadata: {name: s-web}\n";
        let r = releases(&Input::new("m.yaml", text));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1.text, text);
    }

    #[test]
    fn namespaces_and_instances_split_line_for_line() {
        let text = "\
kind: Deployment
metadata: {name: s-api, namespace: staging}
---
kind: Deployment
metadata: {name: s-api, namespace: prod}
---
kind: Deployment
metadata: {name: x, labels: {app.kubernetes.io/instance: s}, namespace: prod}
";
        let r = releases(&Input::new("m.yaml", text));
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["staging/s", "prod/s"]);
        assert_eq!(
            r[1].1.text,
            "\n\n---\nkind: Deployment\nmetadata: {name: s-api, namespace: prod}\n---\nkind: Deployment\nmetadata: {name: x, labels: {app.kubernetes.io/instance: s}, namespace: prod}\n"
        );
        assert_eq!(r[0].1.text.lines().count(), text.lines().count());
    }
}
