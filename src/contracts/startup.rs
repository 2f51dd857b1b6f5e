//! Startup: every process has what it needs to start and serve (CONTRACTS.md § Startup rules,
//! STARTER-FACTS.md). A setting given by reference is judged present; a visible value is
//! judged as the app will read it. A missing setting is a finding only where the plan knows
//! every source (`Plan::startup`): elsewhere it may come from a place hostwiz cannot see.

use super::rules::{BOOT_001, BOOT_002, BOOT_003, BOOT_004, BOOT_005, BOOT_006, BOOT_007};
use super::rules::{BOOT_008, BOOT_009, BOOT_010};
use super::{Capability, Finding, Severity};
use crate::plan::{Origin, Plan, Process, Role, Setting, Sourced, Unknown};
use std::collections::{HashMap, HashSet};

/// The providers a hardened start accepts, with the settings each needs (STARTER-FACTS B.4).
const PROVIDERS: [(&str, &[&str]); 6] = [
    ("gcp_sm", &["GCP_SM_SIGNING_SECRET_NAME"]),
    ("aws_sm", &["AWS_REGION", "AWS_SM_SIGNING_SECRET_ARN"]),
    (
        "azure_kv",
        &["AZURE_KEY_VAULT_URL", "AZURE_KV_SIGNING_SECRET_NAME"],
    ),
    (
        "vault_hcp",
        &["VAULT_ADDR", "VAULT_TOKEN", "VAULT_TRANSIT_KEY"],
    ),
    (
        "infisical_cloud",
        &[
            "INFISICAL_BASE_URL",
            "INFISICAL_SERVICE_TOKEN",
            "INFISICAL_PROJECT_ID",
            "INFISICAL_ENVIRONMENT",
        ],
    ),
    (
        "infisical_self_host",
        &[
            "INFISICAL_BASE_URL",
            "INFISICAL_SERVICE_TOKEN",
            "INFISICAL_PROJECT_ID",
            "INFISICAL_ENVIRONMENT",
        ],
    ),
];

const APP_SECRETS: [&str; 4] = [
    "OPENAI_API_KEY",
    "SECRET_KEY",
    "AUTH_PASSWORD_PEPPER",
    "AUTH_REFRESH_TOKEN_PEPPER",
];

/// Values the app rejects for its secrets (`security.py`) or that are the starter's examples.
const PLACEHOLDERS: [&str; 4] = [
    "change-me",
    "change-me-too",
    "change-me-again",
    "replace-with-long-random-secret",
];

/// Settings parsed as JSON (STARTER-FACTS blocker 15).
const JSON_SETTINGS: [&str; 5] = [
    "STRIPE_PRODUCT_PRICE_MAP",
    "STORAGE_ALLOWED_MIME_TYPES",
    "CONTACT_EMAIL_TO",
    "SLACK_STATUS_DEFAULT_CHANNELS",
    "SLACK_STATUS_TENANT_CHANNEL_MAP",
];

/// Settings whose value equals the app's default need not be repeated on the worker.
const APP_DEFAULTS: [(&str, &str); 4] = [
    ("ENABLE_BILLING", "false"),
    ("AUTO_RUN_MIGRATIONS", "false"),
    ("DEBUG", "false"),
    ("LOGGING_SINKS", "stdout"),
];

/// A setting as a process gets it.
enum Got {
    /// A value hostwiz can read.
    Value(Sourced<String>),
    /// Set somewhere hostwiz could not read (an `envFrom` Secret, a missing env file).
    Unknown(Sourced<Unknown>),
    Reference,
    Missing,
}

fn got(p: &Process, name: &str) -> Got {
    if p.secrets.contains_key(name) {
        return Got::Reference;
    }
    match p.var(name) {
        Some(Sourced {
            value: Setting::Known(v),
            origin,
        }) => Got::Value(Sourced::new(v, origin)),
        Some(Sourced {
            value: Setting::Unknown(why),
            origin,
        }) => Got::Unknown(Sourced::new(why, origin)),
        None => Got::Missing,
    }
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes" | "on"
    )
}

