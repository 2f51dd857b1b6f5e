//! Everything that differs by host, one module per host behind [`HostModule`]: its Plan from
//! answers, the files it renders, its checklist and operator commands, how its files are found
//! in a checkout and read back, and how it migrates to a dedicated worker. The rest of hostwiz
//! asks [`module`] and never matches on a concrete host.
//!
//! Adding a host: a module here implementing [`HostModule`], a variant of [`Host`] with its line
//! in [`module`], its presets, and its tests (ARCHITECTURE.md lists what each part must do).

pub mod aws;
pub mod azure;
pub(crate) mod blueprint;
pub mod gcp;
pub mod k8s;
pub mod vps;

use crate::answers::{AnswerError, Answers, Key, Section};
use crate::contracts::Capability;
use crate::error::Result;
use crate::ingest::detect::Kind;
use crate::ingest::Input;
use crate::migrate::{Operations, Phase};
use crate::pipeline::{Context, Deployment, Found, Src};
use crate::plan::Plan;
use crate::render::{Checklist, File};
use std::fmt;
use std::path::Path;

/// Where the starter runs; [`module`] gives what each host does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    K8s,
    Vps,
    Gcp,
    Aws,
    Azure,
}

impl Host {
    pub const ALL: [Host; 5] = [Host::K8s, Host::Vps, Host::Gcp, Host::Aws, Host::Azure];
    /// The names answers and `--host` use, in the order of [`Host::ALL`].
    pub const NAMES: [&'static str; 5] = ["k8s", "vps", "gcp", "aws", "azure"];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// What the host offers that rules and keys are about: which of them judge it.
    pub fn capabilities(self) -> &'static [Capability] {
        module(self).capabilities()
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What one host does. Every method is pure or reads only the files it is handed, except
/// `discover`, which lists folders of the checkout it is given.
pub trait HostModule: Sync {
    fn host(&self) -> Host;
    /// Where the starter keeps this host's files, relative to the checkout.
    fn layout(&self) -> &'static str;
    /// How the migration guide names this host ("Kubernetes (Helm)").
    fn title(&self) -> &'static str;
    /// What the host offers that some rules are about (none: the rules every host has).
    fn capabilities(&self) -> &'static [Capability] {
        &[]
    }
    /// Why a question other hosts ask is not asked here, for the wizards to say (none: every
    /// question the host lacks is self-evident, such as another host's own keys).
    fn not_asked(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    fn has(&self, c: Capability) -> bool {
        self.capabilities().contains(&c)
    }

    /// The answer keys only this host has, and the `[section]` they are written under.
    fn keys(&self) -> &'static [Key];
    fn section(&self) -> Option<&'static Section> {
        None
    }

    /// Answers every host's keys accept but this host's blueprint refuses (its own variable
    /// validations), with what it accepts.
    fn refuse(&self, _a: &Answers) -> std::result::Result<(), AnswerError> {
        Ok(())
    }

    /// The deployment these answers describe, as the rules judge it.
    fn plan(&self, a: &Answers) -> Plan;
    /// The host's own files (the checklist and the answers file are added for every host).
    fn render(&self, a: &Answers) -> Vec<File>;
    /// The host's parts of CHECKLIST.md, and with them the operator's commands.
    fn checklist(&self, a: &Answers) -> Checklist;
    /// The entry point as the wizard's topology names it (`ingress nginx`, `caddy`).
    fn entry(&self, a: &Answers) -> String;
    /// The arguments of `hostwiz check` on the files written to `out`.
    fn check_args(&self, a: &Answers, out: &Path) -> String;
    /// Answers only this host's files say, from a plan read back (`set` takes `key=value`).
    fn prefill(&self, _plan: &Plan, _set: &mut dyn FnMut(&str, String)) {}
    /// Answers the deployment's files say beyond its plan (such as the images and the ACME
    /// e-mail in an env file), for the wizard's start from a checkout. `files` are the paths
    /// `check` read it from.
    fn prefill_files(&self, _files: &[String], _set: &mut dyn FnMut(&str, String)) {}

    /// The kinds of file this host reads.
    fn kinds(&self) -> &'static [Kind];
    /// Whether a named file of a kind several hosts read (Terraform) is this host's: its path
    /// is in the host's layout or its content names what only this host's blueprint has.
    fn claims(&self, _input: &Input) -> bool {
        false
    }
    /// How `check --host` reads a file whose kind cannot be told, where one kind fits.
    fn fallback_kind(&self) -> Option<Kind> {
        None
    }
    /// Files named on the command line, all of this host's kinds, as deployments.
    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found>;
    /// The deployments in the starter's layout under `dir` (this host's `layout()` folder).
    fn discover(&self, dir: &Path, ctx: &Context) -> Result<Vec<Found>>;
    /// The plan of one deployment's files.
    fn read(&self, d: &Deployment, ctx: &Context) -> Result<Plan>;
    /// One deployment's files as the deployments they describe (a rendered stream holding
    /// several releases is several); most files describe one. Lazily: a release is cut from
    /// the stream when it is judged, so one is in memory beside the stream at a time.
    fn split(&self, d: Deployment) -> Box<dyn Iterator<Item = Deployment> + Send> {
        Box::new(std::iter::once(d))
    }

    /// Why `migrate` cannot edit this deployment, if it cannot.
    fn migratable(&self, d: &Deployment) -> Result<()>;
    /// Both migration phases, as edits of the operator's own files.
    fn phases(&self, d: &Deployment, plan: &Plan) -> Result<(Phase, Phase)>;
    /// How this host deploys, watches and rolls back each phase (`ctx` names where it runs).
    fn operations(
        &self,
        d: &Deployment,
        plan: &Plan,
        p1: &Phase,
        p2: &Phase,
        ctx: &Context,
    ) -> Operations;
}

/// The registry: the one place that lists the hosts.
pub fn module(host: Host) -> &'static dyn HostModule {
    match host {
        Host::K8s => &k8s::Module,
        Host::Vps => &vps::Module,
        Host::Gcp => &gcp::Module,
        Host::Aws => &aws::Module,
        Host::Azure => &azure::Module,
    }
}

