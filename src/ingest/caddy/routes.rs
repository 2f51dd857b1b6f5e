//! Where a request ends in a site: directives in Caddy's order, matchers against the path,
//! `handle` exclusivity, `route` order, rewrites, named routes, and the first responder.

use super::{Directive, Matcher, Reach, Site, Token};
use crate::plan::{Sourced, Unknown};

/// Caddy's standard directive order (caddyconfig/httpcaddyfile/directives.go). Directives not
/// listed (plugins) sort last and never route.
const ORDER: &[&str] = &[
    "tracing",
    "map",
    "vars",
    "fs",
    "root",
    "log_append",
    "skip_log",
    "log_skip",
    "log_name",
    "header",
    "copy_response_headers",
    "request_body",
    "redir",
    "method",
    "rewrite",
    "uri",
    "try_files",
    "basic_auth",
    "basicauth",
    "forward_auth",
    "request_header",
    "encode",
    "push",
    "intercept",
    "templates",
    "invoke",
    "handle",
    "handle_path",
    "route",
    "abort",
    "error",
    "copy_response",
    "respond",
    "metrics",
    "reverse_proxy",
    "php_fastcgi",
    "file_server",
    "acme_server",
];

/// Handlers that answer the request themselves: nothing after them runs.
const RESPONDERS: &[&str] = &[
    "abort",
    "error",
    "copy_response",
    "respond",
    "metrics",
    "php_fastcgi",
    "file_server",
    "acme_server",
    "redir",
];

/// Directives that decide where a request goes: the others (headers, encoding, logs) never
/// change it, whatever their matchers say.
const ROUTING: &[&str] = &[
    "handle",
    "handle_path",
    "route",
    "reverse_proxy",
    "rewrite",
    "uri",
    "try_files",
    "invoke",
];

/// Whether a directive's matcher matches a path.
enum Match {
    Yes,
    No,
    Unknown(String),
}

impl Site {
    pub fn upstream(&self, path: &str) -> Option<Sourced<String>> {
        match self.reach(path) {
            Reach::Proxied(u) => Some(u),
            _ => None,
        }
    }

    /// Where a request for `path` ends, or that the reader cannot tell.
    pub fn reach(&self, path: &str) -> Reach {
        self.eval(&self.directives, path, true, 0)
            .unwrap_or(Reach::Nothing)
    }

    /// The directive's matcher: `None` for no matcher, else its paths and conditions.
    pub(super) fn matcher(&self, d: &Directive) -> Option<Matcher> {
        let first = d.args.first()?;
        // `rewrite /to` has only its target: no matcher.
        if d.name.text == "rewrite" && d.args.len() == 1 {
            return None;
        }
        if first.text == "*" {
            return None;
        }
        if first.text.starts_with('/') {
            return Some(Matcher {
                paths: vec![first.text.clone()],
                ..Matcher::default()
            });
        }
        let name = first.text.strip_prefix('@')?;
        Some(self.matchers.get(name).cloned().unwrap_or(Matcher {
            conditional: true,
            ..Matcher::default()
        }))
    }

    fn matches(&self, d: &Directive, path: &str) -> Match {
        let Some(m) = self.matcher(d) else {
            return Match::Yes;
        };
        // All of a matcher's conditions must hold: a path that misses decides it alone.
        if !m.paths.is_empty() && !m.paths.iter().any(|p| path_matches(p, path)) {
            return Match::No;
        }
        match m.unevaluated {
            Some(what) => Match::Unknown(what),
            None if m.paths.is_empty() && !m.conditional => Match::No,
            None => Match::Yes,
        }
    }

    /// Caddy's order (httpcaddyfile `sortRoutes`): by directive, then the longest first path of
    /// a directive's matcher first (whatever else the matcher holds), then directives with a
    /// matcher before those without.
    fn sort_key(&self, d: &Directive) -> (usize, std::cmp::Reverse<usize>, bool) {
        let name = d.name.text.as_str();
        let order = ORDER.iter().position(|o| *o == name).unwrap_or(ORDER.len());
        // handle_path sorts and groups as handle does.
        let order = if name == "handle_path" {
            ORDER.iter().position(|o| *o == "handle").unwrap_or(order)
        } else {
            order
        };
        let m = self.matcher(d);
        let path_len = m
            .as_ref()
            .and_then(|m| m.paths.first())
            .map_or(0, String::len);
        (order, std::cmp::Reverse(path_len), m.is_none())
    }

    fn unknown(&self, d: &Directive, what: String) -> Option<Reach> {
        Some(Reach::Unknown(Sourced::new(
            Unknown::Caddy(what),
            self.origin_of(&d.name),
        )))
    }

