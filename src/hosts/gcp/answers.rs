//! `[gcp]`: the keys only Cloud Run with Terraform uses.

use crate::answers::Reader;
use crate::answers::{AnswerError, Host};
use crate::answers::{Ask, Hosts, Key, Kind, Need, Section, Value, ANY};
use crate::names::{ProjectId, Region, ServiceName};
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Gcp {
    /// Required when `host = "gcp"`; [`super::Answers::from_raw`] guarantees it then.
    pub project_id: Option<ProjectId>,
    pub region: Region,
    /// The blueprint's `project_name`: with the environment, at most 10 characters (BOOT-010).
    pub project_name: String,
    pub enable_project_services: bool,
    pub cloud_dns: bool,
    pub artifact_registry: bool,
    pub signed_urls: bool,
    pub extra_services: Vec<ServiceName>,
}

impl Gcp {
    pub(crate) fn read(r: &Reader, host: Host) -> Result<Self, AnswerError> {
        let gcp = Gcp {
            project_id: r.optional("gcp.project_id", ProjectId::parse)?,
            region: r.value("gcp.region", Region::parse)?,
            project_name: r.value("gcp.project_name", project_name)?,
            enable_project_services: r.flag("gcp.enable_project_services"),
            cloud_dns: r.flag("gcp.cloud_dns"),
            artifact_registry: r.flag("gcp.artifact_registry"),
            signed_urls: r.flag("gcp.signed_urls"),
            extra_services: r.list("gcp.extra_services", ServiceName::parse)?,
        };
        if host == Host::Gcp && gcp.project_id.is_none() {
            return Err(AnswerError::new(
                "gcp.project_id",
                None,
                "a GCP project ID such as acme-prod when host = \"gcp\"",
            ));
        }
        Ok(gcp)
    }
}

pub const SECTION: Section = Section {
    name: "gcp",
    help: "GCP Cloud Run (host = \"gcp\") settings",
};

const GCP: Hosts = Hosts::Only(Host::Gcp);

/// The blueprint's name prefix: lowercase, a letter first (it names Cloud Run services and the
/// VPC connector); the length with the environment is BOOT-010's.
fn project_name(v: &str) -> Result<String, &'static str> {
    let ok = v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.len() <= 20
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| v.to_string())
        .ok_or("lowercase letters, digits and '-', a letter first, such as app")
}

pub const KEYS: &[Key] = &[
    Key {
        name: "gcp.project_id",
        kind: Kind::Text,
        // Required on gcp only: `Gcp::read` checks it with the host.
        need: Need::Optional,
        default: "",
        example: "acme-staging",
        help: "GCP project ID, which gcp requires",
        hosts: GCP,
        check: |v| ProjectId::parse(v).map(drop),
        write: |a| Value::optional(a.gcp.project_id.as_ref()),
        ask: Ask::at(
            Step::Services,
            "GCP project",
            "The project ID, e.g. acme-prod",
        ),
    },
    Key {
        name: "gcp.region",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "us-central1",
        example: "europe-west1",
        help: "GCP region",
        hosts: GCP,
        check: |v| Region::parse(v).map(drop),
        write: |a| Value::text(&a.gcp.region),
        ask: Ask::at(Step::Services, "Region", "e.g. us-central1"),
    },
    Key {
        name: "gcp.project_name",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "app",
        example: "shop",
        help: "the blueprint's project_name; with the environment at most 10 characters",
        hosts: GCP,
        check: |v| project_name(v).map(drop),
        write: |a| Value::text(&a.gcp.project_name),
        ask: Ask::at(
            Step::Services,
            "Name prefix",
            "project_name: names every resource; project_name + environment ≤ 10 characters \
             (the VPC connector's limit)",
        ),
    },
    Key {
        name: "gcp.enable_project_services",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "true",
        example: "false",
        help: "Terraform enables the required APIs",
        hosts: GCP,
        check: ANY,
        write: |a| Value::Flag(a.gcp.enable_project_services),
        ask: Ask::at(
            Step::Services,
            "TF enables APIs",
            "Whether Terraform enables the required APIs. Off: you enable every required API by \
             hand before the first apply (enable-apis.sh is written)",
        ),
    },
    Key {
        name: "gcp.cloud_dns",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "Cloud DNS manages the domains",
        hosts: GCP,
        check: ANY,
        write: |a| Value::Flag(a.gcp.cloud_dns),
        ask: Ask::at(Step::Services, "Cloud DNS", "Needs dns.googleapis.com"),
    },
    Key {
        name: "gcp.artifact_registry",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "images come from Artifact Registry",
        hosts: GCP,
        check: ANY,
        write: |a| Value::Flag(a.gcp.artifact_registry),
        ask: Ask::at(
            Step::Services,
            "Artifact Registry",
            "Needs artifactregistry.googleapis.com",
        ),
    },
    Key {
        name: "gcp.signed_urls",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "GCS V4 signed URLs without a key file",
        hosts: GCP,
        check: ANY,
        write: |a| Value::Flag(a.gcp.signed_urls),
        ask: Ask::at(
            Step::Services,
            "Signed URLs",
            "Needs iamcredentials.googleapis.com",
        ),
    },
    Key {
        name: "gcp.extra_services",
        kind: Kind::List,
        need: Need::Optional,
        default: "",
        example: "translate.googleapis.com",
        help: "more APIs to enable, such as translate.googleapis.com",
        hosts: GCP,
        check: |v| ServiceName::parse(v).map(drop),
        write: |a| Value::List(a.gcp.extra_services.iter().map(|s| s.to_string()).collect()),
        ask: Ask::at(
            Step::Services,
            "Extra APIs",
            "More APIs to enable, comma-separated; the required ones are always on",
        ),
    },
];
