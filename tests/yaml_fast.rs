//! The fast YAML reader (`ingest::yaml_fast`) never disagrees with saphyr: on every YAML file
//! of the test tree, on the files hostwiz writes, on charts rendered by the real Helm SDK, on
//! the benchmark's generated stream, on random edits of all of those and on random block YAML,
//! it either declines (`None`) or builds exactly saphyr's tree. Rendered manifests and the
//! benchmark stream must take the fast path, and `manifests_plan` reads a stream alike
//! whichever path it takes.

use crate::support::validators;

use crate::support::stream;

use hostwiz::hosts::k8s::manifests_plan;
use hostwiz::ingest::yaml::load_all_saphyr;
use hostwiz::ingest::{yaml_fast, Input};
use hostwiz::render;
use hostwiz::source::{self, Source};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `None` or saphyr's very tree; `true` when the fast path took `text`.
#[track_caller]
fn agrees(text: &str) -> bool {
    let Some(fast) = yaml_fast::load_all(text) else {
        return false;
    };
    let slow = load_all_saphyr(text);
    assert_eq!(
        Ok(&fast),
        slow.as_ref(),
        "the fast path disagrees on {text:?}"
    );
    true
}

/// `manifests_plan` gives the same plan (or error) on the fast path as on saphyr's: a `...`
/// line at the end changes nothing for saphyr but sends the stream off the fast path.
#[track_caller]
fn same_plan(text: &str) {
    if yaml_fast::load_all(text).is_none() {
        return;
    }
    let fast = manifests_plan(&Input::new("m.yaml", text));
    let slow = manifests_plan(&Input::new("m.yaml", format!("{text}\n...\n")));
    assert_eq!(fast, slow, "{text:?}");
}

/// Every `.yaml`/`.yml` file under `tests/`, and the snapshots (YAML front matter, then a file).
fn test_tree_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "snap")
            {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path, text));
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&validators::manifest_dir().join("tests"), &mut out);
    out
}

/// The YAML files the presets render (Helm values, Compose files).
fn written_files() -> Vec<String> {
    ["k8s-ha-worker", "k8s-single", "vps-worker", "vps-single"]
        .iter()
        .flat_map(|p| render::render(&source::load(&Source::Preset(p.to_string()), &[]).unwrap()))
        .filter(|f| f.path.ends_with(".yaml") || f.path.ends_with(".yml"))
        .map(|f| f.contents)
        .collect()
}

/// Values for the test chart that render every kind of object, with quoting and odd scalars.
const FULL_VALUES: &str = "\
api:
  replicaCount: 3
  env:
    A: \"yes\"
    B: 'it''s'
    C: \"quote \\\" and é\"
    D: \"  spaced  \"
    ENABLE_BILLING_RETRY_WORKER: \"true\"
web:
  env:
    NEXT_PUBLIC_API_URL: https://api.example.com/v1
worker:
  enabled: true
  image: \"ghcr.io/acme/w:1\"
  env:
    X: \"\"
ingress:
  enabled: true
  className: nginx
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
    nginx.ingress.kubernetes.io/proxy-body-size: \"8m\"
  hosts:
    - host: app.example.com
  tls:
    - secretName: starter-tls
      hosts: [app.example.com]
  apiHosts:
    - host: api.example.com
autoscaling:
  enabled: true
";

/// The test chart rendered by the Helm SDK, with its defaults and with [`FULL_VALUES`];
/// empty when the tools are missing.
fn rendered() -> &'static [String] {
    static RENDERED: OnceLock<Vec<String>> = OnceLock::new();
    RENDERED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let full = dir.path().join("full.yaml");
        std::fs::write(&full, FULL_VALUES).unwrap();
        let chart = validators::chart_dir();
        [vec![], vec![full.as_path()]]
            .iter()
            .filter_map(|values| validators::helm_render(&chart, values))
            .collect()
    })
}

/// The texts that random edits start from: all of the above that the fast path takes, so the
/// edits land on both sides of its boundary.
fn bases() -> &'static [String] {
    static BASES: OnceLock<Vec<String>> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut bases = vec![stream::stream(30)];
        bases.extend(rendered().iter().cloned());
        bases.extend(written_files());
        bases.extend(test_tree_files().into_iter().map(|(_, text)| text));
        bases.retain(|text| yaml_fast::load_all(text).is_some());
        bases
    })
}

