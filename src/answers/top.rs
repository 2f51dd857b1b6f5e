//! The keys at the top of the file: where it runs and what the files are named after.

use super::key::{Ask, Key, Kind, Need, Value, ALL, ANY};
use crate::names::EnvName;
use crate::questions::Step;

pub const KEYS: &[Key] = &[
    Key {
        name: "host",
        kind: Kind::Choice(&crate::hosts::Host::NAMES),
        need: Need::Required("one of k8s, vps, gcp, aws, azure"),
        default: "k8s",
        example: "vps",
        help:
            "where it runs: k8s (Helm), vps (Compose + Caddy), gcp (Cloud Run), aws (ECS Fargate) or azure (Container Apps)",
        hosts: ALL,
        check: ANY,
        write: |a| Value::text(a.host.as_str()),
        ask: Ask::at(
            Step::Host,
            "Host",
            "Where it runs. k8s: the starter's Helm chart · vps: one server with Docker Compose \
             and Caddy · gcp: Cloud Run with Terraform · aws: ECS Fargate with Terraform (billing \
             inline only) · azure: Container Apps with Terraform (blueprint patches needed)",
        ),
    },
    Key {
        name: "environment",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "prod",
        example: "staging",
        help: "names the output files",
        hosts: ALL,
        check: |v| EnvName::parse(v).map(drop),
        write: |a| Value::text(&a.environment),
        ask: Ask::at(
            Step::Host,
            "Environment",
            "Names the output files, e.g. prod → values-prod.yaml",
        ),
    },
];
