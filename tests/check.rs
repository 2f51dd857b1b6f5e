//! `check` against what `apply` writes: every written combination reads back clean and as the
//! same deployment; single changes to those files are caught with the right rule at the line
//! changed; the output formats hold their shape; bad input gets exit 2, never a panic.

use crate::support::validators;
use crate::Test;

use hostwiz::answers::{Answers, Host, RawAnswers, WorkerMode};
use hostwiz::check::{self, Options};
use hostwiz::contracts::{Finding, Severity};
use hostwiz::plan::{Plan, Role, REPLAY_FLAG, RETRY_FLAG};
use hostwiz::render;
use hostwiz::source::{self, Source};
use std::path::{Path, PathBuf};

/// Writes what `apply` would write and returns the folder and the options that check it.
fn written(answers: &Answers) -> (tempfile::TempDir, Options) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = Options::default();
    for f in render::render(answers) {
        let p = dir.path().join(&f.path);
        std::fs::write(&p, &f.contents).unwrap();
        match f.path.as_str() {
            "CHECKLIST.md" | "hostwiz.toml" | "enable-apis.sh" => {}
            "compose.env" => opts.env_files.push(p),
            _ => opts.paths.push(p),
        }
    }
    (dir, opts)
}

fn preset(name: &str, sets: &[&str]) -> Answers {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    source::load(&Source::Preset(name.into()), &sets).unwrap()
}

fn findings(opts: &Options) -> Vec<Finding> {
    check::run(opts)
        .unwrap()
        .into_iter()
        .flat_map(|c| c.findings)
        .collect()
}

/// The deployment a plan describes, without where each setting came from: what each host's
/// paths reach, how many of each process run with which billing flags, TLS, URLs, services.
fn shape(p: &Plan) -> String {
    let mut s = format!("host {:?}\n", p.host);
    let mut hosts: Vec<String> = p
        .routes
        .iter()
        .map(|r| r.host.to_ascii_lowercase())
        .collect();
    hosts.sort();
    hosts.dedup();
    for h in &hosts {
        for path in ["/", "/api", "/api/session"] {
            let t = p.resolve(h, path).map(|r| r.target.to_string());
            s += &format!("route {h}{path} -> {t:?}\n");
        }
    }
    let mut web: Vec<_> = p
        .web_hosts
        .iter()
        .map(|w| w.value.to_ascii_lowercase())
        .collect();
    web.sort();
    s += &format!(
        "web hosts {web:?}\napi host {:?}\n",
        p.api_host.as_ref().map(|a| &a.value)
    );
    for role in [Role::Api, Role::Worker] {
        for proc in p.processes(role) {
            s += &format!(
                "{} replicas {:?} retry {} replay {} mode {}\n",
                role.as_str(),
                proc.replicas.value,
                shown(proc.flag(RETRY_FLAG).0),
                shown(proc.flag(REPLAY_FLAG).0),
                shown(proc.mode().0)
            );
        }
    }
    match &p.tls {
        hostwiz::plan::Tls::Automatic(_) => s += "tls automatic\n",
        hostwiz::plan::Tls::Hosts(h) => {
            let mut h: Vec<_> = h.iter().map(|x| x.value.clone()).collect();
            h.sort();
            s += &format!("tls {h:?}\n");
        }
    }
    if let Some(u) = &p.urls {
        s += &format!(
            "urls {:?} {:?}\n",
            u.app_public_url.as_ref().map(|x| &x.value),
            u.api_base_url.as_ref().map(|x| &x.value)
        );
    }
    if let Some(sv) = &p.services {
        let mut c: Vec<_> = sv.conditions.iter().map(|c| c.value).collect();
        c.sort();
        s += &format!(
            "services enable {} conditions {c:?}\n",
            sv.enable_project_services.value
        );
    }
    s
}

/// What AWS needs beyond the answers every host has.
pub const AWS_SETS: [&str; 5] = [
    "aws.account_id=210987654321",
    "aws.certificate_arn=arn:aws:acm:us-east-1:210987654321:certificate/abc-123",
    "secrets.provider=aws_sm",
    "storage.provider=s3",
    "storage.bucket=acme-prod-assets",
];

