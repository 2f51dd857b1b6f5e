//! `hostwiz migrate worker`: an inline deployment (the API owns billing retries and replay) to
//! one dedicated worker, in the two phases of CONTRACTS.md ("Safe migration"): phase 1 takes
//! ownership away from the API with the worker still off, phase 2 starts exactly one worker.
//!
//! The existing files are read with `check`'s ingesters; each phase is the operator's own files
//! with only the settings that must change edited in place (comments kept), checked with the
//! same rules before anything is written. Phase 1 is knowingly without a retry owner, so its
//! files carry a dated `hostwiz:ignore BILL-006` on the API's retry flag. Writing goes through
//! [`crate::write`], as `apply` does.

mod doc;
mod hosts;
mod yaml_edit;

use crate::answers::{Host, WorkerMode};
use crate::check;
use crate::contracts::{self, Contract, Finding, Severity};
use crate::error::{Error, Result};
use crate::ingest::detect::{detect, Kind};
use crate::ingest::{envfile, helm, suppress, terraform, vps, Input, Vars};
use crate::plan::{Origin, Plan};
use crate::render::File;
use crate::report;
use crate::write::{self, Change, Planned};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub const DEFAULT_OUT: &str = "hostwiz-out/migrate";
pub const GUIDE: &str = "MIGRATION.md";
/// How long phase 1 may stay in place before `check` complains again.
pub const GRACE_DAYS: i64 = 7;

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub repo: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub dry_run: bool,
    pub yes: bool,
}

/// The files of one deployment, as read.
#[derive(Clone, Debug)]
pub(crate) struct Deployment {
    pub host: Host,
    pub files: Vec<(Kind, Input)>,
}

impl Deployment {
    fn of(&self, kind: Kind) -> impl Iterator<Item = &Input> {
        self.files
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, i)| i)
    }

    pub fn primary(&self) -> &str {
        self.files.first().map_or("-", |(_, i)| i.path.as_str())
    }

    /// The same deployment with `changed` files replacing those of the same path, new ones
    /// added at the end (a Compose override after the operator's Compose files).
    fn overlay(&self, changed: &[(Kind, Input)]) -> Deployment {
        let mut files = self.files.clone();
        for (kind, input) in changed {
            match files.iter_mut().find(|(_, i)| i.path == input.path) {
                Some(slot) => slot.1 = input.clone(),
                None => files.push((*kind, input.clone())),
            }
        }
        Deployment {
            host: self.host,
            files,
        }
    }
}

/// One phase of one deployment: the files that differ from the operator's.
#[derive(Clone, Debug)]
pub(crate) struct Phase {
    pub changed: Vec<(Kind, Input)>,
    /// Compose profiles to pass as `--profile` (no env file carries them).
    pub profiles: Vec<String>,
}

/// What `migrate` decided for one deployment.
pub struct Report {
    pub host: Host,
    pub primary: String,
    /// The findings of the configuration as it is now.
    pub findings: Vec<Finding>,
    pub migrated: bool,
}

/// Everything decided before any write.
pub struct Outcome {
    pub reports: Vec<Report>,
    pub out: PathBuf,
    /// `phase-1/…`, `phase-2/…` and `MIGRATION.md`; empty when nothing needs migrating.
    pub files: Vec<File>,
}

/// Reads the deployments, builds and checks both phases of each inline one.
pub fn plan(opts: &Options) -> Result<Outcome> {
    let deployments = read(opts)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    let until = add_days(suppress::today(), GRACE_DAYS);
    let mut reports = Vec::new();
    let mut sections = Vec::new();
    let mut files: Vec<File> = Vec::new();
    for d in deployments {
        let (plan, findings) = evaluate(&d, &[])?;
        let inline = plan.worker_mode() == WorkerMode::Inline;
        reports.push(Report {
            host: d.host,
            primary: d.primary().to_string(),
            findings,
            migrated: inline,
        });
        if !inline {
            continue;
        }
        let (mut p1, p2) = hosts::phases(&d, &plan)?;
        suppress_bill_006(&d, &mut p1, until)?;
        verify(&d, &p1, 1)?;
        verify(&d, &p2, 2)?;
        for (n, phase) in [(1, &p1), (2, &p2)] {
            for (_, input) in &phase.changed {
                let path = format!("phase-{n}/{}", file_name(&input.path));
                if files.iter().any(|f| f.path == path) {
                    return Err(Error::Usage(format!(
                        "two deployments would both write {path}: migrate them one at a time with --out"
                    )));
                }
                files.push(File {
                    path,
                    contents: input.text.clone(),
                    executable: false,
                });
            }
        }
        sections.push(doc::section(&d, &plan, &p1, &p2, &out, until));
    }
    if !sections.is_empty() {
        files.push(File {
            path: GUIDE.into(),
            contents: doc::guide(&sections),
            executable: false,
        });
    }
    Ok(Outcome {
        reports,
        out,
        files,
    })
}

pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The deployments named on the command line (grouped by host, like `check`) or found in the
/// starter's layout under `--repo`.
fn read(opts: &Options) -> Result<Vec<Deployment>> {
    let mut out = Vec::new();
    if let Some(repo) = &opts.repo {
        out.extend(discover(repo)?);
    }
    if !opts.paths.is_empty() {
        let mut by_host: Vec<Deployment> = Vec::new();
        for p in &opts.paths {
            let input = check::read(p)?;
            let kind = detect(&input).ok_or_else(|| {
                Error::Usage(format!(
                    "cannot tell what {} is: name Helm values values*.yaml, Compose files *compose*.yml, \
                     a Caddyfile Caddyfile, env files *.env, Terraform *.tf / *.tfvars",
                    input.path
                ))
            })?;
            if kind == Kind::Manifests {
                return Err(Error::Usage(format!(
                    "{} holds rendered manifests: migrate edits the Helm values files they come from",
                    input.path
                )));
            }
            match by_host.iter_mut().find(|d| d.host == kind.host()) {
                Some(d) => d.files.push((kind, input)),
                None => by_host.push(Deployment {
                    host: kind.host(),
                    files: vec![(kind, input)],
                }),
            }
        }
        out.extend(by_host);
    }
    if out.is_empty() {
        return Err(Error::Usage(
            "nothing to migrate: name the deployment's files, or use --repo DIR for the starter's ops/ layout".into(),
        ));
    }
    for d in &out {
        let editable = match d.host {
            Host::K8s => d.of(Kind::HelmValues).next().is_some(),
            Host::Vps => true,
            Host::Gcp => d.of(Kind::Tfvars).any(|i| !i.path.ends_with(".json")),
        };
        if !editable {
            return Err(Error::Usage(format!(
                "{}: migrate needs {} to edit",
                d.primary(),
                match d.host {
                    Host::K8s => "a Helm values file",
                    _ => "an HCL .tfvars file (a .tfvars.json cannot keep comments)",
                }
            )));
        }
    }
    Ok(out)
}

/// `check --repo`'s layout: each Helm values file over `values.yaml`, the Compose deployment
/// (with the worker override when present), each tfvars file with the blueprint.
fn discover(repo: &Path) -> Result<Vec<Deployment>> {
    let mut out = Vec::new();
    let list = |dir: &Path, keep: &dyn Fn(&str) -> bool| -> Result<Vec<PathBuf>> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, "read the folder", e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(keep))
            .collect();
        found.sort();
        Ok(found)
    };
    let chart = repo.join("ops/charts/starter");
    if chart.is_dir() {
        let base = chart.join("values.yaml");
        let base = base.is_file().then(|| check::read(&base)).transpose()?;
        let envs = list(&chart, &|n| {
            n != "values.yaml"
                && n.starts_with("values")
                && (n.ends_with(".yaml") || n.ends_with(".yml"))
        })?;
        for p in envs {
            let mut files: Vec<_> = base.iter().map(|b| (Kind::HelmValues, b.clone())).collect();
            files.push((Kind::HelmValues, check::read(&p)?));
            out.push(Deployment {
                host: Host::K8s,
                files,
            });
        }
        if out.is_empty() {
            if let Some(b) = base {
                out.push(Deployment {
                    host: Host::K8s,
                    files: vec![(Kind::HelmValues, b)],
                });
            }
        }
    }
    let compose = repo.join("ops/compose");
    if compose.is_dir() {
        let mut files = Vec::new();
        let caddy = compose.join("caddy/Caddyfile");
        if caddy.is_file() {
            files.push((Kind::Caddyfile, check::read(&caddy)?));
        }
        for name in [
            "docker-compose.prod.yml",
            "docker-compose.yml",
            "compose.yaml",
        ] {
            let p = compose.join(name);
            if p.is_file() {
                files.push((Kind::Compose, check::read(&p)?));
                break;
            }
        }
        let worker = compose.join(hosts::WORKER_OVERRIDE);
        if worker.is_file() {
            files.push((Kind::Compose, check::read(&worker)?));
        }
        for p in list(&compose, &|n| n == ".env" || n.ends_with(".env"))? {
            files.push((Kind::EnvFile, check::read(&p)?));
        }
        if !files.is_empty() {
            out.push(Deployment {
                host: Host::Vps,
                files,
            });
        }
    }
    let gcp = repo.join("ops/infra/gcp");
    if gcp.is_dir() {
        let tf: Vec<_> = list(&gcp, &|n| n.ends_with(".tf"))?
            .iter()
            .map(|p| check::read(p).map(|i| (Kind::Terraform, i)))
            .collect::<Result<_>>()?;
        for p in list(&gcp, &|n| n.ends_with(".tfvars"))? {
            let mut files = vec![(Kind::Tfvars, check::read(&p)?)];
            files.extend(tf.iter().cloned());
            out.push(Deployment {
                host: Host::Gcp,
                files,
            });
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no deployment of the starter's layout to migrate (ops/charts/starter values, \
             ops/compose, ops/infra/gcp *.tfvars)",
            repo.display()
        )));
    }
    Ok(out)
}

