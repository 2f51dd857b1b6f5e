//! Rendered Kubernetes manifests → [`Plan`]: what `helm template ... | hostwiz check -` (or
//! `kubectl get -o yaml`) shows is what the cluster runs, whatever chart version produced it.
//!
//! Read: Deployments and StatefulSets (role from the `app.kubernetes.io/component` label of the
//! pod template, else of the object, else the name suffix `-api`/`-web`/`-worker`), their
//! `replicas` (default 1) and container env, HorizontalPodAutoscalers (their range replaces
//! the target's replicas), Services (name → role by selector), `networking.k8s.io/v1` Ingresses
//! (and the older `serviceName` backends) with their TLS, and `List` items. Other kinds are
//! ignored.
//!
//! Conventions, where Kubernetes leaves a choice:
//! - Every path type (`Prefix`, `ImplementationSpecific`, `Exact`) is read as a prefix: an
//!   `Exact` `/api` still sends the browser's `/api` itself past the BFF, so it is judged alike.
//! - An env entry with `valueFrom` is unknown (the value lives in a Secret or ConfigMap), and so
//!   is every variable an `envFrom` source could set that `env` does not.
//! - A later env entry with the same name wins, as the kubelet resolves it.
//! - The env is the container named like the role, else the pod's first container.
//! - A host that routes any path to the web Service is a web host; a host that routes only to
//!   the API Service is an API host (the first one is `api_host`). A rule without `host` is
//!   the host `*`; a path entry without `path` is `/`.
//! - A backend Service that is not in the stream gets its role from its name suffix.
//! - A host is covered by TLS when the Ingress that routes it lists it in `spec.tls`.

use super::values::{kind, tls_covers};
use crate::answers::Host;
use crate::ingest::yaml::{self, Node};
use crate::ingest::yaml_fast;
use crate::ingest::{Input, ParseError};
use crate::plan::{
    Origin, Plan, Process, ReplicaRange, Replicas, Role, Route, Setting, Sourced, Target, Tls,
    Unknown,
};
use crate::plan::{SecretStore, Startup};
use std::collections::{BTreeMap, HashMap, HashSet};

const COMPONENT: &str = "app.kubernetes.io/component";

