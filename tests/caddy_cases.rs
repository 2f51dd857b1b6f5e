//! Caddyfiles beyond the basic forms around `/api`, each compared with the real `caddy adapt`:
//! where Caddy sends `/api` to the API hostwiz never says "clean" (an error, or an info that
//! its reader cannot tell), and where Caddy does not, hostwiz reports no violation.

use crate::support::{caddy_json, validators};
use crate::test::Test;
use serde_json::Value;

const HOST: &str = "app.example.com";
const PROBES: &[&str] = &["/api", "/api/", "/api/x", "/v1/api/x"];

/// Caddy sends one of the probes of `app.example.com` to the API.
const REACHES_API: &[(&str, &str)] = &[
    ("path_regexp", "app.example.com {\n\t@api path_regexp ^/api\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("not path", "app.example.com {\n\t@web not path /api*\n\thandle @web {\n\t\treverse_proxy web:3000\n\t}\n\thandle {\n\t\treverse_proxy api:8000\n\t}\n}\n"),
    ("substring path", "app.example.com {\n\t@api path */api/*\n\thandle @api {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("rewrite into the API route", "app.example.com {\n\trewrite /api* /backend\n\thandle /backend* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("handle /api/* before /api*", "app.example.com {\n\thandle /api/* {\n\t\treverse_proxy web:3000\n\t}\n\thandle /api* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("two-path matcher", "app.example.com {\n\t@a path /x /api*\n\thandle /api/* {\n\t\treverse_proxy web:3000\n\t}\n\thandle @a {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("https and http", "https://app.example.com {\n\treverse_proxy web:3000\n}\nhttp://app.example.com {\n\treverse_proxy api:8000\n}\n"),
    ("http and https", "http://app.example.com {\n\treverse_proxy api:8000\n}\nhttps://app.example.com {\n\treverse_proxy web:3000\n}\n"),
];

/// Caddy sends no probe to the API; hostwiz must report no violation.
const STAYS_WEB: &[(&str, &str)] = &[
    ("rewrite away from the API route", "app.example.com {\n\trewrite /api* /app\n\thandle /api* {\n\t\treverse_proxy api:8000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n"),
    ("heredoc mentions reverse_proxy", "app.example.com {\n\trespond /notes <<TXT\n\t\treverse_proxy /api* api:8000\n\t\tTXT 200\n\treverse_proxy web:3000\n}\n"),
    ("quoted brace", "app.example.com {\n\theader X-Brace \"{\"\n\treverse_proxy web:3000\n}\n"),
    ("top-level snippet import", "(site) {\n\tapp.example.com {\n\t\treverse_proxy web:3000\n\t}\n}\nimport site\n"),
    ("named route", "&(web) {\n\treverse_proxy web:3000\n}\napp.example.com {\n\tinvoke web\n}\n"),
];

/// What Caddy's adapted config sends each probe to, per server (scheme and port).
fn caddy_dials(name: &str, text: &str) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Caddyfile");
    std::fs::write(&file, text).unwrap();
    let json = validators::caddy_adapt(&file, &[])?;
    let adapted: Value = serde_json::from_str(&json).unwrap();
    let servers = adapted["apps"]["http"]["servers"].as_object().unwrap();
    let mut dials = Vec::new();
    for server in servers.values() {
        let mut routes = server["routes"].clone();
        inline_invokes(&mut routes, &server["named_routes"]);
        let routes = routes.as_array().unwrap();
        for path in PROBES {
            if let Some(d) = caddy_json::caddy_dial(routes, HOST, path) {
                dials.push(d);
            }
        }
    }
    assert!(!dials.is_empty(), "{name}: Caddy proxies no probe");
    Some(dials)
}

/// `invoke` handlers replaced by a subroute holding the named route they run.
fn inline_invokes(v: &mut Value, named: &Value) {
    if v["handler"] == "invoke" {
        let route = named[v["name"].as_str().unwrap()].clone();
        *v = serde_json::json!({"handler": "subroute", "routes": [route]});
    }
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| inline_invokes(i, named)),
        Value::Object(map) => map.values_mut().for_each(|i| inline_invokes(i, named)),
        _ => {}
    }
}

/// hostwiz's findings on the file alone, without caddy: (rule, severity) pairs.
fn findings(text: &str) -> Vec<(String, String)> {
    let t = Test::new()
        .file("Caddyfile", text)
        .env("PATH", "/usr/bin:/bin")
        .args(["check", "Caddyfile", "--format", "json"]);
    let json = t.run().json();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let field = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (field("rule"), field("severity"))
        })
        .collect()
}

#[test]
fn where_caddy_sends_api_to_the_api_hostwiz_is_never_clean() {
    for (name, text) in REACHES_API {
        if let Some(dials) = caddy_dials(name, text) {
            assert!(
                dials.iter().any(|d| d == "api:8000"),
                "{name}: Caddy: {dials:?}"
            );
        }
        let found = findings(text);
        assert!(
            found.iter().any(|(r, _)| r == "ROUTE-001"),
            "{name}: hostwiz says clean: {found:?}"
        );
    }
}

#[test]
fn where_caddy_keeps_api_on_the_web_app_hostwiz_reports_no_violation() {
    for (name, text) in STAYS_WEB {
        if let Some(dials) = caddy_dials(name, text) {
            assert!(
                dials.iter().all(|d| d == "web:3000"),
                "{name}: Caddy: {dials:?}"
            );
        }
        let found = findings(text);
        assert!(
            found.iter().all(|(_, severity)| severity == "info"),
            "{name}: {found:?}"
        );
    }
}
