//! The processes' env as the blueprint's own `locals` compute it: `local.api_env_combined`,
//! `local.worker_env_combined` and `local.worker_enabled`, evaluated with the variables' values.
//! A blueprint without those locals (or no `.tf` files given) falls back to what the latest
//! blueprint documents.

use crate::ingest::terraform::{self, Env, Locals, Value};
use crate::plan::Origin;

/// What the blueprint's locals say about the processes' env.
pub struct BlueprintEnv {
    /// Whether the worker service exists (`local.worker_enabled`), when it evaluates.
    pub worker: Option<bool>,
    pub api: Env,
    pub worker_env: Env,
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
    Some(BlueprintEnv {
        worker,
        api: terraform::env(locals, "api_env_combined", at("api_env_combined")),
        worker_env: terraform::env(locals, "worker_env_combined", at("worker_env_combined")),
    })
}
