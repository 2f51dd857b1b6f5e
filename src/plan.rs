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
    /// Where the file sends the request is not known (a Caddy construct hostwiz does not
    /// evaluate): rules leave verdicts on it undecided.
    Unknown(Unknown),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Service(role) => f.write_str(role.as_str()),
            Target::Other(name) => f.write_str(name),
            Target::Unknown(why) => write!(f, "<unknown: {why}>"),
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

/// A process's replica range with an origin per end: `origin` is where the maximum is set,
/// `min_origin` where the minimum is (the same place for a fixed count), so a finding about
/// either end points at its own setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaRange {
    pub value: Replicas,
    pub origin: Origin,
    pub min_origin: Origin,
    /// Why the count is not known from the files (`replicas: ${N:?}` unset); `value` is then the
    /// default and rules leave verdicts that hinge on it undecided.
    pub unknown: Option<Unknown>,
}

impl ReplicaRange {
    /// Both ends set in different places.
    pub fn new(value: Replicas, min_origin: Origin, max_origin: Origin) -> Self {
        Self {
            value,
            origin: max_origin,
            min_origin,
            unknown: None,
        }
    }

    /// The count is not known: `why`.
    pub fn unknown(mut self, why: Unknown) -> Self {
        self.unknown = Some(why);
        self
    }

    pub fn max_origin(&self) -> &Origin {
        &self.origin
    }

    pub fn min_origin(&self) -> &Origin {
        &self.min_origin
    }
}

/// Both ends set in one place.
impl From<Sourced<Replicas>> for ReplicaRange {
    fn from(s: Sourced<Replicas>) -> Self {
        Self {
            value: s.value,
            min_origin: s.origin.clone(),
            origin: s.origin,
            unknown: None,
        }
    }
}

/// Why a setting is not known from the files: rules never decide on it, and a verdict that
/// hinges on it is one info finding that says what would decide it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unknown {
    /// A `${VAR}` / `{$VAR}` with the variable set nowhere hostwiz was given.
    Unset(String),
    /// An env file the deployment reads that is not there (gitignored in a fresh clone).
    MissingFile(String),
    /// A value taken from a Secret or ConfigMap (`valueFrom`, `envFrom`): it lives in the cluster.
    Reference(String),
    /// An expression hostwiz does not evaluate, as written.
    Expression(String),
    /// A source hostwiz does not read (a remote Compose `include`), named.
    Unread(String),
    /// A Caddyfile construct hostwiz's own reader does not evaluate (`path_regexp`, `not`, a
    /// `rewrite` with placeholders, …), as written; `caddy adapt` decides it.
    Caddy(String),
    /// A construct of `caddy adapt`'s JSON that hostwiz does not evaluate, as named.
    CaddyConfig(String),
}

impl Unknown {
    /// What the operator can give hostwiz to decide it.
    pub fn decide(&self) -> String {
        match self {
            Unknown::Unset(var) => format!("pass --env-file with {var} set"),
            Unknown::MissingFile(path) => format!("check again where {path} exists"),
            Unknown::Reference(_) => {
                "check the rendered value in the cluster, or set it in the values".into()
            }
            Unknown::Expression(_) => "set the value literally, or check `terraform plan`".into(),
            Unknown::Unread(_) => "inline it in a file hostwiz reads".into(),
            Unknown::Caddy(_) => {
                "see where `caddy adapt --adapter caddyfile` sends it, or use `path` matchers"
                    .into()
            }
            Unknown::CaddyConfig(_) => {
                "check where Caddy sends it (`caddy adapt --adapter caddyfile`), or use `path` \
                 matchers"
                    .into()
            }
        }
    }
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unknown::Unset(var) => write!(f, "variable {var} is not set"),
            Unknown::MissingFile(path) => write!(f, "env file {path} is missing"),
            Unknown::Reference(what) => write!(f, "it comes from {what}"),
            Unknown::Expression(text) => write!(f, "`{text}` is not evaluated"),
            Unknown::Unread(what) => write!(f, "hostwiz does not read {what}"),
            Unknown::Caddy(what) => {
                write!(f, "hostwiz's Caddyfile reader does not evaluate {what}")
            }
            Unknown::CaddyConfig(what) => {
                write!(
                    f,
                    "hostwiz does not evaluate {what} in Caddy's adapted config"
                )
            }
        }
    }
}