/// A value written into a file that is committed (not an env file kept off git), or an answer.
fn committed(origin: &Origin) -> bool {
    match origin {
        Origin::File { path, .. } => {
            let name = path.rsplit('/').next().unwrap_or(path);
            !(name.starts_with(".env") || name.ends_with(".env") || name.ends_with(".env.local"))
        }
        Origin::Answer(_) => true,
        Origin::Default(_) => false,
    }
}

fn who(p: &Process) -> &'static str {
    p.role.as_str()
}

pub fn check(plan: &Plan, out: &mut Vec<Finding>) {
    let known = plan.startup.as_ref().is_some_and(|s| !s.partial);
    let servers: Vec<&Process> = plan
        .processes
        .iter()
        .filter(|p| p.role != Role::Web)
        .collect();
    for p in &servers {
        urls(p, known, out);
        app_secrets(p, known, out);
        provider(p, known, out);
        hardened(p, known, out);
        stripe(p, known, out);
        json(p, out);
    }
    for p in plan.processes(Role::Web) {
        json(p, out);
    }
    allowed_hosts(plan, known, out);
    web(plan, known, out);
    webhook_host(plan, out);
    worker_like_api(plan, out);
    platform(plan, out);
}

fn missing(rule: &'static super::Rule, p: &Process, what: &str) -> Finding {
    Finding::new(
        rule,
        p.origin.clone(),
        format!("the {} gets no {what}", who(p)),
    )
}

fn urls(p: &Process, known: bool, out: &mut Vec<Finding>) {
    for name in ["DATABASE_URL", "REDIS_URL"] {
        match got(p, name) {
            Got::Reference => {}
            Got::Missing if known => out.push(missing(&BOOT_001, p, name)),
            Got::Unknown(u) if known => out.push(Finding::undecided(
                &BOOT_001,
                u.origin,
                format!("whether the {} gets {name}", who(p)),
                &u.value,
            )),
            Got::Missing | Got::Unknown(_) => {}
            Got::Value(v) if committed(&v.origin) => out.push(Finding::new(
                &BOOT_001,
                v.origin.clone(),
                format!("{name} of the {} is a literal in a committed file", who(p)),
            )),
            Got::Value(_) => {}
        }
    }
    for (name, v) in &p.env {
        let Some(text) = v.value.known() else {
            continue;
        };
        if p.secrets.contains_key(name) {
            continue;
        }
        let problem = if name == "DATABASE_URL" {
            (!text.starts_with("postgresql+asyncpg://")).then_some(
                "does not use postgresql+asyncpg:// (asyncpg is the only driver in the image)",
            )
        } else if name == "REDIS_URL" || name.ends_with("_REDIS_URL") {
            redis_problem(text)
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(Finding::new(
                &BOOT_001,
                v.origin.clone(),
                format!("{name} of the {} {problem}", who(p)),
            ));
        }
    }
}

/// What a hardened API refuses in a Redis URL (STARTER-FACTS blocker 4).
fn redis_problem(url: &str) -> Option<&'static str> {
    let rest = url.strip_prefix("rediss://");
    let (auth, host) = match rest.or_else(|| url.strip_prefix("redis://")) {
        Some(r) => {
            let authority = r.split('/').next().unwrap_or("");
            match authority.rsplit_once('@') {
                Some((auth, host)) => (auth, host),
                None => ("", authority),
            }
        }
        None => return Some("is not a redis URL"),
    };
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if matches!(host, "localhost" | "127.0.0.1") {
        return None;
    }
    if rest.is_none() {
        return Some("is plain redis://: a hardened API needs rediss:// (TLS)");
    }
    let password = auth.split_once(':').map_or(auth, |(_, p)| p);
    password
        .is_empty()
        .then_some("has no password: a hardened API refuses it")
}

