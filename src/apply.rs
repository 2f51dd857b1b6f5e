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
    let planned =
        write::prepare(&out, render::render(&answers)).map_err(|e| (findings.clone(), e))?;
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
