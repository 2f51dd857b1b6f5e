//! What the full-screen wizard and the plain prompts share: where they start from, where they
//! write, and what they tell the operator to do next.

use crate::answers::{Answers, Host, RawAnswers};
use crate::apply;
use crate::error::Result;
use crate::session;
use crate::source::{self, Source};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Where a wizard run starts: the answers to edit, the output folder if one was named, and
/// answers saved by an earlier unfinished run for the same folder.
#[derive(Clone, Debug)]
pub struct Start {
    pub raw: RawAnswers,
    pub out: Option<PathBuf>,
    pub resume: Option<RawAnswers>,
}

impl Start {
    pub fn new(source: Option<Source>, out: Option<PathBuf>) -> Result<Self> {
        let raw = match &source {
            Some(s) => source::load(s, &[])?.to_raw(),
            None => session::blank(),
        };
        let resume = session::load(&session_key(out.as_deref())).filter(|r| *r != raw);
        Ok(Self { raw, out, resume })
    }
}

/// The folder sessions are keyed by: the named output folder, or the default's parent (the
/// environment, and so the default folder, may change during the run).
pub fn session_key(out: Option<&Path>) -> PathBuf {
    out.map_or_else(|| PathBuf::from("hostwiz-out"), Path::to_path_buf)
}

pub fn out_dir(out: Option<&Path>, answers: &Answers) -> PathBuf {
    out.map_or_else(|| apply::default_out(answers), Path::to_path_buf)
}

/// Both wizards need a terminal; without one, `apply` does the same job.
pub fn require_terminal() -> Result<()> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(crate::error::Error::Usage(
            "the wizard needs a terminal (stdin and stdout are not one); without prompts use \
             `hostwiz apply --preset NAME` or `hostwiz apply --answers FILE`"
                .into(),
        ))
    }
}

/// The three commands that come next, for the Write step.
pub fn next_commands(a: &Answers, out: &Path) -> [String; 3] {
    let checklist = format!("less {}", out.join("CHECKLIST.md").display());
    let check = format!("hostwiz check {}", check_args(a, out));
    let deploy = match a.host {
        Host::K8s => format!(
            "helm upgrade --install {} ops/charts/starter -n {} -f {}",
            a.k8s.release,
            a.k8s.namespace,
            out.join(crate::render::values_file(a)).display()
        ),
        Host::Vps => "docker compose -f docker-compose.prod.yml -f docker-compose.worker.yml --env-file compose.env up -d"
            .to_string(),
        Host::Gcp => format!(
            "terraform -chdir=ops/infra/gcp plan -var-file={}",
            crate::render::tfvars_file(a)
        ),
    };
    [checklist, check, deploy]
}

fn check_args(a: &Answers, out: &Path) -> String {
    let p = |name: &str| out.join(name).display().to_string();
    match a.host {
        Host::K8s => p(&crate::render::values_file(a)),
        Host::Vps => format!("{} --env-file {}", p("Caddyfile"), p("compose.env")),
        Host::Gcp => p(&crate::render::tfvars_file(a)),
    }
}
