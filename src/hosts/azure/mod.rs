//! Azure Container Apps with the starter's Terraform blueprint (`ops/infra/azure`): a web and
//! an API app with external ingress, Postgres Flexible, Azure Cache for Redis, Blob storage
//! and Key Vault. The shipped blueprint cannot run the starter unpatched (STARTER-FACTS
//! blockers 11-13, G.7): hostwiz names each patch and the answers say whether it is applied.

mod answers;
mod read;
mod render;

pub use answers::Azure;
pub use read::plan as files_plan;

use super::{inputs, HostModule};
use crate::answers::{AnswerError, Answers, Host, Key, Section, WorkerMode};
use crate::contracts::Capability;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::ingest::Input;
use crate::migrate::{Operations, Phase};
use crate::pipeline::{Context, Deployment, Found, Src};
use crate::plan::{
    CloudNames, Origin, Patch, Plan, Replicas, Role, Setting, Shape, Sourced, Tls, Unknown, Urls,
};
use crate::render::{Checklist, File};
use crate::runtime::{self, Wiring};
use std::path::Path;

pub struct Module;

const LAYOUT: &str = "ops/infra/azure";
/// The patch file that allow-lists `citext` on the Postgres server (blocker 13).
pub const CITEXT_PATCH: &str = "hostwiz-postgres-citext.tf";
/// `<project_name>-<environment>-api`: Container App names are at most 32 lowercase
/// characters (STARTER-FACTS G.7).
const NAME_LIMIT: usize = 27;
const LIMITED_BY: &str = "the Container App names <project_name>-<environment>-api (32 characters)";
/// The answer that says the blueprint patches are applied.
const PATCHED: &str = "azure.blueprint_patched";

/// What each blueprint patch mends, with the patch: the checklist lists them, the plan of
/// unpatched answers and `check` of the shipped blueprint report them (BOOT-010).
pub const SECRET_NAMES: (&str, &str) = (
    "the blueprint names each Container App secret after its api_secrets key (DATABASE_URL), which Azure refuses: secret names are lowercase letters, digits and '-'",
    "in container_apps.tf name each secret lower(replace(<key>, \"_\", \"-\")) and point the env's secret_name at that name, keeping the env name (CHECKLIST.md has the sed)",
);
pub const KEY_VAULT_ORDER: (&str, &str) = (
    "Key Vault access for the apps' identities is granted after the apps are created (identity.tf), so their first revision cannot read its Key Vault secrets",
    "give both apps a user-assigned identity created before them, with its Key Vault access policy (Get, List; Set for the API), and use it in identity {} and each secret's identity",
);
pub const CITEXT: (&str, &str) = (
    "the migrations run CREATE EXTENSION citext, which Azure Postgres Flexible refuses until azure.extensions allow-lists it",
    "add the azurerm_postgresql_flexible_server_configuration of hostwiz-postgres-citext.tf (azure.extensions = CITEXT)",
);
/// Where the replica bounds come from while the blueprint is unpatched.
pub const NO_BOUNDS: &str = "Container Apps (the blueprint's api app sets no min_replicas/max_replicas: add min_replicas = 1 and max_replicas = 1 to its template)";

/// `<env>.tfvars`, the file `apply` writes.
pub fn tfvars_file(a: &Answers) -> String {
    format!("{}.tfvars", a.environment)
}

/// The Key Vault secret name of a setting: `database-url`.
pub fn secret_name(env: &str) -> String {
    runtime::kebab(env)
}

/// The versionless Key Vault secret ID the blueprint's `api_secrets` take.
pub fn secret_id(a: &Answers, name: &str) -> String {
    format!("{}secrets/{name}", vault_url(a))
}

pub fn vault_url(a: &Answers) -> String {
    format!(
        "https://{}.vault.azure.net/",
        a.azure.key_vault.as_deref().unwrap_or_default()
    )
}

pub fn prefix(a: &Answers) -> String {
    format!("{}-{}", a.azure.project_name, a.environment)
}

pub fn log_analytics(a: &Answers) -> String {
    a.azure
        .log_analytics
        .clone()
        .unwrap_or_else(|| format!("{}-logs", prefix(a)))
}

impl HostModule for Module {
    fn host(&self) -> Host {
        Host::Azure
    }

