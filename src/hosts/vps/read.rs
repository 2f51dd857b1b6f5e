//! A VPS deployment from its parts: the Caddyfile decides where each host's paths go, the
//! Compose files (as given, no implied base) decide which processes run with which env, and
//! the env files fill the placeholders of both.

use crate::answers::Host;
use crate::ingest::caddy::{self, Caddyfile};
use crate::ingest::compose::{self, Compose};
use crate::ingest::{Input, ParseError, Vars};
use crate::plan::{
    Origin, Plan, Process, ReplicaRange, Replicas, Role, Route, Sourced, Target, Tls,
};
use std::collections::BTreeMap;

const STARTER_COMPOSE: &str = "the starter's docker-compose.prod.yml";

pub fn plan(
    caddyfiles: &[Input],
    compose_files: &[Input],
    vars: &Vars,
    profiles: &[String],
) -> Result<Plan, ParseError> {
    let sites: Vec<Caddyfile> = caddyfiles
        .iter()
        .map(|c| caddy::parse(c, vars))
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
    for site in sites.iter().flat_map(|c| &c.sites) {
        let table: Vec<(String, Target, Origin)> = site
            .probes()
            .into_iter()
            .map(|p| {
                let (target, origin) = match site.reach(&p) {
                    caddy::Reach::Proxied(u) => (target_of(&u.value), u.origin),
                    caddy::Reach::Nothing => (
                        Target::Other("nothing (no reverse_proxy)".into()),
                        site_origin(site),
                    ),
                    caddy::Reach::Unknown(u) => (Target::Unknown(u.value), u.origin),
                };
                (p, target, origin)
            })
            .collect();
        let serves_web = table
            .iter()
            .any(|(p, t, _)| p == "/" && *t == Target::Service(Role::Web));
        let only_api = table
            .iter()
            .all(|(_, t, _)| *t == Target::Service(Role::Api));
        judged.push((site, table, serves_web || !only_api));
    }
    // A name some site serves the web app on is a web host on every scheme and port.
    let web_names: Vec<&str> = judged
        .iter()
        .filter(|(_, _, web)| *web)
        .flat_map(|(site, _, _)| site.hosts.iter().map(|h| h.value.as_str()))
        .collect();
    let mut seen_hosts: Vec<String> = Vec::new();
    for (site, table, _) in &judged {
        for (host, address) in site.hosts.iter().zip(&site.addresses) {
            let mut host = host.clone();
            if web_names.contains(&host.value.as_str()) {
                // The same host on another scheme or port is another site: judged under its
                // address, so neither hides the other's routes.
                if seen_hosts.contains(&host.value) {
                    host.value.clone_from(address);
                }
                seen_hosts.push(host.value.clone());
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

    Ok(Plan {
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
        startup: None,
    })
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
