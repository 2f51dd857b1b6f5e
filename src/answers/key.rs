//! What one answer key is: everything the rest of hostwiz needs to know about it, so that a new
//! key is one [`Key`] entry and reading, writing, `--set`, the schema, the wizards and the docs
//! all follow from it.

use super::{Answers, Host};
use crate::contracts::Capability;
use crate::names::Expected;
use crate::questions::Step;

pub(super) const BOOL_EXPECTED: &str = "true or false";
pub const COUNT_EXPECTED: &str = "a whole number from 1 to 1000";
pub const INSTANCES_EXPECTED: &str = "a whole number from 0 to 1000";
const REQUIRED_EXPECTED: &str = "a value (required)";

/// What a value is parsed as, in the file and from `--set`.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    /// A whole number from 1 to 1000.
    Count,
    /// A whole number from 0 to 1000: a minimum of instances, which may scale to zero.
    Instances,
    Flag,
    Choice(&'static [&'static str]),
    /// Text items; on `--set` and in the wizard, comma-separated.
    List,
}

/// What an absent or empty answer means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Absent or empty is an error that says what is expected; `default` only starts the wizard.
    Required(&'static str),
    /// Absent or empty takes `default`.
    Defaulted,
    /// Absent takes `default`; empty means none.
    Optional,
}

/// Where the wizards ask for a key.
#[derive(Clone, Copy, Debug)]
pub enum Ask {
    /// Asked at `step`, after the keys before it in the table unless `before` names the key
    /// whose question it comes ahead of.
    At {
        step: Step,
        label: &'static str,
        help: &'static str,
        before: Option<&'static str>,
    },
    /// Only set in the file or with `--set`, for the reason given.
    Never(&'static str),
}

impl Ask {
    pub const fn at(step: Step, label: &'static str, help: &'static str) -> Self {
        Ask::At {
            step,
            label,
            help,
            before: None,
        }
    }

    pub const fn before(self, key: &'static str) -> Self {
        match self {
            Ask::At {
                step, label, help, ..
            } => Ask::At {
                step,
                label,
                help,
                before: Some(key),
            },
            never => never,
        }
    }
}

/// One answer as written in the file, before any check.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Count(i64),
    Flag(bool),
    List(Vec<String>),
}

impl Value {
    pub fn text(v: impl AsRef<str>) -> Self {
        Value::Text(v.as_ref().to_string())
    }

    /// An optional answer: none is written as empty, so that a re-run does not take the default.
    pub fn optional(v: Option<impl AsRef<str>>) -> Self {
        Value::Text(v.map(|v| v.as_ref().to_string()).unwrap_or_default())
    }

    /// The answer as the wizard shows and edits it: a list joined by ", ".
    pub fn to_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Count(n) => n.to_string(),
            Value::Flag(b) => b.to_string(),
            Value::List(items) => items.join(", "),
        }
    }
}

/// The check of one text value (or of each item of a list).
pub type Check = fn(&str) -> Result<(), Expected>;

/// For keys whose kind says all there is to check.
pub const ANY: Check = |_| Ok(());

/// One answer key.
pub struct Key {
    /// Dotted: `section.name`, or a bare name at the top of the file.
    pub name: &'static str,
    pub kind: Kind,
    pub need: Need,
    /// As `--set` would write it; see [`Need`] for when it applies.
    pub default: &'static str,
    /// A valid value other than the default, for the docs and the tests.
    pub example: &'static str,
    /// One line, lower case: `apply --help`, the README and the schema.
    pub help: &'static str,
    /// The hosts it means something on; the wizards ask it only there.
    pub hosts: Hosts,
    pub check: Check,
    /// How checked answers write it back.
    pub write: fn(&Answers) -> Value,
    pub ask: Ask,
}

