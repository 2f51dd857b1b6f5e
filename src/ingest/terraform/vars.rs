//! A blueprint's variables as hostwiz reads them: the values of `.tfvars` (and `.tfvars.json`)
//! files and of `default`s in `variable` blocks, each with the line that set it, and their
//! conversion to a declared type as Terraform converts them.

use super::expr::{self, Scalar};
use super::locals::{origin, Entry, Value};
use crate::ingest::{Input, ParseError};
use crate::plan::{Origin, Sourced};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Body;
use hcl_edit::Span;
use std::collections::BTreeMap;

/// A variable's value as hostwiz reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    Num(u64),
    Bool(bool),
    List(Vec<String>),
    Map(Vec<(String, Sourced<String>)>),
    /// An expression hostwiz does not evaluate (a reference, a function call, …).
    Opaque,
}

/// Variables by name, each with where its value came from.
pub type Vars = BTreeMap<String, Sourced<Val>>;

/// A string variable's value.
pub fn text(vars: &Vars, k: &str) -> Option<Sourced<String>> {
    match vars.get(k) {
        Some(Sourced {
            value: Val::Str(s),
            origin,
        }) => Some(Sourced::new(s.clone(), origin.clone())),
        _ => None,
    }
}

/// A bool variable's value, a string converting as Terraform converts it; `false` at
/// `fallback` where the variable is not set, at the variable's line where it is not a bool.
pub fn flag(vars: &Vars, k: &str, fallback: &Origin) -> Sourced<bool> {
    match vars.get(k) {
        Some(Sourced {
            value: Val::Bool(b),
            origin,
        }) => Sourced::new(*b, origin.clone()),
        Some(Sourced {
            value: Val::Str(text),
            origin,
        }) if Scalar::Str(text.clone()).boolean().is_some() => {
            let b = Scalar::Str(text.clone()).boolean().unwrap_or_default();
            Sourced::new(b, origin.clone())
        }
        Some(s) => Sourced::new(false, s.origin.clone()),
        None => Sourced::new(false, fallback.clone()),
    }
}

/// A count variable's value (a string converting as Terraform converts it); 0 where it is
/// not set or not a count.
pub fn count(vars: &Vars, k: &str, fallback: &Origin) -> (u32, Origin) {
    match vars.get(k) {
        Some(Sourced {
            value: Val::Num(n),
            origin,
        }) => (*n as u32, origin.clone()),
        Some(Sourced {
            value: Val::Str(text),
            origin,
        }) if Scalar::Str(text.clone()).count().is_some() => {
            let n = Scalar::Str(text.clone()).count().unwrap_or_default();
            (n as u32, origin.clone())
        }
        Some(s) => (0, s.origin.clone()),
        None => (0, fallback.clone()),
    }
}

/// A map variable's entries (empty where it is not a map).
pub fn map(vars: &Vars, k: &str) -> BTreeMap<String, Sourced<String>> {
    match vars.get(k) {
        Some(Sourced {
            value: Val::Map(entries),
            ..
        }) => entries
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// A variable's value for the locals, converted to its declared type as Terraform does.
pub fn to_value(v: &Val, ty: Option<&str>) -> Value {
    let scalar = |s: Scalar| match ty {
        Some("bool") => s
            .boolean()
            .map_or(Value::Scalar(s.clone()), |b| Value::Scalar(Scalar::Bool(b))),
        Some("number") => s
            .number()
            .map_or(Value::Scalar(s.clone()), |n| Value::Scalar(Scalar::Num(n))),
        Some("string") => Value::str(s.text()),
        _ => Value::Scalar(s),
    };
    match v {
        Val::Str(s) => scalar(Scalar::Str(s.clone())),
        Val::Num(n) => scalar(Scalar::Num(*n as f64)),
        Val::Bool(b) => scalar(Scalar::Bool(*b)),
        Val::List(items) => Value::List(items.iter().map(Value::str).collect()),
        Val::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, e)| {
                    let entry = Entry {
                        value: Value::str(e.value.clone()),
                        origin: e.origin.clone(),
                    };
                    (k.clone(), entry)
                })
                .collect(),
        ),
        Val::Opaque => Value::Unknown("a variable value hostwiz does not evaluate".into()),
    }
}

