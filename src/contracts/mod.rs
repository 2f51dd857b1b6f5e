//! The three contracts as rules over a [`Plan`]. Each rule has a stable ID, a severity, and a
//! fix; `hostwiz rules` and `hostwiz explain` print the same table the checks use.

mod billing;
mod routing;
mod services;

pub use services::enable_command;

use crate::plan::{Origin, Plan};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contract {
    Routing,
    Billing,
    Services,
    /// Not a contract of the starter's: the rules for hostwiz's own suppression comments.
    Suppressions,
}

impl Contract {
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Routing => "routing",
            Contract::Billing => "billing",
            Contract::Services => "services",
            Contract::Suppressions => "suppressions",
        }
    }
}

/// A rule as documented in CONTRACTS.md.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub contract: Contract,
    pub rule: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

impl Rule {
    pub const fn new(
        contract: Contract,
        id: &'static str,
        severity: Severity,
        rule: &'static str,
        why: &'static str,
        fix: &'static str,
    ) -> Self {
        Rule {
            id,
            severity,
            contract,
            rule,
            why,
            fix,
        }
    }
}

/// One violation, pinned to the setting that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub fix: String,
    pub origin: Origin,
    /// The reason of the in-file suppression that hides this finding, if one does.
    pub suppressed: Option<String>,
}

impl Finding {
    /// A finding at the rule's own severity with its documented fix.
    pub(crate) fn new(id: &'static str, origin: Origin, message: impl Into<String>) -> Self {
        let rule = rule(id).expect("rule IDs used by checks are registered");
        Self {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            fix: rule.fix.to_string(),
            origin,
            suppressed: None,
        }
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub(crate) fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }
}

/// Every rule, in ID order within each contract.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    routing::RULES
        .iter()
        .chain(billing::RULES)
        .chain(services::RULES)
        .chain(SUPPRESSION_RULES)
}

const SUPPRESSION_RULES: &[Rule] = &[Rule {
    id: "IGNORE-001",
    severity: Severity::Error,
    contract: Contract::Suppressions,
    rule: "A `hostwiz:ignore RULE-ID reason=\"…\" [until=YYYY-MM-DD]` comment names a known rule and says why.",
    why: "A suppression hides a contract violation from every later reader; without a reason nobody can tell \
          whether it still holds, and a misspelt rule ID hides nothing while looking as if it did.",
    fix: "name the rule and add reason=\"…\" (and until=YYYY-MM-DD for a temporary exception)",
}];

pub fn rule(id: &str) -> Option<&'static Rule> {
    rules().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Runs every rule on the plan. Findings come out most severe first, then by rule ID.
pub fn check(plan: &Plan) -> Vec<Finding> {
    let mut findings = Vec::new();
    routing::check(plan, &mut findings);
    billing::check(plan, &mut findings);
    services::check(plan, &mut findings);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    findings
}

pub fn has_errors(findings: &[Finding]) -> bool {
    findings
        .iter()
        .any(|f| f.severity == Severity::Error && f.suppressed.is_none())
}
