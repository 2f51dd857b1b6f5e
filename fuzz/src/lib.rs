//! What the fuzz targets share: one input split into several files, and the rules run on
//! whatever plan an ingester reads, so a panic anywhere after parsing is found too.

use hostwiz::ingest::Input;
use hostwiz::plan::Plan;

/// The parts of one fuzz input, split at NUL bytes (which no text format we read accepts), so
/// one input can be a values file layered over another, or a Compose file with its override.
pub fn parts(data: &[u8]) -> Vec<Input> {
    let text = String::from_utf8_lossy(data);
    text.split('\0')
        .enumerate()
        .map(|(i, part)| Input::new(format!("part{i}"), part))
        .collect()
}

pub fn judge(plan: Plan) {
    let findings = hostwiz::contracts::check(&plan);
    let _ = hostwiz::contracts::has_errors(&findings);
}
