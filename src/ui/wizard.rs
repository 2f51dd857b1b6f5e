//! What the full-screen wizard and the plain prompts share: where they start from, where they
//! write, and what they tell the operator to do next.

use crate::ui::session;
use hostwiz::answers::{Answers, Host, RawAnswers};
use hostwiz::apply;
use hostwiz::error::Result;
use hostwiz::questions::Step;
use hostwiz::source::{self, Source};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Where a wizard run starts: the answers to edit, the output folder if one was named, and
/// answers saved by an earlier unfinished run for the same folder.
#[derive(Clone, Debug)]
pub struct Start {
    pub raw: RawAnswers,
    pub out: Option<PathBuf>,
    pub resume: Option<RawAnswers>,
    /// What `check` found in the operator's checkout, offered as a starting point.
    pub existing: Vec<Existing>,
    /// The checkout it was found in, for the migration and GCP API screens.
    pub repo: Option<PathBuf>,
    /// The step the unfinished run was left at, where a resume reopens.
    pub resume_step: Option<Step>,
}

impl Start {
    pub fn new(source: Option<Source>, out: Option<PathBuf>) -> Result<Self> {
        let raw = match &source {
            Some(s) => source::load(s, &[])?.to_raw(),
            None => session::blank(),
        };
        let key = session_key(out.as_deref());
        let resume = session::load(&key).filter(|r| *r != raw);
        let resume_step = resume.as_ref().and_then(|_| session::load_step(&key));
        Ok(Self {
            raw,
            out,
            resume,
            existing: Vec::new(),
            repo: None,
            resume_step,
        })
    }
}

/// The folder sessions are keyed by: the named output folder, or the default's parent (the
/// environment, and so the default folder, may change during the run).
pub fn session_key(out: Option<&Path>) -> PathBuf {
    out.map_or_else(|| PathBuf::from("hostwiz-out"), Path::to_path_buf)
}

/// How a wizard run ended: the CLI turns it into the exit code and the last line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ended {
    /// Written, or quit with nothing to keep.
    Done,
    /// Ctrl-C: exit 130, with the line that says where the answers are and how to resume.
    Interrupted(String),
}

/// What to tell an operator who leaves with answers in progress: that they are saved, and the
/// command that resumes them (it needs the same `--out`, which keys the saved answers).
pub fn resume_hint(out: Option<&Path>, plain: bool) -> String {
    let mut command = String::from("hostwiz wizard");
    if plain {
        command.push_str(" --plain");
    }
    if let Some(dir) = out {
        command.push_str(" --out ");
        command.push_str(&shell_word(&dir.display().to_string()));
    }
    let same = if out.is_some() {
        " (resuming needs the same --out)"
    } else {
        " (without --out, as this run)"
    };
    format!("answers saved for resume: run `{command}` to continue where you left{same}")
}

/// A word as a POSIX shell reads it back unchanged.
fn shell_word(w: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !w.is_empty() && w.chars().all(plain) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', r"'\''"))
    }
}

pub fn out_dir(out: Option<&Path>, answers: &Answers) -> PathBuf {
    out.map_or_else(|| apply::default_out(answers), Path::to_path_buf)
}

/// Both wizards need a terminal; without one, `apply` does the same job.
pub fn require_terminal() -> Result<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(hostwiz::error::Error::Usage(
            "the wizard needs a terminal (stdin and stdout are not one); without prompts use \
             `hostwiz apply --preset NAME` or `hostwiz apply --answers FILE`"
                .into(),
        ))
    }
}

/// The three commands that come next, for the Write step: the checklist, a check of what was
/// written, and the deploy command as CHECKLIST.md gives it.
pub fn next_commands(a: &Answers, out: &Path) -> [String; 3] {
    let host = hostwiz::hosts::module(a.host);
    [
        format!("less {}", out.join("CHECKLIST.md").display()),
        format!("hostwiz check {}", host.check_args(a, out)),
        host.checklist(a).deploy_command(),
    ]
}

