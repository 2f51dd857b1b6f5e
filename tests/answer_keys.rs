//! The answer key table is the one definition of every key: this walks it and proves each
//! consumer knows each key (the file, `--set`, the schema, the wizards, `apply --help`, the
//! README), and that the README's key table is the one the table generates.

use crate::Test;
use hostwiz::answers::{check_value, Answers, Ask, Key, Kind, Need, RawAnswers, KEYS};
use hostwiz::questions::{self, Step};
use hostwiz::Host;
use std::path::PathBuf;

const REFRESH: &str = "run `HOSTWIZ_UPDATE_README=1 cargo test --test answer_keys` to refresh it";

fn readme_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

/// Valid answers in which every key is at neither its default nor its example.
fn base() -> RawAnswers {
    let mut raw = RawAnswers::blank();
    for s in [
        "domains.web=app.example.com",
        "images.api=ghcr.io/acme/starter-api:1.4.0",
        "images.web=ghcr.io/acme/starter-web:1.4.0",
        "scale.api_replicas=10",
    ] {
        raw.set(s).unwrap();
    }
    raw
}

#[test]
fn every_key_round_trips_through_set_and_the_file() {
    let base = base();
    let before = Answers::from_raw(&base).unwrap();
    for k in KEYS.iter() {
        assert_eq!(check_value(k.name, k.example), Ok(()), "{}", k.name);
        assert_ne!(
            base.get(k.name),
            k.example,
            "{}: the example differs",
            k.name
        );
        let mut raw = base.clone();
        raw.set(&format!("{}={}", k.name, k.example)).unwrap();
        let answers = Answers::from_raw(&raw).unwrap();
        assert_ne!(answers, before, "{}: the answers read it", k.name);
        let written = answers.to_raw().to_toml();
        let back = RawAnswers::from_toml(&written).unwrap();
        assert_eq!(back.get(k.name), k.example, "{}: written back", k.name);
        assert_eq!(Answers::from_raw(&back).unwrap(), answers, "{}", k.name);
    }
}

#[test]
fn every_default_is_accepted_and_absent_keys_take_it() {
    let minimal = RawAnswers::from_toml(
        "version = 1\nhost = \"k8s\"\n[domains]\nweb = \"app.example.com\"\n\
         [images]\napi = \"acme/api:1\"\nweb = \"acme/web:1\"\n",
    )
    .unwrap();
    let mut blank = RawAnswers::blank();
    for s in [
        "domains.web=app.example.com",
        "images.api=acme/api:1",
        "images.web=acme/web:1",
    ] {
        blank.set(s).unwrap();
    }
    assert_eq!(
        Answers::from_raw(&minimal).unwrap(),
        Answers::from_raw(&blank).unwrap()
    );
    for k in KEYS.iter().filter(|k| !matches!(k.need, Need::Required(_))) {
        assert_eq!(check_value(k.name, k.default), Ok(()), "{}", k.name);
    }
}

#[test]
fn every_key_is_in_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(&hostwiz::answers::schema()).unwrap();
    for k in KEYS.iter() {
        let node = match k.section() {
            Some(s) => &schema["properties"][s]["properties"][k.field()],
            None => &schema["properties"][k.name],
        };
        assert!(
            node["description"].is_string(),
            "{} is in the schema",
            k.name
        );
    }
}

#[test]
fn every_key_is_asked_where_it_applies_or_says_why_not() {
    for k in KEYS.iter() {
        match k.ask {
            Ask::At { step, .. } => {
                let q = questions::find(k.name).unwrap();
                assert_eq!(q.step, step, "{}", k.name);
                for host in hostwiz::Host::ALL {
                    assert_eq!(q.applies(Some(host)), k.applies_to(host), "{}", k.name);
                    if !k.applies_to(host) {
                        continue;
                    }
                    assert!(
                        hostwiz::questions::Step::all(Some(host)).contains(&step),
                        "{}: its step is shown on {host}",
                        k.name
                    );
                }
            }
            Ask::Never(why) => assert!(!why.is_empty(), "{}", k.name),
        }
    }
}

#[test]
fn apply_help_lists_every_key() {
    let out = Test::new().args(["apply", "--help"]).run().status(0);
    // clap wraps the lines to the terminal's width.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let help = words(&out.stdout);
    for k in KEYS.iter() {
        assert!(
            help.contains(&words(&format!("{} {}", k.name, k.summary()))),
            "{}",
            k.name
        );
    }
}

fn takes(k: &Key) -> String {
    match k.kind {
        Kind::Text => format!("text, such as `{}`", k.example),
        Kind::Count => "1-1000".into(),
        Kind::Instances => "0-1000".into(),
        Kind::Flag => "true / false".into(),
        Kind::Choice(options) => options.join(" / "),
        Kind::List => format!("comma-separated list, such as `{}`", k.example),
    }
}

fn default(k: &Key) -> String {
    match k.need {
        Need::Required(_) => "required".into(),
        _ if k.default.is_empty() => "empty".into(),
        _ => format!("`{}`", k.default),
    }
}

/// The README's key table, as the key table writes it.
fn readme_table() -> String {
    let mut s = String::from("| key | takes | default | hosts | what it is |\n");
    s.push_str("| --- | --- | --- | --- | --- |\n");
    for k in KEYS.iter() {
        s.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            k.name,
            takes(k),
            default(k),
            k.only_on().unwrap_or_else(|| "all".into()),
            k.help
        ));
    }
    s
}

#[test]
fn the_readme_key_table_is_the_one_the_key_table_writes() {
    let readme = std::fs::read_to_string(readme_path()).unwrap();
    let start = readme
        .find("| key | takes |")
        .expect("README.md has a key table under ## Answer keys");
    let len = readme[start..]
        .find("\n\n")
        .map_or(readme.len() - start, |n| n + 1);
    let (committed, generated) = (&readme[start..start + len], readme_table());
    if std::env::var("HOSTWIZ_UPDATE_README").is_ok_and(|v| v == "1") {
        let updated = readme.replacen(committed, &generated, 1);
        std::fs::write(readme_path(), updated).unwrap();
        return;
    }
    assert!(
        committed == generated,
        "README.md's key table differs from the answer key table; {REFRESH}"
    );
    for k in KEYS.iter() {
        assert!(
            committed.contains(&format!("| `{}` |", k.name)),
            "{}",
            k.name
        );
    }
}

#[test]
fn vps_asks_its_acme_email_right_after_the_domains() {
    let vps: Vec<&str> = questions::all()
        .iter()
        .filter(|q| q.step == Step::Domains && q.applies(Some(Host::Vps)))
        .map(|q| q.key)
        .collect();
    assert_eq!(vps, ["domains.web", "domains.api", "domains.tls_email"]);
}

#[test]
fn services_only_on_gcp() {
    assert!(!Step::all(Some(Host::K8s)).contains(&Step::Services));
    assert!(Step::all(Some(Host::Gcp)).contains(&Step::Services));
    assert!(!Step::all(None).contains(&Step::Services));
}
