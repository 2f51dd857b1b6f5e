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
            let (plan, findings) = d.evaluate(&ctx)?;
            f(Checked {
                host: d.host,
                primary: d.primary().to_string(),
                plan,
                findings,
            })?;
        }
    }
    Ok(())
}
