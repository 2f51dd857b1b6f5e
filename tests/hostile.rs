//! Hostile answers: config injection for Caddyfile, YAML and HCL (braces, newlines, quotes,
//! `${}` / `{$}` placeholders, `#`, look-alike unicode, very long values, control characters).
//! Every free-text answer either refuses each value at the border, naming the key, or writes
//! it without changing the structure of any file.
//!
//! Line counts alone could miss an injection that stays on its line (a quote that ends a
//! string early, a `${}` that Compose or Terraform would expand), so every accepted value is
//! also read back by the real tools: PyYAML for the Helm values and the worker override,
//! python-hcl2 for the tfvars, tomllib for hostwiz.toml, Docker Compose for compose.env (on top
//! of the starter's base file) and Caddy for the Caddyfile (with the environment Compose gives
//! its container). Each parsed file must equal the parsed baseline file with the baseline value
//! replaced by the accepted one in every string: what a reader of the files gets is the value,
//! verbatim, where the answer belongs, and nothing else changes. `tests/tools/parse_literal.py`
//! does the reading; without the tools the check is skipped with a note, or fails under
//! `HOSTWIZ_REQUIRE_VALIDATORS=1`.

use crate::support::validators;

use hostwiz::answers::{Answers, Kind, RawAnswers, KEYS};
use hostwiz::render::{self, File};
use hostwiz::source::{self, Source};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "app.example.com { respond 1 }",
        "app.example.com\n}\nevil.com {",
        "app.example.com\nreverse_proxy api:8000",
        "{$API_HOST}",
        "{$APP_HOST:evil.com}",
        "${API_IMAGE}",
        "${WORKER_IMAGE:-evil}",
        "$${x}",
        "%{if true}x%{endif}",
        "\"quoted\"",
        "'single'",
        "a\"b",
        "a'b",
        "a\\b",
        "app.example.com # comment",
        "#",
        "app.example.com\r\nX: y",
        "key: value",
        "- item",
        "[a, b]",
        "{a: b}",
        "&anchor x",
        "*alias",
        "!!python/object:os.system",
        "| block",
        "> folded",
        "---",
        "...",
        "@api path /api*",
        "app.example.com:443",
        "https://app.example.com",
        "app.example.com/path",
        "app .example.com",
        "аpp.example.com",
        "app.exаmple.com",
        "ａｐｐ.example.com",
        "app\u{200b}.example.com",
        "app\u{0}.example.com",
        "app\u{1b}[31m.example.com",
        "app\u{7f}.example.com",
        "app\t.example.com",
        "",
        " ",
        "\n",
        "a=b",
        "a = \"b\"\nc = \"d\"",
        "x }\n{",
        "true",
        "null",
        "~",
        "0x1F",
        "1e6",
        "-",
        "..",
        "../../etc/passwd",
        "/etc/passwd",
        "app..example.com",
        "-app.example.com",
        "app-.example.com",
        "xn--",
        "<script>",
        "`backtick`",
        "$(rm -rf /)",
        "; rm -rf /",
        "a,b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(300));
    v.push(format!("{}.com", "a".repeat(64)));
    v.push("x.".repeat(200) + "com");
    v
}

fn base(host: &str) -> RawAnswers {
    let preset = match host {
        "k8s" => "k8s-ha-worker",
        "vps" => "vps-worker",
        "aws" => "aws-ecs",
        "azure" => "azure-container-apps",
        _ => "gcp-cloud-run-worker",
    };
    source::load(&Source::Preset(preset.into()), &[])
        .unwrap()
        .to_raw()
}

/// The shape of the files: their line counts, which any injected structure would change.
/// (Names may change: the environment names the files.)
fn shape(files: &[File]) -> Vec<usize> {
    files.iter().map(|f| f.contents.lines().count()).collect()
}

/// A valid value for `key` that no other answer contains: the baseline of the real-tool check.
/// Its rule replaces the baseline value in every parsed string, and a preset value such as
/// `prod` or `starter` also occurs inside other answers (`acme-prod`,
/// `ghcr.io/acme/starter-api`), where replacing it would expect a change that must not happen.
fn probe(key: &str) -> &'static str {
    match key {
        "environment" | "k8s.release" | "k8s.namespace" | "k8s.ingress_class"
        | "k8s.tls_secret" | "k8s.api_tls_secret" => "zqprobe",
        "domains.web" | "domains.api" => "zqprobe.example",
        "domains.tls_email" => "ops@zqprobe.example",
        "images.api" | "images.web" | "images.worker" => "zqprobe/img:1",
        "gcp.project_id" => "zqprobe-1",
        "gcp.region" => "zqprobe-west1",
        "gcp.extra_services" => "zqprobe.googleapis.com",
        "gcp.project_name" => "zqp",
        "aws.account_id" => "987654321098",
        "aws.region" => "zqprobe-west-1",
        "aws.project_name" => "zqpaws",
        "aws.certificate_arn" => "arn:aws:acm:us-east-1:987654321098:certificate/zqprobe",
        "azure.region" => "zqprobewest",
        "azure.project_name" => "zqpaz",
        "azure.storage_account" => "zqprobeacct",
        "azure.key_vault" => "zqprobe-kv",
        "azure.log_analytics" => "zqprobe-logs",
        "billing.price_map" => "{\"zqprobe\":\"price_zqprobe\"}",
        "secrets.location"
        | "secrets.signing_secret"
        | "secrets.keyset_secret"
        | "storage.bucket"
        | "k8s.secret_store"
        | "k8s.remote_key_prefix" => "zqprobe",
        other => panic!("no probe value for {other}: add one that occurs in no other answer"),
    }
}

