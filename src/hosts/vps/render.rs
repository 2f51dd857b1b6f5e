//! The VPS files: a Caddyfile, the env file for `ops/compose`, and in dedicated mode the worker
//! override. They state the billing topology by themselves, so they read correctly alone and
//! on top of the starter's `docker-compose.prod.yml`.

use crate::answers::{Answers, WorkerMode};
use crate::plan::{billing_env, Role};
use crate::render::yaml_str as q;

pub const CADDYFILE: &str = "Caddyfile";
pub const ENV_FILE: &str = "compose.env";
pub const WORKER_OVERRIDE: &str = "docker-compose.worker.yml";

pub(super) fn caddyfile(a: &Answers) -> String {
    let mut c = String::new();
    let w = &mut c;
    out!(
        w,
        "# Caddyfile for ops/compose, written by hostwiz. Hosts come from compose.env."
    );
    out!(
        w,
        "# Browser /api goes to the web app (BFF), never straight to the API."
    );
    if a.domains.tls_email.is_some() {
        out!(w, "{{");
        out!(w, "\temail {{$CADDY_EMAIL}}");
        out!(w, "}}");
    }
    out!(w);
    out!(w, "{{$APP_HOST}} {{");
    out!(w, "\tencode zstd gzip");
    out!(w);
    out!(w, "\t@api path /api /api/*");
    out!(w, "\thandle @api {{");
    out!(w, "\t\treverse_proxy web:3000");
    out!(w, "\t}}");
    out!(w);
    out!(w, "\thandle {{");
    out!(w, "\t\treverse_proxy web:3000");
    out!(w, "\t}}");
    out!(w, "}}");
    if a.domains.api.is_some() {
        out!(w);
        out!(
            w,
            "# Server-to-server callers only; browsers use /api on the web host."
        );
        out!(w, "{{$API_HOST}} {{");
        out!(w, "\tencode zstd gzip");
        out!(w, "\treverse_proxy api:8000");
        out!(w, "}}");
    }
    c
}

pub(super) fn env_file(a: &Answers) -> String {
    let mut e = String::new();
    let w = &mut e;
    out!(
        w,
        "# Environment for ops/compose, written by hostwiz. Pass it with --env-file."
    );
    out!(w, "APP_HOST={}", a.domains.web);
    if let Some(api) = &a.domains.api {
        out!(w, "API_HOST={api}");
    }
    if let Some(email) = &a.domains.tls_email {
        out!(w, "CADDY_EMAIL={email}");
    }
    out!(w, "API_IMAGE={}", a.images.api);
    out!(w, "WEB_IMAGE={}", a.images.web);
    if let Some(worker) = &a.images.worker {
        out!(w, "WORKER_IMAGE={worker}");
    }
    if a.worker == WorkerMode::Dedicated {
        out!(
            w,
            "# One dedicated worker owns billing retries and stream replay."
        );
        out!(w, "COMPOSE_PROFILES=worker");
    }
    e
}

pub(super) fn worker_override(a: &Answers) -> String {
    let mut y = String::new();
    let w = &mut y;
    out!(
        w,
        "# Dedicated billing worker, written by hostwiz. Use it on top of the"
    );
    out!(w, "# starter's docker-compose.prod.yml:");
    out!(
        w,
        "#   docker compose -f docker-compose.prod.yml -f docker-compose.worker.yml \\"
    );
    out!(w, "#     --env-file compose.env --profile worker up -d");
    out!(w, "---");
    out!(w, "services:");
    out!(w, "  api:");
    out!(w, "    environment:");
    for (k, v) in billing_env(Role::Api, WorkerMode::Dedicated) {
        out!(w, "      {k}: {}", q(v));
    }
    if a.scale.api_replicas > 1 {
        out!(w, "    deploy:");
        out!(w, "      replicas: {}", a.scale.api_replicas);
    }
    out!(w, "  worker:");
    out!(w, "    image: \"${{WORKER_IMAGE:-${{API_IMAGE}}}}\"");
    out!(w, "    profiles:");
    out!(w, "      - worker");
    out!(w, "    environment:");
    for (k, v) in billing_env(Role::Worker, WorkerMode::Dedicated) {
        out!(w, "      {k}: {}", q(v));
    }
    out!(w, "    deploy:");
    out!(w, "      replicas: {}", a.scale.worker_replicas);
    y
}
