//! The GCP blueprint's inputs: `.tfvars` (and `.tfvars.json`) layered in order over the
//! variable defaults — the documented ones, or the `variable` blocks of the blueprint's `.tf`
//! files when given — and the blueprint's `required_project_services` list.

use super::env::{self, BlueprintEnv};
use super::expr::{self, Scalar};
use super::locals::{Entry, Locals, Value};
use crate::answers::Host;
use crate::catalog::Condition;
use crate::ingest::{Input, ParseError};
use crate::plan::{
    CloudNames, Origin, Plan, Process, ReplicaRange, Replicas, Role, Route, Services, Setting,
    Sourced, Startup, Target, Tls, Urls, MODE_VAR, REPLAY_FLAG, RETRY_FLAG,
};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Body;
use hcl_edit::Span;
use std::collections::BTreeMap;

/// A variable's value as hostwiz reads it.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str(String),
    Num(u64),
    Bool(bool),
    List(Vec<String>),
    Map(Vec<(String, Sourced<String>)>),
    /// An expression hostwiz does not evaluate (a reference, a function call, …).
    Opaque,
}

type Vars = BTreeMap<String, Sourced<Val>>;

const DEFAULTS: &str = "the blueprint's variables.tf";

fn documented_defaults() -> Vars {
    let d = |v| Sourced::new(v, Origin::Default(DEFAULTS));
    BTreeMap::from([
        ("enable_project_services".into(), d(Val::Bool(true))),
        ("enable_worker_service".into(), d(Val::Bool(false))),
        ("api_min_instances".into(), d(Val::Num(0))),
        ("api_max_instances".into(), d(Val::Num(10))),
        ("worker_min_instances".into(), d(Val::Num(0))),
        ("worker_max_instances".into(), d(Val::Num(5))),
        ("api_env".into(), d(Val::Map(Vec::new()))),
    ])
}

/// The plan these inputs describe. `tf` files give variable defaults and the blueprint's
/// service list; `tfvars` are applied over them in order; `enabled` is the project's live list.
pub fn plan(
    tfvars: &[Input],
    tf: &[Input],
    enabled: Option<Sourced<Vec<String>>>,
) -> Result<Plan, ParseError> {
    let mut vars = documented_defaults();
    let mut blueprint = None;
    let mut types = BTreeMap::new();
    let mut locals_at = BTreeMap::new();
    let mut local_exprs = Vec::new();
    for input in tf {
        let body = parse(input)?;
        for block in body.blocks() {
            match (block.ident.as_str(), block.labels.first()) {
                ("variable", Some(label)) => {
                    if let Some(Expression::Variable(t)) =
                        block.body.get_attribute("type").map(|a| &a.value)
                    {
                        types.insert(label.as_str().to_string(), t.as_str().to_string());
                    }
                    if let Some(default) = block.body.get_attribute("default") {
                        let v = value(input, &default.value);
                        vars.insert(
                            label.as_str().to_string(),
                            Sourced::new(v, origin(input, default.span())),
                        );
                    }
                }
                ("locals", _) => {
                    for a in block.body.attributes() {
                        let name = a.key.as_str().to_string();
                        locals_at.insert(name.clone(), origin(input, a.span()));
                        local_exprs.push((input, name, a.value.clone()));
                    }
                    if let Some(list) = block.body.get_attribute("required_project_services") {
                        if let Val::List(items) = value(input, &list.value) {
                            blueprint = Some(Sourced::new(items, origin(input, list.span())));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for input in tfvars {
        let values = if input.path.ends_with(".json") {
            json_values(input)?
        } else {
            hcl_values(input)?
        };
        vars.extend(values);
    }
    let mut locals = Locals::new(
        vars.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    to_value(&v.value, types.get(k).map(String::as_str)),
                )
            })
            .collect(),
    );
    for (input, name, e) in &local_exprs {
        locals.define(input, name, e);
    }
    let at = |name: &str| {
        locals_at
            .get(name)
            .cloned()
            .unwrap_or(Origin::Default(DEFAULTS))
    };
    // A service list built with functions (`toset(concat(...))`) is evaluated.
    if blueprint.is_none() && locals.defines("required_project_services") {
        if let Value::List(items) = locals.local("required_project_services") {
            let texts: Option<Vec<String>> =
                items.iter().map(|v| v.scalar().map(Scalar::text)).collect();
            blueprint = texts.map(|t| Sourced::new(t, at("required_project_services")));
        }
    }
    let from_locals = env::from_locals(&locals, at);
    Ok(build(tfvars.first(), vars, blueprint, enabled, from_locals))
}

/// A variable's value for the locals, converted to its declared type as Terraform does.
fn to_value(v: &Val, ty: Option<&str>) -> Value {
    let scalar = |s: Scalar| match ty {
        Some("bool") => s
            .boolean()
            .map_or(Value::Scalar(s.clone()), |b| Value::Scalar(Scalar::Bool(b))),
        Some("number") => s
            .number()
            .map_or(Value::Scalar(s.clone()), |n| Value::Scalar(Scalar::Num(n))),
        Some("string") => Value::str(s.text()),
        _ => Value::Scalar(s),
    };
    match v {
        Val::Str(s) => scalar(Scalar::Str(s.clone())),
        Val::Num(n) => scalar(Scalar::Num(*n as f64)),
        Val::Bool(b) => scalar(Scalar::Bool(*b)),
        Val::List(items) => Value::List(items.iter().map(Value::str).collect()),
        Val::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, e)| {
                    let entry = Entry {
                        value: Value::str(e.value.clone()),
                        origin: e.origin.clone(),
                    };
                    (k.clone(), entry)
                })
                .collect(),
        ),
        Val::Opaque => Value::Unknown("a variable value hostwiz does not evaluate".into()),
    }
}