fn app_secrets(p: &Process, known: bool, out: &mut Vec<Finding>) {
    for name in APP_SECRETS {
        match got(p, name) {
            Got::Reference => {}
            Got::Missing if known => out.push(missing(&BOOT_002, p, name)),
            Got::Unknown(u) if known => out.push(Finding::undecided(
                &BOOT_002,
                u.origin,
                format!("whether the {} gets {name}", who(p)),
                &u.value,
            )),
            Got::Missing | Got::Unknown(_) => {}
            Got::Value(v) => {
                let value = v.value.trim();
                if value.is_empty() || PLACEHOLDERS.contains(&value) || value.contains("change-me")
                {
                    out.push(Finding::new(
                        &BOOT_002,
                        v.origin.clone(),
                        format!("{name} of the {} is empty or a placeholder", who(p)),
                    ));
                }
            }
        }
    }
}

fn value(p: &Process, name: &str) -> Option<Sourced<String>> {
    match got(p, name) {
        Got::Value(v) => Some(v),
        _ => None,
    }
}

fn provider(p: &Process, known: bool, out: &mut Vec<Finding>) {
    let needs: &[&str] = match got(p, "SECRETS_PROVIDER") {
        Got::Reference => &[],
        Got::Missing if known => {
            out.push(
                missing(&BOOT_003, p, "SECRETS_PROVIDER")
                    .fix("set SECRETS_PROVIDER (the default vault_dev fails a hardened start)"),
            );
            &[]
        }
        Got::Missing | Got::Unknown(_) => &[],
        Got::Value(v) => match PROVIDERS.iter().find(|(n, _)| *n == v.value.trim()) {
            Some((_, needs)) => needs,
            None => {
                out.push(Finding::new(
                    &BOOT_003,
                    v.origin.clone(),
                    format!(
                        "SECRETS_PROVIDER={} on the {} is not a production provider",
                        v.value,
                        who(p)
                    ),
                ));
                &[]
            }
        },
    };
    let judged = known || value(p, "SECRETS_PROVIDER").is_some();
    if !judged {
        return;
    }
    let absent: Vec<&str> = needs
        .iter()
        .chain(&["AUTH_KEY_STORAGE_PROVIDER", "AUTH_KEY_SECRET_NAME"])
        .copied()
        .filter(|n| matches!(got(p, n), Got::Missing))
        .collect();
    if !absent.is_empty() {
        out.push(missing(&BOOT_003, p, &absent.join(", ")));
    }
    gcp_project(p, out);
    match value(p, "AUTH_KEY_STORAGE_BACKEND") {
        Some(v) if v.value.trim() != "secret-manager" => out.push(Finding::new(
            &BOOT_003,
            v.origin.clone(),
            format!(
                "AUTH_KEY_STORAGE_BACKEND={} on the {}: a hardened API needs secret-manager",
                v.value,
                who(p)
            ),
        )),
        None if matches!(got(p, "AUTH_KEY_STORAGE_BACKEND"), Got::Missing) => out.push(missing(
            &BOOT_003,
            p,
            "AUTH_KEY_STORAGE_BACKEND=secret-manager",
        )),
        _ => {}
    }
    if let Some(v) = value(p, "SECRETS_PROVIDER").filter(|v| v.value.starts_with("vault")) {
        if !value(p, "VAULT_VERIFY_ENABLED").is_some_and(|v| truthy(&v.value)) {
            out.push(Finding::new(
                &BOOT_003,
                v.origin.clone(),
                format!(
                    "the {} uses Vault without VAULT_VERIFY_ENABLED=true",
                    who(p)
                ),
            ));
        }
    }
}

