//! The Caddyfile, read the way Caddy's Caddyfile adapter reads it, far enough to know where
//! each request path of each site is proxied to.
//!
//! What decides that: `{$VAR}` placeholders are replaced before lexing; snippets are imported;
//! a site's directives are sorted by Caddy's standard directive order, same-named ones by
//! path-matcher specificity (longest first path first, unmatched last); `handle` and
//! `handle_path` blocks at one level are mutually exclusive (the first match wins); `route`
//! keeps its literal order; the first responding handler ends the request. Matchers other than
//! `path` (header, method, remote_ip, …) are taken to match: some request can meet them, and a
//! contract that says "never" must count the requests that do.

use crate::plan::{Sourced, Unknown};
use std::collections::HashMap;

mod lexer;
mod parser;
mod probes;
mod routes;
mod sites;
#[cfg(test)]
mod tests;

pub use parser::{parse, parse_with};
pub(crate) use routes::path_matches;

pub struct Caddyfile {
    pub sites: Vec<Site>,
}

pub struct Site {
    pub hosts: Vec<Sourced<String>>,
    /// The addresses as written (lowercased), one per host: `http://a.example.com` and
    /// `a.example.com` are different sites of one host.
    pub addresses: Vec<String>,
    directives: Vec<Directive>,
    matchers: HashMap<String, Matcher>,
    /// The file's named routes `&(name)`, for `invoke`.
    named: HashMap<String, Vec<Directive>>,
}

/// Where a request for one path of a site ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Reach {
    Proxied(Sourced<String>),
    /// Answered by Caddy itself, or by nothing.
    Nothing,
    /// The reader met a construct it does not evaluate before the request was decided.
    Unknown(Sourced<Unknown>),
}

#[derive(Clone, Debug)]
struct Token {
    text: String,
    line: u32,
    column: u32,
    /// The first token of a line (directives start lines).
    starts_line: bool,
    /// Quoted or a heredoc: a `"{"` is text, never a block.
    quoted: bool,
}

impl Token {
    /// This bare (unquoted) token.
    fn is(&self, text: &str) -> bool {
        !self.quoted && self.text == text
    }
}

#[derive(Clone, Debug)]
struct Directive {
    name: Token,
    args: Vec<Token>,
    block: Vec<Directive>,
}

#[derive(Clone, Debug, Default)]
struct Matcher {
    paths: Vec<String>,
    /// A condition besides `path` that some request can meet (header, method, …): taken to
    /// match.
    conditional: bool,
    /// A condition on the path the reader does not evaluate (`path_regexp`, `not`,
    /// `expression`, …), as written: whether it matches is unknown.
    unevaluated: Option<String>,
}
