//! The GCP blueprint's inputs: `.tfvars` (and `.tfvars.json`) layered in order over the
//! variable defaults — the documented ones, or the `variable` blocks of the blueprint's `.tf`
//! files when given — and the blueprint's `required_project_services` list.

use super::env::{self, BlueprintEnv};
use crate::answers::Host;
use crate::catalog::Condition;
use crate::ingest::terraform::vars::{self, Val, Vars};
use crate::ingest::terraform::{Blueprint, Scalar, Value};
use crate::ingest::{Input, ParseError};
use crate::plan::{
    CloudNames, Origin, Plan, Process, ReplicaRange, Replicas, Role, Services, Setting, Sourced,
    Startup, Tls, Urls, MODE_VAR, REPLAY_FLAG, RETRY_FLAG,
};
use std::collections::BTreeMap;

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
    let b = Blueprint::read(documented_defaults(), tf, tfvars)?;
    let fallback = Origin::Default(DEFAULTS);
    let at = |name: &str| b.local_at(name, &fallback);
    let mut blueprint = b
        .local_expr("required_project_services")
        .and_then(|(input, e)| match vars::value(input, e) {
            Val::List(items) => Some(Sourced::new(items, at("required_project_services"))),
            _ => None,
        });
    let locals = b.locals();
    // A service list built with functions (`toset(concat(...))`) is evaluated.
    if blueprint.is_none() && locals.defines("required_project_services") {
        if let Value::List(items) = locals.local("required_project_services") {
            let texts: Option<Vec<String>> =
                items.iter().map(|v| v.scalar().map(Scalar::text)).collect();
            blueprint = texts.map(|t| Sourced::new(t, at("required_project_services")));
        }
    }
    let from_locals = env::from_locals(&locals, at);
    Ok(build(
        tfvars.first(),
        b.vars,
        blueprint,
        enabled,
        from_locals,
    ))
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
    let text = |k: &str| vars::text(&vars, k);
    let default = Origin::Default(DEFAULTS);
    let flag = |k: &str| vars::flag(&vars, k, &default);
    let num = |k: &str| vars::count(&vars, k, &default);
    // Each end keeps its own line: BILL-004 and BILL-005 judge the maximum, BILL-008 the minimum.
    let range = |min: &str, max: &str| {
        let ((lo, lo_at), (hi, hi_at)) = (num(min), num(max));
        ReplicaRange::new(Replicas { min: lo, max: hi }, lo_at, hi_at)
    };

    let app_url = text("app_public_url");
    let api_url = text("api_base_url");
    let hosts = crate::hosts::blueprint::PublicHosts::new(app_url.as_ref(), api_url.as_ref());
    let routes = hosts.routes();
    let (web_host, api_host) = (hosts.web, hosts.api);

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
    let secrets = vars::map(&vars, "api_secrets");
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
        note: None,
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
                max: super::NAME_LIMIT,
                limited_by: super::LIMITED_BY,
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