/// What Azure needs beyond the answers every host has, its blueprint patches applied.
pub const AZURE_SETS: [&str; 5] = [
    "azure.storage_account=acmeprodassets",
    "azure.key_vault=acme-prod-kv",
    "azure.blueprint_patched=true",
    "secrets.provider=azure_kv",
    "storage.provider=azure_blob",
];

fn all_written_answers() -> Vec<Answers> {
    let mut all = Vec::new();
    for host in Host::ALL {
        for mode in ["inline", "dedicated"] {
            for api in ["", "api.example.com"] {
                for replicas in [1, 2, 5] {
                    for services in [true, false] {
                        let mut raw = RawAnswers::from_toml(
                            "version = 1\n[domains]\nweb = \"app.example.com\"\n[images]\napi = \"acme/api:1\"\n\
                             web = \"acme/web:1\"\n[gcp]\nproject_id = \"acme-prod\"\n",
                        )
                        .unwrap();
                        for s in [
                            format!("host={}", host.as_str()),
                            format!("billing.worker={mode}"),
                            format!("domains.api={api}"),
                            format!("scale.api_replicas={replicas}"),
                            "scale.autoscaling=true".into(),
                            format!("gcp.enable_project_services={services}"),
                        ] {
                            raw.set(&s).unwrap();
                        }
                        let sets: &[&str] = match host {
                            Host::Aws => &AWS_SETS,
                            Host::Azure => &AZURE_SETS,
                            _ => &[],
                        };
                        for s in sets {
                            raw.set(s).unwrap();
                        }
                        // A host without a worker refuses dedicated mode in the answers.
                        let Ok(a) = Answers::from_raw(&raw) else {
                            assert!(matches!(host, Host::Aws | Host::Azure) && mode == "dedicated");
                            continue;
                        };
                        let plan = Plan::from(&a);
                        if !hostwiz::contracts::has_errors(&hostwiz::check(&plan)) {
                            all.push(a);
                        }
                    }
                }
            }
        }
    }
    all
}

#[test]
fn everything_apply_writes_reads_back_clean_and_as_the_same_deployment() {
    let all = all_written_answers();
    assert!(all.len() >= 20, "{}", all.len());
    for a in all {
        let (_dir, opts) = written(&a);
        let checked = check::run(&opts).unwrap();
        assert_eq!(checked.len(), 1, "one deployment per host");
        let c = &checked[0];
        // Azure's tfvars cannot show the patched replica bounds (they live in the
        // blueprint's container_apps.tf): that patch is the one finding acknowledged.
        let acknowledged = |f: &&hostwiz::contracts::Finding| {
            a.host == Host::Azure
                && f.rule == "BILL-004"
                && matches!(f.origin, hostwiz::plan::Origin::Default(d) if d.starts_with("Container Apps"))
        };
        let errors: Vec<_> = c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| !acknowledged(f))
            .collect();
        assert!(
            errors.is_empty(),
            "{:?} {}: {errors:#?}",
            a.host,
            a.worker.as_str()
        );
        let mut planned = Plan::from(&a);
        if a.host == Host::Azure {
            // Read without the blueprint: Container Apps' own 0..10 (see above).
            for p in planned.processes.iter_mut().filter(|p| p.role == Role::Api) {
                p.replicas.value = hostwiz::plan::Replicas { min: 0, max: 10 };
            }
        }
        assert_eq!(
            shape(&c.plan),
            shape(&planned),
            "{:?} {:?}",
            a.host,
            a.worker
        );
    }
}

/// One change to one written file, and the rule that must catch it at the changed line.
struct Mutation {
    preset: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    rule: &'static str,
    /// The text on the line the finding must point at, when not the first line of `to`.
    at: Option<&'static str>,
}

const fn m(
    preset: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    rule: &'static str,
) -> Mutation {
    Mutation {
        preset,
        file,
        from,
        to,
        rule,
        at: None,
    }
}

