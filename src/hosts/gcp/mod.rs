//! GCP Cloud Run with the starter's Terraform blueprint (`ops/infra/gcp`): tfvars written and
//! read with the blueprint's variable defaults, the project's APIs reviewed against what the
//! blueprint enables and what the answers need.

mod answers;
mod env;
mod gcloud;
mod migrate;
mod render;
pub mod services_review;
mod tfvars;

pub use answers::Gcp;
pub use gcloud::enabled as enabled_services;
pub use render::ENABLE_SCRIPT;
pub use tfvars::plan as files_plan;

use super::{inputs, HostModule};
use crate::answers::{AnswerError, Answers, Host, Key, RawAnswers, Section};
use crate::catalog::{self, Api, Condition, When};
use crate::contracts::Capability;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::migrate::{Operations, Phase};
use crate::pipeline::{Context, Deployment, Found, Src};
use crate::plan::{CloudNames, Origin, Plan, Replicas, Services, Shape, Sourced, Urls};
use crate::render::{Checklist, File};
use crate::runtime::{self, Wiring};
use std::path::Path;

pub struct Module;

/// `<env>.tfvars`, the file `apply` writes.
pub fn tfvars_file(a: &Answers) -> String {
    format!("{}.tfvars", a.environment)
}

/// Each conditional API's switch among the answers: the one mapping from answers to what
/// they need, used by the plan, the files and the wizard's API screen.
pub const CONDITION_KEYS: [(Condition, &str); 3] = [
    (Condition::CloudDns, "gcp.cloud_dns"),
    (Condition::ArtifactRegistry, "gcp.artifact_registry"),
    (Condition::SignedUrls, "gcp.signed_urls"),
];

/// The conditions these answers switch on, with the answer that switches each: the one
/// decision of what the answers need, used by the plan (so `apply`'s SVC-004, `check` and
/// `gcp services --answers`), `enable-apis.sh` and the checklist. A need the answers imply is
/// derived rather than asked twice: an image on Artifact Registry (`*-docker.pkg.dev`) needs
/// its API whether or not `gcp.artifact_registry` says so, as `check` reads it from tfvars.
pub fn conditions(a: &Answers) -> Vec<(Condition, &'static str)> {
    CONDITION_KEYS
        .into_iter()
        .filter_map(|(c, key)| match c {
            Condition::CloudDns => a.gcp.cloud_dns.then_some((c, key)),
            Condition::ArtifactRegistry if a.gcp.artifact_registry => Some((c, key)),
            Condition::ArtifactRegistry => registry_image(a).map(|image| (c, image)),
            Condition::SignedUrls => a.gcp.signed_urls.then_some((c, key)),
        })
        .collect()
}

/// The first image answer on Artifact Registry (`REGION-docker.pkg.dev/…`), by its key.
fn registry_image(a: &Answers) -> Option<&'static str> {
    let worker = a
        .images
        .worker
        .as_ref()
        .map(|w| ("images.worker", w.as_str()));
    [
        ("images.api", a.images.api.as_str()),
        ("images.web", a.images.web.as_str()),
    ]
    .into_iter()
    .chain(worker)
    .find(|(_, image)| {
        image
            .split('/')
            .next()
            .is_some_and(|host| host.ends_with("-docker.pkg.dev"))
    })
    .map(|(key, _)| key)
}

/// What the deployment needs of one API of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Always (or to bootstrap Terraform).
    Required,
    /// Switched on by the answers.
    Needed,
    /// Not needed by these answers.
    Off,
}

/// Every API of the catalog with what the answers need of it, and whether the operator must
/// enable it by hand: the bootstrap and conditional ones always, the rest when Terraform is
/// told not to.
pub fn api_needs(
    on: &[Condition],
    enable_project_services: bool,
) -> Vec<(&'static Api, Need, bool)> {
    catalog::apis()
        .iter()
        .map(|api| {
            let need = match api.when {
                When::Always | When::Bootstrap => Need::Required,
                When::If(c) if on.contains(&c) => Need::Needed,
                When::If(_) => Need::Off,
            };
            let manual =
                need != Need::Off && (api.when != When::Always || !enable_project_services);
            (api, need, manual)
        })
        .collect()
}

