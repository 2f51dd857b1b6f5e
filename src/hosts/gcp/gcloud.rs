//! `gcloud services list --enabled` output, in the two forms operators save:
//! `--format="value(config.name)"` (one name a line) and `--format=json`.

use crate::ingest::{Input, ParseError};
use crate::plan::Sourced;

pub fn enabled(input: &Input) -> Result<Sourced<Vec<String>>, ParseError> {
    let trimmed = input.text.trim_start();
    let names = if trimmed.starts_with('[') {
        let doc = input.json()?;
        let items = doc
            .as_array()
            .ok_or_else(|| input.error(1, 1, "expected a JSON list of services"))?;
        items
            .iter()
            .filter_map(|s| {
                s.pointer("/config/name")
                    .and_then(|v| v.as_str())
                    .or_else(|| {
                        s["name"]
                            .as_str()
                            .map(|n| n.rsplit('/').next().unwrap_or(n))
                    })
                    .map(str::to_string)
            })
            .collect()
    } else {
        let mut names = Vec::new();
        for (i, line) in input.text.lines().enumerate() {
            // The default table form starts with a NAME/TITLE header; names are its first column.
            let Some(first) = line.split_whitespace().next() else {
                continue;
            };
            if first == "NAME" {
                continue;
            }
            if !first.contains('.') || first.contains(['{', '}', '"']) {
                return Err(input.error(
                    i as u32 + 1,
                    1,
                    format!("expected a service name such as run.googleapis.com, found {first:?}"),
                ));
            }
            names.push(first.to_string());
        }
        names
    };
    Ok(Sourced::new(names, input.origin(1, 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms() {
        let text = enabled(&Input::new(
            "e.txt",
            "run.googleapis.com\niam.googleapis.com\n",
        ))
        .unwrap();
        assert_eq!(text.value, ["run.googleapis.com", "iam.googleapis.com"]);
        let json = enabled(&Input::new(
            "e.json",
            r#"[{"config":{"name":"run.googleapis.com"}},{"name":"projects/1/services/iam.googleapis.com"}]"#,
        ))
        .unwrap();
        assert_eq!(json.value, ["run.googleapis.com", "iam.googleapis.com"]);
        let table = enabled(&Input::new(
            "t.txt",
            "NAME  TITLE\nrun.googleapis.com  Cloud Run Admin API\n",
        ))
        .unwrap();
        assert_eq!(table.value, ["run.googleapis.com"]);
        assert!(enabled(&Input::new("bad.txt", "hello\n")).is_err());
    }
}
