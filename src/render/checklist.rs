//! `CHECKLIST.md`: the ordered steps, with exact commands, that take these files to a running
//! deployment — and the checks to pass before each next step. The steps are the same on every
//! host; what each step says comes from the host module ([`Checklist`]).

use crate::answers::{Answers, WorkerMode};
use crate::hosts;
use crate::plan::{Plan, Role};

/// A host's parts of the checklist. Commands are shell lines as the operator runs them from
/// the checkout (continuation lines end in ` \\`); prose is Markdown lines.
#[derive(Clone, Debug, Default)]
pub struct Checklist {
    /// What the deployment runs on, for the title.
    pub title: &'static str,
    /// The entry point in the topology diagram (`Ingress nginx`, `Caddy`).
    pub entry: String,
    /// Copies the written files into the checkout.
    pub place: Vec<String>,
    /// What the DNS records point at.
    pub dns_target: &'static str,
    /// The record type column (`A / AAAA`).
    pub dns_record: &'static str,
    /// What the host needs done for DNS beyond the table.
    pub dns_notes: Vec<String>,
    pub secrets: Vec<String>,
    pub deploy: Vec<String>,
    /// The line of `deploy` where the command the wizard offers as "next" starts.
    pub next: usize,
    /// Shell lines that put the production settings in the environment of a checkout, for
    /// `starter-console` (migrations, the signing key).
    pub migrations: Vec<String>,
    /// Prints every process's logs, to find the one retry worker.
    pub logs: String,
}

impl Checklist {
    /// The deploy command the wizard offers as "next", as one line run from the checkout.
    pub fn deploy_command(&self) -> String {
        let cd = self.deploy[..self.next]
            .iter()
            .rev()
            .find_map(|l| l.strip_prefix("cd "));
        let mut cmd = cd.map_or_else(String::new, |dir| format!("cd {dir} && "));
        for line in &self.deploy[self.next..] {
            match line.strip_suffix(" \\") {
                Some(part) => {
                    cmd.push_str(part.trim());
                    cmd.push(' ');
                }
                None => {
                    cmd.push_str(line.trim());
                    break;
                }
            }
        }
        cmd
    }
}

pub fn render(a: &Answers) -> String {
    let host = hosts::module(a.host);
    let c = host.checklist(a);
    let plan = host.plan(a);
    let mut text = String::new();
    let w = &mut text;
    out!(
        w,
        "# Deployment checklist: {} on {}",
        a.environment,
        c.title
    );
    out!(w);
    out!(
        w,
        "Written by hostwiz from `hostwiz.toml`. Work through the steps in order; each ends"
    );
    out!(
        w,
        "with what to check before the next. Commands run from your checkout of the starter,"
    );
    out!(w, "with `OUT` set to the folder that holds this file.");
    out!(w);
    out!(
        w,
        "Contracts kept by these files: browser `/api` goes to the web app (BFF), never"
    );
    out!(w, "straight to the API; {}.", billing_summary(a));
    out!(w);
    topology(w, a, &c, &plan);
    let mut step = Steps(0);
    commands(w, &mut step, "Put the files in place", &c.place);
    out!(
        w,
        "Check: `git diff` shows only the settings you chose (`hostwiz.toml` records them)."
    );
    out!(w);
    step.next(w, "Provide the secrets");
    lines(w, &c.secrets);
    out!(w);
    out!(
        w,
        "Check: no secret value appears in any file in `$OUT` or in git."
    );
    out!(w);
    step.next(w, "Run the database migrations");
    out!(
        w,
        "Before the API rolls out, the starter's way: `starter-console release db` from a checkout"
    );
    out!(
        w,
        "of the starter (Python 3.11, hatch, just), against the production `DATABASE_URL`. The API"
    );
    out!(
        w,
        "image has no alembic and nothing in the deployment runs them."
    );
    out!(w);
    out!(w, "```sh");
    lines(w, &c.migrations);
    out!(w, "starter-console release db --non-interactive");
    out!(w, "```");
    out!(w);
    out!(
        w,
        "Check: it ends with the schema at the latest revision (`alembic current` shows the heads)."
    );
    out!(w);
    commands(w, &mut step, "Deploy", &c.deploy);
    out!(
        w,
        "Check: every command exits 0 and no old API process remains."
    );
    out!(w);
    step.next(w, "Create the first signing key");
    out!(
        w,
        "The API starts without a key but cannot sign tokens until one exists. From the checkout,"
    );
    out!(
        w,
        "with the API's secrets-provider settings in the environment:"
    );
    out!(w);
    out!(w, "```sh");
    lines(w, &c.migrations);
    out!(w, "starter-console auth keys rotate");
    out!(w, "```");
    out!(w);
    dns(w, &mut step, a, &c);
    verify(w, &mut step, a, &c);
    text
}