/// The APIs to enable by hand before the first apply: the bootstrap ones, then the ones the
/// answers switch on, then the operator's extras.
pub fn manual_apis(a: &Answers) -> Vec<String> {
    let on: Vec<Condition> = conditions(a).into_iter().map(|(c, _)| c).collect();
    let mut apis: Vec<String> = api_needs(&on, true)
        .into_iter()
        .filter(|(_, _, manual)| *manual)
        .map(|(api, _, _)| api.name.clone())
        .collect();
    for extra in &a.gcp.extra_services {
        if !apis.iter().any(|x| x == extra.as_str()) {
            apis.push(extra.to_string());
        }
    }
    apis
}

/// The project ID, empty where not given (only in answers that are not for this host).
pub(crate) fn project(a: &Answers) -> &str {
    a.gcp
        .project_id
        .as_ref()
        .map(|p| p.as_str())
        .unwrap_or_default()
}

impl HostModule for Module {
    fn host(&self) -> Host {
        Host::Gcp
    }

    fn layout(&self) -> &'static str {
        "ops/infra/gcp"
    }

    fn title(&self) -> &'static str {
        "GCP Cloud Run (Terraform)"
    }

    fn capabilities(&self) -> &'static [Capability] {
        &[
            Capability::ProjectServices,
            Capability::PublicUrls,
            Capability::ScalableWorker,
            Capability::ScaleRange,
            Capability::ReservedPort,
        ]
    }

    fn keys(&self) -> &'static [Key] {
        answers::KEYS
    }

    fn section(&self) -> Option<&'static Section> {
        Some(&answers::SECTION)
    }

    /// The blueprint's variable validation accepts only gcs storage.
    fn refuse(&self, a: &Answers) -> std::result::Result<(), AnswerError> {
        if a.runtime.storage != "gcs" {
            return Err(AnswerError::new(
                "storage.provider",
                Some(&a.runtime.storage),
                "gcs on gcp (the blueprint accepts no other storage provider)",
            ));
        }
        Ok(())
    }

    fn plan(&self, a: &Answers) -> Plan {
        let mut plan = Plan::answered(
            a,
            Shape {
                api: Replicas {
                    min: a.scale.api_min_replicas,
                    max: a.scale.api_replicas,
                },
                web: Replicas {
                    min: a.scale.web_min_replicas(),
                    max: a.scale.web_replicas,
                },
                // The tfvars pin the minimum to one so the worker never scales to zero.
                worker: Replicas {
                    min: 1,
                    max: a.scale.worker_replicas,
                },
                api_env: true,
            },
        );
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
        plan.services = Some(Services {
            project_id: a
                .gcp
                .project_id
                .as_ref()
                .map(|p| Sourced::new(p.to_string(), Origin::Answer("gcp.project_id"))),
            enable_project_services: Sourced::new(
                a.gcp.enable_project_services,
                Origin::Answer("gcp.enable_project_services"),
            ),
            blueprint: None,
            enabled: None,
            conditions: conditions(a)
                .into_iter()
                .map(|(c, key)| Sourced::new(c, Origin::Answer(key)))
                .collect(),
            extra: a
                .gcp
                .extra_services
                .iter()
                .map(|s| Sourced::new(s.to_string(), Origin::Answer("gcp.extra_services")))
                .collect(),
            overrides: None,
        });
        startup(&mut plan, a);
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        let mut files = vec![File::new(tfvars_file(a), render::tfvars(a))];
        if !a.gcp.enable_project_services {
            files.push(File::new(ENABLE_SCRIPT, render::enable_script(a)).executable());
        }
        files
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        let project = project(a);
        let mut place = vec![format!("cp \"$OUT/{}\" ops/infra/gcp/", tfvars_file(a))];
        let mut deploy = vec![
            "# Cloud Run reserves PORT; the blueprint's locals.tf sets it (BOOT-010): drop it."
                .to_string(),
            "sed -i '/^[[:space:]]*PORT[[:space:]]*=/d' ops/infra/gcp/locals.tf".to_string(),
            "# Kept out of files: the database password.".to_string(),
            "export TF_VAR_db_password=\"$(openssl rand -hex 24)\"".to_string(),
            "# Before the first apply: Terraform cannot enable these for itself.".to_string(),
            format!(
                "gcloud services enable {} --project {project}",
                manual_apis(a).join(" ")
            ),
        ];
        if !a.gcp.enable_project_services {
            place.push(format!("cp \"$OUT/{ENABLE_SCRIPT}\" ops/infra/gcp/"));
            deploy.push(
                "# enable_project_services = false: enable everything else by hand too.".into(),
            );
            deploy.push(format!("sh ops/infra/gcp/{ENABLE_SCRIPT} {project}"));
        }
        let vars = tfvars_file(a);
        let env = &a.environment;
        let next = deploy.len() + 1;
        deploy.extend([
            "terraform -chdir=ops/infra/gcp init".to_string(),
            format!("terraform -chdir=ops/infra/gcp plan -var-file={vars} -out={env}.tfplan"),
            format!("terraform -chdir=ops/infra/gcp apply {env}.tfplan"),
        ]);
        let mut dns_notes = vec![
            format!(
                "Map `{}` to the web service{} and read the records to create:",
                a.domains.web,
                if a.domains.api.is_some() {
                    " and the API host to the api service"
                } else {
                    ""
                }
            ),
            String::new(),
            "```sh".into(),
            format!(
                "gcloud beta run domain-mappings create --service {}-{}-web --domain {} --region {} --project {project}",
                a.gcp.project_name, a.environment, a.domains.web, a.gcp.region
            ),
        ];
        if let Some(api) = &a.domains.api {
            dns_notes.push(format!(
                "gcloud beta run domain-mappings create --service {}-{}-api --domain {api} --region {} --project {project}",
                a.gcp.project_name, a.environment, a.gcp.region
            ));
        }
        dns_notes.extend([
            format!(
                "gcloud beta run domain-mappings describe --domain {} --region {} --project {project}",
                a.domains.web, a.gcp.region
            ),
            "```".into(),
            String::new(),
        ]);
        if a.gcp.cloud_dns {
            dns_notes
                .push("Cloud DNS manages these domains: create the records in its zone.".into());
            dns_notes.push(String::new());
        }
        Checklist {
            title: "GCP Cloud Run (Terraform blueprint ops/infra/gcp)",
            entry: "Cloud Run domain mapping".into(),
            place,
            dns_target: "the records Cloud Run shows for the domain mapping",
            dns_record: "as shown",
            dns_notes,
            secrets: gcp_secrets(a, project),
            deploy,
            next,
            migrations: vec![
                "# The production settings (Cloud SQL through its private IP or the Auth Proxy):".into(),
                format!(
                    "export DATABASE_URL=\"$(gcloud secrets versions access latest --secret {} --project {project})\"",
                    secret_name(a, runtime::DATABASE_URL)
                ),
                format!(
                    "export SECRETS_PROVIDER={} GCP_SM_PROJECT_ID={project} AUTH_KEY_STORAGE_BACKEND=secret-manager",
                    a.runtime.provider
                ),
                format!(
                    "export AUTH_KEY_STORAGE_PROVIDER={} AUTH_KEY_SECRET_NAME={}",
                    a.runtime.provider, a.runtime.keyset_secret
                ),
            ],
            logs: format!(
                "gcloud logging read 'resource.type=\"cloud_run_revision\"' --project {project} --freshness=1h"
            ),
        }
    }

    fn entry(&self, _a: &Answers) -> String {
        "cloud run".into()
    }

    fn check_args(&self, a: &Answers, out: &Path) -> String {
        out.join(tfvars_file(a)).display().to_string()
    }

    fn prefill(&self, plan: &Plan, set: &mut dyn FnMut(&str, String)) {
        let Some(s) = &plan.services else { return };
        if let Some(p) = &s.project_id {
            set("gcp.project_id", p.value.clone());
        }
        set(
            "gcp.enable_project_services",
            s.enable_project_services.value.to_string(),
        );
        // Files show only whether images come from Artifact Registry; the other switches
        // stay as answered.
        let registry = s
            .conditions
            .iter()
            .any(|c| c.value == Condition::ArtifactRegistry);
        set("gcp.artifact_registry", registry.to_string());
    }

    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Tfvars, Kind::Terraform]
    }

    fn fallback_kind(&self) -> Option<Kind> {
        Some(Kind::Tfvars)
    }

    /// The Terraform files named together are one deployment.
    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        vec![Found::new(Host::Gcp, files)]
    }

    /// Each tfvars file with the blueprint's `.tf` files; the blueprint alone without any.
    fn discover(&self, dir: &Path, _ctx: &Context) -> Result<Vec<Found>> {
        super::blueprint::discover(Host::Gcp, dir)
    }

    fn read(&self, d: &Deployment, ctx: &Context) -> Result<Plan> {
        let enabled = ctx.enabled.as_ref().map(gcloud::enabled).transpose()?;
        Ok(files_plan(
            &inputs(d, Kind::Tfvars),
            &inputs(d, Kind::Terraform),
            enabled,
        )?)
    }

    fn migratable(&self, d: &Deployment) -> Result<()> {
        if d.of(Kind::Tfvars).any(|i| !i.path.ends_with(".json")) {
            return Ok(());
        }
        Err(Error::Usage(format!(
            "{}: migrate needs an HCL .tfvars file to edit (a .tfvars.json cannot keep comments)",
            d.primary()
        )))
    }

    fn phases(&self, d: &Deployment, _plan: &Plan) -> Result<(Phase, Phase)> {
        migrate::phases(d)
    }

    fn operations(
        &self,
        d: &Deployment,
        plan: &Plan,
        _p1: &Phase,
        _p2: &Phase,
        _ctx: &Context,
    ) -> Operations {
        migrate::operations(d, plan)
    }
}

