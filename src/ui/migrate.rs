//! `hostwiz migrate worker`: the phases the core plans, shown, confirmed and written.

use hostwiz::contracts::Finding;
use hostwiz::error::{Error, Result};
use hostwiz::migrate::{plan, write_phases, Options, GUIDE};
use hostwiz::report;
use hostwiz::write::{self, Planned};
use std::io::{self, Write};
use std::path::Path;

fn io_err(e: io::Error) -> Error {
    Error::io("standard output", "write to", e)
}

/// The command: plan, show, ask, write.
pub fn run_worker(opts: &Options, out: &mut impl Write) -> Result<()> {
    let outcome = plan(opts)?;
    let mut s = String::new();
    for r in &outcome.reports {
        let active: Vec<Finding> = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .cloned()
            .collect();
        if !active.is_empty() {
            s.push_str(&format!(
                "found in {} ({}) as it is now:\n",
                r.primary, r.host
            ));
            s.push_str(&report::check_text(&[(
                r.primary.as_str(),
                active.as_slice(),
            )]));
        }
        if r.migrated {
            s.push_str(&format!(
                "{} ({}): inline → dedicated worker in two phases; the plan fixes the billing findings\n",
                r.primary, r.host
            ));
        } else {
            s.push_str(&format!(
                "{} ({}): already in dedicated mode (a worker is defined); nothing to migrate\n",
                r.primary, r.host
            ));
        }
    }
    if outcome.files.is_empty() {
        s.push_str("nothing was written\n");
        return out.write_all(s.as_bytes()).map_err(io_err);
    }
    let planned = write::prepare(&outcome.out, outcome.files)?;
    s.push_str(&write::describe(&planned, opts.dry_run));
    out.write_all(s.as_bytes()).map_err(io_err)?;
    if opts.dry_run {
        return writeln!(out, "dry run: nothing was written").map_err(io_err);
    }
    let updates = write::updates(&planned);
    if !(opts.yes || updates == 0 || super::consent::confirm(out, updates)?) {
        return Err(write::not_replaced(updates, &outcome.out));
    }
    commit(&outcome.out, &planned, out)
}

fn commit(dir: &Path, planned: &[Planned], out: &mut impl Write) -> Result<()> {
    let written = write_phases(dir, planned)?;
    out.write_all(write::summary(&written, &dir.join(GUIDE)).as_bytes())
        .map_err(io_err)
}