/// The plan read from rendered manifests (a multi-document stream, e.g.
/// `helm template ... | hostwiz check -`).
pub fn manifests_plan(input: &Input) -> Result<Plan, ParseError> {
    // Documents are read one at a time and dropped once read (of an Ingress only its hosts,
    // paths and TLS hosts are kept, until every Service is known), so a large stream never
    // lives whole in memory. When
    // the stream turns out to be outside the fast reader's YAML subset, saphyr reads it again.
    let mut objects = Objects::default();
    let fast =
        yaml_fast::documents(&input.text).all(|doc| doc.map(|d| objects.add(input, d)).is_some());
    if !fast {
        objects = Objects::default();
        let docs = yaml::load_all_saphyr(&input.text)
            .map_err(|e| input.error(e.line, e.column, e.message))?;
        for doc in docs {
            objects.add(input, doc);
        }
    }
    let Objects {
        mut workloads,
        hpas,
        services,
        ingresses,
        flatten_error,
        object_error,
        external_secrets,
        secret_objects,
        startup_unknown,
        duplicate_env,
        ingress_error,
    } = objects;
    // As if every document were flattened before any object is read, and every object read
    // before any Ingress.
    if let Some(e) = flatten_error.or(object_error).or(ingress_error) {
        return Err(e);
    }

    let startup = startup(
        &mut workloads,
        external_secrets,
        &secret_objects,
        duplicate_env,
        startup_unknown,
    );
    // Each workload takes the range of the last HPA that targets its name.
    let ranges: HashMap<String, ReplicaRange> = hpas.into_iter().collect();
    let mut processes: Vec<Process> = workloads
        .into_iter()
        .map(|(name, mut process)| {
            if let Some(range) = ranges.get(&name) {
                process.replicas = range.clone();
            }
            process
        })
        .collect();
    processes.sort_by_key(|p| p.role); // web, api, worker, as Plan::from orders them

    // The first Service of a name gives its role.
    let mut service_roles: HashMap<&str, Role> = HashMap::new();
    for (name, role) in &services {
        service_roles.entry(name).or_insert(*role);
    }
    let target_of = |name: &str| match service_roles.get(name) {
        Some(&role) => Target::Service(role),
        None => role_suffix(name).map_or_else(|| Target::Other(name.to_string()), Target::Service),
    };
    let mut routes = Vec::new();
    let mut hosts: Vec<Sourced<String>> = Vec::new();
    let mut covered: Vec<Sourced<String>> = Vec::new();
    // Hosts compare without ASCII case: these hold the lowercased names seen so far.
    let (mut host_seen, mut covered_seen) = (HashSet::new(), HashSet::new());
    for ing in ingresses {
        let first = routes.len();
        for rule in ing.rules {
            if host_seen.insert(rule.host.to_ascii_lowercase()) {
                hosts.push(Sourced::new(rule.host.clone(), rule.origin));
            }
            for path in rule.paths {
                routes.push(Route {
                    host: rule.host.clone(),
                    prefix: path.prefix,
                    target: target_of(&path.service),
                    origin: path.origin,
                });
            }
        }
        // TLS counts for the hosts this Ingress routes.
        for (pattern, origin) in &ing.tls {
            for r in &routes[first..] {
                let known = covered_seen.contains(&r.host.to_ascii_lowercase());
                if !known && tls_covers(pattern, &r.host) {
                    covered_seen.insert(r.host.to_ascii_lowercase());
                    covered.push(Sourced::new(r.host.clone(), origin.clone()));
                }
            }
        }
    }

    // Per host (without ASCII case): whether a route goes to the web Service, and whether every
    // route goes to the API Service. A host without routes (a rule without paths) is in neither.
    let (web, api) = (Target::Service(Role::Web), Target::Service(Role::Api));
    let mut by_host: HashMap<String, (bool, bool)> = HashMap::new();
    for r in &routes {
        let (to_web, only_api) = by_host
            .entry(r.host.to_ascii_lowercase())
            .or_insert((false, true));
        *to_web |= r.target == web;
        *only_api &= r.target == api;
    }
    let reach = |host: &str| by_host.get(&host.to_ascii_lowercase()).copied();
    let (web_hosts, rest): (Vec<_>, Vec<_>) = hosts
        .into_iter()
        .partition(|h| reach(&h.value).is_some_and(|(to_web, _)| to_web));
    let api_host = rest
        .into_iter()
        .find(|h| reach(&h.value).is_some_and(|(_, only_api)| only_api));

    Ok(Plan {
        note: None,
        host: Host::K8s,
        web_hosts,
        api_host,
        routes,
        tls: Tls::Hosts(covered),
        processes,
        api_addresses: services
            .into_iter()
            .filter(|s| s.1 == Role::Api)
            .map(|s| s.0)
            .collect(),
        urls: None,
        services: None,
        startup,
    })
}

/// An ExternalSecret: the Secret it writes, each key's remote key, and its store.
struct ExternalSecret {
    target: String,
    data: HashMap<String, String>,
    store: Option<String>,
    api_version: Option<String>,
    origin: Origin,
}

/// The startup the stream shows: secrets as references (an ExternalSecret's remote key where
/// one writes the Secret, else `<secret>/<key>`), the External Secrets store, duplicate env
/// names. `None` where the stream mounts no secret at all or a container uses `envFrom`
/// (whose keys the stream does not show): then the settings may come from elsewhere.
fn startup(
    workloads: &mut [(String, Process)],
    external_secrets: Vec<ExternalSecret>,
    secret_objects: &HashSet<String>,
    duplicate_env: Vec<(Role, Sourced<String>)>,
    unknown: bool,
) -> Option<Startup> {
    // The stream describes startup only when it holds the secrets its references name (a
    // Secret or an ExternalSecret's target): a reference to a Secret made elsewhere means a
    // partial stream, whose missing settings may be set where hostwiz cannot see.
    let in_stream = |name: &str| {
        secret_objects.contains(name) || external_secrets.iter().any(|e| e.target == name)
    };
    let resolved = workloads.iter().all(|(_, p)| {
        p.secrets
            .values()
            .all(|s| in_stream(s.value.split_once('/').map_or(s.value.as_str(), |(n, _)| n)))
    });
    if unknown || !resolved || (secret_objects.is_empty() && external_secrets.is_empty()) {
        return None;
    }
    for (_, p) in workloads.iter_mut() {
        for s in p.secrets.values_mut() {
            let (secret, key) = s.value.split_once('/').unwrap_or((&s.value, ""));
            let remote = external_secrets
                .iter()
                .find(|e| e.target == secret)
                .and_then(|e| e.data.get(key));
            if let Some(remote) = remote {
                s.value = remote.clone();
            }
        }
    }
    let secret_store = external_secrets.into_iter().next().map(|e| SecretStore {
        name: e.store,
        api_version: e.api_version,
        origin: e.origin,
    });
    Some(Startup {
        secret_store,
        duplicate_env,
        ..Startup::default()
    })
}

