//! The AWS blueprint's inputs read back: tfvars over the variable defaults (the `.tf` files'
//! when given, else the documented ones), the API's and the web's env from the blueprint's
//! `local.api_env_combined` / `local.web_env_combined` (else composed as `locals.tf`
//! documents), and the blueprint's defects found in its `.tf` files.

use crate::answers::Host;
use crate::ingest::terraform::vars::{self, Val, Vars};
use crate::ingest::terraform::{Blueprint, Env};
use crate::ingest::{Input, ParseError};
use crate::plan::{
    CloudNames, Origin, Patch, Plan, Process, ReplicaRange, Replicas, Role, Setting, Sourced,
    Startup, Tls, Unknown, Urls,
};
use std::collections::BTreeMap;

const DEFAULTS: &str = "the AWS blueprint's variables.tf";

/// Variables whose names only the AWS blueprint has.
const OWN_VARS: [&str; 4] = [
    "acm_certificate_arn",
    "aws_sm_signing_secret_arn",
    "api_desired_count",
    "redis_auth_token",
];

/// Whether a named Terraform file is the AWS blueprint's: under its folder, or setting one of
/// its own variables.
pub fn claims(input: &Input) -> bool {
    crate::hosts::blueprint::claims(input, "infra/aws/", "resource \"aws_", &OWN_VARS)
}

fn documented_defaults() -> Vars {
    let d = |v| Sourced::new(v, Origin::Default(DEFAULTS));
    BTreeMap::from([
        ("region".into(), d(Val::Str("us-east-1".into()))),
        ("secrets_provider".into(), d(Val::Str("aws_sm".into()))),
        ("storage_provider".into(), d(Val::Str("s3".into()))),
        ("enable_https".into(), d(Val::Bool(true))),
        ("api_desired_count".into(), d(Val::Num(1))),
        ("web_desired_count".into(), d(Val::Num(1))),
        ("api_env".into(), d(Val::Map(Vec::new()))),
        ("web_env".into(), d(Val::Map(Vec::new()))),
    ])
}

pub fn plan(tfvars: &[Input], tf: &[Input]) -> Result<Plan, ParseError> {
    let b = Blueprint::read(documented_defaults(), tf, tfvars)?;
    let file = tfvars
        .first()
        .map_or(Origin::Default(DEFAULTS), |i| i.origin(1, 1));
    let default = Origin::Default(DEFAULTS);
    let v = &b.vars;
    let text = |k: &str| vars::text(v, k).filter(|s| !s.value.trim().is_empty());
    let https = vars::flag(v, "enable_https", &default);

    let (api_env, web_env) =
        crate::hosts::blueprint::api_web_env(&b, &file, || documented_env(v, &file));

    let app_url = text("app_public_url");
    let api_url = text("api_base_url");
    let hosts = crate::hosts::blueprint::PublicHosts::new(app_url.as_ref(), api_url.as_ref());
    let routes = hosts.routes();
    let (web_host, api_host) = (hosts.web, hosts.api);

    // ECS desired counts: fixed, no autoscaling resources in the blueprint.
    let count = |k: &str| {
        let (n, origin) = vars::count(v, k, &default);
        ReplicaRange::new(Replicas::fixed(n), origin.clone(), origin)
    };
    // locals.tf drops api_secrets entries with blank values; web_secrets are kept as given.
    let mut secrets = vars::map(v, "api_secrets");
    secrets.retain(|_, s| !s.value.trim().is_empty());
    let processes = vec![
        Process {
            role: Role::Web,
            replicas: count("web_desired_count"),
            env: web_env.vars,
            unread_env: web_env.unread,
            origin: app_url.as_ref().map_or(file.clone(), |u| u.origin.clone()),
            secrets: vars::map(v, "web_secrets"),
        },
        Process {
            role: Role::Api,
            replicas: count("api_desired_count"),
            env: api_env.vars,
            unread_env: api_env.unread,
            origin: file.clone(),
            secrets,
        },
    ];

    let names = match (text("project_name"), text("environment")) {
        (Some(project_name), Some(environment)) => Some(CloudNames {
            project_name: Some(project_name),
            environment: Some(environment),
            bucket: text("storage_bucket_name"),
            max: super::NAME_LIMIT,
            limited_by: super::LIMITED_BY,
        }),
        _ => None,
    };
    let startup = Startup {
        names,
        patches: patches(tf),
        ..Startup::default()
    };

    Ok(Plan {
        note: None,
        host: Host::Aws,
        web_hosts: web_host.into_iter().collect(),
        api_host,
        routes,
        tls: Tls::Automatic(text("acm_certificate_arn").map_or(https.origin.clone(), |c| c.origin)),
        processes,
        api_addresses: Vec::new(),
        // The defaults alone are no deployment: judged only with a tfvars file.
        urls: tfvars.first().map(|_| Urls {
            app_public_url: app_url,
            api_base_url: api_url,
            origin: file.clone(),
        }),
        services: None,
        // The blueprint composes each container's whole env and secrets: what it does not
        // give, the process does not get.
        startup: (!tfvars.is_empty() || !tf.is_empty()).then_some(startup),
    })
}