#[test]
fn every_yaml_file_of_the_test_tree() {
    let files = test_tree_files();
    assert!(files.len() > 10, "found only {files:?}");
    for (path, text) in &files {
        eprintln!("{}: fast path {}", path.display(), agrees(text));
    }
}

#[test]
fn the_files_hostwiz_writes() {
    for text in written_files() {
        agrees(&text);
    }
}

#[test]
fn rendered_manifests_take_the_fast_path() {
    for text in rendered() {
        assert!(
            agrees(text),
            "rendered manifests fell back to saphyr:\n{text}"
        );
        same_plan(text);
    }
}

#[test]
fn the_benchmark_stream_takes_the_fast_path() {
    let text = stream::stream(3_000);
    assert!(agrees(&text));
    same_plan(&text);
    let plan = manifests_plan(&Input::new("m.yaml", text)).unwrap();
    assert_eq!(plan.processes.len(), 1_000);
}

#[test]
fn the_chart_release_stream_takes_the_fast_path() {
    let text = stream::chart_stream(20);
    assert!(agrees(&text));
    same_plan(&text);
    let plan = manifests_plan(&Input::new("m.yaml", text)).unwrap();
    assert!(plan.processes.len() >= 20, "{}", plan.processes.len());
}

/// Bytes that matter to YAML (and to the fast path's refusals), to insert or write over.
#[rustfmt::skip]
const ALPHABET: &[&str] = &[
    "-", " ", ":", "#", "'", "\"", "\n", "\t", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">",
    "%", "@", "`", "?", "~", ".", "\\", "x", "é", "\r", "\0", "\u{FEFF}", "\u{85}", "- ", ": ",
    "\n  ", "  ", "---\n", "...\n", "<<", "\"\\", "\\u00e9", "null", "0",
];

/// Applies edits (where, per 10,000 of the text; delete, insert or replace; what) to `text`.
fn edit(text: &str, edits: &[(usize, u8, usize)]) -> String {
    let mut s = text.to_string();
    for &(at, op, what) in edits {
        let mut i = at * s.len() / 10_000;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        let token = ALPHABET[what % ALPHABET.len()];
        let mut end = (i + 1 + (op / 3) as usize % 3).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        match op % 3 {
            0 => s.replace_range(i..end, ""),
            1 => s.insert_str(i, token),
            _ => s.replace_range(i..end, token),
        }
    }
    s
}

/// Keys and scalars for random documents: mostly what the fast path takes, some it refuses.
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "a", "name", "app.kubernetes.io/name", "\"q k\"", "'s k'", "k ", "é", "1", "~", "a b",
    "a#b", "-x", "x:y", "\"a\\\"b\"", "'it''s'", "<<", "?x", ":x", "&a k", "!t k", "a\tb",
];
#[rustfmt::skip]
const SCALARS: &[&str] = &[
    "b", "1", "-1", "~", "null", "true", "\"t\"", "'s'", "\"a\\nb\\x41\\u00e9\\U0001F600\\\\\"",
    "[]", "{}", "[a, b]", "[ a , 'b' , \"c\" ]", "{a: b, c: 'd'}", "[é, 'ü', \"😀\"]", "",
    "http://x:80/a#b", "a #c", "x  y  ", "é ü", "'a''b'", "\"\"", "''", "--", "[-1, -x]",
    "\"a\" # c", "a\u{85}b", "\u{2028}",
    // Outside the subset, or errors.
    "[a, [b]]", "[a,]", "[a: b]", "{a:b}", "|", ">-", "&a x", "*a", "!!str x", "a: b", "- x",
    "#c", "?", "%x", "@x", "\"bad \\q\"", "'a' x", "\"a\"#c",
];

/// A block YAML node, written as text with the given layout.
#[derive(Clone, Debug)]
enum Block {
    Scalar(usize),
    Map(Vec<(usize, Block)>),
    Seq(Vec<Block>),
}

/// How a document is laid out: indentation step, `key:\n- x` or `key:\n  - x`, comments, and a
/// stream of small choices.
#[derive(Clone, Debug)]
struct Layout {
    step: usize,
    indentless: bool,
    choices: Vec<u8>,
}