/// The web site's routing as hostwiz writes it, replaced whole by the Caddy mutations.
const HANDLES: &str =
    "\t@api path /api /api/*\n\thandle @api {\n\t\treverse_proxy web:3000\n\t}\n\n\thandle {\n\t\treverse_proxy web:3000\n\t}";

const MUTATIONS: &[Mutation] = &[
    // Caddy: /api sent to the API, in each form the Caddyfile can say it.
    m("vps-worker", "Caddyfile", "\t\treverse_proxy web:3000\n\t}\n\n\thandle {", "\t\treverse_proxy api:8000\n\t}\n\n\thandle {", "ROUTE-001"),
    m("vps-single", "Caddyfile", HANDLES, "\treverse_proxy /api/* api:8000\n\treverse_proxy web:3000", "ROUTE-001"),
    m("vps-single", "Caddyfile", HANDLES, "\thandle_path /api/* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}", "ROUTE-001"),
    m("vps-single", "Caddyfile", HANDLES, "\troute {\n\t\treverse_proxy /api/* api:8000\n\t\treverse_proxy web:3000\n\t}", "ROUTE-001"),
    m("vps-single", "Caddyfile", HANDLES, "\t@api {\n\t\tpath /api /api/*\n\t}\n\treverse_proxy @api http://api:8000\n\treverse_proxy web:3000", "ROUTE-001"),
    m("vps-single", "Caddyfile", "{$APP_HOST} {\n", "(toapi) {\n\treverse_proxy api:8000\n}\n\n{$APP_HOST} {\n\thandle /api/* {\n\t\timport toapi\n\t}\n", "ROUTE-001"),
    m("vps-single", "Caddyfile", "\thandle {\n\t\treverse_proxy web:3000", "\thandle {\n\t\treverse_proxy api:8000", "ROUTE-002"),
    m("vps-worker", "compose.env", "API_HOST=api.example.com", "API_HOST=app.example.com", "ROUTE-003"),
    // Compose: a flag flipped, replicas added.
    m("vps-worker", "docker-compose.worker.yml", "      ENABLE_BILLING_RETRY_WORKER: \"false\"", "      ENABLE_BILLING_RETRY_WORKER: \"true\"", "BILL-001"),
    m("vps-worker", "docker-compose.worker.yml", "      ENABLE_BILLING_STREAM_REPLAY: \"false\"", "      ENABLE_BILLING_STREAM_REPLAY: \"true\"", "BILL-002"),
    m("vps-worker", "docker-compose.worker.yml", "      ENABLE_BILLING_RETRY_WORKER: \"true\"", "      ENABLE_BILLING_RETRY_WORKER: \"false\"", "BILL-003"),
    m("vps-worker", "docker-compose.worker.yml", "    deploy:\n      replicas: 1", "    deploy:\n      replicas: 3", "BILL-005"),
    Mutation {
        preset: "vps-worker",
        file: "docker-compose.worker.yml",
        from: "      - worker",
        to: "      - standby",
        rule: "BILL-006",
        at: Some("      ENABLE_BILLING_RETRY_WORKER: \"false\""),
    },
    // Helm values.
    m("k8s-ha-worker", "values-prod.yaml", "    ENABLE_BILLING_RETRY_WORKER: \"false\"", "    ENABLE_BILLING_RETRY_WORKER: \"true\"", "BILL-001"),
    m("k8s-ha-worker", "values-prod.yaml", "    ENABLE_BILLING_STREAM_REPLAY: \"false\"", "    ENABLE_BILLING_STREAM_REPLAY: \"true\"", "BILL-002"),
    // The worker template sets the worker's flags; worker.env, rendered after them, wins.
    m("k8s-ha-worker", "values-prod.yaml", "  replicaCount: 1\n  env:\n", "  replicaCount: 1\n  env:\n    ENABLE_BILLING_STREAM_REPLAY: \"false\"\n", "BILL-003"),
    m("k8s-ha-worker", "values-prod.yaml", "  replicaCount: 1\n", "  replicaCount: 2\n", "BILL-005"),
    m("k8s-single", "values-prod.yaml", "  replicaCount: 1\n  env:\n    ALLOWED_HOSTS", "  replicaCount: 3\n  env:\n    ALLOWED_HOSTS", "BILL-004"),
    m("k8s-single", "values-prod.yaml", "    ENABLE_BILLING_RETRY_WORKER: \"true\"", "    ENABLE_BILLING_RETRY_WORKER: \"false\"", "BILL-006"),
    m("k8s-ha-worker", "values-prod.yaml", "    - host: \"api.example.com\"\n  apiTls:", "    - host: \"app.example.com\"\n  apiTls:", "ROUTE-003"),
    Mutation {
        preset: "k8s-ha-worker",
        file: "values-prod.yaml",
        from: "  apiTls:\n    - secretName: \"starter-api-tls\"\n      hosts:\n        - \"api.example.com\"\n",
        to: "  apiTls: []\n",
        rule: "ROUTE-005",
        at: Some("    - host: \"api.example.com\""),
    },
    m("k8s-ha-worker", "values-prod.yaml", "    BILLING_RETRY_DEPLOYMENT_MODE: \"dedicated\"", "    BILLING_RETRY_DEPLOYMENT_MODE: \"inline\"", "BILL-009"),
    // tfvars.
    m("gcp-cloud-run-worker", "prod.tfvars", "worker_min_instances  = 1", "worker_min_instances  = 0", "BILL-008"),
    m("gcp-cloud-run-worker", "prod.tfvars", "worker_max_instances  = 1", "worker_max_instances  = 2", "BILL-005"),
    m("gcp-cloud-run-worker", "prod.tfvars", "  ENABLE_BILLING_RETRY_WORKER   = \"false\"", "  ENABLE_BILLING_RETRY_WORKER   = \"true\"", "BILL-001"),
    m("gcp-cloud-run-worker", "prod.tfvars", "  ENABLE_BILLING_STREAM_REPLAY  = \"false\"", "  ENABLE_BILLING_STREAM_REPLAY  = \"true\"", "BILL-002"),
    m("gcp-cloud-run", "prod.tfvars", "api_max_instances = 1", "api_max_instances = 4", "BILL-004"),
    m("gcp-cloud-run", "prod.tfvars", "api_base_url   = \"https://api.example.com\"", "api_base_url   = \"http://api.example.com\"", "ROUTE-007"),
    m("gcp-cloud-run", "prod.tfvars", "api_base_url   = \"https://api.example.com\"", "api_base_url   = \"https://app.example.com\"", "ROUTE-007"),
    m("gcp-cloud-run", "prod.tfvars", "  ENABLE_BILLING_RETRY_WORKER   = \"true\"", "  ENABLE_BILLING_RETRY_WORKER   = \"false\"", "BILL-006"),
    m("gcp-cloud-run", "prod.tfvars", "enable_project_services = true", "enable_project_services = false", "SVC-002"),
    Mutation {
        preset: "gcp-cloud-run-worker",
        file: "prod.tfvars",
        from: "enable_worker_service = true",
        to: "enable_worker_service = false",
        rule: "BILL-006",
        at: Some("  ENABLE_BILLING_RETRY_WORKER   = \"false\""),
    },
    m("vps-single", "compose.env", "WEB_IMAGE=", "API_HOST=api.example.com\nWEB_IMAGE=", "ROUTE-006"),
    m("vps-worker", "docker-compose.worker.yml", "services:\n", "services:\n  web:\n    environment:\n      NEXT_PUBLIC_API_URL: \"https://api.example.com/v1\"\n", "ROUTE-004"),
];

