//! The scalar expressions a tfvars value or a variable default may hold, evaluated as Terraform
//! does: arithmetic, comparisons, `&&`/`||`/`!`, conditionals, parentheses and
//! `tonumber`/`tostring`/`tobool`, with strings converted to numbers and bools where an
//! operator or a typed variable needs one (`"7"` is 7, `"true"` is true). Anything else
//! (references, other functions) is not evaluated.

use hcl_edit::expr::{BinaryOperator, Expression, UnaryOperator};

/// A Terraform primitive value.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Num(f64),
    Str(String),
    Bool(bool),
}

impl Scalar {
    /// As Terraform converts to a number: numbers, and strings that parse as one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Scalar::Num(n) => Some(*n),
            Scalar::Str(s) => s.trim().parse().ok().filter(|n: &f64| n.is_finite()),
            Scalar::Bool(_) => None,
        }
    }

    /// As Terraform converts to a bool: bools, and the strings `true` and `false`.
    pub fn boolean(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Str(s) if s == "true" => Some(true),
            Scalar::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// As Terraform converts to a string (`tostring`, interpolation).
    pub fn text(&self) -> String {
        match self {
            Scalar::Str(s) => s.clone(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Scalar::Num(n) => n.to_string(),
        }
    }

    /// A whole number of 0 or more that fits an instance count.
    pub fn count(&self) -> Option<u64> {
        let n = self.number()?;
        (n >= 0.0 && n.fract() == 0.0 && n <= u32::MAX as f64).then_some(n as u64)
    }
}

/// The value of `e`, or `None` when it is not a scalar hostwiz evaluates.
pub fn eval(e: &Expression) -> Option<Scalar> {
    match e {
        Expression::String(s) => Some(Scalar::Str(s.value().clone())),
        Expression::Number(n) => n.value().as_f64().map(Scalar::Num),
        Expression::Bool(b) => Some(Scalar::Bool(*b.value())),
        Expression::Parenthesis(p) => eval(p.inner()),
        Expression::Conditional(c) => match eval(&c.cond_expr)?.boolean()? {
            true => eval(&c.true_expr),
            false => eval(&c.false_expr),
        },
        Expression::UnaryOp(op) => {
            let v = eval(&op.expr)?;
            match op.operator.value() {
                UnaryOperator::Neg => Some(Scalar::Num(-v.number()?)),
                UnaryOperator::Not => Some(Scalar::Bool(!v.boolean()?)),
            }
        }
        Expression::BinaryOp(op) => {
            let (l, r) = (eval(&op.lhs_expr)?, eval(&op.rhs_expr)?);
            binary(*op.operator.value(), &l, &r)
        }
        Expression::FuncCall(call) if call.name.namespace.is_empty() => {
            let mut args = call.args.iter();
            let (Some(arg), None) = (args.next(), args.next()) else {
                return None;
            };
            let v = eval(arg)?;
            match call.name.name.as_str() {
                "tonumber" => v.number().map(Scalar::Num),
                "tostring" => Some(Scalar::Str(v.text())),
                "tobool" => v.boolean().map(Scalar::Bool),
                _ => None,
            }
        }
        _ => None,
    }
}

pub fn binary(op: BinaryOperator, l: &Scalar, r: &Scalar) -> Option<Scalar> {
    use BinaryOperator::*;
    let num = |f: fn(f64, f64) -> f64| Some(Scalar::Num(f(l.number()?, r.number()?)));
    let cmp = |f: fn(f64, f64) -> bool| Some(Scalar::Bool(f(l.number()?, r.number()?)));
    match op {
        Plus => num(|a, b| a + b),
        Minus => num(|a, b| a - b),
        Mul => num(|a, b| a * b),
        Div if r.number()? != 0.0 => num(|a, b| a / b),
        // Terraform's modulo keeps the dividend's sign, as Rust's `%` does.
        Mod if r.number()? != 0.0 => num(|a, b| a % b),
        Div | Mod => None,
        Less => cmp(|a, b| a < b),
        LessEq => cmp(|a, b| a <= b),
        Greater => cmp(|a, b| a > b),
        GreaterEq => cmp(|a, b| a >= b),
        And => Some(Scalar::Bool(l.boolean()? && r.boolean()?)),
        Or => Some(Scalar::Bool(l.boolean()? || r.boolean()?)),
        // Equality compares type and value, without conversion.
        Eq => Some(Scalar::Bool(l == r)),
        NotEq => Some(Scalar::Bool(l != r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Option<Scalar> {
        let body = hcl_edit::parser::parse_body(&format!("x = {text}\n")).unwrap();
        let attr = body.get_attribute("x").unwrap();
        eval(&attr.value)
    }

    #[test]
    fn expressions_evaluate_as_terraform_console_says() {
        // Each checked with `terraform console` 1.11.
        assert_eq!(v("3 + 4").and_then(|s| s.count()), Some(7));
        assert_eq!(v("\"7\"").and_then(|s| s.count()), Some(7));
        assert_eq!(v("\"3\" + 4").and_then(|s| s.count()), Some(7));
        assert_eq!(v("2 * (1 + 2)").and_then(|s| s.count()), Some(6));
        assert_eq!(v("7 % 4").and_then(|s| s.count()), Some(3));
        assert_eq!(v("7 / 2").and_then(|s| s.count()), None);
        assert_eq!(v("\"true\"").and_then(|s| s.boolean()), Some(true));
        assert_eq!(v("tobool(\"false\")"), Some(Scalar::Bool(false)));
        assert_eq!(v("tonumber(\"5\")"), Some(Scalar::Num(5.0)));
        assert_eq!(v("tostring(5)"), Some(Scalar::Str("5".into())));
        assert_eq!(v("1 > 0 ? 2 : 3").and_then(|s| s.count()), Some(2));
        assert_eq!(v("!false"), Some(Scalar::Bool(true)));
        assert_eq!(v("\"1\" == 1"), Some(Scalar::Bool(false)));
        assert_eq!(v("var.x + 1"), None);
        assert_eq!(v("\"yes\"").and_then(|s| s.boolean()), None);
        assert_eq!(v("1 / 0"), None);
    }
}
