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

use super::budget::{exceeded, Budget};
use super::{Input, ParseError, Vars};
use crate::plan::Sourced;
use std::collections::HashMap;

pub struct Caddyfile {
    pub sites: Vec<Site>,
}

pub struct Site {
    pub hosts: Vec<Sourced<String>>,
    directives: Vec<Directive>,
    matchers: HashMap<String, Matcher>,
}

#[derive(Clone, Debug)]
struct Token {
    text: String,
    line: u32,
    column: u32,
    /// The first token of a line (directives start lines).
    starts_line: bool,
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
    /// Any matcher besides `path` (header, method, not, expression, …): taken to match.
    conditional: bool,
}

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

pub fn parse(input: &Input, vars: &Vars) -> Result<Caddyfile, ParseError> {
    let text = substitute(&input.text, vars);
    let budget = Budget::default();
    let tokens = top_level_imports(input, lex(input, &text)?, &budget)?;
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        snippets: HashMap::new(),
        budget,
    };
    let mut sites = Vec::new();
    let mut first = true;
    while p.pos < p.tokens.len() {
        let t = p.tokens[p.pos].clone();
        if t.text == "{" && first {
            p.pos += 1;
            p.block_body()?; // global options: read and ignored
        } else if t.text.starts_with('(') && t.text.ends_with(')') && t.text.len() > 2 {
            p.pos += 1;
            p.expect_open(&t)?;
            let body = p.raw_block(&t)?;
            p.snippets
                .insert(t.text[1..t.text.len() - 1].to_string(), body);
        } else {
            sites.push(p.site()?);
        }
        first = false;
    }
    if sites.is_empty() {
        return Err(input.error(
            1,
            1,
            "expected at least one site block such as `app.example.com { … }`",
        ));
    }
    Ok(Caddyfile { sites })
}

