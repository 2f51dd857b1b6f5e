//! `hostwiz gcp services`: the API table, the one enable command, the Terraform change, the
//! exit code — through the binary, and the review's verdicts through the library.

use hostwiz::hosts::gcp::services_review::{self, Action, Options, Review};

use crate::Test;

const ALWAYS: [&str; 9] = [
    "compute.googleapis.com",
    "vpcaccess.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "redis.googleapis.com",
    "storage.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
];
const BOOTSTRAP: [&str; 2] = [
    "serviceusage.googleapis.com",
    "cloudresourcemanager.googleapis.com",
];

fn locals(names: &[&str]) -> String {
    let mut s = String::from("locals {\n  required_project_services = toset([\n");
    for n in names {
        s.push_str(&format!("    \"{n}\",\n"));
    }
    s.push_str("  ])\n}\n");
    s
}

/// `gcloud services list --enabled --format="value(config.name)"`.
fn value_form(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n}\n")).collect()
}

/// `gcloud services list --enabled --format=json`.
fn json_form(names: &[&str]) -> String {
    let items: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            serde_json::json!({
                "config": {"name": n, "title": "An API"},
                "name": format!("projects/12345/services/{n}"),
                "parent": "projects/12345",
                "state": "ENABLED",
                "id": i,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap()
}

fn answers(gcp: &str) -> String {
    format!(
        "version = 1\nhost = \"gcp\"\n\n[domains]\nweb = \"app.example.com\"\napi = \"api.example.com\"\n\n\
         [images]\napi = \"ghcr.io/acme/starter-api:1.4.0\"\nweb = \"ghcr.io/acme/starter-web:1.4.0\"\n\n\
         [gcp]\nproject_id = \"acme-prod\"\n{gcp}"
    )
}

/// `hostwiz gcp services` in its own temporary folder; the test adds the files and flags.
fn services() -> Test {
    Test::new().args(["gcp", "services"])
}

/// The same inputs through the library; paths are relative to the test's folder.
trait ThroughTheLibrary {
    fn review(&self, tf: Option<&str>, answers: Option<&str>, enabled: Option<&str>) -> Review;
}

impl ThroughTheLibrary for Test {
    fn review(&self, tf: Option<&str>, answers: Option<&str>, enabled: Option<&str>) -> Review {
        let at = |p: Option<&str>| p.map(|p| self.path(p));
        let opts = Options {
            tf: at(tf),
            answers: at(answers),
            enabled: at(enabled),
        };
        services_review::review(&services_review::load(&opts).unwrap())
    }
}

fn row<'a>(r: &'a Review, name: &str) -> &'a services_review::ApiRow {
    r.apis.iter().find(|a| a.name == name).unwrap()
}

fn without<'a>(names: &[&'a str], drop: &[&str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|n| !drop.contains(n))
        .collect()
}

#[test]
fn a_blueprint_list_missing_apis_needs_the_terraform_change() {
    let listed = without(&ALWAYS, &["redis.googleapis.com", "storage.googleapis.com"]);
    let t = services()
        .file("gcp/locals.tf", &locals(&listed))
        .file("gcp/prod.tfvars", "project_id = \"acme-prod\"\n")
        .args(["--tf", "gcp"]);

    let r = t.review(Some("gcp"), None, None);
    assert_eq!(
        r.blueprint_lacks,
        ["redis.googleapis.com", "storage.googleapis.com"]
    );
    assert_eq!(
        row(&r, "redis.googleapis.com").action,
        Action::AddToBlueprint
    );
    assert_eq!(row(&r, "redis.googleapis.com").in_blueprint, Some(false));
    assert_eq!(row(&r, "run.googleapis.com").action, Action::Terraform);
    assert_eq!(row(&r, "run.googleapis.com").enabled, None);
    assert_eq!(row(&r, "dns.googleapis.com").action, Action::NotNeeded);
    let tf = r.terraform.as_deref().unwrap();
    assert!(
        tf.contains("\"redis.googleapis.com\", # added: Memorystore for Redis"),
        "{tf}"
    );
    assert!(tf.contains("\"run.googleapis.com\",\n"), "{tf}");
    assert!(r.failing());

    let run = t
        .run()
        .status(1)
        .stdout_has(
            "required_project_services at gcp/locals.tf:2:3 lacks redis.googleapis.com, storage.googleapis.com",
        )
        .stderr_has("missing from the project or the blueprint");
    insta::assert_snapshot!("gcp-services-blueprint-lacks-text", run.stdout);
}