/// CHECKLIST.md's secrets step: every Secret Manager secret `api_secrets` names, created
/// with its value read from stdin so no value lands in the shell history or a file.
fn gcp_secrets(a: &Answers, project: &str) -> Vec<String> {
    let plan = Module.plan(a);
    let mut out = vec![
        "- Every secret `api_secrets` names, in Secret Manager before the apply. `DATABASE_URL`".into(),
        "  and `REDIS_URL` point at Cloud SQL and Memorystore, known after a first apply: create".into(),
        "  them with a placeholder now and add the real version once `terraform output` shows".into(),
        "  `database_endpoint` and `redis_endpoint` (Memorystore needs `rediss://:AUTH@HOST:6378/0`).".into(),
        String::new(),
        "```sh".into(),
    ];
    let values: Vec<(String, String)> = runtime::billing_config(a)
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect();
    if let Some(api) = plan.processes(crate::plan::Role::Api).next() {
        for (k, name) in &api.secrets {
            let source = match values.iter().find(|(n, _)| n == k) {
                Some((_, v)) => format!("printf '%s' '{v}'"),
                None if runtime::RANDOM_SECRETS.contains(&k.as_str()) => {
                    "openssl rand -hex 32 | tr -d '\\n'".into()
                }
                None => format!("printf '%s' \"${k}\""),
            };
            out.push(format!(
                "{source} | gcloud secrets create {} --data-file=- --project {project}",
                name.value
            ));
        }
    }
    out.push(format!(
        "openssl rand -hex 32 | tr -d '\\n' | gcloud secrets create {} --data-file=- --project {project}",
        a.runtime.signing_secret
    ));
    out.push("```".into());
    out.push(String::new());
    out.push(
        "  Lines with `$NAME` read the value from your shell: set each first (`read -rs NAME`)."
            .into(),
    );
    out
}

