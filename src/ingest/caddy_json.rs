//! Where Caddy's own configuration sends a request: the JSON `caddy adapt` makes of a
//! Caddyfile, evaluated as Caddy's HTTP app runs it. Pure: the JSON comes in as text.
//!
//! Servers are chosen by the port a site listens on; each server's `routes` run in order as
//! Caddy compiles them into one chain: a route whose matcher sets all miss is skipped, only the
//! first matching route of a `group` runs, its handlers run in order (`subroute` runs its own
//! routes and then goes on, `rewrite` changes the path the rest sees, `invoke` runs a named
//! route), a responding handler ends the request and a `terminal` route ends it once its
//! handlers ran. Whatever is not evaluated here is an unknown that names the construct, never a
//! match or a miss taken for granted. Conditions that do not depend on the path (header,
//! method, remote_ip, …) are taken to match on either side of a `not`: some request meets them,
//! and a contract that says "never" counts the requests that do (as the Caddyfile reader does).

use super::caddy::path_matches;
use serde_json::Value;

/// Caddy's configuration as adapted, with the ports its sites default to.
pub struct Config {
    servers: Vec<Server>,
    http_port: u64,
    https_port: u64,
}

/// A server with its top-level routes indexed by the literal hosts they match, so judging
/// every site of a file of many sites stays linear.
struct Server {
    json: Value,
    /// Route indices per literal host (lowercased), for routes that match only given hosts.
    by_host: std::collections::HashMap<String, Vec<usize>>,
    /// Routes that may match any host: no host matcher, wildcards, placeholders.
    any_host: Vec<usize>,
}

impl Server {
    fn new(json: Value) -> Self {
        let mut by_host: std::collections::HashMap<String, Vec<usize>> = Default::default();
        let mut any_host = Vec::new();
        let routes = json["routes"].as_array().map_or(&[][..], Vec::as_slice);
        for (i, route) in routes.iter().enumerate() {
            match literal_hosts(route) {
                Some(hosts) => {
                    for h in hosts {
                        let at = by_host.entry(h).or_default();
                        if at.last() != Some(&i) {
                            at.push(i);
                        }
                    }
                }
                None => any_host.push(i),
            }
        }
        Self {
            json,
            by_host,
            any_host,
        }
    }

    /// The top-level routes a request for `host` may match, in order.
    fn routes_for(&self, host: &str) -> Vec<&Value> {
        let mut at: Vec<usize> = self.by_host.get(host).cloned().unwrap_or_default();
        at.extend(&self.any_host);
        at.sort_unstable();
        let routes = self.json["routes"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        at.into_iter().filter_map(|i| routes.get(i)).collect()
    }
}

/// The hosts a route can only match, when every matcher set of it names literal hosts.
fn literal_hosts(route: &Value) -> Option<Vec<String>> {
    let sets = route["match"].as_array().filter(|s| !s.is_empty())?;
    let mut out = Vec::new();
    for set in sets {
        let hosts = set["host"].as_array()?;
        for h in hosts {
            let h = h.as_str()?;
            if h.contains(['*', '{']) {
                return None;
            }
            out.push(h.to_ascii_lowercase());
        }
    }
    Some(out)
}

/// Where a request ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Reached {
    /// Proxied to this upstream (`dial`).
    Dial(String),
    /// Answered by Caddy itself (a response, a file, an error) or by nothing.
    Nothing,
    /// A construct this evaluator does not evaluate decides it, as named.
    Unknown(String),
}

/// Matcher conditions that do not depend on the path or host.
const TAKEN_TO_MATCH: &[&str] = &[
    "header",
    "header_regexp",
    "method",
    "remote_ip",
    "client_ip",
    "protocol",
    "query",
    "tls",
];

/// Handlers that change nothing about where a request goes and hand it on.
const PASSING: &[&str] = &[
    "headers",
    "encode",
    "vars",
    "map",
    "request_body",
    "push",
    "log_append",
    "tracing",
    "templates",
    "intercept",
    "copy_response_headers",
    // basic_auth: an authenticated request goes on, and some request is authenticated.
    "authentication",
];

/// Handlers that answer the request themselves.
const RESPONDING: &[&str] = &[
    "static_response",
    "error",
    "acme_server",
    "metrics",
    "copy_response",
];

/// How deep subroutes and named routes may nest before the evaluator gives up (Caddy's own
/// adapter nests a handful of levels; a named route invoking itself never ends).
const MAX_DEPTH: usize = 32;

