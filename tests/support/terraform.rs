//! `terraform console` as the oracle for the blueprint's locals, and `terraform plan` against
//! its variables (`files_start::gcp`). Both need Terraform 1.9 or later (the venv's 1.0 lacks
//! functions the blueprint uses and cross-variable validations): `HOSTWIZ_TERRAFORM`, then
//! `/usr/local/bin/terraform` (the machine image's; `.ci/run` checks it), then `terraform` on
//! PATH, the first of a recent enough version. None found skips the check (a note on stderr),
//! or fails under `HOSTWIZ_REQUIRE_VALIDATORS=1`.

use super::validators::{missing_because, tool};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn version(exe: &Path) -> Option<(u32, u32)> {
    let out = Command::new(exe)
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let mut parts = v["terraform_version"].as_str()?.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A Terraform of version 1.9 or later.
pub fn recent() -> Option<PathBuf> {
    let candidates = std::env::var_os("HOSTWIZ_TERRAFORM")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/usr/local/bin/terraform")])
        .chain(tool("terraform"));
    for exe in candidates {
        if version(&exe).is_some_and(|v| v >= (1, 9)) {
            return Some(exe);
        }
    }
    missing_because(
        "terraform >= 1.9",
        "not found (HOSTWIZ_TERRAFORM, /usr/local/bin, PATH)",
    )
}

/// `jsonencode(EXPR)` as `terraform console` evaluates it in a copy of `module` with `tfvars`.
pub fn console(module: &Path, tfvars: &str, expr: &str) -> Option<serde_json::Value> {
    let exe = recent()?;
    let dir = tempfile::tempdir().expect("temp dir");
    for f in ["variables.tf", "locals.tf"] {
        std::fs::copy(module.join(f), dir.path().join(f)).expect("copy module");
    }
    std::fs::write(dir.path().join("t.tfvars"), tfvars).expect("write tfvars");
    let mut child = Command::new(exe)
        .args(["console", "-no-color", "-var-file=t.tfvars"])
        .current_dir(dir.path())
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run terraform console");
    use std::io::Write;
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "jsonencode({expr})").expect("write to terraform console");
    drop(stdin);
    let out = child.wait_with_output().expect("terraform console");
    assert!(
        out.status.success(),
        "terraform console failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The console prints the JSON text as an HCL string literal.
    let literal: String =
        serde_json::from_slice(out.stdout.trim_ascii()).expect("a quoted string from the console");
    Some(serde_json::from_str(&literal).expect("JSON from jsonencode"))
}
