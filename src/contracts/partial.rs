//! Judging answers that are not complete yet: what both wizards show from the first answer on.
//!
//! A missing or refused answer is replaced by a stand-in so that the rest can be judged, and
//! every rule that reads the stand-in's part of the answers is *pending*: it shows neither a
//! pass nor a finding until its inputs are given. So the live verdicts never show ✓ for what
//! has not been answered, and a stand-in never appears in a message.

use super::{check, rules, Contract, Finding, Rule};
use crate::answers::{find, AnswerError, Answers, Need, RawAnswers};
use crate::plan::{Origin, Plan};

/// The verdicts on answers so far.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Partial {
    /// Findings of the rules that could be judged.
    pub findings: Vec<Finding>,
    /// The IDs of the rules whose inputs are not all given (or not accepted) yet.
    pub pending: Vec<&'static str>,
    /// Why each answer was stood in for, first the one `Answers::from_raw` names first.
    pub missing: Vec<AnswerError>,
}

impl Partial {
    pub fn is_pending(&self, rule: &Rule) -> bool {
        self.pending.contains(&rule.id)
    }
}

/// The parts of the answers each contract reads, as key prefixes. A contract not listed is
/// pending only where one of its findings points at a stood-in answer.
const READS: &[(Contract, &[&str])] = &[
    (Contract::Routing, &["domains.", "k8s."]),
    (Contract::Billing, &["billing.", "scale."]),
    (Contract::Services, &["gcp.", "images."]),
    (
        Contract::Startup,
        &[
            "domains.", "billing.", "secrets.", "storage.", "images.", "k8s.", "gcp.",
        ],
    ),
];

/// Stand-ins for required answers: names that can never be real (`.invalid`, RFC 2606).
const STAND_INS: &[(&str, &str)] = &[
    ("domains.web", "web.hostwiz.invalid"),
    ("images.api", "hostwiz.invalid/api:0"),
    ("images.web", "hostwiz.invalid/web:0"),
    ("gcp.project_id", "hostwiz-stand-in"),
];

/// Judges `raw` as far as it is given. Without a host nothing can be judged: every rule is
/// pending.
pub fn judge(raw: &RawAnswers) -> Partial {
    let mut probe = raw.clone();
    let mut missing: Vec<AnswerError> = Vec::new();
    let answers = loop {
        match Answers::from_raw(&probe) {
            Ok(a) => break Some(a),
            Err(e) => {
                let stand_in = find(&e.key)
                    .filter(|k| k.name != "host" && !missing.iter().any(|m| m.key == k.name))
                    .and_then(|k| stand_in(k, &probe.get(k.name)).map(|v| (k.name, v)));
                missing.push(e);
                match stand_in {
                    Some((key, value)) if probe.set(&format!("{key}={value}")).is_ok() => {}
                    _ => break None,
                }
            }
        }
    };
    let Some(answers) = answers else {
        return Partial {
            findings: Vec::new(),
            pending: rules().map(|r| r.id).collect(),
            missing,
        };
    };
    let unknown: Vec<&str> = missing.iter().map(|m| m.key.as_str()).collect();
    let findings = check(&Plan::from(&answers));
    // ANS-001 judges each answer on its own: judged for what is given, silent on stand-ins.
    let own = super::check_answers(&answers)
        .into_iter()
        .filter(|f| !matches!(f.origin, Origin::Answer(k) if unknown.contains(&k)));
    let mut pending: Vec<&'static str> = rules()
        .filter(|r| {
            let reads = READS.iter().find(|(c, _)| *c == r.contract);
            let read = reads.is_some_and(|(_, prefixes)| {
                unknown
                    .iter()
                    .any(|k| prefixes.iter().any(|p| k.starts_with(p)))
            });
            let pointed = findings.iter().any(|f| {
                f.rule == r.id && matches!(f.origin, Origin::Answer(k) if unknown.contains(&k))
            });
            read || pointed
        })
        .map(|r| r.id)
        .collect();
    pending.dedup();
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !pending.contains(&f.rule))
        .chain(own)
        .collect();
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    Partial {
        findings,
        pending,
        missing,
    }
}

/// A value the key accepts other than `now`: none for an optional key, the default, then a
/// stand-in or the key's example.
fn stand_in(key: &crate::answers::Key, now: &str) -> Option<String> {
    let table = STAND_INS
        .iter()
        .find(|(k, _)| *k == key.name)
        .map(|(_, v)| *v);
    let none = (key.need == Need::Optional).then_some("");
    [none, Some(key.default), table, Some(key.example)]
        .into_iter()
        .flatten()
        .find(|v| *v != now && key.check_value(v).is_ok())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(sets: &[&str]) -> Partial {
        let mut raw = RawAnswers::blank();
        sets.iter().for_each(|s| raw.set(s).unwrap());
        judge(&raw)
    }

    #[test]
    fn without_a_host_every_rule_is_pending() {
        let p = judge(&RawAnswers::default());
        assert!(p.findings.is_empty());
        assert_eq!(p.pending.len(), rules().count());
    }

    #[test]
    fn billing_is_judged_before_the_domains_and_images_are_given() {
        let p = judged(&["host=vps", "scale.api_replicas=3"]);
        assert!(p.findings.iter().any(|f| f.rule == "BILL-004"), "{p:?}");
        assert!(p.pending.contains(&"ROUTE-001"));
        assert!(!p.pending.contains(&"BILL-004"));
    }

    #[test]
    fn a_refused_api_host_makes_the_routing_rules_pending() {
        let p = judged(&["host=k8s", "domains.web=acme.io", "domains.api=api acme.io"]);
        assert!(p.pending.contains(&"ROUTE-003"), "{p:?}");
        assert_eq!(p.missing[0].key, "domains.api");
    }

    #[test]
    fn a_stand_in_never_reaches_a_message() {
        let p = judged(&["host=gcp", "gcp.enable_project_services=false"]);
        assert!(p.pending.contains(&"SVC-002"));
        for f in &p.findings {
            assert!(!f.message.contains("hostwiz"), "{f:?}");
        }
    }

    #[test]
    fn complete_answers_have_nothing_pending() {
        let p = judged(&[
            "host=vps",
            "domains.web=acme.io",
            "images.api=ghcr.io/acme/api:1.0.0",
            "images.web=ghcr.io/acme/web:1.0.0",
        ]);
        assert!(p.pending.is_empty(), "{p:?}");
        assert!(p.missing.is_empty());
    }
}
