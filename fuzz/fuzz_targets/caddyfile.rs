#![no_main]
use hostwiz::hosts::vps;
use hostwiz::ingest::{caddy, envfile, Input};
use libfuzzer_sys::fuzz_target;

// Part 0 is the Caddyfile; part 1, if any, an env file filling its placeholders.
fuzz_target!(|data: &[u8]| {
    let parts = hostwiz_fuzz::parts(data);
    let vars = parts
        .get(1)
        .and_then(|env| envfile::parse(env).ok())
        .unwrap_or_default();
    let caddyfile: &Input = &parts[0];
    if let Ok(parsed) = caddy::parse(caddyfile, &vars) {
        for site in &parsed.sites {
            for path in ["/", "/api", "/api/", "/api/x", "/apix", "/_next/x"] {
                let _ = site.upstream(path);
            }
            let _ = site.path_prefixes();
        }
    }
    if let Ok(plan) = vps::files_plan(std::slice::from_ref(caddyfile), &[], &vars, &[]) {
        hostwiz_fuzz::judge(plan);
    }
});
