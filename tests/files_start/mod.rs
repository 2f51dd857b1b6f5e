//! Evidence that the files hostwiz writes start (issue 13 item 5): every preset, rendered by
//! the real Helm engine through the test chart, planned by Terraform against a module of the
//! blueprint's variables, or configured by Docker Compose with the checklist's own command,
//! gives each process every setting the startup contract (CONTRACTS.md § Startup rules)
//! requires of it.

mod gcp;
mod k8s;
mod vps;

use hostwiz::render::{self, File};
use hostwiz::source::{self, Source};

/// The secrets every API and worker process gets by reference (BOOT-001, BOOT-002).
pub const SERVER_SECRETS: [&str; 6] = [
    "DATABASE_URL",
    "REDIS_URL",
    "OPENAI_API_KEY",
    "SECRET_KEY",
    "AUTH_PASSWORD_PEPPER",
    "AUTH_REFRESH_TOKEN_PEPPER",
];

/// With billing on, by reference too (BOOT-007).
pub const STRIPE_SECRETS: [&str; 2] = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"];

/// The settings BOOT-003 requires, with each provider's own (STARTER-FACTS B.4).
pub fn provider_settings(provider: &str) -> &'static [&'static str] {
    match provider {
        "gcp_sm" => &["GCP_SM_SIGNING_SECRET_NAME"],
        "aws_sm" => &["AWS_REGION", "AWS_SM_SIGNING_SECRET_ARN"],
        "azure_kv" => &["AZURE_KEY_VAULT_URL", "AZURE_KV_SIGNING_SECRET_NAME"],
        "vault_hcp" => &[
            "VAULT_ADDR",
            "VAULT_TRANSIT_KEY",
            "VAULT_VERIFY_ENABLED",
            "VAULT_TOKEN",
        ],
        other => panic!("{other} is not a production secrets provider"),
    }
}

/// The built-in presets of one host (`host = "..."` in the preset).
pub fn presets_of(host: &str) -> Vec<String> {
    let names: Vec<String> = hostwiz::presets::all()
        .unwrap()
        .into_iter()
        .filter(|p| p.path.is_none())
        .filter(|p| {
            let t: toml::Table = toml::from_str(&p.text).unwrap();
            t["host"].as_str() == Some(host)
        })
        .map(|p| p.name)
        .collect();
    assert!(!names.is_empty(), "no {host} preset");
    names
}

/// The variants every preset is checked in: as shipped, and with billing on (an API host
/// added where the preset has none, as BOOT-007 requires).
pub fn variants(preset: &str) -> Vec<Vec<String>> {
    let text = hostwiz::presets::find(preset).unwrap().text;
    let t: toml::Table = toml::from_str(&text).unwrap();
    let has_api = t
        .get("domains")
        .and_then(|d| d.get("api"))
        .and_then(|v| v.as_str())
        .is_some_and(|s| !s.is_empty());
    let mut billing = vec![
        "billing.enabled=true".to_string(),
        r#"billing.price_map={"starter":"price_123","pro":"price_456"}"#.to_string(),
    ];
    if !has_api {
        billing.push("domains.api=api.example.com".into());
    }
    vec![vec![], billing]
}

/// The files `apply` writes for a preset with `--set`s, on disk in a temporary folder.
pub fn written(preset: &str, sets: &[String]) -> (tempfile::TempDir, Vec<File>) {
    let answers = source::load(&Source::Preset(preset.into()), sets).expect("preset loads");
    let files = render::render(&answers);
    let dir = tempfile::tempdir().unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.path), &f.contents).unwrap();
    }
    (dir, files)
}

pub fn contents<'a>(files: &'a [File], name: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == name)
        .unwrap_or_else(|| {
            panic!(
                "no {name} among {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
        .contents
}

/// The answers `apply` recorded (`hostwiz.toml`), for what the variant chose.
pub fn answers(files: &[File]) -> toml::Table {
    toml::from_str(contents(files, "hostwiz.toml")).unwrap()
}

pub fn answer<'a>(t: &'a toml::Table, section: &str, key: &str) -> Option<&'a str> {
    t.get(section)?.get(key)?.as_str()
}