/// Secret Manager on GCP finds a short secret name in `GCP_SM_PROJECT_ID` (or
/// `GCP_PROJECT_ID`); only names written `projects/<project>/secrets/<name>` need neither
/// (STARTER-FACTS B.4). Without it the API starts, then fails at the first token it signs.
fn gcp_project(p: &Process, out: &mut Vec<Finding>) {
    let Some(provider) = value(p, "SECRETS_PROVIDER").filter(|v| v.value.trim() == "gcp_sm") else {
        return;
    };
    let project = ["GCP_SM_PROJECT_ID", "GCP_PROJECT_ID"]
        .iter()
        .any(|n| !matches!(got(p, n), Got::Missing));
    let full = |n: &str| match got(p, n) {
        Got::Value(v) => v.value.trim().starts_with("projects/"),
        Got::Missing => true,
        Got::Reference | Got::Unknown(_) => false,
    };
    let full_names = full("AUTH_KEY_SECRET_NAME") && full("GCP_SM_SIGNING_SECRET_NAME");
    if !(project || full_names) {
        out.push(
            Finding::new(
                &BOOT_003,
                provider.origin.clone(),
                format!(
                    "the {} uses gcp_sm without GCP_SM_PROJECT_ID: its short secret names resolve in no project",
                    who(p)
                ),
            )
            .fix("set GCP_SM_PROJECT_ID (secrets.location), or name the secrets projects/<project>/secrets/<name>"),
        );
    }
}

fn hardened(p: &Process, known: bool, out: &mut Vec<Finding>) {
    match value(p, "ENVIRONMENT") {
        Some(v)
            if matches!(
                v.value.trim().to_ascii_lowercase().as_str(),
                "development" | "dev" | "demo" | "test"
            ) =>
        {
            out.push(Finding::new(
                &BOOT_004,
                v.origin.clone(),
                format!(
                    "ENVIRONMENT={} on the {} turns the production guards off",
                    v.value,
                    who(p)
                ),
            ))
        }
        None if known && matches!(got(p, "ENVIRONMENT"), Got::Missing) => out.push(missing(
            &BOOT_004,
            p,
            "ENVIRONMENT (the default is development)",
        )),
        _ => {}
    }
    for name in ["DEBUG", "USE_TEST_FIXTURES", "AUTO_RUN_MIGRATIONS"] {
        if let Some(v) = value(p, name).filter(|v| truthy(&v.value)) {
            out.push(Finding::new(
                &BOOT_004,
                v.origin.clone(),
                format!("{name}=true on the {}", who(p)),
            ));
        }
    }
}

fn billing_on(p: &Process) -> Option<Sourced<String>> {
    value(p, "ENABLE_BILLING").filter(|v| truthy(&v.value))
}

fn stripe(p: &Process, known: bool, out: &mut Vec<Finding>) {
    let Some(on) = billing_on(p) else { return };
    for name in ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] {
        match got(p, name) {
            Got::Missing if known => out.push(missing(&BOOT_007, p, name)),
            Got::Value(v) if committed(&v.origin) => out.push(Finding::new(
                &BOOT_007,
                v.origin.clone(),
                format!("{name} of the {} is a literal in a committed file", who(p)),
            )),
            _ => {}
        }
    }
    if known && matches!(got(p, "STRIPE_PRODUCT_PRICE_MAP"), Got::Missing) {
        out.push(Finding::new(
            &BOOT_007,
            on.origin.clone(),
            format!(
                "billing is on but the {} gets no STRIPE_PRODUCT_PRICE_MAP",
                who(p)
            ),
        ));
    }
}

fn webhook_host(plan: &Plan, out: &mut Vec<Finding>) {
    let Some(on) = plan.processes.iter().find_map(billing_on) else {
        return;
    };
    let routed = plan
        .routes
        .iter()
        .any(|r| r.target == crate::plan::Target::Service(Role::Api));
    if !routed {
        out.push(Finding::new(
            &BOOT_007,
            on.origin.clone(),
            "billing is on but no API host routes to the API: Stripe cannot reach POST /webhooks/stripe",
        ));
    }
}

