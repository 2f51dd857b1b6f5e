//! A VPS deployment from its parts: the Caddyfile decides where each host's paths go, the
//! Compose files (as given, no implied base) decide which processes run with which env, and
//! the env files fill the placeholders of both.

use crate::answers::Host;
use crate::ingest::caddy::{self, Caddyfile};
use crate::ingest::caddy_json::{Config as Adapted, Reached};
use crate::ingest::compose::{self, Compose};
use crate::ingest::{Input, ParseError, Vars};
use crate::plan::{
    Origin, Plan, Process, ReplicaRange, Replicas, Role, Route, Setting, Sourced, Startup, Target,
    Tls,
};
use std::collections::BTreeMap;

const STARTER_COMPOSE: &str = "the starter's docker-compose.prod.yml";

pub fn plan(
    caddyfiles: &[Input],
    compose_files: &[Input],
    vars: &Vars,
    profiles: &[String],
) -> Result<Plan, ParseError> {
    plan_adapted(caddyfiles, &[], compose_files, vars, profiles)
}

/// The plan with each Caddyfile's routing decided by Caddy's own config where `adapted` holds
/// it (`caddy adapt`, in the order of `caddyfiles`; `None` or missing: hostwiz's reader).
pub fn plan_adapted(
    caddyfiles: &[Input],
    adapted: &[Option<Adapted>],
    compose_files: &[Input],
    vars: &Vars,
    profiles: &[String],
) -> Result<Plan, ParseError> {
    let sites: Vec<(Caddyfile, Option<&Adapted>)> = caddyfiles
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let config = adapted.get(i).and_then(Option::as_ref);
            caddy::parse_with(c, vars, config.is_some()).map(|f| (f, config))
        })
        .collect::<Result<_, _>>()?;
    let compose = if compose_files.is_empty() {
        None
    } else {
        Some(compose::load(compose_files, vars, profiles)?)
    };

    let mut web_hosts = Vec::new();
    let mut routed_api = Vec::new();
    let mut routes = Vec::new();
    let mut judged = Vec::new();
    for (file, config) in &sites {
        for site in &file.sites {
            // With Caddy's config one table per address (each address is its own server's);
            // the reader's table is the same for all of a site's addresses.
            let probes = site.probes();
            let count = match config {
                Some(_) => site.hosts.len().max(1),
                None => 1,
            };
            let tables: Vec<Vec<(String, Target, Origin)>> = (0..count)
                .map(|i| {
                    probes
                        .iter()
                        .cloned()
                        .map(|p| {
                            let reach = match config {
                                Some(c) => adapt_reach(c, site, i, &p),
                                None => site.reach(&p),
                            };
                            let (target, origin) = match reach {
                                caddy::Reach::Proxied(u) => (target_of(&u.value), u.origin),
                                caddy::Reach::Nothing => (
                                    Target::Other("nothing (no reverse_proxy)".into()),
                                    site_origin(site),
                                ),
                                caddy::Reach::Unknown(u) => (Target::Unknown(u.value), u.origin),
                            };
                            (p, target, origin)
                        })
                        .collect()
                })
                .collect();
            let serves_web = tables
                .iter()
                .flatten()
                .any(|(p, t, _)| p == "/" && *t == Target::Service(Role::Web));
            let only_api = tables
                .iter()
                .flatten()
                .all(|(_, t, _)| *t == Target::Service(Role::Api));
            judged.push((site, tables, serves_web || !only_api));
        }
    }
    // A name some site serves the web app on is a web host on every scheme and port.
    // Sets: a file of thousands of sites is judged in linear time.
    let web_names: std::collections::HashSet<&str> = judged
        .iter()
        .filter(|(_, _, web)| *web)
        .flat_map(|(site, _, _)| site.hosts.iter().map(|h| h.value.as_str()))
        .collect();
    let mut seen_hosts: std::collections::HashSet<String> = Default::default();
    for (site, tables, _) in &judged {
        for (i, (host, address)) in site.hosts.iter().zip(&site.addresses).enumerate() {
            let table = tables.get(i).unwrap_or(&tables[0]);
            let mut host = host.clone();
            if web_names.contains(host.value.as_str()) {
                // The same host on another scheme or port is another site: judged under its
                // address, so neither hides the other's routes.
                if seen_hosts.contains(&host.value) {
                    host.value.clone_from(address);
                }
                seen_hosts.insert(host.value.clone());
                web_hosts.push(host.clone());
            } else {
                routed_api.push(host.clone());
            }
            for (prefix, target, origin) in table {
                routes.push(Route {
                    host: host.value.clone(),
                    prefix: prefix.clone(),
                    target: target.clone(),
                    origin: origin.clone(),
                });
            }
        }
    }

    // The API host is configured by API_HOST; a site for the API without it is configured by
    // the site itself, and a placeholder site (`{$API_HOST}`) by its variable.
    let api_host = vars
        .get("API_HOST")
        .filter(|v| !v.value.trim().is_empty())
        .cloned()
        .or_else(|| routed_api.first().cloned());

    let no_egress = compose.as_ref().map(no_egress).unwrap_or_default();
    Ok(Plan {
        note: None,
        host: Host::Vps,
        web_hosts,
        api_host,
        routes,
        tls: Tls::Automatic(
            caddyfiles
                .first()
                .map_or(Origin::Default("Caddy"), |c| c.origin(1, 1)),
        ),
        processes: processes(compose.as_ref()),
        api_addresses: vec!["api:8000".into()],
        urls: None,
        services: None,
        // What the Compose files show of the platform; the processes' settings are known only
        // once their env templates are read too (`env_templates`).
        startup: (!no_egress.is_empty()).then(|| Startup {
            no_egress,
            partial: true,
            ..Startup::default()
        }),
    })
}