/// Writes `files` into a new directory under `root`; returns it with the file names in render
/// order.
fn write_render(root: &Path, files: &[File]) -> (PathBuf, Vec<String>) {
    let dir = root.join(std::fs::read_dir(root).unwrap().count().to_string());
    std::fs::create_dir(&dir).unwrap();
    for f in files {
        std::fs::write(dir.join(&f.path), &f.contents).unwrap();
    }
    (dir, files.iter().map(|f| f.path.clone()).collect())
}

#[test]
fn every_free_text_answer_refuses_or_keeps_hostile_values_literal() {
    let values = hostile();
    assert!(values.len() >= 50, "{}", values.len());
    let mut refused = 0;
    let mut accepted = 0;
    let renders = tempfile::tempdir().unwrap();
    let mut literal_cases = Vec::new();
    for key in KEYS
        .iter()
        .filter(|k| matches!(k.kind, Kind::Text | Kind::List))
    {
        for host in ["k8s", "vps", "gcp", "aws", "azure"] {
            // The key set to an ordinary value first, so that only the value differs below.
            let mut baseline = base(host);
            if baseline.get(key.name).is_empty() {
                let ordinary = match key.name {
                    "images.worker" => "acme/worker:1",
                    "domains.api" => "api.example.com",
                    "domains.tls_email" => "ops@example.com",
                    "gcp.extra_services" => "dns.googleapis.com",
                    "gcp.project_id" => "acme-prod",
                    "aws.account_id" => "123456789012",
                    "aws.certificate_arn" => "arn:aws:acm:us-east-1:123456789012:certificate/x-1",
                    "azure.storage_account" => "starterx",
                    "azure.key_vault" => "starter-kv",
                    "billing.price_map" => "{\"starter\":\"price_1\"}",
                    _ => "starter-x",
                };
                baseline.set(&format!("{}={ordinary}", key.name)).unwrap();
            }
            let before = shape(&render::render(&Answers::from_raw(&baseline).unwrap()));
            let mut probed = baseline.clone();
            probed
                .set(&format!("{}={}", key.name, probe(key.name)))
                .unwrap();
            let probed = Answers::from_raw(&probed).unwrap_or_else(|e| {
                panic!("{host}: the probe value of {} is refused: {e}", key.name)
            });
            let (probe_dir, probe_names) = write_render(renders.path(), &render::render(&probed));
            for value in &values {
                let mut raw = baseline.clone();
                let set = raw.set(&format!("{}={value}", key.name));
                match set
                    .map_err(|e| e.key)
                    .and_then(|_| Answers::from_raw(&raw).map_err(|e| e.key))
                {
                    Err(k) => {
                        assert_eq!(k, key.name, "{host}: refusing {value:?} must name the key");
                        refused += 1;
                    }
                    Ok(a) => {
                        accepted += 1;
                        let v = value.trim();
                        assert!(
                            v.is_empty()
                                || v.chars()
                                    .all(|c| c.is_ascii_alphanumeric() || "._-:/@,".contains(c)),
                            "{host}: {} accepted {value:?}",
                            key.name
                        );
                        // An empty answer unsets an optional key, which changes files by design.
                        if !v.is_empty() {
                            let files = render::render(&a);
                            assert_eq!(
                                shape(&files),
                                before,
                                "{host}: {} = {value:?} changed a file's structure",
                                key.name
                            );
                            let (dir, names) = write_render(renders.path(), &files);
                            let pairs: Vec<[&String; 2]> = probe_names
                                .iter()
                                .zip(&names)
                                .map(|(b, n)| [b, n])
                                .collect();
                            literal_cases.push(json!({
                                "host": host,
                                "key": key.name,
                                "baseline": probe(key.name),
                                "value": value,
                                "baseline_dir": probe_dir,
                                "dir": dir,
                                "files": pairs,
                            }));
                        }
                    }
                }
            }
        }
    }
    assert!(
        refused > accepted * 10,
        "refused {refused}, accepted {accepted}"
    );
    read_back_literally(renders.path(), literal_cases);
}

/// Runs `tests/tools/parse_literal.py` once over every accepted case: the real parser of each
/// format must read the accepted value back verbatim, with nothing else changed.
fn read_back_literally(root: &Path, cases: Vec<Value>) {
    assert!(
        !cases.is_empty(),
        "no hostile value was accepted: nothing to read back"
    );
    let Some(python) = validators::python() else {
        return;
    };
    let Some(caddy) = validators::require("caddy") else {
        return;
    };
    let Some(compose) = validators::compose_v2() else {
        return;
    };
    let manifest = root.join("manifest.json");
    let text = json!({
        "compose_base": validators::compose_base_file(),
        "docker_compose": compose,
        "caddy": caddy,
        "cases": cases,
    });
    std::fs::write(&manifest, serde_json::to_vec_pretty(&text).unwrap()).unwrap();
    let mut cmd = Command::new(python);
    cmd.arg(validators::tools_dir().join("parse_literal.py"))
        .arg(&manifest);
    let out = validators::output(&mut cmd, None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit 3: the venv lacks PyYAML or python-hcl2, a missing validator like any other.
    if out.status.code() == Some(3) && !validators::validators_required() {
        eprintln!("skipped: reading hostile values back ({})", stderr.trim());
        return;
    }
    assert!(
        out.status.success(),
        "the real tools do not read every accepted value back literally\n{stdout}\n{stderr}"
    );
    eprintln!("{}", stdout.trim());
    let checked: usize = stdout
        .strip_prefix("checked ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `checked N` summary from parse_literal.py:\n{stdout}"));
    assert!(checked > 0, "{stdout}");
}