fn json(p: &Process, out: &mut Vec<Finding>) {
    for name in JSON_SETTINGS {
        if let Some(v) = value(p, name) {
            let ok = matches!(
                serde_json::from_str::<serde_json::Value>(&v.value),
                Ok(serde_json::Value::Object(_) | serde_json::Value::Array(_))
            );
            if !ok {
                out.push(Finding::new(
                    &BOOT_009,
                    v.origin.clone(),
                    format!(
                        "{name} on the {} is not JSON: the API stops at import",
                        who(p)
                    ),
                ));
            }
        }
    }
}

/// The host of a URL, without scheme, credentials, port or path.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

/// The hosts every API must admit, indexed so that one `ALLOWED_HOSTS` list is judged by its
/// own entries, not by every host: a stream of n releases has n web hosts and n APIs, and
/// pairing each API with each host was quadratic.
struct Needed {
    /// Each host once, in the order the finding names them.
    hosts: Vec<String>,
    /// Lowercased host → its places in `hosts` (hosts compare without ASCII case).
    exact: HashMap<String, Vec<usize>>,
    /// Lowercased `d` → the places of the hosts `*.d` admits (those ending in `.d`, with a
    /// label before it).
    under: HashMap<String, Vec<usize>>,
}

impl Needed {
    fn new(hosts: Vec<String>) -> Self {
        let mut seen = HashSet::new();
        let hosts: Vec<String> = hosts
            .into_iter()
            .filter(|h| seen.insert(h.clone()))
            .collect();
        let (mut exact, mut under) = (HashMap::new(), HashMap::new());
        for (i, h) in hosts.iter().enumerate() {
            let lower = h.to_ascii_lowercase();
            for (dot, _) in lower.match_indices('.').filter(|(at, _)| *at > 0) {
                under
                    .entry(lower[dot + 1..].to_string())
                    .or_insert_with(Vec::new)
                    .push(i);
            }
            exact.entry(lower).or_insert_with(Vec::new).push(i);
        }
        Self {
            hosts,
            exact,
            under,
        }
    }

    /// The hosts `list` does not admit, in order: the first `shown` of them and how many in all.
    fn lacking(&self, list: &[&str], shown: usize) -> (Vec<&str>, usize) {
        if list.contains(&"*") {
            return (Vec::new(), 0);
        }
        let mut admitted = HashSet::new();
        for entry in list {
            let (index, key) = match entry.strip_prefix("*.") {
                Some(d) => (&self.under, d),
                None => (&self.exact, *entry),
            };
            if let Some(places) = index.get(&key.to_ascii_lowercase()) {
                admitted.extend(places.iter().copied());
            }
        }
        let total = self.hosts.len() - admitted.len();
        let first = (0..self.hosts.len())
            .filter(|i| !admitted.contains(i))
            .take(shown)
            .map(|i| self.hosts[i].as_str())
            .collect();
        (first, total)
    }
}

/// How many hosts a BOOT-005 finding names before it says how many more.
const HOSTS_NAMED: usize = 8;

fn allowed_hosts(plan: &Plan, known: bool, out: &mut Vec<Finding>) {
    let ip_probes = plan.host.capabilities().contains(&Capability::IpProbes);
    let mut need: Vec<String> = vec!["127.0.0.1".into()];
    need.extend(
        plan.processes(Role::Web)
            .filter_map(|w| value(w, "API_BASE_URL"))
            .map(|v| url_host(&v.value).to_string()),
    );
    need.extend(plan.api_host.iter().map(|h| h.value.clone()));
    let need = Needed::new(need);
    // APIs of one chart share their list: each different list is judged once.
    let mut judged: HashMap<String, Option<String>> = HashMap::new();
    for p in plan.processes(Role::Api) {
        let (text, origin) = match got(p, "ALLOWED_HOSTS") {
            Got::Value(v) => (v.value, v.origin),
            Got::Missing if known => (
                "localhost,localhost:8000,127.0.0.1,testserver,testclient".to_string(),
                p.origin.clone(),
            ),
            _ => continue,
        };
        let lacks = judged.entry(text).or_insert_with_key(|text| {
            let list: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            let probes = (ip_probes && !list.contains(&"*"))
                .then_some("the probes' pod IP (only * admits it)");
            let (hosts, total) = need.lacking(&list, HOSTS_NAMED);
            let mut named: Vec<&str> = probes.into_iter().chain(hosts).collect();
            let more = total.saturating_sub(HOSTS_NAMED);
            if named.is_empty() {
                return None;
            }
            let more = (more > 0).then(|| format!("and {more} more"));
            named.extend(more.as_deref());
            Some(named.join(", "))
        });
        if let Some(lacks) = lacks {
            out.push(Finding::new(
                &BOOT_005,
                origin,
                format!("ALLOWED_HOSTS on the api does not admit {lacks}"),
            ));
        }
    }
}

