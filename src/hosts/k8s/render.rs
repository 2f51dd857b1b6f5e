//! `values-<env>.yaml` for the starter chart (`ops/charts/starter`).

use crate::answers::{Answers, WorkerMode};
use crate::plan::{Plan, Process, Role, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};
use crate::render::yaml_str as q;
use crate::runtime;

/// The settings the chart's worker template sets itself: repeating them in `worker.env` gives
/// the container two entries of one name, which Helm 4 refuses (BOOT-010).
const WORKER_TEMPLATE_ENV: [&str; 3] = [RETRY_FLAG, REPLAY_FLAG, MODE_VAR];

fn process(plan: &Plan, role: Role) -> Option<&Process> {
    plan.processes(role).next()
}

pub(super) fn values(a: &Answers, plan: &Plan) -> String {
    let mut y = String::new();
    let w = &mut y;
    let web = a.domains.web.as_str();
    out!(
        w,
        "# Values for the starter chart (ops/charts/starter), written by hostwiz."
    );
    out!(
        w,
        "# Browser /api goes to the web app (BFF); see CHECKLIST.md."
    );
    out!(w, "---");
    out!(w, "ingress:");
    out!(w, "  enabled: true");
    out!(w, "  className: {}", q(a.k8s.ingress_class.as_str()));
    out!(w, "  hosts:");
    out!(w, "    - host: {}", q(web));
    match &a.k8s.tls_secret {
        Some(secret) => tls_list(w, "tls", secret.as_str(), web),
        None => out!(w, "  tls: []"),
    }
    match &a.domains.api {
        Some(api) => {
            out!(w, "  apiHosts:");
            out!(w, "    - host: {}", q(api.as_str()));
            match &a.k8s.api_tls_secret {
                Some(secret) => tls_list(w, "apiTls", secret.as_str(), api.as_str()),
                None => out!(w, "  apiTls: []"),
            }
        }
        None => out!(w, "  apiHosts: []"),
    }
    out!(w, "ingressPaths:");
    out!(w, "  api: \"/api\"");
    out!(w, "  web: \"/\"");
    out!(w, "  apiHost: \"/\"");

    let replicas = a.scale.api_replicas;
    out!(w, "api:");
    out!(w, "  image: {}", q(a.images.api.as_str()));
    out!(w, "  replicaCount: {replicas}");
    env_of(w, process(plan, Role::Api), &[]);
    out!(w, "web:");
    out!(w, "  image: {}", q(a.images.web.as_str()));
    out!(w, "  replicaCount: {}", a.scale.web_replicas);
    env_of(w, process(plan, Role::Web), &[]);

    out!(w, "autoscaling:");
    out!(w, "  enabled: {}", a.scale.autoscaling);
    let ranges = [
        ("api", a.scale.api_min_replicas, replicas),
        ("web", a.scale.web_min_replicas(), a.scale.web_replicas),
    ];
    for (role, min, max) in ranges {
        out!(w, "  {role}:");
        out!(w, "    enabled: true");
        out!(w, "    minReplicas: {min}");
        out!(w, "    maxReplicas: {max}");
    }

    out!(w, "worker:");
    match a.worker {
        WorkerMode::Inline => out!(w, "  enabled: false"),
        WorkerMode::Dedicated => {
            out!(w, "  enabled: true");
            // The chart has no fallback for the worker image.
            out!(w, "  image: {}", q(a.images.worker_or_api().as_str()));
            out!(w, "  replicaCount: {}", a.scale.worker_replicas);
            env_of(w, process(plan, Role::Worker), &WORKER_TEMPLATE_ENV);
        }
    }
    external_secrets(w, a, plan);
    y
}

/// Every secret as a remote key of the store, for the API and, with its own target Secret,
/// the worker; or the chart's own Secrets, filled by the operator in the secrets file.
fn external_secrets(w: &mut String, a: &Answers, plan: &Plan) {
    out!(w, "externalSecrets:");
    let Some(store) = &a.k8s.secret_store else {
        out!(
            w,
            "  # Off: the chart's own Secrets, from {} (fill it; never commit it).",
            super::secrets_file(a)
        );
        out!(w, "  enabled: false");
        return;
    };
    out!(w, "  enabled: true");
    out!(w, "  refreshInterval: \"1h\"");
    out!(w, "  secretStoreRef:");
    out!(w, "    name: {}", q(store.as_str()));
    out!(w, "    kind: {}", q(&a.k8s.secret_store_kind));
    for role in [Role::Api, Role::Web, Role::Worker] {
        out!(w, "  {}:", role.as_str());
        match process(plan, role).filter(|p| !p.secrets.is_empty()) {
            Some(p) => {
                out!(w, "    data:");
                for (k, v) in &p.secrets {
                    out!(w, "      {k}: {}", q(&v.value));
                }
            }
            None => out!(w, "    data: {{}}"),
        }
    }
}

/// `secrets-<env>.yaml`: every secret key of the chart's own Secrets with how to obtain it and
/// no value; the operator fills it and passes it with a second `-f`.
pub(super) fn secrets(a: &Answers, plan: &Plan) -> String {
    let mut y = String::new();
    let w = &mut y;
    out!(
        w,
        "# The app's secrets for the starter chart, written by hostwiz as a template."
    );
    out!(
        w,
        "# Fill every value, keep this file off git (mode 0600), and pass it after"
    );
    out!(
        w,
        "# {}: helm upgrade ... -f {} -f {}",
        super::values_file(a),
        super::values_file(a),
        super::secrets_file(a)
    );
    out!(w, "---");
    for role in [Role::Api, Role::Worker] {
        let Some(p) = process(plan, role) else {
            continue;
        };
        out!(w, "{}:", role.as_str());
        out!(w, "  secrets:");
        for k in p.secrets.keys() {
            out!(w, "    # {}", runtime::how_to_obtain(k));
            out!(w, "    {k}: \"\"");
        }
    }
    y
}

/// A component's `env` map from its plan, leaving out what the template sets itself.
fn env_of(w: &mut String, p: Option<&Process>, skip: &[&str]) {
    let Some(p) = p else { return };
    out!(w, "  env:");
    // A plan built from answers knows every value; an unknown is nothing to write.
    for (k, v) in p.env.iter().filter(|(k, _)| !skip.contains(&k.as_str())) {
        let Some(v) = v.value.known() else { continue };
        out!(w, "    {k}: {}", q(v));
    }
}

fn tls_list(w: &mut String, key: &str, secret: &str, host: &str) {
    out!(w, "  {key}:");
    out!(w, "    - secretName: {}", q(secret));
    out!(w, "      hosts:");
    out!(w, "        - {}", q(host));
}
