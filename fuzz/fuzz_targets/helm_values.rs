#![no_main]
use hostwiz::ingest::helm;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = helm::values_plan(&hostwiz_fuzz::parts(data)) {
        hostwiz_fuzz::judge(plan);
    }
});
