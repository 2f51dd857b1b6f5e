//! The two migration phases on Compose: the worker override (as `apply` renders it), and the
//! commands that roll each out, phase 2's with `--profile worker`. No env file carries the
//! `worker` profile: with it, a plain `docker compose up` would start the starter's worker
//! without the override, beside an API that still owns billing.

use super::render::{EGRESS_OVERRIDE, WORKER_OVERRIDE};
use crate::answers::WorkerMode;
use crate::error::Result;
use crate::ingest::detect::Kind;
use crate::ingest::Input;
use crate::migrate::{dir_of, file_name, sh, Operations, Phase};
use crate::pipeline::{Context, Deployment};
use crate::plan::{Plan, Role};

pub const PROFILES_VAR: &str = "COMPOSE_PROFILES";

pub(super) fn phases(d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)> {
    let dir = [Kind::Compose, Kind::EnvFile, Kind::Caddyfile]
        .into_iter()
        .find_map(|k| d.of(k).next())
        .map(|i| &i.path[..i.path.len() - file_name(&i.path).len()])
        .unwrap_or_default()
        .to_string();
    let override_path = d
        .of(Kind::Compose)
        .find(|i| file_name(&i.path) == WORKER_OVERRIDE)
        .map_or_else(|| format!("{dir}{WORKER_OVERRIDE}"), |i| i.path.clone());
    let text = worker_override(plan)?;
    let mut p1 = Phase {
        changed: vec![(
            Kind::Compose,
            Input::new(override_path.clone(), text.clone()),
        )],
        profiles: vec![],
    };
    let mut p2 = Phase {
        changed: vec![(Kind::Compose, Input::new(override_path, text))],
        profiles: vec![],
    };
    // hostwiz's egress override gives the API internet access; the worker needs it as much
    // (BOOT-010), so it is rendered again with the worker, as `apply` writes it dedicated.
    if let Some(egress) = d
        .of(Kind::Compose)
        .find(|i| file_name(&i.path) == EGRESS_OVERRIDE)
    {
        let text = super::render::egress_override(&dedicated(plan)?);
        for p in [&mut p1, &mut p2] {
            p.changed
                .push((Kind::Compose, Input::new(egress.path.clone(), text.clone())));
        }
    }
    // A `worker` in the env file's `COMPOSE_PROFILES` goes in both phases; phase 2 passes
    // `--profile worker`, which replaces `COMPOSE_PROFILES`, so the env file's others too.
    let env = env_target(d);
    if let Some(env) = env {
        let text = without_worker(&env.text);
        let (e1, e2) = Phase::pair(Kind::EnvFile, env, text.clone(), text);
        p1.changed.extend(e1.changed);
        p2.changed.extend(e2.changed);
    }
    p2.profiles = other_profiles(env);
    p2.profiles.push("worker".into());
    Ok((p1, p2))
}

/// hostwiz's worker override as `apply` renders it for this deployment's API scale.
fn worker_override(plan: &Plan) -> Result<String> {
    Ok(super::render::worker_override(&dedicated(plan)?))
}

/// The answers `apply` would write the dedicated worker from, at this deployment's API scale.
fn dedicated(plan: &Plan) -> Result<crate::answers::Answers> {
    let api = plan
        .processes(Role::Api)
        .map(|p| p.replicas.value.max)
        .max()
        .unwrap_or(1);
    let source = crate::source::Source::Preset("vps-worker".into());
    let mut a = crate::source::load(&source, &[])?;
    a.worker = WorkerMode::Dedicated;
    a.scale.api_replicas = api.max(1);
    a.scale.worker_replicas = 1;
    Ok(a)
}

/// The env file that carries (or will carry) `COMPOSE_PROFILES`.
fn env_target(d: &Deployment) -> Option<&Input> {
    let envs: Vec<&Input> = d.of(Kind::EnvFile).collect();
    envs.iter()
        .rev()
        .find(|i| i.text.lines().any(|l| profiles_of(l).is_some()))
        .or_else(|| envs.iter().find(|i| file_name(&i.path) == "compose.env"))
        .or_else(|| envs.iter().find(|i| file_name(&i.path) == ".env"))
        .or(envs.last())
        .copied()
}

