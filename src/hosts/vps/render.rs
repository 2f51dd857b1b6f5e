//! The VPS files: a Caddyfile, the env file for `ops/compose`, and in dedicated mode the worker
//! override. They state the billing topology by themselves, so they read correctly alone and
//! on top of the starter's `docker-compose.prod.yml`.

use crate::answers::{Answers, WorkerMode};
use crate::plan::{billing_env, Plan, Role, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};
use crate::render::yaml_str as q;
use crate::runtime;

pub const CADDYFILE: &str = "Caddyfile";
pub const ENV_FILE: &str = "compose.env";
pub const WORKER_OVERRIDE: &str = "docker-compose.worker.yml";
/// `apps/api-service/.env.local`, which the prod file's api and worker read.
pub const API_ENV_FILE: &str = "api.env.local";
/// `apps/web-app/.env.local`, which the prod file's web reads.
pub const WEB_ENV_FILE: &str = "web.env.local";
/// Gives api and worker the `edge` network: the prod file's `app` network is internal.
pub const EGRESS_OVERRIDE: &str = "docker-compose.egress.yml";

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
    // No `COMPOSE_PROFILES=worker` here: with it, the starter's plain
    // `docker compose --env-file compose.env -f docker-compose.prod.yml up` would start the
    // worker without its override, and the API would keep owning billing too (two owners).
    // The commands that start the worker pass `--profile worker` and the override together,
    // so the file is the same in both modes (and in both phases of `migrate worker`).
    e
}

/// An env file template: plain settings filled, every secret listed with how to obtain it and
/// no value. The operator fills it on the server; it is never committed.
fn env_template(plan: &Plan, role: Role, title: &str) -> String {
    let mut e = String::new();
    let w = &mut e;
    out!(
        w,
        "# {title}, written by hostwiz (mode 0600). Fill every empty value on the"
    );
    out!(w, "# server; never commit this file.");
    let Some(p) = plan.processes(role).next() else {
        return e;
    };
    // A plan built from answers knows every value; an unknown is nothing to write. The billing
    // flags and mode are docker-compose.worker.yml's: its `environment:` wins over env files,
    // and the migration's phases change only that file, never the operator's filled secrets.
    for (k, v) in &p.env {
        if [RETRY_FLAG, REPLAY_FLAG, MODE_VAR].contains(&k.as_str()) {
            continue;
        }
        let Some(v) = v.value.known() else { continue };
        out!(w, "{k}={}", env_value(v));
    }
    if !p.secrets.is_empty() {
        out!(w);
        out!(w, "# Secrets: fill each from where its comment says.");
    }
    for k in p.secrets.keys() {
        out!(w, "# {}", runtime::how_to_obtain(k));
        out!(w, "{k}=");
    }
    e
}

/// A value as Compose reads it from an env file: quoted when it has spaces, quotes or `#`.
fn env_value(v: &str) -> String {
    if v.chars().any(|c| c.is_whitespace() || "\"'#$".contains(c)) {
        format!("'{}'", v.replace('\'', ""))
    } else {
        v.to_string()
    }
}

pub(super) fn api_env_file(plan: &Plan) -> String {
    env_template(
        plan,
        Role::Api,
        "API and worker settings for apps/api-service/.env.local",
    )
}

pub(super) fn web_env_file(plan: &Plan) -> String {
    env_template(plan, Role::Web, "Web settings for apps/web-app/.env.local")
}

pub(super) fn egress_override(a: &Answers) -> String {
    let mut y = String::new();
    let w = &mut y;
    out!(
        w,
        "# Egress for the API (and the worker), written by hostwiz: the starter's"
    );
    out!(
        w,
        "# docker-compose.prod.yml puts them only on `app`, which is `internal: true`, so"
    );
    out!(
        w,
        "# they could not reach OpenAI, Stripe or a managed database. Use it on top of it."
    );
    out!(w, "---");
    out!(w, "services:");
    let mut roles = vec!["api"];
    if a.worker == WorkerMode::Dedicated {
        roles.push("worker");
    }
    for r in roles {
        out!(w, "  {r}:");
        out!(w, "    networks:");
        out!(w, "      - app");
        out!(w, "      - edge");
    }
    y
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
        "#   docker compose -f docker-compose.prod.yml -f {EGRESS_OVERRIDE} \\"
    );
    out!(
        w,
        "#     -f {WORKER_OVERRIDE} --profile worker --env-file {ENV_FILE} up -d"
    );
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