/// What the documents give, read in stream order; the first errors are kept for the end.
#[derive(Default)]
struct Objects {
    workloads: Vec<(String, Process)>,
    hpas: Vec<(String, ReplicaRange)>,
    services: Vec<(String, Role)>,
    /// Each Ingress as read (its Services resolved once every Service is known).
    ingresses: Vec<IngressRead>,
    /// The first document that is not an object (nor a list of objects).
    flatten_error: Option<ParseError>,
    /// The first object that cannot be read (in stream order).
    object_error: Option<ParseError>,
    external_secrets: Vec<ExternalSecret>,
    /// The names of the Secret objects in the stream.
    secret_objects: HashSet<String>,
    /// A container takes env from `envFrom`, whose keys the stream does not show.
    startup_unknown: bool,
    /// Env names a container lists more than once.
    duplicate_env: Vec<(Role, Sourced<String>)>,
    /// The first Ingress that cannot be read (in stream order).
    ingress_error: Option<ParseError>,
}

/// What the plan needs of an Ingress, read with its document so the document can go: its rules'
/// hosts and paths, with the name of the Service each path goes to, and its TLS hosts.
struct IngressRead {
    rules: Vec<RuleRead>,
    tls: Vec<(String, Origin)>,
}

struct RuleRead {
    host: String,
    origin: Origin,
    paths: Vec<PathRead>,
}

struct PathRead {
    prefix: String,
    service: String,
    origin: Origin,
}

fn read_ingress(input: &Input, ing: &Node) -> Result<IngressRead, ParseError> {
    let mut rules = Vec::new();
    for (i, rule) in seq(input, ing, &["spec", "rules"])?.iter().enumerate() {
        let host_node = rule.get("host").filter(|h| !h.is_null());
        let at = format!("spec.rules[{i}]");
        let mut paths = Vec::new();
        for path in seq(input, rule, &["http", "paths"]).map_err(|e| within(e, &at))? {
            let prefix = path.get("path").filter(|p| !p.is_null());
            let backend = path.get("backend");
            let service = backend
                .and_then(|b| b.at(&["service", "name"]).or_else(|| b.get("serviceName")))
                .or_else(|| backend.and_then(|b| b.at(&["resource", "name"])));
            paths.push(PathRead {
                prefix: prefix.and_then(Node::as_str).unwrap_or("/").to_string(),
                service: service.and_then(Node::as_str).unwrap_or("").to_string(),
                origin: input.origin_of(prefix.unwrap_or(path)),
            });
        }
        rules.push(RuleRead {
            host: host_node.and_then(Node::as_str).unwrap_or("*").to_string(),
            origin: input.origin_of(host_node.unwrap_or(rule)),
            paths,
        });
    }
    let mut tls = Vec::new();
    for (i, entry) in seq(input, ing, &["spec", "tls"])?.iter().enumerate() {
        let at = format!("spec.tls[{i}]");
        for listed in seq(input, entry, &["hosts"]).map_err(|e| within(e, &at))? {
            tls.push((
                listed.as_str().unwrap_or("").to_string(),
                input.origin_of(listed),
            ));
        }
    }
    Ok(IngressRead { rules, tls })
}

impl Objects {
    fn add(&mut self, input: &Input, doc: Node) {
        if self.flatten_error.is_some() {
            return;
        }
        let mut objects = Vec::new();
        if let Err(e) = flatten(input, &doc, &mut objects) {
            self.flatten_error = Some(e);
            return;
        }
        if self.object_error.is_some() {
            return;
        }
        let mut ingresses = Vec::new();
        for obj in objects {
            match self.object(input, obj) {
                Ok(true) => ingresses.push(obj),
                Ok(false) => {}
                Err(e) => {
                    self.object_error = Some(e);
                    return;
                }
            }
        }
        for ing in ingresses {
            if self.ingress_error.is_some() {
                return;
            }
            match read_ingress(input, ing) {
                Ok(read) => self.ingresses.push(read),
                Err(e) => self.ingress_error = Some(e),
            }
        }
    }

