//! Billing: exactly one process owns billing retries and stream replay.

use super::{Contract, Finding, Rule, Severity};
use crate::answers::{Host, WorkerMode};
use crate::plan::{Plan, Role, MODE_VAR, REPLAY_FLAG, RETRY_FLAG};

/// Every rule here belongs to the billing contract.
const fn rule(
    id: &'static str,
    severity: Severity,
    rule: &'static str,
    why: &'static str,
    fix: &'static str,
) -> Rule {
    Rule::new(Contract::Billing, id, severity, rule, why, fix)
}

pub const RULES: &[Rule] = &[
    rule(
        "BILL-001",
        Severity::Error,
        "Dedicated mode: every API process runs with `ENABLE_BILLING_RETRY_WORKER=false`, as finally resolved \
         (Helm `api.env` wins over the chart's default, GCP `api_env` merges last, later Compose files win).",
        "With a worker defined, an API process that still runs the retry loop is a second owner: failed Stripe \
         dispatches are retried once per process.",
        "set it `false` on the API",
    ),
    rule(
        "BILL-002",
        Severity::Error,
        "Dedicated mode: every API process runs with `ENABLE_BILLING_STREAM_REPLAY=false`, resolved the same way.",
        "Every API process with replay on replays processed Stripe events into the Redis billing streams at startup: \
         each new pod duplicates them.",
        "set it `false` on the API",
    ),
    rule(
        "BILL-003",
        Severity::Error,
        "Dedicated mode: the worker runs with both flags `true` (a `worker.env` or override that turns one off wins \
         over the template's `true`).",
        "The worker is the one owner; with a flag off there, nobody retries or replays in dedicated mode.",
        "let the worker own both",
    ),
    rule(
        "BILL-004",
        Severity::Error,
        "Inline mode allows at most one API process (replicas, HPA max, Cloud Run max instances): more would each retry and replay.",
        "In inline mode the API process owns retries and replay; two API processes are two owners.",
        "switch to a dedicated worker, or pin the API to 1",
    ),
    rule(
        "BILL-005",
        Severity::Error,
        "The worker runs exactly one instance (replicaCount 1; Cloud Run max instances 1). More need a Redis-backed lease first.",
        "The retry worker has no lease yet: two worker instances retry every failed dispatch twice.",
        "pin the worker to 1",
    ),
    rule(
        "BILL-006",
        Severity::Error,
        "Somebody owns retries: when the API has retries off, a worker exists.",
        "With retries off on the API and no worker, failed Stripe dispatches wait in the database forever.",
        "add the worker",
    ),
    rule(
        "BILL-007",
        Severity::Warning,
        "Somebody owns stream replay: replay disabled everywhere means new pods never backfill.",
        "Replay backfills the Redis billing streams from processed events; with it off everywhere a fresh Redis \
         or a new consumer starts empty.",
        "enable replay on the owner",
    ),
    rule(
        "BILL-008",
        Severity::Warning,
        "GCP: a dedicated worker with `worker_min_instances = 0` can scale to zero and stop retrying.",
        "Cloud Run scales an idle internal service to zero; the worker's 30-second retry loop then stops until a request wakes it.",
        "set `worker_min_instances = 1`",
    ),
    rule(
        "BILL-009",
        Severity::Info,
        "In dedicated mode the API processes and the worker say `BILLING_RETRY_DEPLOYMENT_MODE=dedicated`, in inline \
         mode the API says `inline`, so logs and runbooks agree (the app acts on the two flags alone).",
        "The mode variable is documentation that shows up in logs; when it disagrees with the flags, the on-call reads the wrong runbook.",
        "set the mode to match",
    ),
];

pub fn check(plan: &Plan, out: &mut Vec<Finding>) {
    let mode = plan.worker_mode();
    let apis: Vec<_> = plan.processes(Role::Api).collect();
    let workers: Vec<_> = plan.processes(Role::Worker).collect();

    match mode {
        WorkerMode::Dedicated => {
            for api in &apis {
                for (flag, id) in [(RETRY_FLAG, "BILL-001"), (REPLAY_FLAG, "BILL-002")] {
                    let (on, origin) = api.flag(flag);
                    if on {
                        out.push(Finding::new(
                            id,
                            origin,
                            format!("a worker is defined but the API still runs with {flag}=true"),
                        ));
                    }
                }
            }
            for worker in &workers {
                for flag in [RETRY_FLAG, REPLAY_FLAG] {
                    let (on, origin) = worker.flag(flag);
                    if !on {
                        out.push(Finding::new(
                            "BILL-003",
                            origin,
                            format!("the worker runs with {flag} off, so nobody owns it"),
                        ));
                    }
                }
            }
            let total: u32 = workers.iter().map(|w| w.replicas.value.max).sum();
            if total != 1 {
                let at = workers
                    .iter()
                    .find(|w| w.replicas.value.max != 1)
                    .unwrap_or(&workers[0]);
                out.push(Finding::new(
                    "BILL-005",
                    at.replicas.origin.clone(),
                    format!("the worker runs up to {total} instances; exactly one may own retries"),
                ));
            }
            if plan.host == Host::Gcp {
                for w in workers.iter().filter(|w| w.replicas.value.min == 0) {
                    out.push(Finding::new(
                        "BILL-008",
                        w.replicas.origin.clone(),
                        "worker_min_instances = 0 lets the worker scale to zero and stop retrying",
                    ));
                }
            }
        }
        WorkerMode::Inline => {
            let total: u32 = apis.iter().map(|a| a.replicas.value.max).sum();
            let owns = apis
                .iter()
                .any(|a| a.flag(RETRY_FLAG).0 || a.flag(REPLAY_FLAG).0);
            if total > 1 && owns {
                let at = apis
                    .iter()
                    .max_by_key(|a| a.replicas.value.max)
                    .expect("total > 1");
                out.push(Finding::new(
                    "BILL-004",
                    at.replicas.origin.clone(),
                    format!(
                        "inline mode with up to {total} API processes: each would retry and replay"
                    ),
                ));
            }
            for api in &apis {
                let (on, origin) = api.flag(RETRY_FLAG);
                if !on {
                    out.push(Finding::new(
                        "BILL-006",
                        origin,
                        format!("the API runs with {RETRY_FLAG}=false and no worker exists: nobody retries"),
                    ));
                }
            }
        }
    }

    let owners: Vec<_> = apis.iter().chain(&workers).collect();
    // The setting to change is the designated owner's: the worker's in dedicated mode (the
    // API's `false` there is what BILL-002 asks for), the API's in inline mode.
    if let Some(owner) = workers.first().or(apis.first()) {
        if owners.iter().all(|p| !p.flag(REPLAY_FLAG).0) {
            out.push(Finding::new(
                "BILL-007",
                owner.flag(REPLAY_FLAG).1,
                format!("{REPLAY_FLAG} is false on every process: new pods never backfill"),
            ));
        }
    }

    let expected = mode.as_str();
    let labelled = match mode {
        WorkerMode::Dedicated => owners,
        WorkerMode::Inline => apis.iter().collect(),
    };
    for p in labelled {
        let (said, origin) = p.mode();
        if said != expected {
            out.push(Finding::new(
                "BILL-009",
                origin,
                format!(
                    "{} says {MODE_VAR}={said} in {expected} mode",
                    p.role.as_str()
                ),
            ));
        }
    }
}