/// A deployment `check` found in the operator's checkout, to show on the welcome screen and
/// to start the answers from.
#[derive(Clone, Debug)]
pub struct Existing {
    pub host: Host,
    /// Inline billing: `migrate worker` applies.
    pub inline: bool,
    pub label: String,
    pub summary: String,
    pub findings: Vec<String>,
    pub answers: RawAnswers,
    /// The files it was read from: a migration started from it reads only these.
    pub files: Vec<PathBuf>,
}

/// The repo to look in: the one named, or the current folder when it has the starter's layout.
pub fn repo_dir(named: Option<PathBuf>) -> Option<PathBuf> {
    named.or_else(|| {
        let here = PathBuf::from(".");
        hostwiz::hosts::all()
            .any(|m| here.join(m.layout()).is_dir())
            .then_some(here)
    })
}

/// What `check` finds in `repo`, each deployment with the answers it implies.
pub fn existing(repo: &Path, base: &RawAnswers) -> Result<Vec<Existing>> {
    let opts = hostwiz::check::Options {
        repo: Some(repo.to_path_buf()),
        ..Default::default()
    };
    Ok(hostwiz::check::run(&opts)?
        .into_iter()
        .map(|c| {
            let active: Vec<_> = c
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .cloned()
                .collect();
            Existing {
                host: c.host,
                inline: c.plan.worker_mode() == hostwiz::answers::WorkerMode::Inline,
                label: format!("{} {}", c.host, c.primary),
                summary: hostwiz::report::summary(&active),
                findings: active
                    .iter()
                    .map(|f| format!("{} {} {}", f.severity, f.rule, f.message))
                    .collect(),
                answers: {
                    let mut raw = prefill(&c.plan, base);
                    hostwiz::hosts::module(c.host).prefill_files(&c.files, &mut |k, v| {
                        let _ = raw.set(&format!("{k}={v}"));
                    });
                    raw
                },
                files: c.files.iter().map(PathBuf::from).collect(),
            }
        })
        .collect())
}

/// The answers a plan read from files implies, over `base` for what files do not say.
pub fn prefill(plan: &hostwiz::plan::Plan, base: &RawAnswers) -> RawAnswers {
    use hostwiz::plan::Role;
    let mut raw = base.clone();
    let mut set = |k: &str, v: String| {
        let _ = raw.set(&format!("{k}={v}"));
    };
    set("host", plan.host.as_str().to_string());
    let real = |h: &str| {
        hostwiz::names::Hostname::parse(h)
            .ok()
            .map(|h| h.to_string())
    };
    if let Some(web) = plan.web_hosts.first().and_then(|w| real(&w.value)) {
        set("domains.web", web);
    }
    set(
        "domains.api",
        plan.api_host
            .as_ref()
            .and_then(|a| real(&a.value))
            .unwrap_or_default(),
    );
    set("billing.worker", plan.worker_mode().as_str().to_string());
    if let Some(api) = plan.processes(Role::Api).next() {
        let r = api.replicas.value;
        set("scale.api_replicas", r.max.max(1).to_string());
        set(
            "scale.api_min_replicas",
            r.min.clamp(1, r.max.max(1)).to_string(),
        );
    }
    if let Some(worker) = plan.processes(Role::Worker).next() {
        set(
            "scale.worker_replicas",
            worker.replicas.value.max.max(1).to_string(),
        );
    }
    hostwiz::hosts::module(plan.host).prefill(plan, &mut set);
    raw
}

/// The wizards' explicit choice for `--generate-secrets`, asked only where hostwiz writes a
/// template of random secrets (a VPS's env file, the chart's own Secret); off unless chosen.
pub const GENERATE_SECRETS: &str =
    "Generate the random secrets (SECRET_KEY and the peppers) into the 0600 secret files?";
pub const GENERATE_SECRETS_HELP: &str =
    "as `openssl rand -hex 32`; never shown; values already filled are kept; no leaves them for you";

/// Whether the files of `a` hold random secrets the wizard may offer to generate.
pub fn offers_generated_secrets(a: &Answers) -> bool {
    hostwiz::render::secrets::generatable(&hostwiz::render::render(a))
}
