//! The real tools accept what hostwiz writes, and read it the way the contracts require:
//! Caddy routes `/api` on the web host to `web:3000`; the Helm chart's Ingress sends `/api` to
//! the web Service and manifests pass `kubernetes-validate --strict`; Terraform formats and
//! hcl2tojson parses the tfvars; Docker Compose resolves the API's flags to "false" on top of
//! the starter's base file; yamllint passes every YAML file.

use crate::support::validators;

use crate::support::caddy_json::caddy_dial;

use hostwiz::render::{self, File};
use hostwiz::source::{self, Source};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn written(preset: &str, sets: &[&str]) -> (tempfile::TempDir, Vec<File>) {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let answers = source::load(&Source::Preset(preset.into()), &sets).expect("preset loads");
    let files = render::render(&answers);
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.path), &f.contents).unwrap();
    }
    (dir, files)
}

fn path(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

fn env_pairs(env_file: &str) -> Vec<(String, String)> {
    env_file
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn as_refs(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Caddy

fn check_caddy(preset: &str, sets: &[&str]) {
    let (dir, files) = written(preset, sets);
    let env_file = &files
        .iter()
        .find(|f| f.path == "compose.env")
        .unwrap()
        .contents;
    let env = env_pairs(env_file);
    let caddyfile = path(&dir, "Caddyfile");
    if validators::caddy_validate(&caddyfile, &as_refs(&env)).is_none() {
        return;
    }
    let adapted: Value =
        serde_json::from_str(&validators::caddy_adapt(&caddyfile, &as_refs(&env)).unwrap())
            .unwrap();
    let servers = adapted["apps"]["http"]["servers"]
        .as_object()
        .expect("an http server");
    let routes: Vec<Value> = servers
        .values()
        .flat_map(|s| s["routes"].as_array().unwrap().clone())
        .collect();
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let web = get("APP_HOST").unwrap();
    for p in ["/api", "/api/", "/api/session", "/", "/dashboard", "/apix"] {
        assert_eq!(
            caddy_dial(&routes, &web, p).as_deref(),
            Some("web:3000"),
            "{preset}: {web}{p}"
        );
    }
    if let Some(api) = get("API_HOST") {
        for p in ["/", "/health/ready", "/api/x"] {
            assert_eq!(
                caddy_dial(&routes, &api, p).as_deref(),
                Some("api:8000"),
                "{preset}: {api}{p}"
            );
        }
    }
}

#[test]
fn caddy_accepts_the_caddyfile_and_routes_api_to_web() {
    check_caddy("vps-single", &[]);
    check_caddy("vps-worker", &[]);
    check_caddy(
        "vps-single",
        &["domains.api=api.acme.io", "domains.tls_email="],
    );
}

#[test]
fn the_caddy_reading_sees_a_bypass() {
    // The evaluator above must be able to fail: the pre-remediation Caddyfile sent /api to the API.
    let dir = tempfile::tempdir().unwrap();
    let caddyfile = path(&dir, "Caddyfile");
    std::fs::write(
        &caddyfile,
        "{$APP_HOST} {\n\t@api path /api /api/*\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n",
    )
    .unwrap();
    let Some(json) = validators::caddy_adapt(&caddyfile, &[("APP_HOST", "app.example.com")]) else {
        return;
    };
    let adapted: Value = serde_json::from_str(&json).unwrap();
    let routes = adapted["apps"]["http"]["servers"]["srv0"]["routes"]
        .as_array()
        .unwrap();
    assert_eq!(
        caddy_dial(routes, "app.example.com", "/api/x").as_deref(),
        Some("api:8000")
    );
    assert_eq!(
        caddy_dial(routes, "app.example.com", "/").as_deref(),
        Some("web:3000")
    );
}

#[test]
fn the_caddyfile_is_in_caddy_fmt_form() {
    let (dir, _) = written("vps-worker", &[]);
    validators::caddy_fmt_check(&path(&dir, "Caddyfile"));
}

// ---------------------------------------------------------------------------------------------
// Helm + Kubernetes

pub(crate) fn yaml_stream_to_json(yaml: &str) -> Option<Vec<Value>> {
    let python = validators::python()?;
    let out = validators::run_with_input(
        Command::new(python).args([
            "-c",
            "import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d]))",
        ]),
        Some(yaml.as_bytes()),
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn ingress_backend(docs: &[Value], host: &str, path: &str) -> Option<String> {
    docs.iter()
        .filter(|d| d["kind"] == "Ingress")
        .flat_map(|d| d["spec"]["rules"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["host"] == host)
        .flat_map(|r| r["http"]["paths"].as_array().cloned().unwrap_or_default())
        .filter(|p| {
            let prefix = p["path"].as_str().unwrap().trim_end_matches('/');
            prefix.is_empty() || path == prefix || path.starts_with(&format!("{prefix}/"))
        })
        .max_by_key(|p| p["path"].as_str().unwrap().len())
        .map(|p| {
            p["backend"]["service"]["name"]
                .as_str()
                .unwrap()
                .to_string()
        })
}

fn check_helm(preset: &str, sets: &[&str]) {
    let (dir, files) = written(preset, sets);
    let values_name = &files
        .iter()
        .find(|f| f.path.starts_with("values-"))
        .unwrap()
        .path;
    let values = path(&dir, values_name);
    validators::yamllint(&values);
    let chart = validators::chart_dir();
    validators::helm_lint(&chart, &[&values]);
    let Some(manifests) = validators::helm_render(&chart, &[&values]) else {
        return;
    };
    // ExternalSecret is a CRD without a schema in kubernetes-validate; the rest is validated.
    let core: Vec<&str> = manifests
        .split("\n---")
        .filter(|d| !d.contains("\nkind: ExternalSecret"))
        .collect();
    validators::kubernetes_validate(&core.join("\n---"));
    let docs = yaml_stream_to_json(&manifests).unwrap();
    let answers: toml::Table = toml::from_str(
        &files
            .iter()
            .find(|f| f.path == "hostwiz.toml")
            .unwrap()
            .contents,
    )
    .unwrap();
    let web = answers["domains"]["web"].as_str().unwrap();
    for p in ["/api", "/api/session", "/", "/dashboard"] {
        assert_eq!(
            ingress_backend(&docs, web, p).as_deref(),
            Some("starter-web"),
            "{preset}: {web}{p}"
        );
    }
    let api = answers["domains"]["api"].as_str().unwrap();
    if !api.is_empty() {
        assert_eq!(
            ingress_backend(&docs, api, "/health/ready").as_deref(),
            Some("starter-api")
        );
    }
    let env_of = |component: &str| -> Vec<(String, String)> {
        docs.iter()
            .filter(|d| {
                d["kind"] == "Deployment" && d["metadata"]["name"] == format!("starter-{component}")
            })
            .flat_map(|d| {
                d["spec"]["template"]["spec"]["containers"][0]["env"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|e| {
                (
                    e["name"].as_str().unwrap().to_string(),
                    e["value"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let flag = |env: &[(String, String)], k: &str| {
        env.iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let dedicated = answers["billing"]["worker"].as_str() == Some("dedicated");
    let api_env = env_of("api");
    let expected = if dedicated { "false" } else { "true" };
    assert_eq!(
        flag(&api_env, "ENABLE_BILLING_RETRY_WORKER").as_deref(),
        Some(expected),
        "{preset}"
    );
    assert_eq!(
        flag(&api_env, "ENABLE_BILLING_STREAM_REPLAY").as_deref(),
        Some(expected),
        "{preset}"
    );
    let worker_env = env_of("worker");
    if dedicated {
        assert_eq!(
            flag(&worker_env, "ENABLE_BILLING_RETRY_WORKER").as_deref(),
            Some("true")
        );
        assert_eq!(
            flag(&worker_env, "ENABLE_BILLING_STREAM_REPLAY").as_deref(),
            Some("true")
        );
    } else {
        assert!(
            worker_env.is_empty(),
            "{preset}: inline mode renders no worker"
        );
    }
}

#[test]
fn helm_renders_valid_manifests_with_api_on_the_web_service() {
    check_helm("k8s-single", &[]);
    check_helm("k8s-ha-worker", &[]);
    check_helm(
        "k8s-single",
        &[
            "domains.api=api.acme.io",
            "k8s.tls_secret=",
            "k8s.api_tls_secret=",
        ],
    );
    check_helm(
        "k8s-ha-worker",
        &[
            "scale.autoscaling=false",
            "images.worker=ghcr.io/acme/worker:2",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Terraform

fn check_tfvars(preset: &str, sets: &[&str]) {
    let (dir, files) = written(preset, sets);
    let tfvars = path(&dir, "prod.tfvars");
    validators::terraform_fmt_check(&tfvars);
    let Some(json) = validators::hcl2tojson(&tfvars) else {
        return;
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    let answers: toml::Table = toml::from_str(
        &files
            .iter()
            .find(|f| f.path == "hostwiz.toml")
            .unwrap()
            .contents,
    )
    .unwrap();
    assert_eq!(
        v["project_id"],
        answers["gcp"]["project_id"].as_str().unwrap()
    );
    assert_eq!(
        v["app_public_url"],
        format!("https://{}", answers["domains"]["web"].as_str().unwrap())
    );
    let dedicated = answers["billing"]["worker"].as_str() == Some("dedicated");
    assert_eq!(v["enable_worker_service"], dedicated);
    assert_eq!(
        v["api_max_instances"],
        answers["scale"]["api_replicas"].as_integer().unwrap()
    );
    let flag = if dedicated { "false" } else { "true" };
    assert_eq!(v["api_env"]["ENABLE_BILLING_RETRY_WORKER"], flag);
    assert_eq!(v["api_env"]["ENABLE_BILLING_STREAM_REPLAY"], flag);
    if dedicated {
        assert_eq!(v["worker_min_instances"], 1);
        assert_eq!(v["worker_max_instances"], 1);
    }
    if let Some(script) = files.iter().find(|f| f.path == "enable-apis.sh") {
        assert!(script.executable);
        let out = Command::new("sh")
            .arg("-n")
            .arg(path(&dir, "enable-apis.sh"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn terraform_formats_and_hcl_parses_the_tfvars() {
    check_tfvars("gcp-cloud-run", &[]);
    check_tfvars("gcp-cloud-run-worker", &[]);
    check_tfvars(
        "gcp-cloud-run",
        &["gcp.enable_project_services=false", "gcp.cloud_dns=true"],
    );
}

// ---------------------------------------------------------------------------------------------
// Compose

#[test]
fn compose_resolves_the_worker_override_on_top_of_the_starter_file() {
    let (dir, files) = written("vps-worker", &[]);
    let override_file = path(&dir, "docker-compose.worker.yml");
    validators::yamllint(&override_file);
    let env = env_pairs(
        &files
            .iter()
            .find(|f| f.path == "compose.env")
            .unwrap()
            .contents,
    );
    let base = validators::compose_base_file();
    let files_: [&Path; 2] = [&base, &override_file];
    let Some(json) = validators::compose_config_json(&files_, &["worker"], &as_refs(&env)) else {
        return;
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    let api = &v["services"]["api"];
    assert_eq!(api["environment"]["ENABLE_BILLING_RETRY_WORKER"], "false");
    assert_eq!(api["environment"]["ENABLE_BILLING_STREAM_REPLAY"], "false");
    assert_eq!(
        api["environment"]["BILLING_RETRY_DEPLOYMENT_MODE"],
        "dedicated"
    );
    assert_eq!(api["deploy"]["replicas"], 2);
    // `--profile worker`, as the checklist passes it with the override, starts the worker.
    let worker = &v["services"]["worker"];
    assert_eq!(worker["image"], "ghcr.io/acme/starter-api:1.4.0");
    assert_eq!(worker["environment"]["ENABLE_BILLING_RETRY_WORKER"], "true");
    assert_eq!(
        worker["environment"]["ENABLE_BILLING_STREAM_REPLAY"],
        "true"
    );
    assert_eq!(worker["deploy"]["replicas"], 1);
}

/// Issue 15 item 6: the starter's plain `up` with the dedicated mode's env file starts no
/// worker (it would run without the override, beside an API that owns billing too): the env
/// file carries no `COMPOSE_PROFILES`, the commands pass `--profile worker` with the override.
#[test]
fn compose_plain_up_with_the_dedicated_env_file_starts_no_worker() {
    let (_dir, files) = written("vps-worker", &[]);
    let env_text = &files
        .iter()
        .find(|f| f.path == "compose.env")
        .unwrap()
        .contents;
    assert!(!env_text.contains("COMPOSE_PROFILES"), "{env_text}");
    let env = env_pairs(env_text);
    let base = validators::compose_base_file();
    let Some(json) = validators::compose_config_json(&[&base], &[], &as_refs(&env)) else {
        return;
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(v["services"]["worker"].is_null(), "{json}");
}

#[test]
fn compose_without_the_override_keeps_the_inline_api() {
    let (_dir, files) = written("vps-single", &[]);
    let env = env_pairs(
        &files
            .iter()
            .find(|f| f.path == "compose.env")
            .unwrap()
            .contents,
    );
    let base = validators::compose_base_file();
    let Some(json) = validators::compose_config_json(&[&base], &[], &as_refs(&env)) else {
        return;
    };
    let v: Value = serde_json::from_str(&json).unwrap();
    assert!(
        v["services"]["worker"].is_null(),
        "no worker without its profile"
    );
    assert!(v["services"]["api"]["environment"]["ENABLE_BILLING_RETRY_WORKER"].is_null());
}

/// Issue 15 item 11: the build script warns, in a plain `cargo test`, about exactly the tools
/// these tests skip without; its list names every validator the tests require.
#[test]
fn the_build_script_names_every_validator_the_tests_skip_without() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let build = std::fs::read_to_string(root.join("build.rs")).unwrap();
    let list = build
        .split("const VALIDATORS: &[&str] = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("build.rs lists VALIDATORS");
    let named: Vec<&str> = list.split('"').skip(1).step_by(2).collect();
    let mut required = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        for piece in text.split("require(\"").skip(1) {
            required.insert(piece.split('"').next().unwrap().to_string());
        }
    }
    // General tools every developer has (or that only one test uses for its own setup).
    let general = ["bash", "git", "man", "pre-commit"];
    for tool in required.iter().filter(|t| !general.contains(&t.as_str())) {
        assert!(
            named.contains(&tool.as_str()),
            "build.rs does not name {tool}"
        );
    }
    assert!(build.contains("cargo:warning="), "build.rs warns");
}