/// The plan and findings of a deployment, as `check` computes them (suppressions applied).
pub(crate) fn evaluate(d: &Deployment, profiles: &[String]) -> Result<(Plan, Vec<Finding>)> {
    let inputs = |k| d.of(k).cloned().collect::<Vec<_>>();
    let plan = match d.host {
        Host::K8s => helm::values_plan(&inputs(Kind::HelmValues))?,
        Host::Vps => {
            let mut vars = Vars::default();
            for e in d.of(Kind::EnvFile) {
                vars.extend(envfile::parse(e)?);
            }
            vps::plan(
                &inputs(Kind::Caddyfile),
                &inputs(Kind::Compose),
                &vars,
                profiles,
            )?
        }
        Host::Gcp => terraform::plan(&inputs(Kind::Tfvars), &inputs(Kind::Terraform), None)?,
    };
    let mut findings = contracts::check(&plan);
    let suppressions: Vec<_> = d
        .files
        .iter()
        .flat_map(|(_, i)| suppress::scan(i))
        .collect();
    suppress::apply(&mut findings, &suppressions, suppress::today());
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    Ok((plan, findings))
}

pub(crate) fn suppression(until: (i32, u32, u32)) -> String {
    let (y, m, d) = until;
    format!("hostwiz:ignore BILL-006 reason=\"migration phase 1 of 2\" until={y:04}-{m:02}-{d:02}")
}

/// Puts the dated BILL-006 suppression on the line above each setting BILL-006 points at.
fn suppress_bill_006(d: &Deployment, p1: &mut Phase, until: (i32, u32, u32)) -> Result<()> {
    let (_, findings) = evaluate(&d.overlay(&p1.changed), &p1.profiles)?;
    let mut at: Vec<(String, u32)> = findings
        .iter()
        .filter(|f| f.rule == "BILL-006")
        .filter_map(|f| match &f.origin {
            Origin::File { path, line, .. } => Some((path.clone(), *line)),
            _ => None,
        })
        .collect();
    at.sort();
    at.dedup();
    // From the bottom up, so earlier line numbers stay right.
    for (path, line) in at.into_iter().rev() {
        let Some((_, input)) = p1.changed.iter_mut().find(|(_, i)| i.path == path) else {
            return Err(Error::NotWritten(format!(
                "phase 1 leaves the API's retry flag at {path}:{line}, a file migrate does not \
                 change; set ENABLE_BILLING_RETRY_WORKER there by hand"
            )));
        };
        let mut lines: Vec<&str> = input.text.split_inclusive('\n').collect();
        let idx = (line as usize).saturating_sub(1).min(lines.len());
        let target = lines.get(idx).copied().unwrap_or_default();
        let indent = &target[..target.len() - target.trim_start().len()];
        let comment = format!("{indent}# {}\n", suppression(until));
        lines.insert(idx, &comment);
        input.text = lines.concat();
    }
    Ok(())
}

