//! A single VPS with the starter's Compose files and Caddy (`ops/compose`): the Caddyfile
//! routes, the Compose files run the processes, env files fill the placeholders of both.

mod answers;
mod migrate;
mod read;
mod render;

pub use migrate::PROFILES_VAR;
pub use read::plan as files_plan;
pub use render::{CADDYFILE, ENV_FILE, WORKER_OVERRIDE};

use super::{inputs, HostModule};
use crate::answers::{Answers, Host, Key, WorkerMode};
use crate::error::Result;
use crate::ingest::detect::Kind;
use crate::ingest::{envfile, Input, Vars};
use crate::migrate::{Operations, Phase};
use crate::pipeline::{self, Context, Deployment, Found, Src};
use crate::plan::{Plan, Replicas, Shape};
use crate::render::{Checklist, File};
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

    fn plan(&self, a: &Answers) -> Plan {
        let mut plan = Plan::answered(
            a,
            Shape {
                api: Replicas::fixed(a.scale.api_replicas),
                worker: Replicas::fixed(a.scale.worker_replicas),
                api_env: a.worker == WorkerMode::Dedicated,
            },
        );
        plan.api_addresses = vec!["api:8000".to_string()];
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        let mut files = vec![
            File::new(CADDYFILE, render::caddyfile(a)),
            File::new(ENV_FILE, render::env_file(a)),
        ];
        if a.worker == WorkerMode::Dedicated {
            files.push(File::new(WORKER_OVERRIDE, render::worker_override(a)));
        }
        files
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        let mut place = vec![
            format!("cp \"$OUT/{CADDYFILE}\" ops/compose/caddy/Caddyfile"),
            format!("cp \"$OUT/{ENV_FILE}\" ops/compose/"),
        ];
        let mut deploy = vec!["cd ops/compose".to_string()];
        match a.worker {
            WorkerMode::Inline => deploy.push(format!(
                "docker compose -f docker-compose.prod.yml --env-file {ENV_FILE} up -d"
            )),
            WorkerMode::Dedicated => {
                place.push(format!("cp \"$OUT/{WORKER_OVERRIDE}\" ops/compose/"));
                deploy.push(format!(
                    "docker compose -f docker-compose.prod.yml -f {WORKER_OVERRIDE} \\"
                ));
                deploy.push(format!("  --env-file {ENV_FILE} --profile worker up -d"));
            }
        }
        let caddy = match &a.domains.tls_email {
            Some(email) => {
                format!("- Caddy obtains certificates itself; the ACME account is `{email}`.")
            }
            None => {
                "- Caddy obtains certificates itself; set `CADDY_EMAIL` for expiry mail.".into()
            }
        };
        Checklist {
            title: "a single VPS (Docker Compose + Caddy, ops/compose)",
            entry: "Caddy".into(),
            place,
            dns_target: "the VPS's public IPv4 (A) and IPv6 (AAAA) addresses",
            dns_record: "A / AAAA",
            dns_notes: Vec::new(),
            secrets: vec![
                caddy,
                "- The app's secrets (database URL, Redis URL, Stripe keys) in the env files"
                    .into(),
                format!("  the starter's `docker-compose.prod.yml` reads, never in `{ENV_FILE}`."),
            ],
            deploy,
            next: 1,
            migrations: vec![
                "A shell in the API container:".into(),
                String::new(),
                "```sh".into(),
                format!(
                    "docker compose -f docker-compose.prod.yml --env-file {ENV_FILE} exec api sh"
                ),
                "```".into(),
            ],
            logs: "docker compose -f docker-compose.prod.yml logs api worker".into(),
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

    /// The VPS files named together are one deployment.
    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        vec![Found::new(Host::Vps, files)]
    }

    /// The Caddyfile, the first of the starter's Compose files, the worker override only when
    /// the `worker` profile is active (it only matters then), and the env files.
    fn discover(&self, dir: &Path, ctx: &Context) -> Result<Vec<Found>> {
        let mut files = Vec::new();
        // Env files are read now: whether the worker override counts depends on them.
        let env: Vec<Input> = pipeline::files(dir, |n| n == ".env" || n.ends_with(".env"))?
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
        let worker_active = ctx.profiles.iter().any(|p| p == "worker")
            || env.iter().chain(&ctx.env).any(activates_worker);
        let worker = dir.join(WORKER_OVERRIDE);
        if worker_active && worker.is_file() {
            files.push((Kind::Compose, Src::Path(worker)));
        }
        files.extend(env.into_iter().map(|e| (Kind::EnvFile, Src::Read(e))));
        Ok(vec![Found::new(Host::Vps, files)])
    }

    fn read(&self, d: &Deployment, ctx: &Context) -> Result<Plan> {
        let mut vars = Vars::default();
        for e in d.of(Kind::EnvFile).chain(&ctx.env) {
            vars.extend(envfile::parse(e)?);
        }
        Ok(files_plan(
            &inputs(d, Kind::Caddyfile),
            &inputs(d, Kind::Compose),
            &vars,
            &ctx.profiles,
        )?)
    }

    fn migratable(&self, _d: &Deployment) -> Result<()> {
        Ok(())
    }

    fn phases(&self, d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)> {
        migrate::phases(d, plan)
    }

    fn operations(&self, d: &Deployment, plan: &Plan, p1: &Phase, p2: &Phase) -> Operations {
        migrate::operations(d, plan, p1, p2)
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
