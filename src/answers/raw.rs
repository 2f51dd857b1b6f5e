//! The answers as written, before any check: each key's value as the file or `--set` gave it.
//! Reading and writing the TOML walk the key table, so an unknown key or a value of the wrong
//! type is refused with the key's name and what it takes, at its line in the file.

use super::key::Value;
use super::keys::{find, in_section, KEYS, SECTIONS};
use super::suggest::suggest;
use super::{AnswerError, Host, Kind};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The TOML as written, before any check. Absent keys take the table's defaults in
/// [`super::Answers::from_raw`], so a minimal file stays minimal when written back.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawAnswers {
    /// The answers file format: always 1.
    pub version: Option<i64>,
    values: BTreeMap<&'static str, Value>,
}

impl RawAnswers {
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("answers always serialize: plain strings, numbers and tables")
    }

    /// Every key at its default: what a fresh wizard starts from, with nothing guessed for the
    /// hosts and images, which the operator must give.
    pub fn blank() -> Self {
        let values = KEYS
            .iter()
            .map(|k| (k.name, k.parse(k.default).expect("every default parses")))
            .collect();
        RawAnswers {
            version: Some(1),
            values,
        }
    }

    /// The answer as written, if it is.
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Writes an answer for a key of the table.
    pub(super) fn put(&mut self, key: &'static str, value: Value) {
        self.values.insert(key, value);
    }

    /// The host, when it is one hostwiz knows.
    pub fn host(&self) -> Option<Host> {
        match self.value("host") {
            Some(Value::Text(h)) => Host::parse(h),
            _ => None,
        }
    }

    /// Applies one `--set KEY=VALUE`. The value is parsed by the key's kind here; whether it is
    /// an accepted value is decided later, with every other answer, by
    /// [`super::Answers::from_raw`].
    pub fn set(&mut self, assignment: &str) -> Result<(), AnswerError> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(AnswerError::new(
                assignment,
                None,
                "KEY=VALUE, such as billing.worker=dedicated",
            ));
        };
        let name = name.trim();
        let Some(key) = find(name) else {
            return Err(AnswerError::new(
                name,
                Some(value),
                format!(
                    "a known key: {}",
                    suggest(name, KEYS.iter().map(|k| k.name))
                ),
            ));
        };
        let value = key
            .parse(value)
            .map_err(|e| AnswerError::new(name, Some(value), e))?;
        self.put(key.name, value);
        Ok(())
    }

    /// The answer under a dotted key as text (a list joined by ", "; absent is empty), as the
    /// wizard shows and edits it.
    pub fn get(&self, key: &str) -> String {
        self.value(key).map(Value::to_text).unwrap_or_default()
    }

    /// Every answer key's text at once (what the wizard draws from).
    pub fn values(&self) -> BTreeMap<&'static str, String> {
        KEYS.iter().map(|k| (k.name, self.get(k.name))).collect()
    }
}

impl Serialize for RawAnswers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(v) = self.version {
            map.serialize_entry("version", &v)?;
        }
        for key in in_section(None) {
            if let Some(v) = self.value(key.name) {
                map.serialize_entry(key.name, v)?;
            }
        }
        for section in SECTIONS.iter() {
            map.serialize_entry(section.name, &SectionOf(self, section.name))?;
        }
        map.end()
    }
}

/// One `[section]` of the answers, for writing.
struct SectionOf<'a>(&'a RawAnswers, &'static str);

impl Serialize for SectionOf<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for key in in_section(Some(self.1)) {
            if let Some(v) = self.0.value(key.name) {
                map.serialize_entry(key.field(), v)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RawAnswers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Table { section: None })
    }
}

/// The top of the file (`section: None`) or one `[section]`, for reading.
struct Table {
    section: Option<&'static str>,
}

impl Table {
    /// The names this table takes: its keys, and at the top the version and the sections.
    fn names(&self) -> Vec<&'static str> {
        let keys = in_section(self.section).map(|k| k.field());
        match self.section {
            Some(_) => keys.collect(),
            None => std::iter::once("version")
                .chain(keys)
                .chain(SECTIONS.iter().map(|s| s.name))
                .collect(),
        }
    }

    fn key_name(&self, field: &str) -> String {
        match self.section {
            Some(s) => format!("{s}.{field}"),
            None => field.to_string(),
        }
    }

    fn read_into<'de, A: MapAccess<'de>>(
        &self,
        map: &mut A,
        raw: &mut RawAnswers,
    ) -> Result<(), A::Error> {
        let names = self.names();
        while let Some(name) = map.next_key_seed(Name(&names))? {
            if self.section.is_none() && name == "version" {
                raw.version = Some(map.next_value()?);
            } else if let Some(key) = find(&self.key_name(name)) {
                let value = map.next_value_seed(ValueOf(key.kind))?;
                raw.put(key.name, value);
            } else {
                let section = Table {
                    section: Some(name),
                };
                map.next_value_seed(SectionInto(section, raw))?;
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Table {
    type Value = RawAnswers;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an answers file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawAnswers, A::Error> {
        let mut raw = RawAnswers::default();
        self.read_into(&mut map, &mut raw)?;
        Ok(raw)
    }
}

/// Reads a `[section]` into the answers read so far.
struct SectionInto<'r>(Table, &'r mut RawAnswers);

impl<'de> DeserializeSeed<'de> for SectionInto<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SectionInto<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a [{}] table", self.0.section.unwrap_or_default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.read_into(&mut map, self.1)
    }
}

/// A key name that must be one of `names`; the error is serde's for an unknown field, so it
/// lists what the table takes.
struct Name<'n>(&'n [&'static str]);

impl<'de> DeserializeSeed<'de> for Name<'_> {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Name<'_> {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
        self.0.iter().copied().find(|n| *n == v).ok_or_else(|| {
            E::custom(format_args!(
                "unknown field `{v}`, expected {}",
                OneOf(self.0)
            ))
        })
    }
}

/// serde's wording for the accepted names.
struct OneOf<'n>(&'n [&'static str]);

impl fmt::Display for OneOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "`{one}`"),
            [a, b] => write!(f, "`{a}` or `{b}`"),
            names => {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                write!(f, "one of {}", quoted.join(", "))
            }
        }
    }
}

/// A value of the key's kind.
struct ValueOf(Kind);

impl<'de> DeserializeSeed<'de> for ValueOf {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Ok(match self.0 {
            Kind::Text | Kind::Choice(_) => Value::Text(String::deserialize(d)?),
            Kind::Count | Kind::Instances => Value::Count(i64::deserialize(d)?),
            Kind::Flag => Value::Flag(bool::deserialize(d)?),
            Kind::List => Value::List(Vec::<String>::deserialize(d)?),
        })
    }
}
