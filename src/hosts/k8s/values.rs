//! Helm values files → [`Plan`]: the starter chart (`ops/charts/starter`) as it would run with
//! these values, layered like `helm -f a.yaml -f b.yaml` over the chart's documented defaults
//! (CONTRACTS.md, "Kubernetes — Helm chart").
//!
//! Values are read the way Helm reads them, because that is what the cluster ends up running:
//! scalars are YAML 1.1 and printed by `toString` ([`Node::go_string`]: `yes` → `true`,
//! `1000000` → `1e+06`), switches follow Go template truthiness ([`Node::go_truthy`]: a quoted
//! `"false"` is a non-empty string, hence on), and a `null` deletes the chart's default. A
//! number that a `null` deleted leaves the template nothing sensible to render; hostwiz then
//! reads the documented default.

use crate::answers::Host;
use crate::ingest::yaml::{self, GoScalar, Node, Value};
use crate::ingest::{Input, ParseError};
use crate::plan::{
    Origin, Plan, Process, ReplicaRange, Replicas, Role, Route, Setting, Sourced, Target, Tls,
};
use crate::plan::{SecretStore, Startup, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};
use std::collections::BTreeMap;

/// How findings name a setting that no values file gave.
const DEFAULTS: &str = "chart values.yaml";

/// The chart defaults hostwiz reads (the rest of values.yaml does not change the plan).
const CHART_VALUES: &str = "
nameOverride: ''
fullnameOverride: ''
api: {replicaCount: 1, env: {}}
web: {replicaCount: 1, env: {}}
worker: {enabled: false, replicaCount: 1, env: {}}
ingress: {enabled: false, hosts: [], tls: [], apiHosts: [], apiTls: []}
ingressPaths: {api: /api, web: /, apiHost: /}
autoscaling:
  enabled: false
  api: {enabled: true, minReplicas: 2, maxReplicas: 10}
  web: {enabled: true, minReplicas: 2, maxReplicas: 10}
externalSecrets: {enabled: true, secretStoreRef: {name: ''}}
";

/// The plan of the starter chart deployed with these values files, layered in order like
/// `helm -f a -f b` (later wins, maps merge deeply, lists and scalars replace) on top of the
/// chart's documented defaults. An empty file adds nothing; of a multi-document file only the
/// first document counts, as with Helm.
pub fn values_plan(files: &[Input]) -> Result<Plan, ParseError> {
    let chart_docs = yaml::load_all(CHART_VALUES).expect("the embedded chart defaults parse");
    let mut docs = Vec::with_capacity(files.len());
    for file in files {
        let doc = yaml::load_all(&file.text)
            .map_err(|e| file.error(e.line, e.column, e.message))?
            .into_iter()
            .next();
        if let Some(d) = doc.as_ref().filter(|d| !d.is_map()) {
            return Err(wrong(
                Src::File(file),
                d,
                "a map",
                "the top level of a values file",
            ));
        }
        docs.push(doc);
    }
    // Helm merges the -f files first, then coalesces the chart's defaults under the result.
    let mut values = None;
    for (file, doc) in files.iter().zip(&docs) {
        if let Some(doc) = doc {
            let v = Val::new(doc, None, Src::File(file));
            values = Some(match values {
                Some(earlier) => layer(earlier, v, false),
                None => v,
            });
        }
    }
    let chart = Val::new(&chart_docs[0], None, Src::Chart);
    plan(&match values {
        Some(user) => layer(chart, user, true),
        None => chart,
    })
}