pub fn parse(json: &str) -> Result<Config, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| format!("caddy adapt's JSON: {e}"))?;
    let http = &v["apps"]["http"];
    let servers = match http["servers"].as_object() {
        Some(s) => s.values().cloned().map(Server::new).collect(),
        None => Vec::new(),
    };
    Ok(Config {
        servers,
        http_port: http["http_port"].as_u64().unwrap_or(80),
        https_port: http["https_port"].as_u64().unwrap_or(443),
    })
}

impl Config {
    /// The port a site address listens on: its own, else the HTTP or HTTPS port by scheme.
    pub fn port_of(&self, address: &str) -> Option<u64> {
        let (scheme, rest) = address.split_once("://").unwrap_or(("", address));
        let rest = rest.split('/').next().unwrap_or(rest);
        match rest.rsplit_once(':') {
            Some((_, p)) if !rest.ends_with(']') && !p.is_empty() => p.parse().ok(),
            _ if scheme.eq_ignore_ascii_case("http") => Some(self.http_port),
            _ => Some(self.https_port),
        }
    }

    /// Where a request for `path` on `host`, sent to the site at `address`, ends.
    pub fn reach(&self, address: &str, host: &str, path: &str) -> Reached {
        let Some(port) = self.port_of(address) else {
            return Reached::Unknown(format!("the port of the site address `{address}`"));
        };
        let Some(server) = self.servers.iter().find(|s| listens_on(&s.json, port)) else {
            return Reached::Unknown(format!("a site on port {port}, which no server listens on"));
        };
        let host = host.to_ascii_lowercase();
        let routes = server.routes_for(&host);
        let mut run = Run {
            server: &server.json,
            host,
            path: path.to_string(),
            groups: Vec::new(),
        };
        match run.routes(routes, 0) {
            Flow::Next => Reached::Nothing,
            Flow::End(r) => r,
        }
    }
}

/// Whether a server's `listen` addresses include `port` (`:443`, `tcp/:443`, `[::]:80-90`).
fn listens_on(server: &Value, port: u64) -> bool {
    server["listen"].as_array().is_some_and(|ls| {
        ls.iter().filter_map(Value::as_str).any(|l| {
            let Some((_, ports)) = l.rsplit_once(':') else {
                return false;
            };
            let (lo, hi) = ports.split_once('-').unwrap_or((ports, ports));
            match (lo.parse::<u64>(), hi.parse::<u64>()) {
                (Ok(lo), Ok(hi)) => (lo..=hi).contains(&port),
                _ => false,
            }
        })
    })
}

/// Whether the request goes on to what follows, or ended.
enum Flow {
    Next,
    End(Reached),
}

/// A condition's value: a match, a miss, or unknown (naming what is not evaluated).
#[derive(Clone, Debug, PartialEq)]
enum Tri {
    Yes,
    No,
    Unknown(String),
}

impl Tri {
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            u => u,
        }
    }

    /// All must hold: a miss decides alone.
    fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut unknown = None;
        for t in items {
            match t {
                Tri::No => return Tri::No,
                Tri::Unknown(w) => unknown = unknown.or(Some(w)),
                Tri::Yes => {}
            }
        }
        unknown.map_or(Tri::Yes, Tri::Unknown)
    }

    /// One must hold: a match decides alone.
    fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        let mut unknown = None;
        for t in items {
            match t {
                Tri::Yes => return Tri::Yes,
                Tri::Unknown(w) => unknown = unknown.or(Some(w)),
                Tri::No => {}
            }
        }
        unknown.map_or(Tri::No, Tri::Unknown)
    }
}

/// One request on its way through a server.
struct Run<'a> {
    server: &'a Value,
    host: String,
    path: String,
    /// The route groups a matching route has satisfied (names are unique per config).
    groups: Vec<String>,
}

