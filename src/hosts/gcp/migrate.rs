//! The two migration phases on the GCP blueprint's tfvars, edited in place with comments
//! kept, and the commands that roll each out.

use crate::answers::WorkerMode;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::migrate::{dir_of, file_name, sh, Operations, Phase, DISABLED};
use crate::pipeline::Deployment;
use crate::plan::{billing_env, Plan, Role};
use crate::render::hcl_str as hcl_q;
use hcl_edit::expr::{Expression, ObjectKey, ObjectValue};
use hcl_edit::structure::{Attribute, Body};
use hcl_edit::Decorate;

pub(super) fn phases(d: &Deployment) -> Result<(Phase, Phase)> {
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
    Ok(Phase::pair(Kind::Tfvars, target, t1, body.to_string()))
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
    let mut env = billing_env(Role::Api, WorkerMode::Dedicated);
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

/// Terraform plans and applies of the operator's tfvars, watched with gcloud.
pub(super) fn operations(d: &Deployment, plan: &Plan) -> Operations {
    let tfvars = d
        .of(Kind::Tfvars)
        .filter(|i| !i.path.ends_with(".json"))
        .last()
        .map(|i| i.path.clone())
        .unwrap_or_default();
    let dir = match dir_of(&tfvars) {
        "" => ".".to_string(),
        d => d.to_string(),
    };
    let name = file_name(&tfvars).to_string();
    let tf = format!("terraform -chdir={}", sh(&dir));
    let apply = |plan_name: &str, extra: &str| {
        format!(
            "{tf} plan -var-file={}{extra} -out={plan_name}.tfplan\n{tf} apply {plan_name}.tfplan",
            sh(&name)
        )
    };
    let project = plan
        .services
        .as_ref()
        .and_then(|s| s.project_id.as_ref())
        .map_or("$PROJECT".to_string(), |p| p.value.clone());
    let region = d
        .of(Kind::Tfvars)
        .find_map(|i| region_of(&i.text))
        .unwrap_or_else(|| "$REGION".into());
    let logs = |text: &str| {
        format!(
                    "gcloud logging read 'resource.type=\"cloud_run_revision\" AND textPayload:\"{text}\"' --project {project} --freshness=1h"
                )
    };
    Operations {
                vars: Vec::new(),
                deploy: [
                    apply("migrate-phase-1", ""),
                    apply("migrate-phase-2", ""),
                    apply("migrate-rollback", " -var api_max_instances=1"),
                ],
                settle: [
                    format!("gcloud run services list --project {project} --region {region}"),
                    format!("gcloud run services list --project {project} --region {region}"),
                ],
                api_logs: logs(DISABLED),
                worker_logs: logs("retry worker"),
                api_ps: format!(
                    "gcloud run revisions list --project {project} --region {region} # the API's previous revision serves no traffic and has no instances"
                ),
                stop_worker: format!(
                    "cp \"$OUT/phase-1/{name}\" {}\n{}",
                    sh(&tfvars),
                    apply("migrate-stop-worker", "")
                ),
            }
}

fn region_of(text: &str) -> Option<String> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    match &body.get_attribute("region")?.value {
        hcl_edit::expr::Expression::String(s) => Some(s.value().to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
