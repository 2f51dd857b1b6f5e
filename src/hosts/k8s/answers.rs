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
    /// The External Secrets store; `None`: the chart's own Secret, filled by the operator.
    pub secret_store: Option<K8sName>,
    pub secret_store_kind: String,
    /// Prefix of every remote key; `None`: `<release>-<environment>-`.
    pub remote_key_prefix: Option<String>,
}

impl K8s {
    pub(crate) fn read(r: &Reader) -> Result<Self, AnswerError> {
        Ok(K8s {
            release: r.value("k8s.release", K8sName::label)?,
            namespace: r.value("k8s.namespace", K8sName::label)?,
            ingress_class: r.value("k8s.ingress_class", K8sName::subdomain)?,
            tls_secret: r.optional("k8s.tls_secret", K8sName::subdomain)?,
            api_tls_secret: r.optional("k8s.api_tls_secret", K8sName::subdomain)?,
            secret_store: r.optional("k8s.secret_store", K8sName::subdomain)?,
            secret_store_kind: r.value("k8s.secret_store_kind", |s| Ok(s.to_string()))?,
            remote_key_prefix: r.optional("k8s.remote_key_prefix", remote_prefix)?,
        })
    }
}

pub const SECTION: Section = Section {
    name: "k8s",
    help: "Kubernetes (host = \"k8s\") settings",
};

const K8S: Hosts = Hosts::Only(Host::K8s);

/// A remote-key prefix: the characters secret stores take in a name.
fn remote_prefix(v: &str) -> Result<String, &'static str> {
    v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_/.".contains(c))
        .then(|| v.to_string())
        .ok_or("letters, digits, '-', '_', '/' or '.', such as starter-prod-")
}

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
    Key {
        name: "k8s.secret_store",
        kind: Kind::Text,
        need: Need::Optional,
        default: "starter-secrets",
        example: "gcp-secret-manager",
        help: "External Secrets store the chart's ExternalSecrets read; empty: the chart's own Secret, filled by you",
        hosts: K8S,
        check: |v| K8sName::subdomain(v).map(drop),
        write: |a| Value::optional(a.k8s.secret_store.as_ref()),
        ask: Ask::at(
            Step::Domains,
            "Secret store",
            "External Secrets store every secret is read from. Empty: the chart's own Secret, \
             from a secrets file you fill and never commit",
        ),
    },
    Key {
        name: "k8s.secret_store_kind",
        kind: Kind::Choice(&["ClusterSecretStore", "SecretStore"]),
        need: Need::Defaulted,
        default: "ClusterSecretStore",
        example: "SecretStore",
        help: "kind of the External Secrets store",
        hosts: K8S,
        check: |_| Ok(()),
        write: |a| Value::text(&a.k8s.secret_store_kind),
        ask: Ask::at(Step::Domains, "Store kind", "ClusterSecretStore or SecretStore"),
    },
    Key {
        name: "k8s.remote_key_prefix",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "starter/prod/",
        help: "prefix of every remote key (DATABASE_URL → <prefix>database-url); empty: <release>-<environment>-",
        hosts: K8S,
        check: |v| remote_prefix(v).map(drop),
        write: |a| Value::optional(a.k8s.remote_key_prefix.as_ref()),
        ask: Ask::at(
            Step::Domains,
            "Remote key prefix",
            "Each secret is read from <prefix><name in kebab case>",
        ),
    },
];
