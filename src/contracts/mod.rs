//! The four contracts as rules over a [`Plan`]. Each rule is one entry of the table in
//! `rules.rs`; the checks here build their findings from those entries, and `hostwiz rules`,
//! `hostwiz explain`, the wizards and the reports read the same table.

mod autofix;
mod billing;
mod capability;
mod examples;
mod finding;
mod partial;
mod routing;
mod rule;
pub mod rules;
mod services;
mod startup;

pub use autofix::Autofix;
pub use capability::Capability;
pub use examples::check_answers;
pub use finding::Finding;
pub use partial::{judge, Partial};
pub use rule::{Applies, Contract, Rule, Severity};
pub use services::enable_command;

use crate::plan::Plan;

/// Every rule, in ID order within each contract.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    rules::ALL.iter().copied()
}

/// The rule a user named (`hostwiz explain`, a suppression comment), in any case.
pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Runs every rule on the plan. Findings come out most severe first, then by rule ID.
pub fn check(plan: &Plan) -> Vec<Finding> {
    let mut findings = Vec::new();
    routing::check(plan, &mut findings);
    billing::check(plan, &mut findings);
    services::check(plan, &mut findings);
    startup::check(plan, &mut findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    findings
}

pub fn has_errors(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.suppressed.is_none())
}
