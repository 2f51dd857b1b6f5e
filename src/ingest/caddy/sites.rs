//! Site addresses: the hosts of a site block, the addresses Caddy refuses, and the site built
//! from its addresses and directives.

use super::parser::collect_matchers;
use super::{Directive, Site, Token};
use crate::ingest::{Input, ParseError};
use crate::plan::Sourced;
use std::collections::HashMap;

pub(super) fn build_site(
    input: &Input,
    addresses: Vec<Token>,
    directives: Vec<Directive>,
) -> Result<Site, ParseError> {
    let mut hosts = Vec::new();
    let mut written = Vec::new();
    for t in &addresses {
        for a in t.text.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            if let Some(why) = rejected_address(a) {
                return Err(input.error(t.line, t.column, format!("site address `{a}`: {why}")));
            }
            hosts.push(Sourced::new(host_of(a), input.origin(t.line, t.column)));
            written.push(a.to_ascii_lowercase());
        }
    }
    let addresses = written;
    let mut matchers = HashMap::new();
    collect_matchers(&directives, &mut matchers);
    Ok(Site {
        hosts,
        addresses,
        directives,
        matchers,
        named: HashMap::new(),
    })
}

/// Why Caddy refuses a site address (`caddy adapt` 2.11): a scheme other than `http` and
/// `https`, a port that is not a number from 0 to 65535. Placeholders are left to Caddy.
fn rejected_address(address: &str) -> Option<String> {
    let (scheme, rest) = address
        .split_once("://")
        .map_or(("", address), |(s, r)| (s, r));
    match scheme.to_ascii_lowercase().as_str() {
        "" | "http" | "https" => {}
        "ws" | "wss" => {
            return Some(format!(
                "the scheme {scheme}:// is only supported in browsers; use https:// instead"
            ));
        }
        _ if scheme.contains('{') => {}
        _ => return Some(format!("unsupported URL scheme {scheme}://")),
    }
    let rest = rest.split('/').next().unwrap_or(rest);
    if rest.contains('{') || rest.ends_with(']') {
        return None;
    }
    let (_, port) = rest.rsplit_once(':')?;
    match port.parse::<u64>() {
        _ if port.is_empty() => None,
        Ok(n) if n > 65535 => Some(format!("port {n} is out of range")),
        Ok(_) => None,
        Err(_) => Some(format!("invalid port `{port}`")),
    }
}

/// The host of a site address: scheme, port and path removed; placeholders kept whole.
fn host_of(address: &str) -> String {
    let rest = address.split_once("://").map_or(address, |(_, r)| r);
    if rest.starts_with("{$") {
        return rest.split('/').next().unwrap_or(rest).to_string();
    }
    let rest = rest.split('/').next().unwrap_or(rest);
    let host = rest.rsplit_once(':').map_or(rest, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            rest
        }
    });
    if host.is_empty() {
        address.to_string()
    } else {
        host.to_ascii_lowercase()
    }
}
