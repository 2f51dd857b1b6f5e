//! A rendered stream holding several releases (two namespaces, two Helm releases) is several
//! deployments: each is judged alone, or two inline releases with one API each would read as
//! one deployment with two APIs.
//!
//! A document belongs to the release of its `metadata.namespace` and its
//! `app.kubernetes.io/instance` label, or, without the label, its name with the role suffix
//! (`-api`, `-web`, `-worker`) taken off. Each release's deployment is its own documents, cut
//! from the stream with where they stand in it, so every finding keeps its line.

use super::manifests::role_suffix;
use crate::ingest::yaml::{self, Node};
use crate::ingest::Input;
use std::collections::HashMap;

const INSTANCE: &str = "app.kubernetes.io/instance";

/// The stream once per release it holds, in order of first appearance; the stream itself when
/// it holds one (or none that can be told), moved, not copied: it may be a gigabyte. Each
/// release's text is cut when the iteration reaches it, so one release's copy is in memory
/// beside the stream at a time, not all of them.
pub fn releases(input: Input) -> Releases {
    // Each document as its byte range, the lines before it and its release; documents are
    // read in place. Only lines that begin with `---` can end one.
    let bytes = input.text.as_bytes();
    let mut docs: Vec<Doc> = Vec::new();
    let (mut start, mut start_line) = (0, 0);
    let at_line_starts = std::iter::once(0)
        .filter(|_| bytes.starts_with(b"---"))
        .chain(memchr::memmem::find_iter(bytes, b"\n---").map(|i| i + 1));
    for at in at_line_starts {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        if is_separator(&input.text[at..end]) {
            docs.push(Doc {
                start,
                end: at,
                line: start_line,
            });
            start_line += newlines(&input.text[start..end]);
            start = end;
        }
    }
    docs.push(Doc {
        start,
        end: bytes.len(),
        line: start_line,
    });
    let found = crate::cores::map(&docs, |d| release_of_text(&input.text[d.start..d.end]));
    // Each release's documents by index, releases in order of first appearance. A document
    // with no release of its own (a parse error before its metadata is known, a ConfigMap
    // without labels) stays with the first release, so an error in it is still reported once.
    let mut order: Vec<(String, Vec<usize>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut unowned: Vec<usize> = Vec::new();
    for (i, release) in found.into_iter().enumerate() {
        let Some(r) = release else {
            unowned.push(i);
            continue;
        };
        let at = *index.entry(r).or_insert_with_key(|r| {
            order.push((r.clone(), Vec::new()));
            order.len() - 1
        });
        order[at].1.push(i);
    }
    if order.len() < 2 {
        let name = order.pop().map(|(r, _)| r).unwrap_or_default();
        return Releases {
            whole: Some((name, input)),
            cuts: None,
        };
    }
    if !unowned.is_empty() {
        let first = &mut order[0].1;
        first.extend(unowned);
        first.sort_unstable();
    }
    order.reverse(); // taken from the end
    Releases {
        whole: None,
        cuts: Some(Cuts { input, docs, order }),
    }
}

/// A document of the stream: its byte range and the lines before it.
struct Doc {
    start: usize,
    end: usize,
    line: u32,
}

/// See [`releases`].
pub struct Releases {
    whole: Option<(String, Input)>,
    cuts: Option<Cuts>,
}

struct Cuts {
    input: Input,
    docs: Vec<Doc>,
    /// The releases not cut yet, the next last, each with its documents' indexes.
    order: Vec<(String, Vec<usize>)>,
}

impl Iterator for Releases {
    type Item = (String, Input);

    fn next(&mut self) -> Option<(String, Input)> {
        if let Some(whole) = self.whole.take() {
            return Some(whole);
        }
        let c = self.cuts.as_mut()?;
        let (name, own) = c.order.pop()?;
        Some((name, cut(&c.input, &c.docs, &own)))
    }
}

/// A release's text: its own documents, each after the `---` line before it in the stream,
/// with where each run of them stands in the stream (`Input::skips`), so every finding keeps
/// its line. Giving each release the whole stream with the others' documents blanked was
/// quadratic (46 times the input's size at 1,000 releases); so was the span from a release's
/// first document to its last, blanked, where releases take turns document by document.
fn cut(input: &Input, docs: &[Doc], own: &[usize]) -> Input {
    let size = own.iter().map(|&i| docs[i].end - docs[i].start + 4).sum();
    let mut text = String::with_capacity(size);
    let mut skips: Vec<(u32, u32)> = Vec::new();
    let mut lines = 0; // of `text` so far
    for (k, &i) in own.iter().enumerate() {
        // From the separator before it (the document's own first line for the first).
        let from = match k {
            0 => docs[i].start,
            _ => docs[i - 1].end,
        };
        let part = &input.text[from..docs[i].end];
        let stream_line = docs[i].line + u32::from(k == 0); // of the part's first line
        let skip = stream_line.saturating_sub(lines + 1);
        if skips.last().is_none_or(|&(_, s)| s != skip) {
            skips.push((lines + 1, skip));
        }
        text.push_str(part);
        lines += newlines(part);
    }
    let mut cut = Input::new(input.path.clone(), text);
    cut.skips = skips;
    cut
}

/// The release of a document's text. Only its last `metadata:` block is read (a later key
/// wins, as YAML readers take it) when the document's top level is plain `key:` lines and no
/// `items:`, as `helm template` prints it, also where a template without a final newline glues
/// the next one on as a `---apiVersion:` key: reading the whole document here, then again for
/// the plan, was a third of `check`'s time on a large stream. Anything else is read whole.
fn release_of_text(doc: &str) -> Option<String> {
    let whole = || {
        yaml::load_all(doc)
            .ok()
            .and_then(|nodes| nodes.first().and_then(release_of))
    };
    let mut block: Option<(usize, usize)> = None;
    for (here, line) in top_lines(doc) {
        // A top-level line: the end of a metadata block that began before it.
        if let Some((_, end @ 0)) = &mut block {
            *end = here;
        }
        match top_key(line) {
            None | Some("items") => return whole(),
            Some("metadata") => block = Some((here, 0)),
            Some(_) => {}
        }
    }
    let (from, to) = match block {
        Some((from, 0)) => (from, doc.len()),
        Some(range) => range,
        None => return whole(),
    };
    if let Some(plain) = plain_metadata(&doc[from..to]) {
        return plain;
    }
    // `metadata:` ending the document with nothing after it has no release either way.
    match yaml::load_all(&doc[from..to]) {
        Ok(nodes) => nodes.first().and_then(release_of),
        Err(_) => whole(),
    }
}

/// The release of a `metadata:` block written as `helm template` writes it: keys at two
/// spaces, `name`, `namespace` and each label a plain word (letters, digits, `-._/`), the
/// labels at four spaces; the blocks under other keys (annotations) are not read. `None` for
/// any other shape, which is left to the YAML reader: parsing ten lines per document was most
/// of the time the split took.
fn plain_metadata(block: &str) -> Option<Option<String>> {
    // A plain scalar that YAML reads as null names nothing (`Node::as_str`).
    let text = |v| (!matches!(v, "" | "~" | "null" | "Null" | "NULL")).then_some(v);
    let (mut name, mut namespace, mut instance) = (None, None, None);
    let mut under: Option<&str> = None;
    let mut lines = lines(block).map(|(_, line)| line);
    if lines.next()? != "metadata:" {
        return None;
    }
    for line in lines {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        match (indent, under) {
            _ if rest.is_empty() => {}
            (0 | 1, _) => return None,
            (2, _) => {
                let (key, value) = entry(rest)?;
                if value.is_empty() && matches!(key, "name" | "namespace") {
                    return None; // its value on the lines below
                }
                under = value.is_empty().then_some(key);
                match key {
                    "name" => name = Some(text(value)),
                    "namespace" => namespace = Some(text(value)),
                    "labels" => instance = Some(None),
                    _ => {}
                }
            }
            (4, Some("labels")) => {
                let (key, value) = entry(rest)?;
                if key == INSTANCE {
                    instance = Some(text(value));
                }
            }
            // Deeper under the labels, or a scalar going on over lines: left to YAML.
            (_, Some("labels") | None) => return None,
            (_, Some(_)) => {}
        }
    }
    let name = name.flatten()?;
    let namespace = namespace.flatten().unwrap_or("");
    Some(Some(release_named(namespace, instance.flatten(), name)))
}

/// A byte of a plain word: letters, digits, `-._/`.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'/')
}

