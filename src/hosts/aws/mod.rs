//! AWS ECS Fargate with the starter's Terraform blueprint (`ops/infra/aws`): two public ALBs
//! (web and API), RDS, ElastiCache and S3. Billing runs inline only: the blueprint has no
//! worker service (STARTER-FACTS G.4).

mod answers;
mod read;
mod render;

pub use answers::Aws;
pub use read::plan as files_plan;

use super::{inputs, HostModule};
use crate::answers::{AnswerError, Answers, Host, Key, Section, WorkerMode};
use crate::contracts::Capability;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::ingest::Input;
use crate::migrate::{Operations, Phase};
use crate::pipeline::{Context, Deployment, Found, Src};
use crate::plan::{CloudNames, Origin, Plan, Replicas, Role, Shape, Sourced, Tls, Urls};
use crate::render::{Checklist, File};
use crate::runtime::{self, Wiring};
use std::path::Path;

pub struct Module;

/// The folder of the blueprint in the starter.
const LAYOUT: &str = "ops/infra/aws";
/// The blueprint patch `apply` writes beside the tfvars (BOOT-010, STARTER-FACTS blocker 10).
pub const IAM_PATCH: &str = "hostwiz-secrets-iam.tf";
/// `project_name` + `environment`: `<prefix>-api`, `<prefix>-web` and their target groups
/// are ALB names of at most 32 characters (STARTER-FACTS G.4).
const NAME_LIMIT: usize = 27;
const LIMITED_BY: &str =
    "the ALB and target group names <project_name>-<environment>-… (32 characters)";

/// `<env>.tfvars`, the file `apply` writes.
pub fn tfvars_file(a: &Answers) -> String {
    format!("{}.tfvars", a.environment)
}

/// The Secrets Manager name of a setting: `<project_name>-<environment>/<name>`.
pub fn secret_name(a: &Answers, env: &str) -> String {
    format!(
        "{}-{}/{}",
        a.aws.project_name,
        a.environment,
        runtime::kebab(env)
    )
}

/// A secret's ARN without the random suffix Secrets Manager appends: ECS and the SDK resolve
/// it, and the IAM patch grants `<arn>*`.
pub fn secret_arn(a: &Answers, name: &str) -> String {
    format!(
        "arn:aws:secretsmanager:{}:{}:secret:{name}",
        a.aws.region,
        a.aws.account_id.as_deref().unwrap_or_default()
    )
}

impl HostModule for Module {
    fn host(&self) -> Host {
        Host::Aws
    }

    fn layout(&self) -> &'static str {
        LAYOUT
    }

    fn title(&self) -> &'static str {
        "AWS ECS Fargate (Terraform)"
    }

    fn capabilities(&self) -> &'static [Capability] {
        &[
            Capability::PublicUrls,
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

    /// What the blueprint cannot run: a dedicated worker (it has no worker service), storage
    /// other than S3 (its variable validation), and no bucket (`storage_bucket_name` has no
    /// default and names a global bucket).
    fn refuse(&self, a: &Answers) -> std::result::Result<(), AnswerError> {
        if a.worker == WorkerMode::Dedicated {
            return Err(AnswerError::new(
                "billing.worker",
                Some("dedicated"),
                "inline on aws: the blueprint has no worker service (a dedicated worker needs a \
                 second ECS service running the API image with the billing flags on, which it \
                 does not define)",
            ));
        }
        if a.runtime.storage != "s3" {
            return Err(AnswerError::new(
                "storage.provider",
                Some(&a.runtime.storage),
                "s3 on aws (the blueprint accepts no other storage provider)",
            ));
        }
        if a.runtime.bucket.is_none() {
            return Err(AnswerError::new(
                "storage.bucket",
                None,
                "a globally unique S3 bucket name on aws, such as acme-prod-assets",
            ));
        }
        Ok(())
    }

    fn plan(&self, a: &Answers) -> Plan {
        let mut plan = Plan::answered(
            a,
            Shape {
                api: Replicas::fixed(a.scale.api_replicas),
                // `scale.web_replicas` is a range key (ScaleRange) AWS does not offer: one
                // web task, the blueprint's default.
                web: Replicas::fixed(1),
                worker: Replicas::fixed(1),
                api_env: true,
            },
        );
        plan.tls = Tls::Automatic(Origin::Answer("aws.certificate_arn"));
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
        startup(&mut plan, a);
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        vec![
            File::new(tfvars_file(a), render::tfvars(a)),
            File::new(IAM_PATCH, render::iam_patch().to_string()),
        ]
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        render::checklist(a)
    }

    fn entry(&self, _a: &Answers) -> String {
        "alb".into()
    }

    fn check_args(&self, a: &Answers, out: &Path) -> String {
        format!("--host aws {}", out.join(tfvars_file(a)).display())
    }

    fn prefill(&self, plan: &Plan, set: &mut dyn FnMut(&str, String)) {
        let names = plan.startup.as_ref().and_then(|s| s.names.as_ref());
        if let Some(p) = names.and_then(|n| n.project_name.as_ref()) {
            set("aws.project_name", p.value.clone());
        }
    }

    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Tfvars, Kind::Terraform]
    }

    /// Files under `ops/infra/aws`, or naming what only this blueprint has.
    fn claims(&self, input: &Input) -> bool {
        read::claims(input)
    }

    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        vec![Found::new(Host::Aws, files)]
    }

    /// Each tfvars file with the blueprint's `.tf` files; the blueprint alone without any.
    fn discover(&self, dir: &Path, _ctx: &Context) -> Result<Vec<Found>> {
        super::blueprint::discover(Host::Aws, dir)
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
        // Never reached: `migratable` refuses every AWS deployment before phases exist.
        Operations::default()
    }
}

