#![no_main]
use hostwiz::hosts::k8s;
use hostwiz::ingest::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::new("rendered.yaml", String::from_utf8_lossy(data));
    if let Ok(plan) = k8s::manifests_plan(&input) {
        hostwiz_fuzz::judge(plan);
    }
});
