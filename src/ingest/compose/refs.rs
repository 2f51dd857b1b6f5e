//! What a Compose file takes from elsewhere: `include`d projects, `extends`ed services and
//! `env_file` entries in `format: raw`, as Docker Compose v2 (compose-go) reads them.

use super::{project, tags, Compose, Layer, Settings};
use crate::ingest::yaml::{self, Node, Value};
use crate::ingest::{envfile, shown_path, Input, ParseError, Vars};
use crate::plan::{Setting, Sourced, Unknown};
use std::path::{Path, PathBuf};

/// How many `include`s and `extends` may nest before hostwiz calls it a cycle.
const MAX_DEPTH: u32 = 16;

/// A file an `include` or `extends` names, read as it is shown in findings.
fn read(layer: &Layer, at: &Node, path: &Path) -> Result<Input, ParseError> {
    let shown = shown_path(path);
    let text = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err("not a regular file".to_string()),
        Ok(_) => std::fs::read_to_string(path).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    text.map(|text| Input::new(shown.clone(), text))
        .map_err(|why| layer.err(at, format!("cannot read `{shown}`: {why}")))
}

fn deeper(layer: &Layer, at: &Node, what: &str) -> Result<u32, ParseError> {
    match layer.depth < MAX_DEPTH {
        true => Ok(layer.depth + 1),
        false => Err(layer.err(
            at,
            format!("`{what}` nests more than {MAX_DEPTH} deep: a cycle?"),
        )),
    }
}

/// A list entry or a `path:` / `env_file:` value: one text or a list of them. `Err` is a
/// name an unset required variable gives.
fn texts(
    layer: &Layer,
    node: &Node,
    what: &str,
) -> Result<Vec<Result<String, Unknown>>, ParseError> {
    let items = match &node.value {
        Value::Seq(items) => items.as_slice(),
        _ => std::slice::from_ref(node),
    };
    let mut out = Vec::new();
    for item in items {
        match layer.scalar_setting(item, what)? {
            Some(Setting::Known(t)) if !t.is_empty() => out.push(Ok(t)),
            Some(Setting::Unknown(why)) => out.push(Err(why)),
            _ => return Err(layer.err(item, format!("expected a path in `{what}`"))),
        }
    }
    Ok(out)
}

/// The services of the projects an `include` list names. Each is its own project: its paths
/// are relative to its folder (or `project_directory`), and its variables are the including
/// project's over its env files (by default the `.env` in its folder). A remote include
/// (`oci://`, a Git URL) or a path from an unset variable is unknown, with why.
pub(super) fn include(
    layer: &Layer,
    list: &Node,
    active: &[String],
) -> Result<Compose, ParseError> {
    let mut out = Compose::default();
    if !matches!(list.value, Value::Seq(_)) {
        return Err(layer.err(list, "`include` must be a list"));
    }
    for entry in list.as_seq() {
        let depth = deeper(layer, entry, "include")?;
        let at = layer.input.origin(entry.line, entry.column);
        let paths = texts(layer, entry.get("path").unwrap_or(entry), "include")?;
        let mut files = Vec::new();
        for path in paths {
            let path = match path {
                Ok(p) if p.contains("://") || p.starts_with("git@") => {
                    let what = format!("the remote include `{p}`");
                    out.unread
                        .push(Sourced::new(Unknown::Unread(what), at.clone()));
                    continue;
                }
                Ok(p) => layer.dir.join(p),
                Err(why) => {
                    out.unread.push(Sourced::new(why, at.clone()));
                    continue;
                }
            };
            files.push((read(layer, entry, &path)?, path));
        }
        let Some((_, first)) = files.first() else {
            continue;
        };
        let dir: PathBuf = match entry.get("project_directory") {
            Some(d) => match layer.scalar_setting(d, "project_directory")? {
                Some(Setting::Known(d)) => layer.dir.join(d),
                _ => return Err(layer.err(d, "expected a folder in `project_directory`")),
            },
            None => first.parent().unwrap_or(Path::new("")).to_path_buf(),
        };
        let env_files = match entry.get("env_file") {
            Some(list) => texts(layer, list, "env_file")?,
            None => vec![Ok(".env".to_string())],
        };
        let mut vars = Vars::default();
        for file in env_files {
            let path = match (file, entry.get("env_file").is_some()) {
                (Ok(p), true) => layer.dir.join(p),
                (Ok(p), false) => dir.join(p),
                (Err(why), _) => {
                    out.unread.push(Sourced::new(why, at.clone()));
                    continue;
                }
            };
            match (path.is_file(), entry.get("env_file").is_some()) {
                (true, _) => vars.extend(envfile::parse(&read(layer, entry, &path)?)?),
                // Compose reads the default `.env` only where there is one.
                (false, false) => {}
                (false, true) => {
                    let why = Unknown::MissingFile(shown_path(&path));
                    out.unread.push(Sourced::new(why, at.clone()));
                }
            }
        }
        // The including project's variables win over the included one's env files.
        vars.extend(layer.vars.clone());
        let inputs: Vec<Input> = files.into_iter().map(|(input, _)| input).collect();
        let more = project(&inputs, &vars, active, &dir, depth)?;
        out.unread.extend(more.unread);
        for s in more.services {
            if out.services.iter().any(|o| o.name == s.name) {
                let what = format!("service `{}` is defined by two included files", s.name);
                return Err(layer.err(entry, what));
            }
            out.services.push(s);
        }
    }
    Ok(out)
}