impl Run<'_> {
    fn routes<'v>(&mut self, routes: impl IntoIterator<Item = &'v Value>, depth: usize) -> Flow {
        if depth > MAX_DEPTH {
            return Flow::End(Reached::Unknown(format!(
                "routes nested more than {MAX_DEPTH} deep"
            )));
        }
        for route in routes {
            let matched = match route["match"].as_array() {
                None => Tri::Yes,
                Some(sets) if sets.is_empty() => Tri::Yes,
                Some(sets) => Tri::any(sets.iter().map(|s| self.set(s, false))),
            };
            match matched {
                Tri::No => continue,
                Tri::Unknown(what) => return Flow::End(Reached::Unknown(what)),
                Tri::Yes => {}
            }
            if let Some(g) = route["group"].as_str() {
                if self.groups.iter().any(|d| d == g) {
                    continue;
                }
                self.groups.push(g.to_string());
            }
            for h in route["handle"].as_array().into_iter().flatten() {
                if let Flow::End(r) = self.handler(h, depth) {
                    return Flow::End(r);
                }
            }
            if route["terminal"].as_bool() == Some(true) {
                return Flow::End(Reached::Nothing);
            }
        }
        Flow::Next
    }

    fn handler(&mut self, h: &Value, depth: usize) -> Flow {
        let name = h["handler"].as_str().unwrap_or_default();
        match name {
            "subroute" => {
                let routes = h["routes"].as_array().map_or(&[][..], Vec::as_slice);
                self.routes(routes, depth + 1)
            }
            "invoke" => {
                let called = h["name"].as_str().unwrap_or_default();
                match self.server["named_routes"].get(called) {
                    Some(route) => self.routes(std::slice::from_ref(route), depth + 1),
                    None => unknown(format!("`invoke {called}` (no such named route)")),
                }
            }
            "rewrite" => match rewrite(h, &self.path) {
                Ok(path) => {
                    self.path = path;
                    Flow::Next
                }
                Err(what) => unknown(what),
            },
            // forward_auth: an authorized response only sets headers and the request goes on,
            // and some request is authorized.
            "reverse_proxy" if goes_on_after(h) => Flow::Next,
            "reverse_proxy" => {
                let dial = h["upstreams"]
                    .as_array()
                    .and_then(|u| u.first())
                    .and_then(|u| u["dial"].as_str());
                match dial {
                    Some(d) => Flow::End(Reached::Dial(d.to_string())),
                    None => unknown("a `reverse_proxy` with dynamic upstreams".into()),
                }
            }
            "file_server" if h["pass_thru"].as_bool() == Some(true) => {
                unknown("a `file_server` with `pass_thru` (it depends on the files)".into())
            }
            "file_server" => Flow::End(Reached::Nothing),
            n if RESPONDING.contains(&n) => Flow::End(Reached::Nothing),
            n if PASSING.contains(&n) => Flow::Next,
            n => unknown(format!("the `{n}` handler")),
        }
    }

    /// A matcher set: every condition in it must hold. `negated`: under an odd number of
    /// `not`s, where a condition taken to match must come out as a miss, so the `not` matches.
    fn set(&self, set: &Value, negated: bool) -> Tri {
        let Some(set) = set.as_object() else {
            return Tri::Unknown("a matcher set that is not an object".into());
        };
        Tri::all(set.iter().map(|(kind, v)| self.condition(kind, v, negated)))
    }

    fn condition(&self, kind: &str, v: &Value, negated: bool) -> Tri {
        match kind {
            "host" => Tri::any(strings(v).map(|p| host_matches(p, &self.host))),
            "path" => Tri::any(strings(v).map(|p| path_pattern(p, &self.path))),
            "path_regexp" => v["pattern"].as_str().map_or(
                Tri::Unknown("a `path_regexp` without a pattern".into()),
                |p| regexp(p, &self.path),
            ),
            "not" => {
                let sets = v.as_array().map_or(&[][..], Vec::as_slice);
                Tri::any(sets.iter().map(|s| self.set(s, !negated))).not()
            }
            k if TAKEN_TO_MATCH.contains(&k) => {
                if negated {
                    Tri::No
                } else {
                    Tri::Yes
                }
            }
            "expression" => Tri::Unknown(format!(
                "the expression matcher `{}`",
                v.as_str().or(v["expr"].as_str()).unwrap_or("…")
            )),
            "file" => Tri::Unknown("a `file` matcher (try_files: it depends on the files)".into()),
            k => Tri::Unknown(format!("the `{k}` matcher")),
        }
    }
}

