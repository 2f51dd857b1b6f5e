//! The startup rules one by one (BOOT-001…BOOT-010, BILL-010): each fires on the answers or
//! the file that breaks it and stays quiet on what `apply` writes; `check` on every preset's
//! files gives no startup error (the round trip); no secret value is ever printed.

use crate::files_start::{presets_of, variants, written};
use crate::Test;
use hostwiz::apply;
use hostwiz::source::{self, Source};
use std::path::Path;

type Found = Vec<(String, String, String)>;

/// The findings of the answers as `apply` judges them: (rule, severity, message).
fn on_answers(preset: &str, sets: &[&str]) -> Found {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let a = source::load(&Source::Preset(preset.into()), &sets).expect("answers load");
    let out = tempfile::tempdir().unwrap();
    let findings = match apply::prepare(a, Some(out.path())) {
        Ok(o) => o.findings,
        Err((f, _)) => f,
    };
    findings
        .iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.severity.to_string(),
                f.message.clone(),
            )
        })
        .collect()
}

/// `hostwiz check FILES... --format json` in `dir`.
fn on_files(dir: &Path, args: &[&str]) -> Found {
    let run = Test::in_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .run();
    assert!(run.status <= 1, "{}\n{}", run.stdout, run.stderr);
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("rule"), s("severity"), s("message"))
        })
        .collect()
}

fn startup_errors(found: &Found) -> Vec<&(String, String, String)> {
    found
        .iter()
        .filter(|(r, s, _)| (r.starts_with("BOOT-") || r == "BILL-010") && s == "error")
        .collect()
}

fn has(found: &Found, rule: &str, words: &str) -> bool {
    found
        .iter()
        .any(|(r, s, m)| r == rule && s == "error" && m.contains(words))
}

/// `check`'s arguments for the files `apply` wrote, as each host's checklist reads them.
fn check_args(files: &[hostwiz::render::File]) -> Vec<String> {
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let mut args = Vec::new();
    if let Some(v) = names.iter().find(|n| n.starts_with("values-")) {
        args.push(v.to_string());
        args.extend(
            names
                .iter()
                .filter(|n| n.starts_with("secrets-"))
                .map(|n| n.to_string()),
        );
    } else if names.contains(&"Caddyfile") {
        // The egress override only adds networks, which hostwiz does not read; without the
        // starter's base file it would declare a worker of its own.
        for n in [
            "Caddyfile",
            "docker-compose.worker.yml",
            "api.env.local",
            "web.env.local",
        ] {
            if names.contains(&n) {
                args.push(n.to_string());
            }
        }
        args.extend(["--env-file".into(), "compose.env".into()]);
    } else {
        args.extend(
            names
                .iter()
                .filter(|n| n.ends_with(".tfvars"))
                .map(|n| n.to_string()),
        );
    }
    args
}

#[test]
fn check_on_what_apply_writes_gives_no_startup_error_for_any_preset() {
    for host in ["k8s", "vps", "gcp"] {
        for preset in presets_of(host) {
            let mut all = variants(&preset);
            all.push(vec!["k8s.secret_store=".into()]);
            for sets in all
                .iter()
                .filter(|s| host == "k8s" || !s.iter().any(|x| x.starts_with("k8s.")))
            {
                let (dir, files) = written(&preset, sets);
                let args = check_args(&files);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let found = on_files(dir.path(), &args);
                assert!(
                    startup_errors(&found).is_empty(),
                    "{preset} {sets:?}: {found:#?}"
                );
                let answered = on_answers(
                    &preset,
                    &sets.iter().map(String::as_str).collect::<Vec<_>>(),
                );
                assert!(
                    startup_errors(&answered).is_empty(),
                    "{preset} {sets:?}: {answered:#?}"
                );
            }
        }
    }
}

#[test]
fn startup_rules_fire_on_answers_that_break_them() {
    let cases: &[(&str, &[&str], &str, &str)] = &[
        (
            "k8s-single",
            &["secrets.provider=vault_hcp", "secrets.location="],
            "BOOT-003",
            "VAULT_ADDR",
        ),
        (
            "k8s-single",
            &["secrets.location="],
            "BOOT-003",
            "without GCP_SM_PROJECT_ID",
        ),
        (
            "vps-single",
            &["environment=dev"],
            "BOOT-004",
            "ENVIRONMENT=dev",
        ),
        (
            "k8s-single",
            &[
                "billing.enabled=true",
                r#"billing.price_map={"a":"price_1"}"#,
            ],
            "BOOT-007",
            "no API host",
        ),
        (
            "k8s-single",
            &["billing.enabled=true", "domains.api=api.example.com"],
            "BOOT-007",
            "STRIPE_PRODUCT_PRICE_MAP",
        ),
        (
            "gcp-cloud-run",
            &["gcp.project_name=agent-saas"],
            "BOOT-010",
            "VPC connector",
        ),
        (
            "gcp-cloud-run",
            &["storage.bucket=assets"],
            "BOOT-010",
            "assets",
        ),
    ];
    for (preset, sets, rule, words) in cases {
        let found = on_answers(preset, sets);
        assert!(has(&found, rule, words), "{preset} {sets:?}: {found:#?}");
        // The same answers without the breaking one are quiet on that rule.
        let found = on_answers(preset, &[]);
        assert!(
            !found.iter().any(|(r, s, _)| r == rule && s == "error"),
            "{preset}: {found:#?}"
        );
    }
}

