//! The normalized deployment every contract judges. The wizard builds it from [`Answers`];
//! `check` builds it from files. Rules read only this, so both always agree.

use crate::answers::{Answers, Host, WorkerMode};
use crate::catalog::Condition;
use std::collections::BTreeMap;
use std::fmt;

/// Where a setting came from: an answer key, a place in a file, or a documented default.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Answer(&'static str),
    File {
        path: String,
        line: u32,
        column: u32,
    },
    Default(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Answer(key) => write!(f, "answer {key}"),
            Origin::File { path, line, column } => write!(f, "{path}:{line}:{column}"),
            Origin::Default(what) => write!(f, "default of {what}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sourced<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Web,
    Api,
    Worker,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Web => "web",
            Role::Api => "api",
            Role::Worker => "worker",
        }
    }
}

/// What a route sends traffic to: one of the starter's services, or something else entirely
/// (kept by name so a finding can say what it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Service(Role),
    Other(String),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Service(role) => f.write_str(role.as_str()),
            Target::Other(name) => f.write_str(name),
        }
    }
}

/// One line of the route table: requests for `host` whose path starts with `prefix` go to
/// `target`. The longest matching prefix wins; ingesters of order-sensitive formats (Caddy)
/// resolve the order before they emit routes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub host: String,
    pub prefix: String,
    pub target: Target,
    pub origin: Origin,
}

/// A replica range: fixed counts have `min == max`; autoscaling and Cloud Run give a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Replicas {
    pub min: u32,
    pub max: u32,
}

impl Replicas {
    pub fn fixed(n: u32) -> Self {
        Self { min: n, max: n }
    }
}

/// A running process of the deployment, with its effective environment: what the process
/// finally sees after every layer (chart defaults, overrides, merges) has been applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    pub role: Role,
    pub replicas: Sourced<Replicas>,
    pub env: BTreeMap<String, Sourced<String>>,
    /// Where the process itself is defined, for findings about its absence or presence.
    pub origin: Origin,
}

pub const RETRY_FLAG: &str = "ENABLE_BILLING_RETRY_WORKER";
pub const REPLAY_FLAG: &str = "ENABLE_BILLING_STREAM_REPLAY";
pub const MODE_VAR: &str = "BILLING_RETRY_DEPLOYMENT_MODE";

impl Process {
    /// A billing flag as the app reads it: unset means the app's default `true`; `true`, `1`,
    /// `yes` and `on` (any case) are on, anything else off.
    pub fn flag(&self, name: &str) -> (bool, Origin) {
        match self.env.get(name) {
            Some(v) => (
                matches!(
                    v.value.trim().to_ascii_lowercase().as_str(),
                    "true" | "1" | "yes" | "on"
                ),
                v.origin.clone(),
            ),
            None => (true, self.origin.clone()),
        }
    }

    pub fn mode(&self) -> (&str, Origin) {
        match self.env.get(MODE_VAR) {
            Some(v) => (v.value.as_str(), v.origin.clone()),
            None => ("inline", self.origin.clone()),
        }
    }
}

/// Certificates: either the platform covers every host (Caddy's automatic HTTPS, Cloud Run's
/// managed certificates), or a list of hosts with the place that lists each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tls {
    Automatic(Origin),
    Hosts(Vec<Sourced<String>>),
}

/// The two public URLs of the GCP blueprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Urls {
    pub app_public_url: Option<Sourced<String>>,
    pub api_base_url: Option<Sourced<String>>,
    /// Where a missing URL belongs (the tfvars file, or the answer that derives it).
    pub origin: Origin,
}

/// GCP API enablement: what the switch says, what the blueprint lists, what the project has,
/// and what these answers need beyond the always-needed APIs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Services {
    pub project_id: Option<Sourced<String>>,
    pub enable_project_services: Sourced<bool>,
    /// `required_project_services` as read from the blueprint; `None` when it was not read.
    pub blueprint: Option<Sourced<Vec<String>>>,
    /// What `gcloud services list --enabled` showed; `None` when not given.
    pub enabled: Option<Sourced<Vec<String>>>,
    /// Conditions that switch conditional APIs on, with the setting that switched each.
    pub conditions: Vec<Sourced<Condition>>,
    /// APIs the operator asked for in addition.
    pub extra: Vec<Sourced<String>>,
    /// An operator's list that replaces the blueprint's, where one was given.
    pub overrides: Option<Sourced<Vec<String>>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub host: Host,
    /// Hosts that serve the web app: the browser's entry points.
    pub web_hosts: Vec<Sourced<String>>,
    /// The API host as configured (`API_HOST`, `apiHosts`, `api_base_url`), routed or not.
    pub api_host: Option<Sourced<String>>,
    pub routes: Vec<Route>,
    pub tls: Tls,
    pub processes: Vec<Process>,
    /// Names by which the web process could reach the API directly (`api:8000`,
    /// `starter-api`), so browser-exposed settings naming one can be caught.
    pub api_addresses: Vec<String>,
    pub urls: Option<Urls>,
    pub services: Option<Services>,
}