/// `{$VAR}` and `{$VAR:default}` as Caddy replaces them before lexing; an unknown variable
/// without a default stays as written, so findings can name it.
fn substitute(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{$") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if !after[..end].contains(['\n', '{']) => {
                let inner = &after[..end];
                let (name, default) = match inner.split_once(':') {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                };
                match (vars.get(name), default) {
                    (Some(v), _) => out.push_str(&v.value),
                    (None, Some(d)) => out.push_str(d),
                    (None, None) => out.push_str(&rest[start..start + 3 + end]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("{$");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn lex(input: &Input, text: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1u32, 0u32);
    let mut line_start = true;
    while let Some(c) = chars.next() {
        column += 1;
        match c {
            '\n' => {
                line += 1;
                column = 0;
                line_start = true;
            }
            c if c.is_whitespace() => {}
            '\\' if chars.peek() == Some(&'\n') => {} // continuation: the newline is eaten next
            '#' => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            _ => {
                let (l, col) = (line, column);
                let mut word = String::new();
                if c == '"' || c == '`' {
                    let mut closed = false;
                    while let Some(n) = chars.next() {
                        column += 1;
                        if n == '\n' {
                            line += 1;
                            column = 0;
                        }
                        if n == '\\'
                            && c == '"'
                            && chars.peek().is_some_and(|&p| p == '"' || p == '\\')
                        {
                            word.push(chars.next().expect("peeked"));
                            column += 1;
                        } else if n == c {
                            closed = true;
                            break;
                        } else {
                            word.push(n);
                        }
                    }
                    if !closed {
                        return Err(input.error(
                            l,
                            col,
                            format!("unterminated {c}quoted{c} token"),
                        ));
                    }
                } else {
                    word.push(c);
                    while let Some(&n) = chars.peek() {
                        if n.is_whitespace() {
                            break;
                        }
                        word.push(n);
                        chars.next();
                        column += 1;
                    }
                }
                tokens.push(Token {
                    text: word,
                    line: l,
                    column: col,
                    starts_line: line_start,
                });
                line_start = false;
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    input: &'a Input,
    tokens: Vec<Token>,
    pos: usize,
    snippets: HashMap<String, Vec<Token>>,
    budget: Budget,
}

impl Parser<'_> {
    fn expect_open(&mut self, after: &Token) -> Result<(), ParseError> {
        match self.tokens.get(self.pos) {
            Some(t) if t.text == "{" => {
                self.pos += 1;
                Ok(())
            }
            _ => Err(self.input.error(
                after.line,
                after.column,
                format!("expected `{{` after {}", after.text),
            )),
        }
    }

    /// The tokens of a block up to its matching `}`, which is consumed.
    fn raw_block(&mut self, opener: &Token) -> Result<Vec<Token>, ParseError> {
        let mut depth = 1;
        let start = self.pos;
        while let Some(t) = self.tokens.get(self.pos) {
            self.pos += 1;
            match t.text.as_str() {
                "{" => depth += 1,
                "}" => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(self.tokens[start..self.pos - 1].to_vec());
                    }
                }
                _ => {}
            }
        }
        Err(self.input.error(
            opener.line,
            opener.column,
            "unclosed `{`: expected a matching `}`",
        ))
    }

    fn block_body(&mut self) -> Result<Vec<Directive>, ParseError> {
        let open = self.tokens[self.pos - 1].clone();
        let body = self.raw_block(&open)?;
        directives(self.input, &body, &self.snippets, 0, &self.budget)
    }

    fn site(&mut self) -> Result<Site, ParseError> {
        let first = self.tokens[self.pos].clone();
        let mut addresses = Vec::new();
        while let Some(t) = self.tokens.get(self.pos) {
            if t.text == "{" {
                break;
            }
            if !addresses.is_empty()
                && t.starts_line
                && !addresses
                    .last()
                    .is_some_and(|a: &Token| a.text.ends_with(','))
            {
                // A single site without braces: its directives follow at the top level.
                let rest: Vec<Token> = self.tokens[self.pos..].to_vec();
                self.pos = self.tokens.len();
                return build_site(
                    self.input,
                    addresses,
                    directives(self.input, &rest, &self.snippets, 0, &self.budget)?,
                );
            }
            if t.text == "}" {
                return Err(self
                    .input
                    .error(t.line, t.column, "unexpected `}` outside a block"));
            }
            addresses.push(t.clone());
            self.pos += 1;
        }
        if self.pos >= self.tokens.len() {
            if addresses.len() == 1 {
                return build_site(self.input, addresses, Vec::new());
            }
            return Err(self.input.error(
                first.line,
                first.column,
                "expected `{` to open the site block",
            ));
        }
        self.pos += 1;
        let body = self.block_body()?;
        build_site(self.input, addresses, body)
    }
}

fn build_site(
    input: &Input,
    addresses: Vec<Token>,
    directives: Vec<Directive>,
) -> Result<Site, ParseError> {
    let mut hosts = Vec::new();
    for t in &addresses {
        for a in t.text.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            hosts.push(Sourced::new(host_of(a), input.origin(t.line, t.column)));
        }
    }
    let mut matchers = HashMap::new();
    collect_matchers(&directives, &mut matchers);
    Ok(Site {
        hosts,
        directives,
        matchers,
    })
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

/// The tokens with each top-level `import` replaced by its snippet's tokens, as Caddy pastes
/// them (site blocks, usually), instead of `import` being read as a site's address. One pass,
/// writing each token once: snippets pasted inside snippets nest at most 16 deep and spend the
/// expansion budget, so a snippet that imports itself ends with an error, not a hang.
fn top_level_imports(
    input: &Input,
    tokens: Vec<Token>,
    budget: &Budget,
) -> Result<Vec<Token>, ParseError> {
    if !tokens.iter().any(|t| t.text == "import") {
        return Ok(tokens);
    }
    let mut snippets: HashMap<String, Vec<Token>> = HashMap::new();
    let mut out = Vec::with_capacity(tokens.len());
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if depth == 0 && t.starts_line && t.text == "import" {
            let end = line_end(&tokens, i);
            paste(input, &snippets, &tokens[i..end], &mut out, budget, 0)?;
            i = end;
            continue;
        }
        let snippet = t.text.len() > 2 && t.text.starts_with('(') && t.text.ends_with(')');
        if depth == 0 && snippet && tokens.get(i + 1).is_some_and(|n| n.text == "{") {
            if let Some(close) = matching_close(&tokens, i + 1) {
                let name = t.text[1..t.text.len() - 1].to_string();
                snippets.insert(name, tokens[i + 2..close].to_vec());
                out.extend_from_slice(&tokens[i..=close]);
                i = close + 1;
                continue;
            }
        }
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(t.clone());
        i += 1;
    }
    Ok(out)
}

/// The index after the last token of the line that starts at `i`.
fn line_end(tokens: &[Token], i: usize) -> usize {
    let mut end = i + 1;
    while tokens.get(end).is_some_and(|t| !t.starts_line) {
        end += 1;
    }
    end
}

/// The index of the `}` that closes the `{` at `open`.
fn matching_close(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// Writes the snippet an `import` line names to `out`, pasting the imports at its own top level.
fn paste(
    input: &Input,
    snippets: &HashMap<String, Vec<Token>>,
    line: &[Token],
    out: &mut Vec<Token>,
    budget: &Budget,
    level: usize,
) -> Result<(), ParseError> {
    let import = &line[0];
    if level > 16 {
        return Err(input.error(
            import.line,
            import.column,
            "imports nest more than 16 deep (a snippet importing itself?)",
        ));
    }
    let Some(target) = line.get(1) else {
        return Err(input.error(import.line, import.column, "import needs a snippet name"));
    };
    let Some(body) = snippets.get(&target.text) else {
        return Err(input.error(
            target.line,
            target.column,
            format!(
                "no snippet named ({}) before this import; imports of other files are not read",
                target.text
            ),
        ));
    };
    if !budget.spend(body.len()) {
        return Err(input.error(import.line, import.column, exceeded("snippet imports")));
    }
    let body = with_args(body, &line[2..]);
    let mut depth = 0usize;
    let mut j = 0;
    while j < body.len() {
        let t = &body[j];
        if depth == 0 && t.starts_line && t.text == "import" {
            let end = line_end(&body, j);
            paste(input, snippets, &body[j..end], out, budget, level + 1)?;
            j = end;
            continue;
        }
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => depth = depth.saturating_sub(1),
            _ => {}
        }
        out.push(t.clone());
        j += 1;
    }
    Ok(())
}

/// A snippet's tokens with `{args[n]}` / `{args.n}` replaced, starting a line.
fn with_args(body: &[Token], args: &[Token]) -> Vec<Token> {
    let mut body = body.to_vec();
    for t in &mut body {
        for (n, a) in args.iter().enumerate() {
            t.text = t
                .text
                .replace(&format!("{{args[{n}]}}"), &a.text)
                .replace(&format!("{{args.{n}}}"), &a.text);
        }
    }
    if let Some(t) = body.first_mut() {
        t.starts_line = true;
    }
    body
}

/// Lines to directives: a directive is a line's tokens, with a block when the line ends in `{`.
fn directives(
    input: &Input,
    tokens: &[Token],
    snippets: &HashMap<String, Vec<Token>>,
    depth: usize,
    budget: &Budget,
) -> Result<Vec<Directive>, ParseError> {
    if depth > 16 {
        let t = tokens.first().map_or((1, 1), |t| (t.line, t.column));
        return Err(input.error(
            t.0,
            t.1,
            "imports nest more than 16 deep (a snippet importing itself?)",
        ));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let name = tokens[i].clone();
        if name.text == "}" || name.text == "{" {
            return Err(input.error(
                name.line,
                name.column,
                format!("unexpected `{}`", name.text),
            ));
        }
        i += 1;
        let mut args = Vec::new();
        while i < tokens.len() && !tokens[i].starts_line && tokens[i].text != "{" {
            args.push(tokens[i].clone());
            i += 1;
        }
        let mut block = Vec::new();
        if i < tokens.len() && tokens[i].text == "{" && !tokens[i].starts_line {
            let open = tokens[i].clone();
            i += 1;
            let mut depth_here = 1;
            let start = i;
            while i < tokens.len() && depth_here > 0 {
                match tokens[i].text.as_str() {
                    "{" => depth_here += 1,
                    "}" => depth_here -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth_here > 0 {
                return Err(input.error(
                    open.line,
                    open.column,
                    "unclosed `{`: expected a matching `}`",
                ));
            }
            block = directives(input, &tokens[start..i - 1], snippets, depth + 1, budget)?;
        }
        if name.text == "import" {
            let Some(target) = args.first() else {
                return Err(input.error(name.line, name.column, "import needs a snippet name"));
            };
            let Some(body) = snippets.get(&target.text) else {
                return Err(input.error(
                    target.line,
                    target.column,
                    format!("no snippet named ({}) before this import; imports of other files are not read", target.text),
                ));
            };
            // Depth alone does not bound the work: ten imports per level grow 10^depth.
            if !budget.spend(body.len()) {
                return Err(input.error(name.line, name.column, exceeded("snippet imports")));
            }
            let body = with_args(body, &args[1..]);
            out.extend(directives(input, &body, snippets, depth + 1, budget)?);
        } else {
            out.push(Directive { name, args, block });
        }
    }
    Ok(out)
}

fn collect_matchers(dirs: &[Directive], into: &mut HashMap<String, Matcher>) {
    for d in dirs {
        if let Some(name) = d.name.text.strip_prefix('@') {
            let mut m = Matcher::default();
            let mut lines: Vec<(&str, &[Token])> = Vec::new();
            if let Some(kind) = d.args.first() {
                lines.push((kind.text.as_str(), &d.args[1..]));
            }
            for sub in &d.block {
                lines.push((sub.name.text.as_str(), &sub.args));
            }
            for (kind, args) in lines {
                match kind {
                    "path" => m.paths.extend(args.iter().map(|a| a.text.clone())),
                    k if k.starts_with('/') => m.paths.push(k.to_string()),
                    _ => m.conditional = true,
                }
            }
            into.insert(name.to_string(), m);
        }
        collect_matchers(&d.block, into);
    }
}

/// What a request ends in.
enum Outcome {
    Proxied(Sourced<String>),
    Responded,
    Continue,
}

impl Site {
    pub fn upstream(&self, path: &str) -> Option<Sourced<String>> {
        match self.eval(&self.directives, path, true) {
            Outcome::Proxied(u) => Some(u),
            _ => None,
        }
    }

    pub fn path_prefixes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .matchers
            .values()
            .flat_map(|m| m.paths.iter().cloned())
            .chain(inline_paths(&self.directives))
            .filter(|p| p.starts_with('/'))
            .map(|p| p.trim_end_matches('*').to_string())
            .filter(|p| !p.is_empty())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The directive's matcher: `None` for no matcher, else its paths and whether it has
    /// conditions beyond them.
    fn matcher(&self, d: &Directive) -> Option<Matcher> {
        let first = d.args.first()?;
        if first.text == "*" {
            return None;
        }
        if first.text.starts_with('/') {
            return Some(Matcher {
                paths: vec![first.text.clone()],
                conditional: false,
            });
        }
        let name = first.text.strip_prefix('@')?;
        Some(self.matchers.get(name).cloned().unwrap_or(Matcher {
            paths: Vec::new(),
            conditional: true,
        }))
    }

    fn matches(&self, d: &Directive, path: &str) -> bool {
        match self.matcher(d) {
            None => true,
            Some(m) => {
                (m.paths.is_empty() && m.conditional)
                    || m.paths.iter().any(|p| path_matches(p, path))
            }
        }
    }

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
            .filter(|m| !m.conditional)
            .and_then(|m| m.paths.first())
            .map_or(0, String::len);
        (order, std::cmp::Reverse(path_len), m.is_none())
    }

    fn eval(&self, dirs: &[Directive], path: &str, sort: bool) -> Outcome {
        let mut order: Vec<&Directive> = dirs
            .iter()
            .filter(|d| !d.name.text.starts_with('@'))
            .collect();
        if sort {
            order.sort_by_key(|d| self.sort_key(d));
        }
        let mut handled = false;
        for d in order {
            let name = d.name.text.as_str();
            if !self.matches(d, path) {
                continue;
            }
            let outcome = match name {
                "handle" | "handle_path" => {
                    if handled {
                        continue;
                    }
                    handled = true;
                    let inner = if name == "handle_path" {
                        strip_prefix(self.matcher(d), path)
                    } else {
                        path.to_string()
                    };
                    self.eval(&d.block, &inner, true)
                }
                "route" => self.eval(&d.block, path, false),
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
                        Some(t) => {
                            Outcome::Proxied(Sourced::new(t.text.clone(), self.origin_of(&d.name)))
                        }
                        None => Outcome::Responded,
                    }
                }
                n if RESPONDERS.contains(&n) => Outcome::Responded,
                _ => Outcome::Continue,
            };
            if !matches!(outcome, Outcome::Continue) {
                return outcome;
            }
        }
        Outcome::Continue
    }

    fn origin_of(&self, t: &Token) -> crate::plan::Origin {
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

fn strip_prefix(m: Option<Matcher>, path: &str) -> String {
    let prefix = m.and_then(|m| m.paths.first().cloned()).unwrap_or_default();
    let prefix = prefix.trim_end_matches('*').trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        Some(_) => "/".to_string(),
        None => path.to_string(),
    }
}

/// Caddy's path matching: case-insensitive; `*` alone matches all; a trailing `*` is a
/// prefix, a leading `*` a suffix; otherwise exact, with inner `*` matching within a segment.
fn path_matches(pattern: &str, path: &str) -> bool {
    let (p, s) = (pattern.to_ascii_lowercase(), path.to_ascii_lowercase());
    if p == "*" {
        return true;
    }
    if let Some(prefix) = p.strip_suffix('*') {
        if !prefix.contains('*') {
            return s.starts_with(prefix);
        }
    }
    if let Some(suffix) = p.strip_prefix('*') {
        if !suffix.contains('*') {
            return s.ends_with(suffix);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Origin;

    fn site(text: &str) -> Site {
        let vars = Vars(std::collections::BTreeMap::from([(
            "APP_HOST".to_string(),
            Sourced::new("app.example.com".to_string(), Origin::Default("test")),
        )]));
        parse(&Input::new("Caddyfile", text), &vars)
            .unwrap()
            .sites
            .remove(0)
    }

    fn dial(s: &Site, path: &str) -> Option<String> {
        s.upstream(path).map(|u| u.value)
    }

    #[test]
    fn the_starters_form() {
        let s = site("{$APP_HOST} {\n\t@api path /api* /api/* /api\n\thandle @api {\n\t\treverse_proxy web:3000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n");
        assert_eq!(s.hosts[0].value, "app.example.com");
        assert_eq!(dial(&s, "/api/x").as_deref(), Some("web:3000"));
        assert_eq!(
            s.upstream("/api").unwrap().origin,
            Origin::File {
                path: "Caddyfile".into(),
                line: 4,
                column: 3
            }
        );
    }

    #[test]
    fn handle_sorts_before_reverse_proxy() {
        // The catch-all handle runs first: the inline /api proxy below never sees a request.
        let s = site("a.example.com {\n\treverse_proxy /api/* api:8000\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n");
        assert_eq!(dial(&s, "/api/x").as_deref(), Some("web:3000"));
        let s =
            site("a.example.com {\n\treverse_proxy web:3000\n\treverse_proxy /api/* api:8000\n}\n");
        assert_eq!(dial(&s, "/api/x").as_deref(), Some("api:8000"));
        assert_eq!(dial(&s, "/").as_deref(), Some("web:3000"));
    }

    #[test]
    fn snippets_placeholders_and_unresolved_hosts() {
        let s = site("(p) {\n\treverse_proxy {args[0]}\n}\n{$API_HOST}, {$X:b.example.com}:443 {\n\timport p api:8000\n}\n");
        assert_eq!(s.hosts[0].value, "{$API_HOST}");
        assert_eq!(s.hosts[1].value, "b.example.com");
        assert_eq!(dial(&s, "/").as_deref(), Some("api:8000"));
    }

    #[test]
    fn errors_have_positions() {
        let e = parse(
            &Input::new("C", "a.example.com {\n\treverse_proxy web:3000\n"),
            &Vars::default(),
        )
        .err()
        .unwrap();
        assert_eq!((e.line, e.column), (1, 15));
        assert!(parse(&Input::new("C", "# only a comment\n"), &Vars::default()).is_err());
        assert!(parse(
            &Input::new("C", "a.example.com {\n\timport nope\n}\n"),
            &Vars::default()
        )
        .is_err());
    }

    #[test]
    fn path_patterns() {
        assert!(path_matches("/api/*", "/api/x"));
        assert!(!path_matches("/api/*", "/api"));
        assert!(path_matches("/api*", "/apix"));
        assert!(path_matches("*.php", "/a/b.php"));
        assert!(path_matches("/a/*/c", "/a/b/c"));
        assert!(!path_matches("/a/*/c", "/a/b/x/c"));
        assert!(path_matches("/a*b*c", "/axxbyyc"));
        assert!(!path_matches("/a*b*c", "/axxbyy/c"));
        assert!(path_matches("/a**x", "/ax"));
        // Exponential for the old search: each star tried every split of the rest.
        let stars = format!("/a{}b", "*".repeat(80));
        assert!(!path_matches(&stars, &format!("/{}", "a".repeat(200))));
        assert!(path_matches(&stars, &format!("/{}b", "a".repeat(200))));
    }
}
