//! Issue 15 item 6: every command of every CHECKLIST.md (each preset) and MIGRATION.md
//! (`migrate worker` on each inline preset's files, placed in a checkout) runs as typed.
//!
//! Each ```sh block, and each inline command in the prose, passes `bash -n`; then all of them
//! run in order, as the operator would, in a checkout laid out like the starter's (our own
//! fixtures: `tests/fixtures/checkout`, the test chart, the GCP blueprint fixture) with the
//! tools that need a server replaced by shims that dry-run what they can:
//!
//! - `docker compose …` runs the real `docker compose … config` with the same files, env files
//!   and profiles (missing files, env files or variables fail it), and the services it names
//!   must exist; every `up` has at most one billing owner, and with `--profile worker` the
//!   worker (with its override) is that owner;
//! - `helm upgrade --install` renders the test chart with the real Helm SDK;
//!   `kubectl` must name that release's namespace and Deployments;
//! - `terraform -chdir=D plan -var-file=F` needs `D/F` in canonical form (`terraform fmt -check`),
//!   `apply P` needs the plan file `plan -out=P` wrote;
//! - `gcloud` (needs the real cloud) must name the answers' project;
//! - `aws` and `az` (the cloud too) must name the answers' region or Key Vault, create only
//!   secrets the written files name, read back only secrets created before, and name only the
//!   apps and resource group the blueprint makes of `project_name` and `environment`;
//! - `hostwiz check` is the real binary; `sed`, `cp`, `install`, `openssl` are the real tools.

use crate::support::validators::{self, manifest_dir, tools_dir};
use crate::Test;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-05-24";

/// One thing to run: a fenced block or an inline command, with where it came from.
struct Unit {
    text: String,
    at: String,
    /// Inline commands that only mention a command (`hostwiz check`) get `bash -n` only.
    run: bool,
}

/// The words an inline code span starts with when it is a command to run.
const RUN_INLINE: &[&str] = &["docker", "helm", "kubectl", "gcloud", "terraform", "dig"];

