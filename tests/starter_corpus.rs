//! The starter's `ops/` at two stages, as our own fixtures (`tests/fixtures/starter/`): before
//! the remediation (the chart's ingress template sends `/api` to the API service, the
//! blueprint's locals never set replay off for the API, Caddy's `handle /api/*` proxies to the
//! API) and after it (all fixed). Each is checked as a fresh clone (no env files), with the
//! real Helm engine behind `helm` (`tests/tools/helm_template.py`) and without any helm.

use crate::support::validators::{manifest_dir, missing_because, tools_dir, venv_bin};
use crate::Test;
use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh clone of the fixture at `stage`.
fn clone(stage: &str) -> Test {
    let t = Test::new();
    let from = manifest_dir().join("tests/fixtures/starter").join(stage);
    copy_tree(&from, t.dir());
    t
}

/// A folder holding `helm`: the Helm SDK behind a `helm template` command line.
pub fn helm_shim(bin: &Path) -> Option<PathBuf> {
    let python = venv_bin().join("python3");
    let sdk = python.is_file()
        && std::process::Command::new(&python)
            .args(["-c", "import helm_python"])
            .status()
            .is_ok_and(|s| s.success());
    if !sdk {
        missing_because("helm-python-sdk in target/venv", "not installed")?;
    }
    std::fs::create_dir_all(bin).unwrap();
    let helm = bin.join("helm");
    let script = format!(
        "#!/bin/sh\nexec '{}' '{}' \"$@\"\n",
        python.display(),
        tools_dir().join("helm_template.py").display()
    );
    std::fs::write(&helm, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helm, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Some(bin.to_path_buf())
}

const ROUTE_CHART: &str = "ops/charts/starter/templates/ingress.yaml:29:11: error ROUTE-001 /api on app.example.com goes to api, not to the web app (BFF)
  fix: route /api to web; use a separate API host for server-to-server calls
";
const MODE: &str = "ops/charts/starter/values.prod.yaml:1:1: info BILL-009 api says BILLING_RETRY_DEPLOYMENT_MODE=inline in dedicated mode
  fix: set the mode to match
";
const ROUTE_CADDY: &str = "ops/compose/caddy/Caddyfile:9:3: error ROUTE-001 /api/ on {$APP_HOST} goes to api, not to the web app (BFF)
  fix: route /api to web; use a separate API host for server-to-server calls
";
/// The startup contract's findings on the starter's own files, at both stages: its Compose file
/// carries the database and Redis URLs as literal defaults, and its Cloud Run locals set PORT.
const BOOT_COMPOSE: &str = "ops/compose/docker-compose.prod.yml:38:21: error BOOT-001 DATABASE_URL of the api is a literal in a committed file
  fix: map both in the secret store; async driver; TLS and AUTH on Redis
ops/compose/docker-compose.prod.yml:39:18: error BOOT-001 REDIS_URL of the api is a literal in a committed file
  fix: map both in the secret store; async driver; TLS and AUTH on Redis
ops/compose/docker-compose.prod.yml:38:21: error BOOT-001 DATABASE_URL of the api does not use postgresql+asyncpg:// (asyncpg is the only driver in the image)
  fix: map both in the secret store; async driver; TLS and AUTH on Redis
ops/compose/docker-compose.prod.yml:39:18: error BOOT-001 REDIS_URL of the api is plain redis://: a hardened API needs rediss:// (TLS)
  fix: map both in the secret store; async driver; TLS and AUTH on Redis
";
const BOOT_PORT: &str = "ops/infra/gcp/locals.tf:13:7: error BOOT-010 the api sets PORT, which Cloud Run reserves and refuses
  fix: remove PORT from the env the blueprint's locals.tf builds (api_env cannot remove it)
ops/infra/gcp/locals.tf:13:7: error BOOT-010 the worker sets PORT, which Cloud Run reserves and refuses
  fix: remove PORT from the env the blueprint's locals.tf builds (api_env cannot remove it)
";
/// The fixture blueprint's default `project_name` ("starter") with "prod": the VPC connector's
/// name would be too long (read from the blueprint's defaults since issue 13 item 3).
const BOOT_NAMES: &str = "ops/infra/gcp/variables.tf:8:3: error BOOT-010 project_name + environment is 11 characters: the VPC connector name <project_name>-<environment>-vpc-connector allows 10, lowercase
  fix: shorten project_name (e.g. `app`) so that it and the environment are at most 10 lowercase characters
";
const REPLAY: &str = "ops/infra/gcp/prod.tfvars:1:1: error BILL-002 a worker is defined but the API still runs with ENABLE_BILLING_STREAM_REPLAY=true
  fix: set it `false` on the API
";
const BOOTSTRAP: &str = "ops/infra/gcp/variables.tf:23:3: warning SVC-003 enable the bootstrap APIs by hand before the first terraform apply
  fix: gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com --project acme-prod
";
/// What `check --repo` says it read (the same files at both stages).
const READ: &str = "checked 3 deployments:
  k8s ops/charts/starter/values.yaml: ops/charts/starter/values.yaml, ops/charts/starter/values.prod.yaml
  vps ops/compose/caddy/Caddyfile: ops/compose/caddy/Caddyfile, ops/compose/docker-compose.prod.yml
  gcp ops/infra/gcp/prod.tfvars: ops/infra/gcp/prod.tfvars, ops/infra/gcp/locals.tf, ops/infra/gcp/variables.tf
";
const NO_HELM: &str = "note: helm not found (--helm, HOSTWIZ_HELM or PATH): Helm values were judged by the documented chart semantics, not by rendering the repo's chart\n";

const NO_CADDY: &str = "note: caddy not found (--caddy, HOSTWIZ_CADDY or PATH): Caddyfiles were judged by hostwiz's own reader, not by `caddy adapt`\n";

/// `check --repo .` on a fresh clone: with `helm`, Caddy's own `caddy` judges the Caddyfile
/// too (`None` when the test is skipped); without, neither tool is there.
fn check(stage: &str, helm: Option<&Path>) -> Option<crate::test::Run> {
    let t = clone(stage);
    let (path, caddy) = match helm {
        Some(bin) => (
            format!("{}:/usr/bin:/bin", bin.display()),
            crate::support::validators::require("caddy")?.into_os_string(),
        ),
        None => ("/usr/bin:/bin".into(), "".into()),
    };
    Some(
        t.env("PATH", path)
            .env("HOSTWIZ_HELM", "")
            .env("HOSTWIZ_CADDY", caddy)
            .args(["check", "--repo", "."])
            .run(),
    )
}

#[test]
fn before_the_remediation_every_break_is_reported_with_helm() {
    let bin = tempfile::tempdir().unwrap();
    let Some(shim) = helm_shim(&bin.path().join("bin")) else {
        return;
    };
    let Some(run) = check("before", Some(&shim)) else {
        return;
    };
    let run = run.status(1);
    let expected = [
        ROUTE_CHART,
        MODE,
        BOOT_COMPOSE,
        ROUTE_CADDY,
        REPLAY,
        BOOT_PORT,
        BOOT_NAMES,
        BOOTSTRAP,
    ]
    .concat()
        + "10 errors, 1 warning, 1 info, 0 suppressed\n"
        + READ;
    assert_eq!(run.stdout, expected);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
}

#[test]
fn before_the_remediation_without_helm_the_chart_semantics_apply_and_say_so() {
    let run = check("before", None).unwrap().status(1);
    let expected = [
        MODE,
        BOOT_COMPOSE,
        ROUTE_CADDY,
        REPLAY,
        BOOT_PORT,
        BOOT_NAMES,
        BOOTSTRAP,
    ]
    .concat()
        + "9 errors, 1 warning, 1 info, 0 suppressed\n"
        + READ;
    assert_eq!(run.stdout, expected);
    assert_eq!(run.stderr.matches("note:").count(), 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!("{NO_HELM}{NO_CADDY}")),
        "{}",
        run.stderr
    );
}