fn truthy(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on")
}

/// What the startup contract requires of one API or worker process, judged on its resolved
/// env (`get`: the value the process reads, last one wins) and the names it gets by
/// reference: the problems found, empty when it starts.
pub fn server_problems(
    get: &dyn Fn(&str) -> Option<String>,
    by_reference: &dyn Fn(&str) -> bool,
    billing: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut secrets: Vec<&str> = SERVER_SECRETS.to_vec();
    if billing {
        secrets.extend(STRIPE_SECRETS);
    }
    for s in secrets {
        if !by_reference(s) {
            problems.push(format!("{s} is not given by reference"));
        }
    }
    match get("ENVIRONMENT").as_deref() {
        Some("production" | "staging") => {}
        other => problems.push(format!("ENVIRONMENT is {other:?}")),
    }
    for flag in ["DEBUG", "USE_TEST_FIXTURES", "AUTO_RUN_MIGRATIONS"] {
        if get(flag).is_some_and(|v| truthy(&v)) {
            problems.push(format!("{flag} is true"));
        }
    }
    let provider = get("SECRETS_PROVIDER").unwrap_or_default();
    if provider.is_empty() || provider.starts_with("vault_dev") {
        problems.push(format!("SECRETS_PROVIDER is {provider:?}"));
    } else {
        for s in provider_settings(&provider) {
            if get(s).is_none_or(|v| v.is_empty()) && !by_reference(s) {
                problems.push(format!("{s} missing for {provider}"));
            }
        }
        // Secret Manager resolves short secret names in a project (STARTER-FACTS B.4).
        let full = |n: &str| get(n).is_some_and(|v| v.starts_with("projects/"));
        let project = ["GCP_SM_PROJECT_ID", "GCP_PROJECT_ID"]
            .iter()
            .any(|n| get(n).is_some_and(|v| !v.is_empty()));
        if provider == "gcp_sm"
            && !project
            && !(full("AUTH_KEY_SECRET_NAME") && full("GCP_SM_SIGNING_SECRET_NAME"))
        {
            problems.push("gcp_sm without GCP_SM_PROJECT_ID".into());
        }
    }
    if get("AUTH_KEY_STORAGE_BACKEND").as_deref() != Some("secret-manager") {
        problems.push("AUTH_KEY_STORAGE_BACKEND is not secret-manager".into());
    }
    for s in ["AUTH_KEY_STORAGE_PROVIDER", "AUTH_KEY_SECRET_NAME"] {
        if get(s).is_none_or(|v| v.is_empty()) {
            problems.push(format!("{s} missing"));
        }
    }
    let on = get("ENABLE_BILLING").is_some_and(|v| truthy(&v));
    if on != billing {
        problems.push(format!("ENABLE_BILLING is {:?}", get("ENABLE_BILLING")));
    }
    if on {
        // BILL-010: replay defaults on, and the stream must be on wherever replay is.
        let replay = get("ENABLE_BILLING_STREAM_REPLAY").is_none_or(|v| truthy(&v));
        let stream = get("ENABLE_BILLING_STREAM").is_some_and(|v| truthy(&v));
        if replay && !stream {
            problems.push("replay on without ENABLE_BILLING_STREAM".into());
        }
        match get("STRIPE_PRODUCT_PRICE_MAP") {
            Some(m) if serde_json::from_str::<serde_json::Map<_, _>>(&m).is_ok() => {}
            other => problems.push(format!("STRIPE_PRODUCT_PRICE_MAP is not JSON: {other:?}")),
        }
    }
    problems
}

/// Whether a comma list of `ALLOWED_HOSTS` admits `host` as Starlette's TrustedHost does.
pub fn admits(list: &str, host: &str) -> bool {
    list.split(',').map(str::trim).any(|e| {
        e == "*"
            || e.eq_ignore_ascii_case(host)
            || e.strip_prefix("*.")
                .is_some_and(|d| host.ends_with(&format!(".{d}")))
    })
}

/// The host of a URL.
pub fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap();
    authority.rsplit_once(':').map_or(authority, |(h, _)| h)
}