impl Plan {
    pub fn processes(&self, role: Role) -> impl Iterator<Item = &Process> {
        self.processes.iter().filter(move |p| p.role == role)
    }

    /// Dedicated when a worker is defined, inline otherwise (CONTRACTS.md, billing rules).
    pub fn worker_mode(&self) -> WorkerMode {
        if self.processes(Role::Worker).next().is_some() {
            WorkerMode::Dedicated
        } else {
            WorkerMode::Inline
        }
    }

    /// Where `path` on `host` goes: the longest matching prefix wins.
    pub fn resolve(&self, host: &str, path: &str) -> Option<&Route> {
        self.routes
            .iter()
            .filter(|r| r.host.eq_ignore_ascii_case(host) && prefix_matches(&r.prefix, path))
            .max_by_key(|r| r.prefix.len())
    }
}

/// Path-prefix matching by whole segments, as Kubernetes `Prefix` does: `/api` matches `/api`
/// and `/api/x` but not `/apix`.
pub(crate) fn prefix_matches(prefix: &str, path: &str) -> bool {
    let p = prefix.trim_end_matches('/');
    p.is_empty()
        || path == p
        || path
            .strip_prefix(p)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The flags the app reads, as hostwiz writes them for each role and mode.
pub fn billing_env(role: Role, mode: WorkerMode) -> Vec<(&'static str, &'static str)> {
    match (role, mode) {
        (Role::Api, WorkerMode::Inline) => vec![
            (RETRY_FLAG, "true"),
            (REPLAY_FLAG, "true"),
            (MODE_VAR, "inline"),
        ],
        (Role::Api, WorkerMode::Dedicated) => {
            vec![
                (RETRY_FLAG, "false"),
                (REPLAY_FLAG, "false"),
                (MODE_VAR, "dedicated"),
            ]
        }
        (Role::Worker, _) => vec![
            ("ENABLE_BILLING", "true"),
            (RETRY_FLAG, "true"),
            (REPLAY_FLAG, "true"),
            (MODE_VAR, "dedicated"),
        ],
        (Role::Web, _) => vec![],
    }
}

impl From<&Answers> for Plan {
    fn from(a: &Answers) -> Self {
        crate::hosts::module(a.host).plan(a)
    }
}

/// How a host runs the processes the answers ask for.
pub struct Shape {
    pub api: Replicas,
    pub worker: Replicas,
    /// Whether the API's billing flags are written (a VPS in inline mode writes none and runs
    /// on the app's defaults, exactly as the starter's Compose file leaves it).
    pub api_env: bool,
}

impl Plan {
    /// What every host makes of the answers: the web host with `/api` and `/` to web, the API
    /// host to the API, the processes with the billing flags hostwiz writes. Hosts then add
    /// their certificates, addresses, URLs and services.
    pub fn answered(a: &Answers, shape: Shape) -> Plan {
        let web = a.domains.web.to_string();
        let from_web = || Origin::Answer("domains.web");
        let mut routes = vec![
            Route {
                host: web.clone(),
                prefix: "/api".into(),
                target: Target::Service(Role::Web),
                origin: from_web(),
            },
            Route {
                host: web.clone(),
                prefix: "/".into(),
                target: Target::Service(Role::Web),
                origin: from_web(),
            },
        ];
        let api_host = a
            .domains
            .api
            .as_ref()
            .map(|h| Sourced::new(h.to_string(), Origin::Answer("domains.api")));
        if let Some(h) = &api_host {
            routes.push(Route {
                host: h.value.clone(),
                prefix: "/".into(),
                target: Target::Service(Role::Api),
                origin: h.origin.clone(),
            });
        }
        let env = |role| {
            billing_env(role, a.worker)
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        Sourced::new(v.to_string(), Origin::Answer("billing.worker")),
                    )
                })
                .collect()
        };
        let mut processes = vec![
            Process {
                role: Role::Web,
                replicas: Sourced::new(shape.api, Origin::Answer("scale.api_replicas")),
                env: BTreeMap::new(),
                origin: from_web(),
            },
            Process {
                role: Role::Api,
                replicas: Sourced::new(shape.api, Origin::Answer("scale.api_replicas")),
                env: if shape.api_env {
                    env(Role::Api)
                } else {
                    BTreeMap::new()
                },
                origin: Origin::Answer("billing.worker"),
            },
        ];
        if a.worker == WorkerMode::Dedicated {
            processes.push(Process {
                role: Role::Worker,
                replicas: Sourced::new(shape.worker, Origin::Answer("scale.worker_replicas")),
                env: env(Role::Worker),
                origin: Origin::Answer("billing.worker"),
            });
        }
        Plan {
            host: a.host,
            web_hosts: vec![Sourced::new(web, from_web())],
            api_host,
            routes,
            tls: Tls::Automatic(Origin::Answer("host")),
            processes,
            api_addresses: Vec::new(),
            urls: None,
            services: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert!(prefix_matches("/api", "/api"));
        assert!(prefix_matches("/api", "/api/x"));
        assert!(prefix_matches("/api/", "/api/x"));
        assert!(!prefix_matches("/api", "/apix"));
        assert!(prefix_matches("/", "/anything"));
    }
}