fn block() -> impl Strategy<Value = Block> {
    let leaf = (0..SCALARS.len()).prop_map(Block::Scalar);
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec((0..KEYS.len(), inner.clone()), 1..5).prop_map(Block::Map),
            prop::collection::vec(inner, 1..5).prop_map(Block::Seq),
        ]
    })
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        1usize..5,
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 64),
    )
        .prop_map(|(step, indentless, choices)| Layout {
            step,
            indentless,
            choices,
        })
}

struct Writer<'l> {
    layout: &'l Layout,
    next: usize,
    out: String,
}

impl Writer<'_> {
    /// The next small choice, below `n`.
    fn choice(&mut self, n: u8) -> u8 {
        let c = self.layout.choices[self.next % self.layout.choices.len()];
        self.next += 1;
        c % n
    }

    /// Mostly the safe half of a table, now and then anything in it.
    fn pick(&mut self, table: &[&'static str], i: usize) -> &'static str {
        if self.choice(10) == 0 {
            table[i]
        } else {
            table[i % (table.len() / 2)]
        }
    }

    /// Ends a line, now and then with a comment, a blank line or a comment line.
    fn eol(&mut self, indent: usize) {
        match self.choice(12) {
            0 => self.out.push_str(" # é"),
            1 => self.out.push('\n'),
            2 => self.out.push_str(&format!("\n{}# c", " ".repeat(indent))),
            _ => {}
        }
        self.out.push('\n');
    }

    /// `node` at `indent`; `inline` when the line is already started (after `- `).
    fn node(&mut self, node: &Block, indent: usize, inline: bool) {
        let pad = |w: &mut Self, first: bool| {
            if !(first && inline) {
                w.out.push_str(&" ".repeat(indent));
            }
        };
        match node {
            Block::Scalar(i) => {
                pad(self, true);
                let s = self.pick(SCALARS, *i);
                self.out.push_str(s);
                self.eol(indent);
            }
            Block::Map(entries) => {
                for (n, (k, v)) in entries.iter().enumerate() {
                    pad(self, n == 0);
                    let key = self.pick(KEYS, *k);
                    self.out.push_str(key);
                    self.out.push(':');
                    match v {
                        Block::Scalar(i) if self.choice(4) != 0 => {
                            self.out.push(' ');
                            let s = self.pick(SCALARS, *i);
                            self.out.push_str(s);
                            self.eol(indent);
                        }
                        Block::Seq(_) if self.layout.indentless => {
                            self.eol(indent);
                            self.node(v, indent, false);
                        }
                        _ => {
                            self.eol(indent);
                            let deeper = indent + self.layout.step;
                            self.node(v, deeper, false);
                        }
                    }
                }
            }
            Block::Seq(items) => {
                for (n, item) in items.iter().enumerate() {
                    pad(self, n == 0);
                    self.out.push('-');
                    let gap = 1 + self.choice(3) as usize;
                    match item {
                        Block::Seq(_) => {
                            self.eol(indent);
                            self.node(item, indent + self.layout.step, false);
                        }
                        _ if self.choice(5) == 0 => {
                            self.eol(indent);
                            self.node(item, indent + gap + 1, false);
                        }
                        _ => {
                            self.out.push_str(&" ".repeat(gap));
                            self.node(item, indent + 1 + gap, true);
                        }
                    }
                }
            }
        }
    }
}

/// Documents as text, separated by `---` lines of several forms.
fn write(docs: &[Block], layout: &Layout) -> String {
    let mut w = Writer {
        layout,
        next: 0,
        out: String::new(),
    };
    for doc in docs {
        let marker = ["---\n", "--- # x\n", "---\n# Source: x\n", ""][w.choice(4) as usize];
        w.out.push_str(marker);
        w.node(doc, 0, false);
    }
    if w.choice(5) == 0 {
        w.out.pop();
    }
    w.out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn random_block_yaml(docs in prop::collection::vec(block(), 1..4), layout in layout()) {
        agrees(&write(&docs, &layout));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn random_edits(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((0usize..10_000, any::<u8>(), any::<usize>()), 1..5),
    ) {
        let text = edit(which.get::<String>(bases()), &edits);
        agrees(&text);
    }

    #[test]
    fn random_edits_of_manifests_read_alike(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec((0usize..10_000, any::<u8>(), any::<usize>()), 1..4),
    ) {
        let mut streams = vec![stream::stream(12)];
        streams.extend(rendered().iter().cloned());
        let text = edit(which.get::<String>(&streams), &edits);
        agrees(&text);
        same_plan(&text);
    }
}
