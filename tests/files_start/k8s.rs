//! k8s: every preset rendered by the Helm engine through the test chart; each container's env
//! and secret references hold what the startup contract requires, each reference is backed
//! by an ExternalSecret with a store (or the chart's own Secret), and no env name repeats.

use super::{
    admits, answer, answers, contents, presets_of, server_problems, url_host, variants, written,
};
use crate::support::validators;
use crate::validators::yaml_stream_to_json;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct Container {
    /// Every env entry in order: name, literal value (None for a secretKeyRef).
    env: Vec<(String, Option<String>)>,
    /// name → (Secret name, key) of each secretKeyRef.
    refs: BTreeMap<String, (String, String)>,
}

fn container(docs: &[Value], component: &str) -> Option<Container> {
    let d = docs.iter().find(|d| {
        d["kind"] == "Deployment" && d["metadata"]["name"] == format!("starter-{component}")
    })?;
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    let mut env = Vec::new();
    let mut refs = BTreeMap::new();
    for e in c["env"].as_array().cloned().unwrap_or_default() {
        let name = e["name"].as_str().unwrap().to_string();
        if let Some(r) = e["valueFrom"]["secretKeyRef"].as_object() {
            refs.insert(
                name.clone(),
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["key"].as_str().unwrap().to_string(),
                ),
            );
            env.push((name, None));
        } else {
            env.push((name, Some(e["value"].as_str().unwrap_or("").to_string())));
        }
    }
    Some(Container { env, refs })
}

/// Where the Secret `name` gets `key` from: an ExternalSecret with a store, or the chart's
/// own Secret. `None` when nothing in the release makes that key.
fn backing(docs: &[Value], name: &str, key: &str) -> Option<&'static str> {
    for d in docs {
        if d["kind"] == "ExternalSecret" && d["spec"]["target"]["name"] == name {
            let store = d["spec"]["secretStoreRef"]["name"].as_str().unwrap_or("");
            assert!(!store.is_empty(), "ExternalSecret for {name} has no store");
            let data = d["spec"]["data"].as_array().cloned().unwrap_or_default();
            let remote = data
                .iter()
                .find(|e| e["secretKey"] == key)
                .map(|e| e["remoteRef"]["key"].as_str().unwrap_or("").to_string());
            if let Some(remote) = remote {
                assert!(!remote.is_empty(), "{name}/{key}: empty remote key");
                return Some("ExternalSecret");
            }
        }
        if d["kind"] == "Secret" && d["metadata"]["name"] == name && d["data"].get(key).is_some() {
            return Some("Secret");
        }
    }
    None
}