/// The env `locals.tf` composes (STARTER-FACTS G.3), for a tfvars file read without the
/// blueprint's `.tf` files.
fn documented_env(v: &Vars, file: &Origin) -> (Env, Env) {
    let text = |k: &str| vars::text(v, k).filter(|s| !s.value.trim().is_empty());
    let from = |k: &str| vars::text(v, k).map(|s| s.origin).unwrap_or(file.clone());
    let mut api = Env::default();
    let set = |env: &mut Env, k: &str, value: Option<String>, origin: Origin| {
        let setting = match value {
            Some(s) => Setting::Known(s),
            None => Setting::Unknown(Unknown::Expression(format!(
                "{k} (the ALB's DNS name, known after apply)"
            ))),
        };
        env.vars.insert(k.into(), Sourced::new(setting, origin));
    };
    let app = text("app_public_url").map(|u| u.value.trim().to_string());
    let api_url = text("api_base_url").map(|u| u.value.trim().to_string());
    let provider = text("secrets_provider").map_or("aws_sm".to_string(), |s| s.value);
    let key_provider = text("auth_key_storage_provider").map_or(provider.clone(), |s| s.value);
    let region = text("region").map(|s| s.value);
    let s = |k: &str| text(k).map(|x| x.value);
    set(&mut api, "PORT", Some("8000".into()), file.clone());
    set(
        &mut api,
        "ENVIRONMENT",
        s("environment"),
        from("environment"),
    );
    set(
        &mut api,
        "APP_PUBLIC_URL",
        app.clone(),
        from("app_public_url"),
    );
    set(
        &mut api,
        "SECRETS_PROVIDER",
        Some(provider.clone()),
        from("secrets_provider"),
    );
    set(&mut api, "AWS_REGION", region.clone(), from("region"));
    set(
        &mut api,
        "AUTH_KEY_STORAGE_BACKEND",
        Some("secret-manager".into()),
        file.clone(),
    );
    set(
        &mut api,
        "AUTH_KEY_STORAGE_PROVIDER",
        Some(key_provider),
        from("auth_key_storage_provider"),
    );
    set(
        &mut api,
        "STORAGE_PROVIDER",
        s("storage_provider"),
        from("storage_provider"),
    );
    set(
        &mut api,
        "S3_BUCKET",
        s("storage_bucket_name"),
        from("storage_bucket_name"),
    );
    set(&mut api, "S3_REGION", region, from("region"));
    let api_host = api_url.as_ref().map(|u| {
        let rest = u.split_once("://").map_or(u.as_str(), |(_, r)| r);
        rest.split('/').next().unwrap_or_default().to_string()
    });
    set(
        &mut api,
        "ALLOWED_HOSTS",
        api_host.map(|h| format!("{h},127.0.0.1,localhost")),
        from("api_base_url"),
    );
    set(&mut api, "ALLOWED_ORIGINS", app, from("app_public_url"));
    if provider == "aws_sm" {
        set(
            &mut api,
            "AWS_SM_SIGNING_SECRET_ARN",
            s("aws_sm_signing_secret_arn"),
            from("aws_sm_signing_secret_arn"),
        );
    }
    if let Some(k) = s("auth_key_secret_name").or_else(|| s("auth_key_secret_arn")) {
        set(
            &mut api,
            "AUTH_KEY_SECRET_NAME",
            Some(k),
            from("auth_key_secret_name"),
        );
    }
    for (k, e) in vars::map(v, "api_env") {
        api.vars
            .insert(k, Sourced::new(Setting::Known(e.value), e.origin));
    }
    let mut web = Env::default();
    set(&mut web, "PORT", Some("3000".into()), file.clone());
    set(&mut web, "API_BASE_URL", api_url, from("api_base_url"));
    for (k, e) in vars::map(v, "web_env") {
        web.vars
            .insert(k, Sourced::new(Setting::Known(e.value), e.origin));
    }
    (api, web)
}

/// Blueprint defects in the `.tf` files: ECS pulls container secrets with the task execution
/// role, and no policy on that role grants the secrets the containers name (blocker 10).
fn patches(tf: &[Input]) -> Vec<Patch> {
    let Some(role) = tf.iter().find_map(|i| {
        i.text
            .lines()
            .position(|l| {
                l.trim_start()
                    .starts_with("resource \"aws_iam_role\" \"task_execution\"")
            })
            .map(|n| (i, n as u32 + 1))
    }) else {
        return Vec::new();
    };
    let granted = tf.iter().any(|i| {
        i.text.split("resource \"").any(|block| {
            block.contains("aws_iam_role.task_execution")
                && block.contains("secretsmanager:GetSecretValue")
                && (block.contains("secret_arns") || block.contains("api_secrets"))
        })
    });
    if granted {
        return Vec::new();
    }
    vec![Patch {
        problem: "ECS pulls api_secrets with the task execution role, and the blueprint grants that role no Secrets Manager access: tasks stop with AccessDenied".into(),
        fix: format!("add the policy of hostwiz's {} (from `hostwiz apply --host aws`) to ops/infra/aws: secretsmanager:GetSecretValue on local.secret_arns for aws_iam_role.task_execution", super::IAM_PATCH),
        origin: role.0.origin(role.1, 1),
    }]
}
