//! One violation of a rule, pinned to the setting that caused it.

use super::{Autofix, Rule, Severity};
use crate::plan::{Origin, Unknown};
use std::borrow::Cow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The ID of the rule it breaks.
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The rule's own fix (borrowed: most findings say it), or one made for this finding.
    pub fix: Cow<'static, str>,
    pub origin: Origin,
    /// The answer that fixes it, where one does.
    pub autofix: Option<Autofix>,
    /// The reason of the in-file suppression that hides this finding, if one does.
    pub suppressed: Option<String>,
}

impl Finding {
    /// A finding at the rule's own severity with its documented fix and autofix.
    pub(crate) fn new(rule: &'static Rule, origin: Origin, message: impl Into<String>) -> Self {
        Self {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            fix: Cow::Borrowed(rule.fix),
            origin,
            autofix: rule.autofix.clone(),
            suppressed: None,
        }
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub(crate) fn fix(mut self, fix: impl Into<Cow<'static, str>>) -> Self {
        self.fix = fix.into();
        self
    }

    pub(crate) fn autofix(mut self, autofix: Autofix) -> Self {
        self.autofix = Some(autofix);
        self
    }
}

impl Finding {
    /// A verdict of `rule` that hinges on a setting hostwiz does not know: info, saying what it
    /// could not tell, why, and what would decide it.
    pub(crate) fn undecided(
        rule: &'static Rule,
        origin: Origin,
        what: impl Into<String>,
        why: &Unknown,
    ) -> Self {
        let mut f = Finding::new(rule, origin, format!("cannot tell {}: {why}", what.into()));
        f.severity = Severity::Info;
        f.fix = why.decide().into();
        f.autofix = None;
        f
    }
}
