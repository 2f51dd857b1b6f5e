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
use crate::plan::{Sourced, Unknown};
use std::collections::HashMap;

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

/// Matcher conditions that do not depend on the path: some request meets them.
const TAKEN_TO_MATCH: &[&str] = &[
    "header",
    "header_regexp",
    "method",
    "remote_ip",
    "client_ip",
    "protocol",
    "query",
    "host",
];

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
    parse_with(input, vars, false)
}

/// As [`parse`]; with `files`, a site's imports of other files are kept as `import`
/// directives (where Caddy's own config decides, they only locate findings).
pub fn parse_with(input: &Input, vars: &Vars, files: bool) -> Result<Caddyfile, ParseError> {
    let text = substitute(&input.text, vars);
    let budget = Budget::default();
    let tokens = lex(input, &text)?;
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        snippets: HashMap::new(),
        budget,
        files,
    };
    let mut sites = Vec::new();
    let mut named = HashMap::new();
    let mut first = true;
    let mut pasted = 0;
    while p.pos < p.tokens.len() {
        let t = p.tokens[p.pos].clone();
        if t.is("{") && first {
            p.pos += 1;
            p.block_body()?; // global options: read and ignored
        } else if t.is("import") && t.starts_line {
            // A top-level import pastes the snippet's tokens in its place, as Caddy does:
            // what it holds (sites, more snippets) is read there. It is never a site.
            pasted += 1;
            if pasted > 64 {
                return Err(input.error(
                    t.line,
                    t.column,
                    "top-level imports paste more than 64 snippets (a snippet importing itself?)",
                ));
            }
            let end = (p.pos + 1..p.tokens.len())
                .find(|&i| p.tokens[i].starts_line)
                .unwrap_or(p.tokens.len());
            let args = p.tokens[p.pos + 1..end].to_vec();
            let body = p.snippet(&t, &args)?;
            if !p.budget.spend(body.len()) {
                return Err(input.error(t.line, t.column, exceeded("snippet imports")));
            }
            p.tokens.splice(p.pos..end, body);
        } else if t.text.starts_with("&(") && t.text.ends_with(')') && t.text.len() > 3 {
            // A named route: handlers for `invoke`, never a site.
            p.pos += 1;
            p.expect_open(&t)?;
            let body = p.raw_block(&t)?;
            let dirs = directives(input, &body, &p.snippets, 0, &p.budget, p.files)?;
            named.insert(t.text[2..t.text.len() - 1].to_string(), dirs);
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
    for site in &mut sites {
        site.named = named.clone();
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
                let quoted = c == '"' || c == '`' || (c == '<' && heredoc_marker(&chars).is_some());
                if c == '<' && quoted {
                    word = heredoc(input, &mut chars, (l, col), &mut line, &mut column)?;
                } else if c == '"' || c == '`' {
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
                    quoted,
                });
                line_start = false;
            }
        }
    }
    Ok(tokens)
}

/// After a first `<`: the marker of a heredoc (`<<MARKER` then a newline), if this is one.
fn heredoc_marker(chars: &std::iter::Peekable<std::str::Chars>) -> Option<String> {
    let mut ahead = chars.clone();
    if ahead.next() != Some('<') {
        return None;
    }
    let marker: String = ahead
        .clone()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let mut after = ahead.skip(marker.chars().count());
    let newline = match after.next() {
        Some('\n') => true,
        Some('\r') => after.next() == Some('\n'),
        _ => false,
    };
    (!marker.is_empty() && newline).then_some(marker)
}

/// A heredoc's text, as Caddy reads it: the lines up to the one holding only the marker, with
/// the closing marker's indentation removed from each. Its text is never a directive.
fn heredoc(
    input: &Input,
    chars: &mut std::iter::Peekable<std::str::Chars>,
    start: (u32, u32),
    line: &mut u32,
    column: &mut u32,
) -> Result<String, ParseError> {
    let marker = heredoc_marker(chars).expect("checked by the caller");
    let rest: String = chars.by_ref().take_while(|c| *c != '\n').collect();
    debug_assert!(rest.trim_end_matches('\r').ends_with(&marker));
    let mut lines = Vec::new();
    loop {
        let Some(_) = chars.peek() else {
            return Err(input.error(
                start.0,
                start.1,
                format!("heredoc <<{marker} has no closing {marker} line"),
            ));
        };
        *line += 1;
        let raw: String = chars.clone().take_while(|c| *c != '\n').collect();
        let text = raw.trim_end_matches('\r');
        let indent = text.len() - text.trim_start().len();
        let closes = text.trim_start().strip_prefix(marker.as_str());
        if closes.is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            // The rest of the closing line is lexed as usual (`TXT 200`).
            let taken = text[..indent].chars().count() + marker.chars().count();
            chars.nth(taken - 1);
            *column = taken as u32;
            let strip = &text[..indent];
            let body: Vec<&str> = lines
                .iter()
                .map(|l: &String| l.strip_prefix(strip).unwrap_or(l))
                .collect();
            return Ok(body.join("\n"));
        }
        chars.nth(raw.chars().count()); // the line and its newline
        lines.push(text.to_string());
    }
}

