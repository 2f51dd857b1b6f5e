//! The two phases for each host, as edits of the operator's own files.

use super::{evaluate, file_name, yaml_edit, Deployment, Phase};
use crate::answers::{Host, WorkerMode};
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::ingest::yaml;
use crate::ingest::Input;
use crate::plan::{billing_env, Plan, Role, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};
use hcl_edit::expr::{Expression, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Body};
use hcl_edit::Decorate;

pub const WORKER_OVERRIDE: &str = "docker-compose.worker.yml";
pub const PROFILES_VAR: &str = "COMPOSE_PROFILES";

pub(crate) fn phases(d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)> {
    match d.host {
        Host::K8s => helm(d),
        Host::Vps => compose(d, plan),
        Host::Gcp => gcp(d),
    }
}

/// Both phases from the original file and each phase's text; phase 2 also carries every file
/// phase 1 changed, so either phase can be copied over the operator's originals.
fn pair(kind: Kind, original: &Input, t1: String, t2: String) -> (Phase, Phase) {
    let changed1 = t1 != original.text;
    let input = |text: String| (kind, Input::new(original.path.clone(), text));
    let p1 = Phase {
        changed: if changed1 { vec![input(t1)] } else { vec![] },
        profiles: vec![],
    };
    let p2 = Phase {
        changed: if changed1 || t2 != original.text {
            vec![input(t2)]
        } else {
            vec![]
        },
        profiles: vec![],
    };
    (p1, p2)
}

fn q(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialize")
}

/// An HCL quoted string: JSON escapes plus HCL's template sequences (as `render` writes them).
fn hcl_q(s: &str) -> String {
    q(s).replace("${", "$${").replace("%{", "%%{")
}

/// The API's flags in dedicated mode, as hostwiz writes them.
fn api_dedicated() -> Vec<(&'static str, &'static str)> {
    billing_env(Role::Api, WorkerMode::Dedicated)
}

// ---------------------------------------------------------------------------------------- Helm

fn helm(d: &Deployment) -> Result<(Phase, Phase)> {
    let values: Vec<&Input> = d.of(Kind::HelmValues).collect();
    let target = *values.last().expect("checked when read");
    let edit = |text: &str, path: &[&str], value: &str| {
        yaml_edit::set(text, path, value).map_err(|e| {
            Error::NotWritten(format!(
                "{}: cannot set {} ({e}); make the change by hand",
                target.path,
                path.join(".")
            ))
        })
    };
    let mut t1 = target.text.clone();
    for (k, v) in api_dedicated() {
        t1 = edit(&t1, &["api", "env", k], &q(v))?;
    }
    let mut t2 = edit(&t1, &["worker", "enabled"], "true")?;
    let first_doc = |i: &Input| {
        yaml::load_all(&i.text)
            .ok()
            .and_then(|d| d.into_iter().next())
    };
    let docs: Vec<_> = values.iter().filter_map(|i| first_doc(i)).collect();
    let set_in = |path: &[&str]| {
        docs.iter()
            .rev()
            .find_map(|doc| doc.at(path).filter(|n| !n.is_null()).cloned())
    };
    if !set_in(&["worker", "image"]).is_some_and(|n| n.go_truthy()) {
        // The chart has no fallback for the worker image: the API's, as apply writes it.
        let image = set_in(&["api", "image"]).ok_or_else(|| {
            Error::NotWritten(format!(
                "{}: neither worker.image nor api.image is set; set worker.image and re-run",
                target.path
            ))
        })?;
        let image = image.as_str().map(str::to_string).ok_or_else(|| {
            Error::NotWritten(format!(
                "{}: api.image is not a single string, so worker.image cannot default to it; \
                 set worker.image and re-run",
                target.path
            ))
        })?;
        t2 = edit(&t2, &["worker", "image"], &q(&image))?;
    }
    t2 = edit(&t2, &["worker", "replicaCount"], "1")?;
    // A worker.env that turns a flag off (BILL-003) or names another mode is fixed too.
    let candidate = d.overlay(&[(
        Kind::HelmValues,
        Input::new(target.path.clone(), t2.clone()),
    )]);
    let (plan2, _) = evaluate(&candidate, &[])?;
    if let Some(w) = plan2.processes(Role::Worker).next() {
        for (k, v) in [
            (RETRY_FLAG, "true"),
            (REPLAY_FLAG, "true"),
            (MODE_VAR, "dedicated"),
        ] {
            if w.env.get(k).map(|s| s.value.as_str()) != Some(v) {
                t2 = edit(&t2, &["worker", "env", k], &q(v))?;
            }
        }
    }
    Ok(pair(Kind::HelmValues, target, t1, t2))
}