/// Whether some response of a `reverse_proxy` is handled by routes that answer nothing
/// (`handle_response` that only sets variables and headers), so the request goes on.
fn goes_on_after(h: &Value) -> bool {
    fn only_passing(routes: &Value) -> bool {
        routes.as_array().into_iter().flatten().all(|r| {
            r["handle"].as_array().into_iter().flatten().all(|h| {
                match h["handler"].as_str().unwrap_or_default() {
                    "subroute" => only_passing(&h["routes"]),
                    n => PASSING.contains(&n),
                }
            })
        })
    }
    h["handle_response"]
        .as_array()
        .is_some_and(|rs| rs.iter().any(|r| only_passing(&r["routes"])))
}

fn unknown(what: String) -> Flow {
    Flow::End(Reached::Unknown(what))
}

fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_array().into_iter().flatten().filter_map(Value::as_str)
}

/// Caddy's host matcher: case-insensitive, a `*` label matches any one label.
fn host_matches(pattern: &str, host: &str) -> Tri {
    if pattern.contains('{') {
        return Tri::Unknown(format!("the host matcher `{pattern}` with placeholders"));
    }
    let pattern = pattern.to_ascii_lowercase();
    if pattern == host {
        return Tri::Yes;
    }
    let (p, h): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), host.split('.').collect());
    let matched = p.len() == h.len() && p.iter().zip(&h).all(|(p, h)| *p == "*" || p == h);
    if matched {
        Tri::Yes
    } else {
        Tri::No
    }
}

/// Caddy's path matcher, where hostwiz evaluates it: the `*` forms; `?`, `[…]`, escapes and
/// placeholders in a glob are unknown.
fn path_pattern(pattern: &str, path: &str) -> Tri {
    let fast = pattern == "*" || pattern.starts_with('*') || pattern.ends_with('*');
    if pattern.contains('{') || (!fast && pattern.contains(['?', '[', '\\'])) {
        return Tri::Unknown(format!("the path pattern `{pattern}`"));
    }
    if path_matches(pattern, path) {
        Tri::Yes
    } else {
        Tri::No
    }
}

/// A `path_regexp` whose pattern is a literal, optionally anchored (`^/api`, `^/api/$`,
/// `\.php$`): evaluated exactly. Any other regular expression is unknown (no regex engine).
fn regexp(pattern: &str, path: &str) -> Tri {
    let start = pattern.starts_with('^');
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let end = body.ends_with('$') && !body.ends_with("\\$");
    let body = if end { &body[..body.len() - 1] } else { body };
    let mut literal = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => literal.push(e),
                _ => return Tri::Unknown(format!("the path_regexp `{pattern}`")),
            },
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                return Tri::Unknown(format!("the path_regexp `{pattern}`"))
            }
            c => literal.push(c),
        }
    }
    let hit = match (start, end) {
        (true, true) => path == literal,
        (true, false) => path.starts_with(&literal),
        (false, true) => path.ends_with(&literal),
        (false, false) => path.contains(&literal),
    };
    if hit {
        Tri::Yes
    } else {
        Tri::No
    }
}