#[test]
fn a_complete_blueprint_with_everything_enabled_passes() {
    let all: Vec<&str> = ALWAYS.iter().chain(&BOOTSTRAP).copied().collect();
    let t = services()
        .file("gcp/locals.tf", &locals(&ALWAYS))
        .file("enabled.txt", &value_form(&all))
        .args(["--tf", "gcp", "--enabled", "enabled.txt"]);
    let r = t.review(Some("gcp"), None, Some("enabled.txt"));
    assert!(!r.failing(), "{r:#?}");
    assert_eq!(r.command, None);
    assert_eq!(r.terraform, None);
    assert!(r
        .apis
        .iter()
        .filter(|a| a.needed)
        .all(|a| a.action == Action::Enabled));
    t.run()
        .status(0)
        .stdout_has("Nothing to enable by hand.")
        .stdout_has("project: ?");
}

#[test]
fn enablement_off_with_an_enabled_list_missing_some_names_exactly_those() {
    let enabled = without(
        &ALWAYS.iter().chain(&BOOTSTRAP).copied().collect::<Vec<_>>(),
        &["sqladmin.googleapis.com", "secretmanager.googleapis.com"],
    );
    let t = services()
        // The blueprint lacks redis: irrelevant with enablement off.
        .file(
            "gcp/locals.tf",
            &locals(&without(&ALWAYS, &["redis.googleapis.com"])),
        )
        .file(
            "gcp/prod.tfvars",
            "project_id = \"acme-prod\"\nenable_project_services = false\n",
        )
        .file("enabled.txt", &value_form(&enabled))
        .args(["--tf", "gcp", "--enabled", "enabled.txt"]);

    let r = t.review(Some("gcp"), None, Some("enabled.txt"));
    assert!(!r.enable_project_services.value);
    assert_eq!(
        r.missing,
        ["sqladmin.googleapis.com", "secretmanager.googleapis.com"]
    );
    assert!(r.blueprint_lacks.is_empty());
    assert_eq!(r.terraform, None);
    assert_eq!(row(&r, "sqladmin.googleapis.com").action, Action::ByHand);
    assert_eq!(row(&r, "sqladmin.googleapis.com").enabled, Some(false));
    assert_eq!(row(&r, "redis.googleapis.com").action, Action::Enabled);
    assert_eq!(row(&r, "run.googleapis.com").action, Action::Enabled);

    t.run()
        .status(1)
        .stdout_has(
            "gcloud services enable sqladmin.googleapis.com secretmanager.googleapis.com --project acme-prod",
        )
        .stdout_has("enable_project_services = false (gcp/prod.tfvars:2:1)");
}

#[test]
fn enablement_off_without_an_enabled_list_enables_every_needed_api_by_hand() {
    let t = services().file(
        "gcp/prod.tfvars",
        "project_id = \"acme-prod\"\nenable_project_services = false\n",
    );
    let r = t.review(Some("gcp"), None, None);
    let mut expected: Vec<&str> = BOOTSTRAP.to_vec();
    expected.extend(ALWAYS);
    assert_eq!(r.missing, expected);
    assert!(r
        .apis
        .iter()
        .filter(|a| a.needed)
        .all(|a| a.action == Action::ByHand && a.in_blueprint.is_none()));
}

#[test]
fn bootstrap_apis_come_first_in_the_command() {
    let enabled = without(&ALWAYS, &["run.googleapis.com"]);
    let t = services()
        .file("gcp/locals.tf", &locals(&ALWAYS))
        .file("gcp/prod.tfvars", "project_id = \"acme-prod\"\n")
        .file("enabled.json", &json_form(&enabled))
        .args(["--tf", "gcp", "--enabled", "enabled.json"]);

    let r = t.review(Some("gcp"), None, Some("enabled.json"));
    // run is not on yet, but Terraform enables it: not missing.
    assert_eq!(
        row(&r, "run.googleapis.com").action,
        Action::TerraformNotYet
    );
    assert_eq!(r.missing, BOOTSTRAP);
    for b in BOOTSTRAP {
        assert_eq!(row(&r, b).action, Action::ByHand);
        assert_eq!(row(&r, b).enabled, Some(false));
    }
    t.run().status(1).stdout_has(
        "gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com --project acme-prod",
    );

    // Without an enabled list the bootstrap APIs are always to enable by hand; whether they
    // are on is unknown, which `check` warns about (SVC-003) and does not fail on.
    let r = t.review(Some("gcp"), None, None);
    assert_eq!(r.missing, BOOTSTRAP);
    assert!(!r.failing());
}