/// An env value as the process will see it: known text, or unknown with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Known(String),
    Unknown(Unknown),
}

impl Setting {
    pub fn known(&self) -> Option<&str> {
        match self {
            Setting::Known(v) => Some(v),
            Setting::Unknown(_) => None,
        }
    }
}

/// Known text as it is; an unknown as `<unknown: why>`.
impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Known(v) => f.write_str(v),
            Setting::Unknown(why) => write!(f, "<unknown: {why}>"),
        }
    }
}

impl From<String> for Setting {
    fn from(v: String) -> Self {
        Setting::Known(v)
    }
}

impl From<&str> for Setting {
    fn from(v: &str) -> Self {
        Setting::Known(v.to_string())
    }
}

impl PartialEq<str> for Setting {
    fn eq(&self, other: &str) -> bool {
        self.known() == Some(other)
    }
}

impl PartialEq<&str> for Setting {
    fn eq(&self, other: &&str) -> bool {
        self.known() == Some(*other)
    }
}

/// A running process of the deployment, with its effective environment: what the process
/// finally sees after every layer (chart defaults, overrides, merges) has been applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    pub role: Role,
    pub replicas: ReplicaRange,
    pub env: BTreeMap<String, Sourced<Setting>>,
    /// Env sources hostwiz could not read (a missing env file, an `envFrom` Secret): a variable
    /// `env` does not hold may be set there, so it is unknown rather than unset.
    pub unread_env: Vec<Sourced<Unknown>>,
    /// Where the process itself is defined, for findings about its absence or presence.
    pub origin: Origin,
    /// Settings the process gets by reference (a secret store's key, an uncommitted env file,
    /// a Secret Manager secret): env name → the reference. Their values are not hostwiz's to
    /// see; the startup rules judge that the reference exists.
    pub secrets: BTreeMap<String, Sourced<String>>,
}

pub const RETRY_FLAG: &str = "ENABLE_BILLING_RETRY_WORKER";
pub const REPLAY_FLAG: &str = "ENABLE_BILLING_STREAM_REPLAY";
pub const MODE_VAR: &str = "BILLING_RETRY_DEPLOYMENT_MODE";

impl Process {
    /// A variable as the process sees it: `None` when it is unset (the app's default applies),
    /// unknown when it comes from somewhere hostwiz could not read.
    pub fn var(&self, name: &str) -> Option<Sourced<Setting>> {
        match (self.env.get(name), self.unread_env.first()) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(u)) => Some(Sourced::new(
                Setting::Unknown(u.value.clone()),
                u.origin.clone(),
            )),
            (None, None) => None,
        }
    }

    /// Whether a value reads as on, the way the app reads its flags.
    pub fn flag_value(&self, v: &str) -> bool {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "1" | "yes" | "on"
        )
    }

    /// A billing flag as the app reads it: unset means the app's default `true`; `true`, `1`,
    /// `yes` and `on` (any case) are on, anything else off; `Err` when it is unknown.
    pub fn flag(&self, name: &str) -> (Result<bool, Unknown>, Origin) {
        match self.var(name) {
            Some(Sourced {
                value: Setting::Known(v),
                origin,
            }) => (Ok(self.flag_value(&v)), origin),
            Some(Sourced {
                value: Setting::Unknown(why),
                origin,
            }) => (Err(why), origin),
            None => (Ok(true), self.origin.clone()),
        }
    }

    pub fn mode(&self) -> (Result<String, Unknown>, Origin) {
        match self.var(MODE_VAR) {
            Some(Sourced {
                value: Setting::Known(v),
                origin,
            }) => (Ok(v), origin),
            Some(Sourced {
                value: Setting::Unknown(why),
                origin,
            }) => (Err(why), origin),
            None => (Ok("inline".into()), self.origin.clone()),
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
    /// What the platform does with the settings, where the source says it; `None` where the
    /// source does not describe startup at all (then a missing setting may come from a place
    /// hostwiz cannot see, and the startup rules judge only the values they see).
    pub startup: Option<Startup>,
    /// How the files were judged, for the report to say once: a tool that would read them
    /// more exactly was not found or did not run. Plans from answers have none.
    pub note: Option<&'static str>,
}

/// The platform's side of starting the processes (CONTRACTS.md, BOOT-010).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Startup {
    /// Kubernetes: the External Secrets wiring, when `externalSecrets.enabled`.
    pub secret_store: Option<SecretStore>,
    /// Env names a container gets more than once.
    pub duplicate_env: Vec<(Role, Sourced<String>)>,
    /// Processes attached only to networks without egress, with the network's name.
    pub no_egress: Vec<(Role, Sourced<String>)>,
    /// Cloud blueprints: the names the blueprint derives resources from.
    pub names: Option<CloudNames>,
    /// Only the platform's side above is read, not every source of the processes' settings
    /// (a tfvars file read without the blueprint's locals): a missing setting may come from
    /// what was not read, so it is no finding.
    pub partial: bool,
    /// Blueprint defects the host's reader found that stop a process from starting, each
    /// with the patch that mends it.
    pub patches: Vec<Patch>,
}

