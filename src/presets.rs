//! Presets: answers files for common postures. Built-in ones are embedded in the binary; an
//! operator's own live in `<config dir>/hostwiz/presets/*.toml` and shadow built-ins by name.
//! A preset's first line, a comment, is its description.

use crate::answers::suggest;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::path::PathBuf;

const BUILTIN: &[(&str, &str)] = &[
    ("k8s-single", include_str!("../presets/k8s-single.toml")),
    (
        "k8s-ha-worker",
        include_str!("../presets/k8s-ha-worker.toml"),
    ),
    ("vps-single", include_str!("../presets/vps-single.toml")),
    ("vps-worker", include_str!("../presets/vps-worker.toml")),
    (
        "gcp-cloud-run",
        include_str!("../presets/gcp-cloud-run.toml"),
    ),
    (
        "gcp-cloud-run-worker",
        include_str!("../presets/gcp-cloud-run-worker.toml"),
    ),
    ("aws-ecs", include_str!("../presets/aws-ecs.toml")),
    (
        "azure-container-apps",
        include_str!("../presets/azure-container-apps.toml"),
    ),
];

/// The answers every built-in preset ships, as text per key: the example values an operator
/// replaces (ANS-001 warns while one is left in).
pub fn builtin_values() -> impl Iterator<Item = &'static (&'static str, String)> {
    // Read once: the live panel asks on every keystroke.
    static VALUES: std::sync::LazyLock<Vec<(&'static str, String)>> =
        std::sync::LazyLock::new(|| {
            BUILTIN
                .iter()
                .flat_map(|(_, text)| {
                    let raw = crate::answers::RawAnswers::from_toml(text)
                        .expect("built-in presets parse");
                    raw.values().into_iter().filter(|(_, v)| !v.is_empty())
                })
                .collect()
        });
    VALUES.iter()
}

#[derive(Clone, Debug)]
pub struct Preset {
    pub name: String,
    pub text: Cow<'static, str>,
    /// `None` for a built-in preset.
    pub path: Option<PathBuf>,
}

impl Preset {
    pub fn description(&self) -> &str {
        self.text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .map(str::trim)
            .unwrap_or("")
    }
}

/// Where an operator's presets live (`$XDG_CONFIG_HOME/hostwiz/presets` on Linux).
pub fn user_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "hostwiz").map(|d| d.config_dir().join("presets"))
}

/// Every preset, built-in first, with user presets replacing built-ins of the same name.
pub fn all() -> Result<Vec<Preset>> {
    let mut presets: Vec<Preset> = BUILTIN
        .iter()
        .map(|(name, text)| Preset {
            name: name.to_string(),
            text: Cow::Borrowed(text),
            path: None,
        })
        .collect();
    let Some(dir) = user_dir() else {
        return Ok(presets);
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(presets),
        Err(e) => return Err(Error::io(dir, "read the presets folder", e)),
    };
    let mut user: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    user.sort();
    for path in user {
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let text = crate::ingest::bounded::read(
            &path,
            crate::ingest::bounded::MAX_ANSWERS,
            "a preset",
            "read the preset",
        )
        .and_then(|b| {
            String::from_utf8(b).map_err(|_| Error::Parse {
                path: path.display().to_string(),
                message: "is not UTF-8 text; a preset is TOML".into(),
            })
        })?;
        let preset = Preset {
            name,
            text: Cow::Owned(text),
            path: Some(path),
        };
        match presets.iter_mut().find(|p| p.name == preset.name) {
            Some(existing) => *existing = preset,
            None => presets.push(preset),
        }
    }
    Ok(presets)
}

pub fn find(name: &str) -> Result<Preset> {
    let presets = all()?;
    presets
        .iter()
        .find(|p| p.name == name)
        .cloned()
        .ok_or_else(|| {
            Error::Usage(format!(
                "no preset named {name:?}: {} (`hostwiz presets` lists them)",
                suggest(name, presets.iter().map(|p| p.name.as_str()))
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_description() {
        for (name, text) in BUILTIN {
            let p = Preset {
                name: name.to_string(),
                text: Cow::Borrowed(text),
                path: None,
            };
            assert!(
                p.description().len() > 20,
                "{name} lacks a description line"
            );
        }
    }
}
