//! An answer that is missing, of the wrong type, or not an accepted value, named by its key.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub key: String,
    pub value: Option<String>,
    pub expected: String,
}

impl AnswerError {
    pub(crate) fn new(key: &str, value: Option<&str>, expected: impl Into<String>) -> Self {
        Self {
            key: key.to_string(),
            value: value.map(str::to_string),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(
                f,
                "{} = {:?} is not accepted: expected {}",
                self.key, v, self.expected
            ),
            None => write!(f, "{} is required: expected {}", self.key, self.expected),
        }
    }
}
