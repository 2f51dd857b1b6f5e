//! `[images]`: the container images.

use super::key::{Ask, Key, Kind, Need, Value, ALL};
use super::read::Reader;
use super::AnswerError;
use crate::names::ImageRef;
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Images {
    pub api: ImageRef,
    pub web: ImageRef,
    pub worker: Option<ImageRef>,
}

impl Images {
    /// The worker runs the API image unless told otherwise, as the starter's Compose file does.
    pub fn worker_or_api(&self) -> &ImageRef {
        self.worker.as_ref().unwrap_or(&self.api)
    }

    pub(super) fn read(r: &Reader) -> Result<Self, AnswerError> {
        Ok(Images {
            api: r.value("images.api", ImageRef::parse)?,
            web: r.value("images.web", ImageRef::parse)?,
            worker: r.optional("images.worker", ImageRef::parse)?,
        })
    }
}

const IMAGE_EXPECTED: &str = "an image reference";

pub const KEYS: &[Key] = &[
    Key {
        name: "images.api",
        kind: Kind::Text,
        need: Need::Required(IMAGE_EXPECTED),
        default: "",
        example: "registry.example.org/api:2",
        help: "API image",
        hosts: ALL,
        check: |v| ImageRef::parse(v).map(drop),
        write: |a| Value::text(&a.images.api),
        ask: Ask::at(
            Step::Scale,
            "API image",
            "e.g. ghcr.io/acme/starter-api:1.4.0",
        ),
    },
    Key {
        name: "images.web",
        kind: Kind::Text,
        need: Need::Required(IMAGE_EXPECTED),
        default: "",
        example: "registry.example.org/web:2",
        help: "web image",
        hosts: ALL,
        check: |v| ImageRef::parse(v).map(drop),
        write: |a| Value::text(&a.images.web),
        ask: Ask::at(
            Step::Scale,
            "Web image",
            "e.g. ghcr.io/acme/starter-web:1.4.0",
        ),
    },
    Key {
        name: "images.worker",
        kind: Kind::Text,
        need: Need::Optional,
        default: "",
        example: "registry.example.org/worker:2",
        help: "worker image; empty: the API image",
        hosts: ALL,
        check: |v| ImageRef::parse(v).map(drop),
        write: |a| Value::optional(a.images.worker.as_ref()),
        ask: Ask::at(
            Step::Scale,
            "Worker image",
            "Empty: the API image, as the starter's worker runs it",
        ),
    },
];