/// The path after a `rewrite` handler, or what is not evaluated.
fn rewrite(h: &Value, path: &str) -> Result<String, String> {
    let mut path = path.to_string();
    if let Some(prefix) = h["strip_path_prefix"].as_str() {
        if prefix.contains('{') {
            return Err(format!("a rewrite stripping the prefix `{prefix}`"));
        }
        let prefix = format!("/{}", prefix.trim_start_matches('/'));
        if path
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
        {
            path = format!("/{}", path[prefix.len()..].trim_start_matches('/'));
        }
    }
    if let Some(suffix) = h["strip_path_suffix"].as_str() {
        if suffix.contains('{') {
            return Err(format!("a rewrite stripping the suffix `{suffix}`"));
        }
        if path
            .to_ascii_lowercase()
            .ends_with(&suffix.to_ascii_lowercase())
        {
            path.truncate(path.len() - suffix.len());
        }
    }
    for sub in h["uri_substring"].as_array().into_iter().flatten() {
        let (find, replace) = (sub["find"].as_str(), sub["replace"].as_str().unwrap_or(""));
        let limit = sub["limit"].as_u64().unwrap_or(0);
        match find {
            Some(f) if !f.is_empty() && !f.contains('{') && !replace.contains('{') => {
                path = if limit == 0 {
                    path.replace(f, replace)
                } else {
                    path.replacen(f, replace, limit as usize)
                };
            }
            _ => return Err("a `uri replace` rewrite with placeholders".into()),
        }
    }
    if h.get("path_regexp").is_some() {
        return Err("a `uri path_regexp` rewrite".into());
    }
    if let Some(uri) = h["uri"].as_str() {
        // Only the path matters here: `/to?{query}` rewrites the path to `/to`.
        let to = uri.split('?').next().unwrap_or(uri);
        if to.contains('{') {
            return Err(format!("a rewrite to `{uri}`"));
        }
        if !to.is_empty() {
            if !to.starts_with('/') {
                return Err(format!("a rewrite to the relative `{uri}`"));
            }
            path = to.to_string();
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(json: &str, address: &str, host: &str, path: &str) -> Reached {
        parse(json).unwrap().reach(address, host, path)
    }

    /// The starter's own Caddyfile as `caddy adapt` 2.11 gives it (API paths to the web app).
    const STARTER: &str = r#"{"apps":{"http":{"servers":{"srv0":{"listen":[":443"],"routes":[{"match":[{"host":["app.example.com"]}],"handle":[{"handler":"subroute","routes":[{"group":"group2","handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"web:3000"}]}]}]}],"match":[{"path":["/api*","/api/*","/api"]}]},{"group":"group2","handle":[{"handler":"subroute","routes":[{"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"api:8000"}]}]}]}]}]}],"terminal":true}]}}}}}"#;

    #[test]
    fn groups_hosts_and_ports() {
        let web = Reached::Dial("web:3000".into());
        assert_eq!(
            reach(STARTER, "app.example.com", "app.example.com", "/api/x"),
            web
        );
        assert_eq!(
            reach(STARTER, "app.example.com", "app.example.com", "/"),
            Reached::Dial("api:8000".into())
        );
        assert_eq!(
            reach(STARTER, "app.example.com", "b.example.com", "/"),
            Reached::Nothing
        );
        assert!(matches!(
            reach(STARTER, "http://app.example.com", "app.example.com", "/"),
            Reached::Unknown(_)
        ));
    }

    #[test]
    fn not_regexp_rewrite_and_terminal() {
        let json = r#"{"apps":{"http":{"servers":{"a":{"listen":[":80"],"routes":[
            {"match":[{"not":[{"path":["/api*"]}]}],"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"web:3000"}]}]},
            {"match":[{"path_regexp":{"pattern":"^/api/x$"}}],"handle":[{"handler":"rewrite","uri":"/b?{http.request.uri.query}"}]},
            {"match":[{"path":["/b"]}],"terminal":true},
            {"match":[{"path":["/api/v*"],"path_regexp":{"pattern":"^/api/v\\d"}}],"handle":[{"handler":"static_response"}]},
            {"match":[{"not":[{"header":{"X":["1"]}}]}],"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"api:8000"}]}]}
        ]}}}}}"#;
        assert_eq!(
            reach(json, "http://a", "a", "/x"),
            Reached::Dial("web:3000".into())
        );
        assert!(
            matches!(reach(json, "http://a", "a", "/api/v1"), Reached::Unknown(w) if w.contains("path_regexp"))
        );
        assert_eq!(reach(json, "http://a", "a", "/api/x"), Reached::Nothing);
        // A header condition under `not` is met by some request.
        assert_eq!(
            reach(json, "http://a", "a", "/api"),
            Reached::Dial("api:8000".into())
        );
    }

    #[test]
    fn forward_auth_lets_authorized_requests_on() {
        let json = r#"{"apps":{"http":{"servers":{"a":{"listen":[":443"],"routes":[
            {"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"auth:9091"}],
              "handle_response":[{"match":{"status_code":[2]},"routes":[{"handle":[{"handler":"vars"}]},{"handle":[{"handler":"headers"}]}]}]}]},
            {"handle":[{"handler":"reverse_proxy","upstreams":[{"dial":"web:3000"}]}]}
        ]}}}}}"#;
        assert_eq!(reach(json, "a", "a", "/"), Reached::Dial("web:3000".into()));
    }

    #[test]
    fn literal_regexps_and_hosts() {
        assert_eq!(regexp("^/api", "/api/x"), Tri::Yes);
        assert_eq!(regexp("^/api$", "/api/x"), Tri::No);
        assert_eq!(regexp("\\.php$", "/a.php"), Tri::Yes);
        assert!(matches!(regexp("^/a.i", "/api"), Tri::Unknown(_)));
        assert_eq!(host_matches("*.Example.com", "a.example.com"), Tri::Yes);
        assert_eq!(host_matches("*.example.com", "a.b.example.com"), Tri::No);
    }
}