// ------------------------------------------------------------------------------------- Compose

fn compose(d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)> {
    let dir = [Kind::Compose, Kind::EnvFile, Kind::Caddyfile]
        .into_iter()
        .find_map(|k| d.of(k).next())
        .map(|i| &i.path[..i.path.len() - file_name(&i.path).len()])
        .unwrap_or_default()
        .to_string();
    let override_path = d
        .of(Kind::Compose)
        .find(|i| file_name(&i.path) == WORKER_OVERRIDE)
        .map_or_else(|| format!("{dir}{WORKER_OVERRIDE}"), |i| i.path.clone());
    let text = worker_override(plan)?;
    let mut p1 = Phase {
        changed: vec![(
            Kind::Compose,
            Input::new(override_path.clone(), text.clone()),
        )],
        profiles: vec![],
    };
    let mut p2 = Phase {
        changed: vec![(Kind::Compose, Input::new(override_path, text))],
        profiles: vec![],
    };
    match env_target(d) {
        Some(env) => {
            let (e1, e2) = pair(
                Kind::EnvFile,
                env,
                without_worker(&env.text),
                with_worker(&env.text),
            );
            p1.changed.extend(e1.changed);
            p2.changed.extend(e2.changed);
        }
        // No env file: the commands pass the profile (`--profile worker`).
        None => p2.profiles = vec!["worker".into()],
    }
    Ok((p1, p2))
}

/// hostwiz's worker override as `apply` renders it for this deployment's API scale.
fn worker_override(plan: &Plan) -> Result<String> {
    let api = plan
        .processes(Role::Api)
        .map(|p| p.replicas.value.max)
        .max()
        .unwrap_or(1);
    let source = crate::source::Source::Preset("vps-worker".into());
    let mut a = crate::source::load(&source, &[])?;
    a.worker = WorkerMode::Dedicated;
    a.scale.api_replicas = api.max(1);
    a.scale.worker_replicas = 1;
    crate::render::render(&a)
        .into_iter()
        .find(|f| f.path == WORKER_OVERRIDE)
        .map(|f| f.contents)
        .ok_or_else(|| Error::NotWritten("the worker override did not render".into()))
}

/// The env file that carries (or will carry) `COMPOSE_PROFILES`.
pub(crate) fn env_target(d: &Deployment) -> Option<&Input> {
    let envs: Vec<&Input> = d.of(Kind::EnvFile).collect();
    envs.iter()
        .rev()
        .find(|i| i.text.lines().any(|l| profiles_of(l).is_some()))
        .or_else(|| envs.iter().find(|i| file_name(&i.path) == "compose.env"))
        .or_else(|| envs.iter().find(|i| file_name(&i.path) == ".env"))
        .or(envs.last())
        .copied()
}

/// The profiles a `COMPOSE_PROFILES=…` line lists, with its `export ` prefix.
fn profiles_of(line: &str) -> Option<(&str, Vec<String>)> {
    let t = line.trim_start();
    let (prefix, rest) = match t.strip_prefix("export ") {
        Some(r) => ("export ", r.trim_start()),
        None => ("", t),
    };
    let value = rest
        .strip_prefix(PROFILES_VAR)?
        .trim_start()
        .strip_prefix('=')?;
    let value = value.split(" #").next().unwrap_or_default().trim();
    let list = value
        .trim_matches(['"', '\''])
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect();
    Some((prefix, list))
}

/// The profiles the env file activates, `worker` left out.
pub(crate) fn other_profiles(env: Option<&Input>) -> Vec<String> {
    env.into_iter()
        .flat_map(|e| e.text.lines().filter_map(profiles_of).next_back())
        .flat_map(|(_, list)| list)
        .filter(|p| p != "worker")
        .collect()
}

fn rewrite_profiles(text: &str, change: impl Fn(&mut Vec<String>)) -> Option<String> {
    let mut hit = false;
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match profiles_of(line) {
            Some((prefix, mut list)) => {
                hit = true;
                let before = list.clone();
                change(&mut list);
                if list == before {
                    out.push_str(line);
                } else if !list.is_empty() {
                    out.push_str(&format!("{prefix}{PROFILES_VAR}={}\n", list.join(",")));
                }
            }
            None => out.push_str(line),
        }
    }
    hit.then_some(out)
}