/// The ```sh blocks and the inline commands of a Markdown file, in document order.
fn units(name: &str, md: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (n, line) in md.lines().enumerate() {
        let t = line.trim();
        match &mut block {
            None if t == "```sh" => block = Some((n + 1, String::new())),
            Some((start, text)) if t == "```" => {
                out.push(Unit {
                    text: std::mem::take(text),
                    at: format!("{name}:{}", *start + 1),
                    run: true,
                });
                block = None;
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {
                for span in line.split('`').skip(1).step_by(2) {
                    let first = span.trim_start_matches('(').split(' ').next().unwrap_or("");
                    let known = RUN_INLINE.contains(&first)
                        || ["hostwiz", "starter-console", "sed", "curl", "cd"].contains(&first);
                    if known && span.contains(' ') {
                        out.push(Unit {
                            text: format!("{span}\n"),
                            at: format!("{name}:{} (inline)", n + 1),
                            run: RUN_INLINE.contains(&first) || first == "cd",
                        });
                    }
                }
            }
        }
    }
    assert!(block.is_none(), "{name}: an unclosed ```sh block");
    out
}

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

/// A checkout of the starter as the commands expect it, with the host's folder only (so
/// `migrate worker --repo .` finds that one deployment).
fn checkout(root: &Path, host: &str) {
    let fixtures = manifest_dir().join("tests/fixtures");
    let (from, to) = match host {
        "vps" => (fixtures.join("checkout/ops/compose"), "ops/compose"),
        "k8s" => (validators::chart_dir(), "ops/charts/starter"),
        "aws" => (fixtures.join("aws"), "ops/infra/aws"),
        "azure" => (fixtures.join("azure"), "ops/infra/azure"),
        _ => (
            fixtures.join("starter/after/ops/infra/gcp"),
            "ops/infra/gcp",
        ),
    };
    copy_tree(&from, &root.join(to));
    if host == "azure" {
        // The parts of the blueprint the checklist's patches edit.
        for (name, text) in [
            ("container_apps.tf", crate::azure::APPS),
            ("identity.tf", crate::azure::IDENTITY),
            ("postgres.tf", crate::azure::POSTGRES),
        ] {
            std::fs::write(root.join(to).join(name), text).unwrap();
        }
    }
    for dir in ["apps/api-service", "apps/web-app"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    // A clone is a git work tree: the checklists' `git diff` reviews their patches.
    let git = |args: &[&str]| {
        let o = validators::output(Command::new("git").args(args).current_dir(root), None);
        assert!(o.status.success(), "git {args:?}: {o:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "checkout",
    ]);
}

const DOCKER: &str = r#"#!/usr/bin/env bash
# docker compose, dry-run: the same options with `config`; the subcommand and its arguments kept.
set -euo pipefail
[ "${1:-}" = compose ] || { echo "docker (shim): only docker compose" >&2; exit 97; }
shift
pre=()
while [ $# -gt 0 ]; do
  case "$1" in
    up|logs|ps|stop|rm|restart|pull|down|exec|run|start) break ;;
    *) pre+=("$1"); shift ;;
  esac
done
[ $# -gt 0 ] || { echo "docker compose (shim): no subcommand" >&2; exit 98; }
n=$(( $(cat "$SHIM_LOG/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$SHIM_LOG/n"
"$SHIM_COMPOSE" "${pre[@]}" config --format json > "$SHIM_LOG/$n.compose.json"
{ pwd; printf '%s\n' "${pre[@]}" -- "$@"; } > "$SHIM_LOG/$n.compose"
[ "$1" = logs ] && echo "shim-1 | Stripe dispatch retry worker disabled"
exit 0
"#;

const HELM: &str = r#"#!/usr/bin/env bash
# helm upgrade --install / template, rendered by the Helm SDK (tests/tools/helm_template.py).
set -euo pipefail
case "${1:-} ${2:-}" in
  "upgrade --install") shift 2 ;;
  # `helm template` as `hostwiz check` runs it on the checkout's chart: not a command to check.
  template*) exec "$SHIM_PY" "$SHIM_HELM" "$@" ;;
  *) echo "helm (shim): only upgrade --install and template" >&2; exit 97 ;;
esac
n=$(( $(cat "$SHIM_LOG/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$SHIM_LOG/n"
args=(); sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --create-namespace|--wait|--atomic) shift ;;
    --timeout) shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ ${#sets[@]} -gt 0 ]; then
  "$SHIM_PY" -c 'import json,sys
out={}
for s in sys.argv[2:]:
    k,v=s.split("=",1); d=out; ks=k.split(".")
    for p in ks[:-1]: d=d.setdefault(p,{})
    d[ks[-1]]=json.loads(v) if v in ("true","false") or v.isdigit() else v
open(sys.argv[1],"w").write(json.dumps(out))' "$SHIM_LOG/$n.set.yaml" "${sets[@]}"
  args+=(-f "$SHIM_LOG/$n.set.yaml")
fi
"$SHIM_PY" "$SHIM_HELM" template "${args[@]}" > "$SHIM_LOG/$n.helm.yaml"
printf '%s\n' "${args[@]}" > "$SHIM_LOG/$n.helm"
"#;

const RECORD: &str = r#"#!/usr/bin/env bash
# Needs a server or the cloud: the arguments are recorded and checked by the test.
set -euo pipefail
n=$(( $(cat "$SHIM_LOG/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$SHIM_LOG/n"
{ pwd; printf '%s\n' "$@"; } > "$SHIM_LOG/$n.$(basename "$0")"
[ -t 0 ] || cat > /dev/null
case "$(basename "$0") ${1:-}" in
  "kubectl logs"|"kubectl -n"|"gcloud logging"|"aws logs"|"az containerapp") echo "shim | Stripe dispatch retry worker disabled" ;;
  "gcloud secrets"|"aws secretsmanager"|"az keyvault") echo "shim-secret-value" ;;
  "az account") echo "operator@example.com" ;;
  "dig +short") echo "192.0.2.1" ;;
esac
exit 0
"#;

const TERRAFORM: &str = r#"#!/usr/bin/env bash
# terraform without the cloud: init needs the folder, plan its var file in canonical form
# (the real `terraform fmt -check`) and writes the plan file, apply needs that plan file.
set -euo pipefail
dir=.
if [[ "${1:-}" == -chdir=* ]]; then dir="${1#-chdir=}"; shift; fi
[ -d "$dir" ] || { echo "terraform (shim): no folder $dir" >&2; exit 1; }
sub="$1"; shift
case "$sub" in
  init|output|fmt|validate) ;;
  plan)
    for a in "$@"; do
      case "$a" in
        -var-file=*) f="$dir/${a#-var-file=}"; [ -f "$f" ] || { echo "terraform (shim): no var file $f" >&2; exit 1; }
                     "$SHIM_TF" fmt -check -diff -no-color "$f" ;;
        -out=*) : > "$dir/${a#-out=}" ;;
        -var) ;;
      esac
    done ;;
  apply)
    for a in "$@"; do
      case "$a" in
        -var-file=*) f="$dir/${a#-var-file=}"; [ -f "$f" ] || { echo "terraform (shim): no var file $f" >&2; exit 1; } ;;
        -*) ;;
        *) [ -f "$dir/$a" ] || { echo "terraform (shim): no plan $dir/$a" >&2; exit 1; } ;;
      esac
    done ;;
  *) echo "terraform (shim): unexpected $sub" >&2; exit 97 ;;