/// A defect of the blueprint as read, and its patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub problem: String,
    pub fix: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretStore {
    /// `secretStoreRef.name`; `None` when empty.
    pub name: Option<String>,
    /// The ExternalSecret `apiVersion`, where known.
    pub api_version: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudNames {
    /// Each where known: the blueprint gives `project_name` no default.
    pub project_name: Option<Sourced<String>>,
    pub environment: Option<Sourced<String>>,
    pub bucket: Option<Sourced<String>>,
    /// The most characters `project_name` + `environment` may have, lowercase.
    pub max: usize,
    /// The resource name that sets the limit.
    pub limited_by: &'static str,
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
            // A route for exactly this path (a probe of an order-sensitive file) wins over
            // `/api/`, which covers `/api` too.
            .max_by_key(|r| (r.prefix == path, r.prefix.len()))
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
        // Whether billing is on at all is the operator's answer (`runtime::billing_config`).
        (Role::Worker, _) => vec![
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
    /// The web app's replicas, where the host scales it (`scale.web_replicas`).
    pub web: Replicas,
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
                        Sourced::new(Setting::from(v), Origin::Answer("billing.worker")),
                    )
                })
                .collect()
        };
        let mut processes = vec![
            Process {
                role: Role::Web,
                replicas: Sourced::new(shape.web, Origin::Answer("scale.web_replicas")).into(),
                env: BTreeMap::new(),
                unread_env: Vec::new(),
                origin: from_web(),
                secrets: BTreeMap::new(),
            },
            Process {
                role: Role::Api,
                replicas: Sourced::new(shape.api, Origin::Answer("scale.api_replicas")).into(),
                env: if shape.api_env {
                    env(Role::Api)
                } else {
                    BTreeMap::new()
                },
                unread_env: Vec::new(),
                origin: Origin::Answer("billing.worker"),
                secrets: BTreeMap::new(),
            },
        ];
        if a.worker == WorkerMode::Dedicated {
            processes.push(Process {
                role: Role::Worker,
                replicas: Sourced::new(shape.worker, Origin::Answer("scale.worker_replicas"))
                    .into(),
                env: env(Role::Worker),
                unread_env: Vec::new(),
                origin: Origin::Answer("billing.worker"),
                secrets: BTreeMap::new(),
            });
        }
        Plan {
            note: None,
            host: a.host,
            web_hosts: vec![Sourced::new(web, from_web())],
            api_host,
            routes,
            tls: Tls::Automatic(Origin::Answer("host")),
            processes,
            api_addresses: Vec::new(),
            urls: None,
            services: None,
            startup: None,
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