/// Phase 1's env file: `worker` taken out of `COMPOSE_PROFILES` (the line dropped when nothing
/// is left); everything else as it was.
fn without_worker(text: &str) -> String {
    rewrite_profiles(text, |l| l.retain(|p| p != "worker")).unwrap_or_else(|| text.to_string())
}

/// Phase 2's env file: `worker` in `COMPOSE_PROFILES`, added as `apply` writes it when absent.
fn with_worker(text: &str) -> String {
    let add = |l: &mut Vec<String>| {
        if !l.iter().any(|p| p == "worker") {
            l.push("worker".into());
        }
    };
    rewrite_profiles(text, add).unwrap_or_else(|| {
        let mut s = text.to_string();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str("# One dedicated worker owns billing retries and stream replay.\n");
        s.push_str(&format!("{PROFILES_VAR}=worker\n"));
        s
    })
}

// ----------------------------------------------------------------------------------------- GCP

fn gcp(d: &Deployment) -> Result<(Phase, Phase)> {
    let target = d
        .of(Kind::Tfvars)
        .filter(|i| !i.path.ends_with(".json"))
        .last()
        .expect("checked when read");
    let fail = |what: String| {
        Error::NotWritten(format!("{}: {what}; make the change by hand", target.path))
    };
    let mut body: Body = hcl_edit::parser::parse_body(&target.text)
        .map_err(|e| fail(format!("not valid HCL ({})", e.message())))?;
    set_api_env(&mut body).map_err(fail)?;
    if let Some(mut a) = body.get_attribute_mut("enable_worker_service") {
        if !matches!(a.value_mut(), Expression::Bool(b) if !*b.value()) {
            replace(a.value_mut(), Expression::from(false));
        }
    }
    let t1 = body.to_string();
    let api_image = match body.get_attribute("api_image").map(|a| &a.value) {
        Some(Expression::String(s)) => Some(s.value().to_string()),
        _ => None,
    };
    let mut settings: Vec<(&str, String)> = vec![("enable_worker_service", "true".into())];
    if !body.has_attribute("worker_image") {
        if let Some(image) = api_image {
            settings.push(("worker_image", hcl_q(&image)));
        }
    }
    settings.push(("worker_min_instances", "1".into()));
    settings.push(("worker_max_instances", "1".into()));
    let mut anchor: Option<String> = None;
    for (key, value) in settings {
        set_attribute(&mut body, key, &value, anchor.as_deref()).map_err(fail)?;
        anchor = Some(key.to_string());
    }
    Ok(pair(Kind::Tfvars, target, t1, body.to_string()))
}

/// A new expression in the place of an old one, keeping the spacing and comments around it.
fn replace(slot: &mut Expression, new: Expression) {
    let decor = slot.decor().clone();
    *slot = new;
    *slot.decor_mut() = decor;
}

fn parse_expr(text: &str) -> Result<Expression, String> {
    let body = hcl_edit::parser::parse_body(&format!("x = {text}\n"))
        .map_err(|e| format!("cannot write {text}: {}", e.message()))?;
    body.into_attributes()
        .next()
        .map(|a| a.value)
        .ok_or_else(|| format!("cannot write {text}"))
}

/// `key = value` set in place, or inserted after `after` (aligned with it), or appended.
fn set_attribute(
    body: &mut Body,
    key: &str,
    value: &str,
    after: Option<&str>,
) -> Result<(), String> {
    let new = parse_expr(value)?;
    if let Some(mut a) = body.get_attribute_mut(key) {
        replace(a.value_mut(), new);
        return Ok(());
    }
    let position = after.and_then(|k| {
        body.iter()
            .position(|s| s.as_attribute().is_some_and(|a| a.has_key(k)))
    });
    match position {
        Some(i) => {
            let anchor = body.get(i).and_then(|s| s.as_attribute()).expect("found");
            let suffix_len = anchor.key.decor().suffix().map_or(1, |s| s.len());
            let eq_col = (anchor.key.as_str().len() + suffix_len).max(key.len() + 1);
            let line = format!("{key}{}= {value}\n", " ".repeat(eq_col - key.len()));
            body.insert(i + 1, parse_attribute(&line)?);
        }
        None => {
            let mut attr = parse_attribute(&format!("{key} = {value}\n"))?;
            attr.decor_mut().set_prefix("\n");
            body.push(attr);
        }
    }
    Ok(())
}

