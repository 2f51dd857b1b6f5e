//! Routing: the browser reaches the API only through the web app (the BFF).

use super::rules::{ROUTE_001, ROUTE_002, ROUTE_003, ROUTE_004, ROUTE_005, ROUTE_006, ROUTE_007};
use super::{Capability, Finding};
use crate::names::Hostname;
use crate::plan::{prefix_matches, Plan, Role, Route, Target, Tls};
use std::collections::{HashMap, HashSet};

/// The routes of each host (lowercased), in plan order, so each host's checks look at its own
/// routes only: tens of thousands of hosts cost their sum, not their product.
fn by_host(plan: &Plan) -> HashMap<String, Vec<&Route>> {
    let mut index: HashMap<String, Vec<&Route>> = HashMap::new();
    for r in &plan.routes {
        index
            .entry(r.host.to_ascii_lowercase())
            .or_default()
            .push(r);
    }
    index
}

/// [`Plan::resolve`] over one host's routes: the longest matching prefix wins.
fn resolve<'a>(routes: &[&'a Route], path: &str) -> Option<&'a Route> {
    routes
        .iter()
        .copied()
        .filter(|r| prefix_matches(&r.prefix, path))
        // A route for exactly this path (a probe of an order-sensitive file) wins over
        // `/api/`, which covers `/api` too.
        .max_by_key(|r| (r.prefix == path, r.prefix.len()))
}

pub fn check(plan: &Plan, out: &mut Vec<Finding>) {
    let index = by_host(plan);
    for web in &plan.web_hosts {
        let host = web.value.as_str();
        let routes = index
            .get(&host.to_ascii_lowercase())
            .map_or(&[][..], Vec::as_slice);
        // `/api` itself, and every deeper prefix routed under it (`/api/v1` → api leaks too).
        let under_api = routes
            .iter()
            .filter(|r| r.prefix == "/api" || r.prefix.starts_with("/api/"))
            .map(|r| r.prefix.as_str());
        for path in ["/api", "/api/"].into_iter().chain(under_api) {
            if let Some(r) = resolve(routes, path) {
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
        match resolve(routes, "/") {
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

    let needles: Vec<String> = plan
        .api_host
        .iter()
        .map(|h| h.value.to_ascii_lowercase())
        .chain(plan.api_addresses.iter().map(|a| a.to_ascii_lowercase()))
        .filter(|n| !n.is_empty())
        .collect();
    let needles = Needles::new(&needles);
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
            if let Some(needle) = needles.first_named(&v) {
                out.push(Finding::new(
                    &ROUTE_004,
                    value.origin.clone(),
                    format!("{key} exposes the API address {needle} to the browser"),
                ));
            }
        }
    }

    // Hosts are looked up in sets (lowercased where the comparison ignores case), so tens of
    // thousands of routes and TLS hosts cost their sum, not their product.
    let web_hosts: HashSet<String> = plan
        .web_hosts
        .iter()
        .map(|w| w.value.to_ascii_lowercase())
        .collect();
    if let Tls::Hosts(covered) = &plan.tls {
        let covered: HashSet<String> = covered
            .iter()
            .map(|c| c.value.to_ascii_lowercase())
            .collect();
        let mut seen = HashSet::new();
        for r in &plan.routes {
            if seen.contains(&r.host) || covered.contains(&r.host.to_ascii_lowercase()) {
                continue;
            }
            seen.insert(r.host.clone());
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
    let mut reported = HashSet::new();
    for r in plan
        .routes
        .iter()
        .filter(|r| r.target == Target::Service(Role::Api))
    {
        let configured = plan
            .api_host
            .as_ref()
            .is_some_and(|a| a.value.eq_ignore_ascii_case(&r.host));
        let is_web = web_hosts.contains(&r.host.to_ascii_lowercase());
        if !configured && !is_web && !reported.contains(&r.host) {
            reported.insert(r.host.clone());
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
            None if plan.host.capabilities().contains(&Capability::DefaultUrls) => {}
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

/// The API's host and addresses, in order, for finding the first that a value [`names`]: each
/// whole-name span of the value is looked up, instead of the value being searched once per
/// address (thousands of releases give thousands of addresses).
struct Needles<'a> {
    by_name: HashMap<&'a str, usize>,
    /// Addresses with a character no name span holds, searched the slow way.
    odd: Vec<(usize, &'a str)>,
    all: &'a [String],
}

impl<'a> Needles<'a> {
    fn new(all: &'a [String]) -> Self {
        let mut by_name = HashMap::new();
        let mut odd = Vec::new();
        for (i, n) in all.iter().enumerate() {
            let plain =
                n.starts_with(name_char) && n.chars().all(|c| name_char(c) || c == '.' || c == ':');
            if plain {
                by_name.entry(n.as_str()).or_insert(i);
            } else {
                odd.push((i, n.as_str()));
            }
        }
        Self { by_name, odd, all }
    }

    /// The first needle (in order) that `value` names.
    fn first_named(&self, value: &str) -> Option<&'a str> {
        let bytes = value.as_bytes();
        let mut best: Option<usize> = None;
        let starts = (0..bytes.len()).filter(|&i| {
            value.is_char_boundary(i)
                && name_char(char::from(bytes[i]))
                && !value[..i].ends_with(|c: char| name_char(c) || c == '.')
        });
        for i in starts {
            let ends = (i + 1..=bytes.len())
                .filter(|&j| value.is_char_boundary(j) && !value[j..].starts_with(name_char));
            for j in ends {
                if let Some(&k) = self.by_name.get(&value[i..j]) {
                    best = Some(best.map_or(k, |b| b.min(k)));
                }
            }
        }
        for &(k, n) in &self.odd {
            if best.is_none_or(|b| k < b) && names(value, n) {
                best = Some(k);
            }
        }
        best.map(|k| self.all[k].as_str())
    }
}

fn name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Whether `value` names `needle` as a whole host or address, not as part of a longer name:
/// `docs.api.example.com` and `starter-api-docs` do not name `api.example.com` / `starter-api`,
/// while `starter-api.default.svc` does.
fn names(value: &str, needle: &str) -> bool {
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

    #[test]
    fn the_index_finds_what_the_search_finds() {
        let all: Vec<String> = [
            "api.example.com",
            "starter-api",
            "api:8000",
            "x/y",
            "rel1-api",
        ]
        .map(String::from)
        .to_vec();
        let needles = Needles::new(&all);
        for value in [
            "https://api.example.com/v1",
            "http://starter-api.default.svc:8000",
            "https://docs.api.example.com",
            "http://starter-api-docs",
            "http://api:80001",
            "http://api:8000/x",
            "a x/y b",
            "rel1-api and starter-api",
            "ünïcode rel1-api",
            "",
        ] {
            let slow = all.iter().find(|n| names(value, n)).map(String::as_str);
            assert_eq!(needles.first_named(value), slow, "{value}");
        }
    }
}