fn plan(v: &Val) -> Result<Plan, ParseError> {
    // Read (and so checked) even when disabled: a malformed list is a mistake either way.
    let mut web_hosts = hosts(v, "hosts")?;
    if !flag(v, &["ingress", "enabled"])? {
        web_hosts.clear();
    }
    let api_hosts = hosts(v, "apiHosts")?;
    let path = |key, default: &str| -> Result<String, ParseError> {
        let at = v.at(&["ingressPaths", key])?;
        Ok(at.map_or(default.to_string(), |p| p.node.go_string()))
    };
    let web_paths = [path("api", "/api")?, path("web", "/")?];
    let api_paths = [path("apiHost", "/")?];
    let mut routes = Vec::new();
    for (hosts, paths, role) in [
        (&web_hosts, &web_paths[..], Role::Web),
        (&api_hosts, &api_paths[..], Role::Api),
    ] {
        for h in hosts {
            routes.extend(paths.iter().map(|prefix| Route {
                host: h.value.clone(),
                prefix: prefix.clone(),
                target: Target::Service(role),
                origin: h.origin.clone(),
            }));
        }
    }

    // The API Ingress takes `apiTls`, or `ingress.tls` when that is empty (`default`).
    let web_tls = tls_hosts(v, "tls")?;
    let api_tls = match flag(v, &["ingress", "apiTls"])? {
        true => tls_hosts(v, "apiTls")?,
        false => web_tls.clone(),
    };
    let mut covered: Vec<Sourced<String>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (hosts, listed) in [(&web_hosts, &web_tls), (&api_hosts, &api_tls)] {
        let index = TlsIndex::new(listed);
        for h in hosts {
            let lower = h.value.to_ascii_lowercase();
            match index.first_covering(listed, &h.value) {
                Some(t) if !seen.contains(&lower) => {
                    seen.insert(lower);
                    covered.push(Sourced::new(h.value.clone(), t.origin.clone()));
                }
                _ => {}
            }
        }
    }

    let mut processes = vec![scaled(v, Role::Web)?, scaled(v, Role::Api)?];
    if let Some(on) = v.at(&["worker", "enabled"])?.filter(|e| e.node.go_truthy()) {
        let on = on.origin();
        // The chart disables both flags on the API unless api.env sets the key itself.
        for flag in [RETRY_FLAG, REPLAY_FLAG] {
            let false_at = || Sourced::new(Setting::from("false"), on.clone());
            processes[1].env.entry(flag.into()).or_insert_with(false_at);
        }
        // The worker template sets true/true/dedicated, then appends worker.env (which wins).
        let preset = [
            (RETRY_FLAG, "true"),
            (REPLAY_FLAG, "true"),
            (MODE_VAR, "dedicated"),
        ];
        let mut env: BTreeMap<_, _> = preset
            .into_iter()
            .map(|(k, val)| (k.to_string(), Sourced::new(Setting::from(val), on.clone())))
            .collect();
        env.extend(env_map(v, &["worker", "env"])?);
        let (n, origin) = count(v, &["worker", "replicaCount"], 1)?;
        let replicas = Sourced::new(Replicas::fixed(n), origin).into();
        processes.push(Process {
            role: Role::Worker,
            replicas,
            env,
            unread_env: Vec::new(),
            origin: on,
            secrets: Default::default(),
        });
    }

    let startup = secrets(v, &mut processes)?;
    Ok(Plan {
        note: None,
        host: Host::K8s,
        web_hosts,
        api_host: api_hosts.first().cloned(),
        routes,
        tls: Tls::Hosts(covered),
        processes,
        api_addresses: vec![format!("{}-api", fullname(v)?)],
        urls: None,
        services: None,
        startup,
    })
}

