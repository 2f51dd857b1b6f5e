//! `[aws]`: the keys only ECS Fargate with the starter's Terraform blueprint uses.

use crate::answers::Reader;
use crate::answers::{AnswerError, Host};
use crate::answers::{Ask, Hosts, Key, Kind, Need, Section, Value};
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Aws {
    /// The 12-digit account the Secrets Manager ARNs name; required when `host = "aws"`.
    pub account_id: Option<String>,
    pub region: String,
    /// The blueprint's `project_name`: with the environment at most 27 characters (BOOT-010).
    pub project_name: String,
    /// The ACM certificate both ALBs serve; required when `host = "aws"` (the blueprint's
    /// `enable_https` stays on: ROUTE-007 wants https URLs).
    pub certificate_arn: Option<String>,
}

impl Aws {
    pub(crate) fn read(r: &Reader, host: Host) -> Result<Self, AnswerError> {
        let aws = Aws {
            account_id: r.optional("aws.account_id", account_id)?,
            region: r.value("aws.region", region)?,
            project_name: r.value("aws.project_name", project_name)?,
            certificate_arn: r.optional("aws.certificate_arn", certificate_arn)?,
        };
        if host == Host::Aws {
            if aws.account_id.is_none() {
                return Err(AnswerError::new(
                    "aws.account_id",
                    None,
                    "the 12-digit AWS account ID when host = \"aws\" (the secrets' ARNs name it)",
                ));
            }
            if aws.certificate_arn.is_none() {
                return Err(AnswerError::new(
                    "aws.certificate_arn",
                    None,
                    "the ARN of an ACM certificate covering the web and API hosts when host = \"aws\"",
                ));
            }
        }
        Ok(aws)
    }
}

pub const SECTION: Section = Section {
    name: "aws",
    help: "AWS ECS Fargate (host = \"aws\") settings",
};

const AWS: Hosts = Hosts::Only(Host::Aws);

fn account_id(v: &str) -> Result<String, &'static str> {
    (v.len() == 12 && v.bytes().all(|c| c.is_ascii_digit()))
        .then(|| v.to_string())
        .ok_or("12 digits, such as 123456789012")
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`.
pub(crate) fn region(v: &str) -> Result<String, &'static str> {
    let parts: Vec<&str> = v.split('-').collect();
    let ok = (3..=4).contains(&parts.len())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase()))
        && parts.last().is_some_and(|n| {
            !n.is_empty() && n.len() <= 2 && n.bytes().all(|c| c.is_ascii_digit())
        });
    ok.then(|| v.to_string())
        .ok_or("an AWS region such as us-east-1")
}

/// Lowercase, a letter first: it prefixes ALB, target group and ElastiCache names.
fn project_name(v: &str) -> Result<String, &'static str> {
    let ok = v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.len() <= 27
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| v.to_string())
        .ok_or("lowercase letters, digits and '-', a letter first, such as app")
}

fn certificate_arn(v: &str) -> Result<String, &'static str> {
    let ok = v.starts_with("arn:aws")
        && v.split(':').nth(2) == Some("acm")
        && v.contains(":certificate/")
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/-".contains(c));
    ok.then(|| v.to_string()).ok_or(
        "an ACM certificate ARN such as arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-…",
    )
}

pub const KEYS: &[Key] = &[
    Key {
        name: "aws.account_id",
        kind: Kind::Text,
        // Required on aws only: `Aws::read` checks it with the host.
        need: Need::Optional,
        default: "",
        example: "123456789012",
        help: "AWS account ID, which aws requires (the secrets' ARNs name it)",
        hosts: AWS,
        check: |v| account_id(v).map(drop),
        write: |a| Value::optional(a.aws.account_id.as_ref()),
        ask: Ask::at(Step::Services, "AWS account", "The 12-digit account ID"),
    },
    Key {
        name: "aws.region",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "us-east-1",
        example: "eu-central-1",
        help: "AWS region",
        hosts: AWS,
        check: |v| region(v).map(drop),
        write: |a| Value::text(&a.aws.region),
        ask: Ask::at(Step::Services, "Region", "e.g. us-east-1"),
    },
    Key {
        name: "aws.project_name",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "app",
        example: "shop",
        help: "the blueprint's project_name; with the environment at most 27 characters",
        hosts: AWS,
        check: |v| project_name(v).map(drop),
        write: |a| Value::text(&a.aws.project_name),
        ask: Ask::at(
            Step::Services,
            "Name prefix",
            "project_name: names every resource; project_name + environment ≤ 27 lowercase \
             characters (ALB and target group names)",
        ),
    },
    Key {
        name: "aws.certificate_arn",
        kind: Kind::Text,
        // Required on aws only: `Aws::read` checks it with the host.
        need: Need::Optional,
        default: "",
        example:
            "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        help: "ACM certificate for both ALBs (covers the web and API hosts), which aws requires",
        hosts: AWS,
        check: |v| certificate_arn(v).map(drop),
        write: |a| Value::optional(a.aws.certificate_arn.as_ref()),
        ask: Ask::at(
            Step::Services,
            "ACM certificate",
            "ARN of an issued ACM certificate in the region, covering the web host and the API \
             host (the BFF calls the API by its name)",
        ),
    },
];