    /// Reads one object; `true` for an Ingress, which is read later.
    fn object(&mut self, input: &Input, obj: &Node) -> Result<bool, ParseError> {
        let name = obj
            .at(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("");
        match obj.get("kind").and_then(Node::as_str) {
            Some("Deployment" | "StatefulSet") => {
                if let Some((name, p, from, dups)) = workload(input, obj, name)? {
                    self.startup_unknown |= from;
                    self.duplicate_env
                        .extend(dups.into_iter().map(|d| (p.role, d)));
                    self.workloads.push((name, p));
                }
            }
            Some("ExternalSecret") => self.external_secrets.push(external_secret(input, obj)),
            Some("Secret") => {
                self.secret_objects.insert(name.to_string());
            }
            Some("HorizontalPodAutoscaler") => self.hpas.extend(hpa(input, obj)?),
            Some("Service") => {
                let role = obj
                    .at(&["spec", "selector", COMPONENT])
                    .and_then(Node::as_str)
                    .and_then(role_named);
                if let Some(role) = role.or_else(|| role_suffix(name)) {
                    self.services.push((name.to_string(), role));
                }
            }
            Some("Ingress") => return Ok(true),
            _ => {}
        }
        Ok(false)
    }
}

/// Each document's objects, with the items of a `List` in its place.
fn flatten<'n>(input: &Input, doc: &'n Node, out: &mut Vec<&'n Node>) -> Result<(), ParseError> {
    if !doc.is_map() {
        let found = kind(doc);
        return Err(input.error(
            doc.line,
            doc.column,
            format!("expected a Kubernetes object (a map), found {found}"),
        ));
    }
    match doc.get("kind").and_then(Node::as_str) {
        Some(k) if k.ends_with("List") && doc.get("items").is_some() => {
            for item in seq(input, doc, &["items"])? {
                flatten(input, item, out)?;
            }
        }
        _ => out.push(doc),
    }
    Ok(())
}

/// An ExternalSecret's target Secret (`spec.target.name`, else its own name) and data.
fn external_secret(input: &Input, obj: &Node) -> ExternalSecret {
    let text = |path: &[&str]| obj.at(path).and_then(Node::as_str).map(str::to_string);
    let data = obj
        .at(&["spec", "data"])
        .map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|d| {
            let key = d.get("secretKey").and_then(Node::as_str)?;
            let remote = d.at(&["remoteRef", "key"]).and_then(Node::as_str)?;
            Some((key.to_string(), remote.to_string()))
        })
        .collect();
    let store = obj.at(&["spec", "secretStoreRef", "name"]);
    ExternalSecret {
        target: text(&["spec", "target", "name"])
            .or_else(|| text(&["metadata", "name"]))
            .unwrap_or_default(),
        data,
        store: store
            .and_then(Node::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        api_version: text(&["apiVersion"]),
        origin: input.origin_of(store.unwrap_or(obj)),
    }
}

/// What a workload gives: its name, its process (secrets as `<secret>/<key>`), whether a
/// container uses `envFrom`, and the env names its container lists twice.
type Workload = (String, Process, bool, Vec<Sourced<String>>);

