//! Azure Container Apps (issue 16): the preset's tfvars pass the blueprint's variable
//! validation (hostwiz's own module `fixtures/azure/variables.tf`, from STARTER-FACTS G.6),
//! the blueprint's breaks (blockers 11-13 and the missing replica bounds) are found where they
//! are and go away with the checklist's patches, unpatched answers are refused with each
//! patch, and `migrate worker` says why it cannot.

use crate::aws::terraform_plan;
use crate::Test;
use hostwiz::answers::{Answers, RawAnswers};
use hostwiz::render;
use hostwiz::source::{self, Source};

fn files(sets: &[&str]) -> Vec<render::File> {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let a = source::load(&Source::Preset("azure-container-apps".into()), &sets).unwrap();
    render::render(&a)
}

fn tfvars(sets: &[&str]) -> String {
    files(sets)
        .into_iter()
        .find(|f| f.path.ends_with(".tfvars"))
        .unwrap()
        .contents
}

#[test]
fn the_presets_tfvars_pass_the_blueprints_variable_validation() {
    for sets in [
        &[][..],
        &["domains.api=", "azure.log_analytics=acme-logs"][..],
    ] {
        let Some((ok, err)) = terraform_plan("azure", &tfvars(sets)) else {
            return;
        };
        assert!(ok, "{sets:?}: {err}");
    }
    let without: String = tfvars(&[])
        .lines()
        .filter(|l| !l.starts_with("auth_key_secret_name"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (ok, err) = terraform_plan("azure", &without).unwrap();
    assert!(!ok && err.contains("auth_key_secret_name"), "{err}");
}

/// The parts of the shipped blueprint that show its breaks, as the starter writes them
/// (STARTER-FACTS blockers 11-13, G.7): hostwiz's own minimal copy.
pub const APPS: &str = r#"resource "azurerm_container_app" "api" {
  name = "${local.name_prefix}-api"

  template {
    container {
      name = "api"

      dynamic "env" {
        for_each = local.api_secret_list
        content {
          name        = env.value.name
          secret_name = env.value.name
        }
      }
    }
  }

  dynamic "secret" {
    for_each = local.api_secret_list
    content {
      name                = secret.value.name
      key_vault_secret_id = secret.value.valueFrom
    }
  }
}
"#;
pub const IDENTITY: &str = r#"resource "azurerm_key_vault_access_policy" "api" {
  key_vault_id = azurerm_key_vault.main.id
  object_id    = azurerm_container_app.api.identity[0].principal_id
}
"#;
pub const POSTGRES: &str = r#"resource "azurerm_postgresql_flexible_server" "main" {
  name    = "${local.name_prefix}-pg"
  version = "16"
}
"#;

fn blueprint(apps: &str) -> Test {
    Test::new()
        .file("ops/infra/azure/prod.tfvars", &tfvars(&[]))
        .file("ops/infra/azure/container_apps.tf", apps)
        .file("ops/infra/azure/identity.tf", IDENTITY)
        .file("ops/infra/azure/postgres.tf", POSTGRES)
}

#[test]
fn the_shipped_blueprints_breaks_are_found_where_they_are() {
    let run = blueprint(APPS).args(["check", "--repo", "."]).run();
    let run = run.status(1);
    for says in [
        "error BILL-004 inline mode with up to 10 API processes",
        "the default of Container Apps (the blueprint's api app sets no min_replicas/max_replicas",
        "ops/infra/azure/container_apps.tf:21:1: error BOOT-010 the blueprint names each Container App secret after its api_secrets key",
        "ops/infra/azure/identity.tf:3:1: error BOOT-010 Key Vault access for the apps' identities is granted after the apps are created",
        "ops/infra/azure/postgres.tf:1:1: error BOOT-010 the migrations run CREATE EXTENSION citext",
    ] {
        assert!(run.stdout.contains(says), "{says}\n{}", run.stdout);
    }
}

#[test]
fn the_checklists_patches_mend_what_they_say() {
    let fs = files(&[]);
    let checklist = &fs
        .iter()
        .find(|f| f.path == "CHECKLIST.md")
        .unwrap()
        .contents;
    let citext = &fs
        .iter()
        .find(|f| f.path == "hostwiz-postgres-citext.tf")
        .unwrap()
        .contents;
    let t = blueprint(APPS).file("ops/infra/azure/hostwiz-postgres-citext.tf", citext);
    // The checklist's own sed lines, run on the blueprint.
    for line in checklist.lines().filter(|l| l.starts_with("sed -i")) {
        let status = std::process::Command::new("sh")
            .args(["-c", line])
            .current_dir(t.dir())
            .status()
            .unwrap();
        assert!(status.success(), "{line}");
    }
    let run = t.args(["check", "--repo", "."]).run();
    // What is left is the manual one (the identity) and the deploy-overlap warning.
    assert!(
        run.stdout
            .contains("identity.tf:3:1: error BOOT-010 Key Vault access"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("container_apps.tf:6:1: warning BILL-004 a deploy briefly runs"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 error, 1 warning"), "{}", run.stdout);
}

fn answers(sets: &[&str]) -> Result<Answers, hostwiz::answers::AnswerError> {
    let text = source::load(&Source::Preset("azure-container-apps".into()), &[])
        .unwrap()
        .to_raw()
        .to_toml();
    let mut raw = RawAnswers::from_toml(&text).unwrap();
    for s in sets {
        raw.set(s).unwrap();
    }
    Answers::from_raw(&raw)
}

#[test]
fn unpatched_answers_are_refused_with_each_patch() {
    Test::new()
        .args([
            "apply",
            "--preset",
            "azure-container-apps",
            "--set",
            "azure.blueprint_patched=false",
            "--out",
            "out",
        ])
        .run()
        .status(1)
        .stdout_has("answer azure.blueprint_patched: error BILL-004 inline mode with up to 10 API processes")
        .stdout_has("error BOOT-010 the blueprint names each Container App secret")
        .stdout_has("error BOOT-010 Key Vault access for the apps' identities")
        .stdout_has("error BOOT-010 the migrations run CREATE EXTENSION citext");
}

#[test]
fn the_answers_refuse_what_the_blueprint_cannot_run() {
    for (sets, key, says) in [
        (
            &["billing.worker=dedicated"][..],
            "billing.worker",
            "no worker app",
        ),
        (
            &["storage.provider=s3"][..],
            "storage.provider",
            "azure_blob on azure",
        ),
        (&["azure.key_vault="][..], "azure.key_vault", "Key Vault"),
        (
            &["azure.storage_account="][..],
            "azure.storage_account",
            "storage account",
        ),
    ] {
        let err = answers(sets).unwrap_err();
        assert_eq!(err.key, key);
        assert!(err.expected.contains(says), "{}", err.expected);
    }
    assert!(answers(&["azure.storage_account=Bad_Name"]).is_err());
    assert!(answers(&["azure.region=westeurope"]).is_ok());
}

#[test]
fn migrate_worker_says_why_it_cannot_on_azure() {
    Test::new()
        .file("az/prod.tfvars", &tfvars(&[]))
        .args(["migrate", "worker", "az/prod.tfvars"])
        .run()
        .status(2)
        .stderr_has("the Azure blueprint has no worker app")
        .stderr_has("a third Container App");
}
