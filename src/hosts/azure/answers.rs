//! `[azure]`: the keys only Container Apps with the starter's Terraform blueprint uses.

use crate::answers::Reader;
use crate::answers::{AnswerError, Host};
use crate::answers::{Ask, Hosts, Key, Kind, Need, Section, Value, ANY};
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Azure {
    pub region: String,
    /// The blueprint's `project_name`: with the environment at most 27 lowercase characters.
    pub project_name: String,
    /// `storage_account_name`, globally unique; required when `host = "azure"`.
    pub storage_account: Option<String>,
    /// `key_vault_name`, globally unique; required when `host = "azure"`.
    pub key_vault: Option<String>,
    /// `log_analytics_name`; `<project_name>-<environment>-logs` when not given.
    pub log_analytics: Option<String>,
    /// The operator applies the blueprint patches CHECKLIST.md lists (replica bounds, secret
    /// names, Key Vault access before the apps, citext); until then the rules say each break.
    pub patched: bool,
}

impl Azure {
    pub(crate) fn read(r: &Reader, host: Host) -> Result<Self, AnswerError> {
        let az = Azure {
            region: r.value("azure.region", region)?,
            project_name: r.value("azure.project_name", project_name)?,
            storage_account: r.optional("azure.storage_account", storage_account)?,
            key_vault: r.optional("azure.key_vault", key_vault)?,
            log_analytics: r.optional("azure.log_analytics", log_analytics)?,
            patched: r.flag("azure.blueprint_patched"),
        };
        if host == Host::Azure {
            if az.storage_account.is_none() {
                return Err(AnswerError::new(
                    "azure.storage_account",
                    None,
                    "a globally unique storage account name (3-24 lowercase letters and digits) when host = \"azure\"",
                ));
            }
            if az.key_vault.is_none() {
                return Err(AnswerError::new(
                    "azure.key_vault",
                    None,
                    "a globally unique Key Vault name (3-24 letters, digits and '-') when host = \"azure\"",
                ));
            }
        }
        Ok(az)
    }
}

pub const SECTION: Section = Section {
    name: "azure",
    help: "Azure Container Apps (host = \"azure\") settings",
};

const AZURE: Hosts = Hosts::Only(Host::Azure);

/// `eastus`, `westeurope`, `southeastasia2`: lowercase letters and digits.
fn region(v: &str) -> Result<String, &'static str> {
    let ok = (2..=30).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then(|| v.to_string())
        .ok_or("an Azure region such as eastus or westeurope")
}

/// Lowercase, a letter first: Container App names are lowercase DNS labels.
fn project_name(v: &str) -> Result<String, &'static str> {
    let ok = v.starts_with(|c: char| c.is_ascii_lowercase())
        && v.len() <= 27
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then(|| v.to_string())
        .ok_or("lowercase letters, digits and '-', a letter first, such as app")
}

fn storage_account(v: &str) -> Result<String, &'static str> {
    let ok = (3..=24).contains(&v.len())
        && v.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    ok.then(|| v.to_string())
        .ok_or("3-24 lowercase letters and digits, globally unique, such as acmeprodassets")
}

fn key_vault(v: &str) -> Result<String, &'static str> {
    let ok = (3..=24).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && !v.ends_with('-')
        && !v.contains("--")
        && v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    ok.then(|| v.to_string())
        .ok_or("3-24 letters, digits and single '-', a letter first, globally unique, such as acme-prod-kv")
}

fn log_analytics(v: &str) -> Result<String, &'static str> {
    let ok = (4..=63).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    ok.then(|| v.to_string())
        .ok_or("4-63 letters, digits and '-', such as app-prod-logs")
}

pub const KEYS: &[Key] = &[
    Key {
        name: "azure.region",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "eastus",
        example: "westeurope",
        help: "Azure region",
        hosts: AZURE,
        check: |v| region(v).map(drop),
        write: |a| Value::text(&a.azure.region),
        ask: Ask::at(Step::Services, "Region", "e.g. eastus"),
    },
    Key {
        name: "azure.project_name",
        kind: Kind::Text,
        need: Need::Defaulted,
        default: "app",
        example: "shop",
        help: "the blueprint's project_name; with the environment at most 27 lowercase characters",
        hosts: AZURE,
        check: |v| project_name(v).map(drop),
        write: |a| Value::text(&a.azure.project_name),
        ask: Ask::at(
            Step::Services,
            "Name prefix",
            "project_name: names every resource; project_name + environment ≤ 27 lowercase \
             characters (Container App names)",
        ),
    },
    Key {
        name: "azure.storage_account",
        kind: Kind::Text,
        // Required on azure only: `Azure::read` checks it with the host.
        need: Need::Optional,
        default: "",
        example: "acmeprodassets",
        help: "storage account name, globally unique, which azure requires",
        hosts: AZURE,
        check: |v| storage_account(v).map(drop),
        write: |a| Value::optional(a.azure.storage_account.as_ref()),
        ask: Ask::at(
            Step::Services,
            "Storage account",
            "3-24 lowercase letters and digits, unique across Azure",
        ),
    },
    Key {
        name: "azure.key_vault",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "acme-prod-kv",
        help: "Key Vault name, globally unique, which azure requires",
        hosts: AZURE,
        check: |v| key_vault(v).map(drop),
        write: |a| Value::optional(a.azure.key_vault.as_ref()),
        ask: Ask::at(
            Step::Services,
            "Key Vault",
            "3-24 letters, digits and '-', unique across Azure; the blueprint creates it",
        ),
    },
    Key {
        name: "azure.log_analytics",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "acme-prod-logs",
        help: "Log Analytics workspace name; empty: <project_name>-<environment>-logs",
        hosts: AZURE,
        check: |v| log_analytics(v).map(drop),
        write: |a| Value::optional(a.azure.log_analytics.as_ref()),
        ask: Ask::at(Step::Services, "Log workspace", "Empty: <project_name>-<environment>-logs"),
    },
    Key {
        name: "azure.blueprint_patched",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "the blueprint patches CHECKLIST.md lists are applied (API replicas 1..1, lowercase secret names, Key Vault access before the apps, citext)",
        hosts: AZURE,
        check: ANY,
        write: |a| Value::Flag(a.azure.patched),
        ask: Ask::at(
            Step::Services,
            "Blueprint patched",
            "The shipped blueprint cannot run the starter: it sets no replica bounds (inline \
             billing needs min = max = 1), names Container App secrets DATABASE_URL (Azure \
             wants lowercase-hyphen), grants Key Vault access only after the apps exist and \
             does not allow-list citext. On: you apply the patches CHECKLIST.md lists",
        ),
    },
];
