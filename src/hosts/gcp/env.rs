//! The processes' env as the blueprint's own `locals` compute it: `local.api_env_combined`,
//! `local.worker_env_combined` and `local.worker_enabled`, evaluated with the variables' values.
//! A blueprint without those locals (or no `.tf` files given) falls back to what the latest
//! blueprint documents.

use super::locals::{Locals, Value};
use crate::plan::{Origin, Setting, Sourced, Unknown};
use std::collections::BTreeMap;

/// What the blueprint's locals say about the processes' env.
pub struct BlueprintEnv {
    /// Whether the worker service exists (`local.worker_enabled`), when it evaluates.
    pub worker: Option<bool>,
    pub api: Env,
    pub worker_env: Env,
}

/// One process's env: the known entries and, when the whole map is not evaluated, why.
#[derive(Default)]
pub struct Env {
    pub vars: BTreeMap<String, Sourced<Setting>>,
    pub unread: Vec<Sourced<Unknown>>,
}

/// The env these locals give, or `None` when the blueprint has no `api_env_combined`.
pub fn from_locals(locals: &Locals, at: impl Fn(&str) -> Origin) -> Option<BlueprintEnv> {
    if !locals.defines("api_env_combined") {
        return None;
    }
    let worker = match locals.local("worker_enabled") {
        Value::Scalar(s) => s.boolean(),
        _ => None,
    };
    let env = |name: &str| match locals.local(name) {
        Value::Map(m) => Env {
            vars: m
                .into_iter()
                .filter_map(|(k, e)| {
                    let setting = match e.value {
                        Value::Null => return None,
                        Value::Scalar(s) => Setting::Known(s.text()),
                        Value::Unknown(why) => Setting::Unknown(Unknown::Expression(why)),
                        _ => Setting::Unknown(Unknown::Expression(format!("{k} (not a string)"))),
                    };
                    Some((k, Sourced::new(setting, e.origin)))
                })
                .collect(),
            unread: Vec::new(),
        },
        Value::Unknown(why) => Env {
            vars: BTreeMap::new(),
            unread: vec![Sourced::new(Unknown::Expression(why), at(name))],
        },
        _ => Env {
            vars: BTreeMap::new(),
            unread: vec![Sourced::new(
                Unknown::Expression(format!("local.{name} (not a map)")),
                at(name),
            )],
        },
    };
    Some(BlueprintEnv {
        worker,
        api: env("api_env_combined"),
        worker_env: env("worker_env_combined"),
    })
}
