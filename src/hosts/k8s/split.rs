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
use std::collections::{HashMap, HashSet};

const INSTANCE: &str = "app.kubernetes.io/instance";

/// The stream once per release it holds, in order of first appearance; the stream itself when
/// it holds one (or none that can be told), moved, not copied: it may be a gigabyte.
pub fn releases(input: Input) -> Vec<(String, Input)> {
    // Each document as its byte range, the lines before it and its release; documents are
    // read in place.
    let mut docs: Vec<(usize, usize, u32, Option<String>)> = Vec::new();
    let (mut start, mut start_line) = (0, 0);
    let (mut at, mut lines) = (0, 0);
    for line in input.text.split_inclusive('\n') {
        if is_separator(line) {
            docs.push((start, at, start_line, None));
            start = at + line.len();
            start_line = lines + 1;
        }
        at += line.len();
        lines += 1;
    }
    docs.push((start, at, start_line, None));
    let mut order: Vec<String> = Vec::new();
    let mut known: HashSet<String> = HashSet::new();
    for doc in &mut docs {
        doc.3 = release_of_text(&input.text[doc.0..doc.1]);
        if let Some(r) = &doc.3 {
            if known.insert(r.clone()) {
                order.push(r.clone());
            }
        }
    }
    if order.len() < 2 {
        return vec![(order.pop().unwrap_or_default(), input)];
    }
    // A document with no release of its own (a parse error before its metadata is known, a
    // ConfigMap without labels) stays with the first release, so an error in it is still
    // reported once.
    let mine = |doc: &(usize, usize, u32, Option<String>)| {
        doc.3.clone().unwrap_or_else(|| order[0].clone())
    };
    // Each release's documents by index: its text runs from its first document to its last,
    // the other releases' documents between them blanked line for line, and begins at its
    // first document's line of the stream (`Input::first_line`), so every finding keeps its
    // line. Giving each release the whole stream, blanked, was quadratic: n releases of the
    // chart took 46 times the input's size in memory at 1,000 releases.
    let mut of: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, doc) in docs.iter().enumerate() {
        of.entry(mine(doc)).or_default().push(i);
    }
    order
        .iter()
        .map(|r| {
            let own = of.remove(r).unwrap_or_default();
            let (first, last) = (own[0], own[own.len() - 1]);
            let mut text = String::new();
            let mut own = own.iter().peekable();
            for i in first..=last {
                if i > first {
                    text.push_str(&input.text[docs[i - 1].1..docs[i].0]);
                }
                let doc = &input.text[docs[i].0..docs[i].1];
                if own.next_if_eq(&&i).is_some() {
                    text.push_str(doc);
                } else {
                    text.extend(std::iter::repeat_n('\n', doc.matches('\n').count()));
                }
            }
            let mut cut = Input::new(input.path.clone(), text);
            cut.first_line = docs[first].2;
            (r.clone(), cut)
        })
        .collect()
}

