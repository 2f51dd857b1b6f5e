//! `hostwiz gcp services`: the review the core computes, printed.

use hostwiz::error::{Error, Result};
use hostwiz::hosts::gcp::services_review::{self, Options};
use std::io::Write;

/// Loads, reviews, prints; exit 1 (as findings) when something is missing or the blueprint
/// lacks an always-needed API.
pub fn run_services(opts: &Options, as_json: bool, out: &mut impl Write) -> Result<()> {
    let r = services_review::review(&services_review::load(opts)?);
    let printed = if as_json {
        services_review::json(&r)
    } else {
        services_review::text(&r)
    };
    out.write_all(printed.as_bytes())
        .map_err(|e| Error::io("standard output", "write to", e))?;
    if r.failing() {
        return Err(Error::ApisMissing {
            count: r.problems(),
        });
    }
    Ok(())
}
