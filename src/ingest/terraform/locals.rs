//! The blueprint's `locals`, evaluated as Terraform evaluates them, with the variables' values
//! from the tfvars or the defaults: object and list literals, string templates, `var.`/`local.`
//! references and indexing, conditionals, operators and the functions in `funcs.rs`. What it
//! does not evaluate (a `for` expression, a function it does not know, a cycle) is unknown with
//! the construct as written, so the processes' env is what `locals.tf` in the repo says rather
//! than what the latest blueprint does.

use super::expr::{self, Scalar};
use super::funcs;
use crate::ingest::Input;
use crate::plan::Origin;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::Element;
use hcl_edit::Span;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// A Terraform value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Scalar(Scalar),
    List(Vec<Value>),
    /// An object or map; each entry keeps the line that set it.
    Map(BTreeMap<String, Entry>),
    /// What hostwiz does not evaluate, as written.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub value: Value,
    pub origin: Origin,
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Scalar(Scalar::Str(s.into()))
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match self {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The first unknown this value is or holds at its top level, if any.
    pub fn unknown(&self) -> Option<&str> {
        match self {
            Value::Unknown(why) => Some(why),
            _ => None,
        }
    }
}

/// Depth at which evaluation gives up: a hostile or cyclic blueprint never overflows the stack.
const MAX_DEPTH: u32 = 64;

/// The `locals` of a blueprint, evaluated on demand against the variables' values.
pub struct Locals<'a> {
    exprs: BTreeMap<String, (&'a Input, Expression)>,
    vars: BTreeMap<String, Value>,
    memo: RefCell<BTreeMap<String, Value>>,
    active: RefCell<BTreeSet<String>>,
}

impl<'a> Locals<'a> {
    pub fn new(vars: BTreeMap<String, Value>) -> Self {
        Self {
            exprs: BTreeMap::new(),
            vars,
            memo: RefCell::default(),
            active: RefCell::default(),
        }
    }

    /// Adds one `locals` attribute, as written in `input`.
    pub fn define(&mut self, input: &'a Input, name: &str, e: &Expression) {
        self.exprs.insert(name.to_string(), (input, e.clone()));
    }

    pub fn defines(&self, name: &str) -> bool {
        self.exprs.contains_key(name)
    }

    /// The value of `local.<name>`.
    pub fn local(&self, name: &str) -> Value {
        self.local_at(name, 0)
    }

    fn local_at(&self, name: &str, depth: u32) -> Value {
        if let Some(v) = self.memo.borrow().get(name) {
            return v.clone();
        }
        let Some((input, e)) = self.exprs.get(name) else {
            return Value::Unknown(format!("local.{name} (not defined)"));
        };
        if !self.active.borrow_mut().insert(name.to_string()) {
            return Value::Unknown(format!("local.{name} (refers to itself)"));
        }
        let v = self.eval(input, e, depth + 1);
        self.active.borrow_mut().remove(name);
        self.memo.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    fn eval(&self, input: &Input, e: &Expression, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return unknown(input, e);
        }
        let ev = |x: &Expression| self.eval(input, x, depth + 1);
        match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(_) | Expression::Number(_) | Expression::String(_) => {
                expr::eval(e).map_or_else(|| unknown(input, e), Value::Scalar)
            }
            Expression::StringTemplate(t) => {
                let mut out = String::new();
                for element in t.iter() {
                    match element {
                        Element::Literal(l) => out.push_str(l.value()),
                        Element::Interpolation(i) => match ev(&i.expr) {
                            Value::Scalar(s) => out.push_str(&s.text()),
                            Value::Unknown(why) => return Value::Unknown(why),
                            _ => return unknown(input, e),
                        },
                        Element::Directive(_) => return unknown(input, e),
                    }
                }
                Value::str(out)
            }
            Expression::Array(items) => {
                let items: Vec<Value> = items.iter().map(ev).collect();
                match items.iter().find_map(Value::unknown) {
                    Some(why) => Value::Unknown(why.to_string()),
                    None => Value::List(items),
                }
            }
            Expression::Object(obj) => {
                let mut map = BTreeMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => match ev(x) {
                            Value::Scalar(s) => s.text(),
                            Value::Unknown(why) => return Value::Unknown(why),
                            _ => return unknown(input, x),
                        },
                    };
                    let origin = origin(input, k.span());
                    map.insert(
                        key,
                        Entry {
                            value: ev(v.expr()),
                            origin,
                        },
                    );
                }
                Value::Map(map)
            }
            Expression::Parenthesis(p) => ev(p.inner()),
            Expression::Traversal(t) => self.traverse(input, e, t, depth),
            Expression::Conditional(c) => match ev(&c.cond_expr) {
                Value::Scalar(s) => match s.boolean() {
                    Some(true) => ev(&c.true_expr),
                    Some(false) => ev(&c.false_expr),
                    None => unknown(input, &c.cond_expr),
                },
                Value::Unknown(why) => Value::Unknown(why),
                _ => unknown(input, &c.cond_expr),
            },
            Expression::UnaryOp(op) => match ev(&op.expr) {
                Value::Scalar(v) => {
                    let out = match op.operator.value() {
                        UnaryOperator::Neg => v.number().map(|n| Scalar::Num(-n)),
                        UnaryOperator::Not => v.boolean().map(|b| Scalar::Bool(!b)),
                    };
                    out.map_or_else(|| unknown(input, e), Value::Scalar)
                }
                Value::Unknown(why) => Value::Unknown(why),
                _ => unknown(input, e),
            },
            Expression::BinaryOp(op) => {
                let (l, r) = (ev(&op.lhs_expr), ev(&op.rhs_expr));
                if let Some(why) = l.unknown().or(r.unknown()) {
                    return Value::Unknown(why.to_string());
                }
                binary(*op.operator.value(), &l, &r).unwrap_or_else(|| unknown(input, e))
            }
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                let mut args: Vec<Value> = call.args.iter().map(ev).collect();
                if call.args.expand_final() {
                    match args.pop() {
                        Some(Value::List(items)) => args.extend(items),
                        _ => return unknown(input, e),
                    }
                }
                if let Some(why) = args.iter().find_map(Value::unknown) {
                    return Value::Unknown(why.to_string());
                }
                funcs::call(call.name.name.as_str(), args).unwrap_or_else(|| unknown(input, e))
            }
            _ => unknown(input, e),
        }
    }

    fn traverse(
        &self,
        input: &Input,
        e: &Expression,
        t: &hcl_edit::expr::Traversal,
        depth: u32,
    ) -> Value {
        let Expression::Variable(root) = &t.expr else {
            return unknown(input, e);
        };
        let mut ops = t.operators.iter().map(|o| o.value());
        let Some(TraversalOperator::GetAttr(name)) = ops.next() else {
            return unknown(input, e);
        };
        let mut v = match root.as_str() {
            "var" => match self.vars.get(name.as_str()) {
                Some(v) => v.clone(),
                None => return unknown(input, e),
            },
            "local" => self.local_at(name.as_str(), depth + 1),
            _ => return unknown(input, e),
        };
        for op in ops {
            let key = match op {
                TraversalOperator::GetAttr(k) => Value::str(k.as_str()),
                TraversalOperator::Index(x) => self.eval(input, x, depth + 1),
                TraversalOperator::LegacyIndex(i) => Value::Scalar(Scalar::Num(*i.value() as f64)),
                _ => return unknown(input, e),
            };
            v = match (v, key) {
                (Value::Unknown(why), _) | (_, Value::Unknown(why)) => return Value::Unknown(why),
                (Value::Map(mut m), Value::Scalar(k)) => match m.remove(&k.text()) {
                    Some(entry) => entry.value,
                    None => return unknown(input, e),
                },
                (Value::List(items), Value::Scalar(k)) => {
                    match k.count().and_then(|i| items.into_iter().nth(i as usize)) {
                        Some(item) => item,
                        None => return unknown(input, e),
                    }
                }
                _ => return unknown(input, e),
            };
        }
        v
    }
}