fn parse(input: &Input) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(&input.text).map_err(|e| {
        let loc = e.location();
        input.error(
            loc.line() as u32,
            loc.column() as u32,
            format!("not valid HCL: {}", e.message()),
        )
    })
}

fn hcl_values(input: &Input) -> Result<Vars, ParseError> {
    let body = parse(input)?;
    Ok(body
        .attributes()
        .map(|a| {
            let v = value(input, &a.value);
            (
                a.key.as_str().to_string(),
                Sourced::new(v, origin(input, a.span())),
            )
        })
        .collect())
}

fn json_values(input: &Input) -> Result<Vars, ParseError> {
    let doc = input.json()?;
    let obj = doc
        .as_object()
        .ok_or_else(|| input.error(1, 1, "expected a JSON object of variables"))?;
    let line_of = |key: &str| {
        let needle = format!("\"{key}\"");
        input
            .text
            .lines()
            .position(|l| l.contains(&needle))
            .map_or(1, |i| i as u32 + 1)
    };
    Ok(obj
        .iter()
        .map(|(k, v)| {
            let at = input.origin(line_of(k), 1);
            let val = match v {
                serde_json::Value::String(s) => Val::Str(s.clone()),
                serde_json::Value::Bool(b) => Val::Bool(*b),
                serde_json::Value::Number(n) => n.as_u64().map_or(Val::Opaque, Val::Num),
                serde_json::Value::Array(items) => Val::List(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect(),
                ),
                serde_json::Value::Object(m) => Val::Map(
                    m.iter()
                        .map(|(mk, mv)| {
                            let text = mv.as_str().map_or_else(|| mv.to_string(), str::to_string);
                            (mk.clone(), Sourced::new(text, input.origin(line_of(mk), 1)))
                        })
                        .collect(),
                ),
                serde_json::Value::Null => Val::Opaque,
            };
            (k.clone(), Sourced::new(val, at))
        })
        .collect())
}

fn value(input: &Input, e: &Expression) -> Val {
    match e {
        Expression::String(s) => Val::Str(s.value().clone()),
        Expression::Bool(b) => Val::Bool(*b.value()),
        Expression::Number(n) => n.value().as_u64().map_or(Val::Opaque, Val::Num),
        // Arithmetic, conditionals and conversions, as Terraform evaluates them.
        Expression::BinaryOp(_)
        | Expression::UnaryOp(_)
        | Expression::Parenthesis(_)
        | Expression::Conditional(_) => match expr::eval(e) {
            Some(Scalar::Str(s)) => Val::Str(s),
            Some(Scalar::Bool(b)) => Val::Bool(b),
            Some(n) => n.count().map_or(Val::Opaque, Val::Num),
            None => Val::Opaque,
        },
        Expression::FuncCall(call)
            if ["tonumber", "tostring", "tobool"].contains(&call.name.name.as_str()) =>
        {
            match expr::eval(e) {
                Some(Scalar::Str(s)) => Val::Str(s),
                Some(Scalar::Bool(b)) => Val::Bool(b),
                Some(n) => n.count().map_or(Val::Opaque, Val::Num),
                None => Val::Opaque,
            }
        }
        Expression::Array(items) => Val::List(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        ),
        // `toset([...])`, as the blueprint writes its service list.
        Expression::FuncCall(call) if call.name.name.as_str() == "toset" => call
            .args
            .iter()
            .next()
            .map_or(Val::Opaque, |a| value(input, a)),
        Expression::Object(obj) => Val::Map(
            obj.iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => x.as_str()?.to_string(),
                    };
                    let text = match v.expr() {
                        Expression::String(s) => s.value().clone(),
                        Expression::Bool(b) => b.value().to_string(),
                        Expression::Number(n) => n.value().to_string(),
                        _ => return None,
                    };
                    Some((key, Sourced::new(text, origin(input, k.span()))))
                })
                .collect(),
        ),
        _ => Val::Opaque,
    }
}

