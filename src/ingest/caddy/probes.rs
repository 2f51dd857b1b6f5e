//! What to ask a site about: the paths to probe (`/`, `/api`, `/api/`, `/api/x` and every path
//! literal of the file), and the lines findings point at (its proxies and file imports).

use super::{Directive, Site};
use crate::plan::Sourced;

impl Site {
    /// Every `reverse_proxy` of the site (named routes included), in file order: its upstream
    /// as written, at the directive's line. Where Caddy's own config decides, a finding points
    /// at the line that proxies to the upstream Caddy dials.
    pub fn proxies(&self) -> Vec<Sourced<String>> {
        fn walk(site: &Site, dirs: &[Directive], out: &mut Vec<Sourced<String>>) {
            for d in dirs {
                if d.name.text == "reverse_proxy" {
                    let written = d
                        .args
                        .iter()
                        .filter(|a| !a.text.starts_with(['/', '@']) && a.text != "*")
                        .chain(
                            d.block
                                .iter()
                                .filter(|s| s.name.text == "to")
                                .flat_map(|s| &s.args),
                        );
                    for a in written {
                        out.push(Sourced::new(a.text.clone(), site.origin_of(&d.name)));
                    }
                }
                walk(site, &d.block, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &self.directives, &mut out);
        let mut named: Vec<_> = self.named.iter().collect();
        named.sort_by_key(|(n, _)| n.as_str());
        for (_, dirs) in named {
            walk(self, dirs, &mut out);
        }
        out.sort_by_key(|s| match &s.origin {
            crate::plan::Origin::File { line, column, .. } => (*line, *column),
            _ => (0, 0),
        });
        out
    }

    /// Where the site imports other files (kept by [`parse_with`]), in file order.
    pub fn file_imports(&self) -> Vec<crate::plan::Origin> {
        fn walk(site: &Site, dirs: &[Directive], out: &mut Vec<crate::plan::Origin>) {
            for d in dirs {
                if d.name.is("import") {
                    out.push(site.origin_of(&d.name));
                }
                walk(site, &d.block, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &self.directives, &mut out);
        out
    }

    pub fn path_prefixes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .literals()
            .into_iter()
            .map(|p| p.trim_end_matches('*').to_string())
            .filter(|p| !p.is_empty())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The paths to ask `reach` about: `/`, `/api`, `/api/`, `/api/x`, and every path literal
    /// of the file (as written and without its trailing `*`), each once, in that order.
    pub fn probes(&self) -> Vec<String> {
        let mut out: Vec<String> = ["/", "/api", "/api/", "/api/x"].map(String::from).into();
        for p in self.literals() {
            for p in [p.trim_end_matches('*').to_string(), p] {
                if !p.is_empty() && !p.contains('*') && !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// Every path literal: matcher paths, inline matchers, rewrite targets.
    fn literals(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .matchers
            .values()
            .flat_map(|m| m.paths.iter().cloned())
            .chain(inline_paths(&self.directives))
            .filter(|p| p.starts_with('/'))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

fn inline_paths(dirs: &[Directive]) -> Vec<String> {
    dirs.iter()
        .flat_map(|d| {
            d.args
                .first()
                .filter(|a| a.text.starts_with('/'))
                .map(|a| a.text.clone())
                .into_iter()
                .chain(inline_paths(&d.block))
        })
        .collect()
}
