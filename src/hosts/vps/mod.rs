//! A single VPS with the starter's Compose files and Caddy (`ops/compose`): the Caddyfile
//! routes, the Compose files run the processes, env files fill the placeholders of both.

mod adapt;
mod answers;
mod migrate;
mod read;
mod render;

pub use adapt::binary as caddy_binary;
pub use migrate::PROFILES_VAR;
pub use read::plan as files_plan;
pub use render::{
    API_ENV_FILE, CADDYFILE, EGRESS_OVERRIDE, ENV_FILE, WEB_ENV_FILE, WORKER_OVERRIDE,
};

use super::{inputs, HostModule};
use crate::answers::{Answers, Host, Key, WorkerMode};
use crate::error::Result;
use crate::ingest::detect::Kind;
use crate::ingest::{envfile, Input, Vars};
use crate::migrate::{Operations, Phase};
use crate::pipeline::{self, Context, Deployment, Found, Src};
use crate::plan::{Origin, Plan, Replicas, Shape};
use crate::render::{Checklist, File};
use crate::runtime::{self, Wiring};
use std::path::Path;

pub struct Module;

/// The Compose files the starter ships, in the order one is looked for.
const COMPOSE_FILES: [&str; 3] = [
    "docker-compose.prod.yml",
    "docker-compose.yml",
    "compose.yaml",
];

impl HostModule for Module {
    fn host(&self) -> Host {
        Host::Vps
    }