/// A Deployment or StatefulSet of the starter; `None` for other workloads.
fn workload(input: &Input, obj: &Node, name: &str) -> Result<Option<Workload>, ParseError> {
    let label = |path: &[&str]| {
        obj.at(path)
            .and_then(|l| l.get(COMPONENT))
            .and_then(Node::as_str)
            .and_then(role_named)
    };
    let role = label(&["spec", "template", "metadata", "labels"])
        .or_else(|| label(&["metadata", "labels"]));
    let Some(role) = role.or_else(|| role_suffix(name)) else {
        return Ok(None);
    };
    let origin = input.origin_of(obj.at(&["metadata", "name"]).unwrap_or(obj));
    let replicas = match obj.at(&["spec", "replicas"]).filter(|r| !r.is_null()) {
        Some(r) => Sourced::new(
            Replicas::fixed(whole(input, r, "spec.replicas")?),
            input.origin_of(r),
        ),
        None => Sourced::new(Replicas::fixed(1), origin.clone()),
    };
    let containers = seq(input, obj, &["spec", "template", "spec", "containers"])?;
    let container = containers
        .iter()
        .find(|c| c.get("name").and_then(Node::as_str) == Some(role.as_str()))
        .or(containers.first());
    let env_from = containers
        .iter()
        .any(|c| c.get("envFrom").is_some_and(|e| !e.is_null()));
    let mut env = BTreeMap::new();
    let mut secrets = BTreeMap::new();
    let mut dups = Vec::new();
    for var in container
        .map(|c| seq(input, c, &["env"]))
        .transpose()?
        .unwrap_or(&[])
    {
        let Some(key) = var.get("name").and_then(Node::as_str) else {
            continue;
        };
        if env.contains_key(key) {
            dups.push(Sourced::new(key.to_string(), input.origin_of(var)));
        }
        let secret_ref = var.at(&["valueFrom", "secretKeyRef"]);
        let part = |k| secret_ref.and_then(|r| r.get(k)).and_then(Node::as_str);
        if let (Some(secret), Some(k)) = (part("name"), part("key")) {
            let reference = Sourced::new(format!("{secret}/{k}"), input.origin_of(var));
            secrets.insert(key.to_string(), reference);
        } else {
            secrets.remove(key); // a later entry wins, as the kubelet resolves it
        }
        let value = match (
            var.get("value").filter(|v| !v.is_null()),
            var.get("valueFrom"),
        ) {
            (Some(v), _) => Sourced::new(v.as_str().unwrap_or("").into(), input.origin_of(v)),
            (None, Some(from)) => Sourced::new(
                Setting::Unknown(Unknown::Reference(reference(from))),
                input.origin_of(from),
            ),
            (None, None) => Sourced::new("".into(), input.origin_of(var)),
        };
        env.insert(key.to_string(), value);
    }
    let unread_env = container
        .map(|c| seq(input, c, &["envFrom"]))
        .transpose()?
        .unwrap_or(&[])
        .iter()
        .map(|from| {
            let why = Unknown::Reference(reference(from));
            Sourced::new(why, input.origin_of(from))
        })
        .collect();
    Ok(Some((
        name.to_string(),
        Process {
            role,
            replicas: replicas.into(),
            env,
            unread_env,
            origin,
            secrets,
        },
        env_from,
        dups,
    )))
}

/// What a `valueFrom` or `envFrom` entry reads, as a finding names it (`Secret app key X`).
fn reference(from: &Node) -> String {
    let kinds = [
        ("secretKeyRef", "Secret"),
        ("configMapKeyRef", "ConfigMap"),
        ("secretRef", "Secret"),
        ("configMapRef", "ConfigMap"),
        ("fieldRef", "the pod's field"),
        ("resourceFieldRef", "the container's resources"),
    ];
    for (field, what) in kinds {
        if let Some(r) = from.get(field) {
            let name = r.get("name").and_then(Node::as_str).unwrap_or("?");
            return match r.get("key").and_then(Node::as_str) {
                Some(key) => format!("{what} {name} key {key}"),
                None => format!("{what} {name}"),
            };
        }
    }
    "a reference hostwiz does not read".into()
}

/// An HPA's target name and range, each end with its own line.
fn hpa(input: &Input, obj: &Node) -> Result<Option<(String, ReplicaRange)>, ParseError> {
    let spec = obj.get("spec");
    let target = spec
        .and_then(|s| s.at(&["scaleTargetRef", "name"]))
        .and_then(Node::as_str);
    let max = spec
        .and_then(|s| s.get("maxReplicas"))
        .filter(|m| !m.is_null());
    let (Some(target), Some(max)) = (target, max) else {
        return Ok(None);
    };
    let min_node = spec
        .and_then(|s| s.get("minReplicas"))
        .filter(|m| !m.is_null());
    let (min, min_at) = match min_node {
        Some(m) => (whole(input, m, "spec.minReplicas")?, input.origin_of(m)),
        None => (1, input.origin_of(obj)),
    };
    let max_n = whole(input, max, "spec.maxReplicas")?;
    Ok(Some((
        target.to_string(),
        ReplicaRange::new(Replicas { min, max: max_n }, min_at, input.origin_of(max)),
    )))
}