/// The secret name of a setting in Secret Manager: `<project_name>-<environment>-<name>`.
pub fn secret_name(a: &Answers, env: &str) -> String {
    format!(
        "{}-{}-{}",
        a.gcp.project_name,
        a.environment,
        runtime::kebab(env)
    )
}

/// The settings that reach the worker only as secrets: the blueprint gives the worker its own
/// base env and never `api_env` (STARTER-FACTS F.4).
pub fn billing_secrets(a: &Answers) -> Vec<String> {
    runtime::billing_config(a)
        .into_iter()
        .filter(|_| a.runtime.billing)
        .map(|(k, _, _)| k)
        .collect()
}

/// The keys the blueprint's `locals.tf` sets in the API's and the worker's base env.
pub const BASE_ENV: [&str; 14] = [
    "ENVIRONMENT",
    "SECRETS_PROVIDER",
    "AUTH_KEY_STORAGE_BACKEND",
    "AUTH_KEY_STORAGE_PROVIDER",
    "STORAGE_PROVIDER",
    "GCS_BUCKET",
    "GCP_PROJECT_ID",
    "APP_PUBLIC_URL",
    "ALLOWED_HOSTS",
    "ALLOWED_ORIGINS",
    "GCP_SM_PROJECT_ID",
    "GCP_SM_SIGNING_SECRET_NAME",
    "AUTH_KEY_SECRET_NAME",
    "PORT",
];

