#![no_main]
use hostwiz::hosts::k8s;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = k8s::values_plan(&hostwiz_fuzz::parts(data)) {
        hostwiz_fuzz::judge(plan);
    }
});
