//! GCP: every preset's tfvars passes `terraform plan` against the blueprint's variables and
//! their validations (`tests/fixtures/gcp-variables`, written from STARTER-FACTS § F), run as
//! the checklist says: its `TF_VAR_db_password` export, its init and plan lines.

use super::{contents, presets_of, variants, written};
use crate::support::{terraform, validators};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn module() -> PathBuf {
    validators::manifest_dir().join("tests/fixtures/gcp-variables")
}

/// The checklist's `sh` lines that start with `prefix`.
fn lines<'a>(checklist: &'a str, prefix: &str) -> Vec<&'a str> {
    checklist
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with(prefix))
        .collect()
}

/// A checkout of the blueprint's variables with the tfvars where step 1 puts it, and
/// `TF_VAR_db_password` from the checklist's own export line (run by the shell).
fn checkout(tfvars: &str, checklist: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let gcp = dir.path().join("ops/infra/gcp");
    std::fs::create_dir_all(&gcp).unwrap();
    for f in ["variables.tf", "names.tf"] {
        std::fs::copy(module().join(f), gcp.join(f)).unwrap();
    }
    std::fs::write(gcp.join("prod.tfvars"), tfvars).unwrap();
    let export = lines(checklist, "export TF_VAR_db_password=");
    assert_eq!(
        export.len(),
        1,
        "the checklist exports TF_VAR_db_password once"
    );
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("{}; printf %s \"$TF_VAR_db_password\"", export[0]),
        ])
        .output()
        .unwrap();
    let password = String::from_utf8(out.stdout).unwrap();
    assert!(!password.is_empty(), "{}", export[0]);
    (dir, password)
}

/// Runs one `terraform ...` line of the checklist with `exe` in `dir`.
fn terraform_line(exe: &Path, dir: &Path, line: &str, password: Option<&str>) -> Output {
    let args: Vec<&str> = line.split_whitespace().skip(1).collect();
    let mut cmd = Command::new(exe);
    cmd.args(&args)
        .args(["-input=false", "-no-color"])
        .current_dir(dir)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env_remove("TF_VAR_db_password");
    if let Some(p) = password {
        cmd.env("TF_VAR_db_password", p);
    }
    validators::output(&mut cmd, None)
}

/// `terraform plan` as the checklist runs it: `Ok(output)` or `Err(output)`.
fn plan(tfvars: &str, checklist: &str, with_password: bool) -> Option<Result<String, String>> {
    let exe = terraform::recent()?;
    let (dir, password) = checkout(tfvars, checklist);
    let init = lines(checklist, "terraform -chdir=ops/infra/gcp init");
    let plan = lines(checklist, "terraform -chdir=ops/infra/gcp plan");
    assert_eq!(
        (init.len(), plan.len()),
        (1, 1),
        "one init and one plan line"
    );
    let out = terraform_line(&exe, dir.path(), init[0], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = terraform_line(
        &exe,
        dir.path(),
        plan[0],
        with_password.then_some(&password),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains(&password),
        "the password never appears in plan output"
    );
    Some(if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    })
}

#[test]
fn every_gcp_preset_tfvars_passes_terraform_plan() {
    for preset in presets_of("gcp") {
        for sets in variants(&preset) {
            let (dir, files) = written(&preset, &sets);
            let tfvars = contents(&files, "prod.tfvars");
            let checklist = contents(&files, "CHECKLIST.md");
            let Some(result) = plan(tfvars, checklist, true) else {
                return;
            };
            let text = result.unwrap_or_else(|e| panic!("{preset} {sets:?}: plan failed\n{e}"));
            assert!(
                !text.contains("undeclared variable"),
                "{preset} {sets:?}: a variable the blueprint lacks\n{text}"
            );
            assert!(
                !tfvars.contains("db_password ="),
                "{preset}: db_password kept out"
            );
            // Every secret api_secrets names is one the checklist creates.
            let json = validators::hcl2tojson(&dir.path().join("prod.tfvars")).unwrap();
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_ne!(v["storage_bucket_name"], "assets", "{preset}");
            for (name, secret) in v["api_secrets"].as_object().unwrap() {
                let create = format!("gcloud secrets create {} ", secret.as_str().unwrap());
                assert!(
                    checklist.contains(&create),
                    "{preset} {sets:?}: {name}'s secret is never created"
                );
            }
        }
    }
}

/// The plan above can fail: without the checklist's password, without api_secrets, or with
/// the README's project name, Terraform refuses.
#[test]
fn terraform_plan_refuses_what_the_blueprint_refuses() {
    let (_dir, files) = written("gcp-cloud-run", &[]);
    let tfvars = contents(&files, "prod.tfvars");
    let checklist = contents(&files, "CHECKLIST.md");
    let Some(result) = plan(tfvars, checklist, false) else {
        return;
    };
    assert!(result.unwrap_err().contains("db_password"));
    let start = tfvars.find("api_secrets = {").expect("api_secrets");
    let end = start + tfvars[start..].find("\n}\n").unwrap() + 3;
    let without = format!("{}{}", &tfvars[..start], &tfvars[end..]);
    let err = plan(&without, checklist, true).unwrap().unwrap_err();
    assert!(err.contains("api_secrets must name"), "{err}");
    let long = tfvars.replace("project_name = \"app\"", "project_name = \"agent-saas\"");
    assert_ne!(long, tfvars);
    let err = plan(&long, checklist, true).unwrap().unwrap_err();
    assert!(err.contains("VPC connector name"), "{err}");
}
