//! `MIGRATION.md`: per deployment and phase, the exact commands, what to watch before moving
//! on, and the rollback (the worker stopped first, then one API process given the flags back).

use super::hosts::{env_target, other_profiles, WORKER_OVERRIDE};
use super::{file_name, suppression, Deployment, Phase, GUIDE};
use crate::answers::Host;
use crate::ingest::detect::Kind;
use crate::plan::Plan;
use std::fmt::Write as _;
use std::path::Path;

const DISABLED: &str = "Stripe dispatch retry worker disabled";
const METRIC: &str = "stripe_dispatch_retry_total{result!=\"success\"}";

macro_rules! w {
    ($s:expr) => {
        $s.push('\n')
    };
    ($s:expr, $($arg:tt)*) => {{
        writeln!($s, $($arg)*).expect("writing to a String cannot fail");
    }};
}

pub fn guide(sections: &[String]) -> String {
    let mut s = String::new();
    w!(
        s,
        "# Migration: billing retries from the API to one dedicated worker"
    );
    w!(s);
    w!(
        s,
        "Written by `hostwiz migrate worker`. Principle: **never two owners; briefly none is"
    );
    w!(
        s,
        "acceptable.** A failed Stripe dispatch waits in the database with its `next_retry_at`,"
    );
    w!(
        s,
        "so the short gap between the phases delays retries and loses nothing; two owners would"
    );
    w!(s, "retry and replay twice.");
    w!(s);
    w!(
        s,
        "`phase-1/` and `phase-2/` hold only the files that change, with your comments and every"
    );
    w!(s, "other setting kept. Each phase is a separate apply: finish one, pass its checks, then start");
    w!(
        s,
        "the next. Commands run from the folder where `hostwiz migrate worker` ran, with `OUT` set"
    );
    w!(s, "to the folder that holds this {GUIDE}.");
    for section in sections {
        w!(s);
        s.push_str(section);
    }
    s
}