fn check(preset: &str, sets: &[String]) {
    let (dir, files) = written(preset, sets);
    // The values files in the order the checklist's helm line passes them.
    let command = contents(&files, "CHECKLIST.md").replace("\\\n", " ");
    let helm = command
        .lines()
        .find(|l| l.starts_with("helm upgrade --install "))
        .expect("the checklist's helm line");
    let values: Vec<PathBuf> = helm
        .split_whitespace()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[0] == "-f")
        .map(|w| dir.path().join(w[1].rsplit('/').next().unwrap()))
        .collect();
    assert!(!values.is_empty(), "{helm}");
    let refs: Vec<&Path> = values.iter().map(PathBuf::as_path).collect();
    let Some(stream) = validators::helm_render(&validators::chart_dir(), &refs) else {
        return;
    };
    let docs = yaml_stream_to_json(&stream).unwrap();
    let t = answers(&files);
    let billing = t["billing"]["enabled"].as_bool() == Some(true);
    let dedicated = answer(&t, "billing", "worker") == Some("dedicated");
    let what = format!("{preset} {sets:?}");

    let mut components = vec!["api", "web"];
    if dedicated {
        components.push("worker");
    }
    assert_eq!(
        container(&docs, "worker").is_some(),
        dedicated,
        "{what}: a worker Deployment exactly when dedicated"
    );
    let mut seen = BTreeMap::new();
    for component in components {
        let c = container(&docs, component)
            .unwrap_or_else(|| panic!("{what}: no {component} Deployment"));
        let mut names: Vec<&str> = c.env.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(
            before,
            names.len(),
            "{what}: the {component} container repeats an env name: {:?}",
            c.env
        );
        for (name, (secret, key)) in &c.refs {
            assert_eq!(name, key, "{what}: {component} {name}");
            assert!(
                backing(&docs, secret, key).is_some(),
                "{what}: {component}'s {name} refers to {secret}/{key}, which nothing makes"
            );
        }
        seen.insert(component, c);
    }
    let get = |c: &Container, k: &str| -> Option<String> {
        c.env
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.clone())
    };
    for server in ["api", "worker"] {
        let Some(c) = seen.get(server) else { continue };
        let problems = server_problems(&|k| get(c, k), &|k| c.refs.contains_key(k), billing);
        assert!(problems.is_empty(), "{what}: the {server}: {problems:?}");
        // BOOT-005: the probes send the pod IP as Host; only * admits it.
        assert_eq!(
            get(c, "ALLOWED_HOSTS").as_deref(),
            Some("*"),
            "{what}: {server}"
        );
        // The API image listens on 8000 whatever PORT says.
        assert_eq!(get(c, "PORT").as_deref(), Some("8000"), "{what}: {server}");
    }
    // BOOT-006: the web reaches the API's Service in the cluster and binds every address.
    let web = &seen["web"];
    let base = get(web, "API_BASE_URL").unwrap_or_else(|| panic!("{what}: web API_BASE_URL"));
    let service = docs
        .iter()
        .find(|d| d["kind"] == "Service" && d["metadata"]["name"] == url_host(&base))
        .unwrap_or_else(|| panic!("{what}: {base} names no Service"));
    assert_eq!(
        service["metadata"]["labels"]["app.kubernetes.io/component"], "api",
        "{what}: {base}"
    );
    let port = service["spec"]["ports"][0]["port"].as_u64().unwrap();
    assert!(base.ends_with(&format!(":{port}")), "{what}: {base}");
    assert!(admits(
        &get(&seen["api"], "ALLOWED_HOSTS").unwrap(),
        url_host(&base)
    ));
    assert_eq!(get(web, "HOSTNAME").as_deref(), Some("0.0.0.0"), "{what}");
    assert!(get(web, "APP_PUBLIC_URL").is_some_and(|u| u.starts_with("https://")));
    // BOOT-007: with billing on, an Ingress routes a host to the API for Stripe's webhook.
    if billing {
        let routed = docs.iter().filter(|d| d["kind"] == "Ingress").any(|d| {
            d["spec"]["rules"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| {
                    r["http"]["paths"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|p| p["backend"]["service"]["name"] == "starter-api")
                })
        });
        assert!(routed, "{what}: no Ingress reaches the API");
    }
}

#[test]
fn every_k8s_preset_renders_containers_that_start() {
    for preset in presets_of("k8s") {
        for sets in variants(&preset) {
            check(&preset, &sets);
        }
    }
}

#[test]
fn the_charts_own_secret_carries_the_references_when_there_is_no_store() {
    for preset in presets_of("k8s") {
        check(&preset, &["k8s.secret_store=".to_string()]);
    }
}

/// The check above can fail: the chart's defaults (External Secrets on, no store, no data)
/// give the API no DATABASE_URL, and a worker.env repeating the forced flags repeats names.
#[test]
fn the_charts_defaults_are_seen_to_fail() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("v.yaml");
    std::fs::write(
        &values,
        "worker:\n  enabled: true\n  image: a:1\n  env:\n    ENABLE_BILLING_STREAM_REPLAY: \"true\"\n",
    )
    .unwrap();
    let Some(stream) = validators::helm_render(&validators::chart_dir(), &[&values]) else {
        return;
    };
    let docs = yaml_stream_to_json(&stream).unwrap();
    let api = container(&docs, "api").unwrap();
    assert!(!api.refs.contains_key("DATABASE_URL"));
    let worker = container(&docs, "worker").unwrap();
    let replay = worker
        .env
        .iter()
        .filter(|(n, _)| n == "ENABLE_BILLING_STREAM_REPLAY")
        .count();
    assert_eq!(replay, 2, "the chart repeats a name worker.env repeats");
}
