//! `[domains]`: the hosts the app answers on.

use super::key::{Ask, Key, Kind, Need, Value, ALL};
use super::read::Reader;
use super::AnswerError;
use crate::names::{Email, Hostname, HOSTNAME_EXPECTED};
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Domains {
    pub web: Hostname,
    pub api: Option<Hostname>,
    /// Asked on vps only (see `vps.rs`).
    pub tls_email: Option<Email>,
}

pub const KEYS: &[Key] = &[
    Key {
        name: "domains.web",
        kind: Kind::Text,
        need: Need::Required(HOSTNAME_EXPECTED),
        default: "",
        example: "shop.example.org",
        help: "the browser's only entry point",
        hosts: ALL,
        check: |v| Hostname::parse(v).map(drop),
        write: |a| Value::text(&a.domains.web),
        ask: Ask::at(
            Step::Domains,
            "Web host",
            "The browser's only entry point; /api on it goes to the web app (BFF)",
        ),
    },
    Key {
        name: "domains.api",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "api.example.org",
        help: "API host for server-to-server callers; empty: none (required on gcp)",
        hosts: ALL,
        check: |v| Hostname::parse(v).map(drop),
        write: |a| Value::optional(a.domains.api.as_ref()),
        ask: Ask::at(
            Step::Domains,
            "API host",
            "For server-to-server callers only; browsers never use it. Required on gcp (the \
             blueprint's api_base_url); elsewhere optional, empty: no API host",
        ),
    },
];

impl Domains {
    pub(super) fn read(r: &Reader) -> Result<Self, AnswerError> {
        Ok(Domains {
            web: r.value("domains.web", Hostname::parse)?,
            api: r.optional("domains.api", Hostname::parse)?,
            tls_email: r.optional("domains.tls_email", Email::parse)?,
        })
    }
}
