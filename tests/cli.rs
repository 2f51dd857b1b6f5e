//! The command line as an operator meets it: exit codes, messages, and what lands on disk.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::Test;

fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries {
            let e = e.unwrap();
            files.insert(
                e.file_name().into_string().unwrap(),
                fs::read_to_string(e.path()).unwrap(),
            );
        }
    }
    files
}

fn names(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

#[test]
fn every_preset_writes_the_designed_files_and_its_answers_reproduce_them() {
    let expected: &[(&str, &[&str])] = &[
        (
            "k8s-single",
            &["CHECKLIST.md", "hostwiz.toml", "values-prod.yaml"],
        ),
        (
            "k8s-ha-worker",
            &["CHECKLIST.md", "hostwiz.toml", "values-prod.yaml"],
        ),
        // The env files the starter's Compose services read, and the egress override.
        (
            "vps-single",
            &[
                "CHECKLIST.md",
                "Caddyfile",
                "api.env.local",
                "compose.env",
                "docker-compose.egress.yml",
                "hostwiz.toml",
                "web.env.local",
            ],
        ),
        (
            "vps-worker",
            &[
                "CHECKLIST.md",
                "Caddyfile",
                "api.env.local",
                "compose.env",
                "docker-compose.egress.yml",
                "docker-compose.worker.yml",
                "hostwiz.toml",
                "web.env.local",
            ],
        ),
        (
            "gcp-cloud-run",
            &["CHECKLIST.md", "hostwiz.toml", "prod.tfvars"],
        ),
        (
            "gcp-cloud-run-worker",
            &["CHECKLIST.md", "hostwiz.toml", "prod.tfvars"],
        ),
    ];
    for (preset, files) in expected {
        let t = Test::new().args(["apply", "--preset", preset, "--out", "d", "--yes"]);
        t.run().status(0).stdout_has("wrote");
        assert_eq!(names(&t.path("d")), *files, "{preset}");
        let t = t.again(&[
            "apply",
            "--answers",
            "d/hostwiz.toml",
            "--out",
            "d2",
            "--yes",
        ]);
        t.run().status(0);
        assert_eq!(
            tree(&t.path("d")),
            tree(&t.path("d2")),
            "{preset}: answers file reproduces the files"
        );
    }
}

#[test]
fn gcp_with_enablement_off_writes_an_executable_enable_script() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "gcp-cloud-run",
        "--set",
        "gcp.enable_project_services=false",
        "--out",
        "d",
    ]);
    t.run().status(0).stdout_has("warning SVC-002");
    assert_eq!(
        names(&t.path("d")),
        [
            "CHECKLIST.md",
            "enable-apis.sh",
            "hostwiz.toml",
            "prod.tfvars"
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(t.path("d/enable-apis.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111);
    }
}

#[test]
fn inline_with_three_api_replicas_is_refused_with_bill_004() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "k8s-ha-worker",
        "--set",
        "billing.worker=inline",
        "--set",
        "scale.api_replicas=3",
        "--out",
        "d",
        "--yes",
    ]);
    t.run()
        .status(1)
        .stdout_has("error BILL-004")
        .stdout_has("fix:")
        .stderr_has("nothing was written");
    assert!(!t.path("d").exists());
}

#[test]
fn an_api_host_equal_to_the_web_host_is_refused_with_route_003() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "k8s-single",
        "--set",
        "domains.api=app.example.com",
        "--out",
        "d",
        "--yes",
    ]);
    t.run().status(1).stdout_has("error ROUTE-003");
    assert!(!t.path("d").exists());
}

#[test]
fn a_hostname_with_caddy_syntax_is_a_usage_error_naming_the_key() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "vps-single",
        "--set",
        "domains.web=app.example.com { respond 1 }",
        "--out",
        "d",
    ]);
    t.run()
        .status(2)
        .stderr_has("domains.web")
        .stderr_has("DNS hostname");
    assert!(!t.path("d").exists());
}

#[test]
fn set_rejects_unknown_keys_and_bad_values_with_what_is_accepted() {
    Test::new()
        .args([
            "apply",
            "--preset",
            "k8s-single",
            "--set",
            "billing.workers=dedicated",
        ])
        .run()
        .status(2)
        .stderr_has("did you mean billing.worker?");
    Test::new()
        .args([
            "apply",
            "--preset",
            "k8s-single",
            "--set",
            "billing.worker=both",
        ])
        .run()
        .status(2)
        .stderr_has("one of inline, dedicated");
    Test::new()
        .args([
            "apply",
            "--preset",
            "k8s-single",
            "--set",
            "scale.api_replicas=0",
        ])
        .run()
        .status(2)
        .stderr_has("scale.api_replicas");
}