fn line_of(text: &str, needle: &str) -> u32 {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in\n{text}"));
    text[..at].matches('\n').count() as u32 + 1
}

#[test]
fn single_changes_are_caught_at_the_changed_line() {
    assert!(MUTATIONS.len() >= 30);
    for (i, mu) in MUTATIONS.iter().enumerate() {
        let (dir, opts) = written(&preset(mu.preset, &[]));
        let path = dir.path().join(mu.file);
        let before = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            before.matches(mu.from).count(),
            1,
            "mutation {i}: {:?} must occur once in {}",
            mu.from,
            mu.file
        );
        let after = before.replacen(mu.from, mu.to, 1);
        std::fs::write(&path, &after).unwrap();
        let line = match mu.at {
            Some(at) => line_of(&after, at),
            None => after[..before.find(mu.from).unwrap()].matches('\n').count() as u32 + 1,
        };
        // With caddy, a second site on the web host's address is refused by Caddy itself.
        if mu.rule == "ROUTE-003" && mu.file == "compose.env" {
            if let Err(e) = check::run(&opts) {
                assert!(
                    e.to_string()
                        .contains("caddy adapt refuses it: ambiguous site definition"),
                    "mutation {i}: {e}"
                );
                continue;
            }
        }
        let found = findings(&opts);
        let hit = found.iter().any(|f| {
            f.rule == mu.rule
                && matches!(&f.origin, hostwiz::plan::Origin::File { path: p, line: l, .. }
                    if Path::new(p).ends_with(mu.file) && (*l == line || mu.to.lines().count() > 1 && (line..line + mu.to.lines().count() as u32).contains(l)))
        });
        assert!(
            hit,
            "mutation {i} ({} in {}): expected {} at line {line}, got:\n{found:#?}",
            mu.preset, mu.file, mu.rule
        );
    }
}