    fn layout(&self) -> &'static str {
        "ops/compose"
    }

    fn title(&self) -> &'static str {
        "VPS (Docker Compose + Caddy)"
    }

    fn keys(&self) -> &'static [Key] {
        answers::KEYS
    }

    fn capabilities(&self) -> &'static [crate::contracts::Capability] {
        &[crate::contracts::Capability::ContainerHostname]
    }

    fn not_asked(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "scale.web_replicas",
            "one server runs one web process: more copies on the same machine add no \
             availability, `up -d` replaces them all at once, and the Caddyfile proxies \
             `web:3000` as one upstream (no per-copy health checks). Scale the server, or use \
             k8s or gcp.",
        )]
    }

    fn plan(&self, a: &Answers) -> Plan {
        let mut plan = Plan::answered(
            a,
            Shape {
                api: Replicas::fixed(a.scale.api_replicas),
                // One server: the starter's Compose runs one web process behind Caddy.
                web: Replicas::fixed(1),
                worker: Replicas::fixed(a.scale.worker_replicas),
                api_env: a.worker == WorkerMode::Dedicated,
            },
        );
        plan.api_addresses = vec!["api:8000".to_string()];
        let mut allowed = "api,127.0.0.1,localhost".to_string();
        if let Some(h) = &a.domains.api {
            allowed.push_str(&format!(",{h}"));
        }
        runtime::wire(
            &mut plan,
            a,
            &Wiring {
                allowed_hosts: allowed,
                api_base_url: Some("http://api:8000".into()),
                web_hostname: true,
                reference: Box::new(|_| format!("apps/api-service/.env.local ({API_ENV_FILE})")),
                origin: Origin::Answer("host"),
            },
        );
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        let plan = self.plan(a);
        let mut files = vec![
            File::new(CADDYFILE, render::caddyfile(a)),
            File::new(ENV_FILE, render::env_file(a)),
            File::new(API_ENV_FILE, render::api_env_file(&plan)).private(),
            File::new(WEB_ENV_FILE, render::web_env_file(&plan)).private(),
            File::new(EGRESS_OVERRIDE, render::egress_override(a)),
        ];
        if a.worker == WorkerMode::Dedicated {
            files.push(File::new(WORKER_OVERRIDE, render::worker_override(a)));
        }
        files
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        let mut place = vec![
            format!("cp \"$OUT/{CADDYFILE}\" ops/compose/caddy/Caddyfile"),
            format!("cp \"$OUT/{ENV_FILE}\" \"$OUT/{EGRESS_OVERRIDE}\" ops/compose/"),
        ];
        let mut files = format!("-f docker-compose.prod.yml -f {EGRESS_OVERRIDE}");
        if a.worker == WorkerMode::Dedicated {
            place.push(format!("cp \"$OUT/{WORKER_OVERRIDE}\" ops/compose/"));
            files.push_str(&format!(" -f {WORKER_OVERRIDE} --profile worker"));
        }
        let compose = format!("docker compose {files} --env-file {ENV_FILE}");
        // What a plain `up` gives is the starter's own topology, not this one: say it where
        // the command is, since the env file alone no longer starts anything extra.
        let plain = match a.worker {
            WorkerMode::Dedicated => "one API that owns billing inline, no worker",
            WorkerMode::Inline => "one API",
        };
        let deploy = vec![
            "cd ops/compose".to_string(),
            "# Name every file as below: the starter's plain".into(),
            "# `docker compose --env-file compose.env -f docker-compose.prod.yml up -d` runs its"
                .into(),
            format!("# defaults ({plain}, no egress for the API)."),
            format!("{compose} up -d"),
        ];
        let caddy = match &a.domains.tls_email {
            Some(email) => {
                format!("- Caddy obtains certificates itself; the ACME account is `{email}`.")
            }
            None => {
                "- Caddy obtains certificates itself; set `CADDY_EMAIL` for expiry mail.".into()
            }
        };
        let mut secrets = vec![
            caddy,
            "- The env files the starter's `docker-compose.prod.yml` reads, mode 0600, never"
                .into(),
            "  committed: fill every empty value in `apps/api-service/.env.local` (its comments"
                .into(),
            "  say how); `REDIS_URL` must be `rediss://` with a password (the bundled `redis:7`"
                .into(),
            "  has neither, so a hardened API refuses it). The random ones:".into(),
            String::new(),
            "```sh".into(),
            format!("install -m 600 \"$OUT/{API_ENV_FILE}\" apps/api-service/.env.local"),
            format!("install -m 600 \"$OUT/{WEB_ENV_FILE}\" apps/web-app/.env.local"),
            "touch .env.compose".into(),
        ];
        for k in runtime::RANDOM_SECRETS {
            secrets.push(format!(
                "sed -i \"s/^{k}=$/{k}=$(openssl rand -hex 32)/\" apps/api-service/.env.local"
            ));
        }
        secrets.push("```".into());
        secrets.push(String::new());
        secrets.push(format!(
            "- The prod file's `app` network is internal (no egress): `{EGRESS_OVERRIDE}` adds `edge`."
        ));
        Checklist {
            title: "a single VPS (Docker Compose + Caddy, ops/compose)",
            entry: "Caddy".into(),
            place,
            dns_target: "the VPS's public IPv4 (A) and IPv6 (AAAA) addresses",
            dns_record: "A / AAAA",
            dns_notes: Vec::new(),
            secrets,
            deploy,
            next: 4,
            migrations: vec![
                "# From the checkout's root: starter-console reads apps/api-service/.env.local."
                    .into(),
            ],
            logs: format!(
                "(cd ops/compose && {compose} logs {})",
                if a.worker == WorkerMode::Dedicated {
                    "api worker"
                } else {
                    "api"
                }
            ),
        }
    }

    fn entry(&self, _a: &Answers) -> String {
        "caddy".into()
    }

    fn check_args(&self, _a: &Answers, out: &Path) -> String {
        let p = |name: &str| out.join(name).display().to_string();
        format!("{} --env-file {}", p(CADDYFILE), p(ENV_FILE))
    }

    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Caddyfile, Kind::Compose, Kind::EnvFile]
    }

    /// The images and Caddy's ACME e-mail, as the env files (`ops/compose/.env`) set them:
    /// later files win, as with repeated `--env-file`.
    fn prefill_files(&self, files: &[String], set: &mut dyn FnMut(&str, String)) {
        const FROM_ENV: [(&str, &str); 4] = [
            ("API_IMAGE", "images.api"),
            ("WEB_IMAGE", "images.web"),
            ("WORKER_IMAGE", "images.worker"),
            ("CADDY_EMAIL", "domains.tls_email"),
        ];
        for path in files.iter().filter(|p| p.ends_with(".env")) {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Ok(vars) = crate::ingest::envfile::parse(&Input::new(path.as_str(), text)) else {
                continue;
            };
            for (var, key) in FROM_ENV {
                if let Some(v) = vars.get(var).filter(|v| !v.value.is_empty()) {
                    set(key, v.value.clone());
                }
            }
        }
    }

    /// The VPS files named together are one deployment.
    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        vec![Found::new(Host::Vps, files)]
    }

    /// The Caddyfile, the first of the starter's Compose files, hostwiz's egress override when
    /// it is there, the worker override only when the `worker` profile is active (it only
    /// matters then), and the env files.
    fn discover(&self, dir: &Path, ctx: &Context) -> Result<Vec<Found>> {
        let mut files = Vec::new();
        // Env files are read now: whether the worker override counts depends on them.
        // An explicit `--env-file` replaces the project's `.env`, as in Compose.
        let dot_env = ctx.env.is_empty();
        let env: Vec<Input> = pipeline::files(dir, |n| {
            (n == ".env" && dot_env) || n.ends_with(".env") && n != ".env"
        })?
        .iter()
        .map(|p| pipeline::read_in_tree(ctx, p))
        .collect::<Result<_>>()?;
        let caddyfile = dir.join("caddy/Caddyfile");
        if caddyfile.is_file() {
            files.push((Kind::Caddyfile, Src::Path(caddyfile)));
        }
        if let Some(p) = COMPOSE_FILES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            files.push((Kind::Compose, Src::Path(p)));
        }
        // hostwiz's egress override joins api and worker to `edge` (BOOT-010), whatever the
        // profile.
        let egress = dir.join(EGRESS_OVERRIDE);
        if files.iter().any(|(k, _)| *k == Kind::Compose) && egress.is_file() {
            files.push((Kind::Compose, Src::Path(egress)));
        }
        let worker_active = profiles(dir, ctx).iter().any(|p| p == "worker")
            || env.iter().chain(&ctx.env).any(activates_worker);
        let worker = dir.join(WORKER_OVERRIDE);
        if worker_active && worker.is_file() {
            files.push((Kind::Compose, Src::Path(worker)));
        }
        files.extend(env.into_iter().map(|e| (Kind::EnvFile, Src::Read(e))));
        Ok(vec![Found::new(Host::Vps, files)])
    }

    fn read(&self, d: &Deployment, ctx: &Context) -> Result<Plan> {
        let (vars, templates) = variables(d, ctx)?;
        let dir = d
            .of(Kind::Compose)
            .chain(d.of(Kind::EnvFile))
            .chain(d.of(Kind::Caddyfile))
            .next()
            .and_then(|i| Path::new(&i.path).parent())
            .unwrap_or(Path::new(""));
        let caddyfiles = inputs(d, Kind::Caddyfile);
        // With caddy, Caddy's own config decides where requests go; without, the reader.
        let adapted = caddyfiles
            .iter()
            .map(|c| adapt::judge(ctx.caddy.as_deref(), c, &vars))
            .collect::<Result<Vec<_>, _>>()?;
        let mut plan = read::plan_adapted(
            &caddyfiles,
            &adapted,
            &inputs(d, Kind::Compose),
            &vars,
            &profiles(dir, ctx),
        )?;
        read::env_templates(&mut plan, &templates);
        // Said once by the report: the reader judged where Caddy's own config did not.
        plan.note = if caddyfiles.is_empty() {
            None
        } else if ctx.caddy.is_none() {
            Some(adapt::NOT_FOUND)
        } else {
            adapted
                .iter()
                .any(Option::is_none)
                .then_some(adapt::NOT_RUN)
        };
        Ok(plan)
    }

    fn migratable(&self, _d: &Deployment) -> Result<()> {
        Ok(())
    }

    fn phases(&self, d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)> {
        migrate::phases(d, plan)
    }

    fn operations(
        &self,
        d: &Deployment,
        plan: &Plan,
        p1: &Phase,
        p2: &Phase,
        ctx: &Context,
    ) -> Operations {
        migrate::operations(d, plan, p1, p2, ctx)
    }
}

