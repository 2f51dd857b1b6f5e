//! The JSON Schema (draft-07, which TOML editors support) of the answers file, from the key
//! table: `hostwiz schema` prints it and `assets/answers.schema.json` holds a copy, kept equal
//! by `tests/schema.rs`. TOML has no null, so no key takes one; defaults are left to the
//! docs, as an editor would only insert them.

use super::key::{Key, Kind, Need};
use super::keys::{in_section, SECTIONS};
use serde_json::{json, Map, Value};

pub fn schema() -> String {
    let mut properties = Map::new();
    properties.insert(
        "version".into(),
        json!({
            "description": "The answers file format: always 1.",
            "type": "integer",
            "const": 1,
        }),
    );
    properties.extend(keys(None));
    for section in SECTIONS.iter() {
        properties.insert(
            section.name.into(),
            json!({
                "description": format!("{}.", section.help),
                "type": "object",
                "properties": Map::from_iter(keys(Some(section.name))),
                "additionalProperties": false,
            }),
        );
    }
    let required: Vec<&str> = std::iter::once("version")
        .chain(
            in_section(None)
                .filter(|k| matches!(k.need, Need::Required(_)))
                .map(|k| k.name),
        )
        .collect();
    let schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "hostwiz answers file",
        "description": "The answers hostwiz writes as hostwiz.toml and reads with `hostwiz apply --answers`.",
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "required": required,
    });
    let mut text = serde_json::to_string_pretty(&schema).expect("schemas serialize");
    text.push('\n');
    text
}

fn keys(section: Option<&str>) -> impl Iterator<Item = (String, Value)> + '_ {
    in_section(section).map(|k| (k.field().to_string(), key(k)))
}

fn key(k: &Key) -> Value {
    let mut help = k.summary();
    if let Some(first) = help.get(..1) {
        help.replace_range(..1, &first.to_uppercase());
    }
    let mut s = json!({ "description": format!("{help}.") });
    let extra = match k.kind {
        Kind::Text => json!({ "type": "string" }),
        Kind::Choice(options) => json!({ "type": "string", "enum": options }),
        Kind::Count => json!({ "type": "integer", "minimum": 1, "maximum": 1000 }),
        Kind::Instances => json!({ "type": "integer", "minimum": 0, "maximum": 1000 }),
        Kind::Flag => json!({ "type": "boolean" }),
        Kind::List => json!({ "type": "array", "items": { "type": "string" } }),
    };
    s.as_object_mut()
        .expect("an object")
        .extend(extra.as_object().expect("an object").clone());
    s
}