/// What the chart mounts by `secretKeyRef` (STARTER-FACTS A.2): with `externalSecrets.enabled`
/// each component's `externalSecrets.<c>.data` (env name → remote key), else its `<c>.secrets`
/// (env name → the values file that holds the value). The startup is read only where a values
/// file speaks of secrets at all; where External Secrets is off and no file read fills
/// `*.secrets`, the values come from a file hostwiz did not read (the operator's secrets file),
/// so the startup stays unknown (`None`) and only visible values are judged.
fn secrets(v: &Val, processes: &mut [Process]) -> Result<Option<Startup>, ParseError> {
    let from_file = |path: &[&str]| -> Result<bool, ParseError> {
        Ok(v.at(path)?.is_some_and(|x| matches!(x.src, Src::File(_))))
    };
    let eso = flag(v, &["externalSecrets", "enabled"])?;
    let mut described = from_file(&["externalSecrets"])?;
    let mut startup = Startup::default();
    if eso {
        let store = v.at(&["externalSecrets", "secretStoreRef", "name"])?;
        let name = store.map(|n| n.node.go_string()).filter(|n| !n.is_empty());
        let origin = match store.or(v.at(&["externalSecrets", "enabled"])?) {
            Some(at) => at.origin(),
            None => Origin::Default(DEFAULTS),
        };
        startup.secret_store = Some(SecretStore {
            name,
            api_version: None,
            origin,
        });
    }
    for p in processes.iter_mut() {
        let r = p.role.as_str();
        let path: &[&str] = if eso {
            &["externalSecrets", r, "data"]
        } else {
            &[r, "secrets"]
        };
        described |= from_file(&[r, "secrets"])?;
        let Some(m) = v.at(path)?.filter(|m| m.node.is_map()) else {
            continue;
        };
        for (k, e) in &m.entries {
            let reference = match (eso, e.src) {
                (true, _) => e.node.go_string(),
                (false, Src::File(f)) => f.path.rsplit('/').next().unwrap_or(&f.path).into(),
                (false, Src::Chart) => DEFAULTS.into(),
            };
            p.secrets
                .insert(k.clone(), Sourced::new(reference, e.key_origin()));
        }
    }
    let seen = eso || processes.iter().any(|p| !p.secrets.is_empty());
    if !(described && seen) {
        return Ok(None);
    }
    // A key both in `env` and mounted from the Secret, or `PORT` (every template sets it,
    // the worker's to 8000), is two entries of one name; so is a billing flag in
    // `worker.env`, which the worker template sets itself (BOOT-010).
    for p in processes.iter() {
        let r = p.role.as_str();
        for (k, e) in v.at(&[r, "env"])?.map_or(&BTreeMap::new(), |m| &m.entries) {
            if p.secrets.contains_key(k) || k == "PORT" {
                let name = Sourced::new(k.clone(), e.key_origin());
                startup.duplicate_env.push((p.role, name));
            }
        }
    }
    if let Some(w) = processes.iter().find(|p| p.role == Role::Worker) {
        if let Some(m) = v.at(&["worker", "env"])? {
            for (k, e) in &m.entries {
                if [RETRY_FLAG, REPLAY_FLAG, MODE_VAR].contains(&k.as_str()) {
                    let name = Sourced::new(k.clone(), e.key_origin());
                    startup.duplicate_env.push((w.role, name));
                }
            }
        }
    }
    Ok(Some(startup))
}

/// The api or web Deployment: `replicaCount`, or the HPA's range when autoscaling is on for it.
fn scaled(v: &Val, role: Role) -> Result<Process, ParseError> {
    let r = role.as_str();
    let hpa = flag(v, &["autoscaling", "enabled"])? && flag(v, &["autoscaling", r, "enabled"])?;
    let replicas = if hpa {
        let (min, min_at) = count(v, &["autoscaling", r, "minReplicas"], 2)?;
        let (max, max_at) = count(v, &["autoscaling", r, "maxReplicas"], 10)?;
        ReplicaRange::new(Replicas { min, max }, min_at, max_at)
    } else {
        let (n, origin) = count(v, &[r, "replicaCount"], 1)?;
        Sourced::new(Replicas::fixed(n), origin).into()
    };
    let origin = v
        .at(&[r])?
        .map_or(Origin::Default(DEFAULTS), Val::key_origin);
    let env = env_map(v, &[r, "env"])?;
    Ok(Process {
        role,
        replicas,
        env,
        unread_env: Vec::new(),
        origin,
        secrets: Default::default(),
    })
}

/// `ingress.hosts` / `ingress.apiHosts`: each entry's `host`. An entry without one renders a
/// rule for every host, kept as `*`.
fn hosts(v: &Val, key: &str) -> Result<Vec<Sourced<String>>, ParseError> {
    let (items, src) = list(v, &["ingress", key])?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if !item.is_map() {
            return Err(wrong(src, item, "a map", &format!("ingress.{key}[{i}]")));
        }
        let host = item.get("host").filter(|h| !h.is_null());
        let name = host.map_or("*".into(), Node::go_string);
        out.push(Sourced::new(name, src.origin(host.unwrap_or(item))));
    }
    Ok(out)
}

