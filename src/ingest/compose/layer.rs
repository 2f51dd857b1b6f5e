//! One Compose file layered on the ones before it: tags, interpolation, service merging and
//! the settings of a service, and Compose's reading of plain scalars.

use super::*;
use saphyr_parser::{Event, Parser};

/// An error at a setting's origin (always a file position for what this module reads).
pub(super) fn error_at(origin: &Origin, message: String) -> ParseError {
    match origin {
        Origin::File { path, line, column } => Input::new(path, "").error(*line, *column, message),
        other => Input::new(other.to_string(), "").error(0, 0, message),
    }
}

/// The tags Compose gives a meaning to: `!reset` drops a value, `!override` replaces it
/// instead of merging, `!!str` keeps a plain `true` or `1.0` as written.
pub(super) const RESET: &str = "!reset";
pub(super) const OVERRIDE: &str = "!override";

/// The yaml tree keeps no tags, so a second pass over the parser's events records them by
/// position and kind (0 scalar, 1 list, 2 map: a map and its first key share a position).
pub(super) fn tags(text: &str) -> HashMap<(u32, u32, u8), String> {
    let mut tags = HashMap::new();
    for (event, span) in Parser::new_from_str(text).map_while(Result::ok) {
        let (kind, tag) = match event {
            Event::Scalar(_, _, _, Some(t)) => (0, t),
            Event::SequenceStart(_, Some(t)) => (1, t),
            Event::MappingStart(_, Some(t)) => (2, t),
            _ => continue,
        };
        let at = (span.start.line() as u32, span.start.col() as u32 + 1, kind);
        tags.insert(at, format!("{}{}", tag.handle, tag.suffix));
    }
    tags
}