    fn layout(&self) -> &'static str {
        LAYOUT
    }

    fn title(&self) -> &'static str {
        "Azure Container Apps (Terraform)"
    }

    fn capabilities(&self) -> &'static [Capability] {
        &[
            Capability::PublicUrls,
            Capability::DefaultUrls,
            Capability::IpProbes,
            Capability::ContainerHostname,
            Capability::OverlappingDeploys,
        ]
    }

    fn keys(&self) -> &'static [Key] {
        answers::KEYS
    }

    fn section(&self) -> Option<&'static Section> {
        Some(&answers::SECTION)
    }

    /// What the blueprint cannot run: a dedicated worker (it has no worker app), storage other
    /// than Blob (its variable validation).
    fn refuse(&self, a: &Answers) -> std::result::Result<(), AnswerError> {
        if a.worker == WorkerMode::Dedicated {
            return Err(AnswerError::new(
                "billing.worker",
                Some("dedicated"),
                "inline on azure: the blueprint has no worker app (a dedicated worker needs a \
                 third Container App running the API image with the billing flags on, exactly \
                 one replica, which it does not define)",
            ));
        }
        if a.runtime.storage != "azure_blob" {
            return Err(AnswerError::new(
                "storage.provider",
                Some(&a.runtime.storage),
                "azure_blob on azure (the blueprint accepts no other storage provider)",
            ));
        }
        Ok(())
    }

    fn plan(&self, a: &Answers) -> Plan {
        let mut plan = Plan::answered(
            a,
            Shape {
                // Unpatched, Container Apps runs 0..10 replicas of each app.
                api: match a.azure.patched {
                    true => Replicas::fixed(a.scale.api_replicas),
                    false => Replicas { min: 0, max: 10 },
                },
                web: Replicas { min: 0, max: 10 },
                worker: Replicas::fixed(1),
                api_env: true,
            },
        );
        for p in &mut plan.processes {
            p.replicas.origin = Origin::Answer(PATCHED);
            p.replicas.min_origin = Origin::Answer(PATCHED);
        }
        plan.urls = Some(Urls {
            app_public_url: Some(Sourced::new(
                format!("https://{}", a.domains.web),
                Origin::Answer("domains.web"),
            )),
            api_base_url: a
                .domains
                .api
                .as_ref()
                .map(|h| Sourced::new(format!("https://{h}"), Origin::Answer("domains.api"))),
            origin: Origin::Answer("domains.api"),
        });
        plan.tls = Tls::Automatic(Origin::Answer("host"));
        startup(&mut plan, a);
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        vec![
            File::new(tfvars_file(a), render::tfvars(a)),
            File::new(CITEXT_PATCH, render::CITEXT_TF.to_string()),
        ]
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        render::checklist(a)
    }

    fn entry(&self, _a: &Answers) -> String {
        "container apps".into()
    }

    fn check_args(&self, a: &Answers, out: &Path) -> String {
        format!("--host azure {}", out.join(tfvars_file(a)).display())
    }

    fn prefill(&self, plan: &Plan, set: &mut dyn FnMut(&str, String)) {
        let names = plan.startup.as_ref().and_then(|s| s.names.as_ref());
        if let Some(p) = names.and_then(|n| n.project_name.as_ref()) {
            set("azure.project_name", p.value.clone());
        }
    }

    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Tfvars, Kind::Terraform]
    }

    fn claims(&self, input: &Input) -> bool {
        read::claims(input)
    }

    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        vec![Found::new(Host::Azure, files)]
    }

    /// Each tfvars file with the blueprint's `.tf` files; the blueprint alone without any.
    fn discover(&self, dir: &Path, _ctx: &Context) -> Result<Vec<Found>> {
        super::blueprint::discover(Host::Azure, dir)
    }

    fn read(&self, d: &Deployment, _ctx: &Context) -> Result<Plan> {
        Ok(files_plan(
            &inputs(d, Kind::Tfvars),
            &inputs(d, Kind::Terraform),
        )?)
    }

    fn migratable(&self, d: &Deployment) -> Result<()> {
        Err(no_worker(d))
    }

    fn phases(&self, d: &Deployment, _plan: &Plan) -> Result<(Phase, Phase)> {
        Err(no_worker(d))
    }

    fn operations(
        &self,
        _d: &Deployment,
        _plan: &Plan,
        _p1: &Phase,
        _p2: &Phase,
        _ctx: &Context,
    ) -> Operations {
        // Never reached: `migratable` refuses every Azure deployment before phases exist.
        Operations::default()
    }
}