#[test]
fn a_changed_file_is_replaced_only_with_consent_and_kept_as_bak() {
    let t = Test::new().file("d/CHECKLIST.md", "my notes\n").args([
        "apply",
        "--preset",
        "k8s-single",
        "--out",
        "d",
    ]);
    t.run()
        .status(2)
        .stdout_has("-my notes")
        .stderr_has("re-run with --yes")
        .stderr_has("nothing was written");
    assert_eq!(
        names(&t.path("d")),
        ["CHECKLIST.md"],
        "nothing else written either"
    );
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md")).unwrap(),
        "my notes\n"
    );

    let t = t.again(&["apply", "--preset", "k8s-single", "--out", "d", "--yes"]);
    t.run().status(0).stdout_has("CHECKLIST.md.1.bak");
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md.1.bak")).unwrap(),
        "my notes\n"
    );
    assert!(fs::read_to_string(t.path("d/CHECKLIST.md"))
        .unwrap()
        .starts_with("# Deployment checklist"));

    // A second identical run changes nothing and needs no consent.
    let t = t.again(&["apply", "--preset", "k8s-single", "--out", "d"]);
    t.run()
        .status(0)
        .stdout_has("unchanged")
        .stdout_has("wrote 0 files");
}

#[test]
fn dry_run_shows_and_writes_nothing() {
    let t = Test::new().args(["apply", "--preset", "vps-worker", "--out", "d", "--dry-run"]);
    t.run()
        .status(0)
        .stdout_has("would create")
        .stdout_has("nothing was written");
    assert!(!t.path("d").exists());
}

#[test]
fn json_output_lists_files_and_findings() {
    let t = Test::new().args([
        "apply",
        "--preset",
        "gcp-cloud-run",
        "--out",
        "d",
        "--format",
        "json",
    ]);
    let run = t.run().status(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["status"], "written");
    assert_eq!(v["files"].as_array().unwrap().len(), 3);
    // Warnings by rule ID: the preset's example values (ANS-001), then the bootstrap reminder.
    assert_eq!(v["findings"][0]["rule"], "ANS-001");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"SVC-003"), "{rules:?}");
}

#[test]
fn a_symlink_out_of_the_folder_is_refused() {
    let t = Test::new()
        .file("outside.yaml", "keep\n")
        .file("d/.keep", "");
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.path("outside.yaml"), t.path("d/values-prod.yaml")).unwrap();
    let t = t.args(["apply", "--preset", "k8s-single", "--out", "d", "--yes"]);
    t.run().status(2).stderr_has("outside the output folder");
    assert_eq!(
        fs::read_to_string(t.path("outside.yaml")).unwrap(),
        "keep\n"
    );
}

#[test]
fn broken_answers_files_get_a_clear_error() {
    Test::new()
        .args(["apply", "--answers", "missing.toml"])
        .run()
        .status(2)
        .stderr_has("cannot read the answers file missing.toml");
    Test::new()
        .file("a.toml", "version = 1\nhost = \"k8s\"\n[domains\nweb = 1\n")
        .args(["apply", "--answers", "a.toml"])
        .run()
        .status(2)
        .stderr_has("a.toml")
        .stderr_has("line 3");
    Test::new()
        .file("a.toml", "version = 1\nhost = \"k8s\"\n")
        .args(["apply", "--answers", "a.toml"])
        .run()
        .status(2)
        .stderr_has("domains.web is required");
    Test::new()
        .file("a.toml", &[0xffu8 as char].iter().collect::<String>())
        .args(["apply", "--answers", "a.toml"])
        .run()
        .status(2);
    Test::new()
        .args(["apply"])
        .run()
        .status(2)
        .stderr_has("--preset");
}

#[test]
fn user_presets_are_listed_and_used() {
    let preset = "# Staging on k8s with our own domain.\nversion = 1\nhost = \"k8s\"\nenvironment = \"staging\"\n\
                  [domains]\nweb = \"staging.acme.io\"\n[images]\napi = \"acme/api:1\"\nweb = \"acme/web:1\"\n\
                  [secrets]\nlocation = \"acme-staging\"\n";
    let t = Test::new()
        .file("config/hostwiz/presets/acme-staging.toml", preset)
        .args(["presets"]);
    t.run()
        .status(0)
        .stdout_has("acme-staging")
        .stdout_has("Staging on k8s with our own domain. (yours)")
        .stdout_has("k8s-single");
    let t = t.again(&["apply", "--preset", "acme-staging", "--yes"]);
    t.run().status(0);
    assert!(t.path("hostwiz-out/staging/values-staging.yaml").exists());
    t.again(&["apply", "--preset", "acme-stagin"])
        .run()
        .status(2)
        .stderr_has("did you mean acme-staging?");
}

