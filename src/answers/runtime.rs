//! `[secrets]` and `[storage]`, and billing on/off: what the starter's processes need at
//! startup that cannot be derived (STARTER-FACTS "What a generator must ask").

use super::key::{Ask, Key, Kind, Need, Value, ALL, ANY};
use super::read::Reader;
use super::AnswerError;
use crate::names::Expected;
use crate::questions::Step;

/// The secrets providers hostwiz writes (STARTER-FACTS B.4); `vault_dev` is for development.
pub const PROVIDERS: [&str; 4] = ["gcp_sm", "aws_sm", "azure_kv", "vault_hcp"];
pub const STORAGE: [&str; 3] = ["gcs", "s3", "azure_blob"];

#[derive(Clone, Debug, PartialEq)]
pub struct Runtime {
    pub billing: bool,
    /// `STRIPE_PRODUCT_PRICE_MAP` as a JSON object (plan code → Stripe price id).
    pub price_map: Option<String>,
    pub provider: String,
    /// The provider's address: GCP project, AWS region, Key Vault URL or Vault address.
    pub location: Option<String>,
    pub signing_secret: String,
    pub keyset_secret: String,
    pub storage: String,
    pub bucket: Option<String>,
}

impl Runtime {
    pub(crate) fn read(r: &Reader) -> Result<Self, AnswerError> {
        let rt = Runtime {
            billing: r.flag("billing.enabled"),
            price_map: r.optional("billing.price_map", price_map)?,
            provider: r.value("secrets.provider", |s| Ok(s.to_string()))?,
            location: r.optional("secrets.location", address)?,
            signing_secret: r.value("secrets.signing_secret", secret_name)?,
            keyset_secret: r.value("secrets.keyset_secret", secret_name)?,
            storage: r.value("storage.provider", |s| Ok(s.to_string()))?,
            bucket: r.optional("storage.bucket", bucket)?,
        };
        // A missing price map with billing on is BOOT-007's: judged live, like every rule. What
        // a host's blueprint accepts is the host module's to say (`HostModule::refuse`).
        Ok(rt)
    }
}

/// A JSON object of strings: the app parses dict settings as JSON, and a comma list stops
/// it at import (BOOT-009).
fn price_map(v: &str) -> Result<String, Expected> {
    match serde_json::from_str::<serde_json::Value>(v) {
        Ok(serde_json::Value::Object(m)) if m.values().all(|x| x.is_string()) => Ok(v.to_string()),
        _ => Err(
            "a JSON object of plan code to Stripe price id, such as {\"starter\":\"price_123\"}",
        ),
    }
}

/// A secret name (or path) as the providers take it.
fn secret_name(v: &str) -> Result<String, Expected> {
    // What every provider's secret names share (GCP allows only letters, digits, `-`, `_`;
    // AWS and Vault add `/`, `.` and the ARN's `:`), and nothing an env file, YAML or HCL reads differently.
    let ok = !v.is_empty()
        && v.len() <= 255
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c));
    ok.then(|| v.to_string()).ok_or(
        "a name or ARN of letters, digits, '-', '_', '.', '/' or ':', such as auth-signing-secret",
    )
}

/// The provider's address: a GCP project or AWS region (letters, digits, `-`, `_`, `.`), or the
/// http(s) URL of a Key Vault or Vault server. It is written into env files and values, so
/// nothing a shell, YAML or HCL would read differently (`#`, quotes, spaces) gets through.
fn address(v: &str) -> Result<String, Expected> {
    let name = |s: &str| {
        !s.is_empty()
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    let ok = v.len() <= 255
        && match v.split_once("://") {
            Some(("http" | "https", rest)) => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                let host = host.rsplit_once(':').map_or(host, |(h, port)| {
                    if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
                        h
                    } else {
                        ""
                    }
                });
                name(host)
                    && path
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            }
            Some(_) => false,
            None => name(v),
        };
    ok.then(|| v.to_string()).ok_or(
        "a project, region or http(s) URL, such as us-east-1 or https://vault.example.com:8200",
    )
}

