#![no_main]
use hostwiz::hosts::vps;
use hostwiz::ingest::{compose, envfile, Input};
use libfuzzer_sys::fuzz_target;

// The last part is read as an env file too, so `${VAR}` resolution meets fuzzed values.
fuzz_target!(|data: &[u8]| {
    let parts = hostwiz_fuzz::parts(data);
    let vars = parts
        .last()
        .and_then(|env| envfile::parse(env).ok())
        .unwrap_or_default();
    let files: &[Input] = &parts;
    let worker = ["worker".to_string()];
    let _ = compose::load(files, &vars, &[]);
    if let Ok(plan) = vps::files_plan(&[], files, &vars, &worker) {
        hostwiz_fuzz::judge(plan);
    }
});