/// Every host a `tls` / `apiTls` list names, with its own line.
fn tls_hosts(v: &Val, key: &str) -> Result<Vec<Sourced<String>>, ParseError> {
    let (items, src) = list(v, &["ingress", key])?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("ingress.{key}[{i}]");
        if !item.is_map() {
            return Err(wrong(src, item, "a map", &at));
        }
        match item.get("hosts") {
            Some(Node {
                value: Value::Seq(names),
                ..
            }) => {
                out.extend(
                    names
                        .iter()
                        .map(|h| Sourced::new(h.go_string(), src.origin(h))),
                );
            }
            Some(h) if h.go_truthy() => {
                return Err(wrong(src, h, "a list", &format!("{at}.hosts")))
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Whether a TLS entry for `pattern` covers `host`; `*.example.com` covers one label.
/// TLS hosts by name, so finding the entry that covers a host is a lookup, not a scan: the
/// position of the first exact entry and of the first `*.domain` entry for each name.
struct TlsIndex {
    exact: std::collections::HashMap<String, usize>,
    wildcard: std::collections::HashMap<String, usize>,
}

impl TlsIndex {
    fn new(listed: &[Sourced<String>]) -> Self {
        let mut index = TlsIndex {
            exact: Default::default(),
            wildcard: Default::default(),
        };
        for (i, t) in listed.iter().enumerate() {
            let lower = t.value.to_ascii_lowercase();
            if let Some(domain) = lower.strip_prefix("*.") {
                index.wildcard.entry(domain.to_string()).or_insert(i);
            }
            index.exact.entry(lower).or_insert(i);
        }
        index
    }

    /// The first entry of `listed` that [`tls_covers`] `host`.
    fn first_covering<'a>(
        &self,
        listed: &'a [Sourced<String>],
        host: &str,
    ) -> Option<&'a Sourced<String>> {
        let lower = host.to_ascii_lowercase();
        let exact = self.exact.get(&lower).copied();
        let wildcard = lower
            .split_once('.')
            .and_then(|(_, rest)| self.wildcard.get(rest).copied());
        let first = match (exact, wildcard) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        first.map(|i| &listed[i])
    }
}

pub(super) fn tls_covers(pattern: &str, host: &str) -> bool {
    let under = |domain: &str| {
        host.split_once('.')
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(domain))
    };
    pattern.eq_ignore_ascii_case(host) || pattern.strip_prefix("*.").is_some_and(under)
}

/// `<fullname>`: fullnameOverride, else nameOverride, else `starter`; cut to 63 like the chart.
fn fullname(v: &Val) -> Result<String, ParseError> {
    let mut name = "starter".to_string();
    for key in ["nameOverride", "fullnameOverride"] {
        if let Some(n) = v.at(&[key])?.filter(|n| n.node.go_truthy()) {
            name = n.node.go_string();
        }
    }
    let mut name: String = name.chars().take(63).collect();
    if name.ends_with('-') {
        name.pop();
    }
    Ok(name)
}

fn flag(v: &Val, path: &[&str]) -> Result<bool, ParseError> {
    Ok(v.at(path)?.is_some_and(|x| x.node.go_truthy()))
}

