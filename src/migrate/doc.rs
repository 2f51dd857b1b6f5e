//! `MIGRATION.md`: per deployment and phase, the exact commands, what to watch before moving
//! on, and the rollback (the worker stopped first, then one API process given the flags back).

use super::{file_name, sh, suppression, Phase, DISABLED, GUIDE};
use crate::pipeline::Deployment;
use crate::plan::Plan;
use std::path::Path;

const METRIC: &str = "stripe_dispatch_retry_total{result!=\"success\"}";

pub fn guide(sections: &[String]) -> String {
    let mut s = String::new();
    out!(
        s,
        "# Migration: billing retries from the API to one dedicated worker"
    );
    out!(s);
    out!(
        s,
        "Written by `hostwiz migrate worker`. Principle: **never two owners; briefly none is"
    );
    out!(
        s,
        "acceptable.** A failed Stripe dispatch waits in the database with its `next_retry_at`,"
    );
    out!(
        s,
        "so the short gap between the phases delays retries and loses nothing; two owners would"
    );
    out!(s, "retry and replay twice.");
    out!(s);
    out!(
        s,
        "`phase-1/` and `phase-2/` hold only the files that change, with your comments and every"
    );
    out!(s, "other setting kept. Each phase is a separate apply: finish one, pass its checks, then start");
    out!(
        s,
        "the next. Commands run from the folder where `hostwiz migrate worker` ran, with `OUT` set"
    );
    out!(s, "to the folder that holds this {GUIDE}.");
    for section in sections {
        out!(s);
        s.push_str(section);
    }
    s
}

pub fn section(
    d: &Deployment,
    plan: &Plan,
    p1: &Phase,
    p2: &Phase,
    out: &Path,
    until: (i32, u32, u32),
    ctx: &crate::pipeline::Context,
) -> String {
    let mut s = String::new();
    let h = d.module().operations(d, plan, p1, p2, ctx);
    let what = d.module().title();
    out!(s, "## {what}: {}", d.primary());
    out!(s);
    out!(s, "```sh");
    out!(s, "OUT={}", sh(&out.display().to_string()));
    for var in &h.vars {
        out!(s, "{var}");
    }
    out!(s, "```");
    out!(s);
    // Files to back up: every original that either phase replaces, including one that is on
    // disk but was not read (a Compose override whose profile is off).
    let exists = |p: &str| d.files.iter().any(|(_, i)| i.path == p) || Path::new(p).is_file();
    let (originals, new_files): (Vec<&str>, Vec<&str>) = p2
        .changed
        .iter()
        .map(|(_, i)| i.path.as_str())
        .partition(|p| exists(p));
    let check = |phase: &Phase| {
        let mut paths: Vec<String> = d.files.iter().map(|(_, i)| sh(&i.path)).collect();
        for (_, i) in &phase.changed {
            if !d.files.iter().any(|(_, o)| o.path == i.path) {
                paths.push(sh(&i.path));
            }
        }
        let profiles: String = phase
            .profiles
            .iter()
            .map(|p| format!(" --profile {p}"))
            .collect();
        format!("hostwiz check {}{profiles}", paths.join(" "))
    };
    let copy = |s: &mut String, n: u32, phase: &Phase| {
        for (_, i) in &phase.changed {
            out!(
                s,
                "cp \"$OUT/phase-{n}/{}\" {}",
                file_name(&i.path),
                sh(&i.path)
            );
        }
    };
    let restore = |s: &mut String| {
        for p in &originals {
            out!(s, "cp {} {}", sh(&format!("{p}.pre-migrate")), sh(p));
        }
        for p in &new_files {
            out!(s, "rm {}", sh(p));
        }
    };
    let (y, m, day) = until;

    out!(s, "### Phase 1: take ownership away from the API");
    out!(s);
    out!(
        s,
        "The API processes get `ENABLE_BILLING_RETRY_WORKER=false`,"
    );
    out!(
        s,
        "`ENABLE_BILLING_STREAM_REPLAY=false` and `BILLING_RETRY_DEPLOYMENT_MODE=dedicated`"
    );
    out!(s, "explicitly; the worker stays off. Nobody retries until phase 2, so the phase-1 files carry");
    out!(s, "`# {}`", suppression(until));
    out!(
        s,
        "on the API's retry flag: `hostwiz check` passes and shows it suppressed, and fails again"
    );
    out!(
        s,
        "if phase 1 is still in place after {y:04}-{m:02}-{day:02}."
    );
    out!(s);
    out!(s, "```sh");
    out!(s, "# keep the current files for the rollback");
    for p in &originals {
        out!(s, "cp {} {}", sh(p), sh(&format!("{p}.pre-migrate")));
    }
    copy(&mut s, 1, p1);
    out!(s, "{}", check(p1));
    out!(s, "{}", h.deploy[0]);
    out!(s, "{}", h.settle[0]);
    out!(s, "```");
    out!(s);
    out!(s, "Before moving on:");
    out!(s);
    out!(
        s,
        "- no API process of the old configuration remains: `{}`;",
        h.api_ps
    );
    out!(s, "- every API process logs \"{DISABLED}\":");
    out!(s, "  `{} | grep \"{DISABLED}\"`;", h.api_logs);
    out!(s, "- nothing retries now, so `{METRIC}` stays flat; failed");
    out!(
        s,
        "  dispatches wait in the database until phase 2. Go on to phase 2 promptly."
    );
    out!(s);
    out!(
        s,
        "Rollback (no worker runs yet, so only the second step): give one API process the flags"
    );
    out!(
        s,
        "back by restoring the files, with the API pinned to one process:"
    );
    out!(s);
    out!(s, "```sh");
    restore(&mut s);
    out!(s, "{}", h.deploy[2]);
    out!(s, "```");
    out!(s);

    out!(s, "### Phase 2: give ownership to one dedicated worker");
    out!(s);
    out!(
        s,
        "The worker starts with exactly one instance, owning retries and stream replay; the API"
    );
    out!(s, "keeps both flags off. Nothing is suppressed any more.");
    out!(s);
    out!(s, "```sh");
    copy(&mut s, 2, p2);
    out!(s, "{}", check(p2));
    out!(s, "{}", h.deploy[1]);
    out!(s, "{}", h.settle[1]);
    out!(s, "```");
    out!(s);
    out!(s, "Before calling it done:");
    out!(s);
    out!(
        s,
        "- exactly one process, the worker, logs that the retry worker started:"
    );
    out!(s, "  `{} | grep -i \"retry worker\"`;", h.worker_logs);
    out!(s, "- every API process still logs \"{DISABLED}\";");
    out!(s, "- `{METRIC}` does not rise while the waiting");
    out!(s, "  dispatches are retried.");
    out!(s);
    out!(
        s,
        "Rollback, in reverse order: stop the worker first, and only then give one API process"
    );
    out!(s, "the flags back.");
    out!(s);
    out!(s, "```sh");
    out!(
        s,
        "# 1. stop the worker (no worker process may remain before step 2)"
    );
    out!(s, "{}", h.stop_worker);
    out!(s, "# 2. give one API process the flags back");
    restore(&mut s);
    out!(s, "{}", h.deploy[2]);
    out!(s, "```");
    s
}
