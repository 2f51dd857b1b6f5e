//! The answers file: everything the wizard asks, as one TOML document (`version = 1`).
//!
//! Each answer key is one entry of the key table ([`KEYS`]): its name, kind, help, default,
//! check, hosts, question and how checked answers write it back. The keys of one host sit
//! beside its typed section (`k8s.rs`, `gcp.rs`, `vps.rs`); `keys.rs` puts them together.
//!
//! Parsing happens in two steps so that every error names the key: the TOML is read into
//! [`RawAnswers`] (plain strings and numbers, by the table), `--set` edits that raw form, and
//! [`Answers::from_raw`] turns it into checked types.

mod billing;
mod domains;
mod error;
mod images;
mod key;
mod keys;
mod raw;
mod read;
mod runtime;
mod scale;
mod schema;
mod suggest;
mod top;

pub use crate::hosts::aws::Aws;
pub use crate::hosts::azure::Azure;
pub use crate::hosts::gcp::Gcp;
pub use crate::hosts::k8s::K8s;
pub use domains::Domains;
pub use error::AnswerError;
pub use images::Images;
pub use key::{Ask, Check, Hosts, Key, Kind, Need, Section, Value, ANY, COUNT_EXPECTED};
pub use keys::{find, KEYS, SECTIONS};
pub use raw::RawAnswers;
pub use runtime::{Runtime, PROVIDERS};
pub use scale::Scale;
pub use schema::schema;
pub use suggest::suggest;

pub use crate::hosts::Host;
use crate::names::EnvName;
pub(crate) use read::Reader;

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
    pub runtime: Runtime,
    pub k8s: K8s,
    pub gcp: Gcp,
    pub aws: Aws,
    pub azure: Azure,
}

/// Whether `value` is accepted for `key` on its own, with what is accepted when not: the
/// wizard checks each field as it is typed. Empty is accepted for optional keys.
pub fn check_value(key: &str, value: &str) -> Result<(), String> {
    match find(key) {
        Some(k) => k.check_value(value),
        None => Err(format!(
            "a known key: {}",
            suggest(key, KEYS.iter().map(|k| k.name))
        )),
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
        // The order of the checks decides which error a file with several is told first.
        let r = Reader(raw);
        let host = r.value("host", |s| {
            Host::parse(s).ok_or("one of k8s, vps, gcp, aws, azure")
        })?;
        let worker = r.value("billing.worker", |s| {
            WorkerMode::parse(s).ok_or("one of inline, dedicated")
        })?;
        let scale = Scale::read(&r)?;
        // Zero instances only where the platform scales to zero and wakes on a request.
        if scale.api_min_replicas == 0
            && !host
                .capabilities()
                .contains(&crate::contracts::Capability::ScalableWorker)
        {
            return Err(AnswerError::new(
                "scale.api_min_replicas",
                Some("0"),
                format!("{COUNT_EXPECTED} on {host} (0 only where instances scale to zero: gcp)"),
            ));
        }
        let gcp = Gcp::read(&r, host)?;
        let aws = Aws::read(&r, host)?;
        let azure = Azure::read(&r, host)?;
        let answers = Answers {
            host,
            environment: r.value("environment", EnvName::parse)?,
            domains: Domains::read(&r)?,
            worker,
            scale,
            images: Images::read(&r)?,
            runtime: Runtime::read(&r)?,
            k8s: K8s::read(&r)?,
            gcp,
            aws,
            azure,
        };
        crate::hosts::module(host).refuse(&answers)?;
        Ok(answers)
    }

    /// The raw form of these answers with every key spelled out, for `hostwiz.toml`: a review
    /// then shows each decision, and a re-run reads back exactly these answers.
    pub fn to_raw(&self) -> RawAnswers {
        let mut raw = RawAnswers::default();
        raw.version = Some(1);
        for k in KEYS.iter() {
            raw.put(k.name, (k.write)(self));
        }
        raw
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
        assert!(
            e.to_string()
                .contains("unknown field `workers`, expected one of `worker`, `enabled`"),
            "{e}"
        );
        let e = RawAnswers::from_toml(&MINIMAL.replace("version = 1", "version = 1\nreplicas = 3"))
            .unwrap_err();
        assert!(
            e.to_string().contains(
                "expected one of `version`, `host`, `environment`, `domains`, `billing`, \
                 `scale`, `images`, `secrets`, `storage`, `k8s`, `gcp`"
            ),
            "{e}"
        );
        let e = RawAnswers::from_toml("version = 1\n[scale]\nautoscaling = \"no\"\n").unwrap_err();
        assert!(
            e.to_string().contains("line 3") && e.to_string().contains("expected a boolean"),
            "{e}"
        );
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
        for k in KEYS.iter() {
            let v = match k.kind {
                Kind::Count | Kind::Instances => "2",
                Kind::Flag => "true",
                Kind::Choice(o) => o[0],
                Kind::Text | Kind::List => "x",
            };
            raw.set(&format!("{}={v}", k.name)).unwrap();
        }
    }
}