/// Why `migrate worker` cannot move billing to a worker here, and what it would take.
fn no_worker(d: &Deployment) -> Error {
    Error::Usage(format!(
        "{}: the Azure blueprint has no worker app, so billing can only run inline, and only \
         once the API app is pinned to one replica (min_replicas = max_replicas = 1 in \
         container_apps.tf). A dedicated worker needs a third Container App running the API \
         image with ENABLE_BILLING_RETRY_WORKER and ENABLE_BILLING_STREAM_REPLAY true and \
         exactly one replica, and api_env turning both off on the API; hostwiz does not write \
         blueprint apps",
        d.primary()
    ))
}

/// The keys the blueprint's `locals.tf` sets in the API's base env: `api_env` writes only
/// the others (and `ALLOWED_HOSTS`, which it must widen).
pub const BASE_ENV: [&str; 13] = [
    "PORT",
    "ENVIRONMENT",
    "SECRETS_PROVIDER",
    "AUTH_KEY_STORAGE_BACKEND",
    "AUTH_KEY_STORAGE_PROVIDER",
    "STORAGE_PROVIDER",
    "AZURE_BLOB_ACCOUNT_URL",
    "AZURE_BLOB_CONTAINER",
    "ALLOWED_ORIGINS",
    "APP_PUBLIC_URL",
    "AZURE_KEY_VAULT_URL",
    "AZURE_KV_SIGNING_SECRET_NAME",
    "AUTH_KEY_SECRET_NAME",
];

/// The startup settings as the blueprint composes them, and the patches it still needs.
fn startup(plan: &mut Plan, a: &Answers) {
    let names = a.clone();
    runtime::wire(
        plan,
        a,
        &Wiring {
            // Container Apps probes send the replica's IP as Host (BOOT-005).
            allowed_hosts: "*".into(),
            api_base_url: a.domains.api.as_ref().map(|h| format!("https://{h}")),
            web_hostname: true,
            reference: Box::new(move |n| secret_id(&names, &secret_name(n))),
            origin: Origin::Answer("azure.key_vault"),
        },
    );
    for p in &mut plan.processes {
        if p.role == Role::Web && a.domains.api.is_none() {
            // Without api_base_url the blueprint gives the web the API app's own FQDN, under
            // the environment's default domain: known only after apply.
            p.env.insert(
                "API_BASE_URL".into(),
                Sourced::new(
                    Setting::Unknown(Unknown::Expression(
                        "https://<prefix>-api.<Container Apps environment default domain>".into(),
                    )),
                    Origin::Answer("domains.api"),
                ),
            );
        }
        if p.role != Role::Api {
            continue;
        }
        let mut set = |k: &str, v: String, key: &'static str| {
            p.env
                .insert(k.into(), Sourced::new(v.into(), Origin::Answer(key)));
        };
        // The blueprint sets these from its own variables and resources.
        set("ENVIRONMENT", a.environment.to_string(), "environment");
        set(
            "AZURE_BLOB_ACCOUNT_URL",
            format!(
                "https://{}.blob.core.windows.net/",
                a.azure.storage_account.as_deref().unwrap_or_default()
            ),
            "azure.storage_account",
        );
        if a.runtime.provider == "azure_kv" {
            set("AZURE_KEY_VAULT_URL", vault_url(a), "azure.key_vault");
        }
    }
    if let Some(s) = plan.startup.as_mut() {
        s.names = Some(CloudNames {
            project_name: Some(Sourced::new(
                a.azure.project_name.clone(),
                Origin::Answer("azure.project_name"),
            )),
            environment: Some(Sourced::new(
                a.environment.to_string(),
                Origin::Answer("environment"),
            )),
            // The globally unique name is the account's; the bucket is a container in it.
            bucket: Some(Sourced::new(
                a.azure.storage_account.clone().unwrap_or_default(),
                Origin::Answer("azure.storage_account"),
            )),
            max: NAME_LIMIT,
            limited_by: LIMITED_BY,
        });
        if !a.azure.patched {
            s.patches = [SECRET_NAMES, KEY_VAULT_ORDER, CITEXT]
                .into_iter()
                .map(|(problem, fix)| Patch {
                    problem: problem.into(),
                    fix: fix.into(),
                    origin: Origin::Answer(PATCHED),
                })
                .collect();
        }
    }
}