/// A whole number as the template renders it (a quoted `"3"` renders as a bare 3 too).
fn count(v: &Val, path: &[&str], default: u32) -> Result<(u32, Origin), ParseError> {
    let Some(x) = v.at(path)? else {
        return Ok((default, Origin::Default(DEFAULTS)));
    };
    let n = match x.node.go_scalar() {
        Some(GoScalar::Num(f)) if f.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&f) => {
            Some(f as u32)
        }
        Some(GoScalar::Str(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let found = format!("{:?}", x.node.go_string());
    let message = format!(
        "expected a whole number at {}, found {found}",
        path.join(".")
    );
    n.map(|n| (n, x.origin()))
        .ok_or_else(|| x.src.error(x.node, message))
}

/// An env map (`api.env`, `worker.env`) as the template renders it: `name: value | toString`.
fn env_map(v: &Val, path: &[&str]) -> Result<BTreeMap<String, Sourced<Setting>>, ParseError> {
    match v.at(path)? {
        Some(m) if m.node.is_map() => {
            let value = |e: &Val| Sourced::new(Setting::from(e.node.go_string()), e.origin());
            Ok(m.entries
                .iter()
                .map(|(k, e)| (k.clone(), value(e)))
                .collect())
        }
        Some(m) if m.node.go_truthy() => Err(wrong(m.src, m.node, "a map", &path.join("."))),
        _ => Ok(BTreeMap::new()), // `| default dict`
    }
}

/// A list the template ranges over; an empty scalar counts as empty, as `with` skips it.
fn list<'a>(v: &Val<'a>, path: &[&str]) -> Result<(&'a [Node], Src<'a>), ParseError> {
    match v.at(path)? {
        Some(Val {
            node: Node {
                value: Value::Seq(items),
                ..
            },
            src,
            ..
        }) => Ok((items, *src)),
        Some(l) if l.node.go_truthy() => Err(wrong(l.src, l.node, "a list", &path.join("."))),
        _ => Ok((&[], Src::Chart)),
    }
}

fn wrong(src: Src, node: &Node, expected: &str, at: &str) -> ParseError {
    src.error(
        node,
        format!("expected {expected} at {at}, found {}", kind(node)),
    )
}

pub(super) fn kind(node: &Node) -> &'static str {
    match node.value {
        Value::Scalar { .. } => "a scalar",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a map",
    }
}

/// Which layer a value came from: a values file, or the chart's own defaults.
#[derive(Clone, Copy)]
enum Src<'a> {
    File(&'a Input),
    Chart,
}

impl Src<'_> {
    fn origin(self, n: &Node) -> Origin {
        match self {
            Src::File(f) => f.origin(n.line, n.column),
            Src::Chart => Origin::Default(DEFAULTS),
        }
    }

    fn error(self, n: &Node, message: String) -> ParseError {
        match self {
            Src::File(f) => f.error(n.line, n.column, message),
            Src::Chart => Input::new(DEFAULTS, "").error(n.line, n.column, message),
        }
    }
}

/// A value after layering: its node, the key that introduced it, the layer it came from and,
/// for a map, its entries merged across layers (keys as Helm reads them: `N:` is `false`).
#[derive(Clone)]
struct Val<'a> {
    node: &'a Node,
    key: Option<&'a Node>,
    src: Src<'a>,
    entries: BTreeMap<String, Val<'a>>,
}

impl<'a> Val<'a> {
    fn new(node: &'a Node, key: Option<&'a Node>, src: Src<'a>) -> Self {
        // A repeated key: the last one wins, as in yaml::Node::get.
        let entry = |(k, v): &'a (Node, Node)| (k.go_string(), Val::new(v, Some(k), src));
        let entries = node.entries().iter().map(entry).collect();
        Val {
            node,
            key,
            src,
            entries,
        }
    }

    fn origin(&self) -> Origin {
        self.src.origin(self.node)
    }

    fn key_origin(&self) -> Origin {
        self.src.origin(self.key.unwrap_or(self.node))
    }

    /// The value at `path`, `None` when absent or null. A non-map on the way is an error: the
    /// chart's templates would fail on it too.
    fn at(&self, path: &[&str]) -> Result<Option<&Val<'a>>, ParseError> {
        let mut cur = self;
        for (i, key) in path.iter().enumerate() {
            if !cur.node.is_map() {
                return Err(wrong(cur.src, cur.node, "a map", &path[..i].join(".")));
            }
            match cur.entries.get(*key) {
                Some(next) if !next.node.is_null() => cur = next,
                _ => return Ok(None),
            }
        }
        Ok(Some(cur))
    }
}

/// `over` on top of `base`: two maps merge key by key, anything else replaces. With `coalesce`
/// (the user's values over the chart's), a user `null` deletes the chart's default.
fn layer<'a>(base: Val<'a>, over: Val<'a>, coalesce: bool) -> Val<'a> {
    if !(base.node.is_map() && over.node.is_map()) {
        return over;
    }
    let mut entries = base.entries;
    for (k, v) in over.entries {
        let merged = match entries.remove(&k) {
            Some(_) if coalesce && v.node.is_null() => continue,
            Some(b) => layer(b, v, coalesce),
            None => v,
        };
        entries.insert(k, merged);
    }
    Val { entries, ..over }
}
