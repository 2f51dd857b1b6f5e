#![no_main]
use hostwiz::ingest::{gcloud, terraform, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::new("enabled.txt", String::from_utf8_lossy(data));
    if let Ok(enabled) = gcloud::enabled(&input) {
        if let Ok(plan) = terraform::plan(&[], &[], Some(enabled)) {
            hostwiz_fuzz::judge(plan);
        }
    }
});
