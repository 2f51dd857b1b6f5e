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
