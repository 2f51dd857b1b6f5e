//! The answers file: everything the wizard asks, as one TOML document (`version = 1`).
//!
//! Parsing happens in two steps so that every error names the key: serde reads the TOML into
//! [`RawAnswers`] (plain strings and numbers, with defaults), `--set` edits that raw form through
//! the [`KEYS`] table, and [`Answers::from_raw`] turns it into checked types.

use crate::names::{Email, EnvName, Hostname, ImageRef, K8sName, ProjectId, Region, ServiceName};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    K8s,
    Vps,
    Gcp,
}

impl Host {
    pub const ALL: [Host; 3] = [Host::K8s, Host::Vps, Host::Gcp];

    pub fn as_str(self) -> &'static str {
        match self {
            Host::K8s => "k8s",
            Host::Vps => "vps",
            Host::Gcp => "gcp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

impl Host {
    /// What the host offers that rules are about: which rules judge it.
    pub fn capabilities(self) -> &'static [crate::contracts::Capability] {
        crate::hosts::module(self).capabilities()
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkerMode {
    Inline,
    Dedicated,
}

impl WorkerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerMode::Inline => "inline",
            WorkerMode::Dedicated => "dedicated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "inline" => Some(Self::Inline),
            "dedicated" => Some(Self::Dedicated),
            _ => None,
        }
    }
}

