//! `hostwiz migrate worker`: from what `apply` writes in inline mode (and from hand-edited
//! files), phase 1 and phase 2 pass `check` (phase 1 with its dated BILL-006 suppression,
//! phase 2 with nothing suppressed), phase 2 is what `apply` writes in dedicated mode, and the
//! operator's comments and other settings survive both phases.

use hostwiz::answers::Answers;
use hostwiz::check::{self, Options};
use hostwiz::contracts::{Finding, Severity};
use hostwiz::migrate;
use hostwiz::plan::{Plan, Role};
use hostwiz::render;
use hostwiz::source::{self, Source};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Test;

const TODAY: &str = "2026-05-24";
const UNTIL: &str = "until=2026-05-31";

fn fixed_today() {
    // Every test sets the same value, so the parallel tests never disagree.
    std::env::set_var("HOSTWIZ_TODAY", TODAY);
}

fn preset(name: &str, sets: &[&str]) -> Answers {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    source::load(&Source::Preset(name.into()), &sets).unwrap()
}

/// The deployment files `apply` writes (no checklist, answers or scripts).
fn host_files(a: &Answers) -> BTreeMap<String, String> {
    render::render(a)
        .into_iter()
        .filter(|f| {
            !matches!(
                f.path.as_str(),
                "CHECKLIST.md" | "hostwiz.toml" | "enable-apis.sh"
            )
        })
        .map(|f| (f.path, f.contents))
        .collect()
}

fn write_dir(dir: &Path, files: &BTreeMap<String, String>) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    files
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

/// Runs the migration on `files` and returns each phase's changed files by name.
fn migrate_files(
    files: &BTreeMap<String, String>,
) -> (tempfile::TempDir, [BTreeMap<String, String>; 2], String) {
    fixed_today();
    let dir = tempfile::tempdir().unwrap();
    let paths = write_dir(&dir.path().join("orig"), files);
    let outcome = migrate::plan(&migrate::Options {
        paths,
        out: Some(dir.path().join("out")),
        ..Default::default()
    })
    .unwrap();
    let mut phases = [BTreeMap::new(), BTreeMap::new()];
    let mut guide = String::new();
    for f in outcome.files {
        if let Some(name) = f.path.strip_prefix("phase-1/") {
            phases[0].insert(name.to_string(), f.contents);
        } else if let Some(name) = f.path.strip_prefix("phase-2/") {
            phases[1].insert(name.to_string(), f.contents);
        } else {
            assert_eq!(f.path, "MIGRATION.md");
            guide = f.contents;
        }
    }
    (dir, phases, guide)
}

