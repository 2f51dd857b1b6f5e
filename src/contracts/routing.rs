//! Routing: the browser reaches the API only through the web app (the BFF).

use super::{Contract, Finding, Rule, Severity};
use crate::answers::Host;
use crate::names::Hostname;
use crate::plan::{Plan, Role, Target, Tls};

/// Every rule here belongs to the routing contract.
const fn rule(
    id: &'static str,
    severity: Severity,
    rule: &'static str,
    why: &'static str,
    fix: &'static str,
) -> Rule {
    Rule::new(Contract::Routing, id, severity, rule, why, fix)
}

pub const RULES: &[Rule] = &[
    rule(
        "ROUTE-001",
        Severity::Error,
        "On every web host, `/api` and everything under it reaches the web service (the BFF), never the API.",
        "Browser code calls /api on the web host. The Next.js API routes attach the session cookie and the \
         server-only credentials; sent straight to FastAPI, authenticated browser calls fail or skip server-side auth.",
        "route /api to web; use a separate API host for server-to-server calls",
    ),
    rule(
        "ROUTE-002",
        Severity::Error,
        "Every web host sends `/` (everything not matched before) to the web service.",
        "The web app is the browser's only entry point: a page path that reaches anything else shows the wrong app or a 404.",
        "add the catch-all route to web",
    ),
    rule(
        "ROUTE-003",
        Severity::Error,
        "The API host, when set, is a valid DNS name (RFC 1123, no scheme, path, port or spaces) and differs from every web host.",
        "One name cannot route `/api` both to the web app and to the API; an invalid name never gets a certificate or a DNS record.",
        "choose a distinct name such as `api.<domain>`",
    ),
    rule(
        "ROUTE-004",
        Severity::Error,
        "No browser-exposed setting (`NEXT_PUBLIC_*` on web) points at the API host or the API service.",
        "NEXT_PUBLIC_* values are compiled into the browser bundle: a browser given the API's address calls it directly and bypasses the BFF.",
        "keep the API base URL server-side (`API_BASE_URL`)",
    ),
    rule(
        "ROUTE-005",
        Severity::Warning,
        "Every routed host is covered by TLS (k8s: a `tls`/`apiTls` entry listing the host; the API host falls back to `ingress.tls`, which usually lacks it).",
        "A routed host without a certificate serves plain HTTP or a mismatched certificate; callers fail or send credentials in the clear.",
        "add the host to `apiTls` / `tls`",
    ),
    rule(
        "ROUTE-006",
        Severity::Warning,
        "An API host that is configured actually routes to the API, and a routed API host is configured: no dead half.",
        "Half an API host (API_HOST set while the Caddy site is commented out, or a route nobody configured) looks deployed and is not: \
         server-to-server callers fail, or an unreviewed door to the API stays open.",
        "add the site block / remove the unused setting",
    ),
    rule(
        "ROUTE-007",
        Severity::Error,
        "GCP: `app_public_url` and `api_base_url` are `https://` URLs on different hosts.",
        "The blueprint requires both; the web app calls the API server-side at api_base_url and builds links with app_public_url. \
         Plain http or one host for both breaks cookies and the BFF split.",
        "set both to their own https URLs",
    ),
];

