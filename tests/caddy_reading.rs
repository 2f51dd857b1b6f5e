//! hostwiz's Caddyfile reading agrees with Caddy's: for every Caddyfile of the corpus, the
//! upstream `Site::upstream` names for each probe path is the one the real `caddy adapt`
//! configuration dials.

use crate::support::validators;

use crate::support::caddy_json;

use hostwiz::ingest::caddy;
use hostwiz::ingest::{Input, Vars};
use hostwiz::plan::{Origin, Sourced};
use serde_json::Value;
use std::collections::BTreeMap;

const CORPUS: &[(&str, &str)] = &[
    ("starter", "{$APP_HOST} {\n\t@api path /api* /api/* /api\n\thandle @api {\n\t\treverse_proxy web:3000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("pre-remediation", "{$APP_HOST} {\n\t@api path /api /api/*\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("inline matcher", "app.example.com {\n\treverse_proxy /api/* api:8000\n\treverse_proxy web:3000\n}\n"),
    ("inline matcher, exact too", "app.example.com {\n\treverse_proxy /api api:8000\n\treverse_proxy /api/* api:8000\n\treverse_proxy web:3000\n}\n"),
    ("handle sorts first", "app.example.com {\n\treverse_proxy /api/* api:8000\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("handle_path", "app.example.com {\n\thandle_path /api/* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("route keeps order", "app.example.com {\n\troute {\n\t\treverse_proxy web:3000\n\t\treverse_proxy /api/* api:8000\n\t}\n}\n"),
    ("route with matcher", "app.example.com {\n\troute /api/* {\n\t\treverse_proxy api:8000\n\t}\n\treverse_proxy web:3000\n}\n"),
    ("named matcher block", "app.example.com {\n\t@api {\n\t\tpath /api /api/*\n\t}\n\treverse_proxy @api http://api:8000\n\treverse_proxy web:3000\n}\n"),
    ("snippet import", "(proxy) {\n\treverse_proxy {args[0]}\n}\napp.example.com {\n\thandle /api/* {\n\t\timport proxy api:8000\n\t}\n\thandle {\n\t\timport proxy web:3000\n\t}\n}\n"),
    ("two addresses", "app.example.com, www.example.com {\n\treverse_proxy web:3000\n}\napi.example.com {\n\treverse_proxy api:8000\n}\n"),
    ("header matcher is conditional", "app.example.com {\n\t@mobile header X-Client mobile\n\treverse_proxy @mobile api:8000\n\treverse_proxy web:3000\n}\n"),
    ("longer path first", "app.example.com {\n\thandle /api/* {\n\t\treverse_proxy web:3000\n\t}\n\thandle /api/v1/* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("respond ends it", "app.example.com {\n\trespond /api/* 404\n\treverse_proxy web:3000\n}\n"),
    ("placeholder default", "{$WEB_HOST:app.example.com} {\n\tencode gzip\n\treverse_proxy /api* api:8000\n\treverse_proxy web:3000\n}\n"),
    ("nested handle in route", "app.example.com {\n\troute {\n\t\thandle /api/* {\n\t\t\treverse_proxy api:8000\n\t\t}\n\t\thandle {\n\t\t\treverse_proxy web:3000\n\t\t}\n\t}\n}\n"),
];

const PATHS: &[&str] = &[
    "/",
    "/api",
    "/api/",
    "/api/x",
    "/apix",
    "/api/v1/x",
    "/dashboard",
];

fn vars() -> Vars {
    Vars(BTreeMap::from([(
        "APP_HOST".to_string(),
        Sourced::new("app.example.com".to_string(), Origin::Default("test")),
    )]))
}

#[test]
fn every_corpus_case_agrees_with_caddy() {
    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for (name, text) in CORPUS {
        let file = dir
            .path()
            .join(format!("{}.Caddyfile", name.replace(' ', "-")));
        std::fs::write(&file, text).unwrap();
        let Some(json) = validators::caddy_adapt(&file, &[("APP_HOST", "app.example.com")]) else {
            return;
        };
        let adapted: Value = serde_json::from_str(&json).unwrap();
        let routes: Vec<Value> = adapted["apps"]["http"]["servers"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|s| s["routes"].as_array().unwrap().clone())
            .collect();
        let ours = caddy::parse(&Input::new(*name, *text), &vars()).unwrap();
        for site in &ours.sites {
            for host in &site.hosts {
                for path in PATHS {
                    let theirs = caddy_json::caddy_dial(&routes, &host.value, path)
                        .map(|d| d.trim_start_matches("http://").to_string());
                    let mine = site
                        .upstream(path)
                        .map(|u| u.value.trim_start_matches("http://").to_string());
                    assert_eq!(mine, theirs, "{name}: {}{path}", host.value);
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= CORPUS.len() * PATHS.len(), "{compared}");
}

#[test]
fn arbitrary_mutations_never_panic() {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for (_, text) in CORPUS {
        let bytes = text.as_bytes();
        for _ in 0..200 {
            let mut m = bytes.to_vec();
            for _ in 0..(next() % 4 + 1) {
                let i = (next() as usize) % m.len().max(1);
                match next() % 3 {
                    0 => m[i] = b"{}\"`#\n\\ @*/"[(next() % 11) as usize],
                    1 => {
                        m.remove(i.min(m.len() - 1));
                    }
                    _ => m.truncate(i),
                }
                if m.is_empty() {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&m);
            if let Ok(c) = caddy::parse(&Input::new("fuzz", text.as_ref()), &vars()) {
                for s in &c.sites {
                    for p in PATHS {
                        let _ = s.upstream(p);
                    }
                }
            }
        }
    }
}

/// Site addresses Caddy refuses are refused here too, with Caddy's reason: a port above
/// 65535 or not a number, a scheme other than http/https. Valid ones still read.
#[test]
fn addresses_caddy_rejects_are_errors() {
    let file = |address: &str| format!("{address} {{\n\treverse_proxy api:8000\n}}\n");
    let rejected = [
        ("a.example.com:70000", "port 70000 is out of range"),
        ("a.example.com:abc", "invalid port `abc`"),
        ("ftp://a.example.com", "unsupported URL scheme ftp://"),
        ("wss://a.example.com", "only supported in browsers"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (address, says) in rejected {
        let text = file(address);
        let Err(err) = caddy::parse(&Input::new("Caddyfile", text.as_str()), &vars()) else {
            panic!("{address} is read");
        };
        assert!(
            err.line == 1 && err.message.contains(says),
            "{address}: {err:?}"
        );
        let path = dir.path().join("Caddyfile");
        std::fs::write(&path, &text).unwrap();
        if let Some(exe) = validators::require("caddy") {
            let mut cmd = std::process::Command::new(exe);
            cmd.args(["adapt", "--adapter", "caddyfile", "--config"])
                .arg(&path);
            let out = validators::run_expect_failure(&mut cmd, None);
            let caddy_says = String::from_utf8_lossy(&out.stderr);
            let needle = says.split(" `").next().unwrap_or(says);
            assert!(caddy_says.contains(needle), "{address}: {caddy_says}");
        }
    }
    for address in [
        "https://a.example.com:65535",
        "http://a.example.com",
        "[::1]",
        ":8080",
    ] {
        let text = file(address);
        caddy::parse(&Input::new("Caddyfile", text.as_str()), &vars())
            .unwrap_or_else(|e| panic!("{address}: {e:?}"));
    }
}