fn web(plan: &Plan, known: bool, out: &mut Vec<Finding>) {
    let hostname = plan
        .host
        .capabilities()
        .contains(&Capability::ContainerHostname);
    for p in plan.processes(Role::Web) {
        match got(p, "API_BASE_URL") {
            Got::Missing if known => out.push(missing(
                &BOOT_006,
                p,
                "API_BASE_URL (the default http://localhost:8000 is nothing in its container)",
            )),
            Got::Value(v) if matches!(url_host(&v.value), "localhost" | "127.0.0.1") => {
                out.push(Finding::new(
                    &BOOT_006,
                    v.origin.clone(),
                    format!("API_BASE_URL={} is the web container itself", v.value),
                ))
            }
            _ => {}
        }
        if hostname {
            match got(p, "HOSTNAME") {
                Got::Missing if known => out.push(missing(&BOOT_006, p, "HOSTNAME=0.0.0.0")),
                Got::Value(v) if v.value.trim() != "0.0.0.0" => out.push(Finding::new(
                    &BOOT_006,
                    v.origin.clone(),
                    format!("HOSTNAME={} on the web: Next.js binds only there", v.value),
                )),
                _ => {}
            }
        }
    }
}

/// The settings BOOT-001…007 require of the API, which BOOT-008 requires of the worker too.
/// Others (`LOG_LEVEL`, say) are the operator's to give the worker or not.
fn required_of_api(k: &str) -> bool {
    ["DATABASE_URL", "REDIS_URL"].contains(&k)
        || APP_SECRETS.contains(&k)
        || PROVIDERS.iter().any(|(_, needs)| needs.contains(&k))
        || [
            "SECRETS_PROVIDER",
            "AUTH_KEY_STORAGE_BACKEND",
            "AUTH_KEY_STORAGE_PROVIDER",
            "AUTH_KEY_SECRET_NAME",
            "VAULT_VERIFY_ENABLED",
            "ENVIRONMENT",
            "DEBUG",
            "USE_TEST_FIXTURES",
            "AUTO_RUN_MIGRATIONS",
            "ALLOWED_HOSTS",
            "ENABLE_BILLING",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_PRODUCT_PRICE_MAP",
        ]
        .contains(&k)
}

fn worker_like_api(plan: &Plan, out: &mut Vec<Finding>) {
    let Some(api) = plan.processes(Role::Api).next() else {
        return;
    };
    let skip = |k: &str| !required_of_api(k);
    for w in plan.processes(Role::Worker) {
        let mut lacks: Vec<&str> = Vec::new();
        for (k, v) in &api.env {
            let default = APP_DEFAULTS
                .iter()
                .any(|(n, d)| n == k && v.value.known().map(str::trim) == Some(*d));
            if !skip(k) && !default && matches!(got(w, k), Got::Missing) {
                lacks.push(k);
            }
        }
        for k in api.secrets.keys() {
            if !skip(k) && matches!(got(w, k), Got::Missing) {
                lacks.push(k);
            }
        }
        if !lacks.is_empty() {
            lacks.sort_unstable();
            lacks.dedup();
            out.push(Finding::new(
                &BOOT_008,
                w.origin.clone(),
                format!("the worker lacks what the API gets: {}", lacks.join(", ")),
            ));
        }
    }
}

