//! Compose files as Docker Compose v2 resolves them, limited to what the contracts read: each
//! service's image, effective environment, replicas, profiles and networks, and which networks
//! are internal (no egress).
//!
//! Files layer like `docker compose -f a -f b` with compose-go's merge rules (the compose spec's
//! "Merge" section), checked against `docker compose config` 2.40: maps merge key by key,
//! `environment` per variable whatever its form, `profiles` and `env_file` append without
//! repeats, scalars (`image`, `scale`, `deploy.replicas`) are replaced, and the `!reset` and
//! `!override` tags remove or replace a value. Values are interpolated from the given
//! variables only, never the process environment, so a check answers the same everywhere.
//! `include` and `extends` are followed and `env_file` entries with `format: raw` kept literally
//! (`refs`); what cannot be read (a remote include, an unset `${VAR:?}` where a name or count
//! is needed) is unknown, never skipped.

mod env;
mod layer;
mod refs;
mod service;

use super::envfile::{self, interpolate, TemplateError};
use super::yaml::{self, go_float, GoNumber, Node, Value};
use super::{Input, ParseError, Vars};
use crate::plan::{Origin, Setting, Sourced, Unknown};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use layer::{error_at, tags, typed, RESET};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compose {
    pub services: Vec<Service>,
    /// What hostwiz did not read that may change what runs (a remote `include`, a profile
    /// named by an unset variable): unknown, so what a process does not set itself is too.
    pub unread: Vec<Sourced<Unknown>>,
    /// Top-level networks declared `internal: true` (the last file's word wins), at that line.
    pub internal: BTreeMap<String, Origin>,
}

impl Compose {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    /// The service key's line in the first file that defines it.
    pub origin: Origin,
    /// Interpolated.
    pub image: Option<Sourced<String>>,
    /// Effective: `env_file` entries, then `environment` (map or list form) over them, merged
    /// per key across files (later files win). A value written in a Compose file points there;
    /// one passed through from the variables (`KEY` alone, `KEY:` null) at the line that set it.
    /// A value with a required variable unset is unknown, and so is one an earlier env file set
    /// when a later one is missing.
    pub environment: BTreeMap<String, Sourced<Setting>>,
    /// Required env files that are not there: any variable `environment` lacks may be in them.
    pub missing_env_files: Vec<Sourced<Unknown>>,
    /// `deploy.replicas`, or `scale`, default 1 (`Origin::Default`).
    pub replicas: Sourced<u32>,
    /// Why the replica count is not known (`${N:?}` unset); `replicas` is then 1 at its line.
    pub replicas_unknown: Option<Unknown>,
    pub profiles: Vec<String>,
    /// No profiles, or one of them is active.
    pub active: bool,
    /// The networks it joins, each at its entry (merged across files); empty: `default`.
    pub networks: Vec<Sourced<String>>,
}

const NOT_COMPOSE: &str = "expected a Compose file with a `services` map";

/// Compose files layered in order like `docker compose -f a -f b`, interpolated from `vars`
/// alone (a `${VAR:?err}` with the var missing makes what it sets unknown: an env value, the
/// image, the replica count, an env file, a profile). `env_file` paths are
/// relative to the project directory, the first file's folder, as docker compose resolves them.
/// Active profiles are `profiles` when given, else `COMPOSE_PROFILES` from `vars`
/// (comma-separated): in docker compose `--profile` replaces `COMPOSE_PROFILES`, `*` is all.
pub fn load(files: &[Input], vars: &Vars, profiles: &[String]) -> Result<Compose, ParseError> {
    let Some(first) = files.first() else {
        return Err(Input::new("", "").error(0, 0, "no Compose file given"));
    };
    let env = vars
        .get("COMPOSE_PROFILES")
        .map_or("", |v| v.value.as_str());
    let from_env = env.split(',').map(str::trim).filter(|p| !p.is_empty());
    let active: Vec<String> = match profiles {
        [] => from_env.map(String::from).collect(),
        given => given.to_vec(),
    };
    let dir = Path::new(&first.path).parent().unwrap_or(Path::new(""));
    project(files, vars, &active, dir, 0)
}