impl Layer<'_> {
    pub(super) fn tag(&self, node: &Node) -> &str {
        let kind = match node.value {
            Value::Scalar { .. } => 0,
            Value::Seq(_) => 1,
            Value::Map(_) => 2,
        };
        self.tags
            .get(&(node.line, node.column, kind))
            .map_or("", String::as_str)
    }

    pub(super) fn err(&self, node: &Node, message: impl Into<String>) -> ParseError {
        self.input.error(node.line, node.column, message)
    }

    pub(super) fn at(&self, node: &Node, value: String) -> Sourced<String> {
        Sourced::new(value, self.input.origin(node.line, node.column))
    }

    pub(super) fn expand(&self, node: &Node, text: &str) -> Result<String, ParseError> {
        let lookup = |name: &str| self.vars.get(name).map(|v| v.value.clone());
        interpolate(text, &lookup, &self.budget).map_err(|e| self.err(node, e.describe(text)))
    }

    /// [`Self::expand`] where a required variable that is not set makes the value unknown.
    pub(super) fn expand_setting(&self, node: &Node, text: &str) -> Result<Setting, ParseError> {
        let lookup = |name: &str| self.vars.get(name).map(|v| v.value.clone());
        match interpolate(text, &lookup, &self.budget) {
            Ok(v) => Ok(Setting::Known(v)),
            Err(TemplateError::Missing { name, .. }) => Ok(Setting::Unknown(Unknown::Unset(name))),
            Err(e) => Err(self.err(node, e.describe(text))),
        }
    }

    /// As docker compose does before merging: every value in the file interpolates, inactive
    /// services and `x-` extensions included (keys are not interpolated). A required variable
    /// that is not set is left to what reads the value.
    pub(super) fn check(&self, node: &Node) -> Result<(), ParseError> {
        match &node.value {
            Value::Scalar { text, .. } => self.expand_setting(node, text).map(drop),
            Value::Seq(items) => items.iter().try_for_each(|n| self.check(n)),
            Value::Map(entries) => entries.iter().try_for_each(|(_, v)| self.check(v)),
        }
    }

    /// A scalar as Compose hands it on: interpolated text, or for a plain boolean or number
    /// the form Compose prints. `None` for null.
    pub(super) fn scalar(&self, node: &Node, what: &str) -> Result<Option<String>, ParseError> {
        let Value::Scalar { text, plain } = &node.value else {
            return Err(self.err(
                node,
                format!("`{what}` must be a string, number, boolean or null"),
            ));
        };
        if *plain && self.tag(node) != "tag:yaml.org,2002:str" {
            if node.is_null() {
                return Ok(None);
            }
            if let Some(typed) = typed(text) {
                return Ok(Some(typed));
            }
        }
        self.expand(node, text).map(Some)
    }

    /// [`Self::scalar`] where a required variable that is not set makes the value unknown.
    pub(super) fn scalar_setting(
        &self,
        node: &Node,
        what: &str,
    ) -> Result<Option<Setting>, ParseError> {
        match &node.value {
            Value::Scalar { text, plain }
                if !*plain || self.tag(node) == "tag:yaml.org,2002:str" =>
            {
                self.expand_setting(node, text).map(Some)
            }
            Value::Scalar { text, .. } if !node.is_null() && typed(text).is_none() => {
                self.expand_setting(node, text).map(Some)
            }
            _ => Ok(self.scalar(node, what)?.map(Setting::Known)),
        }
    }

    pub(super) fn merge_service(
        &self,
        all: &mut Vec<Acc>,
        key: &Node,
        body: &Node,
        services: &Node,
    ) -> Result<(), ParseError> {
        let name = key.as_str().unwrap_or_default().to_string();
        let tag = self.tag(body);
        if tag == RESET {
            all.retain(|s| s.name != name);
            return Ok(());
        }
        if !body.is_map() {
            return Err(self.err(body, format!("service `{name}` must be a map of settings")));
        }
        let index = all.iter().position(|s| s.name == name).unwrap_or_else(|| {
            let origin = self.input.origin(key.line, key.column);
            all.push(Acc {
                name,
                origin,
                set: Settings::default(),
            });
            all.len() - 1
        });
        let acc = &mut all[index].set;
        if tag == OVERRIDE {
            *acc = Settings::default();
        }
        self.apply(acc, body, services)
    }

    /// A service's settings over what `acc` holds; `extends` first, as Compose resolves it
    /// within the file before the files are merged.
    pub(super) fn apply(
        &self,
        acc: &mut Settings,
        body: &Node,
        services: &Node,
    ) -> Result<(), ParseError> {
        if let Some(base) = body.get("extends") {
            refs::extends(self, acc, base, services)?;
        }
        for (k, v) in body.entries() {
            let key = k.as_str().unwrap_or_default();
            let tag = self.tag(v);
            if tag == RESET || tag == OVERRIDE {
                acc.clear(key);
            }
            if tag == RESET {
                continue;
            }
            match key {
                // An image from an unset required variable is only unknown: no rule reads it.
                "image" => {
                    acc.image = match self.scalar_setting(v, key)? {
                        Some(Setting::Known(s)) => Some(self.at(v, s)),
                        _ => None,
                    }
                }
                "environment" => self.environment(v, acc)?,
                "env_file" => self.env_files(v, &mut acc.env_files)?,
                "profiles" if matches!(v.value, Value::Seq(_)) => {
                    for p in v.as_seq() {
                        match self.scalar_setting(p, key)? {
                            Some(Setting::Unknown(why)) => {
                                let at = self.input.origin(p.line, p.column);
                                acc.unknown_profiles.push(Sourced::new(why, at));
                            }
                            known => {
                                let p = known.map(|s| s.to_string()).unwrap_or_default();
                                if !acc.profiles.contains(&p) {
                                    acc.profiles.push(p);
                                }
                            }
                        }
                    }
                }
                "profiles" => return Err(self.err(v, "`profiles` must be a list of names")),
                "deploy" => match v.get("replicas") {
                    Some(r) if self.tag(r) == RESET => acc.replicas = None,
                    Some(r) => acc.replicas = Some(self.count(r, "deploy.replicas")?),
                    None => {}
                },
                "scale" => acc.scale = Some(self.count(v, key)?),
                // A list of names, or a map keyed by them; files add to what earlier ones list.
                "networks" => {
                    let names: Vec<&Node> = match &v.value {
                        Value::Seq(items) => items.iter().collect(),
                        Value::Map(entries) => entries.iter().map(|(k, _)| k).collect(),
                        _ => Vec::new(),
                    };
                    for n in names {
                        if let Some(Setting::Known(name)) = self.scalar_setting(n, key)? {
                            if !acc.networks.iter().any(|x| x.value == name) {
                                acc.networks.push(self.at(n, name));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
    /// A replica count: a whole number, or a string that interpolates to one; unknown when an
    /// unset required variable gives it.
    pub(super) fn count(&self, node: &Node, what: &str) -> Result<Sourced<Count>, ParseError> {
        let at = self.input.origin(node.line, node.column);
        let text = match self.scalar_setting(node, what)? {
            Some(Setting::Unknown(why)) => return Ok(Sourced::new(Err(why), at)),
            Some(Setting::Known(text)) => Some(text),
            None => None,
        };
        let n: Option<i64> = text.and_then(|t| t.parse().ok());
        match n.map(u32::try_from) {
            Some(Ok(n)) => Ok(Sourced::new(Ok(n), at)),
            _ => Err(self.err(node, format!("`{what}` must be a whole number, 0 or more"))),
        }
    }
}

/// A plain scalar that Compose's YAML decoder (go-yaml v3, the YAML 1.2 core schema with Go's
/// number syntax) reads as a boolean or number, as Compose then prints it: `True` → `true`,
/// `0x1F`, `0o37` and `037` → `31`, `1_000` → `1000`, `1.50` → `1.5`, `1e6` → `1e+06`; `yes`
/// and `on` stay strings. `None` when the scalar is a string.
pub(super) fn typed(text: &str) -> Option<String> {
    let word = match text {
        "true" | "True" | "TRUE" => "true",
        "false" | "False" | "FALSE" => "false",
        ".nan" | ".NaN" | ".NAN" => "NaN",
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => "+Inf",
        "-.inf" | "-.Inf" | "-.INF" => "-Inf",
        _ if !text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) => return None,
        _ => "",
    };
    if !word.is_empty() {
        return Some(word.into());
    }
    match crate::ingest::yaml::go_number_literal(text)? {
        GoNumber::Int {
            negative,
            magnitude,
            decimal,
        } => {
            // Go tries int64, then uint64 (which takes no sign), then float64 (decimal only).
            let n = i128::from(magnitude) * if negative { -1 } else { 1 };
            let unsigned = !text.starts_with(['-', '+']);
            if i64::try_from(n).is_ok() || unsigned {
                Some(n.to_string())
            } else {
                decimal.then(|| go_float(n as f64))
            }
        }
        GoNumber::Float(f) => Some(go_float(f)),
    }
}
