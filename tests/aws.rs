//! AWS ECS Fargate (issue 16): the preset's tfvars pass the blueprint's variable validation
//! (a module of hostwiz's own, `fixtures/aws/variables.tf`, written from STARTER-FACTS G.2),
//! each break of G.4 and blocker 10 is found at its line, the answers refuse what the
//! blueprint cannot run, and `migrate worker` says why it cannot.

use crate::support::terraform;
use crate::support::validators::manifest_dir;
use crate::Test;
use hostwiz::answers::{Answers, RawAnswers};
use hostwiz::render;
use hostwiz::source::{self, Source};
use std::process::Command;

fn tfvars(sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let a = source::load(&Source::Preset("aws-ecs".into()), &sets).unwrap();
    render::render(&a)
        .into_iter()
        .find(|f| f.path.ends_with(".tfvars"))
        .unwrap()
        .contents
}

/// `terraform plan` of `vars` against the fixture module of `host` (`aws`, `azure`), the
/// passwords exported as the checklists say; `None` without Terraform ≥ 1.9.
pub fn terraform_plan(host: &str, vars: &str) -> Option<(bool, String)> {
    let exe = terraform::recent()?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        manifest_dir().join(format!("tests/fixtures/{host}/variables.tf")),
        dir.path().join("variables.tf"),
    )
    .unwrap();
    std::fs::write(dir.path().join("prod.tfvars"), vars).unwrap();
    let tf = |args: &[&str]| {
        Command::new(&exe)
            .args(args)
            .current_dir(dir.path())
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            // Kept out of files, exported as the checklists say.
            .env("TF_VAR_db_password", "x")
            .env("TF_VAR_redis_auth_token", "y")
            .env("TF_VAR_db_admin_password", "z")
            .output()
            .unwrap()
    };
    assert!(tf(&["init", "-input=false", "-no-color"]).status.success());
    let out = tf(&["plan", "-input=false", "-no-color", "-var-file=prod.tfvars"]);
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn the_presets_tfvars_pass_the_blueprints_variable_validation() {
    for sets in [&[][..], &["domains.api=", "environment=staging"][..]] {
        let Some((ok, err)) = terraform_plan("aws", &tfvars(sets)) else {
            return;
        };
        assert!(ok, "{sets:?}: {err}");
    }
    // The module is no rubber stamp: without the certificate the plan fails.
    let without: String = tfvars(&[])
        .lines()
        .filter(|l| !l.starts_with("acm_certificate_arn"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (ok, err) = terraform_plan("aws", &without).unwrap();
    assert!(!ok && err.contains("acm_certificate_arn"), "{err}");
}

#[test]
fn the_written_files_are_terraform_formatted() {
    let Some(exe) = terraform::recent() else {
        return;
    };
    let a = source::load(&Source::Preset("aws-ecs".into()), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for f in render::render(&a) {
        if f.path.ends_with(".tfvars") || f.path.ends_with(".tf") {
            let p = dir.path().join(&f.path);
            std::fs::write(&p, &f.contents).unwrap();
            let out = Command::new(&exe)
                .args(["fmt", "-check", "-diff"])
                .arg(&p)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                f.path,
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
}

/// The blueprint's execution role as the starter writes it: the managed policy only.
const IAM: &str = "resource \"aws_iam_role\" \"task_execution\" {\n  name = \"x-ecs-exec\"\n}\n\n\
resource \"aws_iam_role_policy_attachment\" \"task_execution\" {\n  role       = aws_iam_role.task_execution.name\n  \
policy_arn = \"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\"\n}\n";

fn check(vars: &str) -> crate::test::Run {
    Test::new()
        .file("aws/prod.tfvars", vars)
        .args(["check", "--host", "aws", "aws/prod.tfvars"])
        .run()
}

#[test]
fn what_apply_writes_checks_clean_but_for_the_rolling_deploy_warning() {
    let run = check(&tfvars(&[]));
    run.status(0).stdout_has(
        "prod.tfvars:30:1: warning BILL-004 a deploy briefly runs the new API instance beside the old one",
    );
    let run = check(&tfvars(&[]));
    assert!(run.stdout.contains("0 errors, 1 warning"), "{}", run.stdout);
}

#[test]
#[rustfmt::skip]
fn each_break_is_found_at_its_line() {
    let base = tfvars(&[]);
    let cases: &[(&str, &str, &str)] = &[
        // Routing: without api_base_url the BFF calls the ALB's own name.
        ("api_base_url   = \"https://api.example.com\"\n", "", "error ROUTE-007 api_base_url is not set"),
        // Billing: inline with two API tasks.
        ("api_desired_count = 1", "api_desired_count = 2", "prod.tfvars:30:1: error BILL-004 inline mode with up to 2 API processes"),
        // Startup: the ALB's IP health checks need ALLOWED_HOSTS=*.
        ("  ALLOWED_HOSTS                 = \"*\"\n", "", "error BOOT-005"),
        // Startup: Fargate's HOSTNAME on the web.
        ("  HOSTNAME = \"0.0.0.0\"\n", "", "error BOOT-006 the web gets no HOSTNAME=0.0.0.0"),
        // Startup: a secret given by no reference.
        ("  OPENAI_API_KEY ", "  NOT_OPENAI_API_KEY ", "error BOOT-002 the api gets no OPENAI_API_KEY"),
        // Startup: ALB names allow project_name + environment ≤ 27 characters.
        ("project_name = \"app\"", "project_name = \"a-very-long-project-name-x\"", "prod.tfvars:4:1: error BOOT-010 project_name + environment is 30 characters"),
    ];
    for (from, to, says) in cases {
        assert!(base.contains(from), "{from:?} not in the tfvars");
        check(&base.replacen(from, to, 1)).status(1).stdout_has(says);
    }
}

#[test]
fn the_blueprints_execution_role_without_a_secrets_grant_is_a_break_the_patch_mends() {
    let vars = tfvars(&[]);
    Test::new()
        .file("aws/prod.tfvars", &vars)
        .file("aws/iam.tf", IAM)
        .args(["check", "aws/prod.tfvars", "aws/iam.tf"])
        .run()
        .status(1)
        .stdout_has(
            "aws/iam.tf:1:1: error BOOT-010 ECS pulls api_secrets with the task execution role",
        );
    let a = source::load(&Source::Preset("aws-ecs".into()), &[]).unwrap();
    let patch = render::render(&a)
        .into_iter()
        .find(|f| f.path == "hostwiz-secrets-iam.tf")
        .unwrap();
    let run = Test::new()
        .file("ops/infra/aws/prod.tfvars", &vars)
        .file("ops/infra/aws/iam.tf", IAM)
        .file("ops/infra/aws/hostwiz-secrets-iam.tf", &patch.contents)
        .args(["check", "--repo", "."])
        .run();
    assert!(!run.stdout.contains("BOOT-010"), "{}", run.stdout);
    assert!(
        run.stdout.contains("aws ops/infra/aws/prod.tfvars"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_answers_refuse_what_the_blueprint_cannot_run() {
    let preset = |sets: &[&str]| {
        let mut raw = RawAnswers::from_toml(
            &source::load(&Source::Preset("aws-ecs".into()), &[])
                .unwrap()
                .to_raw()
                .to_toml(),
        )
        .unwrap();
        for s in sets {
            raw.set(s).unwrap();
        }
        Answers::from_raw(&raw)
    };
    for (sets, key, says) in [
        (
            &["billing.worker=dedicated"][..],
            "billing.worker",
            "no worker service",
        ),
        (
            &["storage.provider=gcs"][..],
            "storage.provider",
            "s3 on aws",
        ),
        (
            &["aws.certificate_arn="][..],
            "aws.certificate_arn",
            "ACM certificate",
        ),
        (&["aws.account_id="][..], "aws.account_id", "12-digit"),
    ] {
        let err = preset(sets).unwrap_err();
        assert_eq!(err.key, key);
        assert!(err.expected.contains(says), "{}", err.expected);
    }
    assert!(preset(&["aws.region=eu-central-1"]).is_ok());
}

#[test]
fn migrate_worker_says_why_it_cannot_on_aws() {
    Test::new()
        .file("aws/prod.tfvars", &tfvars(&[]))
        .args(["migrate", "worker", "aws/prod.tfvars"])
        .run()
        .status(2)
        .stderr_has("the AWS blueprint has no worker service")
        .stderr_has("a second ECS service");
}