fn hostwiz(args: &[&str], dir: &Path) -> (i32, String, String) {
    let run = Test::in_dir(dir)
        .args(args)
        .env("HOSTWIZ_TODAY", "2026-11-25")
        .run();
    (run.status, run.stdout, run.stderr)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

const BYPASS: &str = "{$APP_HOST} {\n\treverse_proxy /api/* api:8000 # hostwiz:ignore ROUTE-001 reason=\"legacy mobile clients\" until=2026-12-31\n\treverse_proxy web:3000\n}\n";

#[test]
fn output_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Caddyfile",
        "{$APP_HOST} {\n\treverse_proxy /api/* api:8000\n\treverse_proxy web:3000\n}\n",
    );
    write(dir.path(), "compose.env", "APP_HOST=app.example.com\n");
    let (code, text, _) = hostwiz(
        &["check", "Caddyfile", "--env-file", "compose.env"],
        dir.path(),
    );
    assert_eq!(code, 1);
    insta::assert_snapshot!("check-text", text);
    let (_, json, _) = hostwiz(
        &[
            "check",
            "Caddyfile",
            "--env-file",
            "compose.env",
            "--format",
            "json",
        ],
        dir.path(),
    );
    insta::assert_snapshot!("check-json", json);
    let (_, sarif, _) = hostwiz(
        &[
            "check",
            "Caddyfile",
            "--env-file",
            "compose.env",
            "--format",
            "sarif",
        ],
        dir.path(),
    );
    let sarif_file = write(dir.path(), "out.sarif", &sarif);
    if let Some(schema) = validators::sarif_schema() {
        validators::check_jsonschema(&schema, &sarif_file);
    }
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "ROUTE-001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