/// The profiles a `COMPOSE_PROFILES=…` line lists, with its `export ` prefix.
fn profiles_of(line: &str) -> Option<(&str, Vec<String>)> {
    let t = line.trim_start();
    let (prefix, rest) = match t.strip_prefix("export ") {
        Some(r) => ("export ", r.trim_start()),
        None => ("", t),
    };
    let value = rest
        .strip_prefix(PROFILES_VAR)?
        .trim_start()
        .strip_prefix('=')?;
    let value = value.split(" #").next().unwrap_or_default().trim();
    let list = value
        .trim_matches(['"', '\''])
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    Some((prefix, list))
}

/// The profiles the env file activates, `worker` left out.
fn other_profiles(env: Option<&Input>) -> Vec<String> {
    env.into_iter()
        .flat_map(|e| e.text.lines().filter_map(profiles_of).next_back())
        .flat_map(|(_, list)| list)
        .filter(|p| p != "worker")
        .collect()
}

fn rewrite_profiles(text: &str, change: impl Fn(&mut Vec<String>)) -> Option<String> {
    let mut hit = false;
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match profiles_of(line) {
            Some((prefix, mut list)) => {
                hit = true;
                let before = list.clone();
                change(&mut list);
                if list == before {
                    out.push_str(line);
                } else if !list.is_empty() {
                    out.push_str(&format!("{prefix}{PROFILES_VAR}={}\n", list.join(",")));
                }
            }
            None => out.push_str(line),
        }
    }
    hit.then_some(out)
}

/// Phase 1's env file: `worker` taken out of `COMPOSE_PROFILES` (the line dropped when nothing
/// is left); everything else as it was.
fn without_worker(text: &str) -> String {
    rewrite_profiles(text, |l| l.retain(|p| p != "worker")).unwrap_or_else(|| text.to_string())
}

/// Compose with the operator's files and the worker override, its profile passed or set.
pub(super) fn operations(
    d: &Deployment,
    plan: &Plan,
    p1: &Phase,
    p2: &Phase,
    ctx: &Context,
) -> Operations {
    let _ = plan;
    let paths = |k: Kind| -> Vec<String> { d.of(k).map(|i| i.path.clone()).collect() };
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
    // hostwiz's overrides need the starter's file under them: named alone (as `check` read
    // them), the commands still start from `docker-compose.prod.yml` beside them.
    if compose.iter().all(|p| file_name(p) == EGRESS_OVERRIDE) {
        let dir = dir_of(compose.first().unwrap_or(&override_path));
        compose.insert(
            0,
            if dir.is_empty() {
                "docker-compose.prod.yml".into()
            } else {
                format!("{dir}/docker-compose.prod.yml")
            },
        );
    }
    let original_override = d.files.iter().any(|(_, i)| i.path == override_path);
    let env = env_target(d);
    let env_arg = env.map_or(String::new(), |e| format!(" --env-file {}", sh(&e.path)));
    let base: String = compose.iter().map(|c| format!(" -f {}", sh(c))).collect();
    // The operator's `--profile`s (replacing the env file's) go into every command, as into
    // what was checked; `worker` is what the phases decide.
    let operator: Vec<&String> = ctx.profiles.iter().filter(|p| *p != "worker").collect();
    let own: String = operator.iter().map(|p| format!(" --profile {p}")).collect();
    let with = format!(
        "docker compose{base} -f {}{env_arg}{own}",
        sh(&override_path)
    );
    let without = if original_override {
        with.clone()
    } else {
        format!("docker compose{base}{env_arg}{own}")
    };
    // Phase 2's profiles, unless the operator's `--profile`s replace the env file's.
    let profiles: Vec<String> = match ctx.profiles.is_empty() {
        true => p2.profiles.clone(),
        false => vec!["worker".into()],
    };
    let flags: String = profiles.iter().map(|p| format!(" --profile {p}")).collect();
    Operations {
        vars: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_profiles() {
        let t = "# keep\nA=1\nCOMPOSE_PROFILES=local-db,worker # x\n";
        assert_eq!(
            without_worker(t),
            "# keep\nA=1\nCOMPOSE_PROFILES=local-db\n"
        );
        assert_eq!(without_worker("COMPOSE_PROFILES=worker\nB=2\n"), "B=2\n");
        assert_eq!(without_worker("A=1\n"), "A=1\n");
    }
}
