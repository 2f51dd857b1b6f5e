//! The GCP API catalog (`assets/gcp-services.toml`, embedded): which APIs the blueprint needs,
//! why, and when.

use serde::Deserialize;
use std::sync::OnceLock;

/// A feature of the answers that makes a conditional API necessary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    CloudDns,
    ArtifactRegistry,
    SignedUrls,
}

impl Condition {
    pub fn describe(self) -> &'static str {
        match self {
            Condition::CloudDns => "Cloud DNS manages the domains",
            Condition::ArtifactRegistry => "images are pulled from Artifact Registry",
            Condition::SignedUrls => "GCS V4 signed URLs are signed without a key file",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    Always,
    Bootstrap,
    #[serde(untagged)]
    If(Condition),
}

#[derive(Clone, Debug, Deserialize)]
pub struct Api {
    pub name: String,
    pub needed_by: String,
    pub when: When,
}

#[derive(Deserialize)]
struct File {
    service: Vec<Api>,
}

const SOURCE: &str = include_str!("../assets/gcp-services.toml");

/// Every API of the catalog, in the file's order.
pub fn apis() -> &'static [Api] {
    static CATALOG: OnceLock<Vec<Api>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        toml::from_str::<File>(SOURCE)
            .expect("assets/gcp-services.toml is embedded and tested")
            .service
    })
}

pub fn with(when: When) -> impl Iterator<Item = &'static Api> {
    apis().iter().filter(move |a| a.when == when)
}

pub fn lookup(name: &str) -> Option<&'static Api> {
    apis().iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_with_every_kind() {
        assert_eq!(with(When::Always).count(), 9);
        assert_eq!(with(When::Bootstrap).count(), 2);
        for c in [
            Condition::CloudDns,
            Condition::ArtifactRegistry,
            Condition::SignedUrls,
        ] {
            assert_eq!(with(When::If(c)).count(), 1);
        }
        assert_eq!(lookup("run.googleapis.com").unwrap().when, When::Always);
    }
}