pub fn parse(input: &Input) -> Result<Body, ParseError> {
    hcl_edit::parser::parse_body(&input.text).map_err(|e| {
        let loc = e.location();
        input.error(
            loc.line() as u32,
            loc.column() as u32,
            format!("not valid HCL: {}", e.message()),
        )
    })
}

/// The variables a tfvars file sets, HCL or JSON by its name.
pub fn tfvars(input: &Input) -> Result<Vars, ParseError> {
    if input.path.ends_with(".json") {
        json_values(input)
    } else {
        hcl_values(input)
    }
}

fn hcl_values(input: &Input) -> Result<Vars, ParseError> {
    let body = parse(input)?;
    Ok(body
        .attributes()
        .map(|a| {
            let v = value(input, &a.value);
            (
                a.key.as_str().to_string(),
                Sourced::new(v, origin(input, a.span())),
            )
        })
        .collect())
}

fn json_values(input: &Input) -> Result<Vars, ParseError> {
    let doc = input.json()?;
    let obj = doc
        .as_object()
        .ok_or_else(|| input.error(1, 1, "expected a JSON object of variables"))?;
    let line_of = |key: &str| {
        let needle = format!("\"{key}\"");
        input
            .text
            .lines()
            .position(|l| l.contains(&needle))
            .map_or(1, |i| i as u32 + 1)
    };
    Ok(obj
        .iter()
        .map(|(k, v)| {
            let at = input.origin(line_of(k), 1);
            let val = match v {
                serde_json::Value::String(s) => Val::Str(s.clone()),
                serde_json::Value::Bool(b) => Val::Bool(*b),
                serde_json::Value::Number(n) => n.as_u64().map_or(Val::Opaque, Val::Num),
                serde_json::Value::Array(items) => Val::List(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect(),
                ),
                serde_json::Value::Object(m) => Val::Map(
                    m.iter()
                        .map(|(mk, mv)| {
                            let text = mv.as_str().map_or_else(|| mv.to_string(), str::to_string);
                            (mk.clone(), Sourced::new(text, input.origin(line_of(mk), 1)))
                        })
                        .collect(),
                ),
                serde_json::Value::Null => Val::Opaque,
            };
            (k.clone(), Sourced::new(val, at))
        })
        .collect())
}

/// The value of a tfvars attribute or a variable default.
pub fn value(input: &Input, e: &Expression) -> Val {
    match e {
        Expression::String(s) => Val::Str(s.value().clone()),
        Expression::Bool(b) => Val::Bool(*b.value()),
        Expression::Number(n) => n.value().as_u64().map_or(Val::Opaque, Val::Num),
        // Arithmetic, conditionals and conversions, as Terraform evaluates them.
        Expression::BinaryOp(_)
        | Expression::UnaryOp(_)
        | Expression::Parenthesis(_)
        | Expression::Conditional(_) => scalar(e),
        Expression::FuncCall(call)
            if ["tonumber", "tostring", "tobool"].contains(&call.name.name.as_str()) =>
        {
            scalar(e)
        }
        Expression::Array(items) => Val::List(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        ),
        // `toset([...])`, as the blueprint writes its service list.
        Expression::FuncCall(call) if call.name.name.as_str() == "toset" => call
            .args
            .iter()
            .next()
            .map_or(Val::Opaque, |a| value(input, a)),
        Expression::Object(obj) => Val::Map(
            obj.iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => x.as_str()?.to_string(),
                    };
                    let text = match v.expr() {
                        Expression::String(s) => s.value().clone(),
                        Expression::Bool(b) => b.value().to_string(),
                        Expression::Number(n) => n.value().to_string(),
                        _ => return None,
                    };
                    Some((key, Sourced::new(text, origin(input, k.span()))))
                })
                .collect(),
        ),
        _ => Val::Opaque,
    }
}

fn scalar(e: &Expression) -> Val {
    match expr::eval(e) {
        Some(Scalar::Str(s)) => Val::Str(s),
        Some(Scalar::Bool(b)) => Val::Bool(b),
        Some(n) => n.count().map_or(Val::Opaque, Val::Num),
        None => Val::Opaque,
    }
}