impl Key {
    /// The file section it is written under, `None` at the top.
    pub fn section(&self) -> Option<&'static str> {
        self.name.split_once('.').map(|(s, _)| s)
    }

    /// Its name inside its section.
    pub fn field(&self) -> &'static str {
        self.name.split_once('.').map_or(self.name, |(_, f)| f)
    }

    /// Whether the key means something on `host`.
    pub fn applies_to(&self, host: Host) -> bool {
        match self.hosts {
            Hosts::Every => true,
            Hosts::Only(h) => h == host,
            Hosts::With(c) => host.capabilities().contains(&c),
        }
    }

    /// The hosts it is limited to, as words; `None` when every host has it.
    pub fn only_on(&self) -> Option<String> {
        let names: Vec<&str> = Host::ALL
            .into_iter()
            .filter(|h| self.applies_to(*h))
            .map(Host::as_str)
            .collect();
        (names.len() < Host::ALL.len()).then(|| names.join(" and "))
    }

    /// The help with what the table adds: required or the default, and the hosts.
    pub fn summary(&self) -> String {
        let mut notes = Vec::new();
        match self.need {
            Need::Required(_) => notes.push("required".to_string()),
            _ if self.default.is_empty() => {}
            _ => notes.push(format!("default {}", self.default)),
        }
        if let Some(hosts) = self.only_on() {
            notes.push(format!("{hosts} only"));
        }
        if notes.is_empty() {
            self.help.to_string()
        } else {
            format!("{} ({})", self.help, notes.join("; "))
        }
    }

    /// Parses a `--set` value (or a default) by the key's kind. Whether a text is an accepted
    /// value is decided later, with every other answer, by [`Answers::from_raw`].
    pub fn parse(&self, value: &str) -> Result<Value, String> {
        Ok(match self.kind {
            Kind::Text => Value::Text(value.to_string()),
            Kind::Choice(options) if options.contains(&value) => Value::Text(value.to_string()),
            Kind::Choice(options) => return Err(format!("one of {}", options.join(", "))),
            Kind::Count | Kind::Instances => {
                Value::Count(value.parse().map_err(|_| self.count_expected())?)
            }
            Kind::Flag => match value {
                "true" => Value::Flag(true),
                "false" => Value::Flag(false),
                _ => return Err(BOOL_EXPECTED.into()),
            },
            Kind::List => Value::List(items(value).map(str::to_string).collect()),
        })
    }

    /// Whether `value` is accepted on its own (empty where the key is optional), with what is
    /// accepted when not: the wizards check each field as it is typed.
    pub fn check_value(&self, value: &str) -> Result<(), String> {
        let v = value.trim();
        match self.kind {
            Kind::Choice(_) | Kind::Flag => self.parse(v).map(drop),
            Kind::Count | Kind::Instances => match v.parse::<i64>() {
                Ok(n) if self.accepts(n) => Ok(()),
                _ => Err(self.count_expected().into()),
            },
            Kind::Text | Kind::List if v.is_empty() => match self.need {
                Need::Optional => Ok(()),
                _ => Err(REQUIRED_EXPECTED.into()),
            },
            Kind::Text => (self.check)(v).map_err(str::to_string),
            Kind::List => items(v).try_for_each(self.check).map_err(str::to_string),
        }
    }
}

impl Key {
    /// Whether a number is in the key's range.
    pub(super) fn accepts(&self, n: i64) -> bool {
        match self.kind {
            Kind::Instances => (0..=1000).contains(&n),
            _ => in_range(n),
        }
    }

    /// What a number of this key must be.
    pub fn count_expected(&self) -> &'static str {
        match self.kind {
            Kind::Instances => INSTANCES_EXPECTED,
            _ => COUNT_EXPECTED,
        }
    }
}

pub(super) fn in_range(n: i64) -> bool {
    (1..=1000).contains(&n)
}

/// The items of a comma-separated list.
pub(super) fn items(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The hosts a key means something on. A host module's own keys name it; a key every host
/// has names none; a key only some hosts have names what they have in common, never them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hosts {
    Every,
    Only(Host),
    With(Capability),
}

/// For the entries every host has.
pub const ALL: Hosts = Hosts::Every;

/// A `[section]` of the file; its keys are those named `section.*`.
pub struct Section {
    pub name: &'static str,
    /// For the schema.
    pub help: &'static str,
}