fn whole(input: &Input, node: &Node, at: &str) -> Result<u32, ParseError> {
    node.as_str()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            let found = node
                .as_str()
                .map_or_else(|| kind(node).to_string(), |s| format!("{s:?}"));
            input.error(
                node.line,
                node.column,
                format!("expected a whole number at {at}, found {found}"),
            )
        })
}

/// The list at `path` under `node`: empty when absent or null, an error when something else.
fn seq<'n>(input: &Input, node: &'n Node, path: &[&str]) -> Result<&'n [Node], ParseError> {
    match node.at(path).filter(|n| !n.is_null()) {
        None => Ok(&[]),
        Some(n) if matches!(n.value, yaml::Value::Seq(_)) => Ok(n.as_seq()),
        Some(n) => Err(input.error(
            n.line,
            n.column,
            format!("expected a list at {}, found {}", path.join("."), kind(n)),
        )),
    }
}

/// Prefixes an error's key path with where it was found (`spec.rules[0].http.paths`).
fn within(mut e: ParseError, at: &str) -> ParseError {
    e.message = e.message.replacen(" at ", &format!(" at {at}."), 1);
    e
}

fn role_named(component: &str) -> Option<Role> {
    [Role::Web, Role::Api, Role::Worker]
        .into_iter()
        .find(|r| r.as_str() == component)
}

pub(super) fn role_suffix(name: &str) -> Option<Role> {
    name.rsplit_once('-')
        .and_then(|(_, suffix)| role_named(suffix))
}

trait OriginOf {
    fn origin_of(&self, node: &Node) -> Origin;
}

impl OriginOf for Input {
    fn origin_of(&self, node: &Node) -> Origin {
        self.origin(node.line, node.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_from_names_and_labels() {
        assert_eq!(role_suffix("acme-starter-worker"), Some(Role::Worker));
        assert_eq!(role_suffix("starter-apix"), None);
        assert_eq!(role_named("api"), Some(Role::Api));
    }

    #[test]
    fn a_list_and_a_statefulset_are_read() {
        let text = "kind: List\nitems:\n  - kind: StatefulSet\n    metadata: {name: x-worker}\n    spec:\n      replicas: 2\n\
                    ---\nkind: Ingress\nspec: {rules: [{host: a.example.com}]}\n";
        let plan = manifests_plan(&Input::new("m.yaml", text)).unwrap();
        let [worker] = &plan.processes[..] else {
            panic!("one process: {plan:#?}")
        };
        assert_eq!(
            (worker.role, worker.replicas.value),
            (Role::Worker, Replicas::fixed(2))
        );
        assert_eq!(
            worker.replicas.origin,
            Input::new("m.yaml", "").origin(6, 17)
        );
    }

    /// An HPA before its Deployment, a sidecar before the role's container, and a later
    /// `valueFrom` entry replacing a literal value.
    #[test]
    fn hpas_containers_and_secret_values() {
        let text = "\
kind: HorizontalPodAutoscaler
spec: {scaleTargetRef: {kind: Deployment, name: x-api}, maxReplicas: 4}
---
kind: Deployment
metadata: {name: x-api}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: sidecar
        - name: api
          env:
            - {name: ENABLE_BILLING_RETRY_WORKER, value: 'true'}
            - name: ENABLE_BILLING_RETRY_WORKER
              valueFrom: {secretKeyRef: {name: s, key: k}}
---
kind: ConfigMap
metadata: {name: x-web}
";
        let input = Input::new("m.yaml", text);
        let plan = manifests_plan(&input).unwrap();
        let [api] = &plan.processes[..] else {
            panic!("one process: {plan:#?}")
        };
        assert_eq!(api.replicas.value, Replicas { min: 1, max: 4 });
        assert_eq!(api.replicas.origin, input.origin(2, 70));
        let retry = &api.env["ENABLE_BILLING_RETRY_WORKER"];
        let secret = Setting::Unknown(Unknown::Reference("Secret s key k".into()));
        assert_eq!((&retry.value, line(&retry.origin)), (&secret, 16));
    }

    fn line(origin: &Origin) -> u32 {
        match origin {
            Origin::File { line, .. } => *line,
            other => panic!("not a file origin: {other}"),
        }
    }
}