#[test]
fn after_the_remediation_nothing_breaks_with_or_without_helm() {
    let bin = tempfile::tempdir().unwrap();
    // Routing and billing hold after the remediation; the startup traps are the starter's own.
    let expected = [MODE, BOOT_COMPOSE, BOOT_PORT, BOOT_NAMES, BOOTSTRAP].concat()
        + "7 errors, 1 warning, 1 info, 0 suppressed\n"
        + READ;
    if let Some(shim) = helm_shim(&bin.path().join("bin")) {
        if let Some(run) = check("after", Some(&shim)) {
            assert_eq!(run.status(1).stdout, expected);
        }
    }
    assert_eq!(check("after", None).unwrap().status(1).stdout, expected);
}

#[test]
fn with_helm_a_setting_from_the_values_points_at_the_values_line() {
    let bin = tempfile::tempdir().unwrap();
    let Some(shim) = helm_shim(&bin.path().join("bin")) else {
        return;
    };
    let t = clone("after");
    let values = "ops/charts/starter/values.prod.yaml";
    let text = std::fs::read_to_string(t.path(values)).unwrap().replace(
        "  replicaCount: 2\n\nweb:",
        "  replicaCount: 2\n  env:\n    ENABLE_BILLING_STREAM_REPLAY: \"true\"\n\nweb:",
    );
    t.env("PATH", format!("{}:/usr/bin:/bin", shim.display()))
        .file(values, &text)
        .args(["check", values])
        .run()
        .status(1)
        .stdout_has(&format!("{values}:5:35: error BILL-002"));
}