struct Parser<'a> {
    input: &'a Input,
    tokens: Vec<Token>,
    pos: usize,
    snippets: HashMap<String, Vec<Token>>,
    budget: Budget,
    /// Imports of files are kept as directives (caddy reads them), not refused.
    files: bool,
}

impl Parser<'_> {
    fn expect_open(&mut self, after: &Token) -> Result<(), ParseError> {
        match self.tokens.get(self.pos) {
            Some(t) if t.is("{") => {
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
                _ if t.quoted => {}
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

    /// The tokens `import NAME ARGS…` stands for.
    fn snippet(&self, import: &Token, args: &[Token]) -> Result<Vec<Token>, ParseError> {
        snippet_tokens(self.input, &self.snippets, import, args)
    }

    fn block_body(&mut self) -> Result<Vec<Directive>, ParseError> {
        let open = self.tokens[self.pos - 1].clone();
        let body = self.raw_block(&open)?;
        directives(
            self.input,
            &body,
            &self.snippets,
            0,
            &self.budget,
            self.files,
        )
    }

    fn site(&mut self) -> Result<Site, ParseError> {
        let first = self.tokens[self.pos].clone();
        let mut addresses = Vec::new();
        while let Some(t) = self.tokens.get(self.pos) {
            if t.is("{") {
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
                    directives(
                        self.input,
                        &rest,
                        &self.snippets,
                        0,
                        &self.budget,
                        self.files,
                    )?,
                );
            }
            if t.is("}") {
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

/// Lines to directives: a directive is a line's tokens, with a block when the line ends in `{`.
fn directives(
    input: &Input,
    tokens: &[Token],
    snippets: &HashMap<String, Vec<Token>>,
    depth: usize,
    budget: &Budget,
    files: bool,
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
        if name.is("}") || name.is("{") {
            return Err(input.error(
                name.line,
                name.column,
                format!("unexpected `{}`", name.text),
            ));
        }
        i += 1;
        let mut args = Vec::new();
        while i < tokens.len() && !tokens[i].starts_line && !tokens[i].is("{") {
            args.push(tokens[i].clone());
            i += 1;
        }
        let mut block = Vec::new();
        if i < tokens.len() && tokens[i].is("{") && !tokens[i].starts_line {
            let open = tokens[i].clone();
            i += 1;
            let mut depth_here = 1;
            let start = i;
            while i < tokens.len() && depth_here > 0 {
                match tokens[i].text.as_str() {
                    _ if tokens[i].quoted => {}
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
            block = directives(
                input,
                &tokens[start..i - 1],
                snippets,
                depth + 1,
                budget,
                files,
            )?;
        }
        if name.is("import")
            && files
            && args
                .first()
                .is_some_and(|a| !snippets.contains_key(&a.text))
        {
            // An import of files, which caddy reads: kept in its place to point findings at.
            out.push(Directive { name, args, block });
        } else if name.is("import") {
            let body = snippet_tokens(input, snippets, &name, &args)?;
            // Depth alone does not bound the work: ten imports per level grow 10^depth.
            if !budget.spend(body.len()) {
                return Err(input.error(name.line, name.column, exceeded("snippet imports")));
            }
            out.extend(directives(
                input,
                &body,
                snippets,
                depth + 1,
                budget,
                files,
            )?);
        } else {
            out.push(Directive { name, args, block });
        }
    }
    Ok(out)
}

/// A snippet's tokens with `{args[n]}` replaced, starting a line.
fn snippet_tokens(
    input: &Input,
    snippets: &HashMap<String, Vec<Token>>,
    import: &Token,
    args: &[Token],
) -> Result<Vec<Token>, ParseError> {
    let Some(target) = args.first() else {
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
    let mut body = body.clone();
    for t in &mut body {
        for (n, a) in args[1..].iter().enumerate() {
            t.text = t
                .text
                .replace(&format!("{{args[{n}]}}"), &a.text)
                .replace(&format!("{{args.{n}}}"), &a.text);
        }
    }
    if let Some(t) = body.first_mut() {
        t.starts_line = true;
    }
    Ok(body)
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
            let quoted = d.args.first().is_some_and(|k| k.quoted);
            for (kind, args) in lines {
                match kind {
                    _ if quoted => {
                        m.unevaluated = Some(format!("the expression matcher @{name}"));
                    }
                    "path" => m.paths.extend(args.iter().map(|a| a.text.clone())),
                    k if k.starts_with('/') => m.paths.push(k.to_string()),
                    k if TAKEN_TO_MATCH.contains(&k) => m.conditional = true,
                    k => {
                        let args: Vec<&str> = args.iter().map(|a| a.text.as_str()).collect();
                        let written = format!("{k} {}", args.join(" "));
                        m.unevaluated = Some(format!("the matcher @{name} `{}`", written.trim()));
                    }
                }
            }
            into.insert(name.to_string(), m);
        }
        collect_matchers(&d.block, into);
    }
}

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

    /// The directive's matcher: `None` for no matcher, else its paths and conditions.
    fn matcher(&self, d: &Directive) -> Option<Matcher> {
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