/// Why `migrate worker` cannot move billing to a worker here, and what it would take.
fn no_worker(d: &Deployment) -> Error {
    Error::Usage(format!(
        "{}: the AWS blueprint has no worker service, so billing can only run inline (one API \
         task, api_desired_count = 1). A dedicated worker needs a second ECS service in \
         ops/infra/aws running the API image with ENABLE_BILLING_RETRY_WORKER and \
         ENABLE_BILLING_STREAM_REPLAY true and desired count 1, and api_env turning both off on \
         the API; hostwiz does not write blueprint services",
        d.primary()
    ))
}

/// The keys the blueprint's `locals.tf` sets in the API's base env: `api_env` writes only
/// the others (and `ALLOWED_HOSTS`, which it must widen).
pub const BASE_ENV: [&str; 13] = [
    "PORT",
    "ENVIRONMENT",
    "APP_PUBLIC_URL",
    "SECRETS_PROVIDER",
    "AWS_REGION",
    "AUTH_KEY_STORAGE_BACKEND",
    "AUTH_KEY_STORAGE_PROVIDER",
    "STORAGE_PROVIDER",
    "S3_BUCKET",
    "S3_REGION",
    "ALLOWED_ORIGINS",
    "AWS_SM_SIGNING_SECRET_ARN",
    "AUTH_KEY_SECRET_NAME",
];

/// The startup settings as the blueprint composes them: its base env, `api_env` over it,
/// `api_secrets` as ECS secrets; the web gets `web_env` (HOSTNAME) and `API_BASE_URL`.
fn startup(plan: &mut Plan, a: &Answers) {
    let names = a.clone();
    runtime::wire(
        plan,
        a,
        &Wiring {
            // ALB health checks send the task IP as Host (BOOT-005).
            allowed_hosts: "*".into(),
            api_base_url: a.domains.api.as_ref().map(|h| format!("https://{h}")),
            web_hostname: true,
            reference: Box::new(move |n| secret_arn(&names, &secret_name(&names, n))),
            origin: Origin::Answer("aws.project_name"),
        },
    );
    for p in &mut plan.processes {
        if p.role != Role::Api {
            continue;
        }
        let mut set = |k: &str, v: String, key: &'static str| {
            p.env
                .insert(k.into(), Sourced::new(v.into(), Origin::Answer(key)));
        };
        // The blueprint sets these from its own variables.
        set("ENVIRONMENT", a.environment.to_string(), "environment");
        set("AWS_REGION", a.aws.region.clone(), "aws.region");
        set("S3_REGION", a.aws.region.clone(), "aws.region");
        if a.runtime.provider == "aws_sm" {
            set(
                "AWS_SM_SIGNING_SECRET_ARN",
                secret_arn(a, &a.runtime.signing_secret),
                "secrets.signing_secret",
            );
        }
    }
    if let Some(s) = plan.startup.as_mut() {
        s.names = Some(CloudNames {
            project_name: Some(Sourced::new(
                a.aws.project_name.clone(),
                Origin::Answer("aws.project_name"),
            )),
            environment: Some(Sourced::new(
                a.environment.to_string(),
                Origin::Answer("environment"),
            )),
            bucket: Some(Sourced::new(
                a.runtime.bucket.clone().unwrap_or_default(),
                Origin::Answer("storage.bucket"),
            )),
            max: NAME_LIMIT,
            limited_by: LIMITED_BY,
        });
    }
}