struct Steps(u32);

impl Steps {
    fn next(&mut self, w: &mut String, title: &str) {
        self.0 += 1;
        out!(w, "## {}. {title}", self.0);
        out!(w);
    }
}

fn lines(w: &mut String, lines: &[String]) {
    for l in lines {
        out!(w, "{l}");
    }
}

fn commands(w: &mut String, step: &mut Steps, title: &str, cmds: &[String]) {
    step.next(w, title);
    out!(w, "```sh");
    lines(w, cmds);
    out!(w, "```");
    out!(w);
}

fn billing_summary(a: &Answers) -> &'static str {
    match a.worker {
        WorkerMode::Inline => "the single API process owns billing retries and stream replay (inline mode)",
        WorkerMode::Dedicated => {
            "one dedicated worker owns billing retries and stream replay, and every API process has both off"
        }
    }
}

/// The API's replica count as the plan has it: one number, or a range where it scales.
pub fn api_count(plan: &Plan) -> String {
    match plan.processes(Role::Api).next().map(|p| p.replicas.value) {
        Some(r) if r.min != r.max => format!("{}–{}", r.min, r.max),
        Some(r) => r.max.to_string(),
        None => "0".into(),
    }
}

fn topology(w: &mut String, a: &Answers, c: &Checklist, plan: &Plan) {
    let entry = &c.entry;
    let api_count = api_count(plan);
    out!(w, "## Topology");
    out!(w);
    out!(w, "```mermaid");
    out!(w, "flowchart LR");
    out!(
        w,
        "  browser([Browser]) -->|https://{}| entry[\"{entry}\"]",
        a.domains.web
    );
    out!(w, "  entry -->|\"/ and /api\"| web[\"web: Next.js BFF\"]");
    out!(
        w,
        "  web -->|\"server-side only\"| api[\"api: FastAPI × {api_count}\"]"
    );
    if let Some(api) = &a.domains.api {
        out!(
            w,
            "  callers([Server-to-server callers]) -->|https://{api}| apientry[\"{entry}\"]"
        );
        out!(w, "  apientry --> api");
    }
    match a.worker {
        WorkerMode::Inline => out!(
            w,
            "  api -.-|\"owns billing retries + replay\"| billing[(Billing streams)]"
        ),
        WorkerMode::Dedicated => {
            out!(w, "  worker[\"worker × {}\"] -.-|\"owns billing retries + replay\"| billing[(Billing streams)]", a.scale.worker_replicas);
        }
    }
    out!(w, "```");
    out!(w);
}

fn dns(w: &mut String, step: &mut Steps, a: &Answers, c: &Checklist) {
    step.next(w, "Create the DNS records");
    out!(w, "| name | record | points at |");
    out!(w, "| --- | --- | --- |");
    let (kind, target) = (c.dns_record, c.dns_target);
    out!(w, "| `{}` | {kind} | {target} (web) |", a.domains.web);
    if let Some(api) = &a.domains.api {
        out!(w, "| `{api}` | {kind} | {target} (api) |");
    }
    out!(w);
    lines(w, &c.dns_notes);
    out!(
        w,
        "Check: `dig +short {}` answers with the records above (a CNAME target, then its",
        a.domains.web
    );
    out!(w, "addresses).");
    out!(w);
}

fn verify(w: &mut String, step: &mut Steps, a: &Answers, c: &Checklist) {
    step.next(w, "Verify");
    out!(w, "```sh");
    out!(
        w,
        "# The web app answers, and /api reaches it (the BFF), not the API:"
    );
    out!(w, "curl -fsS https://{}/api/health/ready", a.domains.web);
    if let Some(api) = &a.domains.api {
        out!(
            w,
            "# The API host reaches the API, for server-to-server callers:"
        );
        out!(w, "curl -fsS https://{api}/health/ready");
    }
    let logs = &c.logs;
    out!(w, "# Exactly one process starts the billing retry worker:");
    out!(w, "{logs} | grep -i 'retry worker'");
    out!(w, "```");
    out!(w);
    let owner = match a.worker {
        WorkerMode::Inline => "the one API process",
        WorkerMode::Dedicated => "the worker",
    };
    let checks = match a.domains.api {
        Some(_) => "both health checks return 200",
        None => "the health check returns 200",
    };
    out!(
        w,
        "Check: {checks}; {owner} logs that the retry worker started and"
    );
    out!(
        w,
        "every other process logs \"Stripe dispatch retry worker disabled\";"
    );
    out!(
        w,
        "`stripe_dispatch_retry_total{{result!=\"success\"}}` does not rise."
    );
}
