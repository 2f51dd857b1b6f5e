//! A Terraform blueprint as the cloud hosts read it: the `variable` blocks' defaults and types
//! of its `.tf` files, `.tfvars` layered over them in order, and its `locals` evaluated with
//! the result (`locals.rs`, with the expressions of `expr.rs` and the functions of
//! `funcs.rs`). What a variable or a local means for a deployment is the host's.

pub mod expr;
mod funcs;
pub mod locals;
pub mod vars;

pub use expr::Scalar;
pub use locals::{Entry, Locals, Value};
pub use vars::{Val, Vars};

use crate::ingest::{Input, ParseError};
use crate::plan::{Origin, Setting, Sourced, Unknown};
use hcl_edit::expr::Expression;
use hcl_edit::Span;
use std::collections::BTreeMap;

/// A blueprint's variables with the tfvars applied, and its locals as written.
pub struct Blueprint<'a> {
    /// Each variable's value: a tfvars entry, else its `default`, else the host's documented
    /// default it was read over.
    pub vars: Vars,
    types: BTreeMap<String, String>,
    locals_at: BTreeMap<String, Origin>,
    local_exprs: Vec<(&'a Input, String, Expression)>,
}

impl<'a> Blueprint<'a> {
    /// The `.tf` files' variable defaults over `documented` (what the host knows of the
    /// blueprint when no `.tf` file is given), then each tfvars file in order.
    pub fn read(documented: Vars, tf: &'a [Input], tfvars: &[Input]) -> Result<Self, ParseError> {
        let mut b = Blueprint {
            vars: documented,
            types: BTreeMap::new(),
            locals_at: BTreeMap::new(),
            local_exprs: Vec::new(),
        };
        for input in tf {
            let body = vars::parse(input)?;
            for block in body.blocks() {
                match (block.ident.as_str(), block.labels.first()) {
                    ("variable", Some(label)) => {
                        if let Some(Expression::Variable(t)) =
                            block.body.get_attribute("type").map(|a| &a.value)
                        {
                            b.types
                                .insert(label.as_str().to_string(), t.as_str().to_string());
                        }
                        if let Some(default) = block.body.get_attribute("default") {
                            let v = vars::value(input, &default.value);
                            b.vars.insert(
                                label.as_str().to_string(),
                                Sourced::new(v, locals::origin(input, default.span())),
                            );
                        }
                    }
                    ("locals", _) => {
                        for a in block.body.attributes() {
                            let name = a.key.as_str().to_string();
                            b.locals_at
                                .insert(name.clone(), locals::origin(input, a.span()));
                            b.local_exprs.push((input, name, a.value.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        for input in tfvars {
            b.vars.extend(vars::tfvars(input)?);
        }
        Ok(b)
    }

    /// A local as written (the last definition), with its file.
    pub fn local_expr(&self, name: &str) -> Option<(&'a Input, &Expression)> {
        self.local_exprs
            .iter()
            .rev()
            .find(|(_, n, _)| n == name)
            .map(|(input, _, e)| (*input, e))
    }

    /// Where a local is defined, or `fallback`.
    pub fn local_at(&self, name: &str, fallback: &Origin) -> Origin {
        self.locals_at
            .get(name)
            .cloned()
            .unwrap_or_else(|| fallback.clone())
    }

    /// The locals, ready to evaluate against the variables converted to their declared types.
    pub fn locals(&self) -> Locals<'a> {
        let mut locals = Locals::new(
            self.vars
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        vars::to_value(&v.value, self.types.get(k).map(String::as_str)),
                    )
                })
                .collect(),
        );
        for (input, name, e) in &self.local_exprs {
            locals.define(input, name, e);
        }
        locals
    }
}

/// One process's env as a local map evaluates: the known entries and, when the whole map is
/// not evaluated, why.
#[derive(Default)]
pub struct Env {
    pub vars: BTreeMap<String, Sourced<Setting>>,
    pub unread: Vec<Sourced<Unknown>>,
}

/// The env `local.<name>` gives; `at` is where the local is defined.
pub fn env(locals: &Locals, name: &str, at: Origin) -> Env {
    match locals.local(name) {
        Value::Map(m) => Env {
            vars: m
                .into_iter()
                .filter_map(|(k, e)| {
                    let setting = match e.value {
                        Value::Null => return None,
                        Value::Scalar(s) => Setting::Known(s.text()),
                        Value::Unknown(why) => Setting::Unknown(Unknown::Expression(why)),
                        _ => Setting::Unknown(Unknown::Expression(format!("{k} (not a string)"))),
                    };
                    Some((k, Sourced::new(setting, e.origin)))
                })
                .collect(),
            unread: Vec::new(),
        },
        Value::Unknown(why) => Env {
            vars: BTreeMap::new(),
            unread: vec![Sourced::new(Unknown::Expression(why), at)],
        },
        _ => Env {
            vars: BTreeMap::new(),
            unread: vec![Sourced::new(
                Unknown::Expression(format!("local.{name} (not a map)")),
                at,
            )],
        },
    }
}