/// A phase must leave no unsuppressed billing error (other contracts are reported as found);
/// phase 2 must need no suppression from migrate at all.
fn verify(d: &Deployment, phase: &Phase, n: u32) -> Result<()> {
    let (plan, findings) = evaluate(&d.overlay(&phase.changed), &phase.profiles)?;
    let expected = if n == 1 {
        WorkerMode::Inline
    } else {
        WorkerMode::Dedicated
    };
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| contracts::rule(f.rule).is_some_and(|r| r.contract == Contract::Billing))
        .filter(|f| f.suppressed.is_none() || (n == 2 && f.rule == "BILL-006"))
        .map(|f| format!("{} at {}: {}", f.rule, f.origin, f.message))
        .collect();
    if !bad.is_empty() || plan.worker_mode() != expected {
        return Err(Error::NotWritten(format!(
            "{}: phase {n} as migrate would write it still breaks the billing contract ({}); \
             please report this",
            d.primary(),
            if bad.is_empty() {
                format!("the worker mode is not {}", expected.as_str())
            } else {
                bad.join("; ")
            }
        )));
    }
    Ok(())
}

/// A date plus some days (proleptic Gregorian).
pub(crate) fn add_days((y, m, d): (i32, u32, u32), days: i64) -> (i32, u32, u32) {
    // Howard Hinnant's days_from_civil / civil_from_days.
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let z = era * 146_097 + doe + days;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

fn io_err(e: io::Error) -> Error {
    Error::io("standard output", "write to", e)
}

/// The command: plan, show, ask, write.
pub fn run_worker(opts: &Options, out: &mut impl Write) -> Result<()> {
    let outcome = plan(opts)?;
    let mut s = String::new();
    for r in &outcome.reports {
        let active: Vec<Finding> = r
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .cloned()
            .collect();
        if !active.is_empty() {
            s.push_str(&format!(
                "found in {} ({}) as it is now:\n",
                r.primary, r.host
            ));
            s.push_str(&report::check_text(&[(
                r.primary.as_str(),
                active.as_slice(),
            )]));
        }
        if r.migrated {
            s.push_str(&format!(
                "{} ({}): inline → dedicated worker in two phases; the plan fixes the billing findings\n",
                r.primary, r.host
            ));
        } else {
            s.push_str(&format!(
                "{} ({}): already in dedicated mode (a worker is defined); nothing to migrate\n",
                r.primary, r.host
            ));
        }
    }
    if outcome.files.is_empty() {
        s.push_str("nothing was written\n");
        return out.write_all(s.as_bytes()).map_err(io_err);
    }
    let planned = write::prepare(&outcome.out, outcome.files)?;
    s.push_str(&write::describe(&planned, opts.dry_run));
    out.write_all(s.as_bytes()).map_err(io_err)?;
    if opts.dry_run {
        return writeln!(out, "dry run: nothing was written").map_err(io_err);
    }
    let updates = planned
        .iter()
        .filter(|p| matches!(p.change, Change::Update { .. }))
        .count();
    if !(opts.yes || updates == 0 || write::confirm(out, updates)?) {
        return Err(Error::NotWritten(format!(
            "{updates} existing file{} in {} differ{} from what hostwiz would write; \
             re-run with --yes to replace them (the old content is kept as .bak)",
            if updates == 1 { "" } else { "s" },
            outcome.out.display(),
            if updates == 1 { "s" } else { "" },
        )));
    }
    commit(&outcome.out, &planned, out)
}

fn commit(dir: &Path, planned: &[Planned], out: &mut impl Write) -> Result<()> {
    let written = write_phases(dir, planned)?;
    out.write_all(write::summary(&written, &dir.join(GUIDE)).as_bytes())
        .map_err(io_err)
}

/// Writes the planned phase files: the phase folders are made here, and never through a
/// symlink (`write::commit` creates the output folder only), so nothing lands outside it.
pub fn write_phases(dir: &Path, planned: &[Planned]) -> Result<Vec<write::Written>> {
    for n in [1, 2] {
        let sub = dir.join(format!("phase-{n}"));
        if !planned.iter().any(|p| p.target.starts_with(&sub)) {
            continue;
        }
        if std::fs::symlink_metadata(&sub).is_ok_and(|m| !m.is_dir()) {
            return Err(Error::NotWritten(format!(
                "refusing to write into {}: it is not a plain folder",
                sub.display()
            )));
        }
        std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, "create the folder", e))?;
    }
    write::commit(dir, planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_days_crosses_months_and_years() {
        assert_eq!(add_days((2026, 5, 24), 7), (2026, 5, 31));
        assert_eq!(add_days((2026, 5, 27), 7), (2026, 6, 3));
        assert_eq!(add_days((2026, 12, 28), 7), (2027, 1, 4));
        assert_eq!(add_days((2028, 2, 25), 7), (2028, 3, 3));
    }
}
