//! `hostwiz apply`: answers → plan → contracts → files, headless. Answers that break a contract
//! are refused before anything is rendered or written.

use crate::answers::Answers;
use crate::contracts::{self, Finding, Severity};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render;
use crate::write::{self, Planned};
use std::path::{Path, PathBuf};

/// Everything apply decided, before any write.
pub struct Outcome {
    pub answers: Answers,
    pub findings: Vec<Finding>,
    pub out: PathBuf,
    pub planned: Vec<Planned>,
}

pub fn default_out(a: &Answers) -> PathBuf {
    Path::new("hostwiz-out").join(a.environment.as_str())
}

/// Checks the answers and prepares the writes. `Err(Refused)` means an error finding; the
/// findings are in the returned outcome either way, so the caller can print them.
pub fn prepare(answers: Answers, out: Option<&Path>) -> Result<Outcome, (Vec<Finding>, Error)> {
    prepare_with(answers, out, false)
}

/// [`prepare`], with `--generate-secrets`: the random secrets of the private templates filled
/// (`render::secrets`). Values already filled in the output folder are kept either way.
pub fn prepare_with(
    answers: Answers,
    out: Option<&Path>,
    generate_secrets: bool,
) -> Result<Outcome, (Vec<Finding>, Error)> {
    let mut findings = contracts::check(&Plan::from(&answers));
    findings.extend(contracts::check_answers(&answers));
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err((findings, Error::Refused { errors }));
    }
    let out = out.map_or_else(|| default_out(&answers), Path::to_path_buf);
    let mut files = render::render(&answers);
    let filled =
        render::secrets::keep_filled(&mut files, &out).and_then(|()| match generate_secrets {
            true => render::secrets::generate(&mut files).map(drop),
            false => Ok(()),
        });
    filled.map_err(|e| (findings.clone(), e))?;
    let planned = write::prepare(&out, files).map_err(|e| (findings.clone(), e))?;
    Ok(Outcome {
        answers,
        findings,
        out,
        planned,
    })
}

impl Outcome {
    pub fn updates(&self) -> usize {
        write::updates(&self.planned)
    }
}