/// Operators on values: scalars as `expr` computes them; `==`/`!=` compare any two values by
/// type and content, as Terraform does.
fn binary(op: hcl_edit::expr::BinaryOperator, l: &Value, r: &Value) -> Option<Value> {
    use hcl_edit::expr::BinaryOperator::{Eq, NotEq};
    match (op, l, r) {
        (Eq, _, _) => Some(Value::Scalar(Scalar::Bool(same(l, r)))),
        (NotEq, _, _) => Some(Value::Scalar(Scalar::Bool(!same(l, r)))),
        (_, Value::Scalar(a), Value::Scalar(b)) => expr::binary(op, a, b).map(Value::Scalar),
        _ => None,
    }
}

fn same(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, ea), (kb, eb))| ka == kb && same(&ea.value, &eb.value))
        }
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        _ => l == r,
    }
}

fn unknown(input: &Input, e: &Expression) -> Value {
    let text = e
        .span()
        .and_then(|s| input.text.get(s))
        .unwrap_or("an expression");
    let mut text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 60 {
        text = text.chars().take(57).collect::<String>() + "...";
    }
    Value::Unknown(text)
}

pub fn origin(input: &Input, span: Option<std::ops::Range<usize>>) -> Origin {
    let offset = span.map_or(0, |s| s.start).min(input.text.len());
    let before = input.text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    input.origin(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(vars: &[(&str, Value)], locals: &str, name: &str) -> Value {
        let input = Input::new("locals.tf", format!("locals {{\n{locals}\n}}\n"));
        let body = hcl_edit::parser::parse_body(&input.text).unwrap();
        let vars = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let mut l = Locals::new(vars);
        for block in body.blocks() {
            for a in block.body.attributes() {
                l.define(&input, a.key.as_str(), &a.value);
            }
        }
        l.local(name)
    }

    fn text(v: &Value) -> String {
        v.scalar()
            .map(Scalar::text)
            .unwrap_or_else(|| format!("{v:?}"))
    }

    #[test]
    fn references_templates_and_conditionals() {
        let v = local(
            &[("env", Value::str("prod")), ("on", Value::str("true"))],
            "a = \"${var.env}-x\"\nb = var.on ? local.a : \"no\"\nc = local.c\n",
            "b",
        );
        assert_eq!(text(&v), "prod-x");
        let c = local(&[], "c = local.c\n", "c");
        assert!(matches!(c, Value::Unknown(w) if w.contains("itself")));
    }

    #[test]
    fn merge_keeps_each_entry_line() {
        let v = local(
            &[("w", Value::Scalar(Scalar::Bool(true)))],
            "m = merge({ A = \"1\" }, var.w ? {\n  A = \"2\"\n} : {})\n",
            "m",
        );
        let Value::Map(m) = v else { panic!("{v:?}") };
        assert_eq!(text(&m["A"].value), "2");
        assert_eq!(m["A"].origin, Input::new("locals.tf", "").origin(3, 3));
    }

    #[test]
    fn what_is_not_evaluated_is_unknown_with_the_construct() {
        let v = local(&[], "l = [for x in [1] : x]\n", "l");
        assert_eq!(v, Value::Unknown("[for x in [1] : x]".into()));
        let v = local(&[], "m = merge({ A = \"1\" }, nosuch(1))\n", "m");
        assert_eq!(v, Value::Unknown("nosuch(1)".into()));
    }
}