    /// Where the request ends, or `None` when these directives let it go on.
    fn eval(&self, dirs: &[Directive], path: &str, sort: bool, depth: usize) -> Option<Reach> {
        let mut order: Vec<&Directive> = dirs
            .iter()
            .filter(|d| !d.name.text.starts_with('@'))
            .collect();
        if sort {
            order.sort_by_key(|d| self.sort_key(d));
        }
        let mut path = path.to_string();
        let (mut handled, mut rewritten) = (false, false);
        for d in order {
            let name = d.name.text.as_str();
            if !ROUTING.contains(&name) && !RESPONDERS.contains(&name) {
                continue;
            }
            match self.matches(d, &path) {
                Match::No => continue,
                Match::Unknown(what) => return self.unknown(d, what),
                Match::Yes => {}
            }
            let reach = match name {
                "handle" | "handle_path" => {
                    if handled {
                        continue;
                    }
                    handled = true;
                    let inner = if name == "handle_path" {
                        strip_prefix(self.matcher(d), &path)
                    } else {
                        path.clone()
                    };
                    self.eval(&d.block, &inner, true, depth)
                }
                "route" => self.eval(&d.block, &path, false, depth),
                "invoke" => match d.args.last().and_then(|n| self.named.get(&n.text)) {
                    // Named routes may invoke others; Caddy refuses a cycle, hostwiz gives up.
                    Some(block) if depth < 16 => self.eval(block, &path, false, depth + 1),
                    _ => return self.unknown(d, "this `invoke`".into()),
                },
                "rewrite" => {
                    // Rewrites at one level are exclusive: the first that matches runs.
                    if rewritten {
                        continue;
                    }
                    rewritten = true;
                    match d.args.last().map(|a| a.text.as_str()) {
                        Some(to) if to.starts_with('/') && !to.contains('{') => {
                            path = to.split('?').next().unwrap_or(to).to_string();
                            continue;
                        }
                        _ => return self.unknown(d, "a `rewrite` with placeholders".into()),
                    }
                }
                "uri" => {
                    let words: Vec<&str> = d
                        .args
                        .iter()
                        .map(|a| a.text.as_str())
                        .skip_while(|a| a.starts_with(['/', '@']) || *a == "*")
                        .collect();
                    match words.as_slice() {
                        ["query", ..] => continue,
                        ["strip_prefix", prefix] if !prefix.contains('{') => {
                            let prefix = format!("/{}", prefix.trim_start_matches('/'));
                            let rest = path.strip_prefix(&prefix).unwrap_or(&path);
                            path = format!("/{}", rest.trim_start_matches('/'));
                            continue;
                        }
                        _ => return self.unknown(d, format!("`uri {}`", words.join(" "))),
                    }
                }
                "try_files" => {
                    return self.unknown(d, "`try_files` (it depends on the files)".into())
                }
                "reverse_proxy" => {
                    let upstream = d
                        .args
                        .iter()
                        .find(|a| !a.text.starts_with(['/', '@']) && a.text != "*");
                    let to = upstream.or_else(|| {
                        d.block
                            .iter()
                            .find(|s| s.name.text == "to")
                            .and_then(|s| s.args.first())
                    });
                    match to {
                        Some(t) => Some(Reach::Proxied(Sourced::new(
                            t.text.clone(),
                            self.origin_of(&d.name),
                        ))),
                        None => Some(Reach::Nothing),
                    }
                }
                _ => Some(Reach::Nothing), // a responder
            };
            if reach.is_some() {
                return reach;
            }
        }
        None
    }

    pub(super) fn origin_of(&self, t: &Token) -> crate::plan::Origin {
        match self.hosts.first().map(|h| &h.origin) {
            Some(crate::plan::Origin::File { path, .. }) => crate::plan::Origin::File {
                path: path.clone(),
                line: t.line,
                column: t.column,
            },
            _ => crate::plan::Origin::Default("Caddyfile"),
        }
    }
}

fn strip_prefix(m: Option<Matcher>, path: &str) -> String {
    let prefix = m.and_then(|m| m.paths.first().cloned()).unwrap_or_default();
    let prefix = prefix.trim_end_matches('*').trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        Some(_) => "/".to_string(),
        None => path.to_string(),
    }
}

/// Caddy's path matching (`MatchPath`): case-insensitive; `*` alone matches all; a `*` at
/// both ends is a substring match, a leading `*` a suffix, a trailing `*` a prefix (the rest
/// taken literally); otherwise a glob whose `*` stays within a segment.
pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let (p, s) = (pattern.to_ascii_lowercase(), path.to_ascii_lowercase());
    if p == "*" {
        return true;
    }
    if p.len() > 1 && p.starts_with('*') && p.ends_with('*') {
        return s.contains(&p[1..p.len() - 1]);
    }
    if let Some(suffix) = p.strip_prefix('*') {
        return s.ends_with(suffix);
    }
    if let Some(prefix) = p.strip_suffix('*') {
        return s.starts_with(prefix);
    }
    glob(p.as_bytes(), s.as_bytes())
}

/// `*` matches any run of bytes but `/`. One pass over the pattern keeping every path length
/// matched so far, so a pattern of many stars costs |pattern|·|path|: a search that tried each
/// split in turn took exponential time on `/a*****…` (found by fuzzing).
fn glob(p: &[u8], s: &[u8]) -> bool {
    let mut matched = vec![false; s.len() + 1];
    matched[0] = true;
    for &c in p {
        let mut next = vec![false; s.len() + 1];
        for j in 0..=s.len() {
            next[j] = if c == b'*' {
                matched[j] || (j > 0 && next[j - 1] && s[j - 1] != b'/')
            } else {
                j > 0 && matched[j - 1] && s[j - 1] == c
            };
        }
        matched = next;
    }
    matched[s.len()]
}
