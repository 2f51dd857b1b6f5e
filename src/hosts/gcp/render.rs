//! `<env>.tfvars` for the starter's GCP blueprint (`ops/infra/gcp`), and `enable-apis.sh` when
//! Terraform is told not to enable the APIs itself. The tfvars state every setting a contract
//! depends on, rather than leaning on the blueprint's defaults.

use super::BASE_ENV;
use super::{manual_apis, project};
use crate::answers::{Answers, WorkerMode};
use crate::catalog::{self, When};
use crate::hosts::HostModule;
use crate::render::hcl_str as q;
use crate::render::{hcl_group as group, hcl_map as map};

pub const ENABLE_SCRIPT: &str = "enable-apis.sh";

pub(super) fn tfvars(a: &Answers) -> String {
    let mut t = String::new();
    let w = &mut t;
    out!(
        w,
        "# Variables for the starter's GCP blueprint (ops/infra/gcp), written by hostwiz."
    );
    out!(
        w,
        "# Every setting the contracts depend on is stated here, not left to defaults."
    );
    let project = project(a);
    group(
        w,
        &[
            ("project_id", q(project)),
            ("project_name", q(&a.gcp.project_name)),
            ("region", q(a.gcp.region.as_str())),
            ("environment", q(a.environment.as_str())),
        ],
    );
    out!(w);
    out!(
        w,
        "# db_password is not kept in files: export TF_VAR_db_password (see CHECKLIST.md)."
    );
    let mut secrets = vec![
        ("secrets_provider", q(&a.runtime.provider)),
        ("auth_key_secret_name", q(&a.runtime.keyset_secret)),
    ];
    if a.runtime.provider == "gcp_sm" {
        secrets.push(("gcp_sm_signing_secret_name", q(&a.runtime.signing_secret)));
    }
    secrets.push((
        "storage_bucket_name",
        q(&crate::runtime::bucket(a).unwrap_or_default()),
    ));
    group(w, &secrets);
    let mut urls = vec![("app_public_url", q(&format!("https://{}", a.domains.web)))];
    if let Some(api) = &a.domains.api {
        urls.push(("api_base_url", q(&format!("https://{api}"))));
    }
    group(w, &urls);
    group(
        w,
        &[
            ("api_image", q(a.images.api.as_str())),
            ("web_image", q(a.images.web.as_str())),
        ],
    );
    group(
        w,
        &[(
            "enable_project_services",
            a.gcp.enable_project_services.to_string(),
        )],
    );
    group(
        w,
        &[
            ("api_min_instances", a.scale.api_min_replicas.to_string()),
            ("api_max_instances", a.scale.api_replicas.to_string()),
        ],
    );
    group(
        w,
        &[
            ("web_min_instances", a.scale.web_min_replicas().to_string()),
            ("web_max_instances", a.scale.web_replicas.to_string()),
        ],
    );
    match a.worker {
        WorkerMode::Inline => group(w, &[("enable_worker_service", "false".into())]),
        WorkerMode::Dedicated => group(
            w,
            &[
                ("enable_worker_service", "true".into()),
                ("worker_image", q(a.images.worker_or_api().as_str())),
                // One instance at least, so the retry loop never scales to zero.
                ("worker_min_instances", "1".into()),
                ("worker_max_instances", a.scale.worker_replicas.to_string()),
            ],
        ),
    }
    out!(w);
    out!(
        w,
        "# Merged last by the blueprint: these win over its own worker defaults."
    );
    let plan = super::Module.plan(a);
    let (env, secrets) = crate::render::api_tfvars(&plan, &BASE_ENV);
    map(w, "api_env", &env);
    out!(w);
    out!(
        w,
        "# Secret Manager secrets (create them before the apply; CHECKLIST.md). The worker"
    );
    out!(w, "# gets these too, never api_env.");
    map(w, "api_secrets", &secrets);
    t
}

pub(super) fn enable_script(a: &Answers) -> String {
    let project = project(a);
    let mut s = String::new();
    let w = &mut s;
    out!(w, "#!/bin/sh");
    out!(
        w,
        "# Enables the Google APIs the starter's GCP blueprint needs, written by hostwiz"
    );
    out!(
        w,
        "# because enable_project_services = false. Run it once, before terraform apply."
    );
    out!(w, "set -eu");
    out!(w, "PROJECT=\"${{1:-{project}}}\"");
    out!(w);
    out!(
        w,
        "# Bootstrap and feature APIs: Terraform cannot enable these for itself."
    );
    enable_lines(w, &manual_apis(a));
    out!(w);
    out!(w, "# Everything the blueprint uses.");
    let always: Vec<String> = catalog::with(When::Always)
        .map(|s| s.name.clone())
        .collect();
    enable_lines(w, &always);
    s
}

fn enable_lines(w: &mut String, apis: &[String]) {
    out!(w, "gcloud services enable \\");
    for api in apis {
        out!(w, "  {api} \\");
    }
    out!(w, "  --project \"$PROJECT\"");
}
