#![no_main]
use hostwiz::hosts::gcp;
use hostwiz::ingest::Input;
use libfuzzer_sys::fuzz_target;

// Each input is tried as tfvars, as a `.tf` module (variable defaults and the service list)
// and as `.tfvars.json`.
fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let hcl = Input::new("terraform.tfvars", text.as_ref());
    for plan in [
        gcp::files_plan(std::slice::from_ref(&hcl), &[], None),
        gcp::files_plan(&[], std::slice::from_ref(&hcl), None),
        gcp::files_plan(&[Input::new("x.tfvars.json", text.as_ref())], &[], None),
    ]
    .into_iter()
    .flatten()
    {
        hostwiz_fuzz::judge(plan);
    }
});