/// One edit of a file `apply` wrote, the rule it makes fire and words of its message.
struct Break {
    preset: &'static str,
    sets: &'static [&'static str],
    file: &'static str,
    /// Replacements, each of its first occurrence.
    edits: &'static [(&'static str, &'static str)],
    rule: &'static str,
    words: &'static str,
}

const BILLING: &[&str] = &[
    "billing.enabled=true",
    r#"billing.price_map={"starter":"price_123"}"#,
    "domains.api=api.example.com",
];

#[rustfmt::skip]
const BREAKS: &[Break] = &[
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("      DATABASE_URL: \"starter-prod-database-url\"\n", "")],
        rule: "BOOT-001", words: "the api gets no DATABASE_URL" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("      REDIS_URL: \"starter-prod-redis-url\"\n", "")],
        rule: "BOOT-001", words: "the api gets no REDIS_URL" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[
            ("    ALLOWED_HOSTS: \"*\"\n", "    ALLOWED_HOSTS: \"*\"\n    REDIS_URL: \"redis://cache:6379/0\"\n"),
            ("      REDIS_URL: \"starter-prod-redis-url\"\n", ""),
        ],
        rule: "BOOT-001", words: "plain redis://" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("      SECRET_KEY: \"starter-prod-secret-key\"\n", "")],
        rule: "BOOT-002", words: "the api gets no SECRET_KEY" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    SECRETS_PROVIDER: \"gcp_sm\"", "    SECRETS_PROVIDER: \"vault_dev\"")],
        rule: "BOOT-003", words: "vault_dev" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    ENVIRONMENT: \"production\"", "    ENVIRONMENT: \"development\"")],
        rule: "BOOT-004", words: "ENVIRONMENT=development" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    AUTO_RUN_MIGRATIONS: \"false\"", "    AUTO_RUN_MIGRATIONS: \"true\"")],
        rule: "BOOT-004", words: "AUTO_RUN_MIGRATIONS=true" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    ALLOWED_HOSTS: \"*\"", "    ALLOWED_HOSTS: \"starter-api,127.0.0.1\"")],
        rule: "BOOT-005", words: "pod IP" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    HOSTNAME: \"0.0.0.0\"\n", "")],
        rule: "BOOT-006", words: "HOSTNAME=0.0.0.0" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    API_BASE_URL: \"http://starter-api:8000\"", "    API_BASE_URL: \"http://localhost:8000\"")],
        rule: "BOOT-006", words: "the web container itself" },
    Break { preset: "k8s-single", sets: BILLING, file: "values-prod.yaml",
        edits: &[("      STRIPE_WEBHOOK_SECRET: \"starter-prod-stripe-webhook-secret\"\n", "")],
        rule: "BOOT-007", words: "STRIPE_WEBHOOK_SECRET" },
    Break { preset: "k8s-ha-worker", sets: &[], file: "values-prod.yaml",
        edits: &[("    SECRETS_PROVIDER: \"gcp_sm\"\n    STORAGE_PROVIDER: \"gcs\"\nexternalSecrets", "    STORAGE_PROVIDER: \"gcs\"\nexternalSecrets")],
        rule: "BOOT-008", words: "SECRETS_PROVIDER" },
    Break { preset: "k8s-single", sets: BILLING, file: "values-prod.yaml",
        edits: &[("STRIPE_PRODUCT_PRICE_MAP: \"{\\\"starter\\\":\\\"price_123\\\"}\"", "STRIPE_PRODUCT_PRICE_MAP: \"starter:price_123\"")],
        rule: "BOOT-009", words: "not JSON" },
    Break { preset: "k8s-single", sets: &[], file: "values-prod.yaml",
        edits: &[("    name: \"starter-secrets\"", "    name: \"\"")],
        rule: "BOOT-010", words: "empty secretStoreRef.name" },
    Break { preset: "k8s-ha-worker", sets: &[], file: "values-prod.yaml",
        edits: &[("  replicaCount: 1\n  env:\n", "  replicaCount: 1\n  env:\n    PORT: \"8000\"\n")],
        rule: "BOOT-010", words: "PORT twice" },
    Break { preset: "k8s-single", sets: BILLING, file: "values-prod.yaml",
        edits: &[("    ENABLE_BILLING_STREAM: \"true\"\n", "")],
        rule: "BILL-010", words: "" },
    // The VPS env templates, read as the processes' env.
    Break { preset: "vps-single", sets: &[], file: "api.env.local",
        edits: &[("\nREDIS_URL=\n", "\nREDIS_URL=redis://cache:6379/0\n")],
        rule: "BOOT-001", words: "plain redis://" },
    Break { preset: "vps-single", sets: &[], file: "api.env.local",
        edits: &[("\nDATABASE_URL=\n", "\n")],
        rule: "BOOT-001", words: "the api gets no DATABASE_URL" },
    Break { preset: "vps-worker", sets: &[], file: "api.env.local",
        edits: &[("\nSECRET_KEY=\n", "\nSECRET_KEY=change-me\n")],
        rule: "BOOT-002", words: "SECRET_KEY of the api is empty or a placeholder" },
    Break { preset: "vps-single", sets: &[], file: "api.env.local",
        edits: &[("\nSECRETS_PROVIDER=gcp_sm\n", "\nSECRETS_PROVIDER=vault_dev\n")],
        rule: "BOOT-003", words: "vault_dev" },
    Break { preset: "vps-single", sets: &[], file: "api.env.local",
        edits: &[("\nENVIRONMENT=production\n", "\nENVIRONMENT=dev\n")],
        rule: "BOOT-004", words: "ENVIRONMENT=dev" },
    Break { preset: "vps-single", sets: &[], file: "api.env.local",
        edits: &[("ALLOWED_HOSTS=api,", "ALLOWED_HOSTS=")],
        rule: "BOOT-005", words: "does not admit api" },
    Break { preset: "vps-single", sets: &[], file: "web.env.local",
        edits: &[("HOSTNAME=0.0.0.0\n", "")],
        rule: "BOOT-006", words: "HOSTNAME=0.0.0.0" },
    // The GCP names, from the tfvars.
    Break { preset: "gcp-cloud-run", sets: &[], file: "prod.tfvars",
        edits: &[("project_name = \"app\"", "project_name = \"agent-saas\"")],
        rule: "BOOT-010", words: "VPC connector" },
    Break { preset: "gcp-cloud-run", sets: &[], file: "prod.tfvars",
        edits: &[("storage_bucket_name        = \"acme-prod-prod-assets\"", "storage_bucket_name        = \"assets\"")],
        rule: "BOOT-010", words: "default `assets`" },
];

