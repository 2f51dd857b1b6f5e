//! Says, in a plain `cargo test`, which validators the integration tests will skip: the tests
//! note each skip on stderr, which `cargo test` hides unless a test fails, so a run without the
//! tools would otherwise look fully checked. Cargo shows this warning on every build until the
//! tools are found (it replays cached build-script warnings).

use std::path::{Path, PathBuf};

/// The tools `tests/support/validators.rs` looks for, as it names them.
const VALIDATORS: &[&str] = &[
    "caddy",
    "terraform",
    "hcl2tojson",
    "kubernetes-validate",
    "yamllint",
    "docker-compose",
    "check-jsonschema",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-env-changed=HOSTWIZ_REQUIRE_VALIDATORS");
    // Only where tests are built: `cargo install` (release) has nothing to skip.
    if std::env::var("PROFILE").is_ok_and(|p| p != "debug") {
        return;
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/venv/bin");
    let mut missing: Vec<&str> = VALIDATORS
        .iter()
        .copied()
        .filter(|tool| !found(&venv, tool))
        .collect();
    // The Helm checks run the chart through the venv's Python (helm-python-sdk) only.
    if !venv.join("python3").is_file() {
        missing.push("target/venv/bin/python3 (helm-python-sdk)");
    }
    if !missing.is_empty() {
        println!(
            "cargo:warning=cargo test will skip the validator checks that need {} \
             (not in target/venv/bin or on PATH): run `bash .ci/run` to install them, \
             or set HOSTWIZ_REQUIRE_VALIDATORS=1 to make each skip a failure",
            missing.join(", ")
        );
    }
}

fn found(venv: &Path, tool: &str) -> bool {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<PathBuf>>())
        .unwrap_or_default();
    std::iter::once(venv.to_path_buf())
        .chain(on_path)
        .any(|dir| dir.join(tool).is_file())
}
