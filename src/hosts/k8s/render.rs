//! `values-<env>.yaml` for the starter chart (`ops/charts/starter`).

use crate::answers::{Answers, WorkerMode};
use crate::plan::{billing_env, Role};
use crate::render::yaml_str as q;

pub(super) fn values(a: &Answers) -> String {
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
    env_map(w, "  ", &billing_env(Role::Api, a.worker));
    out!(w, "web:");
    out!(w, "  image: {}", q(a.images.web.as_str()));
    out!(w, "  replicaCount: {}", a.scale.web_replicas);

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
            env_map(w, "  ", &billing_env(Role::Worker, a.worker));
        }
    }
    y
}

fn tls_list(w: &mut String, key: &str, secret: &str, host: &str) {
    out!(w, "  {key}:");
    out!(w, "    - secretName: {}", q(secret));
    out!(w, "      hosts:");
    out!(w, "        - {}", q(host));
}

fn env_map(w: &mut String, indent: &str, env: &[(&str, &str)]) {
    out!(w, "{indent}env:");
    for (k, v) in env {
        out!(w, "{indent}  {k}: {}", q(v));
    }
}