#[test]
fn bootstrap_first_even_when_other_apis_are_missing_too() {
    let t = services()
        .file(
            "prod.tfvars",
            "enable_project_services = false\napi_image = \"europe-west1-docker.pkg.dev/acme/s/api:1\"\n",
        )
        .file("enabled.txt", &value_form(&without(&ALWAYS, &["iam.googleapis.com"])));
    let r = t.review(Some("."), None, Some("enabled.txt"));
    assert_eq!(
        r.missing,
        [
            "serviceusage.googleapis.com",
            "cloudresourcemanager.googleapis.com",
            "iam.googleapis.com",
            "artifactregistry.googleapis.com",
        ]
    );
    // No project anywhere: the command has no --project.
    assert!(!r.command.as_deref().unwrap().contains("--project"));
}

#[test]
fn conditional_apis_are_switched_on_by_the_answers() {
    let t = services()
        .file("gcp/locals.tf", &locals(&ALWAYS))
        .file(
            "hostwiz.toml",
            &answers(
                "cloud_dns = true\nsigned_urls = true\nextra_services = [\"pubsub.googleapis.com\"]\n",
            ),
        )
        .args([
            "--tf",
            "gcp",
            "--answers",
            "hostwiz.toml",
            "--format",
            "json",
        ]);

    let r = t.review(Some("gcp"), Some("hostwiz.toml"), None);
    assert!(
        !r.failing(),
        "no enabled list: nothing is known to be missing"
    );
    let dns = row(&r, "dns.googleapis.com");
    assert!(dns.needed);
    assert_eq!(
        dns.why.as_deref(),
        Some("Cloud DNS manages the domains (answer gcp.cloud_dns)")
    );
    assert_eq!(dns.in_blueprint, Some(false));
    assert_eq!(dns.action, Action::ByHand);
    assert!(row(&r, "iamcredentials.googleapis.com").needed);
    assert!(!row(&r, "artifactregistry.googleapis.com").needed);
    let pubsub = row(&r, "pubsub.googleapis.com");
    assert!(pubsub.when.is_none());
    assert_eq!(
        pubsub.why.as_deref(),
        Some("operator's extra list (answer gcp.extra_services)")
    );
    assert_eq!(
        r.missing,
        [
            "serviceusage.googleapis.com",
            "cloudresourcemanager.googleapis.com",
            "dns.googleapis.com",
            "iamcredentials.googleapis.com",
            "pubsub.googleapis.com",
        ]
    );
    // The project comes from the answers when the tfvars do not say.
    assert!(r
        .command
        .as_deref()
        .unwrap()
        .ends_with("--project acme-prod"));

    // Nothing switched on: the conditional APIs are not needed.
    let plain = services().file("hostwiz.toml", &answers(""));
    let r = plain.review(None, Some("hostwiz.toml"), None);
    for c in [
        "dns.googleapis.com",
        "artifactregistry.googleapis.com",
        "iamcredentials.googleapis.com",
    ] {
        assert_eq!(row(&r, c).action, Action::NotNeeded);
        assert_eq!(row(&r, c).why, None);
    }
    assert_eq!(row(&r, "run.googleapis.com").in_blueprint, None);
    assert_eq!(row(&r, "run.googleapis.com").action, Action::Terraform);

    insta::assert_snapshot!("gcp-services-conditional-json", t.run().status(0).stdout);
}

#[test]
fn answers_switch_enablement_off_unless_the_tfvars_say() {
    let t = services().file("gcp/locals.tf", &locals(&ALWAYS)).file(
        "hostwiz.toml",
        &answers("enable_project_services = false\n"),
    );
    let r = t.review(Some("gcp"), Some("hostwiz.toml"), None);
    assert!(!r.enable_project_services.value);
    assert_eq!(row(&r, "run.googleapis.com").action, Action::ByHand);

    let t = t.file("gcp/prod.tfvars", "enable_project_services = true\n");
    let r = t.review(Some("gcp"), Some("hostwiz.toml"), None);
    assert!(r.enable_project_services.value);
    assert_eq!(row(&r, "run.googleapis.com").action, Action::Terraform);
}

