//! `[k8s]`: the keys only the Helm chart uses.

use crate::answers::Reader;
use crate::answers::{AnswerError, Host};
use crate::answers::{Ask, Hosts, Key, Kind, Need, Section, Value};
use crate::names::K8sName;
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct K8s {
    pub release: K8sName,
    pub namespace: K8sName,
    pub ingress_class: K8sName,
    pub tls_secret: Option<K8sName>,
    pub api_tls_secret: Option<K8sName>,
}

impl K8s {
    pub(crate) fn read(r: &Reader) -> Result<Self, AnswerError> {
        Ok(K8s {
            release: r.value("k8s.release", K8sName::label)?,
            namespace: r.value("k8s.namespace", K8sName::label)?,
            ingress_class: r.value("k8s.ingress_class", K8sName::subdomain)?,
            tls_secret: r.optional("k8s.tls_secret", K8sName::subdomain)?,
            api_tls_secret: r.optional("k8s.api_tls_secret", K8sName::subdomain)?,
        })
    }
}

pub const SECTION: Section = Section {
    name: "k8s",
    help: "Kubernetes (host = \"k8s\") settings",
};

const K8S: Hosts = Hosts::Only(Host::K8s);

pub const KEYS: &[Key] = &[
    Key {
        name: "k8s.release",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "starter",
        example: "shop",
        help: "Helm release name",
        hosts: K8S,
        check: |v| K8sName::label(v).map(drop),
        write: |a| Value::text(&a.k8s.release),
        ask: Ask::at(
            Step::Domains,
            "Helm release",
            "Name for helm upgrade --install",
        ),
    },
    Key {
        name: "k8s.namespace",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "starter",
        example: "shop",
        help: "Kubernetes namespace",
        hosts: K8S,
        check: |v| K8sName::label(v).map(drop),
        write: |a| Value::text(&a.k8s.namespace),
        // Where it goes before what it is called there.
        ask: Ask::at(
            Step::Domains,
            "Namespace",
            "Kubernetes namespace of the release",
        )
        .before("k8s.release"),
    },
    Key {
        name: "k8s.ingress_class",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "nginx",
        example: "traefik",
        help: "IngressClass name",
        hosts: K8S,
        check: |v| K8sName::subdomain(v).map(drop),
        write: |a| Value::text(&a.k8s.ingress_class),
        ask: Ask::at(
            Step::Domains,
            "Ingress class",
            "The IngressClass that serves the hosts",
        ),
    },
    Key {
        name: "k8s.tls_secret",
        kind: Kind::Text,
        need: Need::Optional,
        default: "starter-tls",
        example: "shop-tls",
        help: "TLS Secret of the web host; empty: no TLS",
        hosts: K8S,
        check: |v| K8sName::subdomain(v).map(drop),
        write: |a| Value::optional(a.k8s.tls_secret.as_ref()),
        ask: Ask::at(
            Step::Domains,
            "Web TLS Secret",
            "Secret with the web host's certificate. Empty: no TLS (ROUTE-005)",
        ),
    },
    Key {
        name: "k8s.api_tls_secret",
        kind: Kind::Text,
        need: Need::Optional,
        default: "starter-api-tls",
        example: "shop-api-tls",
        help: "TLS Secret of the API host; empty: falls back to tls_secret",
        hosts: K8S,
        check: |v| K8sName::subdomain(v).map(drop),
        write: |a| Value::optional(a.k8s.api_tls_secret.as_ref()),
        ask: Ask::at(
            Step::Domains,
            "API TLS Secret",
            "Secret for the API host; empty falls back to the web Secret, which lacks the API \
             host",
        ),
    },
];
