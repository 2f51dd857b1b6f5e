//! Tokens to sites and directives: global options, snippets and their imports, named routes,
//! site blocks, and the named matchers of each site.

use super::lexer::{lex, substitute};
use super::sites::build_site;
use super::{Caddyfile, Directive, Matcher, Site, Token};
use crate::ingest::budget::{exceeded, Budget};
use crate::ingest::{Input, ParseError, Vars};
use std::cell::RefCell;
use std::collections::HashMap;

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
        sizes: RefCell::default(),
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
            let dirs = directives(input, &body, &p.snippets, &p.sizes, 0, &p.budget, p.files)?;
            named.insert(t.text[2..t.text.len() - 1].to_string(), dirs);
        } else if t.text.starts_with('(') && t.text.ends_with(')') && t.text.len() > 2 {
            p.pos += 1;
            p.expect_open(&t)?;
            let body = p.raw_block(&t)?;
            p.snippets
                .insert(t.text[1..t.text.len() - 1].to_string(), body);
            // A snippet defined again changes what the ones importing it paste.
            p.sizes.borrow_mut().clear();
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

struct Parser<'a> {
    input: &'a Input,
    tokens: Vec<Token>,
    pos: usize,
    snippets: HashMap<String, Vec<Token>>,
    /// What importing each snippet pastes, in tokens (`expanded_len`).
    sizes: Sizes,
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
            &self.sizes,
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
                        &self.sizes,
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

/// Lines to directives: a directive is a line's tokens, with a block when the line ends in `{`.
fn directives(
    input: &Input,
    tokens: &[Token],
    snippets: &HashMap<String, Vec<Token>>,
    sizes: &Sizes,
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
                sizes,
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
            // Depth alone does not bound the work: ten imports per level grow 10^depth. What
            // the import pastes, nested imports included, is paid for before any of it is
            // built, so a bomb costs the size of its text, not of the budget.
            let pasted = expanded_len(snippets, sizes, &args[0].text, 0).max(body.len());
            if !budget.spend(pasted) {
                return Err(input.error(name.line, name.column, exceeded("snippet imports")));
            }
            out.extend(directives(
                input,
                &body,
                snippets,
                sizes,
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

type Sizes = RefCell<HashMap<String, usize>>;

/// How many tokens importing snippet `name` pastes, its nested imports included (saturating;
/// at least what is built, since an import line's own tokens count too). Remembered in `sizes`
/// per snippet, so each is counted once however often it is imported.
fn expanded_len(
    snippets: &HashMap<String, Vec<Token>>,
    sizes: &Sizes,
    name: &str,
    depth: usize,
) -> usize {
    if let Some(&n) = sizes.borrow().get(name) {
        return n;
    }
    // Deeper than `directives` allows is its error to report; a cycle stops here.
    let Some(body) = snippets.get(name).filter(|_| depth <= 16) else {
        return 0;
    };
    let mut n = body.len();
    for (i, t) in body.iter().enumerate() {
        let line_start = i == 0 || t.starts_line;
        if line_start && t.is("import") && !t.quoted {
            if let Some(target) = body.get(i + 1).filter(|a| !a.starts_line) {
                n = n.saturating_add(expanded_len(snippets, sizes, &target.text, depth + 1));
            }
        }
    }
    sizes.borrow_mut().insert(name.to_string(), n);
    n
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

pub(super) fn collect_matchers(dirs: &[Directive], into: &mut HashMap<String, Matcher>) {
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