pub fn all() -> impl Iterator<Item = &'static dyn HostModule> {
    Host::ALL.into_iter().map(module)
}

/// The host whose files are of this kind: the first in the registry that reads it.
pub fn of_kind(kind: Kind) -> Host {
    all()
        .find(|m| m.kinds().contains(&kind))
        .map(|m| m.host())
        .expect("every kind of file belongs to a host (tested)")
}

/// The host a named file of this kind belongs to: where several hosts read the kind, the
/// one that claims the file, else the first.
pub fn of_input(kind: Kind, input: &Input) -> Host {
    all()
        .filter(|m| m.kinds().contains(&kind))
        .find(|m| m.claims(input))
        .map_or_else(|| of_kind(kind), |m| m.host())
}

/// The inputs of one kind, in the order given.
pub(crate) fn inputs(d: &Deployment, kind: Kind) -> Vec<Input> {
    d.of(kind).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_belongs_to_a_host_and_shared_ones_are_claimed() {
        for kind in Kind::ALL {
            let readers: Vec<_> = all().filter(|m| m.kinds().contains(&kind)).collect();
            assert!(!readers.is_empty(), "{kind:?}");
            // A kind several hosts read (Terraform) needs every host but the first to claim
            // its files, or they would all go to the first.
            if readers.len() > 1 {
                let named = Input::new(format!("{}/x", readers[1].layout()), "x = 1\n");
                assert_eq!(of_input(kind, &named), readers[1].host(), "{kind:?}");
            }
        }
    }

    #[test]
    fn the_registry_names_each_host_once() {
        for h in Host::ALL {
            assert_eq!(module(h).host(), h);
        }
    }
}