fn parse_attribute(line: &str) -> Result<Attribute, String> {
    hcl_edit::parser::parse_body(line)
        .map_err(|e| format!("cannot write {line:?}: {}", e.message()))?
        .into_attributes()
        .next()
        .ok_or_else(|| format!("cannot write {line:?}"))
}

fn key_name(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Ident(i) => Some(i.as_str().to_string()),
        ObjectKey::Expression(e) => e.as_str().map(str::to_string),
    }
}

/// `api_env` gets the API's dedicated flags: existing entries changed in place, missing ones
/// added aligned with the others, the map created when absent or empty.
fn set_api_env(body: &mut Body) -> Result<(), String> {
    let mut env = api_dedicated();
    env.sort();
    let fresh = || {
        let width = env.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let lines: String = env
            .iter()
            .map(|(k, v)| format!("  {k:width$} = {}\n", hcl_q(v)))
            .collect();
        format!("{{\n{lines}}}")
    };
    let Some(mut attr) = body.get_attribute_mut("api_env") else {
        let mut attr = parse_attribute(&format!("api_env = {}\n", fresh()))?;
        attr.decor_mut().set_prefix("\n");
        body.push(attr);
        return Ok(());
    };
    let Expression::Object(obj) = attr.value_mut() else {
        return Err("api_env is not a literal map, so its entries cannot be set".into());
    };
    if obj.is_empty() {
        replace(attr.value_mut(), parse_expr(&fresh())?);
        return Ok(());
    }
    let (indent, eq_col) = {
        let (k, _) = obj.iter().next().expect("not empty");
        let raw = |r: Option<&hcl_edit::RawString>| r.map(|s| s.to_string());
        let prefix = raw(k.decor().prefix()).unwrap_or_else(|| "  ".into());
        let indent = prefix.rsplit('\n').next().unwrap_or("  ").to_string();
        let name = key_name(k).unwrap_or_default();
        let suffix = raw(k.decor().suffix()).map_or(1, |s| s.len());
        (indent, name.len() + suffix)
    };
    for (key, value) in env {
        let new = Expression::from(value);
        let slot = obj
            .iter_mut()
            .find(|(k, _)| key_name(k.get()).as_deref() == Some(key));
        match slot {
            Some((_, v)) => replace(v.expr_mut(), new),
            None => {
                let mut k = ObjectKey::Ident(hcl_edit::Decorated::new(hcl_edit::Ident::new(key)));
                let pad = eq_col.max(key.len() + 1) - key.len();
                k.decor_mut().set_prefix(indent.clone());
                k.decor_mut().set_suffix(" ".repeat(pad));
                let mut v = ObjectValue::new(new);
                v.expr_mut().decor_mut().set_prefix(" ");
                v.set_terminator(hcl_edit::expr::ObjectValueTerminator::Newline);
                obj.insert(k, v);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_profiles() {
        let t = "# keep\nA=1\nCOMPOSE_PROFILES=local-db,worker # x\n";
        assert_eq!(
            without_worker(t),
            "# keep\nA=1\nCOMPOSE_PROFILES=local-db\n"
        );
        assert_eq!(without_worker("COMPOSE_PROFILES=worker\nB=2\n"), "B=2\n");
        assert_eq!(
            with_worker("A=1\nCOMPOSE_PROFILES=local-db\n"),
            "A=1\nCOMPOSE_PROFILES=local-db,worker\n"
        );
        assert_eq!(with_worker(t), t);
        assert!(with_worker("A=1").ends_with("A=1\n# One dedicated worker owns billing retries and stream replay.\nCOMPOSE_PROFILES=worker\n"));
    }

    #[test]
    fn api_env_entries_are_added_and_aligned() {
        let mut body =
            hcl_edit::parser::parse_body("api_env = {\n  # mine\n  FOO   = \"1\"\n}\n").unwrap();
        set_api_env(&mut body).unwrap();
        let t = body.to_string();
        assert!(
            t.starts_with("api_env = {\n  # mine\n  FOO   = \"1\"\n"),
            "{t}"
        );
        assert!(
            t.contains("\n  ENABLE_BILLING_RETRY_WORKER = \"false\"\n"),
            "{t}"
        );
        let mut body = hcl_edit::parser::parse_body("x = 1\n").unwrap();
        set_api_env(&mut body).unwrap();
        assert!(body
            .to_string()
            .contains("\napi_env = {\n  BILLING_RETRY_DEPLOYMENT_MODE = \"dedicated\"\n"));
    }
}
