//! The two migration phases on Helm values, as edits of the operator's last values file, and
//! the commands that roll each out.

use crate::answers::WorkerMode;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::ingest::{yaml, Input};
use crate::migrate::{file_name, sh, yaml_edit, Operations, Phase};
use crate::pipeline::{Context, Deployment};
use crate::plan::{billing_env, Plan, Role, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};
use crate::render::yaml_str as q;

pub(super) fn phases(d: &Deployment) -> Result<(Phase, Phase)> {
    let values: Vec<&Input> = d.of(Kind::HelmValues).collect();
    let target = *values.last().expect("checked when read");
    let edit = |text: &str, path: &[&str], value: &str| {
        yaml_edit::set(text, path, value).map_err(|e| {
            Error::NotWritten(format!(
                "{}: cannot set {} ({e}); make the change by hand",
                target.path,
                path.join(".")
            ))
        })
    };
    let mut t1 = target.text.clone();
    for (k, v) in billing_env(Role::Api, WorkerMode::Dedicated) {
        t1 = edit(&t1, &["api", "env", k], &q(v))?;
    }
    let mut t2 = edit(&t1, &["worker", "enabled"], "true")?;
    let first_doc = |i: &Input| {
        yaml::load_all(&i.text)
            .ok()
            .and_then(|d| d.into_iter().next())
    };
    let docs: Vec<_> = values.iter().filter_map(|i| first_doc(i)).collect();
    let set_in = |path: &[&str]| {
        docs.iter()
            .rev()
            .find_map(|doc| doc.at(path).filter(|n| !n.is_null()).cloned())
    };
    if !set_in(&["worker", "image"]).is_some_and(|n| n.go_truthy()) {
        // The chart has no fallback for the worker image: the API's, as apply writes it.
        let image = set_in(&["api", "image"]).ok_or_else(|| {
            Error::NotWritten(format!(
                "{}: neither worker.image nor api.image is set; set worker.image and re-run",
                target.path
            ))
        })?;
        let image = image.as_str().map(str::to_string).ok_or_else(|| {
            Error::NotWritten(format!(
                "{}: api.image is not a single string, so worker.image cannot default to it; \
                 set worker.image and re-run",
                target.path
            ))
        })?;
        t2 = edit(&t2, &["worker", "image"], &q(&image))?;
    }
    t2 = edit(&t2, &["worker", "replicaCount"], "1")?;
    // The worker is a full API process (BOOT-008), and the chart passes it neither `api.env`
    // nor the API's secrets: it gets the API's runtime settings and its own secret data, as
    // apply writes them. The billing flags stay out: the worker template sets them itself.
    let merged = |path: &[&str]| -> Vec<(String, yaml::Node)> {
        let mut out: Vec<(String, yaml::Node)> = Vec::new();
        for doc in &docs {
            for (k, v) in doc.at(path).map(|n| n.entries()).unwrap_or(&[]) {
                let k = k.go_string();
                out.retain(|(o, _)| *o != k);
                out.push((k, v.clone()));
            }
        }
        out
    };
    let has = |path: &[&str], key: &str| merged(path).iter().any(|(k, _)| k == key);
    for (k, v) in merged(&["api", "env"]) {
        if ![RETRY_FLAG, REPLAY_FLAG, MODE_VAR].contains(&k.as_str())
            && !has(&["worker", "env"], &k)
        {
            t2 = edit(&t2, &["worker", "env", &k], &q(&v.go_string()))?;
        }
    }
    // The chart's default is externalSecrets.enabled: true.
    let eso = set_in(&["externalSecrets", "enabled"]).is_none_or(|n| n.go_truthy());
    if eso {
        for (k, v) in merged(&["externalSecrets", "api", "data"]) {
            if v.go_scalar().is_none() {
                return Err(Error::NotWritten(format!(
                    "{}: externalSecrets.api.data.{k} is not a remote key name; give the worker \
                     externalSecrets.worker.data.{k} by hand and re-run",
                    target.path
                )));
            }
            if !has(&["externalSecrets", "worker", "data"], &k) {
                t2 = edit(
                    &t2,
                    &["externalSecrets", "worker", "data", &k],
                    &q(&v.go_string()),
                )?;
            }
        }
    } else {
        // `api.secrets` hold values: copied only within the file that holds them, so no
        // secret moves into a file it was not in.
        let in_target = first_doc(target);
        for (k, v) in merged(&["api", "secrets"]) {
            if has(&["worker", "secrets"], &k) {
                continue;
            }
            let here = in_target
                .as_ref()
                .and_then(|d| d.at(&["api", "secrets", &k]))
                .is_some();
            if !here {
                return Err(Error::NotWritten(format!(
                    "{}: api.secrets.{k} is set in another values file; add worker.secrets.{k} \
                     there (the worker does not get the API's secrets) and re-run",
                    target.path
                )));
            }
            t2 = edit(&t2, &["worker", "secrets", &k], &q(&v.go_string()))?;
        }
    }
    // A worker.env that turns a flag off (BILL-003) or names another mode is fixed too.
    let candidate = d.overlay(&[(
        Kind::HelmValues,
        Input::new(target.path.clone(), t2.clone()),
    )]);
    let (plan2, _) = candidate.evaluate(&Context::default())?;
    if let Some(w) = plan2.processes(Role::Worker).next() {
        for (k, v) in [
            (RETRY_FLAG, "true"),
            (REPLAY_FLAG, "true"),
            (MODE_VAR, "dedicated"),
        ] {
            if w.env.get(k).and_then(|s| s.value.known()) != Some(v) {
                t2 = edit(&t2, &["worker", "env", k], &q(v))?;
            }
        }
    }
    Ok(Phase::pair(Kind::HelmValues, target, t1, t2))
}