/// A bucket name as GCS and S3 take it: 3–63 of lowercase letters, digits, `-`, `_`, `.`.
fn bucket(v: &str) -> Result<String, Expected> {
    let ok = (3..=63).contains(&v.len())
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.ends_with(|c: char| c.is_ascii_alphanumeric());
    ok.then(|| v.to_string())
        .ok_or("a bucket name of 3-63 lowercase letters, digits, '-', '_' or '.'")
}

pub const KEYS: &[Key] = &[
    Key {
        name: "billing.enabled",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "Stripe billing on (ENABLE_BILLING); needs the price map and an API host",
        hosts: ALL,
        check: ANY,
        write: |a| Value::Flag(a.runtime.billing),
        ask: Ask::at(
            Step::Scale,
            "Billing",
            "Stripe billing (ENABLE_BILLING). On: Stripe's keys by reference, the price map, \
             and an API host for POST /webhooks/stripe",
        ),
    },
    Key {
        name: "billing.price_map",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "{\"starter\":\"price_123\"}",
        help: "STRIPE_PRODUCT_PRICE_MAP as JSON, when billing is on",
        hosts: ALL,
        check: |v| price_map(v).map(drop),
        write: |a| Value::optional(a.runtime.price_map.as_ref()),
        ask: Ask::at(
            Step::Scale,
            "Stripe price map",
            "JSON object of plan code to price id; a comma list stops the API at import",
        ),
    },
    Key {
        name: "secrets.provider",
        kind: Kind::Choice(&PROVIDERS),
        need: Need::Defaulted,
        default: "gcp_sm",
        example: "aws_sm",
        help: "SECRETS_PROVIDER and key storage: gcp_sm, aws_sm, azure_kv or vault_hcp",
        hosts: ALL,
        check: ANY,
        write: |a| Value::text(&a.runtime.provider),
        ask: Ask::at(
            Step::Scale,
            "Secrets provider",
            "Where the signing secret and the key set live (the default vault_dev fails a \
             hardened start)",
        ),
    },
    Key {
        name: "secrets.location",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "us-east-1",
        help: "the provider's address: GCP project (default gcp.project_id), AWS region, Key Vault URL or Vault address",
        hosts: ALL,
        check: |v| address(v).map(drop),
        write: |a| Value::optional(a.runtime.location.as_ref()),
        ask: Ask::at(
            Step::Scale,
            "Provider address",
            "GCP project, AWS region, Key Vault URL or Vault address",
        ),
    },
    Key {
        name: "secrets.signing_secret",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "auth-signing-secret",
        example: "arn:aws:secretsmanager:us-east-1:123456789012:secret:signing",
        help: "the signing secret's name (ARN on aws_sm)",
        hosts: ALL,
        check: |v| secret_name(v).map(drop),
        write: |a| Value::text(&a.runtime.signing_secret),
        ask: Ask::at(
            Step::Scale,
            "Signing secret",
            "Name of the secret holding the service-account signing key",
        ),
    },
    Key {
        name: "secrets.keyset_secret",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "auth-keyset",
        example: "starter-keyset",
        help: "AUTH_KEY_SECRET_NAME: the secret holding the Ed25519 key set",
        hosts: ALL,
        check: |v| secret_name(v).map(drop),
        write: |a| Value::text(&a.runtime.keyset_secret),
        ask: Ask::at(
            Step::Scale,
            "Key set secret",
            "Secret holding the key set; `starter-console auth keys rotate` fills it",
        ),
    },
    Key {
        name: "storage.provider",
        kind: Kind::Choice(&STORAGE),
        need: Need::Defaulted,
        default: "gcs",
        example: "s3",
        help: "STORAGE_PROVIDER: gcs, s3 or azure_blob (each cloud blueprint takes its own only)",
        hosts: ALL,
        check: ANY,
        write: |a| Value::text(&a.runtime.storage),
        ask: Ask::at(Step::Scale, "Storage", "Object storage for uploads"),
    },
    Key {
        name: "storage.bucket",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "acme-prod-assets",
        help: "the bucket (globally unique); empty on gcp: <project_id>-<environment>-assets",
        hosts: ALL,
        check: |v| bucket(v).map(drop),
        write: |a| Value::optional(a.runtime.bucket.as_ref()),
        ask: Ask::at(Step::Scale, "Bucket", "Globally unique bucket name"),
    },
];