#[test]
fn rules_and_explain() {
    Test::new()
        .args(["rules"])
        .run()
        .status(0)
        .stdout_has("SVC-005");
    Test::new()
        .args(["explain", "route-001"])
        .run()
        .status(0)
        .stdout_has("ROUTE-001 (error, routing contract)")
        .stdout_has("Fix:");
    Test::new()
        .args(["explain", "ROUTE-01"])
        .run()
        .status(2)
        .stderr_has("did you mean ROUTE-001?");
}

#[test]
fn without_a_terminal_the_wizard_points_at_apply() {
    Test::new()
        .run()
        .status(2)
        .stderr_has("needs a terminal")
        .stderr_has("hostwiz apply --preset");
    Test::new()
        .args(["wizard", "--plain"])
        .run()
        .status(2)
        .stderr_has("hostwiz apply");
    Test::new()
        .args(["--version"])
        .run()
        .status(0)
        .stdout_has("hostwiz 0.1.0");
    Test::new()
        .args(["apply", "--help"])
        .run()
        .status(0)
        .stdout_has("gcp.extra_services");
    Test::new().args(["frobnicate"]).run().status(2);
}

/// Issue 15 item 2: `hostwiz --plain` is `hostwiz wizard --plain`, and an answers file given
/// without `--out` is applied where it lives.
#[test]
fn commands_run_as_the_readme_types_them() {
    Test::new()
        .args(["--plain"])
        .run()
        .status(2)
        .stderr_has("needs a terminal");
    let t = Test::new().args([
        "apply",
        "--preset",
        "k8s-single",
        "--set",
        "domains.web=app.acme.io",
        "--out",
        "deploy/prod",
    ]);
    t.run().status(0);
    let toml = t.path("deploy/prod/hostwiz.toml");
    let edited = fs::read_to_string(&toml)
        .unwrap()
        .replace("app.acme.io", "shop.acme.io");
    fs::write(&toml, edited).unwrap();
    let t = t.again(&["apply", "--answers", "deploy/prod/hostwiz.toml", "--yes"]);
    t.run().status(0).stdout_has("deploy/prod/values-prod.yaml");
    assert!(!t.path("hostwiz-out").exists(), "nothing in hostwiz-out");
    let values = fs::read_to_string(t.path("deploy/prod/values-prod.yaml")).unwrap();
    assert!(values.contains("shop.acme.io"));
}

/// Issue 15 item 7: `hostwiz rules` lines every row up, the suppressions row too.
#[test]
fn rules_are_aligned() {
    let run = Test::new().args(["rules"]).run().status(0);
    let rows: Vec<&str> = run.stdout.lines().take_while(|l| !l.is_empty()).collect();
    // Where the rule's text starts: after the ID, severity and contract columns.
    let text_at = |row: &str| {
        let mut at = 0;
        for _ in 0..3 {
            at += row[at..].find(' ').unwrap();
            at += row[at..].len() - row[at..].trim_start().len();
        }
        at
    };
    let first = text_at(rows[0]);
    for row in &rows {
        assert_eq!(text_at(row), first, "{row}");
    }
    assert!(rows.iter().any(|r| r.starts_with("IGNORE-001")));
}

/// Issue 15 item 5: a Cloud Run API minimum of 0 is valid and warned about where it stops
/// billing retries (inline: BILL-008); elsewhere 0 is refused with what is accepted.
#[test]
fn a_cloud_run_api_minimum_of_zero_is_valid_with_a_warning() {
    Test::new()
        .args([
            "apply",
            "--preset",
            "gcp-cloud-run",
            "--set",
            "scale.api_min_replicas=0",
        ])
        .args([
            "--set",
            "domains.web=app.acme.io",
            "--set",
            "domains.api=api.acme.io",
        ])
        .args(["--set", "gcp.project_id=acme-prod", "--dry-run"])
        .run()
        .status(0)
        .stdout_has("BILL-008")
        .stdout_has("api_min_instances = 0");
    Test::new()
        .args([
            "apply",
            "--preset",
            "k8s-ha-worker",
            "--set",
            "scale.api_min_replicas=0",
        ])
        .args(["--dry-run"])
        .run()
        .status(2)
        .stderr_has("0 only where instances scale to zero");
}