/// The variables placeholders are filled from: the env files given or found, else the
/// project's `.env` (Compose reads it unless an env file is given).
fn variables(d: &Deployment, ctx: &Context) -> Result<(Vars, Vec<Template>)> {
    let mut vars = Vars::default();
    // The env files the processes read (the API's and the web's templates) are their env;
    // the others hold the variables Compose and Caddy interpolate.
    let mut templates = Vec::new();
    let mut interpolation = 0;
    for e in d.of(Kind::EnvFile) {
        match read::template_roles(&e.path) {
            Some(roles) => templates.push((roles, e.path.clone(), envfile::parse(e)?)),
            None => {
                interpolation += 1;
                vars.extend(envfile::parse(e)?);
            }
        }
    }
    for e in &ctx.env {
        vars.extend(envfile::parse(e)?);
    }
    // Compose reads the project folder's `.env` unless an env file is given.
    if interpolation == 0 && ctx.env.is_empty() {
        if let Some(dot_env) = project_dot_env(d)? {
            vars.extend(envfile::parse(&dot_env)?);
        }
    }
    Ok((vars, templates))
}

/// An env template the processes read: the roles that read it, its path, its values.
type Template = (&'static [crate::plan::Role], String, Vars);

/// The `.env` in the folder of the first Compose file, the project directory.
fn project_dot_env(d: &Deployment) -> Result<Option<Input>> {
    let Some(first) = d.of(Kind::Compose).next() else {
        return Ok(None);
    };
    let path = Path::new(&first.path)
        .parent()
        .unwrap_or(Path::new(""))
        .join(".env");
    match path.is_file() {
        true => pipeline::read(&path).map(Some),
        false => Ok(None),
    }
}

/// The profiles the files in `dir` are deployed with: `--profile` as given; else `worker`
/// where the `hostwiz.toml` beside them (what `apply` wrote) records a dedicated worker on a
/// VPS, since its checklist passes `--profile worker`; else none, and Compose reads
/// `COMPOSE_PROFILES` from the env files.
fn profiles(dir: &Path, ctx: &Context) -> Vec<String> {
    if !ctx.profiles.is_empty() {
        return ctx.profiles.clone();
    }
    let toml = dir.join("hostwiz.toml");
    let dedicated = (toml.is_file().then(|| pipeline::read(&toml).ok()).flatten())
        .and_then(|i| crate::answers::RawAnswers::from_toml(&i.text).ok())
        .is_some_and(|raw| raw.get("host") == "vps" && raw.get("billing.worker") == "dedicated");
    match dedicated {
        true => vec!["worker".into()],
        false => Vec::new(),
    }
}

/// Whether an env file turns the `worker` profile on through `COMPOSE_PROFILES`.
fn activates_worker(e: &Input) -> bool {
    e.text.lines().any(|l| {
        l.trim_start()
            .strip_prefix("COMPOSE_PROFILES=")
            .is_some_and(|v| {
                v.trim_matches(['"', '\''])
                    .split(',')
                    .any(|p| p.trim() == "worker")
            })
    })
}
