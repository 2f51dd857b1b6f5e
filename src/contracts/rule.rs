//! What a rule is: its ID, contract, severity, where it applies, and the words every consumer
//! shows. The rules themselves are the table in `rules.rs`.

use super::{Autofix, Capability};
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
    Startup,
    /// Not a contract of the starter's: the rules for hostwiz's own suppression comments.
    Suppressions,
    /// Not a contract of the starter's: answers that are placeholders rather than decisions.
    Answers,
}

impl Contract {
    pub fn as_str(self) -> &'static str {
        match self {
            Contract::Routing => "routing",
            Contract::Billing => "billing",
            Contract::Services => "services",
            Contract::Startup => "startup",
            Contract::Suppressions => "suppressions",
            Contract::Answers => "answers",
        }
    }
}

/// Where a rule applies, said by what a host offers rather than by naming hosts, so a new host
/// gets the rules its capabilities call for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// To every host that has all of these capabilities; none listed: to every host.
    HostsWith(&'static [Capability]),
    /// To files read back alone (their `hostwiz:ignore` comments): answers never break it.
    FilesOnly,
    /// To answers alone (what was typed, such as an example value): files never break it.
    AnswersOnly,
}

/// A rule as documented in CONTRACTS.md.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub contract: Contract,
    pub severity: Severity,
    pub applies: Applies,
    /// A few words for the wizard's contracts panel.
    pub title: &'static str,
    /// What the rule requires.
    pub rule: &'static str,
    /// Why it exists: what breaks when it does not hold.
    pub why: &'static str,
    /// What to change, in words.
    pub fix: &'static str,
    /// The answer that fixes every finding of the rule, where one does; a check may give a
    /// finding its own instead (SVC-004 names the API it misses).
    pub autofix: Option<Autofix>,
    /// Advice the wizards show beside the answers that can break the rule, before they do.
    pub hint: Option<&'static str>,
}

impl Rule {
    /// Whether the rule judges a host with these capabilities, answers or files.
    pub fn applies_to(&self, capabilities: &[Capability]) -> bool {
        match self.applies {
            Applies::HostsWith(needs) => needs.iter().all(|c| capabilities.contains(c)),
            Applies::FilesOnly | Applies::AnswersOnly => true,
        }
    }

    /// Whether files can break the rule: what a file's report lists.
    pub fn judges_files(&self) -> bool {
        self.applies != Applies::AnswersOnly
    }

    /// Whether answers with these capabilities can break the rule: what the wizard lists.
    pub fn judges_answers(&self, capabilities: &[Capability]) -> bool {
        self.applies != Applies::FilesOnly && self.applies_to(capabilities)
    }
}
