//! tfvars values as Terraform reads them: strings convert to numbers and bools, arithmetic and
//! conditionals evaluate (checked with `terraform console`).

use crate::Test;

#[test]
fn strings_and_arithmetic_are_no_silent_zero() {
    for (tfvars, says) in [
        ("api_max_instances = \"7\"\n", "up to 7 API processes"),
        ("api_max_instances = 3 + 4\n", "up to 7 API processes"),
        (
            "api_max_instances = true ? 2 : 1\n",
            "up to 2 API processes",
        ),
    ] {
        Test::new()
            .file("prod.tfvars", tfvars)
            .args(["check", "prod.tfvars"])
            .run()
            .status(1)
            .stdout_has(&format!(
                "prod.tfvars:1:1: error BILL-004 inline mode with {says}"
            ));
    }
}

#[test]
fn a_bool_given_as_a_string_switches_the_worker_on() {
    Test::new()
        .file(
            "prod.tfvars",
            "enable_worker_service = \"true\"\nworker_max_instances = \"1\"\nworker_min_instances = 1\n",
        )
        .args(["check", "prod.tfvars"])
        .run()
        .stdout_has("ROUTE-007")
        .stdout_has("2 errors, 1 warning");
    // Off as a string: no worker, and the inline API's defaults are judged.
    let run = Test::new()
        .file("prod.tfvars", "enable_worker_service = \"false\"\n")
        .args(["check", "prod.tfvars"])
        .run();
    assert!(run.stdout.contains("BILL-004"), "{}", run.stdout);
}

#[test]
fn api_secrets_are_read_as_references_of_the_api_and_the_worker() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prod.tfvars");
    std::fs::write(
        &path,
        "enable_worker_service = true\nworker_min_instances = 1\nworker_max_instances = 1\n\
         api_secrets = {\n  DATABASE_URL = \"app-prod-database-url\"\n}\n",
    )
    .unwrap();
    let opts = hostwiz::check::Options {
        paths: vec![path],
        ..Default::default()
    };
    let checked = hostwiz::check::run(&opts).unwrap();
    let plan = &checked[0].plan;
    for role in [hostwiz::plan::Role::Api, hostwiz::plan::Role::Worker] {
        let p = plan.processes(role).next().expect("the process runs");
        let db = p.secrets.get("DATABASE_URL").expect("by reference");
        assert_eq!(db.value, "app-prod-database-url", "{role:?}");
        assert!(
            matches!(&db.origin, hostwiz::plan::Origin::File { line: 5, .. }),
            "{:?}",
            db.origin
        );
        assert!(!p.env.contains_key("DATABASE_URL"), "{role:?}");
    }
}