/// `extends: NAME` or `extends: {service: NAME, file: PATH}`: the base service's settings go
/// into `acc` first (its own `extends` before it), then the extending service's over them.
/// A base in another file resolves its relative paths against that file's folder.
pub(super) fn extends(
    layer: &Layer,
    acc: &mut Settings,
    ext: &Node,
    services: &Node,
) -> Result<(), ParseError> {
    let depth = deeper(layer, ext, "extends")?;
    let (name, file) = match &ext.value {
        Value::Scalar { .. } => (ext, None),
        Value::Map(_) => match ext.get("service") {
            Some(name) => (name, ext.get("file")),
            None => return Err(layer.err(ext, "`extends` needs a `service`")),
        },
        Value::Seq(_) => return Err(layer.err(ext, "`extends` must be a name or a map")),
    };
    let name = match layer.scalar_setting(name, "extends.service")? {
        Some(Setting::Known(n)) => n,
        _ => return Err(layer.err(name, "`extends` needs a service name")),
    };
    let missing = |l: &Layer, at: &Node| {
        let what = format!("`extends`: no service `{name}` in {}", l.input.path);
        Err(l.err(at, what))
    };
    let Some(file) = file else {
        let Some(base) = services.get(&name) else {
            return missing(layer, ext);
        };
        let same = Layer {
            input: layer.input,
            vars: layer.vars,
            tags: layer.tags.clone(),
            dir: layer.dir.clone(),
            depth,
            budget: Default::default(),
        };
        return same.apply(acc, base, services);
    };
    let path = match layer.scalar_setting(file, "extends.file")? {
        Some(Setting::Known(p)) if !p.is_empty() => {
            let here = Path::new(&layer.input.path)
                .parent()
                .unwrap_or(Path::new(""));
            here.join(p)
        }
        _ => return Err(layer.err(file, "`extends.file` needs a path")),
    };
    let input = read(layer, file, &path)?;
    let docs = yaml::load_all(&input.text).map_err(|e| {
        let at = (e.line.max(1), e.column);
        input.error(at.0, at.1, format!("invalid YAML: {}", e.message))
    })?;
    let other = Layer {
        input: &input,
        vars: layer.vars,
        tags: tags(&input.text),
        dir: path.parent().unwrap_or(Path::new("")).to_path_buf(),
        depth,
        budget: Default::default(),
    };
    let found = docs.iter().find_map(|d| {
        let map = d.get("services")?;
        Some((map, map.get(&name)?))
    });
    let Some((map, base)) = found else {
        return missing(&other, docs.first().unwrap_or(file));
    };
    other.check(base)?;
    other.apply(acc, base, map)
}

/// An env file in `format: raw`: `KEY=VALUE` lines with the value exactly as written (quotes,
/// `$`, `#` and all), blank lines and `#` comment lines skipped.
pub(super) fn parse_raw(input: &Input) -> Result<Vars, ParseError> {
    let mut vars = Vars::default();
    for (i, line) in input.text.lines().enumerate() {
        let n = i as u32 + 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(input.error(n, 1, "expected KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            let what = format!("`{key}`: a variable name cannot be empty or contain a space");
            return Err(input.error(n, 1, what));
        }
        let at = input.origin(n, (line.len() - value.len()) as u32 + 1);
        vars.0
            .insert(key.to_string(), Sourced::new(value.to_string(), at));
    }
    Ok(vars)
}
