//! No input makes an ingester panic: arbitrary text, and arbitrary edits of the valid files
//! hostwiz writes, go through every reader and come out as a plan or a ParseError.

use hostwiz::hosts::{gcp, k8s};
use hostwiz::ingest::{caddy, compose, envfile, yaml, Input, Vars};
use hostwiz::render;
use hostwiz::source::{self, Source};
use proptest::prelude::*;

fn every_reader(name: &str, text: &str) {
    let input = Input::new(name, text);
    let _ = yaml::load_all(text);
    let _ = k8s::values_plan(std::slice::from_ref(&input));
    let _ = k8s::manifests_plan(&input);
    let _ = caddy::parse(&input, &Vars::default()).map(|c| {
        for s in &c.sites {
            for p in ["/", "/api", "/api/x"] {
                let _ = s.upstream(p);
            }
        }
    });
    let _ = compose::load(std::slice::from_ref(&input), &Vars::default(), &[]);
    let _ = envfile::parse(&input);
    let _ = gcp::files_plan(std::slice::from_ref(&input), &[], None);
    let _ = gcp::files_plan(&[], std::slice::from_ref(&input), None);
    let _ = gcp::files_plan(&[Input::new("x.tfvars.json", text)], &[], None);
    let _ = gcp::enabled_services(&input);
    if let Ok(mut raw) = hostwiz::RawAnswers::from_toml(text) {
        let _ = raw.set(text);
        let _ = hostwiz::Answers::from_raw(&raw);
    }
}

/// Every file the presets render: the valid starting points for mutation.
fn corpus() -> Vec<String> {
    [
        "k8s-ha-worker",
        "vps-worker",
        "gcp-cloud-run-worker",
        "k8s-single",
        "vps-single",
    ]
    .iter()
    .flat_map(|p| render::render(&source::load(&Source::Preset(p.to_string()), &[]).unwrap()))
    .map(|f| f.contents)
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        every_reader("fuzz", &text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        every_reader("fuzz", &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn edits_of_valid_files_never_panic(
        which in 0usize..64,
        edits in proptest::collection::vec((any::<usize>(), prop::sample::select(b"{}[]:\"'#\n -*&!|>$\\=,".to_vec())), 1..6),
    ) {
        let files = corpus();
        let mut bytes = files[which % files.len()].clone().into_bytes();
        for (at, b) in edits {
            if bytes.is_empty() { break; }
            let i = at % bytes.len();
            if b == b'-' { bytes.remove(i); } else { bytes[i] = b; }
        }
        every_reader("fuzz", &String::from_utf8_lossy(&bytes));
    }
}
