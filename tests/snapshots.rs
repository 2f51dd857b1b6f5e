//! Snapshots of every file each preset renders, and of the reports the CLI prints.

use hostwiz::render;
use hostwiz::source::{self, Source};

use crate::Test;

const PRESETS: &[&str] = &[
    "k8s-single",
    "k8s-ha-worker",
    "vps-single",
    "vps-worker",
    "gcp-cloud-run",
    "gcp-cloud-run-worker",
    "aws-ecs",
    "azure-container-apps",
];

#[test]
fn every_preset_renders_its_files() {
    for preset in PRESETS {
        let answers = source::load(&Source::Preset(preset.to_string()), &[]).unwrap();
        for file in render::render(&answers) {
            insta::assert_snapshot!(format!("{preset}__{}", file.path), file.contents);
        }
    }
}

#[test]
fn gcp_with_enablement_off_renders_the_enable_script() {
    let sets = [
        "gcp.enable_project_services=false".to_string(),
        "gcp.signed_urls=true".to_string(),
    ];
    let answers = source::load(&Source::Preset("gcp-cloud-run".into()), &sets).unwrap();
    let files = render::render(&answers);
    let script = files
        .iter()
        .find(|f| f.path == "enable-apis.sh")
        .expect("script written");
    insta::assert_snapshot!("gcp-enablement-off__enable-apis.sh", script.contents);
    let checklist = files.iter().find(|f| f.path == "CHECKLIST.md").unwrap();
    insta::assert_snapshot!("gcp-enablement-off__CHECKLIST.md", checklist.contents);
}

fn stdout(args: &[&str]) -> String {
    Test::new().args(args).env("NO_COLOR", "1").run().stdout
}

#[test]
fn reports() {
    insta::assert_snapshot!("rules", stdout(&["rules"]));
    insta::assert_snapshot!("explain-bill-004", stdout(&["explain", "BILL-004"]));
    insta::assert_snapshot!(
        "apply-refused",
        stdout(&[
            "apply",
            "--preset",
            "k8s-ha-worker",
            "--set",
            "billing.worker=inline",
            "--dry-run"
        ])
    );
    insta::assert_snapshot!(
        "apply-refused-json",
        stdout(&[
            "apply",
            "--preset",
            "gcp-cloud-run",
            "--set",
            "domains.api=",
            "--format",
            "json"
        ])
    );
}