/// Issue 15 item 8: a preset's example values and a mutable image tag are warned (ANS-001),
/// without refusing; the operator's own pinned values are not.
#[test]
fn example_values_and_mutable_tags_are_warned() {
    Test::new()
        .args(["apply", "--preset", "vps-single", "--dry-run"])
        .run()
        .status(0)
        .stdout_has("ANS-001 domains.web = \"app.example.com\" is an example value");
    let own = [
        "--set",
        "domains.web=shop.acme.io",
        "--set",
        "images.api=ghcr.io/shop/api:latest",
        "--set",
        "images.web=ghcr.io/shop/web:2.0.1",
    ];
    let run = Test::new()
        .args(["apply", "--preset", "vps-single", "--dry-run"])
        .args(own)
        .run()
        .status(0)
        .stdout_has("ANS-001 images.api = \"ghcr.io/shop/api:latest\" is not pinned");
    assert!(!run.stdout.contains("images.web = "), "{}", run.stdout);
    assert!(!run.stdout.contains("domains.web = "), "{}", run.stdout);
}

/// Issue 15 item 7: `check` given an answers file says what it is and what to run instead; a
/// clean `check --repo` says which deployments and files it read; completions offer the
/// presets' names for `--preset`.
#[test]
fn check_says_what_it_was_given_and_what_it_read() {
    let t = Test::new().args(["apply", "--preset", "k8s-single", "--out", "d", "--yes"]);
    t.run().status(0);
    let values = fs::read_to_string(t.path("d/values-prod.yaml")).unwrap();
    let t = t
        .file("ops/charts/starter/values.yaml", "# chart defaults\n")
        .file("ops/charts/starter/values.prod.yaml", &values)
        .again(&["check", "d/hostwiz.toml"]);
    t.run()
        .status(2)
        .stderr_has("d/hostwiz.toml is a hostwiz answers file")
        .stderr_has("hostwiz apply --answers d/hostwiz.toml");
    let t = t.again(&["check", "--repo", "."]);
    t.run()
        .status(0)
        .stdout_has("checked 1 deployment:")
        .stdout_has("ops/charts/starter/values.yaml, ops/charts/starter/values.prod.yaml");
    for shell in ["bash", "zsh", "fish"] {
        Test::new()
            .args(["completions", shell])
            .run()
            .status(0)
            .stdout_has("k8s-ha-worker")
            .stdout_has("gcp-cloud-run");
    }
}

/// Issue 15 item 7: web replicas are their own answer, carried into the plan and the files of
/// every host that scales the web app, and read back by `check`.
#[test]
fn web_replicas_are_asked_on_their_own() {
    let t = Test::new().args(["apply", "--preset", "k8s-single", "--out", "k", "--yes"]);
    let t = t.again(&[
        "apply",
        "--preset",
        "k8s-single",
        "--out",
        "k",
        "--yes",
        "--set",
        "scale.web_replicas=4",
    ]);
    t.run().status(0);
    let values = fs::read_to_string(t.path("k/values-prod.yaml")).unwrap();
    assert!(
        values.contains("web:\n  image: \"ghcr.io/acme/starter-web:1.4.0\"\n  replicaCount: 4"),
        "{values}"
    );
    assert!(
        values.contains("api:\n  image: \"ghcr.io/acme/starter-api:1.4.0\"\n  replicaCount: 1"),
        "{values}"
    );
    let t = t.again(&[
        "apply",
        "--preset",
        "gcp-cloud-run",
        "--out",
        "g",
        "--yes",
        "--set",
        "scale.web_replicas=4",
    ]);
    t.run().status(0);
    let tfvars = fs::read_to_string(t.path("g/prod.tfvars")).unwrap();
    assert!(tfvars.contains("web_max_instances = 4"), "{tfvars}");
    let plan = |dir: &str, file: &str| {
        let opts = hostwiz::check::Options {
            paths: vec![t.path(dir).join(file)],
            ..Default::default()
        };
        let c = hostwiz::check::run(&opts).unwrap();
        let web = c[0]
            .plan
            .processes(hostwiz::plan::Role::Web)
            .next()
            .unwrap()
            .replicas
            .value;
        web.max
    };
    assert_eq!(plan("k", "values-prod.yaml"), 4);
    assert_eq!(plan("g", "prod.tfvars"), 4);
}