fn platform(plan: &Plan, out: &mut Vec<Finding>) {
    if plan.host.capabilities().contains(&Capability::ReservedPort) {
        for p in &plan.processes {
            if let Some(v) = p.env.get("PORT") {
                out.push(
                    Finding::new(
                        &BOOT_010,
                        v.origin.clone(),
                        format!("the {} sets PORT, which Cloud Run reserves and refuses", who(p)),
                    )
                    .fix("remove PORT from the env the blueprint's locals.tf builds (api_env cannot remove it)"),
                );
            }
        }
    }
    let Some(s) = &plan.startup else { return };
    if let Some(store) = &s.secret_store {
        if store.name.is_none() {
            out.push(
                Finding::new(
                    &BOOT_010,
                    store.origin.clone(),
                    "externalSecrets is enabled with an empty secretStoreRef.name: no ExternalSecret can sync",
                )
                .fix("set externalSecrets.secretStoreRef.name (or turn externalSecrets off and fill *.secrets)"),
            );
        }
        if store.api_version.as_deref() == Some("external-secrets.io/v1beta1") {
            out.push(
                Finding::new(
                    &BOOT_010,
                    store.origin.clone(),
                    "the chart's ExternalSecrets use external-secrets.io/v1beta1, which External Secrets ≥ 0.17 no longer serves",
                )
                .severity(Severity::Warning)
                .fix("patch templates/externalsecrets.yaml to apiVersion external-secrets.io/v1"),
            );
        }
    }
    for p in &s.patches {
        out.push(Finding::new(&BOOT_010, p.origin.clone(), p.problem.clone()).fix(p.fix.clone()));
    }
    for (role, name) in &s.duplicate_env {
        out.push(Finding::new(
            &BOOT_010,
            name.origin.clone(),
            format!(
                "the {} container gets {} twice: Helm 4's server-side apply refuses it",
                role.as_str(),
                name.value
            ),
        ));
    }
    for (role, net) in &s.no_egress {
        out.push(
            Finding::new(
                &BOOT_010,
                net.origin.clone(),
                format!("the {} is only on network `{}`, which is internal: no egress to OpenAI, Stripe or a managed database", role.as_str(), net.value),
            )
            .fix("attach api and worker to the `edge` network too (an override file), or drop `internal: true`"),
        );
    }
    if let Some(n) = &s.names {
        names(n, out);
    }
}

/// Cloud Run's names (BOOT-010): each judged where the files or answers give it.
fn names(n: &crate::plan::CloudNames, out: &mut Vec<Finding>) {
    if let (Some(project_name), Some(environment)) = (&n.project_name, &n.environment) {
        let len = project_name.value.len() + environment.value.len();
        let lower = |v: &str| v.chars().all(|c| !c.is_ascii_uppercase());
        if len > n.max || !lower(&project_name.value) || !lower(&environment.value) {
            out.push(Finding::new(
                &BOOT_010,
                project_name.origin.clone(),
                format!(
                    "project_name + environment is {len} characters: {} allows {}, lowercase",
                    n.limited_by, n.max
                ),
            ).fix(format!("shorten project_name (e.g. `app`) so that it and the environment are at most {} lowercase characters", n.max)));
        }
    }
    if let Some(bucket) = n.bucket.as_ref().filter(|b| b.value == "assets") {
        out.push(
                Finding::new(
                    &BOOT_010,
                    bucket.origin.clone(),
                    "storage_bucket_name is the default `assets`, a global GCS name surely taken",
                )
                .fix("set storage_bucket_name to a globally unique name such as <project_id>-<environment>-assets"),
            );
    }
}