/// Where Caddy's own config sends `path` on the site's `i`th address, said in the reader's
/// terms: the upstream as the file writes it, at the `reverse_proxy` line that dials it (the
/// one the reader found when they agree, else the site's first that dials it).
fn adapt_reach(config: &Adapted, site: &caddy::Site, i: usize, path: &str) -> caddy::Reach {
    let (Some(host), Some(address)) = (site.hosts.get(i), site.addresses.get(i)) else {
        return caddy::Reach::Nothing;
    };
    let reader = site.reach(path);
    let reader_origin = match &reader {
        caddy::Reach::Proxied(u) => u.origin.clone(),
        caddy::Reach::Unknown(u) => u.origin.clone(),
        caddy::Reach::Nothing => site_origin(site),
    };
    let probe_host = super::adapt::stand_in_all(&host.value);
    let probe_address = super::adapt::stand_in_all(address);
    match config.reach(&probe_address, &probe_host, path) {
        Reached::Dial(dial) => {
            let dial = super::adapt::unstand(&dial);
            let written = match reader {
                caddy::Reach::Proxied(u) if same_upstream(&u.value, &dial) => Some(u),
                _ => site
                    .proxies()
                    .into_iter()
                    .find(|u| same_upstream(&u.value, &dial)),
            };
            // Not proxied by any line the reader sees: by a file the site imports, if any.
            let origin = site
                .file_imports()
                .into_iter()
                .next()
                .unwrap_or(reader_origin);
            caddy::Reach::Proxied(written.unwrap_or_else(|| Sourced::new(dial, origin)))
        }
        Reached::Nothing => caddy::Reach::Nothing,
        Reached::Unknown(what) => caddy::Reach::Unknown(Sourced::new(
            crate::plan::Unknown::CaddyConfig(super::adapt::unstand(&what)),
            reader_origin,
        )),
    }
}

/// Whether an upstream as written (`http://web`, `web:3000`) is the address Caddy dials
/// (`web:80`, `web:3000`).
fn same_upstream(written: &str, dial: &str) -> bool {
    let norm = |u: &str| {
        let u = u.to_ascii_lowercase();
        let (scheme, rest) = u.split_once("://").unwrap_or(("", &u));
        let rest = rest.trim_end_matches('/');
        let has_port = rest
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty());
        match (has_port, scheme) {
            (true, _) => rest.to_string(),
            (false, "https" | "h2") => format!("{rest}:443"),
            (false, _) => format!("{rest}:80"),
        }
    };
    norm(written) == norm(dial)
}

/// The API and worker services that join only internal networks: no egress to OpenAI, Stripe
/// or a managed database (STARTER-FACTS blocker 7). A service with no `networks` is on
/// `default`, which has egress.
fn no_egress(compose: &Compose) -> Vec<(Role, Sourced<String>)> {
    let mut out = Vec::new();
    for s in compose.services.iter().filter(|s| s.active) {
        let role = match s.name.as_str() {
            "api" => Role::Api,
            "worker" => Role::Worker,
            _ => continue,
        };
        let internal = |n: &Sourced<String>| compose.internal.contains_key(&n.value);
        if !s.networks.is_empty() && s.networks.iter().all(internal) {
            out.push((role, s.networks[0].clone()));
        }
    }
    out
}

