//! Where answers come from: a preset or an answers file, then `--set` on top.

use crate::answers::{Answers, RawAnswers};
use crate::error::{Error, Result};
use crate::presets;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub enum Source {
    Preset(String),
    File(PathBuf),
}

pub fn load(source: &Source, sets: &[String]) -> Result<Answers> {
    let (from, text) = match source {
        Source::Preset(name) => {
            let p = presets::find(name)?;
            let from = match &p.path {
                Some(path) => path.display().to_string(),
                None => format!("preset {name}"),
            };
            (from, p.text.into_owned())
        }
        Source::File(path) => (path.display().to_string(), read(path)?),
    };
    let mut raw = RawAnswers::from_toml(&text).map_err(|e| Error::Toml {
        path: from.clone(),
        source: Box::new(e),
    })?;
    for s in sets {
        raw.set(s).map_err(|error| Error::Answer {
            from: "--set".into(),
            error,
        })?;
    }
    Answers::from_raw(&raw).map_err(|error| Error::Answer {
        from: if sets
            .iter()
            .any(|s| s.split('=').next().map(str::trim) == Some(error.key.as_str()))
        {
            "--set".into()
        } else {
            from
        },
        error,
    })
}

fn read(path: &Path) -> Result<String> {
    let bytes = crate::ingest::bounded::read(
        path,
        crate::ingest::bounded::MAX_ANSWERS,
        "an answers file (TOML)",
        "read the answers file",
    )?;
    String::from_utf8(bytes).map_err(|_| Error::Parse {
        path: path.display().to_string(),
        message: "not UTF-8 text: an answers file is TOML".into(),
    })
}