/// The key of a top-level `key:` line whose key is a plain word starting with a letter
/// (after any dashes: a template without a final newline glues `---apiVersion:` on).
fn top_key(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let dashes = b.iter().take_while(|&&c| c == b'-').count();
    if !b.get(dashes)?.is_ascii_alphabetic() {
        return None;
    }
    let end = dashes + b[dashes..].iter().take_while(|&&c| is_word(c)).count();
    let after = b.get(end + 1..)?;
    (b[end] == b':' && matches!(after.first(), None | Some(b' ' | b'\r'))).then(|| &line[..end])
}

/// `key: word` or `key:` (its value a block below it), each a plain word.
fn entry(rest: &str) -> Option<(&str, &str)> {
    let b = rest.as_bytes();
    let end = b.iter().take_while(|&&c| is_word(c)).count();
    if end == 0 || b.get(end) != Some(&b':') {
        return None;
    }
    let value = match &rest[end + 1..] {
        "" => "",
        v => v.strip_prefix(' ')?,
    };
    value.bytes().all(is_word).then(|| (&rest[..end], value))
}

/// Each line of `text` with its offset, without its line break.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at;
        let rest = text.as_bytes().get(start..).filter(|r| !r.is_empty())?;
        let end = start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        at = end + 1;
        Some((start, &text[start..end]))
    })
}