fn site_origin(site: &caddy::Site) -> Origin {
    site.hosts
        .first()
        .map_or(Origin::Default("Caddy"), |h| h.origin.clone())
}

/// `web:3000` is the web app and `api:8000` the API, by the starter's service names.
fn target_of(upstream: &str) -> Target {
    let bare = upstream
        .split_once("://")
        .map_or(upstream, |(_, rest)| rest);
    match bare.split(':').next().unwrap_or(bare) {
        "web" => Target::Service(Role::Web),
        "api" => Target::Service(Role::Api),
        _ => Target::Other(upstream.to_string()),
    }
}

fn processes(compose: Option<&Compose>) -> Vec<Process> {
    let Some(compose) = compose else {
        // No Compose file given: the starter's file runs one web and one API process on the
        // app's defaults.
        return [Role::Web, Role::Api]
            .into_iter()
            .map(|role| Process {
                role,
                replicas: Sourced::new(Replicas::fixed(1), Origin::Default(STARTER_COMPOSE)).into(),
                env: BTreeMap::new(),
                unread_env: Vec::new(),
                origin: Origin::Default(STARTER_COMPOSE),
                secrets: Default::default(),
            })
            .collect();
    };
    compose
        .services
        .iter()
        .filter(|s| s.active)
        .filter_map(|s| {
            let role = match s.name.as_str() {
                "web" => Role::Web,
                "api" => Role::Api,
                "worker" => Role::Worker,
                _ => return None,
            };
            let mut replicas: ReplicaRange =
                Sourced::new(Replicas::fixed(s.replicas.value), s.replicas.origin.clone()).into();
            if let Some(why) = &s.replicas_unknown {
                replicas = replicas.unknown(why.clone());
            }
            // What the project does not let hostwiz read may set any variable of any process.
            let unread = s.missing_env_files.iter().chain(&compose.unread);
            Some(Process {
                role,
                replicas,
                env: s.environment.clone(),
                unread_env: unread.cloned().collect(),
                origin: s.origin.clone(),
                secrets: Default::default(),
            })
        })
        .collect()
}

/// The processes that read an env file, by its name: hostwiz's templates (`api.env.local`,
/// `web.env.local`) and the starter's places for them. `None` for any other env file, which
/// holds variables for interpolation.
pub fn template_roles(path: &str) -> Option<&'static [Role]> {
    let path = path.replace('\\', "/");
    let name = path.rsplit('/').next().unwrap_or(&path);
    if name == super::render::API_ENV_FILE || path.ends_with("apps/api-service/.env.local") {
        Some(&[Role::Api, Role::Worker])
    } else if name == super::render::WEB_ENV_FILE || path.ends_with("apps/web-app/.env.local") {
        Some(&[Role::Web])
    } else {
        None
    }
}

/// The env templates as the processes' env, under what the Compose files set (Compose's
/// `environment:` wins over an env file). A filled value is what the process reads and is
/// judged; an empty one is a secret still to fill on the server: a reference, like every env
/// file kept off git, neither a value nor missing. With the API's and the web's templates both
/// read and nothing else unread, every source of the processes' settings is known.
pub fn env_templates(plan: &mut Plan, templates: &[(&'static [Role], String, Vars)]) {
    for (roles, file, vars) in templates {
        let shown = file.rsplit('/').next().unwrap_or(file);
        for p in plan
            .processes
            .iter_mut()
            .filter(|p| roles.contains(&p.role))
        {
            for (k, v) in &vars.0 {
                if p.env.contains_key(k) || p.secrets.contains_key(k) {
                    continue;
                }
                if v.value.trim().is_empty() {
                    let reference = format!("{shown} (to fill on the server)");
                    p.secrets
                        .insert(k.clone(), Sourced::new(reference, v.origin.clone()));
                } else {
                    let value = Setting::from(v.value.as_str());
                    p.env
                        .insert(k.clone(), Sourced::new(value, v.origin.clone()));
                }
            }
        }
    }
    let read = |role: Role| templates.iter().any(|(roles, _, _)| roles.contains(&role));
    let complete = plan.processes.iter().all(|p| p.unread_env.is_empty());
    if read(Role::Api) && read(Role::Web) && complete {
        plan.startup.get_or_insert_with(Startup::default).partial = false;
    }
}
