//! The wizard's questions, in order, with their words: one list for the full-screen wizard and
//! the plain prompts, so both ask the same thing the same way. Each question comes from the
//! [`Ask`] of its answer key in the key table.

use crate::answers::{Ask, Host, Key, Kind, RawAnswers, KEYS};
use crate::contracts::Capability;
use std::sync::LazyLock;

/// The wizard's steps, in order. A step is shown when the host has questions in it (`Services`
/// only on GCP); `Review` and `Write` always.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Host,
    Domains,
    Scale,
    Services,
    Review,
    Write,
}

impl Step {
    const FORMS: [Step; 4] = [Step::Host, Step::Domains, Step::Scale, Step::Services];

    pub fn title(self) -> &'static str {
        match self {
            Step::Host => "Host",
            Step::Domains => "Domains",
            Step::Scale => "Scale & worker",
            Step::Services => "GCP services",
            Step::Review => "Review",
            Step::Write => "Write",
        }
    }

    /// The title as the host's wizard shows it: the cloud settings step is about GCP's
    /// services only where the host has project services.
    pub fn title_for(self, host: Option<Host>) -> &'static str {
        match (self, host) {
            (Step::Services, Some(h))
                if !h.capabilities().contains(&Capability::ProjectServices) =>
            {
                "Cloud settings"
            }
            _ => self.title(),
        }
    }

    /// The steps for a host, in order; with no host yet, the steps every host has.
    pub fn all(host: Option<Host>) -> Vec<Step> {
        let asked = |step: Step, q: &Question| match host {
            Some(h) => q.step == step && q.applies(Some(h)),
            None => q.step == step && Host::ALL.into_iter().all(|h| q.applies(Some(h))),
        };
        Self::FORMS
            .into_iter()
            .filter(|&s| all().iter().any(|q| asked(s, q)))
            .chain([Step::Review, Step::Write])
            .collect()
    }
}

/// One question: the answer key it sets, where it is asked, its words, and when it applies.
pub struct Question {
    pub key: &'static str,
    pub step: Step,
    pub label: &'static str,
    pub help: &'static str,
    entry: &'static Key,
}

impl Question {
    pub fn kind(&self) -> Kind {
        self.entry.kind
    }

    pub fn applies(&self, host: Option<Host>) -> bool {
        host.is_none_or(|h| self.entry.applies_to(h))
    }
}

static QUESTIONS: LazyLock<Vec<Question>> = LazyLock::new(|| {
    let mut asked: Vec<(Question, Option<&str>)> = KEYS
        .iter()
        .filter_map(|k| match k.ask {
            Ask::At {
                step,
                label,
                help,
                before,
            } => Some((
                Question {
                    key: k.name,
                    step,
                    label,
                    help,
                    entry: k,
                },
                before,
            )),
            Ask::Never(_) => None,
        })
        .collect();
    asked.sort_by_key(|(q, _)| q.step);
    let mut list: Vec<Question> = Vec::with_capacity(asked.len());
    let mut moved = Vec::new();
    for (q, before) in asked {
        match before {
            Some(b) => moved.push((q, b)),
            None => list.push(q),
        }
    }
    for (q, before) in moved {
        let at = list
            .iter()
            .position(|o| o.key == before)
            .unwrap_or_else(|| panic!("{} is asked before {before}, which is not asked", q.key));
        list.insert(at, q);
    }
    list
});

/// Every question, step after step.
pub fn all() -> &'static [Question] {
    &QUESTIONS
}

/// The questions of one step that other hosts ask and the answers' host does not, each with
/// the host's reason (see `HostModule::not_asked`), for the wizards to say.
pub fn not_asked(step: Step, raw: &RawAnswers) -> Vec<(&'static Question, &'static str)> {
    let Some(host) = raw.host() else {
        return Vec::new();
    };
    crate::hosts::module(host)
        .not_asked()
        .iter()
        .filter_map(|(key, why)| find(key).map(|q| (q, *why)))
        .filter(|(q, _)| q.step == step && !q.applies(Some(host)))
        .collect()
}

/// The keys that describe the dedicated worker: not asked while billing runs inline, where
/// there is no worker to scale or give an image.
const WORKER_ONLY: &[&str] = &["scale.worker_replicas", "images.worker"];

/// The questions of one step that apply to the answers' host (and, for the worker's own
/// questions, to a dedicated worker).
pub fn for_step(step: Step, raw: &RawAnswers) -> Vec<&'static Question> {
    let host = raw.host();
    let inline = raw.get("billing.worker") != "dedicated";
    all()
        .iter()
        .filter(|q| q.step == step && q.applies(host))
        .filter(|q| !(inline && WORKER_ONLY.contains(&q.key)))
        .collect()
}

pub fn find(key: &str) -> Option<&'static Question> {
    all().iter().find(|q| q.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_asked_or_says_why_not() {
        for k in KEYS.iter() {
            match k.ask {
                Ask::At { .. } => assert!(find(k.name).is_some(), "{}", k.name),
                Ask::Never(why) => assert!(!why.is_empty(), "{} says why it is not asked", k.name),
            }
        }
        assert!(all().iter().all(|q| KEYS.iter().any(|k| k.name == q.key)));
    }

    #[test]
    fn a_question_moved_before_another_stays_in_its_step() {
        for k in KEYS.iter() {
            if let Ask::At {
                step,
                before: Some(b),
                ..
            } = k.ask
            {
                assert_eq!(find(b).map(|q| q.step), Some(step), "{}", k.name);
            }
        }
    }

    #[test]
    fn a_host_says_why_it_does_not_ask_web_replicas() {
        let mut raw = RawAnswers::blank();
        raw.set("host=vps").unwrap();
        let notes = not_asked(Step::Scale, &raw);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0.key, "scale.web_replicas");
        assert!(notes[0].1.contains("one server"), "{}", notes[0].1);
        assert!(not_asked(Step::Domains, &raw).is_empty());
        raw.set("host=k8s").unwrap();
        assert!(not_asked(Step::Scale, &raw).is_empty());
        // Every note names a question the host really does not ask.
        for host in Host::ALL {
            for (key, why) in crate::hosts::module(host).not_asked() {
                let q = find(key).unwrap_or_else(|| panic!("{key} is no question"));
                assert!(!q.applies(Some(host)) && !why.is_empty(), "{key} on {host}");
            }
        }
    }

    #[test]
    fn inline_billing_asks_nothing_about_the_worker() {
        let mut raw = RawAnswers::blank();
        raw.set("host=k8s").unwrap();
        let keys = |raw: &RawAnswers| -> Vec<&str> {
            for_step(Step::Scale, raw).iter().map(|q| q.key).collect()
        };
        assert!(!keys(&raw).contains(&"scale.worker_replicas"));
        assert!(!keys(&raw).contains(&"images.worker"));
        raw.set("billing.worker=dedicated").unwrap();
        assert!(keys(&raw).contains(&"scale.worker_replicas"));
        assert!(keys(&raw).contains(&"images.worker"));
    }

    #[test]
    fn the_wizard_asks_in_its_order() {
        let order: Vec<&str> = all().iter().map(|q| q.key).collect();
        let at = |k: &str| order.iter().position(|o| *o == k).unwrap();
        assert!(at("k8s.namespace") + 1 == at("k8s.release"));
        assert!(at("scale.autoscaling") + 1 == at("scale.api_min_replicas"));
        assert!(at("images.worker") < at("gcp.project_id"));
    }
}
