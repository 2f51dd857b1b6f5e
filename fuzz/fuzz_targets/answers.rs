#![no_main]
use hostwiz::{Answers, RawAnswers};
use libfuzzer_sys::fuzz_target;

// Part 0 is an answers file; every later line is a `--set key=value` applied over it, as the
// command line does, before the answers are checked, planned, judged and rendered.
fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(2, '\0');
    let Ok(mut raw) = RawAnswers::from_toml(parts.next().unwrap_or_default()) else {
        return;
    };
    for assignment in parts.next().unwrap_or_default().lines() {
        if raw.set(assignment).is_err() {
            return;
        }
    }
    let _ = raw.to_toml();
    if let Ok(answers) = Answers::from_raw(&raw) {
        hostwiz_fuzz::judge(hostwiz::plan::Plan::from(&answers));
        let _ = hostwiz::render::render(&answers);
    }
});
