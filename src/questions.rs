//! The wizard's questions, in order, with their words: one list for the full-screen wizard and
//! the plain prompts, so both ask the same thing the same way.

use crate::answers::{Host, Kind, RawAnswers, KEYS};

/// The wizard's steps, in order. `Services` is asked only on GCP.
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

    /// The steps for a host, in order.
    pub fn all(host: Option<Host>) -> Vec<Step> {
        let mut steps = vec![Step::Host, Step::Domains, Step::Scale];
        if host == Some(Host::Gcp) {
            steps.push(Step::Services);
        }
        steps.extend([Step::Review, Step::Write]);
        steps
    }
}

/// One question: the answer key it sets, where it is asked, its words, and when it applies.
pub struct Question {
    pub key: &'static str,
    pub step: Step,
    pub label: &'static str,
    pub help: &'static str,
    pub hosts: &'static [Host],
}

const ALL: &[Host] = &[Host::K8s, Host::Vps, Host::Gcp];

pub const QUESTIONS: &[Question] = &[
    Question { key: "host", step: Step::Host, label: "Host", help: "Where it runs. k8s: the starter's Helm chart · vps: one server with Docker Compose and Caddy · gcp: Cloud Run with Terraform", hosts: ALL },
    Question { key: "environment", step: Step::Host, label: "Environment", help: "Names the output files, e.g. prod → values-prod.yaml", hosts: ALL },
    Question { key: "domains.web", step: Step::Domains, label: "Web host", help: "The browser's only entry point; /api on it goes to the web app (BFF)", hosts: ALL },
    Question { key: "domains.api", step: Step::Domains, label: "API host", help: "Optional, for server-to-server callers only; browsers never use it. Empty: no API host", hosts: ALL },
    Question { key: "domains.tls_email", step: Step::Domains, label: "ACME e-mail", help: "Caddy's certificate account; expiry notices go here", hosts: &[Host::Vps] },
    Question { key: "k8s.namespace", step: Step::Domains, label: "Namespace", help: "Kubernetes namespace of the release", hosts: &[Host::K8s] },
    Question { key: "k8s.release", step: Step::Domains, label: "Helm release", help: "Name for helm upgrade --install", hosts: &[Host::K8s] },
    Question { key: "k8s.ingress_class", step: Step::Domains, label: "Ingress class", help: "The IngressClass that serves the hosts", hosts: &[Host::K8s] },
    Question { key: "k8s.tls_secret", step: Step::Domains, label: "Web TLS Secret", help: "Secret with the web host's certificate. Empty: no TLS (ROUTE-005)", hosts: &[Host::K8s] },
    Question { key: "k8s.api_tls_secret", step: Step::Domains, label: "API TLS Secret", help: "Secret for the API host; empty falls back to the web Secret, which lacks the API host", hosts: &[Host::K8s] },
    Question { key: "billing.worker", step: Step::Scale, label: "Billing worker", help: "inline: the one API process owns billing retries and replay · dedicated: one worker owns them and every API process has both off", hosts: ALL },
    Question { key: "scale.api_replicas", step: Step::Scale, label: "API replicas", help: "More than one API process needs the dedicated worker: each inline API would retry and replay", hosts: ALL },
    Question { key: "scale.autoscaling", step: Step::Scale, label: "Autoscaling", help: "A HorizontalPodAutoscaler for api and web, between the minimum and the replicas above", hosts: &[Host::K8s] },
    Question { key: "scale.api_min_replicas", step: Step::Scale, label: "API minimum", help: "HPA minimum, or Cloud Run minimum instances", hosts: &[Host::K8s, Host::Gcp] },
    Question { key: "scale.worker_replicas", step: Step::Scale, label: "Worker replicas", help: "Exactly 1: the retry worker has no lease yet, so a second instance retries every dispatch twice", hosts: ALL },
    Question { key: "images.api", step: Step::Scale, label: "API image", help: "e.g. ghcr.io/acme/starter-api:1.4.0", hosts: ALL },
    Question { key: "images.web", step: Step::Scale, label: "Web image", help: "e.g. ghcr.io/acme/starter-web:1.4.0", hosts: ALL },
    Question { key: "images.worker", step: Step::Scale, label: "Worker image", help: "Empty: the API image, as the starter's worker runs it", hosts: ALL },
    Question { key: "gcp.project_id", step: Step::Services, label: "GCP project", help: "The project ID, e.g. acme-prod", hosts: &[Host::Gcp] },
    Question { key: "gcp.region", step: Step::Services, label: "Region", help: "e.g. us-central1", hosts: &[Host::Gcp] },
    Question { key: "gcp.enable_project_services", step: Step::Services, label: "TF enables APIs", help: "Whether Terraform enables the required APIs. Off: you enable every required API by hand before the first apply (enable-apis.sh is written)", hosts: &[Host::Gcp] },
    Question { key: "gcp.cloud_dns", step: Step::Services, label: "Cloud DNS", help: "Needs dns.googleapis.com", hosts: &[Host::Gcp] },
    Question { key: "gcp.artifact_registry", step: Step::Services, label: "Artifact Registry", help: "Needs artifactregistry.googleapis.com", hosts: &[Host::Gcp] },
    Question { key: "gcp.signed_urls", step: Step::Services, label: "Signed URLs", help: "Needs iamcredentials.googleapis.com", hosts: &[Host::Gcp] },
    Question { key: "gcp.extra_services", step: Step::Services, label: "Extra APIs", help: "More APIs to enable, comma-separated; the required ones are always on", hosts: &[Host::Gcp] },
];

impl Question {
    pub fn kind(&self) -> Kind {
        KEYS.iter()
            .find(|k| k.name == self.key)
            .map_or(Kind::Text, |k| k.kind)
    }

    pub fn applies(&self, host: Option<Host>) -> bool {
        host.is_none_or(|h| self.hosts.contains(&h))
    }
}

/// The questions of one step that apply to the answers' host.
pub fn for_step(step: Step, raw: &RawAnswers) -> Vec<&'static Question> {
    let host = raw.host.as_deref().and_then(Host::parse);
    QUESTIONS
        .iter()
        .filter(|q| q.step == step && q.applies(host))
        .collect()
}

pub fn find(key: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_an_answer_key_and_every_key_is_asked() {
        for q in QUESTIONS {
            assert!(KEYS.iter().any(|k| k.name == q.key), "{}", q.key);
        }
        for k in KEYS {
            assert!(find(k.name).is_some(), "{} is never asked", k.name);
        }
    }

    #[test]
    fn services_only_on_gcp() {
        assert!(!Step::all(Some(Host::K8s)).contains(&Step::Services));
        assert!(Step::all(Some(Host::Gcp)).contains(&Step::Services));
    }
}
