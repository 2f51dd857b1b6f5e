//! The answers file's JSON Schema: `assets/answers.schema.json` equals what the Rust types
//! generate, and it accepts every preset and every `hostwiz.toml` that `apply` writes (checked
//! by check-jsonschema) and rejects wrong answers.

use crate::support::validators;
use crate::Test;

use std::path::{Path, PathBuf};

const REFRESH: &str =
    "run `HOSTWIZ_UPDATE_SCHEMA=1 cargo test --test suite schema::` to refresh it";

fn schema_path() -> PathBuf {
    validators::manifest_dir()
        .join("assets")
        .join("answers.schema.json")
}

#[test]
fn committed_schema_matches_the_rust_types() {
    let generated = hostwiz::answers::schema();
    let path = schema_path();
    if std::env::var("HOSTWIZ_UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).expect("write assets/answers.schema.json");
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; {REFRESH}", path.display()));
    assert!(
        committed == generated,
        "assets/answers.schema.json is out of date with the key table in src/answers/; {REFRESH}"
    );
}

#[test]
fn the_schema_subcommand_prints_the_committed_schema() {
    let out = Test::new().args(["schema"]).run().status(0);
    assert_eq!(out.stdout, hostwiz::answers::schema());
}

/// TOML to JSON, as an editor's schema check sees the document.
fn toml_to_json(toml_text: &str, dir: &Path, name: &str) -> PathBuf {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    let json = serde_json::to_string_pretty(&value).expect("TOML values serialize as JSON");
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, json).unwrap();
    path
}

fn presets() -> Vec<(String, String)> {
    let dir = validators::manifest_dir().join("presets");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 6, "the presets are found");
    out
}

#[test]
fn every_preset_validates_against_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in presets() {
        let json = toml_to_json(&text, tmp.path(), &name);
        if validators::check_jsonschema(&schema_path(), &json).is_none() {
            return;
        }
    }
}

#[test]
fn every_hostwiz_toml_written_by_apply_validates_and_starts_with_the_directive() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, _) in presets() {
        let out = tmp.path().join(&name);
        Test::new()
            .args(["apply", "--preset", &name, "--yes", "--out"])
            .args([&out])
            .run()
            .status(0);
        let written = std::fs::read_to_string(out.join("hostwiz.toml")).unwrap();
        assert_eq!(
            written.lines().next(),
            Some(hostwiz::render::SCHEMA_DIRECTIVE),
            "{name}: hostwiz.toml starts with the taplo schema directive"
        );
        let json = toml_to_json(&written, tmp.path(), &format!("{name}-written"));
        if validators::check_jsonschema(&schema_path(), &json).is_none() {
            return;
        }
    }
}

#[test]
fn the_schema_rejects_wrong_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(validators::manifest_dir().join("presets/k8s-single.toml"))
        .unwrap();
    let wrong = [
        (
            "unknown-host",
            good.replace("host = \"k8s\"", "host = \"heroku\""),
        ),
        ("unknown-key", format!("{good}\nreplicas = 3\n")),
        (
            "unknown-section-key",
            good.replace("[domains]\n", "[domains]\nwww = \"www.example.com\"\n"),
        ),
        ("wrong-version", good.replace("version = 1", "version = 2")),
        ("no-host", good.replace("host = \"k8s\"\n", "")),
        (
            "wrong-worker",
            good.replace("worker = \"inline\"", "worker = \"both\""),
        ),
        (
            "zero-replicas",
            good.replace("api_replicas = 1", "api_replicas = 0"),
        ),
        (
            "string-flag",
            good.replace("autoscaling = false", "autoscaling = \"no\""),
        ),
    ];
    let Some(exe) = validators::require("check-jsonschema") else {
        return;
    };
    for (name, text) in wrong {
        assert_ne!(text, good, "{name}: the mutation applies");
        let json = toml_to_json(&text, tmp.path(), name);
        let out = validators::run_expect_failure(
            std::process::Command::new(&exe)
                .arg("--schemafile")
                .arg(schema_path())
                .arg(&json),
            None,
        );
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            said.contains("Schema validation errors"),
            "{name}: check-jsonschema reports a validation error, not a crash:\n{said}"
        );
    }
}
