//! `[scale]`: replicas and autoscaling.

use super::key::Hosts;
use super::key::{Ask, Key, Kind, Need, Value, ALL, ANY};
use super::read::Reader;
use super::AnswerError;
use crate::contracts::Capability;
use crate::questions::Step;

#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub api_replicas: u32,
    pub api_min_replicas: u32,
    pub autoscaling: bool,
    pub worker_replicas: u32,
    /// Web replicas (HPA max, Cloud Run max instances), asked on their own: the web app scales
    /// with its traffic, not with the API's.
    pub web_replicas: u32,
}

impl Scale {
    /// The web app's minimum where it runs in a range: the API's minimum, at most its maximum.
    pub fn web_min_replicas(&self) -> u32 {
        self.api_min_replicas.min(self.web_replicas)
    }
}

pub const KEYS: &[Key] = &[
    Key {
        name: "scale.api_replicas",
        kind: Kind::Count,
        need: Need::Defaulted,
        default: "1",
        example: "3",
        help: "API replicas, HPA max, or Cloud Run max instances",
        hosts: ALL,
        check: ANY,
        write: |a| Value::Count(a.scale.api_replicas.into()),
        ask: Ask::at(
            Step::Scale,
            "API replicas",
            "More than one API process needs the dedicated worker: each inline API would retry \
             and replay",
        ),
    },
    Key {
        name: "scale.api_min_replicas",
        kind: Kind::Instances,
        need: Need::Defaulted,
        default: "1",
        example: "2",
        help: "HPA min or Cloud Run min instances (0 only on gcp: scales to zero)",
        hosts: Hosts::With(Capability::ScaleRange),
        check: ANY,
        write: |a| Value::Count(a.scale.api_min_replicas.into()),
        ask: Ask::at(
            Step::Scale,
            "API minimum",
            "HPA minimum, or Cloud Run minimum instances (0 lets Cloud Run scale the API to \
             zero; inline, that stops billing retries while idle)",
        ),
    },
    Key {
        name: "scale.autoscaling",
        kind: Kind::Flag,
        need: Need::Defaulted,
        default: "false",
        example: "true",
        help: "a HorizontalPodAutoscaler for api and web",
        hosts: Hosts::With(Capability::Autoscaler),
        check: ANY,
        write: |a| Value::Flag(a.scale.autoscaling),
        // Whether it autoscales comes before the minimum it autoscales from.
        ask: Ask::at(
            Step::Scale,
            "Autoscaling",
            "A HorizontalPodAutoscaler for api and web, between the minimum and the replicas \
             above",
        )
        .before("scale.api_min_replicas"),
    },
    Key {
        name: "scale.web_replicas",
        kind: Kind::Count,
        need: Need::Defaulted,
        default: "1",
        example: "3",
        help: "web replicas, HPA max, or Cloud Run max instances",
        hosts: Hosts::With(Capability::ScaleRange),
        check: ANY,
        write: |a| Value::Count(a.scale.web_replicas.into()),
        ask: Ask::at(
            Step::Scale,
            "Web replicas",
            "The web app (BFF) scales on its own: any number, it holds no billing work",
        )
        .before("scale.worker_replicas"),
    },
    Key {
        name: "scale.worker_replicas",
        kind: Kind::Count,
        need: Need::Defaulted,
        default: "1",
        example: "2",
        help: "worker replicas, which must be 1",
        hosts: ALL,
        check: ANY,
        write: |a| Value::Count(a.scale.worker_replicas.into()),
        ask: Ask::at(
            Step::Scale,
            "Worker replicas",
            "Exactly 1: the retry worker has no lease yet, so a second instance retries every \
             dispatch twice",
        ),
    },
];

impl Scale {
    pub(super) fn read(r: &Reader) -> Result<Self, AnswerError> {
        let scale = Scale {
            api_replicas: r.count("scale.api_replicas")?,
            api_min_replicas: r.count("scale.api_min_replicas")?,
            autoscaling: r.flag("scale.autoscaling"),
            worker_replicas: r.count("scale.worker_replicas")?,
            web_replicas: r.count("scale.web_replicas")?,
        };
        if scale.api_min_replicas > scale.api_replicas {
            return Err(AnswerError::new(
                "scale.api_min_replicas",
                Some(&scale.api_min_replicas.to_string()),
                format!("at most scale.api_replicas ({})", scale.api_replicas),
            ));
        }
        Ok(scale)
    }
}