#[test]
fn suppressions_hide_with_a_reason_and_expire() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Caddyfile", BYPASS);
    write(dir.path(), "compose.env", "APP_HOST=app.example.com\n");
    let (code, out, _) = hostwiz(
        &[
            "check",
            "Caddyfile",
            "--env-file",
            "compose.env",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["suppressed"], 1);
    assert_eq!(v["findings"][0]["suppressed"], true);

    write(
        dir.path(),
        "Caddyfile",
        &BYPASS.replace("2026-12-31", "2026-11-01"),
    );
    let (code, out, _) = hostwiz(
        &["check", "Caddyfile", "--env-file", "compose.env"],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(out.contains("expired on 2026-11-01"), "{out}");

    write(
        dir.path(),
        "Caddyfile",
        &BYPASS.replace(" reason=\"legacy mobile clients\"", ""),
    );
    let (code, out, _) = hostwiz(
        &["check", "Caddyfile", "--env-file", "compose.env"],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(out.contains("IGNORE-001"), "{out}");
}

#[test]
fn fail_on_warning_and_stdin() {
    let (_dir, opts) = written(&preset(
        "k8s-single",
        &["domains.api=api.example.com", "k8s.api_tls_secret="],
    ));
    let values = opts.paths[0].clone();
    let dir = values.parent().unwrap();
    let (code, out, _) = hostwiz(&["check", "values-prod.yaml"], dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning ROUTE-005"), "{out}");
    let (code, _, _) = hostwiz(&["check", "values-prod.yaml", "--fail-on", "warning"], dir);
    assert_eq!(code, 1);
    Test::new()
        .args(["check", "-"])
        .stdin(std::fs::read_to_string(&values).unwrap())
        .run()
        .stdout_has("<stdin>:");
}

#[test]
fn bad_input_is_exit_2_with_a_place_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "values.yaml",
            b"ingress: [\n  enabled: true\n",
            "values.yaml:",
        ),
        (
            "Caddyfile",
            b"{$APP_HOST} {\n\treverse_proxy web:3000\n",
            "Caddyfile:",
        ),
        ("prod.tfvars", b"api_env = {\n", "prod.tfvars:"),
        (
            "docker-compose.yml",
            b"services: [1, 2\n",
            "docker-compose.yml:",
        ),
        ("empty.env", b"", "is empty"),
        ("values-bin.yaml", b"\x00\x01\x02", "binary"),
    ];
    for (name, bytes, expect) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let (code, _, err) = hostwiz(&["check", name], dir.path());
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(expect), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let (code, _, err) = hostwiz(&["check", "missing.yaml"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("missing.yaml"), "{err}");
    let (code, _, err) = hostwiz(&["check", "."], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("--repo"), "{err}");
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        y += &format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        );
    }
    write(dir.path(), "values.yaml", &y);
    let (code, _, err) = hostwiz(&["check", "values.yaml"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("alias bomb"), "{err}");
}

#[test]
fn repo_layout_checks_each_environment() {
    let dir = tempfile::tempdir().unwrap();
    let a = preset("k8s-ha-worker", &[]);
    for f in render::render(&a) {
        if f.path.starts_with("values-") {
            write(
                dir.path(),
                "ops/charts/starter/values.prod.yaml",
                &f.contents,
            );
        }
    }
    write(
        dir.path(),
        "ops/charts/starter/values.yaml",
        "ingress:\n  enabled: false\n",
    );
    write(
        dir.path(),
        "ops/charts/starter/values.staging.yaml",
        "api:\n  replicaCount: 2\n",
    );
    let (code, out, _) = hostwiz(&["check", "--repo", "."], dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("values.staging.yaml:2:"),
        "the staging inline API with 2 replicas: {out}"
    );
    assert!(!out.contains("values.prod.yaml:"), "prod is clean: {out}");
    let (code, _, err) = hostwiz(&["check", "--repo", "ops"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("starter's layout"), "{err}");
}

#[test]
fn gcp_services_from_the_blueprint_and_the_project() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "locals.tf",
        "locals {\n  required_project_services = toset([\n    \"compute.googleapis.com\",\n    \"run.googleapis.com\",\n  ])\n}\n",
    );
    write(dir.path(), "prod.tfvars", "project_id = \"acme-prod\"\napp_public_url = \"https://app.example.com\"\napi_base_url = \"https://api.example.com\"\n");
    write(dir.path(), "enabled.txt", "run.googleapis.com\n");
    let (code, out, _) = hostwiz(
        &[
            "check",
            "locals.tf",
            "prod.tfvars",
            "--enabled-services",
            "enabled.txt",
        ],
        dir.path(),
    );
    assert_eq!(code, 1);
    assert!(out.contains("locals.tf:2:3: error SVC-001"), "{out}");
    assert!(out.contains("error SVC-003"), "{out}");
}

#[test]
fn dedicated_mode_keeps_its_worker_in_the_plan() {
    let a = preset("vps-worker", &[]);
    assert_eq!(a.worker, WorkerMode::Dedicated);
    let (_dir, opts) = written(&a);
    let c = check::run(&opts).unwrap();
    assert_eq!(c[0].plan.processes(Role::Worker).count(), 1);
}