#[test]
fn startup_rules_fire_on_files_that_break_them_and_not_on_what_apply_writes() {
    for b in BREAKS {
        let sets: Vec<String> = b.sets.iter().map(|s| s.to_string()).collect();
        let (dir, files) = written(b.preset, &sets);
        let args = check_args(&files);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let quiet = on_files(dir.path(), &args);
        assert!(
            !quiet.iter().any(|(r, s, _)| r == b.rule && s == "error"),
            "{} {:?}: {} before the edit: {quiet:#?}",
            b.preset,
            b.sets,
            b.rule
        );
        let path = dir.path().join(b.file);
        let mut text = std::fs::read_to_string(&path).unwrap();
        for (from, to) in b.edits {
            assert!(text.contains(from), "{}: {from:?} not in\n{text}", b.rule);
            text = text.replacen(from, to, 1);
        }
        std::fs::write(&path, text).unwrap();
        let found = on_files(dir.path(), &args);
        assert!(
            has(&found, b.rule, b.words),
            "{} ({:?}): {found:#?}",
            b.rule,
            b.words
        );
    }
}

/// Distinctive values an operator filled in: no report, diff or JSON may show them.
const FILLED: [(&str, &str); 3] = [
    ("SECRET_KEY", "Zk7DistinctSecretValue9q"),
    ("REDIS_URL", "rediss://:Zk7DistinctRedisPw9q@cache:6379/0"),
    ("OPENAI_API_KEY", "sk-Zk7DistinctOpenAi9q"),
];