/// One project: `files` layered, relative paths resolved against `dir`, the services of its
/// `include`s beside its own.
fn project(
    files: &[Input],
    vars: &Vars,
    active: &[String],
    dir: &Path,
    depth: u32,
) -> Result<Compose, ParseError> {
    let first = &files[0];
    let mut services: Vec<Acc> = Vec::new();
    let mut included = Compose::default();
    let mut internal = BTreeMap::new();
    let mut any_services = false;
    for input in files {
        let docs = yaml::load_all(&input.text).map_err(|e| {
            input.error(
                e.line.max(1),
                e.column,
                format!("invalid YAML: {}", e.message),
            )
        })?;
        let layer = Layer {
            input,
            vars,
            tags: tags(&input.text),
            dir: dir.to_path_buf(),
            depth,
            budget: Default::default(),
        };
        if docs.is_empty() {
            return Err(input.error(1, 1, NOT_COMPOSE));
        }
        for doc in &docs {
            if !doc.is_map() {
                return Err(layer.err(doc, NOT_COMPOSE));
            }
            layer.check(doc)?;
            if let Some(include) = doc.get("include") {
                any_services = true;
                let more = refs::include(&layer, include, active)?;
                included.unread.extend(more.unread);
                for s in more.services {
                    if services.iter().any(|a| a.name == s.name) {
                        let what =
                            format!("service `{}` is also defined by an included file", s.name);
                        return Err(error_at(&s.origin, what));
                    }
                    included.services.push(s);
                }
            }
            if let Some(nets) = doc.get("networks").filter(|n| n.is_map()) {
                for (k, v) in nets.entries() {
                    let name = k.as_str().unwrap_or_default().to_string();
                    match v.get("internal") {
                        Some(i) if i.as_str().is_some_and(|t| t == "true") => {
                            internal.insert(name, input.origin(i.line, i.column));
                        }
                        Some(_) => {
                            internal.remove(&name);
                        }
                        None => {}
                    }
                }
            }
            let Some(map) = doc.get("services") else {
                continue;
            };
            any_services = true;
            if !map.is_map() && !map.is_null() {
                return Err(layer.err(map, NOT_COMPOSE));
            }
            for (key, body) in map.entries() {
                if let Some(s) = included
                    .services
                    .iter()
                    .find(|s| Some(s.name.as_str()) == key.as_str())
                {
                    let what = format!(
                        "service `{}` is also defined by an included file ({})",
                        s.name, s.origin
                    );
                    return Err(layer.err(key, what));
                }
                layer.merge_service(&mut services, key, body, map)?;
            }
        }
    }
    if !any_services {
        return Err(first.error(1, 1, NOT_COMPOSE));
    }
    let mut compose = included;
    compose.internal.extend(internal);
    for acc in services {
        let unknown_profiles = acc.set.unknown_profiles.clone();
        let service = acc.finish(active, vars)?;
        // A profile named by an unset variable may be active: what the service would run is
        // unknown, and said so.
        if !service.active {
            compose.unread.extend(unknown_profiles);
        }
        compose.services.push(service);
    }
    Ok(compose)
}

/// A service as the files read so far define it.
struct Acc {
    name: String,
    origin: Origin,
    set: Settings,
}

/// What `!override` on a service replaces.
#[derive(Default)]
struct Settings {
    image: Option<Sourced<String>>,
    /// `None`: null (or `KEY` alone) with no variable to take, so unset in the container even
    /// when an env file sets it.
    env: BTreeMap<String, Option<Sourced<Setting>>>,
    /// Whether `environment` is so far one file's map: only then can `KEY: !reset` find the
    /// key, because compose-go turns environments into a list when it merges two of them.
    env_map: Option<bool>,
    env_files: Vec<EnvFileRef>,
    profiles: Vec<String>,
    /// Profiles named by an unset required variable.
    unknown_profiles: Vec<Sourced<Unknown>>,
    replicas: Option<Sourced<Count>>,
    scale: Option<Sourced<Count>>,
    networks: Vec<Sourced<String>>,
}

/// A replica count, or why it is not known.
type Count = Result<u32, Unknown>;

/// One `env_file` entry.
#[derive(Clone)]
struct EnvFileRef {
    /// Resolved against the folder of the file that lists it; unknown when an unset required
    /// variable names it.
    path: Result<PathBuf, Unknown>,
    required: bool,
    /// `format: raw`: values kept as written, nothing interpolated.
    raw: bool,
    origin: Origin,
}

/// One Compose file being layered on the ones before it.
struct Layer<'a> {
    input: &'a Input,
    vars: &'a Vars,
    tags: HashMap<(u32, u32, u8), String>,
    /// What this file's relative paths resolve against.
    dir: PathBuf,
    /// How many `include`s and `extends` led here: a cycle ends as an error.
    depth: u32,
    budget: super::budget::Budget,
}