esac
"#;

fn script(bin: &Path, name: &str, text: &str) {
    let p = bin.join(name);
    std::fs::write(&p, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// The tools the shims run for real; `None` (skipped with a note, or a failure under
/// `HOSTWIZ_REQUIRE_VALIDATORS=1`) when one is missing.
struct Tools {
    compose: PathBuf,
    python: PathBuf,
    terraform: PathBuf,
}

fn tools() -> Option<Tools> {
    Some(Tools {
        compose: validators::compose_v2()?,
        python: validators::python()?,
        terraform: validators::require("terraform")?,
    })
}

/// The shims' folder, with the real `hostwiz` beside them.
fn shims(bin: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    script(bin, "docker", DOCKER);
    script(bin, "helm", HELM);
    script(bin, "terraform", TERRAFORM);
    for name in [
        "kubectl",
        "gcloud",
        "aws",
        "az",
        "starter-console",
        "curl",
        "dig",
    ] {
        script(bin, name, RECORD);
    }
    #[cfg(unix)]
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_hostwiz"), bin.join("hostwiz")).unwrap();
}

/// Runs `units` in order from `root`, each in a fresh `bash` as its own step.
fn run_units(units: &[Unit], root: &Path, out: &Path, bin: &Path, log: &Path, t: &Tools) {
    for u in units {
        let syntax = validators::output(Command::new("bash").args(["-n", "-c", &u.text]), None);
        assert!(
            syntax.status.success(),
            "{}: bash -n fails: {}\n{}",
            u.at,
            String::from_utf8_lossy(&syntax.stderr),
            u.text
        );
        if !u.run {
            continue;
        }
        let mut cmd = Command::new("bash");
        for var in validators::DEPLOY_ENV_VARS {
            cmd.env_remove(var);
        }
        let path = std::env::join_paths(
            std::iter::once(bin.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        cmd.current_dir(root)
            .env("PATH", path)
            .env("OUT", out)
            .env("HOSTWIZ_TODAY", TODAY)
            .env("SHIM_LOG", log)
            .env("SHIM_COMPOSE", &t.compose)
            .env("SHIM_PY", &t.python)
            .env("SHIM_HELM", tools_dir().join("helm_template.py"))
            .env("SHIM_TF", &t.terraform)
            .env("CHECKPOINT_DISABLE", "1")
            // What the checklists ask the operator to set first.
            .env(
                "DATABASE_URL",
                "postgresql+asyncpg://u:p@db:5432/app?ssl=require",
            )
            .env("REDIS_URL", "rediss://:p@redis:6379/0")
            .env("OPENAI_API_KEY", "sk-test")
            .env("RELEASE", "starter")
            .env("NAMESPACE", "starter")
            .args(["-c", &format!("set -eo pipefail\n{}", u.text)]);
        let o = validators::output(&mut cmd, None);
        assert!(
            o.status.success(),
            "{}: fails as typed ({})\n{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            u.at,
            o.status,
            u.text,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Billing owners of a `docker compose config` result: API and worker replicas whose retry
/// flag is not `false` (the starter's default is on), `--scale` applied.
fn owners(config: &Value, args: &[String]) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (name, s) in config["services"].as_object().into_iter().flatten() {
        if !["api", "worker"].contains(&name.as_str()) {
            continue;
        }
        if s["environment"]["ENABLE_BILLING_RETRY_WORKER"] == "false" {
            continue;
        }
        let scaled = args
            .iter()
            .find_map(|a| a.strip_prefix(&format!("{name}=")))
            .and_then(|n| n.parse().ok());
        let n = scaled.unwrap_or_else(|| s["deploy"]["replicas"].as_u64().unwrap_or(1));
        if n > 0 {
            out.push((name.clone(), n));
        }
    }
    out
}

/// Deployments of a rendered manifest stream, by `metadata.name`.
fn deployments(render: &str) -> Vec<String> {
    render
        .split("\n---")
        .filter(|d| d.contains("\nkind: Deployment"))
        .filter_map(|d| {
            let meta = d.split("\nmetadata:\n").nth(1)?;
            meta.lines()
                .find_map(|l| l.strip_prefix("  name: "))
                .map(|n| n.trim().trim_matches('"').to_string())
        })
        .collect()
}

/// Checks what the shims recorded since `from`; returns the next record number.
/// What the records must agree with: the answers' project and namespace, the written files.
struct Expect<'a> {
    project: &'a str,
    namespace: &'a str,
    /// Every file `apply` wrote, one after the other.
    written: &'a str,
    /// AWS: the region; Azure: the Key Vault.
    region: &'a str,
    vault: &'a str,
}

fn check_records(log: &Path, from: u32, ctx: &str, e: &Expect) -> u32 {
    let Expect {
        project,
        namespace,
        written,
        region,
        vault,
    } = *e;
    // What the blueprint names its resources after.
    let tfvar = |k: &str| {
        written
            .lines()
            .find_map(|l| l.strip_prefix(k)?.trim_start().strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let prefix = format!("{}-{}", tfvar("project_name"), tfvar("environment"));
    let mut created: Vec<String> = Vec::new();
    let n: u32 = std::fs::read_to_string(log.join("n"))
        .map(|s| s.trim().parse().unwrap())
        .unwrap_or(0);
    let mut render: Option<(String, String)> = None;
    for i in from..=n {
        let read = |ext: &str| std::fs::read_to_string(log.join(format!("{i}.{ext}"))).ok();
        if let Some(rec) = read("compose") {
            let config: Value = serde_json::from_str(&read("compose.json").unwrap()).unwrap();
            let lines: Vec<String> = rec.lines().skip(1).map(String::from).collect();
            let split = lines.iter().position(|l| l == "--").unwrap();
            let (opts, rest) = (&lines[..split], &lines[split + 1..]);
            let sub = rest[0].as_str();
            let worker_profile = opts
                .windows(2)
                .any(|w| w[0] == "--profile" && w[1] == "worker");
            if ["logs", "ps", "stop", "rm", "restart"].contains(&sub) {
                for s in rest[1..].iter().filter(|a| !a.starts_with('-')) {
                    assert!(
                        !config["services"][s].is_null(),
                        "{ctx}: `docker compose {}` names {s}, which those files do not run",
                        lines.join(" ")
                    );
                }
            }
            if sub == "up" {
                let own = owners(&config, rest);
                let total: u64 = own.iter().map(|(_, n)| n).sum();
                assert!(total <= 1, "{ctx}: `up` with {own:?} owning billing: {rec}");
                if worker_profile {
                    assert_eq!(
                        own,
                        vec![("worker".to_string(), 1)],
                        "{ctx}: with --profile worker the worker alone owns billing: {rec}"
                    );
                }
            }
        }
        if let Some(args) = read("helm") {
            let args: Vec<&str> = args.lines().collect();
            let ns = args
                .windows(2)
                .find(|w| w[0] == "--namespace" || w[0] == "-n")
                .map_or("default", |w| w[1]);
            assert_eq!(ns, namespace, "{ctx}: helm {args:?} in another namespace");
            render = Some((ns.to_string(), read("helm.yaml").unwrap()));
        }
        if let Some(rec) = read("kubectl") {
            let args: Vec<&str> = rec.lines().skip(1).collect();
            if let Some(w) = args.windows(2).find(|w| w[0] == "-n") {
                assert_eq!(
                    w[1], namespace,
                    "{ctx}: kubectl {args:?} in another namespace"
                );
            }
            // Secrets come before the release; what names its objects comes after it.
            let manifests = render.as_ref().map_or("", |(_, m)| m.as_str());
            for a in &args {
                if let Some(d) = a.strip_prefix("deploy/") {
                    assert!(
                        deployments(manifests).iter().any(|x| x == d),
                        "{ctx}: kubectl {args:?}: no Deployment {d} in {:?}",
                        deployments(manifests)
                    );
                }
            }
            if let ["-n", _, "create", "secret", "tls", name, ..] = args[..] {
                assert!(
                    written.contains(name),
                    "{ctx}: kubectl {args:?}: the values name no TLS secret {name}"
                );
            }
            if let Some(w) = args.windows(2).find(|w| w[0] == "-l") {
                let key = w[1].split('=').next().unwrap();
                assert!(manifests.contains(key), "{ctx}: no label {key}");
            }
        }
        if let Some(rec) = read("gcloud") {
            let args: Vec<&str> = rec.lines().skip(1).collect();
            let given = args.windows(2).find(|w| w[0] == "--project").map(|w| w[1]);
            assert_eq!(given, Some(project), "{ctx}: gcloud {args:?}");
            // A secret is one the written files name; a service one the blueprint creates
            // from them (`${project_name}-${environment}-<role>`).
            let secret = match args[..] {
                ["secrets", "create", name, ..] => Some(name),
                _ => args.windows(2).find(|w| w[0] == "--secret").map(|w| w[1]),
            };
            if let Some(name) = secret {
                assert!(
                    written.contains(&format!("\"{name}\"")),
                    "{ctx}: gcloud {args:?}: no written file names the secret {name}"
                );
            }
            if let Some(w) = args.windows(2).find(|w| w[0] == "--service") {
                let ok = ["web", "api", "worker"].map(|r| format!("{prefix}-{r}"));
                assert!(
                    ok.contains(&w[1].to_string()),
                    "{ctx}: gcloud {args:?}: not one of {ok:?}"
                );
            }
        }
        if let Some(rec) = read("aws") {
            let args: Vec<&str> = rec.lines().skip(1).collect();
            let arg = |flag: &str| args.windows(2).find(|w| w[0] == flag).map(|w| w[1]);
            assert_eq!(arg("--region"), Some(region), "{ctx}: aws {args:?}");
            match args[..] {
                ["secretsmanager", "create-secret", ..] => {
                    let name = arg("--name").unwrap();
                    // The tfvars name the app's secrets; the checklist reads back its own.
                    assert!(
                        written.contains(&format!(":secret:{name}\""))
                            || written.contains(&format!("--secret-id {name} ")),
                        "{ctx}: aws {args:?}: no written file names the secret {name}"
                    );
                    created.push(name.to_string());
                }
                ["secretsmanager", "get-secret-value", ..] => {
                    let id = arg("--secret-id").unwrap();
                    assert!(
                        created.iter().any(|c| c == id),
                        "{ctx}: aws {args:?}: reads {id} before any step creates it"
                    );
                }
                ["elbv2", "describe-load-balancers", ..] => {
                    let names = arg("--names").into_iter().chain(
                        args.iter()
                            .skip_while(|a| **a != "--names")
                            .skip(2)
                            .take_while(|a| !a.starts_with('-'))
                            .copied(),
                    );
                    for n in names {
                        let ok = ["web", "api"].map(|r| format!("{prefix}-{r}"));
                        assert!(ok.contains(&n.to_string()), "{ctx}: aws {args:?}: {n}");
                    }
                }
                _ => {}
            }
        }
        if let Some(rec) = read("az") {
            let args: Vec<&str> = rec.lines().skip(1).collect();
            let arg = |flag: &str| args.windows(2).find(|w| w[0] == flag).map(|w| w[1]);
            match args[..] {
                ["keyvault", "secret", "set", ..] => {
                    assert_eq!(arg("--vault-name"), Some(vault), "{ctx}: az {args:?}");
                    let name = arg("--name").unwrap();
                    // The tfvars name the app's secrets; the password only the checklist.
                    assert!(
                        written.contains(&format!("/secrets/{name}\""))
                            || written.contains(&format!("--name {name} ")),
                        "{ctx}: az {args:?}: no written file names the secret {name}"
                    );
                    created.push(name.to_string());
                }
                ["keyvault", "secret", "show", ..] => {
                    assert_eq!(arg("--vault-name"), Some(vault), "{ctx}: az {args:?}");
                    let name = arg("--name").unwrap();
                    assert!(
                        created.iter().any(|c| c == name),
                        "{ctx}: az {args:?}: reads {name} before any step sets it"
                    );
                }
                ["keyvault", "set-policy", ..] => {
                    assert_eq!(arg("--name"), Some(vault), "{ctx}: az {args:?}");
                }
                ["containerapp", ..] => {
                    let ok = ["web", "api"].map(|r| format!("{prefix}-{r}"));
                    let app = arg("--name").unwrap_or_default();
                    assert!(
                        ok.contains(&app.to_string()),
                        "{ctx}: az {args:?}: app {app}"
                    );
                    let group = format!("{prefix}-rg");
                    assert_eq!(arg("--resource-group"), Some(group.as_str()), "{ctx}");
                    if let Some(env) = arg("--environment") {
                        assert_eq!(env, format!("{prefix}-cae"), "{ctx}: az {args:?}");
                    }
                }
                _ => {}
            }
        }
    }
    n + 1
}

/// What the operator does between the checklist and the migration: fill the values the env
/// file templates leave empty (the checklist's `sed` lines filled the random ones).
fn fill_env_files(root: &Path) {
    let p = root.join("apps/api-service/.env.local");
    let Ok(text) = std::fs::read_to_string(&p) else {
        return;
    };
    let filled: String = text
        .lines()
        .map(|l| match l.strip_suffix('=') {
            Some("DATABASE_URL") => {
                format!("{l}postgresql+asyncpg://app:pw@db.internal:5432/app\n")
            }
            Some("REDIS_URL") => format!("{l}rediss://:pw@redis.internal:6379/0\n"),
            Some(k) if !k.starts_with('#') => format!("{l}{}\n", "k".repeat(40)),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&p, filled).unwrap();
}

/// How many of records `from..to` are of `tool`.
fn recorded(log: &Path, from: u32, to: u32, tool: &str) -> usize {
    (from..to)
        .filter(|i| log.join(format!("{i}.{tool}")).is_file())
        .count()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_checklist_and_migration_command_runs_as_typed() {
    let Some(tools) = tools() else { return };
    let presets: Vec<String> = hostwiz::presets::all()
        .unwrap()
        .into_iter()
        .filter(|p| p.path.is_none())
        .map(|p| p.name)
        .collect();
    assert_eq!(presets.len(), 8, "{presets:?}");
    for preset in presets {
        let dir = tempfile::tempdir().unwrap();
        let (root, out, bin, log) = (
            dir.path().join("checkout"),
            dir.path().join("out"),
            dir.path().join("bin"),
            dir.path().join("log"),
        );
        Test::in_dir(dir.path())
            .args(["apply", "--preset", &preset, "--yes", "--out"])
            .args([&out])
            .run()
            .status(0);
        let toml = read(&out.join("hostwiz.toml"));
        let host = toml
            .lines()
            .find_map(|l| l.strip_prefix("host = "))
            .unwrap()
            .trim_matches('"');
        checkout(&root, host);
        shims(&bin);
        std::fs::create_dir_all(&log).unwrap();
        let project = toml
            .lines()
            .find_map(|l| l.strip_prefix("project_id = "))
            .unwrap_or("")
            .trim_matches('"')
            .to_string();
        let namespace = toml
            .lines()
            .find_map(|l| l.strip_prefix("namespace = "))
            .unwrap_or("")
            .trim_matches('"')
            .to_string();
        let checklist = units("CHECKLIST.md", &read(&out.join("CHECKLIST.md")));
        assert!(checklist.len() >= 5, "{preset}: {}", checklist.len());
        run_units(&checklist, &root, &out, &bin, &log, &tools);
        // The wizard's "next" deploy command is the checklist's, and runs the same way.
        let answers =
            hostwiz::source::load(&hostwiz::source::Source::Preset(preset.clone()), &[]).unwrap();
        let vault = answers.azure.key_vault.clone().unwrap_or_default();
        let next = hostwiz::hosts::module(answers.host)
            .checklist(&answers)
            .deploy_command();
        let wizard = [Unit {
            text: format!("{next}\n"),
            at: "the wizard's next command".into(),
            run: true,
        }];
        run_units(&wizard, &root, &out, &bin, &log, &tools);
        let ctx = format!("{preset} CHECKLIST.md");
        let written: String = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
            .collect();
        let expect = Expect {
            project: &project,
            namespace: &namespace,
            written: &written,
            region: &answers.aws.region,
            vault: &vault,
        };
        let next = check_records(&log, 1, &ctx, &expect);
        // Not vacuous: the host's deploy tool ran through its shim.
        let tool = match host {
            "vps" => "compose",
            "k8s" => "helm",
            "aws" => "aws",
            "azure" => "az",
            _ => "gcloud",
        };
        assert!(recorded(&log, 1, next, tool) >= 2, "{ctx}: no {tool} ran");
        if host == "azure" {
            // The checklist's patches took: sed says nothing when a pattern misses.
            let apps = read(&root.join("ops/infra/azure/container_apps.tf"));
            for patched in ["min_replicas = 1", "lower(replace(secret.value.name"] {
                assert!(apps.contains(patched), "{ctx}: no {patched} in\n{apps}");
            }
        }
        // A dedicated worker has nothing to migrate; AWS and Azure have no worker service
        // (`migrate worker` says why: tests/aws.rs, tests/azure.rs).
        if toml.contains("worker = \"dedicated\"") || ["aws", "azure"].contains(&host) {
            continue;
        }
        fill_env_files(&root);
        let mig = dir.path().join("migrate");
        Test::in_dir(&root)
            .env("HOSTWIZ_TODAY", TODAY)
            .args(["migrate", "worker", "--repo", ".", "--yes", "--out"])
            .args([&mig])
            .run()
            .status(0);
        let guide = units("MIGRATION.md", &read(&mig.join("MIGRATION.md")));
        assert!(guide.len() >= 5, "{preset}: {}", guide.len());
        run_units(&guide, &root, &mig, &bin, &log, &tools);
        let ctx = format!("{preset} MIGRATION.md");
        let end = check_records(&log, next, &ctx, &expect);
        let tool = if host == "gcp" { "gcloud" } else { tool };
        assert!(recorded(&log, next, end, tool) >= 2, "{ctx}: no {tool} ran");
    }
}

#[test]
fn units_are_blocks_and_inline_commands_in_order() {
    let md = "Run `docker compose ps api`; `hostwiz check` passes.\n\n```sh\ncd x\nls\n```\n";
    let u = units("M", md);
    let got: Vec<(&str, bool)> = u.iter().map(|u| (u.text.as_str(), u.run)).collect();
    assert_eq!(
        got,
        vec![
            ("docker compose ps api\n", true),
            ("hostwiz check\n", false),
            ("cd x\nls\n", true)
        ]
    );
}