#[test]
fn rendered_manifests_through_stdin_give_the_findings_of_their_values_file() {
    for (preset, sets) in [
        ("k8s-ha-worker", &[][..]),
        (
            "k8s-single",
            &["domains.api=api.example.com", "k8s.api_tls_secret="][..],
        ),
        ("k8s-ha-worker", &["scale.worker_replicas=2"][..]),
    ] {
        let a = self::preset(preset, sets);
        let dir = tempfile::tempdir().unwrap();
        let values = render::render(&a)
            .into_iter()
            .find(|f| f.path.starts_with("values-"))
            .unwrap();
        let values_path = write(dir.path(), &values.path, &values.contents);
        let Some(stream) = validators::helm_render(&validators::chart_dir(), &[&values_path])
        else {
            return;
        };
        let rules = |json: &str| -> Vec<(String, String)> {
            let v: serde_json::Value = serde_json::from_str(json).unwrap();
            let mut r: Vec<_> = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap().to_string(),
                        f["severity"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            r.sort();
            r
        };
        let (_, from_values, _) = hostwiz(&["check", &values.path, "--format", "json"], dir.path());
        let has_external_secrets = stream_has_external_secrets(&stream);
        let from_stream = Test::new()
            .args(["check", "-", "--format", "json"])
            .stdin(stream)
            .run()
            .stdout;
        // Only the rendered templates show the ExternalSecrets' apiVersion: the starter's
        // v1beta1 is a BOOT-010 warning there, which the values file cannot show.
        let mut from_stream = rules(&from_stream);
        let v1beta1 = ("BOOT-010".to_string(), "warning".to_string());
        if has_external_secrets {
            let at = from_stream.iter().position(|r| *r == v1beta1);
            from_stream.remove(at.expect("the v1beta1 warning"));
        }
        assert_eq!(from_stream, rules(&from_values), "{preset} {sets:?}");
    }
}

#[test]
fn host_says_how_to_read_input_nothing_else_identifies() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "prod-overrides",
        "api:\n  replicaCount: 3\n  env:\n    X: \"1\"\n",
    );
    // The name says nothing, but the content's top-level keys are the chart's.
    let (code, out, _) = hostwiz(&["check", "prod-overrides"], dir.path());
    assert_eq!(code, 1, "{out}");
    write(dir.path(), "notes", "replicaCount: 3\n");
    let (code, _, err) = hostwiz(&["check", "notes"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("cannot tell what notes is"), "{err}");
    let (code, out, _) = hostwiz(&["check", "notes", "--host", "k8s"], dir.path());
    assert_eq!(code, 0, "read as Helm values: {out}");
}

fn stream_has_external_secrets(stream: &str) -> bool {
    stream.contains("\nkind: ExternalSecret")
}

/// A known fact as it is, an unknown as `unknown (why)`.
fn shown<T: std::fmt::Display>(fact: Result<T, hostwiz::plan::Unknown>) -> String {
    match fact {
        Ok(v) => v.to_string(),
        Err(why) => format!("unknown ({why})"),
    }
}

/// Issue 15 item 6: `compose.env` carries no profile, so `check` takes the worker's from
/// `--profile` or the `hostwiz.toml` beside the files; with neither it reads what a plain
/// `docker compose up` runs (the override's API without a worker: nobody retries).
#[test]
fn the_worker_profile_comes_from_the_command_line_or_the_answers_beside() {
    let a = preset("vps-worker", &[]);
    let (dir, _) = written(&a);
    let args = [
        "check",
        "Caddyfile",
        "docker-compose.egress.yml",
        "docker-compose.worker.yml",
        "--env-file",
        "compose.env",
    ];
    let (code, out, _) = hostwiz(&args, dir.path());
    assert_eq!(code, 0, "hostwiz.toml beside says dedicated: {out}");
    std::fs::remove_file(dir.path().join("hostwiz.toml")).unwrap();
    let (code, out, _) = hostwiz(&args, dir.path());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("BILL-006"), "{out}");
    let with_profile: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--profile", "worker"])
        .collect();
    let (code, out, _) = hostwiz(&with_profile, dir.path());
    assert_eq!(code, 0, "{out}");
}
