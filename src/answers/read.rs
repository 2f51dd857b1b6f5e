//! Typed reading of the raw answers, one key at a time, with the key's table entry deciding what
//! an absent or empty answer means; the typed sections call it (`Domains::read`, …).

use super::key::{items, Key, Need, Value};
use super::keys::find;
use super::{AnswerError, RawAnswers};
use crate::names::Expected;

pub(crate) struct Reader<'a>(pub &'a RawAnswers);

type Parse<T> = fn(&str) -> Result<T, Expected>;

impl Reader<'_> {
    fn entry(&self, name: &str) -> (&'static Key, Option<&Value>) {
        let key = find(name).unwrap_or_else(|| panic!("{name} is read but not in the table"));
        (key, self.0.value(name))
    }

    /// A non-empty text, or `None` for an absent or empty one.
    fn given(&self, name: &str) -> (&'static Key, Option<String>) {
        let (key, value) = self.entry(name);
        let text = value.map(Value::to_text).filter(|s| !s.is_empty());
        (key, text)
    }

    /// A required or defaulted answer.
    pub fn value<T>(&self, name: &str, parse: Parse<T>) -> Result<T, AnswerError> {
        let (key, text) = self.given(name);
        let text = match (text, key.need) {
            (Some(t), _) => t,
            (None, Need::Required(expected)) => return Err(AnswerError::new(name, None, expected)),
            (None, _) => key.default.to_string(),
        };
        checked(name, &text, parse)
    }

    /// An answer that may be none: absent takes the default, empty is none.
    pub fn optional<T>(&self, name: &str, parse: Parse<T>) -> Result<Option<T>, AnswerError> {
        let (key, value) = self.entry(name);
        let text = value.map_or(key.default.to_string(), Value::to_text);
        (!text.is_empty())
            .then(|| checked(name, &text, parse))
            .transpose()
    }

    pub fn count(&self, name: &str) -> Result<u32, AnswerError> {
        match self.entry(name) {
            (key, Some(Value::Count(n))) if key.accepts(*n) => Ok(*n as u32),
            (key, Some(Value::Count(n))) => Err(AnswerError::new(
                name,
                Some(&n.to_string()),
                key.count_expected(),
            )),
            (key, _) => Ok(key.default.parse().expect("a count's default is a number")),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        match self.entry(name) {
            (_, Some(Value::Flag(b))) => *b,
            (key, _) => key.default == "true",
        }
    }

    pub fn list<T>(&self, name: &str, parse: Parse<T>) -> Result<Vec<T>, AnswerError> {
        match self.entry(name) {
            (_, Some(Value::List(items))) => {
                items.iter().map(|s| checked(name, s, parse)).collect()
            }
            (key, _) => items(key.default)
                .map(|s| checked(name, s, parse))
                .collect(),
        }
    }
}

fn checked<T>(name: &str, v: &str, parse: Parse<T>) -> Result<T, AnswerError> {
    parse(v).map_err(|e| AnswerError::new(name, Some(v), e))
}
