//! `apply --generate-secrets`: the random secrets (SECRET_KEY and the peppers) filled into the
//! 0600 templates hostwiz writes, never printed, never regenerated; refused where the secrets
//! live in a store hostwiz does not write.

use crate::Test;

const RANDOM: [&str; 3] = [
    "SECRET_KEY",
    "AUTH_PASSWORD_PEPPER",
    "AUTH_REFRESH_TOKEN_PEPPER",
];

/// The values of `key` in a template (`KEY=v` or `KEY: "v"`), in order.
fn values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix(key))
        .filter(|r| r.starts_with('=') || r.starts_with(':'))
        .map(|r| r[1..].trim().trim_matches('"').to_string())
        .collect()
}

fn random(v: &str) -> bool {
    v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

#[test]
fn the_vps_env_template_gets_random_secrets_kept_on_every_later_run() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "vps-worker",
        "--out",
        "out",
        "--yes",
        "--generate-secrets",
    ]);
    let run = t.run().status(0);
    let env = t.path("out/api.env.local");
    let text = std::fs::read_to_string(&env).unwrap();
    let mut seen = Vec::new();
    for key in RANDOM {
        let v = values(&text, key);
        assert_eq!(v.len(), 1, "{key}");
        assert!(random(&v[0]), "{key}={}", v[0]);
        assert!(!run.stdout.contains(&v[0]) && !run.stderr.contains(&v[0]));
        seen.push(v[0].clone());
    }
    seen.dedup();
    assert_eq!(seen.len(), 3, "one value per secret");
    // What the operator fills by hand stays empty.
    assert_eq!(values(&text, "DATABASE_URL"), [""]);
    assert_eq!(values(&text, "OPENAI_API_KEY"), [""]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Filled by the operator since: kept too.
    let filled = text.replacen("\nOPENAI_API_KEY=\n", "\nOPENAI_API_KEY=sk-test-Zk7q\n", 1);
    std::fs::write(&env, &filled).unwrap();
    for extra in [&["--generate-secrets"][..], &[]] {
        let again = Test::in_dir(t.dir())
            .args(["apply", "--preset", "vps-worker", "--out", "out", "--yes"])
            .args(extra)
            .run()
            .status(0);
        assert!(again.stdout.contains("unchanged") && again.stdout.contains("api.env.local"));
        assert_eq!(std::fs::read_to_string(&env).unwrap(), filled, "{extra:?}");
    }
}

#[test]
fn a_dry_run_and_json_show_the_generated_values_masked() {
    for format in ["text", "json"] {
        let t = Test::new().args(["apply", "--preset", "vps-single", "--out", "out", "--yes"]);
        t.run().status(0);
        let run = Test::in_dir(t.dir())
            .args([
                "apply",
                "--preset",
                "vps-single",
                "--out",
                "out",
                "--dry-run",
            ])
            .args(["--generate-secrets", "--format", format])
            .run()
            .status(0);
        assert!(
            run.stdout.contains("SECRET_KEY=********"),
            "{format}: {}",
            run.stdout
        );
        for line in run.stdout.lines().chain(run.stderr.lines()) {
            let hex_run = line
                .split(|c: char| !c.is_ascii_hexdigit())
                .any(|w| w.len() >= 32);
            assert!(!hex_run, "{format}: a generated value shows: {line}");
        }
        let text = std::fs::read_to_string(t.path("out/api.env.local")).unwrap();
        assert_eq!(
            values(&text, "SECRET_KEY"),
            [""],
            "a dry run writes nothing"
        );
    }
}

#[test]
fn the_charts_own_secret_gets_one_value_per_secret_for_api_and_worker() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "k8s-ha-worker",
        "--set",
        "k8s.secret_store=",
        "--out",
        "out",
        "--yes",
        "--generate-secrets",
    ]);
    t.run().status(0);
    let text = std::fs::read_to_string(t.path("out/secrets-prod.yaml")).unwrap();
    for key in RANDOM {
        let v = values(&text, key);
        assert_eq!(v.len(), 2, "api and worker: {key}");
        assert!(random(&v[0]) && v[0] == v[1], "{key}: {v:?}");
    }
    assert_eq!(values(&text, "DATABASE_URL"), ["", ""]);
}

#[test]
fn where_secrets_live_in_a_store_the_flag_is_refused_and_nothing_is_written() {
    for preset in ["k8s-single", "gcp-cloud-run"] {
        let t = Test::new().args([
            "apply",
            "--preset",
            preset,
            "--out",
            "out",
            "--yes",
            "--generate-secrets",
        ]);
        t.run()
            .status(2)
            .stderr_has("files hostwiz writes only")
            .stderr_has("CHECKLIST.md");
        assert!(!t.path("out").exists(), "{preset}");
    }
}

#[test]
fn apply_help_documents_the_flag() {
    Test::new()
        .args(["apply", "--help"])
        .run()
        .status(0)
        .stdout_has("--generate-secrets")
        .stdout_has("values already filled are kept");
}