/// Helm upgrades with the operator's values files, watched with kubectl.
/// The release and namespace: as given (`--release`, `--namespace`), else from the
/// `hostwiz.toml` beside the values files (what `apply` wrote), else left for the operator
/// to set — a guessed `default` namespace would deploy beside the real release.
fn names(d: &Deployment, ctx: &Context) -> [String; 2] {
    let toml = d.of(Kind::HelmValues).find_map(|v| {
        let dir = std::path::Path::new(&v.path).parent()?;
        let text = std::fs::read_to_string(dir.join("hostwiz.toml")).ok()?;
        let raw = crate::answers::RawAnswers::from_toml(&text).ok()?;
        Some(raw)
    });
    let from_toml = |key: &str| {
        toml.as_ref()
            .map(|raw| raw.get(key))
            .filter(|v| !v.trim().is_empty())
    };
    let line = |var: &str, given: &Option<String>, key: &str, what: &str| match given
        .clone()
        .or_else(|| from_toml(key))
    {
        Some(v) => format!("{var}={}    # {what}", sh(&v)),
        None => format!(
            ": \"${{{var}:?set {var} to {what}: hostwiz found none (hostwiz.toml {key}, --{})}}\"",
            var.to_ascii_lowercase()
        ),
    };
    [
        line("RELEASE", &ctx.release, "k8s.release", "your Helm release"),
        line(
            "NAMESPACE",
            &ctx.namespace,
            "k8s.namespace",
            "its namespace",
        ),
    ]
}

pub(super) fn operations(d: &Deployment, plan: &Plan, ctx: &Context) -> Operations {
    let paths = |k: Kind| -> Vec<String> { d.of(k).map(|i| i.path.clone()).collect() };
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
    let logs =
        |c: &str| format!("{kubectl} logs -l app.kubernetes.io/component={c} --prefix --tail=-1");
    let target = values.last().cloned().unwrap_or_default();
    Operations {
                vars: names(d, ctx).into(),
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