fn origin(input: &Input, span: Option<std::ops::Range<usize>>) -> Origin {
    let offset = span.map_or(0, |s| s.start).min(input.text.len());
    let before = &input.text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    input.origin(line, column)
}

fn build(
    first: Option<&Input>,
    vars: Vars,
    blueprint: Option<Sourced<Vec<String>>>,
    enabled: Option<Sourced<Vec<String>>>,
    from_locals: Option<BlueprintEnv>,
) -> Plan {
    let file = first.map_or(Origin::Default(DEFAULTS), |i| i.origin(1, 1));
    let get = |k: &str| vars.get(k);
    let text = |k: &str| match get(k) {
        Some(Sourced {
            value: Val::Str(s),
            origin,
        }) => Some(Sourced::new(s.clone(), origin.clone())),
        _ => None,
    };
    // A bool or number variable given as a string converts as Terraform converts it.
    let flag = |k: &str| match get(k) {
        Some(Sourced {
            value: Val::Bool(b),
            origin,
        }) => Sourced::new(*b, origin.clone()),
        Some(Sourced {
            value: Val::Str(text),
            origin,
        }) if Scalar::Str(text.clone()).boolean().is_some() => {
            let b = Scalar::Str(text.clone()).boolean().unwrap_or_default();
            Sourced::new(b, origin.clone())
        }
        Some(s) => Sourced::new(false, s.origin.clone()),
        None => Sourced::new(false, Origin::Default(DEFAULTS)),
    };
    let num = |k: &str| match get(k) {
        Some(Sourced {
            value: Val::Num(n),
            origin,
        }) => (*n as u32, origin.clone()),
        Some(Sourced {
            value: Val::Str(text),
            origin,
        }) if Scalar::Str(text.clone()).count().is_some() => {
            let n = Scalar::Str(text.clone()).count().unwrap_or_default();
            (n as u32, origin.clone())
        }
        Some(s) => (0, s.origin.clone()),
        None => (0, Origin::Default(DEFAULTS)),
    };
    // Each end keeps its own line: BILL-004 and BILL-005 judge the maximum, BILL-008 the minimum.
    let range = |min: &str, max: &str| {
        let ((lo, lo_at), (hi, hi_at)) = (num(min), num(max));
        ReplicaRange::new(Replicas { min: lo, max: hi }, lo_at, hi_at)
    };

    let app_url = text("app_public_url");
    let api_url = text("api_base_url");
    let host_of = |u: &Sourced<String>| {
        let rest = u
            .value
            .split_once("://")
            .map_or(u.value.as_str(), |(_, r)| r);
        let host = rest
            .split(['/', ':', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        (!host.is_empty()).then(|| Sourced::new(host, u.origin.clone()))
    };
    let web_host = app_url.as_ref().and_then(host_of);
    let api_host = api_url.as_ref().and_then(host_of);
    let mut routes = Vec::new();
    if let Some(w) = &web_host {
        // The web service answers every path of its own domain: /api included, by construction.
        for prefix in ["/api", "/"] {
            routes.push(Route {
                host: w.value.clone(),
                prefix: prefix.into(),
                target: Target::Service(Role::Web),
                origin: w.origin.clone(),
            });
        }
    }
    if let Some(a) = &api_host {
        routes.push(Route {
            host: a.value.clone(),
            prefix: "/".into(),
            target: Target::Service(Role::Api),
            origin: a.origin.clone(),
        });
    }

    let mut worker = flag("enable_worker_service");
    if let Some(on) = from_locals.as_ref().and_then(|l| l.worker) {
        worker.value = on;
    }
    let mut api_env: BTreeMap<String, Sourced<Setting>> = BTreeMap::new();
    if worker.value {
        for (k, v) in [
            (RETRY_FLAG, "false"),
            (REPLAY_FLAG, "false"),
            (MODE_VAR, "dedicated"),
        ] {
            api_env.insert(k.into(), Sourced::new(v.into(), worker.origin.clone()));
        }
    }
    // locals.tf merges var.api_env after the worker defaults: an entry there wins.
    if let Some(Sourced {
        value: Val::Map(entries),
        ..
    }) = get("api_env")
    {
        api_env.extend(entries.iter().map(|(k, v)| {
            (
                k.clone(),
                Sourced::new(v.value.clone().into(), v.origin.clone()),
            )
        }));
    }
    let (mut api_unread, mut worker_env, mut worker_unread) = (Vec::new(), None, Vec::new());
    // The blueprint's own locals, when given, say what each process sees.
    if let Some(l) = from_locals {
        api_env = l.api.vars;
        api_unread = l.api.unread;
        worker_env = Some(l.worker_env.vars);
        worker_unread = l.worker_env.unread;
    }
    // api_secrets: env name → Secret Manager secret, given to the API and the worker alike
    // (locals.tf). The values are not in the file; the startup rules judge the references.
    let secrets: BTreeMap<String, Sourced<String>> = match get("api_secrets") {
        Some(Sourced {
            value: Val::Map(entries),
            ..
        }) => entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => BTreeMap::new(),
    };
    let mut processes = vec![
        Process {
            role: Role::Web,
            // The blueprint's web_min/max_instances where the tfvars set them (0 and 10 else).
            replicas: match get("web_max_instances") {
                Some(_) => range("web_min_instances", "web_max_instances"),
                None => Sourced::new(
                    Replicas { min: 0, max: 10 },
                    Origin::Default("Cloud Run defaults"),
                )
                .into(),
            },
            env: BTreeMap::new(),
            unread_env: Vec::new(),
            origin: app_url.as_ref().map_or(file.clone(), |u| u.origin.clone()),
            secrets: Default::default(),
        },
        Process {
            role: Role::Api,
            replicas: range("api_min_instances", "api_max_instances"),
            env: api_env,
            unread_env: api_unread,
            origin: file.clone(),
            secrets: secrets.clone(),
        },
    ];
    if worker.value {
        let env = worker_env.unwrap_or_else(|| {
            [
                (RETRY_FLAG, "true"),
                (REPLAY_FLAG, "true"),
                (MODE_VAR, "dedicated"),
            ]
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    Sourced::new(Setting::from(v), worker.origin.clone()),
                )
            })
            .collect()
        });
        processes.push(Process {
            role: Role::Worker,
            replicas: range("worker_min_instances", "worker_max_instances"),
            env,
            unread_env: worker_unread,
            origin: worker.origin.clone(),
            secrets,
        });
    }

    let registry = ["api_image", "web_image", "worker_image"]
        .into_iter()
        .filter_map(text)
        .find(|i| {
            i.value
                .split('/')
                .next()
                .is_some_and(|h| h.ends_with("-docker.pkg.dev"))
        });
    let conditions = registry
        .map(|i| Sourced::new(Condition::ArtifactRegistry, i.origin))
        .into_iter()
        .collect();
    let overrides = ["required_project_services", "project_services"]
        .into_iter()
        .find_map(|k| match get(k) {
            Some(Sourced {
                value: Val::List(items),
                origin,
            }) => Some(Sourced::new(items.clone(), origin.clone())),
            _ => None,
        });

    Plan {
        host: Host::Gcp,
        web_hosts: web_host.clone().into_iter().collect(),
        api_host,
        routes,
        tls: Tls::Automatic(file.clone()),
        processes,
        api_addresses: Vec::new(),
        // The blueprint's defaults alone are no deployment: its URLs are empty until a tfvars
        // file sets them, so they are judged only with one.
        urls: first.map(|_| Urls {
            app_public_url: app_url,
            api_base_url: api_url,
            origin: file,
        }),
        services: Some(Services {
            project_id: text("project_id"),
            enable_project_services: flag("enable_project_services"),
            blueprint,
            enabled,
            conditions,
            extra: Vec::new(),
            overrides,
        }),
        // The names the blueprint builds resources from, from the tfvars or its defaults
        // (`storage_bucket_name` defaults to `assets`); the processes' settings come partly
        // from locals this reading may not have, so a missing one is no finding here.
        startup: Some(Startup {
            names: Some(CloudNames {
                project_name: text("project_name"),
                environment: text("environment"),
                bucket: text("storage_bucket_name"),
            }),
            partial: true,
            ..Startup::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_expressions_convert_as_terraform_does() {
        let p = tfvars("api_max_instances = \"7\"\napi_min_instances = 3 - 2\n");
        let api = p.processes(Role::Api).next().unwrap();
        assert_eq!(api.replicas.value, Replicas { min: 1, max: 7 });
        let p = tfvars("enable_worker_service = \"true\"\nworker_max_instances = 2 * (1 + 1)\n");
        let worker = p.processes(Role::Worker).next().unwrap();
        assert_eq!(worker.replicas.value.max, 4);
        let p = tfvars("enable_worker_service = tobool(\"false\")\n");
        assert_eq!(p.processes(Role::Worker).count(), 0);
    }

    #[test]
    fn the_defaults_alone_judge_no_urls() {
        let tf = Input::new(
            "variables.tf",
            "variable \"app_public_url\" {\n  default = \"\"\n}\n",
        );
        assert_eq!(
            plan(&[], std::slice::from_ref(&tf), None).unwrap().urls,
            None
        );
        let with = plan(&[Input::new("p.tfvars", "x = 1\n")], &[tf], None).unwrap();
        let urls = with.urls.unwrap();
        assert_eq!(
            urls.app_public_url.unwrap().origin,
            Input::new("variables.tf", "").origin(2, 3)
        );
    }

    fn tfvars(text: &str) -> Plan {
        plan(&[Input::new("prod.tfvars", text)], &[], None).unwrap()
    }

    #[test]
    fn api_env_merges_last_and_keeps_its_line() {
        let p = tfvars(
            "enable_worker_service = true\napi_env = {\n  ENABLE_BILLING_STREAM_REPLAY = \"true\"\n}\n",
        );
        let api = p.processes(Role::Api).next().unwrap();
        assert_eq!(api.env[REPLAY_FLAG].value, "true");
        assert_eq!(
            api.env[REPLAY_FLAG].origin,
            Origin::File {
                path: "prod.tfvars".into(),
                line: 3,
                column: 3
            }
        );
        assert_eq!(api.env[RETRY_FLAG].value, "false");
    }

    #[test]
    fn defaults_apply_where_the_file_is_silent() {
        let p = tfvars("project_id = \"acme-prod\"\n");
        let api = p.processes(Role::Api).next().unwrap();
        assert_eq!(api.replicas.value, Replicas { min: 0, max: 10 });
        assert!(p.processes(Role::Worker).next().is_none());
        assert!(p.services.unwrap().enable_project_services.value);
    }

    #[test]
    fn blueprint_list_and_variable_defaults_come_from_tf_files() {
        let tf = Input::new(
            "locals.tf",
            "locals {\n  required_project_services = toset([\n    \"run.googleapis.com\",\n  ])\n}\n\
             variable \"enable_worker_service\" {\n  default = true\n}\n",
        );
        let p = plan(&[], &[tf], None).unwrap();
        assert!(p.processes(Role::Worker).next().is_some());
        let list = p.services.unwrap().blueprint.unwrap();
        assert_eq!(list.value, ["run.googleapis.com"]);
        assert_eq!(
            list.origin,
            Origin::File {
                path: "locals.tf".into(),
                line: 2,
                column: 3
            }
        );
    }

    #[test]
    fn json_tfvars_and_errors() {
        let p = plan(
            &[Input::new(
                "prod.tfvars.json",
                "{\n  \"enable_worker_service\": true,\n  \"worker_min_instances\": 0\n}\n",
            )],
            &[],
            None,
        )
        .unwrap();
        let w = p.processes(Role::Worker).next().unwrap();
        assert_eq!(w.replicas.value.min, 0);
        let err = plan(&[Input::new("bad.tfvars", "a = {\n")], &[], None).unwrap_err();
        assert_eq!(err.path, "bad.tfvars");
        assert!(err.message.contains("HCL"), "{err:?}");
    }
}