fn sh(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

fn dir_of(path: &str) -> &str {
    let d = &path[..path.len() - file_name(path).len()];
    d.trim_end_matches('/')
}

/// How one host deploys, watches and rolls back, given the files as they will be in place.
struct Host_ {
    /// The command that deploys with the files in place (phase 1 / 2 / original).
    deploy: [String; 3],
    /// What to run after deploying, before watching.
    settle: [String; 2],
    api_logs: String,
    worker_logs: String,
    /// Lists the API processes, to see that no old one remains.
    api_ps: String,
    /// Stops the worker (rollback of phase 2, step 1), after which none may remain.
    stop_worker: String,
}

pub fn section(
    d: &Deployment,
    plan: &Plan,
    p1: &Phase,
    p2: &Phase,
    out: &Path,
    until: (i32, u32, u32),
) -> String {
    let mut s = String::new();
    let what = match d.host {
        Host::K8s => "Kubernetes (Helm)",
        Host::Vps => "VPS (Docker Compose + Caddy)",
        Host::Gcp => "GCP Cloud Run (Terraform)",
    };
    w!(s, "## {what}: {}", d.primary());
    w!(s);
    w!(s, "```sh");
    w!(s, "OUT={}", sh(&out.display().to_string()));
    if d.host == Host::K8s {
        w!(s, "RELEASE=starter      # your Helm release");
        w!(s, "NAMESPACE=default    # and its namespace");
    }
    w!(s, "```");
    w!(s);
    let h = host(d, plan, p1, p2);
    // Files to back up: every original that either phase replaces.
    let originals: Vec<&str> = p2
        .changed
        .iter()
        .map(|(_, i)| i.path.as_str())
        .filter(|p| d.files.iter().any(|(_, i)| i.path == *p))
        .collect();
    let new_files: Vec<&str> = p2
        .changed
        .iter()
        .map(|(_, i)| i.path.as_str())
        .filter(|p| !d.files.iter().any(|(_, i)| i.path == *p))
        .collect();
    let check = |phase: &Phase| {
        let mut paths: Vec<String> = d.files.iter().map(|(_, i)| sh(&i.path)).collect();
        for (_, i) in &phase.changed {
            if !d.files.iter().any(|(_, o)| o.path == i.path) {
                paths.push(sh(&i.path));
            }
        }
        let profiles: String = phase
            .profiles
            .iter()
            .map(|p| format!(" --profile {p}"))
            .collect();
        format!("hostwiz check {}{profiles}", paths.join(" "))
    };
    let copy = |s: &mut String, n: u32, phase: &Phase| {
        for (_, i) in &phase.changed {
            w!(
                s,
                "cp \"$OUT/phase-{n}/{}\" {}",
                file_name(&i.path),
                sh(&i.path)
            );
        }
    };
    let restore = |s: &mut String| {
        for p in &originals {
            w!(s, "cp {} {}", sh(&format!("{p}.pre-migrate")), sh(p));
        }
        for p in &new_files {
            w!(s, "rm {}", sh(p));
        }
    };
    let (y, m, day) = until;

    w!(s, "### Phase 1: take ownership away from the API");
    w!(s);
    w!(
        s,
        "The API processes get `ENABLE_BILLING_RETRY_WORKER=false`,"
    );
    w!(
        s,
        "`ENABLE_BILLING_STREAM_REPLAY=false` and `BILLING_RETRY_DEPLOYMENT_MODE=dedicated`"
    );
    w!(s, "explicitly; the worker stays off. Nobody retries until phase 2, so the phase-1 files carry");
    w!(s, "`# {}`", suppression(until));
    w!(
        s,
        "on the API's retry flag: `hostwiz check` passes and shows it suppressed, and fails again"
    );
    w!(
        s,
        "if phase 1 is still in place after {y:04}-{m:02}-{day:02}."
    );
    w!(s);
    w!(s, "```sh");
    w!(s, "# keep the current files for the rollback");
    for p in &originals {
        w!(s, "cp {} {}", sh(p), sh(&format!("{p}.pre-migrate")));
    }
    copy(&mut s, 1, p1);
    w!(s, "{}", check(p1));
    w!(s, "{}", h.deploy[0]);
    w!(s, "{}", h.settle[0]);
    w!(s, "```");
    w!(s);
    w!(s, "Before moving on:");
    w!(s);
    w!(
        s,
        "- no API process of the old configuration remains: `{}`;",
        h.api_ps
    );
    w!(s, "- every API process logs \"{DISABLED}\":");
    w!(s, "  `{} | grep \"{DISABLED}\"`;", h.api_logs);
    w!(s, "- nothing retries now, so `{METRIC}` stays flat; failed");
    w!(
        s,
        "  dispatches wait in the database until phase 2. Go on to phase 2 promptly."
    );
    w!(s);
    w!(
        s,
        "Rollback (no worker runs yet, so only the second step): give one API process the flags"
    );
    w!(
        s,
        "back by restoring the files, with the API pinned to one process:"
    );
    w!(s);
    w!(s, "```sh");
    restore(&mut s);
    w!(s, "{}", h.deploy[2]);
    w!(s, "```");
    w!(s);

    w!(s, "### Phase 2: give ownership to one dedicated worker");
    w!(s);
    w!(
        s,
        "The worker starts with exactly one instance, owning retries and stream replay; the API"
    );
    w!(s, "keeps both flags off. Nothing is suppressed any more.");
    w!(s);
    w!(s, "```sh");
    copy(&mut s, 2, p2);
    w!(s, "{}", check(p2));
    w!(s, "{}", h.deploy[1]);
    w!(s, "{}", h.settle[1]);
    w!(s, "```");
    w!(s);
    w!(s, "Before calling it done:");
    w!(s);
    w!(
        s,
        "- exactly one process, the worker, logs that the retry worker started:"
    );
    w!(s, "  `{} | grep -i \"retry worker\"`;", h.worker_logs);
    w!(s, "- every API process still logs \"{DISABLED}\";");
    w!(s, "- `{METRIC}` does not rise while the waiting");
    w!(s, "  dispatches are retried.");
    w!(s);
    w!(
        s,
        "Rollback, in reverse order: stop the worker first, and only then give one API process"
    );
    w!(s, "the flags back.");
    w!(s);
    w!(s, "```sh");
    w!(
        s,
        "# 1. stop the worker (no worker process may remain before step 2)"
    );
    w!(s, "{}", h.stop_worker);
    w!(s, "# 2. give one API process the flags back");
    restore(&mut s);
    w!(s, "{}", h.deploy[2]);
    w!(s, "```");
    s
}

fn host(d: &Deployment, plan: &Plan, p1: &Phase, p2: &Phase) -> Host_ {
    let paths = |k: Kind| -> Vec<String> { d.of(k).map(|i| i.path.clone()).collect() };
    match d.host {
        Host::K8s => {
            let values = paths(Kind::HelmValues);
            let chart = values
                .iter()
                .find_map(|v| {
                    v.find("ops/charts/starter")
                        .map(|i| v[..i + 18].to_string())
                })
                .unwrap_or_else(|| "ops/charts/starter".into());
            let files: String = values.iter().map(|v| format!(" -f {}", sh(v))).collect();
            let upgrade = format!(
                "helm upgrade --install \"$RELEASE\" {} --namespace \"$NAMESPACE\"{files}",
                sh(&chart)
            );
            let name = plan
                .api_addresses
                .first()
                .and_then(|a| a.strip_suffix("-api"))
                .unwrap_or("starter")
                .to_string();
            let kubectl = "kubectl -n \"$NAMESPACE\"";
            let logs = |c: &str| {
                format!("{kubectl} logs -l app.kubernetes.io/component={c} --prefix --tail=-1")
            };
            let target = values.last().cloned().unwrap_or_default();
            Host_ {
                deploy: [
                    upgrade.clone(),
                    upgrade.clone(),
                    format!("{upgrade} --set api.replicaCount=1 --set autoscaling.api.enabled=false"),
                ],
                settle: [
                    format!("{kubectl} rollout status deploy/{name}-api"),
                    format!("{kubectl} rollout status deploy/{name}-worker"),
                ],
                api_logs: logs("api"),
                worker_logs: logs("worker"),
                api_ps: format!("{kubectl} get pods -l app.kubernetes.io/component=api"),
                stop_worker: format!(
                    "cp \"$OUT/phase-1/{}\" {}\n{upgrade}\n{kubectl} get pods -l app.kubernetes.io/component=worker",
                    file_name(&target),
                    sh(&target)
                ),
            }
        }
        Host::Vps => {
            let override_path = p1
                .changed
                .iter()
                .find(|(_, i)| file_name(&i.path) == WORKER_OVERRIDE)
                .map(|(_, i)| i.path.clone())
                .unwrap_or_else(|| WORKER_OVERRIDE.into());
            let mut compose: Vec<String> = paths(Kind::Compose)
                .into_iter()
                .filter(|p| *p != override_path)
                .collect();
            if compose.is_empty() {
                let dir = dir_of(&override_path);
                compose.push(if dir.is_empty() {
                    "docker-compose.prod.yml".into()
                } else {
                    format!("{dir}/docker-compose.prod.yml")
                });
            }
            let original_override = d.files.iter().any(|(_, i)| i.path == override_path);
            let env = env_target(d);
            let env_arg = env.map_or(String::new(), |e| format!(" --env-file {}", sh(&e.path)));
            let base: String = compose.iter().map(|c| format!(" -f {}", sh(c))).collect();
            let with = format!("docker compose{base} -f {}{env_arg}", sh(&override_path));
            let without = if original_override {
                with.clone()
            } else {
                format!("docker compose{base}{env_arg}")
            };
            let mut profiles: Vec<String> = other_profiles(env);
            profiles.extend(p2.profiles.iter().cloned());
            if !profiles.iter().any(|p| p == "worker") {
                profiles.push("worker".into());
            }
            let flags: String = profiles.iter().map(|p| format!(" --profile {p}")).collect();
            Host_ {
                deploy: [
                    format!("{with} up -d"),
                    format!("{with}{flags} up -d"),
                    format!("{without} up -d --scale api=1"),
                ],
                settle: [format!("{with} ps api"), format!("{with}{flags} ps worker")],
                api_logs: format!("{with} logs api"),
                worker_logs: format!("{with}{flags} logs worker"),
                api_ps: format!("{with} ps api"),
                stop_worker: format!("{with}{flags} stop worker\n{with}{flags} rm -f worker"),
            }
        }
        Host::Gcp => {
            let tfvars = d
                .of(Kind::Tfvars)
                .filter(|i| !i.path.ends_with(".json"))
                .last()
                .map(|i| i.path.clone())
                .unwrap_or_default();
            let dir = match dir_of(&tfvars) {
                "" => ".".to_string(),
                d => d.to_string(),
            };
            let name = file_name(&tfvars).to_string();
            let tf = format!("terraform -chdir={}", sh(&dir));
            let apply = |plan_name: &str, extra: &str| {
                format!(
                    "{tf} plan -var-file={}{extra} -out={plan_name}.tfplan\n{tf} apply {plan_name}.tfplan",
                    sh(&name)
                )
            };
            let project = plan
                .services
                .as_ref()
                .and_then(|s| s.project_id.as_ref())
                .map_or("$PROJECT".to_string(), |p| p.value.clone());
            let region = d
                .of(Kind::Tfvars)
                .find_map(|i| region_of(&i.text))
                .unwrap_or_else(|| "$REGION".into());
            let logs = |text: &str| {
                format!(
                    "gcloud logging read 'resource.type=\"cloud_run_revision\" AND textPayload:\"{text}\"' --project {project} --freshness=1h"
                )
            };
            let _ = p2;
            Host_ {
                deploy: [
                    apply("migrate-phase-1", ""),
                    apply("migrate-phase-2", ""),
                    apply("migrate-rollback", " -var api_max_instances=1"),
                ],
                settle: [
                    format!("gcloud run services list --project {project} --region {region}"),
                    format!("gcloud run services list --project {project} --region {region}"),
                ],
                api_logs: logs(DISABLED),
                worker_logs: logs("retry worker"),
                api_ps: format!(
                    "gcloud run revisions list --project {project} --region {region} (the API's previous revision serves no traffic and has no instances)"
                ),
                stop_worker: format!(
                    "cp \"$OUT/phase-1/{name}\" {}\n{}",
                    sh(&tfvars),
                    apply("migrate-stop-worker", "")
                ),
            }
        }
    }
}

fn region_of(text: &str) -> Option<String> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    match &body.get_attribute("region")?.value {
        hcl_edit::expr::Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}
