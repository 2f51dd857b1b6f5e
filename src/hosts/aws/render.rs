//! `<env>.tfvars` for the starter's AWS blueprint (`ops/infra/aws`), the IAM patch that lets
//! ECS pull the secrets, and the host's parts of CHECKLIST.md. The tfvars state every setting
//! a contract depends on rather than leaning on the blueprint's defaults.

use super::{secret_arn, secret_name, tfvars_file, Module, BASE_ENV, IAM_PATCH, LAYOUT};
use crate::answers::Answers;
use crate::hosts::HostModule;
use crate::plan::Role;
use crate::render::hcl_str as q;
use crate::render::{hcl_group as group, hcl_map as map, Checklist};
use crate::runtime;

pub(super) fn tfvars(a: &Answers) -> String {
    let mut t = String::new();
    let w = &mut t;
    out!(
        w,
        "# Variables for the starter's AWS blueprint (ops/infra/aws), written by hostwiz."
    );
    out!(
        w,
        "# Every setting the contracts depend on is stated here, not left to defaults."
    );
    group(
        w,
        &[
            ("project_name", q(&a.aws.project_name)),
            ("environment", q(a.environment.as_str())),
            ("region", q(&a.aws.region)),
        ],
    );
    out!(w);
    out!(
        w,
        "# db_password and redis_auth_token are not kept in files: export TF_VAR_db_password"
    );
    out!(w, "# and TF_VAR_redis_auth_token (see CHECKLIST.md).");
    group(
        w,
        &[
            ("api_image", q(a.images.api.as_str())),
            ("web_image", q(a.images.web.as_str())),
        ],
    );
    let mut secrets = vec![("secrets_provider", q(&a.runtime.provider))];
    if a.runtime.provider == "aws_sm" {
        secrets.push((
            "aws_sm_signing_secret_arn",
            q(&secret_arn(a, &a.runtime.signing_secret)),
        ));
    }
    secrets.push(("auth_key_secret_name", q(&a.runtime.keyset_secret)));
    group(w, &secrets);
    group(
        w,
        &[
            ("storage_provider", q("s3")),
            (
                "storage_bucket_name",
                q(a.runtime.bucket.as_deref().unwrap_or_default()),
            ),
        ],
    );
    group(
        w,
        &[
            ("enable_https", "true".into()),
            (
                "acm_certificate_arn",
                q(a.aws.certificate_arn.as_deref().unwrap_or_default()),
            ),
        ],
    );
    let mut urls = vec![("app_public_url", q(&format!("https://{}", a.domains.web)))];
    if let Some(api) = &a.domains.api {
        urls.push(("api_base_url", q(&format!("https://{api}"))));
    }
    group(w, &urls);
    out!(w);
    out!(
        w,
        "# Billing runs inline: one API task owns retries and replay (no worker service)."
    );
    out!(
        w,
        "# ECS ignores later changes of these counts (ignore_changes): set them before the first apply."
    );
    group(
        w,
        &[
            ("api_desired_count", a.scale.api_replicas.to_string()),
            ("web_desired_count", "1".into()),
        ],
    );
    let plan = Module.plan(a);
    let (env, secrets) = crate::render::api_tfvars(&plan, &BASE_ENV);
    out!(w);
    out!(
        w,
        "# Merged over the blueprint's base env: ALLOWED_HOSTS widened for the ALB's IP health checks."
    );
    map(w, "api_env", &env);
    out!(w);
    out!(
        w,
        "# Fargate sets HOSTNAME to the task's name; Next.js must bind every interface."
    );
    map(w, "web_env", &[("HOSTNAME", q("0.0.0.0"))]);
    out!(w);
    out!(
        w,
        "# Secrets Manager ARNs (create the secrets before the apply; CHECKLIST.md)."
    );
    map(w, "api_secrets", &secrets);
    t
}

/// ECS resolves container secrets with the task execution role, which the blueprint grants
/// nothing in Secrets Manager (STARTER-FACTS blocker 10); the task role's grant names the
/// ARNs exactly, while a secret's real ARN ends in a random suffix.
pub(super) fn iam_patch() -> &'static str {
    r#"# Written by hostwiz: a patch for the starter's AWS blueprint (ops/infra/aws).
# ECS pulls api_secrets/web_secrets with the task EXECUTION role, which the blueprint
# grants no Secrets Manager access: tasks would stop with AccessDenied. The ARNs in the
# tfvars have no random suffix, so each grant ends in `*`.

resource "aws_iam_role_policy" "hostwiz_execution_secrets" {
  name = "${local.name_prefix}-exec-secrets"
  role = aws_iam_role.task_execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [for arn in local.secret_arns : "${arn}*"]
      }
    ]
  })
}

resource "aws_iam_role_policy" "hostwiz_task_secrets" {
  name = "${local.name_prefix}-task-secrets"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
        Resource = [for arn in local.aws_secret_arns : "${arn}*"]
      }
    ]
  })
}
"#
}