#[test]
fn artifact_registry_images_in_the_tfvars_switch_it_on() {
    let t = services().file("gcp/locals.tf", &locals(&ALWAYS)).file(
        "gcp/prod.tfvars",
        "web_image = \"us-central1-docker.pkg.dev/acme/starter/web:1\"\n",
    );
    let r = t.review(Some("gcp"), None, None);
    let ar = row(&r, "artifactregistry.googleapis.com");
    assert!(ar.needed);
    let why = ar.why.as_deref().unwrap();
    assert!(
        why.starts_with("images are pulled from Artifact Registry (")
            && why.ends_with("prod.tfvars:1:1)"),
        "{why}"
    );
    assert_eq!(ar.action, Action::ByHand);

    // Listed in the blueprint, Terraform enables it.
    let mut with_ar: Vec<&str> = ALWAYS.to_vec();
    with_ar.push("artifactregistry.googleapis.com");
    let t = t.file("gcp/locals.tf", &locals(&with_ar));
    let r = t.review(Some("gcp"), None, None);
    assert_eq!(
        row(&r, "artifactregistry.googleapis.com").action,
        Action::Terraform
    );
}

#[test]
fn both_gcloud_output_forms_read_the_same() {
    let enabled = without(
        &ALWAYS.iter().chain(&BOOTSTRAP).copied().collect::<Vec<_>>(),
        &["redis.googleapis.com"],
    );
    let table = format!(
        "NAME                     TITLE\n{}",
        enabled
            .iter()
            .map(|n| format!("{n}  Some API\n"))
            .collect::<String>()
    );
    let t = services()
        .file(
            "gcp/prod.tfvars",
            "project_id = \"acme-prod\"\nenable_project_services = false\n",
        )
        .file("value.txt", &value_form(&enabled))
        .file("list.json", &json_form(&enabled))
        .file("table.txt", &table);
    let reviews: Vec<Review> = ["value.txt", "list.json", "table.txt"]
        .iter()
        .map(|f| t.review(Some("gcp"), None, Some(f)))
        .collect();
    assert_eq!(reviews[0].missing, ["redis.googleapis.com"]);
    assert_eq!(reviews[0].apis, reviews[1].apis);
    assert_eq!(reviews[0].apis, reviews[2].apis);

    let outputs: Vec<serde_json::Value> = ["value.txt", "list.json"]
        .iter()
        .map(|f| {
            Test::in_dir(t.dir())
                .args([
                    "gcp",
                    "services",
                    "--tf",
                    "gcp",
                    "--enabled",
                    f,
                    "--format",
                    "json",
                ])
                .run()
                .status(1)
                .json()
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(
        outputs[0]["missing"],
        serde_json::json!(["redis.googleapis.com"])
    );
}

#[test]
fn json_says_null_for_what_is_unknown() {
    // Nothing is known to be missing: exit 0, as `check` gives warnings only.
    let run = services().args(["--format", "json"]).run().status(0);
    let v = run.json();
    let apis = v["apis"].as_array().unwrap();
    assert_eq!(apis.len(), 14);
    assert!(apis
        .iter()
        .all(|a| a["enabled"].is_null() && a["in_blueprint"].is_null()));
    assert!(v["terraform"].is_null());
    assert_eq!(v["missing"], serde_json::json!(BOOTSTRAP));
    assert_eq!(
        v["command"],
        "gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com"
    );
}

#[test]
fn unreadable_inputs_exit_2_with_a_clear_message() {
    services()
        .args(["--tf", "nowhere"])
        .run()
        .status(2)
        .stderr_has("cannot read the blueprint folder nowhere");
    services()
        .file("empty/README.md", "nothing here\n")
        .args(["--tf", "empty"])
        .run()
        .status(2)
        .stderr_has("empty has no .tf or .tfvars files");
    services()
        .args(["--enabled", "missing.txt"])
        .run()
        .status(2)
        .stderr_has("cannot read the enabled-services list missing.txt");
    services()
        .file("enabled.txt", "hello\n")
        .args(["--enabled", "enabled.txt"])
        .run()
        .status(2)
        .stderr_has("enabled.txt:1:1: expected a service name");
    services()
        .file("gcp/main.tf", "locals {\n")
        .args(["--tf", "gcp"])
        .run()
        .status(2)
        .stderr_has("not valid HCL");
    services()
        .args(["--answers", "nope.toml"])
        .run()
        .status(2)
        .stderr_has("cannot read the answers file nope.toml");
    let k8s = answers("").replace("host = \"gcp\"", "host = \"k8s\"");
    services()
        .file("hostwiz.toml", &k8s)
        .args(["--answers", "hostwiz.toml"])
        .run()
        .status(2)
        .stderr_has("needs answers for host = \"gcp\"");
}