/// Checked answers: every field holds a valid value, and the cross-field checks have passed.
#[derive(Clone, Debug, PartialEq)]
pub struct Answers {
    pub host: Host,
    pub environment: EnvName,
    pub domains: Domains,
    pub worker: WorkerMode,
    pub scale: Scale,
    pub images: Images,
    pub k8s: K8s,
    pub gcp: Gcp,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Domains {
    pub web: Hostname,
    pub api: Option<Hostname>,
    pub tls_email: Option<Email>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub api_replicas: u32,
    pub api_min_replicas: u32,
    pub autoscaling: bool,
    pub worker_replicas: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Images {
    pub api: ImageRef,
    pub web: ImageRef,
    pub worker: Option<ImageRef>,
}

impl Images {
    /// The worker runs the API image unless told otherwise, as the starter's Compose file does.
    pub fn worker_or_api(&self) -> &ImageRef {
        self.worker.as_ref().unwrap_or(&self.api)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct K8s {
    pub release: K8sName,
    pub namespace: K8sName,
    pub ingress_class: K8sName,
    pub tls_secret: Option<K8sName>,
    pub api_tls_secret: Option<K8sName>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Gcp {
    /// Required when `host = "gcp"`; [`Answers::from_raw`] guarantees it then.
    pub project_id: Option<ProjectId>,
    pub region: Region,
    pub enable_project_services: bool,
    pub cloud_dns: bool,
    pub artifact_registry: bool,
    pub signed_urls: bool,
    pub extra_services: Vec<ServiceName>,
}

/// The TOML as written, before any check. Absent keys take the documented defaults in
/// [`Answers::from_raw`], so a minimal file stays minimal when written back.
///
/// The JSON Schema derived from this type (`assets/answers.schema.json`, `hostwiz schema`) lets
/// TOML editors complete and validate answers files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    title = "hostwiz answers file",
    description = "The answers hostwiz writes as hostwiz.toml and reads with `hostwiz apply --answers`."
)]
#[serde(deny_unknown_fields)]
pub struct RawAnswers {
    /// The answers file format: always 1.
    #[schemars(required, extend("const" = 1))]
    pub version: Option<i64>,
    /// Where it runs: k8s (Helm), vps (Docker Compose + Caddy) or gcp (Cloud Run).
    #[schemars(required, extend("enum" = ["k8s", "vps", "gcp"]))]
    pub host: Option<String>,
    /// Names the output files (default prod).
    pub environment: Option<String>,
    /// The hosts the app answers on.
    #[serde(default)]
    pub domains: RawDomains,
    /// Who owns billing retries and stream replay.
    #[serde(default)]
    pub billing: RawBilling,
    /// Replicas and autoscaling.
    #[serde(default)]
    pub scale: RawScale,
    /// Container images.
    #[serde(default)]
    pub images: RawImages,
    /// Kubernetes (host = "k8s") settings.
    #[serde(default)]
    pub k8s: RawK8s,
    /// GCP Cloud Run (host = "gcp") settings.
    #[serde(default)]
    pub gcp: RawGcp,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDomains {
    /// The browser's only entry point (required).
    pub web: Option<String>,
    /// Optional API host for server-to-server callers.
    pub api: Option<String>,
    /// On vps: the ACME account for Caddy's certificates.
    pub tls_email: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBilling {
    /// Who owns billing retries and replay.
    #[schemars(extend("enum" = ["inline", "dedicated"]))]
    pub worker: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    /// API replicas, HPA max, or Cloud Run max instances.
    #[schemars(range(min = 1, max = 1000))]
    pub api_replicas: Option<i64>,
    /// HPA min or Cloud Run min instances.
    #[schemars(range(min = 1, max = 1000))]
    pub api_min_replicas: Option<i64>,
    /// On k8s: a HorizontalPodAutoscaler for api and web.
    pub autoscaling: Option<bool>,
    /// Worker replicas (must be 1).
    #[schemars(range(min = 1, max = 1000))]
    pub worker_replicas: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawImages {
    /// API image (required).
    pub api: Option<String>,
    /// Web image (required).
    pub web: Option<String>,
    /// Worker image (empty: the API image).
    pub worker: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawK8s {
    /// Helm release name.
    pub release: Option<String>,
    /// Kubernetes namespace.
    pub namespace: Option<String>,
    /// IngressClass name.
    pub ingress_class: Option<String>,
    /// TLS Secret of the web host (empty: no TLS).
    pub tls_secret: Option<String>,
    /// TLS Secret of the API host (empty: falls back to tls_secret).
    pub api_tls_secret: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGcp {
    /// GCP project ID (required on gcp).
    pub project_id: Option<String>,
    /// GCP region.
    pub region: Option<String>,
    /// Terraform enables the required APIs.
    pub enable_project_services: Option<bool>,
    /// Cloud DNS manages the domains.
    pub cloud_dns: Option<bool>,
    /// Images are pulled from Artifact Registry (`*-docker.pkg.dev`).
    pub artifact_registry: Option<bool>,
    /// GCS V4 signed URLs without a key file.
    pub signed_urls: Option<bool>,
    /// More APIs to enable, such as "translate.googleapis.com".
    pub extra_services: Option<Vec<String>>,
}

/// An answer that is missing, of the wrong type, or not an accepted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub key: String,
    pub value: Option<String>,
    pub expected: String,
}

impl AnswerError {
    fn new(key: &str, value: Option<&str>, expected: impl Into<String>) -> Self {
        Self {
            key: key.to_string(),
            value: value.map(str::to_string),
            expected: expected.into(),
        }
    }
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(v) => write!(
                f,
                "{} = {:?} is not accepted: expected {}",
                self.key, v, self.expected
            ),
            None => write!(f, "{} is required: expected {}", self.key, self.expected),
        }
    }
}

/// What a `--set` value is parsed as.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Text,
    Count,
    Flag,
    Choice(&'static [&'static str]),
    List,
}

/// One answer key: its dotted name, what it takes, and a line of help.
pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    pub help: &'static str,
}

macro_rules! keys {
    ($($name:literal $kind:expr, $help:literal;)*) => {
        /// Every answer key, in the order of the file; `--set`, `--help` and the docs use it.
        pub const KEYS: &[Key] = &[$(Key { name: $name, kind: $kind, help: $help }),*];
    };
}

keys! {
    "host" Kind::Choice(&["k8s", "vps", "gcp"]), "where it runs";
    "environment" Kind::Text, "names the output files (default prod)";
    "domains.web" Kind::Text, "the browser's only entry point (required)";
    "domains.api" Kind::Text, "optional API host for server-to-server callers";
    "domains.tls_email" Kind::Text, "vps: ACME account for Caddy";
    "billing.worker" Kind::Choice(&["inline", "dedicated"]), "who owns billing retries and replay";
    "scale.api_replicas" Kind::Count, "API replicas, HPA max, or Cloud Run max instances";
    "scale.api_min_replicas" Kind::Count, "HPA min or Cloud Run min instances";
    "scale.autoscaling" Kind::Flag, "k8s: a HorizontalPodAutoscaler for api and web";
    "scale.worker_replicas" Kind::Count, "worker replicas (must be 1)";
    "images.api" Kind::Text, "API image (required)";
    "images.web" Kind::Text, "web image (required)";
    "images.worker" Kind::Text, "worker image (empty: the API image)";
    "k8s.release" Kind::Text, "Helm release name";
    "k8s.namespace" Kind::Text, "Kubernetes namespace";
    "k8s.ingress_class" Kind::Text, "IngressClass name";
    "k8s.tls_secret" Kind::Text, "TLS Secret of the web host (empty: no TLS)";
    "k8s.api_tls_secret" Kind::Text, "TLS Secret of the API host (empty: falls back to tls_secret)";
    "gcp.project_id" Kind::Text, "GCP project ID (required on gcp)";
    "gcp.region" Kind::Text, "GCP region";
    "gcp.enable_project_services" Kind::Flag, "Terraform enables the required APIs";
    "gcp.cloud_dns" Kind::Flag, "Cloud DNS manages the domains";
    "gcp.artifact_registry" Kind::Flag, "images are pulled from *-docker.pkg.dev";
    "gcp.signed_urls" Kind::Flag, "GCS V4 signed URLs without a key file";
    "gcp.extra_services" Kind::List, "more APIs to enable, comma-separated";
}

const BOOL_EXPECTED: &str = "true or false";
const COUNT_EXPECTED: &str = "a whole number from 1 to 1000";

impl RawAnswers {
    pub fn from_toml(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("answers always serialize: plain strings, numbers and tables")
    }

    /// Applies one `--set KEY=VALUE`. The value is parsed by the key's kind here; whether it is
    /// an accepted value is decided later, with every other answer, by [`Answers::from_raw`].
    pub fn set(&mut self, assignment: &str) -> Result<(), AnswerError> {
        let Some((name, value)) = assignment.split_once('=') else {
            return Err(AnswerError::new(
                assignment,
                None,
                "KEY=VALUE, such as billing.worker=dedicated",
            ));
        };
        let name = name.trim();
        let Some(key) = KEYS.iter().find(|k| k.name == name) else {
            return Err(AnswerError::new(
                name,
                Some(value),
                format!(
                    "a known key: {}",
                    suggest(name, KEYS.iter().map(|k| k.name))
                ),
            ));
        };
        let text = || Some(value.to_string());
        let flag = || match value {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(AnswerError::new(name, Some(value), BOOL_EXPECTED)),
        };
        let count = || {
            value
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AnswerError::new(name, Some(value), COUNT_EXPECTED))
        };
        if let Kind::Choice(options) = key.kind {
            if !options.contains(&value) {
                return Err(AnswerError::new(
                    name,
                    Some(value),
                    format!("one of {}", options.join(", ")),
                ));
            }
        }
        match name {
            "host" => self.host = text(),
            "environment" => self.environment = text(),
            "domains.web" => self.domains.web = text(),
            "domains.api" => self.domains.api = text(),
            "domains.tls_email" => self.domains.tls_email = text(),
            "billing.worker" => self.billing.worker = text(),
            "scale.api_replicas" => self.scale.api_replicas = count()?,
            "scale.api_min_replicas" => self.scale.api_min_replicas = count()?,
            "scale.autoscaling" => self.scale.autoscaling = flag()?,
            "scale.worker_replicas" => self.scale.worker_replicas = count()?,
            "images.api" => self.images.api = text(),
            "images.web" => self.images.web = text(),
            "images.worker" => self.images.worker = text(),
            "k8s.release" => self.k8s.release = text(),
            "k8s.namespace" => self.k8s.namespace = text(),
            "k8s.ingress_class" => self.k8s.ingress_class = text(),
            "k8s.tls_secret" => self.k8s.tls_secret = text(),
            "k8s.api_tls_secret" => self.k8s.api_tls_secret = text(),
            "gcp.project_id" => self.gcp.project_id = text(),
            "gcp.region" => self.gcp.region = text(),
            "gcp.enable_project_services" => self.gcp.enable_project_services = flag()?,
            "gcp.cloud_dns" => self.gcp.cloud_dns = flag()?,
            "gcp.artifact_registry" => self.gcp.artifact_registry = flag()?,
            "gcp.signed_urls" => self.gcp.signed_urls = flag()?,
            "gcp.extra_services" => {
                self.gcp.extra_services = Some(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            }
            _ => unreachable!("every entry of KEYS has a setter"),
        }
        Ok(())
    }
}

impl RawAnswers {
    /// The answer under a dotted key as text (a list joined by ", "; absent is empty), as the
    /// wizard shows and edits it.
    pub fn get(&self, key: &str) -> String {
        self.values().remove(key).unwrap_or_default()
    }

    /// Every answer key's text at once, from one serialization (what the wizard draws from).
    pub fn values(&self) -> std::collections::BTreeMap<&'static str, String> {
        let table = toml::Value::try_from(self).ok();
        KEYS.iter()
            .map(|k| {
                let node = k
                    .name
                    .split('.')
                    .try_fold(table.as_ref(), |node, part| node.map(|n| n.get(part)))
                    .flatten();
                let text = match node {
                    None => String::new(),
                    Some(toml::Value::String(s)) => s.clone(),
                    Some(toml::Value::Array(items)) => items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    Some(other) => other.to_string(),
                };
                (k.name, text)
            })
            .collect()
    }
}

/// Whether `value` is accepted for `key` on its own, with what is accepted when not: the
/// wizard checks each field as it is typed. Empty is accepted for optional keys.
pub fn check_value(key: &str, value: &str) -> Result<(), String> {
    let v = value.trim();
    let optional =
        |parse: fn(&str) -> Result<(), &'static str>| if v.is_empty() { Ok(()) } else { parse(v) };
    let required = |parse: fn(&str) -> Result<(), &'static str>| {
        if v.is_empty() {
            Err("a value (required)")
        } else {
            parse(v)
        }
    };
    fn ok<T>(r: Result<T, &'static str>) -> Result<(), &'static str> {
        r.map(|_| ())
    }
    let result = match key {
        "environment" => required(|v| ok(EnvName::parse(v))),
        "domains.web" => required(|v| ok(Hostname::parse(v))),
        "domains.api" => optional(|v| ok(Hostname::parse(v))),
        "domains.tls_email" => optional(|v| ok(Email::parse(v))),
        "images.api" | "images.web" => required(|v| ok(ImageRef::parse(v))),
        "images.worker" => optional(|v| ok(ImageRef::parse(v))),
        "k8s.release" | "k8s.namespace" => required(|v| ok(K8sName::label(v))),
        "k8s.ingress_class" => required(|v| ok(K8sName::subdomain(v))),
        "k8s.tls_secret" | "k8s.api_tls_secret" => optional(|v| ok(K8sName::subdomain(v))),
        "gcp.project_id" => optional(|v| ok(ProjectId::parse(v))),
        "gcp.region" => required(|v| ok(Region::parse(v))),
        "gcp.extra_services" => optional(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .try_for_each(|s| ok(ServiceName::parse(s)))
        }),
        _ => {
            let mut raw = RawAnswers::default();
            raw.set(&format!("{key}={v}")).map_err(|e| e.expected)?;
            let is_count = KEYS
                .iter()
                .any(|k| k.name == key && matches!(k.kind, Kind::Count));
            if is_count && !v.parse::<i64>().is_ok_and(|n| (1..=1000).contains(&n)) {
                return Err(COUNT_EXPECTED.into());
            }
            return Ok(());
        }
    };
    result.map_err(|e| e.to_string())
}