pub(super) fn checklist(a: &Answers) -> Checklist {
    let region = &a.aws.region;
    let vars = tfvars_file(a);
    let env = &a.environment;
    let mut deploy = vec![
        "# Kept out of files: the database password and the Redis AUTH token (16+ characters).".to_string(),
        format!(
            "export TF_VAR_db_password=\"$(aws secretsmanager get-secret-value --secret-id {} --region {region} --query SecretString --output text)\"",
            secret_name(a, "DB_PASSWORD")
        ),
        format!(
            "export TF_VAR_redis_auth_token=\"$(aws secretsmanager get-secret-value --secret-id {} --region {region} --query SecretString --output text)\"",
            secret_name(a, "REDIS_AUTH_TOKEN")
        ),
    ];
    let next = deploy.len() + 1;
    deploy.extend([
        format!("terraform -chdir={LAYOUT} init"),
        format!("terraform -chdir={LAYOUT} plan -var-file={vars} -out={env}.tfplan"),
        format!("terraform -chdir={LAYOUT} apply {env}.tfplan"),
    ]);
    let prefix = format!("{}-{}", a.aws.project_name, a.environment);
    let mut dns_notes = vec![
        format!(
            "The certificate `{}` must be issued (ACM validates by DNS) and cover `{}`{}:",
            a.aws.certificate_arn.as_deref().unwrap_or_default(),
            a.domains.web,
            a.domains
                .api
                .as_ref()
                .map_or(String::new(), |h| format!(" and `{h}`"))
        ),
        String::new(),
        "```sh".into(),
        format!(
            "aws acm describe-certificate --certificate-arn {} --region {region} --query 'Certificate.[Status,SubjectAlternativeNames]'",
            a.aws.certificate_arn.as_deref().unwrap_or_default()
        ),
        "# After the apply: the ALBs' DNS names, for the CNAME (or Route 53 alias) records.".into(),
        format!("aws elbv2 describe-load-balancers --names {prefix}-web {prefix}-api --region {region} --query 'LoadBalancers[].[LoadBalancerName,DNSName]' --output text"),
        "```".into(),
        String::new(),
    ];
    if a.domains.api.is_none() {
        dns_notes.push(
            "Without an API host the web calls the API ALB's own DNS name, which the certificate does not cover (ROUTE-007).".into(),
        );
        dns_notes.push(String::new());
    }
    Checklist {
        title: "AWS ECS Fargate (Terraform blueprint ops/infra/aws)",
        entry: "ALB".into(),
        place: vec![
            format!("cp \"$OUT/{vars}\" {LAYOUT}/"),
            "# The blueprint lets only the task role read secrets; ECS pulls them with the execution role.".into(),
            format!("cp \"$OUT/{IAM_PATCH}\" {LAYOUT}/"),
        ],
        dns_target: "its ALB's DNS name (`<project_name>-<environment>-<role>`)",
        dns_record: "CNAME",
        dns_notes,
        secrets: secrets(a),
        deploy,
        next,
        migrations: vec![
            "# The production settings (RDS is private: run from a host in the VPC, or through a tunnel):".into(),
            format!(
                "export DATABASE_URL=\"$(aws secretsmanager get-secret-value --secret-id {} --region {region} --query SecretString --output text)\"",
                secret_name(a, runtime::DATABASE_URL)
            ),
            format!(
                "export SECRETS_PROVIDER={} AWS_REGION={region} AUTH_KEY_STORAGE_BACKEND=secret-manager",
                a.runtime.provider
            ),
            format!(
                "export AUTH_KEY_STORAGE_PROVIDER={} AUTH_KEY_SECRET_NAME={}",
                a.runtime.provider, a.runtime.keyset_secret
            ),
        ],
        logs: format!(
            "aws logs tail /ecs/{prefix}/api --since 1h --region {region}"
        ),
    }
}

/// CHECKLIST.md's secrets step: every secret `api_secrets` names, the signing secret and the
/// Redis AUTH token, created with the value read from stdin so none lands in shell history.
fn secrets(a: &Answers) -> Vec<String> {
    let region = &a.aws.region;
    let plan = Module.plan(a);
    let mut out = vec![
        "- Every secret `api_secrets` names, in Secrets Manager before the apply. `DATABASE_URL`"
            .into(),
        "  and `REDIS_URL` point at RDS and ElastiCache, known after a first apply: create them"
            .into(),
        "  with a placeholder now and `put-secret-value` the real ones once `terraform output`"
            .into(),
        "  shows the endpoints (`rediss://:AUTH_TOKEN@PRIMARY_ENDPOINT:6379/0`).".into(),
        String::new(),
        "```sh".into(),
    ];
    let create = |source: String, name: &str| {
        format!(
            "{source} | aws secretsmanager create-secret --name {name} --secret-string file:///dev/stdin --region {region}"
        )
    };
    let values: Vec<(String, String)> = runtime::billing_config(a)
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect();
    if let Some(api) = plan.processes(Role::Api).next() {
        for k in api.secrets.keys() {
            let source = match values.iter().find(|(n, _)| n == k) {
                Some((_, v)) => format!("printf '%s' '{v}'"),
                None if runtime::RANDOM_SECRETS.contains(&k.as_str()) => {
                    "openssl rand -hex 32 | tr -d '\\n'".into()
                }
                None => format!("printf '%s' \"${k}\""),
            };
            out.push(create(source, &secret_name(a, k)));
        }
    }
    out.push(create(
        "openssl rand -hex 32 | tr -d '\\n'".into(),
        &secret_name(a, "REDIS_AUTH_TOKEN"),
    ));
    // Stored, not generated at each apply: a new value would change the RDS password under
    // DATABASE_URL.
    out.push(create(
        "openssl rand -hex 24 | tr -d '\\n'".into(),
        &secret_name(a, "DB_PASSWORD"),
    ));
    if a.runtime.provider == "aws_sm" {
        out.push(create(
            "openssl rand -hex 32 | tr -d '\\n'".into(),
            &a.runtime.signing_secret,
        ));
    }
    out.push("```".into());
    out.push(String::new());
    out.push(
        "  Lines with `$NAME` read the value from your shell: set each first (`read -rs NAME`)."
            .into(),
    );
    out
}
