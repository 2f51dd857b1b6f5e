//! `hostwiz check`: existing files → one plan per deployment they describe → the same rules
//! the wizard uses → findings with file:line, suppressions applied.

use crate::answers::Host;
use crate::contracts::{Capability, Finding};
use crate::error::{Error, Result};
use crate::hosts;
use crate::pipeline::{self, Found};
use crate::plan::Plan;

pub use crate::pipeline::{read, Options};

/// One deployment checked: what it was read from, the plan, and its findings.
pub struct Checked {
    pub host: Host,
    /// The file findings without a line of their own (documented defaults) are reported at.
    pub primary: String,
    pub plan: Plan,
    pub findings: Vec<Finding>,
    /// How the host judged it, to say once in the report (`Plan::note`).
    pub note: Option<&'static str>,
    /// Every file the deployment was read from, in reading order.
    pub files: Vec<String>,
}

pub fn run(opts: &Options) -> Result<Vec<Checked>> {
    let mut all = Vec::new();
    for_each(opts, |c| {
        all.push(c);
        Ok(())
    })?;
    Ok(all)
}

/// Checks each deployment in turn and hands it to `f`, so a caller that keeps only the
/// findings holds one deployment's files and plan at a time.
pub fn for_each(opts: &Options, mut f: impl FnMut(Checked) -> Result<()>) -> Result<()> {
    if let Some(answers) = opts.paths.iter().find(|p| is_answers_file(p)) {
        return Err(answers_given(answers));
    }
    let ctx = opts.context()?;
    let mut found = pipeline::deployments(opts, &ctx)?;
    if found.is_empty() && opts.repo.is_none() && opts.paths.is_empty() {
        // An enabled-services dump alone is judged against the blueprint's defaults.
        let services = hosts::all().find(|m| m.has(Capability::ProjectServices));
        match services {
            Some(m) if ctx.enabled.is_some() => found.push(Found::new(m.host(), Vec::new())),
            _ => {
                return Err(Error::Usage(
                    "nothing to check: name files (or - for stdin), or use --repo DIR for the starter's ops/ layout".into(),
                ))
            }
        }
    }
    for d in found {
        let d = d.load()?;
        for d in d.module().split(d) {
            let (host, primary) = (d.host, d.primary().to_string());
            let files = d.files.iter().map(|(_, i)| i.path.clone()).collect();
            let (plan, findings) = d.judge(&ctx)?;
            f(Checked {
                note: plan.note,
                host,
                files,
                primary,
                plan,
                findings,
            })?;
        }
    }
    Ok(())
}

/// Whether `path` is a hostwiz answers file (`hostwiz.toml`), which is no deployment file.
fn is_answers_file(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && std::fs::read_to_string(path)
            .ok()
            .and_then(|text| crate::answers::RawAnswers::from_toml(&text).ok())
            .is_some_and(|raw| raw.version.is_some())
}

/// What to do with an answers file given to `check`: apply it, or check what it wrote.
fn answers_given(path: &std::path::Path) -> Error {
    let p = path.display();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| ".".to_string(), |d| d.display().to_string());
    Error::Usage(format!(
        "{p} is a hostwiz answers file, not deployment configuration: \
         `hostwiz apply --answers {p}` writes its files into {dir}; check those files, \
         or the starter's with `hostwiz check --repo DIR`"
    ))
}
