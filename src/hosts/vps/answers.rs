//! The keys only vps uses.

use crate::answers::Host;
use crate::answers::{Ask, Hosts, Key, Kind, Need, Value};
use crate::names::Email;
use crate::questions::Step;

pub const KEYS: &[Key] = &[Key {
    name: "domains.tls_email",
    kind: Kind::Text,
    need: Need::Optional,
    default: "",
    example: "ops@example.org",
    help: "ACME account for Caddy's certificates",
    hosts: Hosts::Only(Host::Vps),
    check: |v| Email::parse(v).map(drop),
    write: |a| Value::optional(a.domains.tls_email.as_ref()),
    ask: Ask::at(
        Step::Domains,
        "ACME e-mail",
        "Caddy's certificate account; expiry notices go here",
    ),
}];
