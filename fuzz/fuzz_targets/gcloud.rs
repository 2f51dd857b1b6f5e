#![no_main]
use hostwiz::hosts::gcp;
use hostwiz::ingest::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::new("enabled.txt", String::from_utf8_lossy(data));
    if let Ok(enabled) = gcp::enabled_services(&input) {
        if let Ok(plan) = gcp::files_plan(&[], &[], Some(enabled)) {
            hostwiz_fuzz::judge(plan);
        }
    }
});