/// The lines of `text` that start with content at the top level (not a space, `#` or a
/// line break), with their offsets, without their line breaks. Line starts are found 64 bytes
/// at a time as bit masks, so the indented lines, nearly all of a manifest, cost no step of
/// their own: finding each line with `memchr` was most of the time telling releases apart took.
fn top_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks(64);
    let (mut next, mut starts, mut carry) = (0, 0u64, 1u64); // the text's start is a line's
    std::iter::from_fn(move || loop {
        if starts != 0 {
            let start = next - 64 + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            return Some((start, &text[start..end]));
        }
        let chunk = chunks.next()?;
        let mut run = [b' '; 64]; // the last chunk padded with what starts no line
        run[..chunk.len()].copy_from_slice(chunk);
        let (breaks, content) = masks(&run);
        starts = ((breaks << 1) | carry) & content;
        carry = breaks >> 63;
        next += 64;
    })
}

/// Of 64 bytes, as bits: the line breaks, and the bytes that are content at a line's start.
#[cfg(target_arch = "x86_64")]
fn masks(run: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut breaks, mut blank) = (0, 0);
    for (k, part) in run.chunks_exact(16).enumerate() {
        // SAFETY: SSE2 is part of every x86_64 CPU; the load reads the 16 bytes of `part`.
        unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast());
            let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let nl = is(b'\n');
            let other = _mm_or_si128(
                _mm_or_si128(nl, is(b' ')),
                _mm_or_si128(is(b'#'), is(b'\r')),
            );
            breaks |= u64::from(_mm_movemask_epi8(nl) as u16) << (16 * k);
            blank |= u64::from(_mm_movemask_epi8(other) as u16) << (16 * k);
        }
    }
    (breaks, !blank)
}

#[cfg(not(target_arch = "x86_64"))]
fn masks(run: &[u8; 64]) -> (u64, u64) {
    masks_bytewise(run)
}

/// [`masks`] a byte at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn masks_bytewise(run: &[u8; 64]) -> (u64, u64) {
    let (mut breaks, mut content) = (0, 0);
    for (i, &b) in run.iter().enumerate() {
        breaks |= u64::from(b == b'\n') << i;
        content |= u64::from(!matches!(b, b' ' | b'#' | b'\r' | b'\n')) << i;
    }
    (breaks, content)
}

/// The lines a text ends, counted 64 bytes at a time into a byte (which the compiler turns
/// into vector compares: three times as fast as counting one by one).
fn newlines(text: &str) -> u32 {
    let count = |run: &[u8]| {
        run.iter()
            .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')))
    };
    text.as_bytes()
        .chunks(64)
        .map(|run| u32::from(count(run)))
        .sum()
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
    Some(release_named(namespace, labelled, name))
}

