//! The blueprint's locals decide the processes' env: hostwiz's evaluation agrees with
//! `terraform console`, and the pre-remediation locals (no replay off for the API) are a break.

use crate::support::{terraform, validators::manifest_dir};
use crate::Test;
use hostwiz::hosts::gcp;
use hostwiz::ingest::Input;
use hostwiz::plan::{Plan, Role};
use std::path::PathBuf;

fn module(stage: &str) -> PathBuf {
    manifest_dir().join(format!("tests/fixtures/starter/{stage}/ops/infra/gcp"))
}

fn plan(stage: &str, tfvars: &str) -> Plan {
    let tf: Vec<Input> = ["variables.tf", "locals.tf"]
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(module(stage).join(f)).unwrap();
            Input::new(*f, text)
        })
        .collect();
    gcp::files_plan(&[Input::new("t.tfvars", tfvars)], &tf, None).unwrap()
}

/// The known env of `role` as a JSON object, as `jsonencode` would give it.
fn env_json(plan: &Plan, role: Role) -> serde_json::Value {
    let p = plan.processes(role).next().expect("the process");
    assert!(p.unread_env.is_empty(), "{:?}", p.unread_env);
    p.env
        .iter()
        .map(|(k, v)| {
            let text = v
                .value
                .known()
                .unwrap_or_else(|| panic!("{k} unknown: {v:?}"));
            (k.clone(), serde_json::Value::String(text.to_string()))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

const CASES: &[&str] = &[
    "project_id = \"acme\"\nenable_worker_service = true\napp_public_url = \" https://app.example.com \"\napi_base_url = \"http://api.example.com/v1\"\n",
    "project_id = \"acme\"\nenable_worker_service = \"true\"\nsecrets_provider = \"vault\"\napi_env = { ENABLE_BILLING_STREAM_REPLAY = \"true\", X = \"1\" }\n",
    "project_id = \"acme\"\nenable_worker_service = false\nenvironment = \"staging\"\n",
];

#[test]
fn locals_evaluate_as_terraform_console_says() {
    for stage in ["before", "after"] {
        for tfvars in CASES {
            let plan = plan(stage, tfvars);
            let Some(api) = terraform::console(&module(stage), tfvars, "local.api_env_combined")
            else {
                return;
            };
            assert_eq!(env_json(&plan, Role::Api), api, "{stage}: {tfvars}");
            let on = terraform::console(&module(stage), tfvars, "local.worker_enabled").unwrap();
            assert_eq!(
                plan.processes(Role::Worker).count(),
                usize::from(on == true)
            );
            if on == true {
                let worker =
                    terraform::console(&module(stage), tfvars, "local.worker_env_combined")
                        .unwrap();
                assert_eq!(env_json(&plan, Role::Worker), worker, "{stage}: {tfvars}");
            }
            let services =
                terraform::console(&module(stage), tfvars, "local.required_project_services")
                    .unwrap();
            let ours = plan.services.as_ref().unwrap().blueprint.as_ref().unwrap();
            assert_eq!(serde_json::json!(ours.value), services);
        }
    }
}

#[test]
fn the_pre_remediation_locals_leave_replay_on_for_the_api() {
    let tfvars = "project_id = \"acme\"\nenable_worker_service = true\n";
    let api = plan("before", tfvars);
    let api = api.processes(Role::Api).next().unwrap();
    assert!(api.var("ENABLE_BILLING_STREAM_REPLAY").is_none());
    let fixed = plan("after", tfvars);
    let fixed = fixed.processes(Role::Api).next().unwrap();
    let replay = fixed.var("ENABLE_BILLING_STREAM_REPLAY").unwrap();
    assert_eq!(replay.value, "false");
    // It points at the line in locals.tf that sets it.
    assert_eq!(replay.origin, Input::new("locals.tf", "").origin(24, 7));

    for (stage, says) in [
        ("before", Some("error BILL-002 a worker is defined but the API still runs with ENABLE_BILLING_STREAM_REPLAY=true")),
        ("after", None),
    ] {
        // The fixture's prod.tfvars: a dedicated worker pinned to 1, URLs set.
        let dir = module(stage);
        let run = Test::new()
            .file("gcp/variables.tf", &std::fs::read_to_string(dir.join("variables.tf")).unwrap())
            .file("gcp/locals.tf", &std::fs::read_to_string(dir.join("locals.tf")).unwrap())
            .file("gcp/prod.tfvars", &std::fs::read_to_string(dir.join("prod.tfvars")).unwrap())
            .args(["check", "gcp/prod.tfvars", "gcp/variables.tf", "gcp/locals.tf"])
            .run();
        match says {
            Some(line) => {
                run.status(1).stdout_has(line);
            }
            None => assert!(!run.stdout.contains("BILL-"), "{}", run.stdout),
        }
    }
}