pub fn check(plan: &Plan, out: &mut Vec<Finding>) {
    for web in &plan.web_hosts {
        let host = web.value.as_str();
        // `/api` itself, and every deeper prefix routed under it (`/api/v1` → api leaks too).
        let under_api = plan
            .routes
            .iter()
            .filter(|r| {
                r.host.eq_ignore_ascii_case(host)
                    && (r.prefix == "/api" || r.prefix.starts_with("/api/"))
            })
            .map(|r| r.prefix.as_str());
        for path in ["/api", "/api/"].into_iter().chain(under_api) {
            if let Some(r) = plan.resolve(host, path) {
                if r.target != Target::Service(Role::Web) {
                    out.push(Finding::new(
                        "ROUTE-001",
                        r.origin.clone(),
                        format!(
                            "{path} on {host} goes to {}, not to the web app (BFF)",
                            r.target
                        ),
                    ));
                    break;
                }
            }
        }
        match plan.resolve(host, "/") {
            Some(r) if r.target == Target::Service(Role::Web) => {}
            Some(r) => out.push(Finding::new(
                "ROUTE-002",
                r.origin.clone(),
                format!("/ on {host} goes to {}, not to the web app", r.target),
            )),
            None => out.push(Finding::new(
                "ROUTE-002",
                web.origin.clone(),
                format!("{host} has no catch-all route: / reaches nothing"),
            )),
        }
    }

    if let Some(api) = &plan.api_host {
        let name = api.value.as_str();
        if !is_placeholder(name) && Hostname::parse(name).is_err() {
            out.push(Finding::new(
                "ROUTE-003",
                api.origin.clone(),
                format!("API host {name:?} is not a valid DNS name"),
            ));
        } else if plan
            .web_hosts
            .iter()
            .any(|w| w.value.eq_ignore_ascii_case(name))
        {
            out.push(Finding::new(
                "ROUTE-003",
                api.origin.clone(),
                format!("API host {name} is also a web host: one name cannot route /api to both"),
            ));
        }
    }

    for web in plan.processes(Role::Web) {
        for (key, value) in web
            .env
            .iter()
            .filter(|(k, _)| k.starts_with("NEXT_PUBLIC_"))
        {
            let v = value.value.to_ascii_lowercase();
            let hit = plan
                .api_host
                .iter()
                .map(|h| h.value.to_ascii_lowercase())
                .chain(plan.api_addresses.iter().map(|a| a.to_ascii_lowercase()))
                .find(|needle| !needle.is_empty() && names(&v, needle));
            if let Some(needle) = hit {
                out.push(Finding::new(
                    "ROUTE-004",
                    value.origin.clone(),
                    format!("{key} exposes the API address {needle} to the browser"),
                ));
            }
        }
    }

    if let Tls::Hosts(covered) = &plan.tls {
        let mut seen = Vec::new();
        for r in &plan.routes {
            if seen.contains(&r.host)
                || covered
                    .iter()
                    .any(|c| c.value.eq_ignore_ascii_case(&r.host))
            {
                continue;
            }
            seen.push(r.host.clone());
            out.push(Finding::new(
                "ROUTE-005",
                r.origin.clone(),
                format!("{} is routed but no TLS entry lists it", r.host),
            ));
        }
    }

    let routes_to_api = |host: &str| {
        plan.routes
            .iter()
            .any(|r| r.host.eq_ignore_ascii_case(host) && r.target == Target::Service(Role::Api))
    };
    if let Some(api) = &plan.api_host {
        let is_web = plan
            .web_hosts
            .iter()
            .any(|w| w.value.eq_ignore_ascii_case(&api.value));
        if !is_web && !routes_to_api(&api.value) {
            out.push(Finding::new(
                "ROUTE-006",
                api.origin.clone(),
                format!(
                    "API host {} is configured but nothing routes it to the API",
                    api.value
                ),
            ));
        }
    }
    let mut reported = Vec::new();
    for r in plan
        .routes
        .iter()
        .filter(|r| r.target == Target::Service(Role::Api))
    {
        let configured = plan
            .api_host
            .as_ref()
            .is_some_and(|a| a.value.eq_ignore_ascii_case(&r.host));
        let is_web = plan
            .web_hosts
            .iter()
            .any(|w| w.value.eq_ignore_ascii_case(&r.host));
        if !configured && !is_web && !reported.contains(&r.host) {
            reported.push(r.host.clone());
            out.push(Finding::new(
                "ROUTE-006",
                r.origin.clone(),
                format!(
                    "{} routes to the API but is not configured as the API host",
                    r.host
                ),
            ));
        }
    }

    if plan.host == Host::Gcp {
        check_urls(plan, out);
    }
}

fn check_urls(plan: &Plan, out: &mut Vec<Finding>) {
    let Some(urls) = &plan.urls else { return };
    let mut hosts = Vec::new();
    for (name, url) in [
        ("app_public_url", &urls.app_public_url),
        ("api_base_url", &urls.api_base_url),
    ] {
        match url {
            None => out.push(Finding::new(
                "ROUTE-007",
                urls.origin.clone(),
                format!("{name} is not set; the blueprint requires it"),
            )),
            Some(u) => match https_host(&u.value) {
                Some(h) => hosts.push((h, u)),
                None => out.push(Finding::new(
                    "ROUTE-007",
                    u.origin.clone(),
                    format!("{name} = {:?} is not an https:// URL", u.value),
                )),
            },
        }
    }
    if let [(a, _), (b, api)] = hosts.as_slice() {
        if a.eq_ignore_ascii_case(b) {
            out.push(Finding::new(
                "ROUTE-007",
                api.origin.clone(),
                format!("app_public_url and api_base_url share the host {a}"),
            ));
        }
    }
}

fn https_host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', ':', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// Whether `value` names `needle` as a whole host or address, not as part of a longer name:
/// `docs.api.example.com` and `starter-api-docs` do not name `api.example.com` / `starter-api`,
/// while `starter-api.default.svc` does.
fn names(value: &str, needle: &str) -> bool {
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
    value.match_indices(needle).any(|(i, _)| {
        !value[..i].ends_with(|c: char| name_char(c) || c == '.')
            && !value[i + needle.len()..].starts_with(name_char)
    })
}

/// A host kept as a variable name because its value was not given (`{$API_HOST}`, `${API_HOST}`).
fn is_placeholder(name: &str) -> bool {
    name.starts_with("{$") || name.starts_with("${")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_hosts() {
        assert_eq!(
            https_host("https://app.example.com/x"),
            Some("app.example.com")
        );
        assert_eq!(
            https_host("https://app.example.com:8443"),
            Some("app.example.com")
        );
        assert_eq!(https_host("http://app.example.com"), None);
        assert_eq!(https_host("https://"), None);
    }

    #[test]
    fn names_match_whole_hosts() {
        assert!(names("https://api.example.com/v1", "api.example.com"));
        assert!(names("http://starter-api.default.svc:8000", "starter-api"));
        assert!(!names("https://docs.api.example.com", "api.example.com"));
        assert!(!names("http://starter-api-docs", "starter-api"));
        assert!(!names("http://api:80001", "api:8000"));
    }
}