/// `namespace/release`: the instance label, else the name without its role suffix.
fn release_named(namespace: &str, instance: Option<&str>, name: &str) -> String {
    let release = instance.unwrap_or_else(|| match role_suffix(name) {
        Some(_) => name.rsplit_once('-').map_or(name, |(p, _)| p),
        None => name,
    });
    format!("{namespace}/{release}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The metadata block alone names the same release as the whole document, for every
    /// document of the chart's full output and for shapes the skim leaves to the whole read.
    #[test]
    fn reading_the_metadata_block_alone_finds_the_same_release() {
        let chart =
            include_str!("../../../tests/support/chart_release.yaml").replace("rel0", "rel7");
        let odd = [
            "kind: Service\nmetadata: {name: s-web, namespace: n}\nspec: {}\n",
            "kind: List\nitems:\n  - metadata: {name: x-api, namespace: q}\nmetadata: {}\n",
            "kind: Service\nmetadata:\n  name: a-web\nmetadata:\n  name: b-web\n",
            "x: &n foo-api\nmetadata:\n  name: *n\n",
            "# c\nkind: Service\nmetadata:\n  # c\n  name: c-web\n\n  namespace: z\nspec:\n  a: 1\n",
            "\"kind\": Service\nmetadata:\n  name: d-web\n",
            "- metadata: {name: e}\n",
            "kind: Service\nmetadata:\n  name: f-web\n  namespace:\n    prod\n",
            "kind: Service\nmetadata:\n  name: g-web\n    more\n",
            "kind: Service\nmetadata:\n  name: h-web\n  labels:\n    app.kubernetes.io/instance: i\n  labels:\n    x: y\n",
            "kind: Service\nmetadata:\n  name: j-web\n  labels:\n    app.kubernetes.io/instance: k\n    app.kubernetes.io/instance: l\n",
            "kind: Service\nmetadata:\n  name: m-web\n  namespace: null\n  annotations:\n    a: \"x: y # z\"\n",
            "kind: Service\nmetadata:\n  name: n-web\n  labels:\n      app.kubernetes.io/instance: o\n",
            "kind: Service\nmetadata:\n  name: p-web # c\n",
            "kind: Service\nmetadata:\n  name: 'q-web'\n  labels: {app.kubernetes.io/instance: r}\n",
            "kind: Service\nmetadata:\n  name: s-web\n  labels:\n    app.kubernetes.io/instance: ~\n",
            "kind: Service\nmetadata:\n  name: t-api\nspec: {}\n---apiVersion: v1\nkind: Service\nmetadata:\n  name: u-web\n",
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

    /// The chart's metadata blocks are read without the YAML reader (the fast path the test
    /// above holds to the same answer), and shapes outside it are left to the reader.
    #[test]
    fn helm_metadata_is_read_by_the_plain_path() {
        let block = "metadata:\n  name: rel7-api\n  annotations:\n    a: \"b c\"\n  labels:\n    helm.sh/chart: starter-0.1.0\n    app.kubernetes.io/instance: rel7\n  namespace: prod\n";
        assert_eq!(plain_metadata(block), Some(Some("prod/rel7".into())));
        let unlabelled = "metadata:\n  name: x-worker\n";
        assert_eq!(plain_metadata(unlabelled), Some(Some("/x".into())));
        for odd in [
            "metadata:\n  name: 'q'\n",
            "metadata:\n  name: a\n    b\n",
            "metadata: {}\n",
        ] {
            assert_eq!(plain_metadata(odd), None, "{odd}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3_000, ..Default::default() })]
        /// Edits of the chart's documents, mostly near their metadata: wherever YAML reads
        /// the document, the skim names the same release as reading it whole.
        #[test]
        fn edited_documents_name_the_same_release_either_way(
            which in 0usize..32,
            edits in proptest::collection::vec((0usize..1_000, 0u8..4, 0usize..64), 1..4),
        ) {
            const TOKENS: &[&str] = &[
                " ", "  ", ":", ": ", "#", " #", "\"", "'", "\n", "\n  ", "-", "- ", "{", "}",
                "[", "x", "~", "null", "&a ", "*a", "!t ", "? ", "\t", "\r", "metadata:",
                "\nmetadata:\n  name: z-web\n", "\nitems:\n", "labels:", "\n  labels: {}\n",
                "app.kubernetes.io/instance: i", "\n    app.kubernetes.io/instance: j\n",
                "\n  namespace: n\n", "\n---apiVersion: v1\n", "é", "\n  labels:\n    x: y\n", "\n    more",
                "\n      deeper: x",
            ];
            // The instance label differs from the names' prefix, so reading either one
            // instead of the other shows.
            let chart = include_str!("../../../tests/support/chart_release.yaml")
                .replace("instance: rel0", "instance: blue");
            let docs: Vec<&str> = chart.split("---\n").filter(|d| !d.is_empty()).collect();
            let mut doc = docs[which % docs.len()].to_string();
            for (at, op, token) in edits {
                // Half the edits at a line's end, where a key or block can be added whole.
                let ends: Vec<usize> = doc.match_indices('\n').map(|(i, _)| i).take(16).collect();
                let mut i = match op {
                    3 if !ends.is_empty() => ends[at % ends.len()],
                    _ => (at * doc.len() / 1_000).min(doc.len() / 2),
                };
                while !doc.is_char_boundary(i) {
                    i -= 1;
                }
                let token = TOKENS[token % TOKENS.len()];
                let mut end = (i + 1).min(doc.len());
                while !doc.is_char_boundary(end) {
                    end += 1;
                }
                match op {
                    0 => doc.replace_range(i..end, ""),
                    1 | 3 => doc.insert_str(i, token),
                    _ => doc.replace_range(i..end, token),
                }
            }
            if let Ok(nodes) = yaml::load_all(&doc) {
                let whole = nodes.first().and_then(release_of);
                proptest::prop_assert_eq!(release_of_text(&doc), whole, "{}", doc);
            }
        }

        /// The top-level lines found from bit masks are the lines, looked at one by one,
        /// that start with content, across the 64-byte runs and at the text's ends.
        #[test]
        fn top_lines_are_the_lines_starting_with_content(
            text in "[ \n#\r\ta:é-]{0,300}",
        ) {
            let mut at = 0;
            let one_by_one: Vec<(usize, &str)> = text
                .split('\n')
                .map(|line| {
                    at += line.len() + 1;
                    (at - line.len() - 1, line)
                })
                .filter(|(_, l)| !matches!(l.as_bytes().first(), None | Some(b' ' | b'#' | b'\r')))
                .collect();
            proptest::prop_assert_eq!(top_lines(&text).collect::<Vec<_>>(), one_by_one);
        }

        /// The vector compares give the masks the portable byte loop gives, for any bytes.
        #[test]
        fn masks_are_the_same_bytewise(run in proptest::array::uniform32(proptest::prelude::any::<u8>()), other in proptest::array::uniform32(proptest::prelude::any::<u8>())) {
            let mut all = [0u8; 64];
            all[..32].copy_from_slice(&run);
            all[32..].copy_from_slice(&other);
            proptest::prop_assert_eq!(masks(&all), masks_bytewise(&all));
        }
    }

    #[test]
    fn one_release_is_the_stream_itself() {
        let text = "kind: Deployment\nmetadata: {name: s-api}\n---\nkind: Service\nmetadata: {name: s-web}\n";
        let r: Vec<_> = releases(Input::new("m.yaml", text)).collect();
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
        let r: Vec<_> = releases(Input::new("m.yaml", text)).collect();
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["staging/s", "prod/s"]);
        assert_eq!(
            r[1].1.text,
            "kind: Deployment\nmetadata: {name: s-api, namespace: prod}\n---\nkind: Deployment\nmetadata: {name: x, labels: {app.kubernetes.io/instance: s}, namespace: prod}\n"
        );
        assert_eq!(
            (&r[0].1.skips[..], &r[1].1.skips[..]),
            (&[(1, 0)][..], &[(1, 3)][..])
        );
        assert_eq!(r[1].1.origin(2, 11), Input::new("m.yaml", "").origin(5, 11));
        assert_eq!(
            r[0].1.text,
            "kind: Deployment\nmetadata: {name: s-api, namespace: staging}\n"
        );
    }

    /// Releases taking turns document by document: each holds only its own documents, and
    /// each document still names its line of the stream.
    #[test]
    fn interleaved_releases_hold_only_their_documents_at_their_lines() {
        let text = "metadata: {name: a-api}\n---\nmetadata: {name: b-api}\n---\nmetadata: {name: a-web}\n---\nmetadata: {name: b-web}\n";
        let r: Vec<_> = releases(Input::new("m.yaml", text)).collect();
        let (a, b) = (&r[0].1, &r[1].1);
        assert_eq!(
            a.text,
            "metadata: {name: a-api}\n---\nmetadata: {name: a-web}\n"
        );
        assert_eq!(
            b.text,
            "metadata: {name: b-api}\n---\nmetadata: {name: b-web}\n"
        );
        // a-web is on line 5 of the stream, line 3 of its cut; b-api on 3, b-web on 7.
        let at = |i: &Input, line| i.origin(line, 11);
        let stream = |line| Input::new("m.yaml", "").origin(line, 11);
        assert_eq!((at(a, 1), at(a, 3)), (stream(1), stream(5)));
        assert_eq!((at(b, 1), at(b, 3)), (stream(3), stream(7)));
    }

    /// n releases taking turns hold n documents' worth of text in all, not n streams.
    #[test]
    fn interleaved_releases_are_cut_in_linear_size() {
        let n = 2_000;
        let text: String = (0..2)
            .flat_map(|_| (0..n).map(|i| format!("metadata: {{name: r{i}-api}}\n---\n")))
            .collect();
        let total: usize = releases(Input::new("m.yaml", text.as_str()))
            .map(|(_, i)| i.text.len())
            .sum();
        assert!(total <= text.len(), "{total} bytes cut from {}", text.len());
    }
}
