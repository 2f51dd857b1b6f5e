//! Routing: the browser reaches the API only through the web app (the BFF).

use super::rules::{ROUTE_001, ROUTE_002, ROUTE_003, ROUTE_004, ROUTE_005, ROUTE_006, ROUTE_007};
use super::Finding;
use crate::names::Hostname;
use crate::plan::{Plan, Role, Route, Target, Tls};

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
                if let Target::Unknown(why) = &r.target {
                    let what = format!("where {path} on {host} goes");
                    out.push(Finding::undecided(&ROUTE_001, r.origin.clone(), what, why));
                    break;
                }
                if r.target != Target::Service(Role::Web) {
                    let to = &r.target;
                    let message =
                        format!("{path} on {host} goes to {to}, not to the web app (BFF)");
                    out.push(Finding::new(&ROUTE_001, r.origin.clone(), message));
                    break;
                }
            }
        }
        match plan.resolve(host, "/") {
            Some(r) if r.target == Target::Service(Role::Web) => {}
            Some(Route {
                target: Target::Unknown(why),
                origin,
                ..
            }) => {
                let what = format!("where / on {host} goes");
                out.push(Finding::undecided(&ROUTE_002, origin.clone(), what, why));
            }
            Some(r) => out.push(Finding::new(
                &ROUTE_002,
                r.origin.clone(),
                format!("/ on {host} goes to {}, not to the web app", r.target),
            )),
            None => out.push(Finding::new(
                &ROUTE_002,
                web.origin.clone(),
                format!("{host} has no catch-all route: / reaches nothing"),
            )),
        }
    }

    if let Some(api) = &plan.api_host {
        let name = api.value.as_str();
        if !is_placeholder(name) && Hostname::parse(name).is_err() {
            out.push(Finding::new(
                &ROUTE_003,
                api.origin.clone(),
                format!("API host {name:?} is not a valid DNS name"),
            ));
        } else if plan
            .web_hosts
            .iter()
            .any(|w| w.value.eq_ignore_ascii_case(name))
        {
            out.push(Finding::new(
                &ROUTE_003,
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
            // An unknown value names nothing hostwiz can see.
            let Some(v) = value.value.known().map(str::to_ascii_lowercase) else {
                continue;
            };
            let hit = plan
                .api_host
                .iter()
                .map(|h| h.value.to_ascii_lowercase())
                .chain(plan.api_addresses.iter().map(|a| a.to_ascii_lowercase()))
                .find(|needle| !needle.is_empty() && names(&v, needle));
            if let Some(needle) = hit {
                out.push(Finding::new(
                    &ROUTE_004,
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
                &ROUTE_005,
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
            let name = &api.value;
            let message = format!("API host {name} is configured but nothing routes it to the API");
            out.push(Finding::new(&ROUTE_006, api.origin.clone(), message));
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
            let name = &r.host;
            let message = format!("{name} routes to the API but is not configured as the API host");
            out.push(Finding::new(&ROUTE_006, r.origin.clone(), message));
        }
    }

    if ROUTE_007.applies_to(plan.host.capabilities()) {
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
                &ROUTE_007,
                urls.origin.clone(),
                format!("{name} is not set; the blueprint requires it"),
            )),
            Some(u) => match https_host(&u.value) {
                Some(h) => hosts.push((h, u)),
                None => out.push(Finding::new(
                    &ROUTE_007,
                    u.origin.clone(),
                    format!("{name} = {:?} is not an https:// URL", u.value),
                )),
            },
        }
    }
    if let [(a, _), (b, api)] = hosts.as_slice() {
        if a.eq_ignore_ascii_case(b) {
            out.push(Finding::new(
                &ROUTE_007,
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