/// `check` on the originals with a phase's files copied over them.
fn check_phase(
    dir: &Path,
    n: usize,
    orig: &BTreeMap<String, String>,
    phase: &BTreeMap<String, String>,
) -> (Plan, Vec<Finding>) {
    let mut files = orig.clone();
    files.extend(phase.clone());
    let paths = write_dir(&dir.join(format!("applied-{n}")), &files);
    // Phase 2 is deployed and checked with `--profile worker`, as MIGRATION.md says.
    let profiles = match n {
        2 => vec!["worker".to_string()],
        _ => Vec::new(),
    };
    let mut checked = check::run(&Options {
        paths,
        profiles,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(checked.len(), 1);
    let c = checked.remove(0);
    (c.plan, c.findings)
}

fn unsuppressed_errors(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.suppressed.is_none())
        .map(|f| format!("{} {} {}", f.rule, f.origin, f.message))
        .collect()
}

/// The billing shape of a plan: each process with its replicas and billing env, origins left out.
fn billing_shape(p: &Plan) -> Vec<String> {
    let mut shape: Vec<String> = p
        .processes
        .iter()
        .filter(|p| p.role != Role::Web)
        .map(|p| {
            let env: Vec<String> = [
                "ENABLE_BILLING_RETRY_WORKER",
                "ENABLE_BILLING_STREAM_REPLAY",
                "BILLING_RETRY_DEPLOYMENT_MODE",
            ]
            .iter()
            .map(|k| {
                format!(
                    "{k}={}",
                    p.env
                        .get(*k)
                        .map_or("<unset>".into(), |v| v.value.to_string())
                )
            })
            .collect();
            format!(
                "{} {:?} {}",
                p.role.as_str(),
                p.replicas.value,
                env.join(" ")
            )
        })
        .collect();
    shape.sort();
    shape.push(format!(
        "hosts {:?}",
        p.web_hosts.iter().map(|h| &h.value).collect::<Vec<_>>()
    ));
    shape
}

fn assert_phases_pass(
    name: &str,
    orig: &BTreeMap<String, String>,
) -> (
    tempfile::TempDir,
    [BTreeMap<String, String>; 2],
    String,
    Plan,
) {
    let (dir, phases, guide) = migrate_files(orig);
    assert!(
        !phases[0].is_empty() && !phases[1].is_empty(),
        "{name}: {phases:?}"
    );
    let (_, f1) = check_phase(dir.path(), 1, orig, &phases[0]);
    assert!(
        unsuppressed_errors(&f1).is_empty(),
        "{name} phase 1: {:?}",
        unsuppressed_errors(&f1)
    );
    let bill_006: Vec<_> = f1.iter().filter(|f| f.rule == "BILL-006").collect();
    assert!(
        !bill_006.is_empty(),
        "{name}: phase 1 has no retry owner, BILL-006 must be there"
    );
    assert!(
        bill_006
            .iter()
            .all(|f| f.suppressed.as_deref() == Some("migration phase 1 of 2")),
        "{name}: {bill_006:?}"
    );
    assert!(
        phases[0].values().any(|t| t.contains(UNTIL)),
        "{name}: {phases:?}"
    );
    let (plan2, f2) = check_phase(dir.path(), 2, orig, &phases[1]);
    assert!(
        unsuppressed_errors(&f2).is_empty(),
        "{name} phase 2: {:?}",
        unsuppressed_errors(&f2)
    );
    assert!(
        f2.iter().all(|f| f.suppressed.is_none()),
        "{name} phase 2 suppresses: {f2:?}"
    );
    assert!(
        phases[1].values().all(|t| !t.contains("hostwiz:ignore")),
        "{name}"
    );
    assert!(
        guide.contains("Stripe dispatch retry worker disabled"),
        "{guide}"
    );
    assert!(
        guide.contains("stripe_dispatch_retry_total{result!=\"success\"}"),
        "{guide}"
    );
    assert!(guide.contains("stop the worker first"), "{guide}");
    (dir, phases, guide, plan2)
}

#[test]
fn from_apply_inline_each_host_reaches_what_apply_writes_dedicated() {
    for name in ["k8s-single", "vps-single", "gcp-cloud-run"] {
        let inline = preset(name, &[]);
        let dedicated = preset(name, &["billing.worker=dedicated"]);
        let orig = host_files(&inline);
        let (dir, phases, _, plan2) = assert_phases_pass(name, &orig);
        let want = host_files(&dedicated);
        match name {
            // The values edit keeps the operator's layout (no worker.env, which the chart's
            // template sets anyway): compare what the chart would run instead of the bytes.
            "k8s-single" => {
                let (want_plan, _) = check_phase(dir.path(), 3, &BTreeMap::new(), &want);
                assert_eq!(billing_shape(&plan2), billing_shape(&want_plan));
                assert_eq!(phases[1].len(), 1);
            }
            _ => {
                for (file, text) in &want {
                    let got = phases[1].get(file).unwrap_or_else(|| &orig[file]);
                    assert_eq!(got, text, "{name}: phase-2 {file} differs from apply's");
                }
                let extra: Vec<_> = phases[1]
                    .keys()
                    .filter(|k| !want.contains_key(*k))
                    .collect();
                assert!(extra.is_empty(), "{extra:?}");
            }
        }
    }
}

const HELM_HAND: &str = "\
# Production values — edited by hand, keep the comments!
api:
  image: ghcr.io/acme/starter-api:2.0.0   # pinned by release
  replicaCount: 1
  env:
    LOG_LEVEL: info
    # retries stay here until the worker migration
    ENABLE_BILLING_RETRY_WORKER: 'true'
web:
  image: ghcr.io/acme/starter-web:2.0.0
  replicaCount: 2   # two web pods are fine
ingress:
  enabled: true
  className: nginx
  hosts:
  - host: app.acme.io
  tls:
  - secretName: acme-tls
    hosts: [app.acme.io]
# Redis lives outside the cluster.
";

const COMPOSE_ENV_HAND: &str = "\
# Our VPS settings (hand-edited)
APP_HOST=app.acme.io
API_IMAGE=ghcr.io/acme/starter-api:2.0.0
WEB_IMAGE=ghcr.io/acme/starter-web:2.0.0

# local database for now
COMPOSE_PROFILES=local-db
";

const CADDY_HAND: &str = "\
# hand-written Caddyfile
{$APP_HOST} {
\thandle /api* {
\t\treverse_proxy web:3000
\t}
\thandle {
\t\treverse_proxy web:3000
\t}
}
";

const TFVARS_HAND: &str = "\
# prod, maintained by the platform team
project_id     = \"acme-prod\"
region         = \"europe-west1\" # close to customers
app_public_url = \"https://app.acme.io\"
api_base_url   = \"https://api.acme.io\"
api_image      = \"europe-docker.pkg.dev/acme/app/api:2.0.0\"

api_max_instances = 1 # inline: exactly one owner

api_env = {
  LOG_LEVEL = \"info\" # chatty enough
}
";

fn hand(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn hand_edited_helm_values_keep_comments_and_settings() {
    let orig = hand(&[("values-prod.yaml", HELM_HAND)]);
    let (_, phases, _, _) = assert_phases_pass("helm-hand", &orig);
    for (n, p) in phases.iter().enumerate() {
        let t = &p["values-prod.yaml"];
        for keep in [
            "# Production values — edited by hand, keep the comments!",
            "# pinned by release",
            "LOG_LEVEL: info",
            "# two web pods are fine",
            "# Redis lives outside the cluster.",
            "hosts: [app.acme.io]",
        ] {
            assert!(t.contains(keep), "phase {}: {keep:?} lost:\n{t}", n + 1);
        }
        insta::assert_snapshot!(format!("helm-hand-phase-{}", n + 1), t);
    }
}

#[test]
fn hand_edited_compose_keeps_comments_and_other_profiles() {
    let orig = hand(&[("Caddyfile", CADDY_HAND), ("compose.env", COMPOSE_ENV_HAND)]);
    let (_, phases, guide, _) = assert_phases_pass("compose-hand", &orig);
    assert!(
        !phases[0].contains_key("compose.env"),
        "phase 1 leaves the env file alone: {phases:?}"
    );
    // The worker's profile is passed, never put in the env file (a plain `up` with it would
    // start the starter's worker without the override); the env file's own profiles are
    // passed with it, since `--profile` replaces `COMPOSE_PROFILES`.
    assert!(
        !phases[1].contains_key("compose.env"),
        "phase 2 leaves the env file alone: {phases:?}"
    );
    assert!(
        guide.contains("--profile local-db --profile worker up -d"),
        "{guide}"
    );
    insta::assert_snapshot!(
        "compose-hand-phase-1-override",
        &phases[0]["docker-compose.worker.yml"]
    );
}

#[test]
fn a_worker_profile_in_an_inline_env_file_is_dropped_in_phase_1() {
    let env = COMPOSE_ENV_HAND.replace(
        "COMPOSE_PROFILES=local-db",
        "COMPOSE_PROFILES=local-db,worker",
    );
    let orig = hand(&[("Caddyfile", CADDY_HAND), ("compose.env", &env)]);
    let (_, phases, _, _) = assert_phases_pass("compose-profile", &orig);
    assert_eq!(phases[0]["compose.env"], COMPOSE_ENV_HAND);
    assert_eq!(phases[1]["compose.env"], COMPOSE_ENV_HAND);
}

#[test]
fn hand_edited_tfvars_keep_comments_and_settings() {
    let orig = hand(&[("prod.tfvars", TFVARS_HAND)]);
    let (_, phases, _, _) = assert_phases_pass("tfvars-hand", &orig);
    for (n, p) in phases.iter().enumerate() {
        let t = &p["prod.tfvars"];
        for keep in [
            "# prod, maintained by the platform team",
            "# close to customers",
            "# inline: exactly one owner",
            "LOG_LEVEL = \"info\" # chatty enough",
        ] {
            assert!(t.contains(keep), "phase {}: {keep:?} lost:\n{t}", n + 1);
        }
        insta::assert_snapshot!(format!("tfvars-hand-phase-{}", n + 1), t);
    }
}

#[test]
fn already_dedicated_writes_nothing_and_exits_0() {
    fixed_today();
    for name in ["k8s-ha-worker", "vps-worker", "gcp-cloud-run-worker"] {
        let dir = tempfile::tempdir().unwrap();
        let a = preset(name, &[]);
        let paths = write_dir(&dir.path().join("orig"), &host_files(&a));
        // The answers `apply` writes beside the files say the worker runs (its profile).
        let toml = render::render(&a)
            .into_iter()
            .find(|f| f.path == "hostwiz.toml")
            .unwrap();
        std::fs::write(dir.path().join("orig/hostwiz.toml"), toml.contents).unwrap();
        let out = dir.path().join("out");
        let stdout = Test::new()
            .env("HOSTWIZ_TODAY", TODAY)
            .args(["migrate", "worker", "--out"])
            .args([&out])
            .args(&paths)
            .run()
            .status(0)
            .stdout;
        assert!(
            stdout.contains("already in dedicated mode") && stdout.contains("nothing was written"),
            "{name}: {stdout}"
        );
        assert!(!out.exists(), "{name}: wrote {out:?}");
    }
}

#[test]
fn the_command_writes_phases_and_the_guide_and_a_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let paths = write_dir(
        &dir.path().join("orig"),
        &host_files(&preset("gcp-cloud-run", &[])),
    );
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        Test::new()
            .env("HOSTWIZ_TODAY", TODAY)
            .args(["migrate", "worker", "--out"])
            .args([&out])
            .args(extra)
            .args(&paths)
            .run()
            .status(0)
    };
    run(&["--dry-run"]);
    assert!(!out.exists());
    run(&[]);
    for f in ["phase-1/prod.tfvars", "phase-2/prod.tfvars", "MIGRATION.md"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let guide = std::fs::read_to_string(out.join("MIGRATION.md")).unwrap();
    assert!(guide.contains("terraform -chdir="), "{guide}");
}

/// The namespace and release come from `--namespace`/`--release`, or the `hostwiz.toml`
/// beside the values; with neither, the guide makes the operator set them — never `default`.
#[test]
fn the_namespace_is_never_guessed() {
    let values = "api:\n  image: x\n  replicaCount: 1\n";
    let toml = "version = 1\n[k8s]\nrelease = \"shop\"\nnamespace = \"starter\"\n";
    let guide = |t: Test, extra: &[&str]| {
        t.env("HOSTWIZ_TODAY", TODAY)
            .args(["migrate", "worker", "--out", "out", "--yes"])
            .args(extra)
            .args(["values-prod.yaml"])
            .run()
            .status(0);
    };
    let t = Test::new().file("values-prod.yaml", values);
    guide(Test::in_dir(t.dir()), &[]);
    let text = std::fs::read_to_string(t.path("out/MIGRATION.md")).unwrap();
    assert!(!text.contains("NAMESPACE=default"), "{text}");
    assert!(text.contains(": \"${NAMESPACE:?set NAMESPACE"), "{text}");
    assert!(text.contains(": \"${RELEASE:?set RELEASE"), "{text}");

    let t = Test::new()
        .file("values-prod.yaml", values)
        .file("hostwiz.toml", toml);
    guide(Test::in_dir(t.dir()), &[]);
    let text = std::fs::read_to_string(t.path("out/MIGRATION.md")).unwrap();
    assert!(
        text.contains("NAMESPACE=starter    # its namespace"),
        "{text}"
    );
    assert!(
        text.contains("RELEASE=shop    # your Helm release"),
        "{text}"
    );

    let t = Test::new()
        .file("values-prod.yaml", values)
        .file("hostwiz.toml", toml);
    guide(
        Test::in_dir(t.dir()),
        &["--namespace", "billing", "--release", "b"],
    );
    let text = std::fs::read_to_string(t.path("out/MIGRATION.md")).unwrap();
    assert!(text.contains("NAMESPACE=billing"), "{text}");
    assert!(text.contains("RELEASE=b "), "{text}");
}

/// `--env-file` and `--profile` read the deployment as `check` does.
#[test]
fn env_files_and_profiles_are_accepted() {
    Test::new()
        .file(
            "docker-compose.prod.yml",
            "services:\n  api:\n    image: ${API_IMAGE:?x}\n",
        )
        .file("compose.env", "API_IMAGE=a\n")
        .env("HOSTWIZ_TODAY", TODAY)
        .args([
            "migrate",
            "worker",
            "--dry-run",
            "--env-file",
            "compose.env",
            "--profile",
            "worker",
        ])
        .args(["docker-compose.prod.yml"])
        .run()
        .status(0);
}

/// Without `--repo`, a worker override already next to the named files (its profile off, so
/// not read) is backed up before phase 1 replaces it, and the operator's `--profile`s are in
/// every command MIGRATION.md gives, as in what was checked.
#[test]
fn an_unread_override_is_backed_up_and_profiles_repeat() {
    let t = Test::new()
        .file(
            "ops/docker-compose.prod.yml",
            "services:\n  api:\n    image: a\n    deploy:\n      replicas: 2\n",
        )
        .file(
            "ops/docker-compose.worker.yml",
            "services:\n  worker:\n    image: old\n    profiles: [worker]\n",
        )
        .env("HOSTWIZ_TODAY", TODAY)
        .args(["migrate", "worker", "ops/docker-compose.prod.yml"])
        .args(["--profile", "local-db", "--out", "out"]);
    t.run().status(0);
    let text = std::fs::read_to_string(t.path("out/MIGRATION.md")).unwrap();
    let backup = "cp ops/docker-compose.worker.yml ops/docker-compose.worker.yml.pre-migrate\n\
                  cp \"$OUT/phase-1/docker-compose.worker.yml\" ops/docker-compose.worker.yml\n";
    assert!(text.contains(backup), "{text}");
    assert!(
        text.contains("cp ops/docker-compose.worker.yml.pre-migrate ops/docker-compose.worker.yml"),
        "{text}"
    );
    let commands: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("docker compose") || l.starts_with("hostwiz check"))
        .collect();
    assert!(commands.len() >= 8, "{text}");
    for line in commands {
        assert!(line.contains("--profile local-db"), "{line}");
    }
    assert!(
        text.contains(
            "docker compose -f ops/docker-compose.prod.yml -f ops/docker-compose.worker.yml \
             --profile local-db --profile worker up -d"
        ),
        "{text}"
    );
}
