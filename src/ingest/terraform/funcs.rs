//! The Terraform functions the blueprint's locals use, on known values, as Terraform defines
//! them. `None` for a function hostwiz does not know or arguments Terraform would reject: the
//! caller makes the call unknown.

use super::expr::Scalar;
use super::locals::Value;
use std::collections::BTreeMap;

pub fn call(name: &str, args: Vec<Value>) -> Option<Value> {
    let s = |i: usize| args.get(i).and_then(Value::scalar).map(Scalar::text);
    match (name, args.len()) {
        ("merge", _) => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Map(m) => out.extend(m),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Some(Value::Map(out))
        }
        ("concat", _) => {
            let mut out = Vec::new();
            for a in args {
                match a {
                    Value::List(items) => out.extend(items),
                    _ => return None,
                }
            }
            Some(Value::List(out))
        }
        ("toset", 1) => {
            let Value::List(items) = &args[0] else {
                return None;
            };
            // A set of strings is ordered lexically and holds each element once.
            let mut texts: Vec<String> = items
                .iter()
                .map(|v| v.scalar().map(Scalar::text))
                .collect::<Option<_>>()?;
            texts.sort();
            texts.dedup();
            Some(Value::List(texts.into_iter().map(Value::str).collect()))
        }
        ("tolist", 1) => matches!(args[0], Value::List(_)).then(|| args[0].clone()),
        ("tomap", 1) => matches!(args[0], Value::Map(_)).then(|| args[0].clone()),
        ("tostring", 1) | ("tonumber", 1) | ("tobool", 1) if args[0] == Value::Null => {
            Some(Value::Null)
        }
        ("tostring", 1) => s(0).map(Value::str),
        ("tonumber", 1) => scalar(&args[0])?
            .number()
            .map(|n| Value::Scalar(Scalar::Num(n))),
        ("tobool", 1) => scalar(&args[0])?
            .boolean()
            .map(|b| Value::Scalar(Scalar::Bool(b))),
        ("trimspace", 1) => s(0).map(|t| Value::str(t.trim())),
        ("lower", 1) => s(0).map(|t| Value::str(t.to_lowercase())),
        ("upper", 1) => s(0).map(|t| Value::str(t.to_uppercase())),
        // A substring in slashes is a regular expression: not evaluated.
        ("replace", 3) => {
            let (t, from, to) = (s(0)?, s(1)?, s(2)?);
            let regex = from.len() > 1 && from.starts_with('/') && from.ends_with('/');
            (!regex && !from.is_empty()).then(|| Value::str(t.replace(&from, &to)))
        }
        ("split", 2) => {
            let (sep, t) = (s(0)?, s(1)?);
            let parts: Vec<Value> = if sep.is_empty() {
                t.chars().map(|c| Value::str(c.to_string())).collect()
            } else {
                t.split(sep.as_str()).map(Value::str).collect()
            };
            Some(Value::List(parts))
        }
        ("join", n) if n >= 2 => {
            let sep = s(0)?;
            let mut parts = Vec::new();
            for a in &args[1..] {
                let Value::List(items) = a else { return None };
                for i in items {
                    parts.push(i.scalar()?.text());
                }
            }
            Some(Value::str(parts.join(&sep)))
        }
        ("element", 2) => {
            let Value::List(items) = &args[0] else {
                return None;
            };
            let i = scalar(&args[1])?.count()? as usize;
            (!items.is_empty()).then(|| items[i % items.len()].clone())
        }
        ("compact", 1) => {
            let Value::List(items) = &args[0] else {
                return None;
            };
            Some(Value::List(
                items
                    .iter()
                    .filter(|v| {
                        !matches!(v, Value::Null)
                            && v.scalar().map(Scalar::text) != Some(String::new())
                    })
                    .cloned()
                    .collect(),
            ))
        }
        ("length", 1) => {
            let n = match &args[0] {
                Value::List(items) => items.len(),
                Value::Map(m) => m.len(),
                Value::Scalar(Scalar::Str(t)) => t.chars().count(),
                _ => return None,
            };
            Some(Value::Scalar(Scalar::Num(n as f64)))
        }
        ("startswith", 2) => Some(bool(s(0)?.starts_with(&s(1)?))),
        ("endswith", 2) => Some(bool(s(0)?.ends_with(&s(1)?))),
        ("contains", 2) => {
            let Value::List(items) = &args[0] else {
                return None;
            };
            Some(bool(items.contains(&args[1])))
        }
        ("keys", 1) => match &args[0] {
            Value::Map(m) => Some(Value::List(m.keys().map(Value::str).collect())),
            _ => None,
        },
        ("lookup", 2 | 3) => {
            let Value::Map(m) = &args[0] else {
                return None;
            };
            m.get(&s(1)?)
                .map(|e| e.value.clone())
                .or_else(|| args.get(2).cloned())
        }
        ("coalesce", _) => args.into_iter().find(|v| {
            !matches!(v, Value::Null) && v.scalar().map(Scalar::text) != Some(String::new())
        }),
        _ => None,
    }
}

fn scalar(v: &Value) -> Option<&Scalar> {
    v.scalar()
}

fn bool(b: bool) -> Value {
    Value::Scalar(Scalar::Bool(b))
}