/// The release of a document's text. Only its `metadata:` block is read when the document's
/// top level is plain `key:` lines with one `metadata:` and no `items:` (as `helm template`
/// prints): reading the whole document here, then again for the plan, was a third of
/// `check`'s time on a large stream. Anything else is read whole.
fn release_of_text(doc: &str) -> Option<String> {
    let whole = || {
        yaml::load_all(doc)
            .ok()
            .and_then(|nodes| nodes.first().and_then(release_of))
    };
    let mut block: Option<(usize, usize)> = None;
    let mut at = 0;
    for line in doc.split_inclusive('\n') {
        let here = at;
        at += line.len();
        let first = line.as_bytes().first().copied().unwrap_or(b'\n');
        if matches!(first, b' ' | b'#' | b'\n' | b'\r') {
            continue;
        }
        // A top-level line: the end of a metadata block that began before it.
        if let Some((_, end @ 0)) = &mut block {
            *end = here;
        }
        let key = line.split_once(':').map(|(k, _)| k);
        let plain_key = key.is_some_and(|k| {
            k.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        });
        let after = &line.as_bytes()[key.map_or(0, str::len) + usize::from(plain_key)..];
        if !plain_key || !matches!(after.first(), None | Some(b' ' | b'\n' | b'\r')) {
            return whole();
        }
        match key {
            Some("items") => return whole(),
            Some("metadata") if block.is_some() => return whole(),
            Some("metadata") => block = Some((here, 0)),
            _ => {}
        }
    }
    let (from, to) = match block {
        Some((from, 0)) => (from, doc.len()),
        Some(range) => range,
        None => return whole(),
    };
    // `metadata:` ending the document with nothing after it has no release either way.
    match yaml::load_all(&doc[from..to]) {
        Ok(nodes) => nodes.first().and_then(release_of),
        Err(_) => whole(),
    }
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

    /// The metadata block alone names the same release as the whole document, for every
    /// document of the chart's full output and for shapes the skim leaves to the whole read.
    #[test]
    fn reading_the_metadata_block_alone_finds_the_same_release() {
        let chart = include_str!("../../../tests/support/chart_release.yaml")
            .replace("instance: starter", "instance: rel7");
        let odd = [
            "kind: Service\nmetadata: {name: s-web, namespace: n}\nspec: {}\n",
            "kind: List\nitems:\n  - metadata: {name: x-api, namespace: q}\nmetadata: {}\n",
            "kind: Service\nmetadata:\n  name: a-web\nmetadata:\n  name: b-web\n",
            "x: &n foo-api\nmetadata:\n  name: *n\n",
            "# c\nkind: Service\nmetadata:\n  # c\n  name: c-web\n\n  namespace: z\nspec:\n  a: 1\n",
            "\"kind\": Service\nmetadata:\n  name: d-web\n",
            "- metadata: {name: e}\n",
        ];
        let docs: Vec<&str> = chart.split("---\n").chain(odd).collect();
        let mut found = 0;
        for doc in docs {
            let whole = yaml::load_all(doc)
                .ok()
                .and_then(|n| n.first().and_then(release_of));
            found += usize::from(whole.is_some());
            assert_eq!(release_of_text(doc), whole, "{doc}");
        }
        assert!(found >= 15, "{found}");
    }

    #[test]
    fn one_release_is_the_stream_itself() {
        let text = "kind: Deployment\nmetadata: {name: s-api}\n---\nkind: Service\nmetadata: {name: s-web}\n";
        let r = releases(Input::new("m.yaml", text));
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
        let r = releases(Input::new("m.yaml", text));
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["staging/s", "prod/s"]);
        assert_eq!(
            r[1].1.text,
            "kind: Deployment\nmetadata: {name: s-api, namespace: prod}\n---\nkind: Deployment\nmetadata: {name: x, labels: {app.kubernetes.io/instance: s}, namespace: prod}\n"
        );
        assert_eq!((r[0].1.first_line, r[1].1.first_line), (0, 3));
        assert_eq!(r[1].1.origin(2, 11), Input::new("m.yaml", "").origin(5, 11));
        assert_eq!(
            r[0].1.text,
            "kind: Deployment\nmetadata: {name: s-api, namespace: staging}\n"
        );
    }

    /// A release's documents with another's between them: the other's are blanked, and each
    /// release's text spans only its own documents.
    #[test]
    fn interleaved_releases_are_blanked_between_their_documents() {
        let text = "metadata: {name: a-api}\n---\nmetadata: {name: b-api}\n---\nmetadata: {name: a-web}\n---\nmetadata: {name: b-web}\n";
        let r = releases(Input::new("m.yaml", text));
        assert_eq!(
            r[0].1.text,
            "metadata: {name: a-api}\n---\n\n---\nmetadata: {name: a-web}\n"
        );
        assert_eq!(r[1].1.first_line, 2);
        assert_eq!(
            r[1].1.text,
            "metadata: {name: b-api}\n---\n\n---\nmetadata: {name: b-web}\n"
        );
    }
}