/// The startup settings as the blueprint composes them: the base env for API and worker,
/// `api_env` for the API only, `api_secrets` for both.
/// `project_name` + `environment` must fit the VPC connector's name.
const NAME_LIMIT: usize = 10;
const LIMITED_BY: &str = "the VPC connector name <project_name>-<environment>-vpc-connector";

fn startup(plan: &mut Plan, a: &Answers) {
    let api_host = a.domains.api.as_ref().map(|h| h.to_string());
    let allowed = match &api_host {
        Some(h) => format!("{h},127.0.0.1,localhost"),
        None => "127.0.0.1,localhost".into(),
    };
    let names = a.clone();
    runtime::wire(
        plan,
        a,
        &Wiring {
            allowed_hosts: allowed,
            api_base_url: api_host.map(|h| format!("https://{h}")),
            web_hostname: false,
            reference: Box::new(move |n| secret_name(&names, n)),
            origin: Origin::Answer("gcp.project_name"),
        },
    );
    let moved = billing_secrets(a);
    for p in &mut plan.processes {
        // The blueprint sets ENVIRONMENT to the environment's name as given.
        if let Some(e) = p.env.get_mut("ENVIRONMENT") {
            e.value = a.environment.to_string().into();
        }
        for k in &moved {
            p.env.remove(k);
            if p.role != crate::plan::Role::Web {
                p.secrets.insert(
                    k.clone(),
                    Sourced::new(secret_name(a, k), Origin::Answer("billing.enabled")),
                );
            }
        }
        if p.role == crate::plan::Role::Worker {
            p.env.retain(|k, _| {
                BASE_ENV.contains(&k.as_str())
                    || [
                        crate::plan::RETRY_FLAG,
                        crate::plan::REPLAY_FLAG,
                        crate::plan::MODE_VAR,
                    ]
                    .contains(&k.as_str())
            });
        }
    }
    if let Some(s) = plan.startup.as_mut() {
        s.names = Some(CloudNames {
            project_name: Some(Sourced::new(
                a.gcp.project_name.clone(),
                Origin::Answer("gcp.project_name"),
            )),
            environment: Some(Sourced::new(
                a.environment.to_string(),
                Origin::Answer("environment"),
            )),
            bucket: Some(Sourced::new(
                runtime::bucket(a).unwrap_or_default(),
                Origin::Answer("storage.bucket"),
            )),
            max: NAME_LIMIT,
            limited_by: LIMITED_BY,
        });
    }
}

/// Answers the wizard needs to show the API screen before they are complete.
pub fn raw_conditions(raw: &RawAnswers) -> Vec<Condition> {
    CONDITION_KEYS
        .into_iter()
        .filter(|(_, key)| raw.get(key) == "true")
        .map(|(c, _)| c)
        .collect()
}