#[test]
fn secret_values_never_appear_in_reports_diffs_or_json() {
    let t = Test::new().args(["apply", "--preset", "vps-single", "--out", "out", "--yes"]);
    t.run().status(0);
    let env = t.path("out/api.env.local");
    let mut text = std::fs::read_to_string(&env).unwrap();
    for (k, v) in FILLED {
        text = text.replacen(&format!("\n{k}=\n"), &format!("\n{k}={v}\n"), 1);
    }
    text.push_str("STRIPE_SECRET_KEY=sk_live_Zk7DistinctStripe\n");
    std::fs::write(&env, &text).unwrap();
    let shown = |run: crate::test::Run| format!("{}{}", run.stdout, run.stderr);
    let mut outputs = Vec::new();
    for format in ["text", "json"] {
        // The template differs from the filled file: the diff shows the lines, masked.
        outputs.push(shown(
            Test::in_dir(t.dir())
                .args([
                    "apply",
                    "--preset",
                    "vps-single",
                    "--out",
                    "out",
                    "--dry-run",
                ])
                .args(["--format", format])
                .run(),
        ));
    }
    for format in ["text", "json", "sarif", "github", "gitlab", "junit"] {
        outputs.push(shown(
            Test::in_dir(&t.path("out"))
                .args(["check", "Caddyfile", "api.env.local", "web.env.local"])
                .args(["--env-file", "compose.env", "--format", format])
                .run(),
        ));
    }
    // Filled values are kept; a secret the template no longer lists shows in the diff, masked.
    assert!(
        outputs[0].contains("-STRIPE_SECRET_KEY=********"),
        "{}",
        outputs[0]
    );
    for out in &outputs {
        assert!(
            !out.contains("Zk7Distinct"),
            "a secret value is shown:\n{out}"
        );
    }
}

/// BOOT-010 on Compose: the starter's prod file puts api and worker only on `app`, which is
/// `internal: true`; hostwiz's egress override joins them to `edge` too.
#[test]
fn an_internal_only_network_is_an_error_until_the_egress_override_joins_edge() {
    let (out, files) = written("vps-worker", &[]);
    let base = crate::support::validators::manifest_dir()
        .join("tests/fixtures/compose-starter/ops/compose/docker-compose.prod.yml");
    let t = Test::new()
        .file(
            "ops/compose/docker-compose.prod.yml",
            &std::fs::read_to_string(base).unwrap(),
        )
        .file(
            "ops/compose/caddy/Caddyfile",
            crate::files_start::contents(&files, "Caddyfile"),
        )
        .file(
            "ops/compose/compose.env",
            crate::files_start::contents(&files, "compose.env"),
        );
    let compose = t.path("ops/compose");
    // The worker runs with its profile, as the checklist starts it.
    let args = [
        "caddy/Caddyfile",
        "docker-compose.prod.yml",
        "--env-file",
        "compose.env",
        "--profile",
        "worker",
    ];
    let found = on_files(&compose, &args);
    for who in ["api", "worker"] {
        let words = format!("the {who} is only on network `app`, which is internal");
        assert!(has(&found, "BOOT-010", &words), "{found:#?}");
    }
    std::fs::copy(
        out.path().join("docker-compose.egress.yml"),
        compose.join("docker-compose.egress.yml"),
    )
    .unwrap();
    let with = [
        "caddy/Caddyfile",
        "docker-compose.prod.yml",
        "docker-compose.egress.yml",
    ];
    let found = on_files(&compose, &[&with[..], &args[2..]].concat());
    assert!(
        !found
            .iter()
            .any(|(r, _, m)| r == "BOOT-010" && m.contains("internal")),
        "{found:#?}"
    );
    // `check --repo` takes the override where the checklist puts it.
    let run = Test::in_dir(t.dir())
        .args(["check", "--repo", ".", "--format", "json"])
        .run();
    assert!(!run.stdout.contains("which is internal"), "{}", run.stdout);
}

/// BOOT-010's warning without helm: the chart's own template names the ExternalSecret API.
#[test]
fn the_charts_v1beta1_external_secrets_are_a_warning_without_rendering() {
    let (_out, files) = written("k8s-single", &[]);
    let t = Test::new();
    let chart = crate::support::validators::chart_dir();
    for f in [
        "Chart.yaml",
        "values.yaml",
        "templates/externalsecrets.yaml",
        "templates/api.yaml",
    ] {
        let text = std::fs::read_to_string(chart.join(f)).unwrap();
        std::fs::create_dir_all(t.path("chart/templates")).unwrap();
        std::fs::write(t.path(&format!("chart/{f}")), text).unwrap();
    }
    let values = crate::files_start::contents(&files, "values-prod.yaml");
    std::fs::write(t.path("chart/values-prod.yaml"), values).unwrap();
    let no_helm = |dir: &Path| {
        let run = Test::in_dir(dir)
            .env("HOSTWIZ_HELM", "")
            .env("PATH", "/usr/bin:/bin")
            .args(["check", "values-prod.yaml", "--format", "json"])
            .run();
        assert!(run.status <= 1, "{}{}", run.stdout, run.stderr);
        run.stdout
    };
    let out = no_helm(&t.path("chart"));
    assert!(out.contains("external-secrets.io/v1beta1"), "{out}");
    let template = t.path("chart/templates/externalsecrets.yaml");
    let patched = std::fs::read_to_string(&template)
        .unwrap()
        .replace("external-secrets.io/v1beta1", "external-secrets.io/v1");
    std::fs::write(&template, patched).unwrap();
    assert!(!no_helm(&t.path("chart")).contains("v1beta1"));
}
