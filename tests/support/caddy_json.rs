//! Caddy's own decision, read from `caddy adapt`'s JSON: which upstream a request reaches.

use serde_json::Value;

/// Where Caddy's adapted JSON sends a request: the `dial` of the reverse proxy that handles it.
/// Follows Caddy's HTTP route semantics: routes in order, host and path matchers, subroutes,
/// route groups (only the first matching route of a group runs), terminal routes.
pub fn caddy_dial(routes: &[Value], host: &str, path: &str) -> Option<String> {
    let mut path = path.to_string();
    let path = &mut path;
    let mut groups_done: Vec<String> = Vec::new();
    for route in routes {
        if let Some(g) = route["group"].as_str() {
            if groups_done.iter().any(|d| d == g) {
                continue;
            }
        }
        let matches = match route["match"].as_array() {
            None => true,
            Some(sets) => sets.iter().any(|m| matcher_set(m, host, path)),
        };
        if !matches {
            continue;
        }
        if let Some(g) = route["group"].as_str() {
            groups_done.push(g.to_string());
        }
        for handler in route["handle"].as_array().into_iter().flatten() {
            match handler["handler"].as_str() {
                Some("subroute") => {
                    if let Some(d) = caddy_dial(handler["routes"].as_array().unwrap(), host, path) {
                        return Some(d);
                    }
                }
                // A literal rewrite: later handlers and routes see the new path.
                Some("rewrite") => {
                    if let Some(prefix) = handler["strip_path_prefix"].as_str() {
                        let rest = path.strip_prefix(prefix).unwrap_or(path).to_string();
                        *path = format!("/{}", rest.trim_start_matches('/'));
                    }
                    if let Some(uri) = handler["uri"].as_str() {
                        assert!(!uri.contains('{'), "the oracle rewrites literal paths only");
                        *path = uri.split('?').next().unwrap_or(uri).to_string();
                    }
                }
                Some("reverse_proxy") => {
                    return handler["upstreams"][0]["dial"].as_str().map(str::to_string);
                }
                // Handlers that answer the request themselves: nothing is proxied.
                Some("static_response" | "file_server" | "error" | "abort" | "acme_server") => {
                    return None
                }
                _ => {}
            }
        }
        if route["terminal"].as_bool() == Some(true) {
            return None;
        }
    }
    None
}

fn matcher_set(m: &Value, host: &str, path: &str) -> bool {
    let host_ok = m["host"]
        .as_array()
        .is_none_or(|hs| hs.iter().any(|h| h.as_str() == Some(host)));
    let path_ok = m["path"].as_array().is_none_or(|ps| {
        ps.iter().any(|p| {
            let p = p.as_str().unwrap();
            if p.len() > 1 && p.starts_with('*') && p.ends_with('*') {
                return path.contains(&p[1..p.len() - 1]);
            }
            if let Some(suffix) = p.strip_prefix('*') {
                return path.ends_with(suffix);
            }
            match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => path == p,
            }
        })
    });
    // `^/literal`: the only regexps the oracle's cases use.
    let regexp_ok = m["path_regexp"]["pattern"].as_str().is_none_or(|re| {
        let literal = re.strip_prefix('^').expect("an anchored literal pattern");
        assert!(
            !literal.contains(['.', '*', '(', '[', '$']),
            "literal only: {re}"
        );
        path.starts_with(literal)
    });
    let not_ok = m["not"]
        .as_array()
        .is_none_or(|sets| !sets.iter().any(|s| matcher_set(s, host, path)));
    host_ok && path_ok && regexp_ok && not_ok
}
