//! The whole table: every answer key, in the order of the file, and the file's sections. The
//! keys of one host live beside its typed section; this is the one place they are put together.

use super::key::{Key, Section};
use super::{billing, domains, images, runtime, scale, top};
use crate::hosts;
use std::sync::LazyLock;

/// Every answer key, in the order of the file; `--set`, `--help`, the schema and the docs use it.
pub static KEYS: LazyLock<Vec<&'static Key>> = LazyLock::new(|| {
    [
        top::KEYS,
        domains::KEYS,
        billing::KEYS,
        runtime::KEYS,
        scale::KEYS,
        images::KEYS,
    ]
    .into_iter()
    .chain(hosts::all().map(|m| m.keys()))
    .flatten()
    .collect()
});

/// The sections, in the order of the file: the ones every host has, then the hosts' own.
pub static SECTIONS: LazyLock<Vec<&'static Section>> = LazyLock::new(|| {
    COMMON_SECTIONS
        .iter()
        .chain(hosts::all().filter_map(|m| m.section()))
        .collect()
});

const COMMON_SECTIONS: &[Section] = &[
    Section {
        name: "domains",
        help: "The hosts the app answers on",
    },
    Section {
        name: "billing",
        help: "Who owns billing retries and stream replay",
    },
    Section {
        name: "scale",
        help: "Replicas and autoscaling",
    },
    Section {
        name: "images",
        help: "Container images",
    },
    Section {
        name: "secrets",
        help: "Where the app's signing secret and key set live",
    },
    Section {
        name: "storage",
        help: "Object storage for uploads",
    },
];

pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().copied().find(|k| k.name == name)
}

/// The keys written at the top of the file or under `section`.
pub fn in_section(section: Option<&str>) -> impl Iterator<Item = &'static Key> + '_ {
    KEYS.iter().copied().filter(move |k| k.section() == section)
}
