//! The Azure blueprint's inputs read back: tfvars over the variable defaults (the `.tf`
//! files' when given, else the documented ones), the API's and the web's env from the
//! blueprint's locals (else composed as `locals.tf` documents), the API app's replica bounds
//! from `container_apps.tf`, and the blueprint's defects (blockers 11-13).

use super::{CITEXT, KEY_VAULT_ORDER, NO_BOUNDS, SECRET_NAMES};
use crate::answers::Host;
use crate::ingest::terraform::vars::{self, Val, Vars};
use crate::ingest::terraform::{Blueprint, Env};
use crate::ingest::{Input, ParseError};
use crate::plan::{
    CloudNames, Origin, Patch, Plan, Process, ReplicaRange, Replicas, Role, Setting, Sourced,
    Startup, Tls, Unknown, Urls,
};
use std::collections::BTreeMap;

const DEFAULTS: &str = "the Azure blueprint's variables.tf";

/// Variables whose names only the Azure blueprint has.
const OWN_VARS: [&str; 4] = [
    "storage_account_name",
    "key_vault_name",
    "log_analytics_name",
    "db_admin_password",
];

/// Whether a named Terraform file is the Azure blueprint's: under its folder, declaring
/// azurerm resources, or setting one of its own variables.
pub fn claims(input: &Input) -> bool {
    crate::hosts::blueprint::claims(input, "infra/azure/", "resource \"azurerm_", &OWN_VARS)
}

fn documented_defaults() -> Vars {
    let d = |v| Sourced::new(v, Origin::Default(DEFAULTS));
    BTreeMap::from([
        ("region".into(), d(Val::Str("eastus".into()))),
        ("secrets_provider".into(), d(Val::Str("azure_kv".into()))),
        ("storage_provider".into(), d(Val::Str("azure_blob".into()))),
        ("storage_bucket_name".into(), d(Val::Str("assets".into()))),
        ("api_env".into(), d(Val::Map(Vec::new()))),
        ("web_env".into(), d(Val::Map(Vec::new()))),
    ])
}

pub fn plan(tfvars: &[Input], tf: &[Input]) -> Result<Plan, ParseError> {
    let b = Blueprint::read(documented_defaults(), tf, tfvars)?;
    let file = tfvars
        .first()
        .map_or(Origin::Default(DEFAULTS), |i| i.origin(1, 1));
    let v = &b.vars;
    let text = |k: &str| vars::text(v, k).filter(|s| !s.value.trim().is_empty());

    let (api_env, web_env) =
        crate::hosts::blueprint::api_web_env(&b, &file, || documented_env(v, &file));

    let app_url = text("app_public_url");
    let api_url = text("api_base_url");
    let hosts = crate::hosts::blueprint::PublicHosts::new(app_url.as_ref(), api_url.as_ref());
    let routes = hosts.routes();
    let (web_host, api_host) = (hosts.web, hosts.api);

    let mut secrets = vars::map(v, "api_secrets");
    secrets.retain(|_, s| !s.value.trim().is_empty());
    let mut web_secrets = vars::map(v, "web_secrets");
    web_secrets.retain(|_, s| !s.value.trim().is_empty());
    let processes = vec![
        Process {
            role: Role::Web,
            replicas: bounds(tf, "web"),
            env: web_env.vars,
            unread_env: web_env.unread,
            origin: app_url.as_ref().map_or(file.clone(), |u| u.origin.clone()),
            secrets: web_secrets,
        },
        Process {
            role: Role::Api,
            replicas: bounds(tf, "api"),
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
            bucket: text("storage_account_name"),
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
        host: Host::Azure,
        web_hosts: web_host.into_iter().collect(),
        api_host,
        routes,
        tls: Tls::Automatic(file.clone()),
        processes,
        api_addresses: Vec::new(),
        // The defaults alone are no deployment: judged only with a tfvars file.
        urls: tfvars.first().map(|_| Urls {
            app_public_url: app_url,
            api_base_url: api_url,
            origin: file.clone(),
        }),
        services: None,
        // The blueprint composes each container's whole env and secrets.
        startup: Some(startup),
    })
}

/// The `min_replicas`/`max_replicas` of the app `<name>` in the `.tf` files; azurerm's
/// 0..10 where the blueprint sets none (or no `.tf` file is given).
fn bounds(tf: &[Input], app: &str) -> ReplicaRange {
    let head = format!("resource \"azurerm_container_app\" \"{app}\"");
    let found = tf.iter().find_map(|i| {
        let start = i.text.find(&head)?;
        let body = &i.text[start..];
        // The resource ends at the first line that closes the top-level block.
        let end = body.find("\n}").map_or(body.len(), |e| e + 2);
        Some((i, start, &body[..end]))
    });
    let default = || Origin::Default(NO_BOUNDS);
    let Some((input, start, body)) = found else {
        return ReplicaRange::new(Replicas { min: 0, max: 10 }, default(), default());
    };
    let setting = |key: &str| {
        body.lines().enumerate().find_map(|(n, l)| {
            let (k, val) = l.split_once('=')?;
            (k.trim() == key).then(|| {
                let line = input.text[..start].matches('\n').count() + n + 1;
                (val.trim().parse::<u32>().ok(), input.origin(line as u32, 1))
            })
        })
    };
    let (min, min_at) = match setting("min_replicas") {
        Some((Some(n), at)) => (n, at),
        Some((None, at)) => (0, at),
        None => (0, default()),
    };
    let (max, max_at) = match setting("max_replicas") {
        Some((Some(n), at)) => (n, at),
        Some((None, at)) => (10, at),
        None => (10, default()),
    };
    ReplicaRange::new(Replicas { min, max }, min_at, max_at)
}