/// The closest known name, for "did you mean" hints.
pub fn suggest<'a>(wrong: &str, known: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = known.collect();
    let best = all
        .iter()
        .map(|k| {
            (
                edit_distance(&wrong.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .min();
    match best {
        Some((d, k)) if d <= wrong.len().max(3) / 2 => {
            format!("did you mean {k}? (known: {})", all.join(", "))
        }
        _ => all.join(", "),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A non-empty string, or `None` for an absent or empty answer.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

fn checked<T>(
    key: &str,
    v: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<T, AnswerError> {
    parse(v).map_err(|e| AnswerError::new(key, Some(v), e))
}

fn optional<T>(
    key: &str,
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, AnswerError> {
    given(v).map(|v| checked(key, v, parse)).transpose()
}

fn required<T>(
    key: &str,
    v: &Option<String>,
    expected: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<T, AnswerError> {
    let v = given(v).ok_or_else(|| AnswerError::new(key, None, expected))?;
    checked(key, v, parse)
}

fn defaulted<T>(
    key: &str,
    v: &Option<String>,
    default: &str,
    parse: impl Fn(&str) -> Result<T, &'static str>,
) -> Result<T, AnswerError> {
    checked(key, given(v).unwrap_or(default), parse)
}

fn count(key: &str, v: Option<i64>, default: u32) -> Result<u32, AnswerError> {
    match v {
        None => Ok(default),
        Some(n) if (1..=1000).contains(&n) => Ok(n as u32),
        Some(n) => Err(AnswerError::new(key, Some(&n.to_string()), COUNT_EXPECTED)),
    }
}

impl Answers {
    pub fn from_raw(raw: &RawAnswers) -> Result<Self, AnswerError> {
        match raw.version {
            Some(1) => {}
            Some(v) => {
                return Err(AnswerError::new(
                    "version",
                    Some(&v.to_string()),
                    "1 (this hostwiz reads answers files of version 1)",
                ))
            }
            None => {
                return Err(AnswerError::new(
                    "version",
                    None,
                    "version = 1 at the top of the file",
                ))
            }
        }
        let host = required("host", &raw.host, "one of k8s, vps, gcp", |s| {
            Host::parse(s).ok_or("one of k8s, vps, gcp")
        })?;
        let worker = defaulted("billing.worker", &raw.billing.worker, "inline", |s| {
            WorkerMode::parse(s).ok_or("one of inline, dedicated")
        })?;
        let scale = Scale {
            api_replicas: count("scale.api_replicas", raw.scale.api_replicas, 1)?,
            api_min_replicas: count("scale.api_min_replicas", raw.scale.api_min_replicas, 1)?,
            autoscaling: raw.scale.autoscaling.unwrap_or(false),
            worker_replicas: count("scale.worker_replicas", raw.scale.worker_replicas, 1)?,
        };
        if scale.api_min_replicas > scale.api_replicas {
            return Err(AnswerError::new(
                "scale.api_min_replicas",
                Some(&scale.api_min_replicas.to_string()),
                format!("at most scale.api_replicas ({})", scale.api_replicas),
            ));
        }
        let gcp = Gcp {
            project_id: optional("gcp.project_id", &raw.gcp.project_id, ProjectId::parse)?,
            region: defaulted("gcp.region", &raw.gcp.region, "us-central1", Region::parse)?,
            enable_project_services: raw.gcp.enable_project_services.unwrap_or(true),
            cloud_dns: raw.gcp.cloud_dns.unwrap_or(false),
            artifact_registry: raw.gcp.artifact_registry.unwrap_or(false),
            signed_urls: raw.gcp.signed_urls.unwrap_or(false),
            extra_services: raw
                .gcp
                .extra_services
                .iter()
                .flatten()
                .map(|s| checked("gcp.extra_services", s, ServiceName::parse))
                .collect::<Result<_, _>>()?,
        };
        if host == Host::Gcp && gcp.project_id.is_none() {
            return Err(AnswerError::new(
                "gcp.project_id",
                None,
                "a GCP project ID such as acme-prod when host = \"gcp\"",
            ));
        }
        Ok(Answers {
            host,
            environment: defaulted("environment", &raw.environment, "prod", EnvName::parse)?,
            domains: Domains {
                web: required(
                    "domains.web",
                    &raw.domains.web,
                    crate::names::HOSTNAME_EXPECTED,
                    Hostname::parse,
                )?,
                api: optional("domains.api", &raw.domains.api, Hostname::parse)?,
                tls_email: optional("domains.tls_email", &raw.domains.tls_email, Email::parse)?,
            },
            worker,
            scale,
            images: Images {
                api: required(
                    "images.api",
                    &raw.images.api,
                    "an image reference",
                    ImageRef::parse,
                )?,
                web: required(
                    "images.web",
                    &raw.images.web,
                    "an image reference",
                    ImageRef::parse,
                )?,
                worker: optional("images.worker", &raw.images.worker, ImageRef::parse)?,
            },
            k8s: K8s {
                release: defaulted("k8s.release", &raw.k8s.release, "starter", K8sName::label)?,
                namespace: defaulted(
                    "k8s.namespace",
                    &raw.k8s.namespace,
                    "starter",
                    K8sName::label,
                )?,
                ingress_class: defaulted(
                    "k8s.ingress_class",
                    &raw.k8s.ingress_class,
                    "nginx",
                    K8sName::subdomain,
                )?,
                tls_secret: match &raw.k8s.tls_secret {
                    None => Some(K8sName::subdomain("starter-tls").expect("valid default")),
                    v => optional("k8s.tls_secret", v, K8sName::subdomain)?,
                },
                api_tls_secret: match &raw.k8s.api_tls_secret {
                    None => Some(K8sName::subdomain("starter-api-tls").expect("valid default")),
                    v => optional("k8s.api_tls_secret", v, K8sName::subdomain)?,
                },
            },
            gcp,
        })
    }

    /// The raw form of these answers with every key spelled out, for `hostwiz.toml`: a review
    /// then shows each decision, and a re-run reads back exactly these answers.
    pub fn to_raw(&self) -> RawAnswers {
        let s = |v: &dyn AsRef<str>| Some(v.as_ref().to_string());
        let opt = |v: Option<&dyn AsRef<str>>| {
            Some(v.map(|v| v.as_ref().to_string()).unwrap_or_default())
        };
        RawAnswers {
            version: Some(1),
            host: s(&self.host.as_str()),
            environment: s(&self.environment),
            domains: RawDomains {
                web: s(&self.domains.web),
                api: opt(self.domains.api.as_ref().map(|v| v as _)),
                tls_email: opt(self.domains.tls_email.as_ref().map(|v| v as _)),
            },
            billing: RawBilling {
                worker: s(&self.worker.as_str()),
            },
            scale: RawScale {
                api_replicas: Some(self.scale.api_replicas.into()),
                api_min_replicas: Some(self.scale.api_min_replicas.into()),
                autoscaling: Some(self.scale.autoscaling),
                worker_replicas: Some(self.scale.worker_replicas.into()),
            },
            images: RawImages {
                api: s(&self.images.api),
                web: s(&self.images.web),
                worker: opt(self.images.worker.as_ref().map(|v| v as _)),
            },
            k8s: RawK8s {
                release: s(&self.k8s.release),
                namespace: s(&self.k8s.namespace),
                ingress_class: s(&self.k8s.ingress_class),
                tls_secret: opt(self.k8s.tls_secret.as_ref().map(|v| v as _)),
                api_tls_secret: opt(self.k8s.api_tls_secret.as_ref().map(|v| v as _)),
            },
            gcp: RawGcp {
                project_id: opt(self.gcp.project_id.as_ref().map(|v| v as _)),
                region: s(&self.gcp.region),
                enable_project_services: Some(self.gcp.enable_project_services),
                cloud_dns: Some(self.gcp.cloud_dns),
                artifact_registry: Some(self.gcp.artifact_registry),
                signed_urls: Some(self.gcp.signed_urls),
                extra_services: Some(
                    self.gcp
                        .extra_services
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
version = 1
host = "k8s"
[domains]
web = "App.Example.com"
[images]
api = "ghcr.io/acme/starter-api:1.4.0"
web = "ghcr.io/acme/starter-web:1.4.0"
"#;

    fn parse(text: &str, sets: &[&str]) -> Result<Answers, AnswerError> {
        let mut raw = RawAnswers::from_toml(text).unwrap();
        for s in sets {
            raw.set(s)?;
        }
        Answers::from_raw(&raw)
    }

    #[test]
    fn minimal_file_takes_the_documented_defaults() {
        let a = parse(MINIMAL, &[]).unwrap();
        assert_eq!(a.domains.web.as_str(), "app.example.com");
        assert_eq!(a.worker, WorkerMode::Inline);
        assert_eq!(a.environment.as_str(), "prod");
        assert_eq!(a.scale.api_replicas, 1);
        assert_eq!(
            a.k8s.api_tls_secret.as_ref().unwrap().as_str(),
            "starter-api-tls"
        );
        assert!(a.gcp.enable_project_services);
    }

    #[test]
    fn written_answers_read_back_the_same() {
        let a = parse(
            MINIMAL,
            &[
                "domains.api=api.example.com",
                "billing.worker=dedicated",
                "k8s.tls_secret=",
            ],
        )
        .unwrap();
        let back =
            Answers::from_raw(&RawAnswers::from_toml(&a.to_raw().to_toml()).unwrap()).unwrap();
        assert_eq!(a, back);
        assert_eq!(back.k8s.tls_secret, None);
    }

    #[test]
    fn errors_name_the_key_and_what_is_accepted() {
        let e = parse(MINIMAL, &["domains.web=app.example.com { respond 1 }"]).unwrap_err();
        assert_eq!(e.key, "domains.web");
        assert!(e.to_string().contains("DNS hostname"), "{e}");
        let e = parse(MINIMAL, &["scale.api_replicas=0"]).unwrap_err();
        assert_eq!(e.key, "scale.api_replicas");
        let e = parse(MINIMAL, &["scale.api_replicas=x"]).unwrap_err();
        assert!(e.to_string().contains("whole number"), "{e}");
        let e = parse(MINIMAL, &["billing.worker=both"]).unwrap_err();
        assert!(e.to_string().contains("inline, dedicated"), "{e}");
        let e = parse(MINIMAL, &["billing.workers=inline"]).unwrap_err();
        assert!(
            e.to_string().contains("did you mean billing.worker?"),
            "{e}"
        );
        let e = parse(MINIMAL, &["host=gcp"]).unwrap_err();
        assert_eq!(e.key, "gcp.project_id");
        let e = parse(MINIMAL, &["scale.api_min_replicas=3"]).unwrap_err();
        assert_eq!(e.key, "scale.api_min_replicas");
        let e = parse(MINIMAL, &["nonsense"]).unwrap_err();
        assert!(e.to_string().contains("KEY=VALUE"), "{e}");
    }

    #[test]
    fn version_is_required_and_checked() {
        let e = parse(&MINIMAL.replace("version = 1", "version = 2"), &[]).unwrap_err();
        assert_eq!(e.key, "version");
        let e = parse(&MINIMAL.replace("version = 1", ""), &[]).unwrap_err();
        assert_eq!(e.key, "version");
    }

    #[test]
    fn unknown_keys_in_a_file_are_refused() {
        let e = RawAnswers::from_toml(&format!("{MINIMAL}\n[billing]\nworkers = \"inline\"\n"))
            .unwrap_err();
        assert!(e.to_string().contains("workers"), "{e}");
    }

    #[test]
    fn values_are_checked_one_key_at_a_time() {
        assert!(check_value("domains.web", "app.example.com").is_ok());
        assert!(check_value("domains.web", "")
            .unwrap_err()
            .contains("required"));
        assert!(check_value("domains.api", "").is_ok());
        assert!(check_value("domains.api", "https://x")
            .unwrap_err()
            .contains("DNS hostname"));
        assert!(check_value("scale.api_replicas", "0").is_err());
        assert!(check_value("scale.api_replicas", "3").is_ok());
        assert!(check_value("billing.worker", "both").is_err());
        assert!(check_value("gcp.extra_services", "dns.googleapis.com, x").is_err());
        let a = parse(MINIMAL, &["domains.api=api.example.com"])
            .unwrap()
            .to_raw();
        assert_eq!(a.get("domains.api"), "api.example.com");
        assert_eq!(a.get("scale.api_replicas"), "1");
        assert_eq!(a.get("gcp.extra_services"), "");
        assert_eq!(a.get("nope"), "");
    }

    #[test]
    fn every_key_has_a_setter() {
        let mut raw = RawAnswers::default();
        for k in KEYS {
            let v = match k.kind {
                Kind::Count => "2",
                Kind::Flag => "true",
                Kind::Choice(o) => o[0],
                Kind::Text | Kind::List => "x",
            };
            raw.set(&format!("{}={v}", k.name)).unwrap();
        }
    }
}
