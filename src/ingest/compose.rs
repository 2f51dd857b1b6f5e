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

mod refs;

use super::envfile::{self, interpolate, TemplateError};
use super::yaml::{self, go_float, GoNumber, Node, Value};
use super::{Input, ParseError, Vars};
use crate::plan::{Origin, Setting, Sourced, Unknown};
use saphyr_parser::{Event, Parser};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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

impl Settings {
    /// What `!reset` and `!override` on a service key drop before anything is merged.
    fn clear(&mut self, key: &str) {
        match key {
            "image" => self.image = None,
            "environment" => (self.env, self.env_map) = (BTreeMap::new(), None),
            "env_file" => self.env_files.clear(),
            "profiles" => {
                self.profiles.clear();
                self.unknown_profiles.clear();
            }
            "deploy" => self.replicas = None,
            "scale" => self.scale = None,
            "networks" => self.networks.clear(),
            _ => {}
        }
    }
}

impl Acc {
    fn finish(self, active: &[String], vars: &Vars) -> Result<Service, ParseError> {
        let s = self.set;
        let unprofiled = s.profiles.is_empty() && s.unknown_profiles.is_empty();
        let is_active = unprofiled || active.iter().any(|a| a == "*" || s.profiles.contains(a));
        // `${VAR}` in an env file reads the project's variables, then the service's own
        // `environment`, then earlier env files and lines (found with `docker compose config`).
        let own = s.env.iter().filter_map(|(k, v)| {
            let v = v.as_ref()?;
            let known = v.value.known()?.to_string();
            Some((k.clone(), Sourced::new(known, v.origin.clone())))
        });
        let mut outer = Vars(own.collect());
        outer.extend(vars.clone());
        let mut from_files = Vars::default();
        // What earlier env files set, made unknown by a later missing one that may override it.
        let mut unknown_from_files: BTreeMap<String, Sourced<Setting>> = BTreeMap::new();
        let mut missing_env_files = Vec::new();
        for EnvFileRef {
            path,
            required,
            raw,
            origin,
        } in &s.env_files
        {
            let full = match path {
                Ok(full) => full,
                // `env_file: ${DIR:?}/x.env` with DIR unset: which file, and so what it sets,
                // is unknown.
                Err(why) => {
                    if is_active && *required {
                        for (k, v) in std::mem::take(&mut from_files.0) {
                            let unknown = Setting::Unknown(why.clone());
                            unknown_from_files.insert(k, Sourced::new(unknown, v.origin));
                        }
                        missing_env_files.push(Sourced::new(why.clone(), origin.clone()));
                    }
                    continue;
                }
            };
            let path = full.display();
            let shown = super::shown_path(full);
            // Only regular files, read with a bound: a FIFO or a device such as /dev/zero would
            // never end.
            let read = match std::fs::metadata(full) {
                Ok(meta) if !meta.is_file() => Err((false, "not a regular file".to_string())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err((true, e.to_string())),
                _ => super::bounded::read(full, super::bounded::MAX_LIST, "an env file", "read")
                    .map_err(|e| (false, e.to_string())),
            };
            let text =
                read.and_then(|b| String::from_utf8(b).map_err(|_| (false, "not UTF-8".into())));
            // Compose reads the env files of active services only.
            let text = match text {
                Ok(text) => text,
                Err(_) if !is_active || !*required => continue,
                // A gitignored env file is absent from every fresh clone: what it would set is
                // unknown, not an error.
                Err((true, _)) => {
                    let why = Unknown::MissingFile(shown);
                    for (k, v) in std::mem::take(&mut from_files.0) {
                        let unknown = Setting::Unknown(why.clone());
                        unknown_from_files.insert(k, Sourced::new(unknown, v.origin));
                    }
                    missing_env_files.push(Sourced::new(why, origin.clone()));
                    continue;
                }
                Err((false, why)) => {
                    let what = format!("cannot read env_file `{path}` ({shown}): {why}");
                    return Err(error_at(origin, what));
                }
            };
            let input = Input::new(shown, text);
            let parsed = match raw {
                true => refs::parse_raw(&input).map(|vars| {
                    let mut merged = from_files.clone();
                    merged.extend(vars);
                    merged
                }),
                false => envfile::parse_with(&input, &outer, from_files.clone()),
            };
            match parsed {
                Ok(merged) => from_files = merged,
                Err(e) if is_active => return Err(e),
                Err(_) => {}
            }
        }
        let mut environment = unknown_from_files;
        environment.extend(
            from_files
                .0
                .into_iter()
                .map(|(k, v)| (k, Sourced::new(Setting::Known(v.value), v.origin))),
        );
        for (key, value) in s.env {
            match value {
                Some(v) => environment.insert(key, v),
                None => environment.remove(&key),
            };
        }
        let replicas = match (s.replicas, s.scale) {
            (Some(r), Some(n)) if r.value.is_ok() && n.value.is_ok() && r.value != n.value => {
                let (rv, nv) = (r.value.unwrap_or_default(), n.value.unwrap_or_default());
                let what = format!("`scale: {nv}` and `deploy.replicas: {rv}` differ");
                return Err(error_at(&n.origin, what));
            }
            (Some(r), _) | (None, Some(r)) => r,
            (None, None) => Sourced::new(Ok(1), Origin::Default("Compose replicas")),
        };
        let (replicas, replicas_unknown) = match replicas.value {
            Ok(n) => (Sourced::new(n, replicas.origin), None),
            Err(why) => (Sourced::new(1, replicas.origin), Some(why)),
        };
        let (name, origin, image, profiles) = (self.name, self.origin, s.image, s.profiles);
        let active = is_active;
        Ok(Service {
            name,
            origin,
            image,
            environment,
            missing_env_files,
            replicas,
            replicas_unknown,
            profiles,
            active,
            networks: s.networks,
        })
    }
}

/// An error at a setting's origin (always a file position for what this module reads).
fn error_at(origin: &Origin, message: String) -> ParseError {
    match origin {
        Origin::File { path, line, column } => Input::new(path, "").error(*line, *column, message),
        other => Input::new(other.to_string(), "").error(0, 0, message),
    }
}

/// The tags Compose gives a meaning to: `!reset` drops a value, `!override` replaces it
/// instead of merging, `!!str` keeps a plain `true` or `1.0` as written.
const RESET: &str = "!reset";
const OVERRIDE: &str = "!override";

/// The yaml tree keeps no tags, so a second pass over the parser's events records them by
/// position and kind (0 scalar, 1 list, 2 map: a map and its first key share a position).
fn tags(text: &str) -> HashMap<(u32, u32, u8), String> {
    let mut tags = HashMap::new();
    for (event, span) in Parser::new_from_str(text).map_while(Result::ok) {
        let (kind, tag) = match event {
            Event::Scalar(_, _, _, Some(t)) => (0, t),
            Event::SequenceStart(_, Some(t)) => (1, t),
            Event::MappingStart(_, Some(t)) => (2, t),
            _ => continue,
        };
        let at = (span.start.line() as u32, span.start.col() as u32 + 1, kind);
        tags.insert(at, format!("{}{}", tag.handle, tag.suffix));
    }
    tags
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

impl Layer<'_> {
    fn tag(&self, node: &Node) -> &str {
        let kind = match node.value {
            Value::Scalar { .. } => 0,
            Value::Seq(_) => 1,
            Value::Map(_) => 2,
        };
        self.tags
            .get(&(node.line, node.column, kind))
            .map_or("", String::as_str)
    }

    fn err(&self, node: &Node, message: impl Into<String>) -> ParseError {
        self.input.error(node.line, node.column, message)
    }

    fn at(&self, node: &Node, value: String) -> Sourced<String> {
        Sourced::new(value, self.input.origin(node.line, node.column))
    }

    fn expand(&self, node: &Node, text: &str) -> Result<String, ParseError> {
        let lookup = |name: &str| self.vars.get(name).map(|v| v.value.clone());
        interpolate(text, &lookup, &self.budget).map_err(|e| self.err(node, e.describe(text)))
    }

    /// [`Self::expand`] where a required variable that is not set makes the value unknown.
    fn expand_setting(&self, node: &Node, text: &str) -> Result<Setting, ParseError> {
        let lookup = |name: &str| self.vars.get(name).map(|v| v.value.clone());
        match interpolate(text, &lookup, &self.budget) {
            Ok(v) => Ok(Setting::Known(v)),
            Err(TemplateError::Missing { name, .. }) => Ok(Setting::Unknown(Unknown::Unset(name))),
            Err(e) => Err(self.err(node, e.describe(text))),
        }
    }

    /// As docker compose does before merging: every value in the file interpolates, inactive
    /// services and `x-` extensions included (keys are not interpolated). A required variable
    /// that is not set is left to what reads the value.
    fn check(&self, node: &Node) -> Result<(), ParseError> {
        match &node.value {
            Value::Scalar { text, .. } => self.expand_setting(node, text).map(drop),
            Value::Seq(items) => items.iter().try_for_each(|n| self.check(n)),
            Value::Map(entries) => entries.iter().try_for_each(|(_, v)| self.check(v)),
        }
    }

    /// A scalar as Compose hands it on: interpolated text, or for a plain boolean or number
    /// the form Compose prints. `None` for null.
    fn scalar(&self, node: &Node, what: &str) -> Result<Option<String>, ParseError> {
        let Value::Scalar { text, plain } = &node.value else {
            return Err(self.err(
                node,
                format!("`{what}` must be a string, number, boolean or null"),
            ));
        };
        if *plain && self.tag(node) != "tag:yaml.org,2002:str" {
            if node.is_null() {
                return Ok(None);
            }
            if let Some(typed) = typed(text) {
                return Ok(Some(typed));
            }
        }
        self.expand(node, text).map(Some)
    }

    /// [`Self::scalar`] where a required variable that is not set makes the value unknown.
    fn scalar_setting(&self, node: &Node, what: &str) -> Result<Option<Setting>, ParseError> {
        match &node.value {
            Value::Scalar { text, plain }
                if !*plain || self.tag(node) == "tag:yaml.org,2002:str" =>
            {
                self.expand_setting(node, text).map(Some)
            }
            Value::Scalar { text, .. } if !node.is_null() && typed(text).is_none() => {
                self.expand_setting(node, text).map(Some)
            }
            _ => Ok(self.scalar(node, what)?.map(Setting::Known)),
        }
    }

    fn merge_service(
        &self,
        all: &mut Vec<Acc>,
        key: &Node,
        body: &Node,
        services: &Node,
    ) -> Result<(), ParseError> {
        let name = key.as_str().unwrap_or_default().to_string();
        let tag = self.tag(body);
        if tag == RESET {
            all.retain(|s| s.name != name);
            return Ok(());
        }
        if !body.is_map() {
            return Err(self.err(body, format!("service `{name}` must be a map of settings")));
        }
        let index = all.iter().position(|s| s.name == name).unwrap_or_else(|| {
            let origin = self.input.origin(key.line, key.column);
            all.push(Acc {
                name,
                origin,
                set: Settings::default(),
            });
            all.len() - 1
        });
        let acc = &mut all[index].set;
        if tag == OVERRIDE {
            *acc = Settings::default();
        }
        self.apply(acc, body, services)
    }

    /// A service's settings over what `acc` holds; `extends` first, as Compose resolves it
    /// within the file before the files are merged.
    fn apply(&self, acc: &mut Settings, body: &Node, services: &Node) -> Result<(), ParseError> {
        if let Some(base) = body.get("extends") {
            refs::extends(self, acc, base, services)?;
        }
        for (k, v) in body.entries() {
            let key = k.as_str().unwrap_or_default();
            let tag = self.tag(v);
            if tag == RESET || tag == OVERRIDE {
                acc.clear(key);
            }
            if tag == RESET {
                continue;
            }
            match key {
                // An image from an unset required variable is only unknown: no rule reads it.
                "image" => {
                    acc.image = match self.scalar_setting(v, key)? {
                        Some(Setting::Known(s)) => Some(self.at(v, s)),
                        _ => None,
                    }
                }
                "environment" => self.environment(v, acc)?,
                "env_file" => self.env_files(v, &mut acc.env_files)?,
                "profiles" if matches!(v.value, Value::Seq(_)) => {
                    for p in v.as_seq() {
                        match self.scalar_setting(p, key)? {
                            Some(Setting::Unknown(why)) => {
                                let at = self.input.origin(p.line, p.column);
                                acc.unknown_profiles.push(Sourced::new(why, at));
                            }
                            known => {
                                let p = known.map(|s| s.to_string()).unwrap_or_default();
                                if !acc.profiles.contains(&p) {
                                    acc.profiles.push(p);
                                }
                            }
                        }
                    }
                }
                "profiles" => return Err(self.err(v, "`profiles` must be a list of names")),
                "deploy" => match v.get("replicas") {
                    Some(r) if self.tag(r) == RESET => acc.replicas = None,
                    Some(r) => acc.replicas = Some(self.count(r, "deploy.replicas")?),
                    None => {}
                },
                "scale" => acc.scale = Some(self.count(v, key)?),
                // A list of names, or a map keyed by them; files add to what earlier ones list.
                "networks" => {
                    let names: Vec<&Node> = match &v.value {
                        Value::Seq(items) => items.iter().collect(),
                        Value::Map(entries) => entries.iter().map(|(k, _)| k).collect(),
                        _ => Vec::new(),
                    };
                    for n in names {
                        if let Some(Setting::Known(name)) = self.scalar_setting(n, key)? {
                            if !acc.networks.iter().any(|x| x.value == name) {
                                acc.networks.push(self.at(n, name));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn environment(&self, node: &Node, set: &mut Settings) -> Result<(), ParseError> {
        let from_vars = |name: &str| {
            let v = self.vars.get(name)?;
            Some(Sourced::new(
                Setting::Known(v.value.clone()),
                v.origin.clone(),
            ))
        };
        let (env, resettable) = (&mut set.env, set.env_map == Some(true));
        set.env_map = Some(set.env_map.is_none() && node.is_map());
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let name = k.as_str().unwrap_or_default().to_string();
                    if self.tag(v) == RESET {
                        if resettable {
                            env.remove(&name);
                        }
                        continue;
                    }
                    let value = match self.scalar_setting(v, &format!("environment.{name}"))? {
                        Some(s) => Some(Sourced::new(s, self.input.origin(v.line, v.column))),
                        None => from_vars(&name),
                    };
                    env.insert(name, value);
                }
            }
            Value::Seq(items) => {
                for item in items {
                    // Compose refuses a plain number, boolean or null as a list entry.
                    let text = match &item.value {
                        Value::Scalar { text, plain }
                            if !*plain || !item.is_null() && typed(text).is_none() =>
                        {
                            text
                        }
                        _ => return Err(self.err(item, "expected `KEY=VALUE` or `KEY`")),
                    };
                    let at = self.input.origin(item.line, item.column);
                    let text = match self.expand_setting(item, text)? {
                        Setting::Known(text) => text,
                        // `KEY=${VAR:?}`: the name is known, the value is not.
                        Setting::Unknown(why) => match text.split_once('=') {
                            Some((k, _)) if !k.contains('$') => {
                                let unknown = Sourced::new(Setting::Unknown(why), at);
                                env.insert(k.to_string(), Some(unknown));
                                continue;
                            }
                            _ => {
                                let what = format!("`{text}`: the name itself is unknown ({why})");
                                return Err(self.err(item, what));
                            }
                        },
                    };
                    let (name, value) = match text.split_once('=') {
                        Some((k, v)) => (k, Some(Sourced::new(Setting::from(v), at))),
                        None => (text.as_str(), from_vars(&text)),
                    };
                    if name.is_empty() || name.ends_with(char::is_whitespace) {
                        let what = format!("`{name}`: expected a name with no trailing space");
                        return Err(self.err(item, what));
                    }
                    env.insert(name.to_string(), value);
                }
            }
            _ => return Err(self.err(node, "`environment` must be a map or a list of KEY=VALUE")),
        }
        Ok(())
    }

    fn env_files(&self, node: &Node, list: &mut Vec<EnvFileRef>) -> Result<(), ParseError> {
        let items = match &node.value {
            Value::Seq(items) => items.as_slice(),
            Value::Scalar { .. } if !node.is_null() => std::slice::from_ref(node),
            _ => return Err(self.err(node, "`env_file` must be a path or a list of paths")),
        };
        for item in items {
            let required = item.get("required").map(|r| self.scalar(r, "required"));
            let required = required.transpose()?.flatten().is_none_or(|r| r != "false");
            let format = item.get("format").map(|f| self.scalar(f, "format"));
            let format = format.transpose()?.flatten();
            let raw = match format.as_deref() {
                None => false,
                Some("raw") => true,
                Some(other) => {
                    let what = format!("unknown env_file format `{other}`: Compose knows `raw`");
                    return Err(self.err(item, what));
                }
            };
            let path = item.get("path").unwrap_or(item);
            let path = match self.scalar_setting(path, "env_file")? {
                // Only inside the tree: `/etc/passwd` or `/proc/self/environ` are nobody's env
                // file, and their lines must never reach a report.
                Some(Setting::Known(p)) if !p.is_empty() => {
                    let full = self.dir.join(&p);
                    if full.exists() && !super::bounded::inside(&full, &self.dir) {
                        let what = format!(
                            "env_file `{p}` is outside the Compose file's folder and the current \
                             folder: hostwiz reads no file outside the tree"
                        );
                        return Err(self.err(item, what));
                    }
                    Ok(full)
                }
                Some(Setting::Unknown(why)) => Err(why),
                _ => return Err(self.err(item, "expected an env file path")),
            };
            let origin = self.input.origin(item.line, item.column);
            let entry = EnvFileRef {
                path,
                required,
                raw,
                origin,
            };
            // A path listed again keeps its place and takes the later settings.
            let same = |e: &EnvFileRef| e.path.is_ok() && e.path == entry.path;
            match list.iter_mut().find(|e| same(e)) {
                Some(e) => *e = entry,
                None => list.push(entry),
            }
        }
        Ok(())
    }

    /// A replica count: a whole number, or a string that interpolates to one; unknown when an
    /// unset required variable gives it.
    fn count(&self, node: &Node, what: &str) -> Result<Sourced<Count>, ParseError> {
        let at = self.input.origin(node.line, node.column);
        let text = match self.scalar_setting(node, what)? {
            Some(Setting::Unknown(why)) => return Ok(Sourced::new(Err(why), at)),
            Some(Setting::Known(text)) => Some(text),
            None => None,
        };
        let n: Option<i64> = text.and_then(|t| t.parse().ok());
        match n.map(u32::try_from) {
            Some(Ok(n)) => Ok(Sourced::new(Ok(n), at)),
            _ => Err(self.err(node, format!("`{what}` must be a whole number, 0 or more"))),
        }
    }
}

/// A plain scalar that Compose's YAML decoder (go-yaml v3, the YAML 1.2 core schema with Go's
/// number syntax) reads as a boolean or number, as Compose then prints it: `True` → `true`,
/// `0x1F`, `0o37` and `037` → `31`, `1_000` → `1000`, `1.50` → `1.5`, `1e6` → `1e+06`; `yes`
/// and `on` stay strings. `None` when the scalar is a string.
fn typed(text: &str) -> Option<String> {
    let word = match text {
        "true" | "True" | "TRUE" => "true",
        "false" | "False" | "FALSE" => "false",
        ".nan" | ".NaN" | ".NAN" => "NaN",
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => "+Inf",
        "-.inf" | "-.Inf" | "-.INF" => "-Inf",
        _ if !text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) => return None,
        _ => "",
    };
    if !word.is_empty() {
        return Some(word.into());
    }
    match super::yaml::go_number_literal(text)? {
        GoNumber::Int {
            negative,
            magnitude,
            decimal,
        } => {
            // Go tries int64, then uint64 (which takes no sign), then float64 (decimal only).
            let n = i128::from(magnitude) * if negative { -1 } else { 1 };
            let unsigned = !text.starts_with(['-', '+']);
            if i64::try_from(n).is_ok() || unsigned {
                Some(n.to_string())
            } else {
                decimal.then(|| go_float(n as f64))
            }
        }
        GoNumber::Float(f) => Some(go_float(f)),
    }
}