/// The env `locals.tf` composes (STARTER-FACTS G.7), for a tfvars file read without the
/// blueprint's `.tf` files. Values from resources (the Blob endpoint) are unknown.
fn documented_env(v: &Vars, file: &Origin) -> (Env, Env) {
    let text = |k: &str| vars::text(v, k).filter(|s| !s.value.trim().is_empty());
    let from = |k: &str| vars::text(v, k).map(|s| s.origin).unwrap_or(file.clone());
    let set = |env: &mut Env, k: &str, value: Option<String>, origin: Origin| {
        let setting = match value {
            Some(s) => Setting::Known(s),
            None => Setting::Unknown(Unknown::Expression(format!(
                "{k} (from a resource, known after apply)"
            ))),
        };
        env.vars.insert(k.into(), Sourced::new(setting, origin));
    };
    let s = |k: &str| text(k).map(|x| x.value.trim().to_string());
    let app = s("app_public_url");
    let api_url = s("api_base_url");
    let provider = s("secrets_provider").unwrap_or_else(|| "azure_kv".into());
    let key_provider = s("auth_key_storage_provider").unwrap_or(provider.clone());
    let mut api = Env::default();
    set(&mut api, "PORT", Some("8000".into()), file.clone());
    set(
        &mut api,
        "ENVIRONMENT",
        s("environment"),
        from("environment"),
    );
    set(
        &mut api,
        "SECRETS_PROVIDER",
        Some(provider.clone()),
        from("secrets_provider"),
    );
    set(
        &mut api,
        "AUTH_KEY_STORAGE_BACKEND",
        Some("secret-manager".into()),
        file.clone(),
    );
    set(
        &mut api,
        "AUTH_KEY_STORAGE_PROVIDER",
        Some(key_provider.clone()),
        from("auth_key_storage_provider"),
    );
    set(
        &mut api,
        "STORAGE_PROVIDER",
        s("storage_provider"),
        from("storage_provider"),
    );
    let account = s("storage_account_name").map(|a| format!("https://{a}.blob.core.windows.net/"));
    set(
        &mut api,
        "AZURE_BLOB_ACCOUNT_URL",
        account,
        from("storage_account_name"),
    );
    set(
        &mut api,
        "AZURE_BLOB_CONTAINER",
        s("storage_bucket_name"),
        from("storage_bucket_name"),
    );
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
    set(
        &mut api,
        "ALLOWED_ORIGINS",
        app.clone(),
        from("app_public_url"),
    );
    set(&mut api, "APP_PUBLIC_URL", app, from("app_public_url"));
    if provider == "azure_kv" || key_provider == "azure_kv" {
        let url = s("key_vault_name").map(|k| format!("https://{k}.vault.azure.net/"));
        set(&mut api, "AZURE_KEY_VAULT_URL", url, from("key_vault_name"));
    }
    if provider == "azure_kv" {
        set(
            &mut api,
            "AZURE_KV_SIGNING_SECRET_NAME",
            s("auth_signing_secret_name"),
            from("auth_signing_secret_name"),
        );
    }
    if let Some(k) = s("auth_key_secret_name") {
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

/// The blueprint's defects in its `.tf` files, each at the line that shows it.
fn patches(tf: &[Input]) -> Vec<Patch> {
    let mut out = Vec::new();
    let line_of = |needle: &dyn Fn(&str) -> bool| {
        tf.iter().find_map(|i| {
            i.text
                .lines()
                .position(|l| needle(l.trim()))
                .map(|n| i.origin(n as u32 + 1, 1))
        })
    };
    let squeeze = |l: &str| l.split_whitespace().collect::<String>();
    // Blocker 11: secrets named after the api_secrets keys as they are.
    if let Some(at) = line_of(&|l| squeeze(l) == "name=secret.value.name") {
        out.push(patch(SECRET_NAMES, at));
    }
    // Blocker 12: an access policy for an app's own identity comes after the app.
    if let Some(at) = line_of(&|l| squeeze(l).starts_with("object_id=azurerm_container_app.")) {
        out.push(patch(KEY_VAULT_ORDER, at));
    }
    // Blocker 13: a Flexible Server without citext allow-listed.
    let server = line_of(&|l| l.starts_with("resource \"azurerm_postgresql_flexible_server\""));
    let allowed = tf.iter().any(|i| {
        let t = i.text.to_ascii_lowercase();
        t.contains("azure.extensions") && t.contains("citext")
    });
    if let (Some(at), false) = (server, allowed) {
        out.push(patch(CITEXT, at));
    }
    out
}

fn patch((problem, fix): (&str, &str), origin: Origin) -> Patch {
    Patch {
        problem: problem.into(),
        fix: fix.into(),
        origin,
    }
}
